"""Community Development's side of permits: create and edit permits, add fees, issue, schedule
inspections and record results, add reviews and attachment records.

Every write that changes a permit's expiry date or expired flag re-derives its place in the sparse
expiry index (the store does that from the permit) and re-arms its expiry reminder.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date
from typing import Any

from boto3.dynamodb.conditions import Attr

from chalicelib.clock import rfc3339
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.domain.fee_lines import FeeLine, FeeStatus
from chalicelib.domain.inspections import InspectionStatus, parse_result, parse_time_window
from chalicelib.domain.money import display_money, format_money, parse_money, sum_money
from chalicelib.domain.permits import (
    PermitStatus,
    can_expire,
    default_inspection_types,
    expiry_date,
    format_permit_no,
    has_lapsed,
    is_closed,
    parse_permit_no,
    parse_permit_status,
    parse_permit_type,
    prefix_for_type,
)
from chalicelib.services.permits import (
    MAX_PERMIT_NO_LENGTH,
    PermitWork,
    inspection_view,
    mail_to,
    new_inspection_id,
    permit_detail,
    permit_of_inspection,
)
from chalicelib.store.expressions import TRANSACTION_LIMIT
from chalicelib.store.permits import Attachment, Inspection, Permit, PermitFile, Review

log = logging.getLogger(__name__)

_MAX_NUMBER_ATTEMPTS = 50
PERMIT_FIELDS = ("contractor_id", "address", "type", "status", "description", "applied_date", "issued_date",
                 "expires_date", "inspection_types")


def _norm(text: str) -> str:
    return " ".join(text.split()).upper()


def parse_date(value: Any, field: str) -> date | None:
    """A date, or a YYYY-MM-DD date from request input (None or "" for none); 400 naming the field otherwise.

    The API hands over `date`s already within its date range (api/schemas.py ApiDate)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"The {field} {value!r} is not a date in YYYY-MM-DD form.",
                           [FieldProblem(field, "must be a date in YYYY-MM-DD form")]) from None


def _types(values: list[str]) -> list[str]:
    cleaned: list[str] = []
    for value in values:
        kind = _norm(value)
        if kind and kind not in cleaned:
            cleaned.append(kind)
    if not cleaned:
        raise InvalidInput("A permit needs at least one inspection type.",
                           [FieldProblem("inspection_types", "must name at least one inspection")])
    return cleaned


def _expiry(issued: date, last_passed: date | None, field: str) -> date:
    """expiry_date, with a date too late to add 180 days to refused (naming `field`) instead of a 500.

    The API's date range keeps such dates out; this guards the services' other callers."""
    try:
        return expiry_date(issued, last_passed)
    except OverflowError:
        raise InvalidInput(f"The {field} is too far in the future to compute an expiry date from.",
                           [FieldProblem(field, "is too far in the future")]) from None


class StaffPermitService(PermitWork):
    """Community Development's work on permits: create, edit, fees, issue, inspections and results."""

    def _file(self, permit_no: str) -> PermitFile:
        no = permit_no.strip().upper()
        file = self.store.load(no) if 0 < len(no) <= MAX_PERMIT_NO_LENGTH else None  # DynamoDB keys are bounded
        if file is None:
            raise NotFound(f"No permit {permit_no[:64]}.")
        return file

    def _detail(self, permit_no: str) -> dict[str, Any]:
        now, today = self._now_today()
        return permit_detail(self._file(permit_no), now, today)

    def _check_contractor(self, contractor_id: str) -> None:
        if self.accounts.get_contractor(contractor_id) is None:
            raise InvalidInput(f"No contractor {contractor_id} is registered.",
                               [FieldProblem("contractor_id", "must be a registered contractor")])

    def detail(self, permit_no: str) -> dict[str, Any]:
        return self._detail(permit_no)

    # --- permits -----------------------------------------------------------------------------

    def create(self, fields: dict[str, Any], permit_no: str | None = None, prefix: str | None = None) -> dict[str, Any]:
        """A new permit; its number is generated in the guide's shape (RES26-0001) when not given."""
        now, today = self._now_today()
        self._check_contractor(fields["contractor_id"])
        kind = parse_permit_type(fields["type"])
        given_types = fields.get("inspection_types")
        permit = Permit(
            permit_no="", contractor_id=fields["contractor_id"], address=_norm(fields.get("address") or ""),
            type=kind, status=parse_permit_status(fields["status"]).value,
            description=(fields.get("description") or "").strip(),
            applied_date=parse_date(fields.get("applied_date"), "applied_date") or today,
            issued_date=parse_date(fields.get("issued_date"), "issued_date"),
            expires_date=parse_date(fields.get("expires_date"), "expires_date"),
            inspection_types=_types(given_types) if given_types is not None else default_inspection_types(kind),
            created_at=now,
        )
        if permit.status == PermitStatus.ACTIVE and permit.issued_date is None:
            permit.issued_date = today
        if permit.issued_date and permit.expires_date is None:
            permit.expires_date = _expiry(permit.issued_date, None, "issued_date")
        if permit_no:
            permit.permit_no = str(parse_permit_no(permit_no))
            if not self.store.create(permit):
                raise Conflict(f"Permit {permit.permit_no} already exists.")
        else:
            self._create_numbered(permit, prefix_for_type(kind, prefix), today.year % 100)
        self._sync_reminder(permit, None)
        log.info("permit %s created for contractor %s", permit.permit_no, permit.contractor_id)
        return self._detail(permit.permit_no)

    def _create_numbered(self, permit: Permit, prefix: str, yy: int) -> None:
        """Atomic counter, then a conditional put: a number typed in by hand is skipped, never reused."""
        for _ in range(_MAX_NUMBER_ATTEMPTS):
            permit.permit_no = format_permit_no(prefix, yy, self.store.next_sequence(prefix, yy))
            if self.store.create(permit):
                return
        raise Conflict(f"Could not find a free {prefix}{yy:02d} permit number; try again.")

    def update(self, permit_no: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change any permit field but its number; dates re-derive expiry and the expired flag."""
        _, today = self._now_today()
        file = self._file(permit_no)
        permit = file.permit
        old_contractor, old_expires, version = permit.contractor_id, permit.expires_date, permit.version
        old_status = permit.status
        for name in ("contractor_id", "address", "type", "status", "inspection_types"):
            if name in changes and changes[name] is None:
                raise InvalidInput(f"The {name} cannot be removed.", [FieldProblem(name, "must not be null")])
        if "contractor_id" in changes and changes["contractor_id"] != permit.contractor_id:
            self._check_contractor(changes["contractor_id"])
            permit.contractor_id = changes["contractor_id"]
        if "address" in changes:
            permit.address = _norm(changes["address"])
        if "type" in changes:
            permit.type = parse_permit_type(changes["type"])
        if "status" in changes:
            permit.status = parse_permit_status(changes["status"]).value
        if "description" in changes:
            permit.description = (changes["description"] or "").strip()
        if "inspection_types" in changes:
            permit.inspection_types = _types(changes["inspection_types"])
        if "applied_date" in changes:
            permit.applied_date = parse_date(changes["applied_date"], "applied_date")
        if "issued_date" in changes:
            permit.issued_date = parse_date(changes["issued_date"], "issued_date")
            if "expires_date" not in changes and permit.issued_date:
                permit.expires_date = _expiry(permit.issued_date, self._last_passed(file), "issued_date")
        if "expires_date" in changes:
            permit.expires_date = parse_date(changes["expires_date"], "expires_date")
        self._revive_if_renewed(permit, today)
        moving: list[dict[str, Any]] = []
        if permit.contractor_id != old_contractor:
            now = self.clock.now()
            if any(f.status(now) is FeeStatus.PENDING for f in file.fees):
                raise Conflict(f"Permit {permit.permit_no} has fees held by a pending payment; "
                               "reassign it when that payment has ended.")
            moving = self.store.reassignment_entries(file, permit.contractor_id, now)
            if len(moving) + 1 > TRANSACTION_LIMIT:
                raise Conflict(f"Permit {permit.permit_no} has too many fees and inspections to reassign at once.")
        self.store.save(permit, version, also=moving)
        if (permit.expires_date, permit.contractor_id, permit.status) != (old_expires, old_contractor, old_status):
            self._sync_reminder(permit, old_expires)
        return self._detail(permit.permit_no)

    @staticmethod
    def _revive_if_renewed(permit: Permit, today: date) -> None:
        """A flagged permit given an expiry date that has not passed is no longer expired."""
        if permit.expired and (permit.expires_date is None or not has_lapsed(permit.expires_date, today)):
            permit.expired = False

    @staticmethod
    def _last_passed(file: PermitFile, extra: date | None = None) -> date | None:
        dates = [i.date for i in file.inspections if i.status == InspectionStatus.PASSED]
        if extra:
            dates.append(extra)
        return max(dates, default=None)

    def _sync_reminder(self, permit: Permit, old_expires: date | None) -> None:
        if old_expires and (old_expires != permit.expires_date or not can_expire(permit.status)):
            self.store.disarm_reminder(permit.permit_no, old_expires)
        _, today = self._now_today()
        if (permit.expires_date and not permit.expired and can_expire(permit.status)
                and not has_lapsed(permit.expires_date, today)):
            self.store.arm_reminder(permit)

    # --- fees --------------------------------------------------------------------------------

    def add_fee(self, permit_no: str, description: str, amount: Any) -> dict[str, Any]:
        now, _ = self._now_today()
        text = " ".join(description.split()).upper()
        if not text:
            raise InvalidInput("A fee needs a description.", [FieldProblem("description", "is required")])
        value = parse_money(amount, "amount", allow_zero=False)
        for _ in range(5):
            file = self._file(permit_no)
            taken = [int(f.fee_id.rsplit("-F", 1)[-1]) for f in file.fees if f.fee_id.rsplit("-F", 1)[-1].isdigit()]
            fee_id = f"{file.permit.permit_no}-F{max(taken, default=0) + 1:03d}"  # sorts in the order added
            line = FeeLine(fee_id, file.permit.permit_no, file.permit.contractor_id, text, value)
            try:
                self.store.add_fee(line, now)
            except Conflict:
                continue  # another fee took the number, or the permit moved: read again
            return {"fee_id": fee_id, "description": text, "amount": format_money(value),
                    "status": FeeStatus.DUE.value}
        raise Conflict(f"Permit {permit_no} is busy; the fee was not added. Try again.")

    # --- issuing -----------------------------------------------------------------------------

    def issue(self, permit_no: str) -> dict[str, Any]:
        """ACTIVE, issued today, expires in 180 days; refused while any fee is unpaid."""
        now, today = self._now_today()
        file = self._file(permit_no)
        permit = file.permit
        unpaid = [f for f in file.fees if f.status(now) is not FeeStatus.PAID]
        if unpaid:
            pending = [f for f in unpaid if f.status(now) is FeeStatus.PENDING]
            total = display_money(sum_money(f.amount for f in unpaid))
            note = " (some are held by a pending payment)" if pending else ""
            raise Conflict(f"Permit {permit.permit_no} cannot be issued while fees of {total} are unpaid{note}.")
        if is_closed(permit.status) or permit.status == PermitStatus.CANCELLED:
            raise Conflict(f"Permit {permit.permit_no} is {permit.status} and cannot be issued.")
        if permit.status == PermitStatus.ACTIVE and not permit.expired:
            raise Conflict(f"Permit {permit.permit_no} is already issued (ACTIVE).")
        old_expires, version = permit.expires_date, permit.version
        permit.status = PermitStatus.ACTIVE.value
        permit.issued_date = today
        permit.expires_date = expiry_date(today)
        permit.expired = False
        self.store.save(permit, version)
        self._sync_reminder(permit, old_expires)
        return self._detail(permit.permit_no)

    # --- inspections -------------------------------------------------------------------------

    def schedule(self, permit_no: str, inspection_type: str, when: date, time_window: str | None = None,
                 notes: str = "") -> dict[str, Any]:
        """Staff may schedule any inspection on any permit, on a business day from today on."""
        now, today = self._now_today()
        file = self._file(permit_no)
        kind = _norm(inspection_type)
        if not kind:
            raise InvalidInput("The inspection type is required.", [FieldProblem("inspection_type", "is required")])
        if when < today:
            raise InvalidInput(f"{when.isoformat()} is in the past.", [FieldProblem("date", "must not be past")])
        if not self.config.calendar.is_business_day(when):
            raise InvalidInput(f"{when:%A} {when.isoformat()} is not a business day.",
                               [FieldProblem("date", "must be a business day (Monday to Friday, not a holiday)")])
        window = parse_time_window(time_window)
        permit = file.permit
        insp = Inspection(new_inspection_id(permit.permit_no), permit.permit_no, permit.contractor_id, kind, when,
                          window.value, notes=notes.strip(), requested_by="staff", created_at=now)
        self.store.add_inspection(insp, Attr("contractor_id").eq(permit.contractor_id))
        mail_to(self.accounts, self.notifier, permit.contractor_id,
                f"Inspection scheduled: {kind} on {permit.permit_no}",
                f"Community Development scheduled a {kind} inspection on permit {permit.permit_no} "
                f"({permit.address}) for {when:%A} {when.isoformat()}.\nInspection id: {insp.inspection_id}.")
        return inspection_view(insp)

    def record_result(self, inspection_id: str, result: str, notes: str = "") -> dict[str, Any]:
        """Record a result; PASSED restarts the permit's 180 days from the inspection's date."""
        now, today = self._now_today()
        outcome = parse_result(result)
        insp = self.store.get_inspection(permit_of_inspection(inspection_id), inspection_id)
        if insp is None:
            raise NotFound(f"No inspection {inspection_id}.")
        if insp.status != InspectionStatus.SCHEDULED:
            raise Conflict(f"The inspection already has a result: {insp.status}.")
        changes = {"status": outcome.value, "result_notes": notes.strip(), "resulted_at": int(now.timestamp())}
        if outcome is InspectionStatus.PASSED:
            file = self._file(insp.permit_no)
            permit = file.permit
            old_expires, version = permit.expires_date, permit.version
            try:
                permit.expires_date = expiry_date(permit.issued_date or insp.date, self._last_passed(file, insp.date))
            except OverflowError:  # booked before the API bounded dates: no expiry exists 180 days after it
                raise Conflict(f"The inspection's date {insp.date.isoformat()} is too far in the future to pass; "
                               "record it as CANCELLED and book it again.") from None
            self._revive_if_renewed(permit, today)
            self.store.save(permit, version, also=[self.store.inspection_update(insp, "SCHEDULED", changes)])
            self._sync_reminder(permit, old_expires)
        elif not self.store.update_inspection(insp, "SCHEDULED", changes):
            raise Conflict("The inspection changed meanwhile; read it again.")
        insp.status, insp.result_notes, insp.resulted_at = outcome.value, changes["result_notes"], now
        mail_to(self.accounts, self.notifier, insp.contractor_id,
                f"Inspection result: {insp.inspection_type} on {insp.permit_no} {outcome.value}",
                f"The {insp.inspection_type} inspection on permit {insp.permit_no} of {insp.date.isoformat()} "
                f"was recorded as {outcome.value}." + (f"\nInspector's notes: {insp.result_notes}"
                                                       if insp.result_notes else ""))
        return inspection_view(insp)

    # --- reviews and attachments -------------------------------------------------------------

    def add_review(self, permit_no: str, department: str, status: str, when: date | None,
                   comments: str = "") -> dict[str, Any]:
        _, today = self._now_today()
        file = self._file(permit_no)
        review = Review(secrets.token_hex(6), _norm(department), _norm(status), when or today, comments.strip())
        for name in ("department", "status"):
            if not getattr(review, name):
                raise InvalidInput(f"The review's {name} is required.", [FieldProblem(name, "is required")])
        self.store.add_review(file.permit.permit_no, review)
        return {"review_id": review.review_id, "department": review.department, "status": review.status,
                "date": review.date.isoformat(), "comments": review.comments}

    def add_attachment(self, permit_no: str, name: str) -> dict[str, Any]:
        now, _ = self._now_today()
        file = self._file(permit_no)
        if not name.strip():
            raise InvalidInput("The attachment's name is required.", [FieldProblem("name", "is required")])
        attachment = Attachment(secrets.token_hex(6), name.strip(), now.replace(microsecond=0))
        self.store.add_attachment(file.permit.permit_no, attachment)
        return {"attachment_id": attachment.attachment_id, "name": attachment.name,
                "uploaded_at": rfc3339(attachment.uploaded_at)}
