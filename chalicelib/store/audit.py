"""The audit trail's items: one per staff action, written in the action's own transaction, never changed."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain.audit import AuditAction, AuditEntry
from chalicelib.store import keys
from chalicelib.store.cursors import decode_cursor, encode_cursor, gsi1_key
from chalicelib.store.items import Item, Put, absent

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    next_cursor: str | None


def _sort_key(entry: AuditEntry) -> str:
    # Microseconds and the id keep two entries of one instant apart and in order.
    return f"{entry.at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{entry.entry_id}"


def _entry(item: Item) -> AuditEntry:
    return AuditEntry(
        at=datetime.strptime(str(item["at"]), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
        by=str(item.get("by", "")), action=AuditAction(str(item["action"])), subject=str(item["subject"]),
        before=item.get("before"), after=item.get("after"), entry_id=str(item.get("entry_id", "")),
    )


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """Values as the trail keeps them: text, whole numbers and flags (money, dates and enums as their text,
    so 65.00 reads back as 65.00)."""
    if values is None:
        return None

    def one(value: Any) -> Any:
        if value is None or isinstance(value, (str, bool, int)):
            return value
        if isinstance(value, (list, tuple)):
            return [one(v) for v in value]
        return str(value)

    return {str(k): one(v) for k, v in values.items()}


def table_key(item: Item) -> dict[str, str]:
    return {"PK": item["PK"], "SK": item["SK"]}


class AuditRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.items = uow.items

    def record(self, entry: AuditEntry) -> AuditEntry:
        """Add the entry to the operation's pending writes: it lands with the change, or not at all."""
        # The id leads with the machine's own nanoseconds, so entries of one clock instant (a frozen test
        # clock, or one request's several) still read back in the order they were made.
        entry_id = entry.entry_id or f"{time.time_ns():x}{secrets.token_hex(3)}"
        kept = AuditEntry(entry.at, entry.by, entry.action, entry.subject, _plain(entry.before),
                          _plain(entry.after), entry_id)
        sort_key = _sort_key(kept)
        item: Item = {
            "PK": keys.audit_partition(kept.subject), "SK": sort_key,
            "GSI1PK": keys.AUDIT_ALL, "GSI1SK": sort_key,
            "at": sort_key.split("#", 1)[0], "by": kept.by, "action": kept.action.value,
            "subject": kept.subject, "entry_id": entry_id,
        }
        if kept.before is not None:
            item["before"] = kept.before
        if kept.after is not None:
            item["after"] = kept.after
        self.uow.add(Put(item, absent()))
        return kept

    def newest(self, subject: str | None, limit: int, cursor: str | None) -> AuditPage:
        """One Query, newest first: of one record's partition, or of every entry through GSI1."""
        if subject:
            partition = {"PK": keys.audit_partition(subject)}
            start = decode_cursor(cursor, partition)["key"] if cursor else None
            page = self.items.query(partition["PK"], forward=False, limit=limit, start=start)
            position = table_key
        else:
            partition = {"GSI1PK": keys.AUDIT_ALL}
            start = decode_cursor(cursor, partition)["key"] if cursor else None
            page = self.items.query(keys.AUDIT_ALL, index="GSI1", forward=False, limit=limit, start=start)
            position = gsi1_key
        more = page.next_key is not None and len(page.items) == limit
        return AuditPage([_entry(i) for i in page.items],
                         encode_cursor({"key": position(page.items[-1])}) if more and page.items else None)
