"""The contractor's side of permits: the dashboard, permit detail and search, requesting and
cancelling inspections.

The county's rules come from `domain.permits` (statuses, what is listed active, the inspection
blockers), `domain.inspections` (the calendar and its cut-offs) and `domain.fee_lines` (what is
due). This module reads through the store, applies them, and shapes the API's JSON views.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr

from chalicelib.clock import Clock, rfc3339
from chalicelib.config import Settings
from chalicelib.domain.accounts import Principal
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.domain.fee_lines import FeeLine, fees_due
from chalicelib.domain.inspections import (
    InspectionCalendar,
    InspectionStatus,
    holds_slot,
    parse_holidays,
    parse_time_window,
    slot_taken,
)
from chalicelib.domain.money import format_money, sum_money
from chalicelib.domain.permits import (
    PermitStatus,
    can_request_inspection,
    inspection_request_blockers,
    is_listed_active,
    is_listed_expired,
    parse_permit_status,
)
from chalicelib.notifier import Notifier
from chalicelib.store.accounts import AccountStore
from chalicelib.store.permits import Inspection, Permit, PermitFile, PermitStore

log = logging.getLogger(__name__)

MAX_PERMIT_NO_LENGTH = 64
"""A longer number from a URL is no permit (and would be a key DynamoDB refuses: a 500, not a 404)."""
_INSPECTION_ID = re.compile(r"(?P<permit>[A-Z]{2,4}[0-9]{2}-[0-9]{4})-(?P<suffix>[0-9a-f]{8})", re.ASCII)


@dataclass(frozen=True)
class PermitConfig:
    calendar: InspectionCalendar
    reminder_days: int = 14

    @classmethod
    def from_settings(cls, s: Settings) -> PermitConfig:
        return cls(
            calendar=InspectionCalendar(
                tz=s.time_zone, holidays=parse_holidays(s.holidays),
                request_cutoff=time.fromisoformat(s.inspection_request_cutoff),
                cancel_cutoff=time.fromisoformat(s.inspection_cancel_cutoff)),
            reminder_days=s.expiry_reminder_days,
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


# --- views (the API's JSON shapes) ---------------------------------------------------------------


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def fees_held(fees: list[FeeLine], now: datetime) -> Decimal:
    """Fees a pending payment holds: not due, but not paid either (the payment may still fail)."""
    return sum_money(f.amount for f in fees if f.is_held(now))


def permit_row(permit: Permit, fees: list[FeeLine], now: datetime, today: date) -> dict[str, Any]:
    """The dashboard's row: what the guide's "My Active Permits" table shows."""
    due = fees_due(fees, now)
    return {
        "permit_no": permit.permit_no, "address": permit.address, "type": permit.type, "status": permit.status,
        "inspection_request": can_request_inspection(permit.status, permit.expired, permit.expires_date, today, due,
                                                     fees_held=fees_held(fees, now)),
        "fees_due": format_money(due),
    }


def expired_row(permit: Permit, fees: list[FeeLine], now: datetime) -> dict[str, Any]:
    return {"permit_no": permit.permit_no, "address": permit.address, "type": permit.type,
            "status": permit.status, "expired": _iso(permit.expires_date),
            "fees_due": format_money(fees_due(fees, now))}


def inspection_view(insp: Inspection) -> dict[str, Any]:
    return {"inspection_id": insp.inspection_id, "permit_no": insp.permit_no,
            "inspection_type": insp.inspection_type, "date": insp.date.isoformat(),
            "time_window": insp.time_window, "status": insp.status, "notes": insp.notes,
            "result_notes": insp.result_notes}


def permit_detail(file: PermitFile, now: datetime, today: date) -> dict[str, Any]:
    p = file.permit
    return {
        **permit_row(p, file.fees, now, today),
        "contractor_id": p.contractor_id,
        "description": p.description, "applied_date": _iso(p.applied_date), "issued_date": _iso(p.issued_date),
        "expires_date": _iso(p.expires_date), "expired": p.expired,
        "fees": [{"fee_id": f.fee_id, "description": f.description, "amount": format_money(f.amount),
                  "status": f.status(now).value} for f in sorted(file.fees, key=lambda f: f.fee_id)],
        "attachments": [{"attachment_id": a.attachment_id, "name": a.name, "uploaded_at": rfc3339(a.uploaded_at)}
                        for a in sorted(file.attachments, key=lambda a: (a.uploaded_at, a.attachment_id))],
        "reviews": [{"review_id": r.review_id, "department": r.department, "status": r.status,
                     "date": r.date.isoformat(), "comments": r.comments}
                    for r in sorted(file.reviews, key=lambda r: (r.date, r.review_id))],
        "inspections": [inspection_view(i) for i in sorted(file.inspections,
                                                            key=lambda i: (i.date, i.inspection_id))],
        "inspection_types": list(p.inspection_types),
    }


def listing(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"total": len(items), "items": items}


@dataclass(frozen=True)
class InspectionRequest:
    inspection_type: str
    date: date
    time_window: str | None = None
    notes: str = ""


class PermitWork:
    """What the contractor's, the staff's and the job's permit services are built from."""

    def __init__(self, store: PermitStore, accounts: AccountStore, clock: Clock, notifier: Notifier,
                 config: PermitConfig) -> None:
        self.store = store
        self.accounts = accounts
        self.clock = clock
        self.notifier = notifier
        self.config = config

    def _now_today(self) -> tuple[datetime, date]:
        """Now, and today's date on the county's clock."""
        now = self.clock.now()
        return now, self.config.calendar.local_today(now)


class PermitService(PermitWork):
    """What a signed-in contractor does with their permits."""

    def _own(self, contractor_id: str, permit_no: str) -> PermitFile:
        no = permit_no.strip().upper()
        file = self.store.load(no) if 0 < len(no) <= MAX_PERMIT_NO_LENGTH else None  # DynamoDB keys are bounded
        if file is None or file.permit.contractor_id != contractor_id:
            raise NotFound(f"No permit {permit_no[:64]} of yours was found.")
        return file

    # --- reading -----------------------------------------------------------------------------

    def dashboard(self, principal: Principal) -> dict[str, Any]:
        """The guide's dashboard: one Query on the contractor's GSI1 partition, nothing else."""
        now, today = self._now_today()
        mine = self.store.for_contractor(principal.principal_id)
        by_no = {p.permit_no: p for p in mine.permits}
        permits = sorted(mine.permits, key=lambda p: p.permit_no)
        active = [permit_row(p, mine.fees.get(p.permit_no, []), now, today)
                  for p in permits if is_listed_active(p.status, p.expired)]
        expired = [expired_row(p, mine.fees.get(p.permit_no, []), now) for p in permits
                   if is_listed_expired(p.status, p.expired)]
        scheduled = sorted((i for i in mine.inspections if i.status == InspectionStatus.SCHEDULED
                            and i.permit_no in by_no), key=lambda i: (i.date, i.permit_no, i.inspection_id))
        inspections = [{"inspection_id": i.inspection_id, "rec_no": i.permit_no, "rec_type": "PERMIT",
                        "rec_status": by_no[i.permit_no].status, "address": by_no[i.permit_no].address,
                        "inspection": i.inspection_type, "date": i.date.isoformat(),
                        "time_window": i.time_window} for i in scheduled]
        return {
            "contractor": {"contractor_id": principal.principal_id, "company_name": principal.display_name},
            "active_permits": listing(active),
            "active_inspections": listing(inspections),
            "expired_permits": listing(expired),
        }

    def detail(self, contractor_id: str, permit_no: str) -> dict[str, Any]:
        now, today = self._now_today()
        return permit_detail(self._own(contractor_id, permit_no), now, today)

    def search(self, contractor_id: str, q: str = "", status: str | None = None) -> dict[str, Any]:
        """The contractor's own permits matching a permit-number or address fragment and a status."""
        now, today = self._now_today()
        wanted = parse_permit_status(status) if status else None
        needle = " ".join(q.split()).upper()
        mine = self.store.for_contractor(contractor_id)
        rows = []
        for p in sorted(mine.permits, key=lambda p: p.permit_no):
            if wanted and p.status != wanted:
                continue
            if needle and needle not in p.permit_no and needle not in p.address.upper():
                continue
            rows.append({**permit_row(p, mine.fees.get(p.permit_no, []), now, today),
                         "expires_date": _iso(p.expires_date), "expired": p.expired})
        return listing(rows)

    def scheduled(self, contractor_id: str) -> dict[str, Any]:
        """Upcoming scheduled inspections, soonest first (today's included until they happen)."""
        _, today = self._now_today()
        mine = self.store.for_contractor(contractor_id)
        items = sorted((i for i in mine.inspections if i.status == InspectionStatus.SCHEDULED and i.date >= today),
                       key=lambda i: (i.date, i.permit_no, i.inspection_id))
        return listing([inspection_view(i) for i in items])

    # --- inspections -------------------------------------------------------------------------

    def request_inspection(self, contractor_id: str, permit_no: str, request: InspectionRequest) -> dict[str, Any]:
        """Book an inspection: 409 naming every blocker, 400 for the type and the calendar's rules."""
        now, today = self._now_today()
        file = self._own(contractor_id, permit_no)
        permit = file.permit
        blockers = inspection_request_blockers(permit.status, permit.expired, permit.expires_date, today,
                                               fees_due(file.fees, now), fees_held=fees_held(file.fees, now))
        if blockers:
            raise Conflict(f"An inspection cannot be requested on {permit.permit_no}. " + " ".join(blockers))
        kind = " ".join(request.inspection_type.split()).upper()
        if kind not in permit.inspection_types:
            allowed = ", ".join(permit.inspection_types)
            raise InvalidInput(f"{request.inspection_type!r} is not an inspection of permit {permit.permit_no}; "
                               f"choose one of: {allowed}.",
                               [FieldProblem("inspection_type", f"must be one of: {allowed}")])
        window = parse_time_window(request.time_window)
        self.config.calendar.check_request_date(request.date, now)
        # Seen already: refused without a write. Racing requests are settled by the store's slot claim.
        booked = next((i for i in file.inspections if holds_slot(i.status) and i.inspection_type == kind
                       and i.date == request.date), None)
        if booked is not None:
            raise slot_taken(permit.permit_no, kind, request.date, booked.inspection_id)
        insp = Inspection(new_inspection_id(permit.permit_no), permit.permit_no, contractor_id, kind, request.date,
                          window.value, notes=request.notes.strip(), created_at=now)
        # Booked only if the permit is still what we checked (not flagged, re-assigned or re-statused meanwhile)
        # and no other inspection holds the slot (this type on this day): Conflict, and no mail, otherwise.
        self.store.add_inspection(insp, Attr("contractor_id").eq(contractor_id)
                                  & Attr("status").eq(PermitStatus.ACTIVE.value)
                                  & Attr("version").eq(permit.version))
        self._mail(contractor_id, f"Inspection requested: {kind} on {permit.permit_no}",
                   f"Your {kind} inspection on permit {permit.permit_no} ({permit.address}) is requested for "
                   f"{request.date:%A} {request.date.isoformat()} ({window.value}).\n"
                   f"Inspection id: {insp.inspection_id}. You may cancel it until "
                   f"{self.config.calendar.cancel_cutoff:%H:%M} on that day.")
        return inspection_view(insp)

    def cancel_inspection(self, contractor_id: str, inspection_id: str) -> None:
        """Cancel a scheduled inspection before the cancel cut-off on its day."""
        now = self.clock.now()
        insp = self.store.get_inspection(permit_of_inspection(inspection_id), inspection_id)
        if insp is None or insp.contractor_id != contractor_id:
            raise NotFound(f"No inspection {inspection_id}.")
        if insp.status != InspectionStatus.SCHEDULED:
            raise Conflict(f"The inspection is {insp.status}; only a scheduled inspection can be cancelled.")
        self.config.calendar.check_cancel(insp.date, now)
        if not self.store.update_inspection(insp, InspectionStatus.SCHEDULED.value,
                                            {"status": InspectionStatus.CANCELLED.value,
                                             "cancelled_at": int(now.timestamp())}):
            raise Conflict("The inspection changed meanwhile; it is no longer scheduled.")
        self._mail(contractor_id, f"Inspection cancelled: {insp.inspection_type} on {insp.permit_no}",
                   f"The {insp.inspection_type} inspection on permit {insp.permit_no} for "
                   f"{insp.date:%A} {insp.date.isoformat()} is cancelled.")

    def _mail(self, contractor_id: str, subject: str, body: str) -> None:
        mail_to(self.accounts, self.notifier, contractor_id, subject, body)


def mail_to(accounts: AccountStore, notifier: Notifier, contractor_id: str, subject: str, body: str) -> None:
    """E-mail a contractor at the address on file (nothing when there is none)."""
    contractor = accounts.get_contractor(contractor_id)
    if contractor is None or not contractor.email:
        log.warning("no e-mail address for contractor %s; %r not sent", contractor_id, subject)
        return
    try:
        notifier.send(contractor.email, subject, body)
    except Exception:  # SES can refuse (MessageRejected, throttling): what was booked or recorded stands
        log.exception("could not send mail %r to contractor %s", subject, contractor_id)
