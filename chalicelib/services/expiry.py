"""The daily job `flag_expired_permits`: flag permits whose expiry date has passed, and e-mail a
reminder some days (EXPIRY_REMINDER_DAYS, default 14) before a permit expires.

Its cost follows the permits that fall due, never the whole table: both halves Query the sparse
GSI2 (permits leave the EXPIRY entries when flagged; reminders leave the REMINDER entries when sent;
cancelled permits leave the ARCHIVE entries when they move off the dashboard), so a permit is read by
the job on the day it falls due and not again. Idempotent: every write is
conditional, so running twice (or two runs racing) flags and reminds once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.domain.accounts import NotificationKind
from chalicelib.domain.audit import AuditAction, AuditEntry, subject
from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.permits import PERMIT_VALIDITY_DAYS, Permit
from chalicelib.domain.wording import us_date, us_day
from chalicelib.services.permits import PermitWork
from chalicelib.services.recipients import mail_users, recipients

log = logging.getLogger(__name__)

#: How far from the county's today a run "as of" another day may be, either way: a year of expiries
#: can be rehearsed, and no as-of date takes the job's date arithmetic anywhere near `date`'s limits
#: (a 9999-12-31 run flagged permits, then overflowed computing its reminder window).
AS_OF_MAX_DAYS = 366


def check_as_of(as_of: date, today: date) -> None:
    """400 naming `as_of` when it is more than AS_OF_MAX_DAYS from `today`."""
    if abs((as_of - today).days) > AS_OF_MAX_DAYS:
        earliest, latest = today - timedelta(days=AS_OF_MAX_DAYS), today + timedelta(days=AS_OF_MAX_DAYS)
        raise InvalidInput(
            f"The job can run as of a date within {AS_OF_MAX_DAYS} days of today, not {as_of.isoformat()}.",
            [FieldProblem("as_of", f"must be between {earliest.isoformat()} and {latest.isoformat()}")])


@dataclass(frozen=True)
class JobResult:
    flagged: int
    reminded: int


class ExpiryJob(PermitWork):
    """The daily job: flag permits whose expiry date has passed, move cancelled permits off the
    dashboard after their 30 days, and send the 14-day reminders."""

    def run(self, as_of: date | None = None, by: str | None = None) -> JobResult:
        """Flag what expired before `as_of` (default: today, county time), archive, then remind.

        An `as_of` more than a year from today is refused before anything is read or written.
        `by`: the staff member who ran it from the back office, kept in the audit trail with the counts."""
        now = self.clock.now()
        today = self.config.calendar.local_today(now)
        if as_of is not None:
            check_as_of(as_of, today)
            today = as_of
        flagged = archived = 0
        for due in list(self.uow.permits.falling_due(today)):
            if isinstance(due, str):
                archived += self._archive(due, today)
            else:
                flagged += self._flag(due, today)
        reminded = self._remind(today, now)
        log.info("expiry job for %s: %d flagged, %d archived, %d reminded", today, flagged, archived, reminded)
        if by is not None:
            self.uow.audit.record(AuditEntry(now, by, AuditAction.JOB_RUN, subject("job", "flag-expired"),
                                             after={"as_of": today, "flagged": flagged, "archived": archived,
                                                    "reminded": reminded}))
            self.uow.commit()
        return JobResult(flagged, reminded)

    def _flag(self, permit: Permit, today: date) -> bool:
        """Flag one permit from its index entry; a permit changed meanwhile is left to the next run."""
        if not permit.flag_expired(today):
            return False
        self.uow.permits.save(permit)
        if not self.uow.commit_unless_stale():
            return False
        log.info("permit %s flagged expired (expiry date %s)", permit.permit_no, permit.expires_date)
        return True

    def _archive(self, permit_no: str, today: date) -> bool:
        permit = self.uow.permits.get(permit_no)
        if permit is None or not permit.archive_if_due(today):
            return False
        self.uow.permits.save(permit)
        return self.uow.commit_unless_stale()

    def _remind(self, today: date, now: datetime) -> int:
        reminded = 0
        companies: dict[str, Any] = {}
        for reminder in list(self.uow.permits.due_reminders(today, self.config.reminder_days)):
            if reminder.expires_date < today:  # expired before its reminder went out: nothing to remind
                self.uow.permits.claim_reminder(reminder, now)
                continue
            if reminder.contractor_id not in companies:  # each user of the company who asked for reminders
                companies[reminder.contractor_id] = recipients(self.uow, reminder.contractor_id,
                                                               NotificationKind.EXPIRY_REMINDERS)
            addresses = companies[reminder.contractor_id]
            if not self.uow.permits.claim_reminder(reminder, now):
                continue  # another run sent it
            if not addresses:
                continue
            days = (reminder.expires_date - today).days
            sent = mail_users(
                self.notifier, addresses, reminder.contractor_id,
                f"Permit {reminder.permit_no} expires on {us_date(reminder.expires_date)}",
                f"Permit {reminder.permit_no} ({reminder.address}) expires on "
                f"{us_day(reminder.expires_date)}, in {days} {'day' if days == 1 else 'days'}.\n"
                f"A passed inspection keeps a permit alive for another {PERMIT_VALIDITY_DAYS} days (IRC R105.5): "
                "request one from your dashboard before then.")
            if sent:
                reminded += 1
        return reminded
