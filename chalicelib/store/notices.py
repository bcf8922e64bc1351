"""Staff notices' items: one per notice, left in the transaction of the change it reports.

Item (keys in `keys.py`): PK=NOTICE#<id>  SK=NOTICE  GSI1PK=NOTICES  GSI1SK=<at>#<id>
(+ GSI2PK=NOTICES_UNREAD  GSI2SK=<at>#<id> while unread)
{notice_id, at (RFC 3339 with microseconds), kind, summary, details, contractor_id, permit_no?,
payment_id?, inspection_id?, read_at?, read_by?}.

- every notice, newest first: one Query of GSI1's NOTICES partition per page;
- unread ones, newest first, and how many: one Query of GSI2's sparse NOTICES_UNREAD partition
  (reading a notice removes its entry, so the cost follows what is unread, not every notice ever);
- one notice: GetItem. Marking it read is an Update conditioned on its being unread still.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalicelib.domain.notices import Notice, NoticeKind, is_notice_id
from chalicelib.store import keys
from chalicelib.store.cursors import decode_cursor, encode_cursor
from chalicelib.store.items import Item, Key, Put, Update, absent, not_exists, present

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork

_AT = "%Y-%m-%dT%H:%M:%S.%fZ"
UNREAD_COUNT_CAP = 1000
"""`unread_count` stops counting here (the back office shows "1000+"): its cost stays bounded."""


@dataclass(frozen=True)
class NoticePage:
    notices: list[Notice]
    next_cursor: str | None


def _at(at: datetime) -> str:
    return at.astimezone(UTC).strftime(_AT)


def _time(text: object) -> datetime | None:
    return datetime.strptime(str(text), _AT).replace(tzinfo=UTC) if text else None


def _sort_key(notice: Notice) -> str:
    return f"{_at(notice.at)}#{notice.notice_id}"


def notice_item(notice: Notice) -> Item:
    sort_key = _sort_key(notice)
    item: Item = {
        **keys.notice(notice.notice_id), "GSI1PK": keys.NOTICES_ALL, "GSI1SK": sort_key,
        "notice_id": notice.notice_id, "at": _at(notice.at), "kind": notice.kind.value, "summary": notice.summary,
        "details": notice.details, "contractor_id": notice.contractor_id, "permit_no": notice.permit_no,
        "payment_id": notice.payment_id, "inspection_id": notice.inspection_id,
        "read_at": _at(notice.read_at) if notice.read_at else None, "read_by": notice.read_by,
    }
    if not notice.read:
        item["GSI2PK"], item["GSI2SK"] = keys.NOTICES_UNREAD, sort_key
    return {k: v for k, v in item.items() if v is not None}


def notice_from_item(item: Item) -> Notice:
    at = _time(item["at"])
    assert at is not None
    return Notice(
        notice_id=str(item["notice_id"]), at=at, kind=NoticeKind(str(item["kind"])), summary=str(item["summary"]),
        contractor_id=str(item.get("contractor_id", "")), details=str(item.get("details", "")),
        permit_no=item.get("permit_no"), payment_id=item.get("payment_id"), inspection_id=item.get("inspection_id"),
        read_at=_time(item.get("read_at")), read_by=item.get("read_by"),
    )


def _position(item: Item, index: str) -> Key:
    pk, sk = ("GSI1PK", "GSI1SK") if index == "GSI1" else ("GSI2PK", "GSI2SK")
    return {"PK": item["PK"], "SK": item["SK"], pk: item[pk], sk: item[sk]}


class NoticeRepository:
    """`uow.notices`: leave a notice with a change, list them, mark one read."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.items = uow.items

    def add(self, notice: Notice) -> None:
        """Stage the notice with the operation's other writes: it lands with the change, or not at all."""
        self.uow.add(Put(notice_item(notice), absent()))

    def get(self, notice_id: str) -> Notice | None:
        if not is_notice_id(notice_id):
            return None
        item = self.items.get(keys.notice(notice_id))
        return notice_from_item(item) if item else None

    def mark_read(self, notice: Notice) -> None:
        """Stage `notice` (as `Notice.marked_read` made it) read: it leaves the unread index. Conditioned
        on its being unread still, so of two staff marking it at once one lands (the other: StaleRecord)."""
        if notice.read_at is None:
            raise ValueError("mark_read takes a notice marked read")
        self.uow.add(Update(keys.notice(notice.notice_id),
                            set={"read_at": _at(notice.read_at), "read_by": notice.read_by or ""},
                            remove=("GSI2PK", "GSI2SK"), cond=present() & not_exists("read_at")))

    def newest(self, unread_only: bool, limit: int, cursor: str | None) -> NoticePage:
        """A page of notices, newest first: one Query (GSI1 for all, GSI2's sparse partition for unread)."""
        index, partition = ("GSI2", keys.NOTICES_UNREAD) if unread_only else ("GSI1", keys.NOTICES_ALL)
        start = decode_cursor(cursor, {f"{index}PK": partition})["key"] if cursor else None
        page = self.items.query(partition, index=index, forward=False, limit=limit, start=start)
        more = page.next_key is not None and len(page.items) == limit
        return NoticePage([notice_from_item(i) for i in page.items],
                          encode_cursor({"key": _position(page.items[-1], index)}) if more and page.items else None)

    def unread_count(self, cap: int = UNREAD_COUNT_CAP) -> int:
        """How many notices are unread (at most `cap`): Queries of the sparse unread index only."""
        count, start = 0, None
        while count < cap:
            page = self.items.query(keys.NOTICES_UNREAD, index="GSI2", limit=min(cap - count, 500), start=start)
            count += len(page.items)
            if page.next_key is None:
                break
            start = page.next_key
        return min(count, cap)
