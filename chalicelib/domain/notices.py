"""Staff notices: what a contractor did that staff should know of (an inspection requested or
cancelled, a payment), kept for the back office's queue and mailed to the staff mailbox.

A notice is left in the same transaction as the change it reports (`uow.notices.add`), so the queue
cannot show a request that did not land nor miss one that did; its mail goes out after the commit,
with the same words (`summary` as the subject, `details` as the body). Staff mark it read; nothing
else about it ever changes.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class NoticeKind(StrEnum):
    INSPECTION_REQUESTED = "inspection-requested"
    INSPECTION_CANCELLED = "inspection-cancelled"
    PAYMENT = "payment"
    APPLICATION_SUBMITTED = "application-submitted"


def new_notice_id() -> str:
    """Hex: the machine's nanoseconds, then randomness, so notices of one clock instant (a frozen test
    clock, one request's several) still sort in the order they were made."""
    return f"{time.time_ns():x}{secrets.token_hex(4)}"


def is_notice_id(text: str) -> bool:
    return 16 <= len(text) <= 40 and all(c in "0123456789abcdef" for c in text)


@dataclass(frozen=True)
class Notice:
    notice_id: str
    at: datetime
    kind: NoticeKind
    summary: str  # one line: the mail's subject, the queue's row
    contractor_id: str
    details: str = ""  # the mail's body
    permit_no: str | None = None
    payment_id: str | None = None
    inspection_id: str | None = None
    read_at: datetime | None = None
    read_by: str | None = None

    @classmethod
    def new(cls, at: datetime, kind: NoticeKind, summary: str, contractor_id: str, details: str = "", *,
            permit_no: str | None = None, payment_id: str | None = None,
            inspection_id: str | None = None) -> Notice:
        return cls(new_notice_id(), at, kind, summary, contractor_id, details, permit_no, payment_id,
                   inspection_id)

    @property
    def read(self) -> bool:
        return self.read_at is not None

    def marked_read(self, at: datetime, by: str) -> Notice:
        """The notice as read by `by` at `at`; one already read stays as it was (who read it first)."""
        return self if self.read else replace(self, read_at=at, read_by=by)
