"""The daily job `flag_expired_permits`: flag permits whose expiry date has passed, and e-mail a
reminder some days (EXPIRY_REMINDER_DAYS, default 14) before a permit expires.

Its cost follows the permits that fall due, never the whole table: both halves Query the sparse
GSI2 (permits leave the EXPIRY entries when flagged; reminders leave the REMINDER entries when sent),
so a permit is read by the job on the day it falls due and not again. Idempotent: every write is
conditional, so running twice (or two runs racing) flags and reminds once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from chalicelib.domain.accounts import Contractor
from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.services.permits import PermitWork

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
    """The daily job: flag permits whose expiry date has passed, and send the 14-day reminders."""

    def run(self, as_of: date | None = None) -> JobResult:
        """Flag what expired before `as_of` (default: today, county time), then send due reminders.

        An `as_of` more than a year from today is refused before anything is read or written."""
        now = self.clock.now()
        today = self.config.calendar.local_today(now)
        if as_of is not None:
            check_as_of(as_of, today)
            today = as_of
        flagged = 0
        for permit in list(self.store.due_for_expiry(today)):
            if self.store.flag_expired(permit):
                flagged += 1
                log.info("permit %s flagged expired (expiry date %s)", permit.permit_no, permit.expires_date)
        reminded = 0
        contractors: dict[str, Contractor | None] = {}
        for reminder in list(self.store.due_reminders(today, self.config.reminder_days)):
            if reminder.expires_date < today:  # expired before its reminder went out: nothing to remind
                self.store.claim_reminder(reminder, now)
                continue
            if reminder.contractor_id not in contractors:
                contractors[reminder.contractor_id] = self.accounts.get_contractor(reminder.contractor_id)
            contractor = contractors[reminder.contractor_id]
            if not self.store.claim_reminder(reminder, now):
                continue  # another run sent it
            if contractor is None or not contractor.email:
                continue
            days = (reminder.expires_date - today).days
            try:
                self.notifier.send(
                    contractor.email, f"Permit {reminder.permit_no} expires on {reminder.expires_date.isoformat()}",
                    f"Permit {reminder.permit_no} ({reminder.address}) expires on "
                    f"{reminder.expires_date:%A} {reminder.expires_date.isoformat()}, in {days} day(s).\n"
                    "A passed inspection keeps a permit alive for another 180 days (IRC R105.5): "
                    "request one from your dashboard before then.")
            except Exception:  # SES refused one address: the other permits' reminders still go out
                log.exception("could not send the expiry reminder of permit %s", reminder.permit_no)
                continue
            reminded += 1
        log.info("expiry job for %s: %d flagged, %d reminded", today, flagged, reminded)
        return JobResult(flagged, reminded)
