"""Staff are told: the one path by which a contractor's action reaches Community Development.

A service that reports something to staff (an inspection requested or cancelled, a payment) calls
`leave` before its commit, so the notice lands in the change's own transaction, and `mail` after it,
so the staff mailbox (STAFF_EMAIL) gets the same words once the change stands: the notice's summary
as the subject, its details as the body. No other code mails staff.

`NoticeService` is the back office's side: the queue, newest first, and marking a notice read
(kept in the audit trail).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.clock import Clock
from chalicelib.domain.audit import AuditAction, AuditEntry, subject
from chalicelib.domain.errors import NotFound, StaleRecord
from chalicelib.domain.notices import Notice
from chalicelib.notifier import Notifier
from chalicelib.services.mail import send_quietly

if TYPE_CHECKING:
    from chalicelib.store.notices import NoticePage
    from chalicelib.store.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StaffMailbox:
    """Where notices go: the unit of work's notice queue, and the staff mailbox."""

    notifier: Notifier
    address: str

    @staticmethod
    def leave(uow: UnitOfWork, notice: Notice) -> None:
        """Stage the notice with the change it reports (before the commit)."""
        uow.notices.add(notice)

    def mail(self, notice: Notice) -> bool:
        """E-mail the notice to staff (after the commit); a refusal is logged, the change stands."""
        if not self.address:
            log.warning("no STAFF_EMAIL: notice %s (%s) not mailed", notice.notice_id, notice.kind)
            return False
        return send_quietly(self.notifier, self.address, notice.summary, notice.details or notice.summary)


class NoticeService:
    """The back office's notice queue (`view-permits`)."""

    def __init__(self, uow: UnitOfWork, clock: Clock, actor: str) -> None:
        self.uow = uow
        self.clock = clock
        self.actor = actor

    def page(self, unread_only: bool, limit: int, cursor: str | None) -> NoticePage:
        return self.uow.notices.newest(unread_only, limit, cursor)

    def unread_count(self) -> int:
        return self.uow.notices.unread_count()

    def mark_read(self, notice_id: str) -> Notice:
        """The notice, read: by this staff member now, or as it was when someone read it first (no change,
        no audit entry). The change and its audit entry land together."""
        for _ in range(2):
            notice = self.uow.notices.get(notice_id)
            if notice is None:
                raise NotFound(f"No notice {notice_id[:40]}.")
            if notice.read:
                return notice
            read = notice.marked_read(self.clock.now(), self.actor)
            self.uow.notices.mark_read(read)
            self.uow.audit.record(AuditEntry(read.read_at or self.clock.now(), self.actor, AuditAction.NOTICE_READ,
                                             subject("notice", notice_id), {"read": False}, {"read": True}))
            try:
                self.uow.commit()
            except StaleRecord:
                continue  # read by someone else meanwhile: answer it as they left it
            return read
        notice = self.uow.notices.get(notice_id)
        if notice is None:
            raise NotFound(f"No notice {notice_id[:40]}.")
        return notice
