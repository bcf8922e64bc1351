"""A company's activity items: one per change, written in the change's own transaction, never changed.

PK=CONTRACTOR#<id>, SK=ACTIVITY#<at, microseconds>#<entry id> (`keys.activity`): the company's page of
activity is one descending Query of its partition, whatever else the partition holds.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalicelib.domain.activity import ActivityAction, CompanyActivity
from chalicelib.store import keys
from chalicelib.store.cursors import decode_cursor, encode_cursor
from chalicelib.store.items import Item, Put, absent

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork

_AT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _entry(item: Item) -> CompanyActivity:
    return CompanyActivity(
        contractor_id=str(item.get("contractor_id", "")),
        at=datetime.strptime(str(item["at"]), _AT).replace(tzinfo=UTC),
        user_id=str(item.get("user_id", "")), user_email=str(item.get("user_email", "")),
        action=ActivityAction(str(item["action"])), subject=str(item.get("subject", "")),
        detail=str(item.get("detail", "")), entry_id=str(item.get("entry_id", "")),
    )


class ActivityRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.items = uow.items

    def record(self, entry: CompanyActivity) -> None:
        """Staged: the entry lands with the change, or not at all."""
        # The id leads with the machine's nanoseconds: entries of one instant read back in order.
        entry_id = entry.entry_id or f"{time.time_ns():x}{secrets.token_hex(3)}"
        at = entry.at.astimezone(UTC).strftime(_AT)
        item: Item = {
            **keys.activity(entry.contractor_id, f"{at}#{entry_id}"), "contractor_id": entry.contractor_id,
            "at": at, "user_id": entry.user_id, "user_email": entry.user_email, "action": entry.action.value,
            "subject": entry.subject, "detail": entry.detail, "entry_id": entry_id,
        }
        self.uow.add(Put(item, absent()))

    def page(self, contractor_id: str, limit: int,
             cursor: str | None = None) -> tuple[list[CompanyActivity], str | None]:
        """A page of the company's activity, newest first: one Query."""
        partition = keys.contractor_partition(contractor_id)
        start = decode_cursor(cursor, {"PK": partition})["key"] if cursor else None
        page = self.items.query(partition, sk_prefix=keys.ACTIVITY_PREFIX, forward=False, limit=limit, start=start)
        more = page.next_key is not None and len(page.items) == limit
        last = page.items[-1] if page.items else None
        if more and last and not str(last["SK"]).startswith(keys.ACTIVITY_PREFIX):  # pragma: no cover
            more = False
        next_cursor = encode_cursor({"key": {"PK": last["PK"], "SK": last["SK"]}}) if more and last else None
        return [_entry(i) for i in page.items], next_cursor
