"""The contractor's side of permits: the dashboard, permit detail and search, requesting and
cancelling inspections.

The county's rules are the `Permit` aggregate's (domain/permits.py) and the inspection calendar's
(domain/inspections.py). A service loads aggregates through its unit of work, calls their methods,
saves and commits; it returns domain objects, and api/permit_views.py makes the JSON.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from chalicelib.clock import Clock
from chalicelib.config import Settings
from chalicelib.domain.accounts import NotificationKind
from chalicelib.domain.activity import ActivityAction, Actor, CompanyActivity
from chalicelib.domain.errors import NotFound, StaleRecord
from chalicelib.domain.inspections import (
    Inspection,
    InspectionCalendar,
    InspectionStatus,
    parse_holidays,
    parse_time_window,
)
from chalicelib.domain.notices import Notice, NoticeKind
from chalicelib.domain.permits import Permit, PermitStatus, parse_permit_status
from chalicelib.domain.wording import clock_time, us_day, words
from chalicelib.notifier import Notifier
from chalicelib.services.notices import StaffMailbox
from chalicelib.services.recipients import mail_users, recipients

if TYPE_CHECKING:
    from chalicelib.domain.accounts import Company
    from chalicelib.store.permits import PermitPage
    from chalicelib.store.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

MAX_PERMIT_NO_LENGTH = 64
"""A longer number from a URL is no permit (and would be a key DynamoDB refuses: a 500, not a 404)."""
_INSPECTION_ID = re.compile(r"(?P<permit>[A-Z]{2,4}[0-9]{2}-[0-9]{4})-(?P<suffix>[0-9a-f]{8})", re.ASCII)


@dataclass(frozen=True)
class PermitConfig:
    calendar: InspectionCalendar
    reminder_days: int = 14
    staff_email: str = "permits-staff@example.gov"  # STAFF_EMAIL: where staff notices are mailed

    @classmethod
    def from_settings(cls, s: Settings) -> PermitConfig:
        return cls(
            calendar=InspectionCalendar(
                tz=s.time_zone, holidays=parse_holidays(s.holidays),
                request_cutoff=time.fromisoformat(s.inspection_request_cutoff),
                cancel_cutoff=time.fromisoformat(s.inspection_cancel_cutoff)),
            reminder_days=s.expiry_reminder_days,
            staff_email=s.staff_email,
        )


# --- ids -------------------------------------------------------------------------------------------


def new_inspection_id(permit_no: str) -> str:
    """An id that names its permit (RES17-0150-1a2b3c4d), so one GetItem finds the inspection."""
    return f"{permit_no}-{secrets.token_hex(4)}"


def permit_of_inspection(inspection_id: str) -> str:
    """The permit number inside an inspection id; NotFound for anything that is not one of ours."""
    match = _INSPECTION_ID.fullmatch(inspection_id or "")
    if match is None:
        raise NotFound(f"No inspection {inspection_id}.")
    return match["permit"]


@dataclass(frozen=True)
class InspectionRequest:
    inspection_type: str
    date: date
    time_window: str | None = None
    notes: str = ""


STALE_RETRIES = 3
"""Times an operation is read again and redone when another request changed the permit meanwhile."""


def retrying[T](operation: Callable[[], T], attempts: int = STALE_RETRIES) -> T:
    """Run `operation` again (it reads afresh) while its commit finds the permit changed meanwhile."""
    for attempt in range(attempts):
        try:
            return operation()
        except StaleRecord:
            if attempt + 1 == attempts:
                raise
    raise AssertionError("unreachable")


def window_words(window: str) -> str:
    """A time window as mail writes it: morning, afternoon, or any time of day."""
    return {"AM": "morning", "PM": "afternoon", "ANY": "any time of day"}.get(window, window)


def notify_contractor(uow: UnitOfWork, notifier: Notifier, contractor_id: str, subject: str, body: str,
                      kind: NotificationKind = NotificationKind.INSPECTION_RESULTS) -> None:
    """E-mail each of the contractor's users who asked for `kind`; a refusal is logged."""
    mail_users(notifier, recipients(uow, contractor_id, kind), contractor_id, subject, body)


class PermitWork:
    """What the contractor's, the staff's and the job's permit services are built from."""

    def __init__(self, uow: UnitOfWork, clock: Clock, notifier: Notifier, config: PermitConfig) -> None:
        self.uow = uow
        self.clock = clock
        self.notifier = notifier
        self.config = config

    def _now_today(self) -> tuple[datetime, date]:
        """Now, and today's date on the county's clock."""
        now = self.clock.now()
        return now, self.config.calendar.local_today(now)

    def _mail(self, contractor_id: str, subject: str, body: str) -> None:
        notify_contractor(self.uow, self.notifier, contractor_id, subject, body)

    @property
    def staff_mailbox(self) -> StaffMailbox:
        return StaffMailbox(self.notifier, self.config.staff_email)

    @staticmethod
    def _name(company: Company | None, contractor_id: str) -> str:
        return company.company_name if company and company.company_name else contractor_id


@dataclass(frozen=True)
class PermitSearch:
    permits: list[Permit]
    next_cursor: str | None


class PermitService(PermitWork):
    """What a signed-in contractor does with their permits."""

    def _own(self, contractor_id: str, permit_no: str) -> Permit:
        permit = self.uow.permits.get(permit_no)
        if permit is None or permit.contractor_id != contractor_id:
            raise NotFound(f"No permit {permit_no[:64]} of yours was found.")
        return permit

    # --- reading -----------------------------------------------------------------------------

    def dashboard(self, contractor_id: str) -> list[Permit]:
        """The permits the guide's dashboard shows: one Query on the contractor's active range."""
        return self.uow.permits.of_contractor(contractor_id)

    def detail(self, contractor_id: str, permit_no: str) -> Permit:
        return self._own(contractor_id, permit_no)

    def search(self, contractor_id: str, q: str = "", status: str | None = None, limit: int = 50,
               cursor: str | None = None) -> PermitSearch:
        """A page of the contractor's own permits (active, then finished ones), matching a permit-number
        or address fragment and a status. The match is applied to the page read."""
        wanted = parse_permit_status(status) if status else None
        needle = " ".join(q.split()).upper()
        page: PermitPage = self.uow.permits.page_of_contractor(contractor_id, limit, cursor)
        found = [p for p in sorted(page.permits, key=lambda p: (p.archived, p.permit_no))
                 if (wanted is None or p.status is wanted)
                 and (not needle or needle in p.permit_no or needle in p.address.upper())]
        return PermitSearch(found, page.next_cursor)

    def scheduled(self, contractor_id: str) -> list[tuple[Inspection, Permit]]:
        """Upcoming scheduled inspections with their permits (the list shows where), soonest first
        (today's included until they happen)."""
        _, today = self._now_today()
        permits = self.uow.permits.of_contractor(contractor_id)
        return sorted(((i, p) for p in permits for i in p.inspections
                       if i.status is InspectionStatus.SCHEDULED and i.date >= today),
                      key=lambda pair: (pair[0].date, pair[0].permit_no, pair[0].inspection_id))

    # --- inspections -------------------------------------------------------------------------

    def request_inspection(self, contractor_id: str, permit_no: str, request: InspectionRequest,
                           actor: Actor | None = None) -> Inspection:
        """Book an inspection: 409 naming every blocker, 400 for the type and the calendar's rules.

        Booked only if the permit is still what was checked (its version): a request racing another
        reads the permit again, and then finds the day taken (409) or the permit changed."""
        kind = " ".join(request.inspection_type.split()).upper()
        window = parse_time_window(request.time_window)
        company = self.uow.accounts.company(contractor_id)  # read once, outside the retries: the staff notice names it
        company_name = self._name(company, contractor_id)

        def book() -> tuple[Permit, Inspection, Notice]:
            now = self.clock.now()
            permit = self._own(contractor_id, permit_no)
            insp = Inspection(new_inspection_id(permit.permit_no), permit.permit_no, contractor_id, kind,
                              request.date, window.value, notes=request.notes.strip(), created_at=now)
            permit.request_inspection(insp, self.config.calendar, now)
            self.uow.permits.save(permit)
            notice = Notice.new(
                now, NoticeKind.INSPECTION_REQUESTED,
                f"Inspection requested: {words(kind)} on {permit.permit_no} for {us_day(request.date)}",
                contractor_id,
                f"{company_name} requested a {words(kind)} inspection on permit {permit.permit_no} "
                f"({permit.address}) for {us_day(request.date)} ({window_words(window.value)}).\n"
                f"Inspection id: {insp.inspection_id}."
                + (f"\nNotes: {insp.notes}" if insp.notes else "") + "\n",
                permit_no=permit.permit_no, inspection_id=insp.inspection_id)
            self.staff_mailbox.leave(self.uow, notice)
            if actor:
                self.uow.activity.record(CompanyActivity.by(
                    actor, now, ActivityAction.INSPECTION_REQUESTED, f"permit {permit.permit_no}",
                    f"Requested a {words(kind)} inspection for {us_day(request.date)}."))
            self.uow.commit()
            return permit, insp, notice

        permit, insp, notice = retrying(book)
        self.staff_mailbox.mail(notice)
        self._mail(contractor_id,
                     f"Inspection requested: {words(kind)} on {permit.permit_no}",
                     f"Your {words(kind)} inspection on permit {permit.permit_no} ({permit.address}) is requested "
                     f"for {us_day(request.date)} ({window_words(window.value)}).\n"
                     f"Inspection id: {insp.inspection_id}. You may cancel it until "
                     f"{clock_time(self.config.calendar.cancel_cutoff)} on that day.")
        return insp

    def cancel_inspection(self, contractor_id: str, inspection_id: str, actor: Actor | None = None) -> None:
        """Cancel a scheduled inspection before the cancel cut-off on its day."""
        company = self.uow.accounts.company(contractor_id)  # read once, outside the retries: the staff notice names it

        def cancel() -> tuple[Inspection, Notice]:
            permit = self.uow.permits.get(permit_of_inspection(inspection_id))
            insp = permit.inspection(inspection_id) if permit else None
            if permit is None or insp is None or insp.contractor_id != contractor_id:
                raise NotFound(f"No inspection {inspection_id}.")
            now = self.clock.now()
            permit.cancel_inspection(inspection_id, self.config.calendar, now)
            self.uow.permits.save(permit)
            kind = words(insp.inspection_type)
            notice = Notice.new(
                now, NoticeKind.INSPECTION_CANCELLED,
                f"Inspection cancelled: {kind} on {permit.permit_no} for {us_day(insp.date)}", contractor_id,
                f"{self._name(company, contractor_id)} cancelled the {kind} inspection on permit {permit.permit_no} "
                f"({permit.address}) for {us_day(insp.date)} ({window_words(insp.time_window)}).\n"
                f"Inspection id: {insp.inspection_id}.\n",
                permit_no=permit.permit_no, inspection_id=insp.inspection_id)
            self.staff_mailbox.leave(self.uow, notice)
            if actor:
                self.uow.activity.record(CompanyActivity.by(
                    actor, now, ActivityAction.INSPECTION_CANCELLED, f"permit {permit.permit_no}",
                    f"Cancelled the {kind} inspection of {us_day(insp.date)}."))
            self.uow.commit()
            return insp, notice

        insp, notice = retrying(cancel)
        self.staff_mailbox.mail(notice)
        self._mail(contractor_id,
                     f"Inspection cancelled: {words(insp.inspection_type)} on {insp.permit_no}",
                     f"The {words(insp.inspection_type)} inspection on permit {insp.permit_no} for "
                     f"{us_day(insp.date)} is cancelled.")


__all__ = ["InspectionRequest", "PermitConfig", "PermitService", "PermitStatus", "PermitWork", "notify_contractor",
           "retrying"]
