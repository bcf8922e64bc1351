"""Community Development's side of permits: create and edit permits, add fees, issue, schedule
inspections and record results, add reviews and attachment records.

Every change goes through the `Permit` aggregate (its lifecycle refuses what the county does not
allow, e.g. ACTIVE while fees are due) and is committed as one transaction; a change of expiry date
re-arms the permit's expiry reminder afterwards.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

from chalicelib.domain.audit import AuditAction, AuditEntry, difference, subject
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.domain.fee_lines import FeeLine
from chalicelib.domain.inspections import Inspection, parse_result, parse_time_window
from chalicelib.domain.money import parse_money
from chalicelib.domain.permits import (
    ARCHIVED_STATUSES,
    Attachment,
    Permit,
    PermitStatus,
    Review,
    can_expire,
    default_inspection_types,
    expiry_date,
    format_permit_no,
    has_lapsed,
    parse_permit_no,
    parse_permit_status,
    parse_permit_type,
    prefix_for_type,
)
from chalicelib.domain.wording import a_or_an, us_day, words
from chalicelib.services.permits import (
    PermitConfig,
    PermitWork,
    new_inspection_id,
    permit_of_inspection,
    retrying,
    window_words,
)

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


def _reason(reason: str) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise InvalidInput("Give the reason for the change to the fee.", [FieldProblem("reason", "is required")])
    return text


def permit_facts(permit: Permit) -> dict[str, Any]:
    """What the audit trail shows of a permit before and after a change."""
    return {name: getattr(permit, name) for name in PERMIT_FIELDS} | {"expired": permit.expired}


class StaffPermitService(PermitWork):
    """Community Development's work on permits: create, edit, fees, issue, inspections and results.

    `actor` is the staff member the service works for: every change is kept in the audit trail under
    their name, in the change's own transaction."""

    def __init__(self, uow: Any, clock: Any, notifier: Any, config: PermitConfig, actor: str = "") -> None:
        super().__init__(uow, clock, notifier, config)
        self.actor = actor

    def _audit(self, action: AuditAction, kind: str, record_id: str, before: dict[str, Any] | None = None,
               after: dict[str, Any] | None = None) -> None:
        self.uow.audit.record(AuditEntry(self.clock.now(), self.actor, action, subject(kind, record_id),
                                         before, after))

    def _permit(self, permit_no: str) -> Permit:
        permit = self.uow.permits.get(permit_no)
        if permit is None:
            raise NotFound(f"No permit {permit_no[:64]}.")
        return permit

    def _check_contractor(self, contractor_id: str) -> None:
        if self.uow.accounts.company(contractor_id) is None:
            raise InvalidInput(f"No contractor {contractor_id} is registered.",
                               [FieldProblem("contractor_id", "must be a registered contractor")])

    def detail(self, permit_no: str) -> Permit:
        return self._permit(permit_no)

    def _commit(self, permit: Permit, old_expires: date | None, old_state: tuple[Any, ...] | None = None) -> None:
        """Save and commit the permit; then keep its expiry reminder in step (best effort)."""
        self.uow.permits.save(permit)
        self.uow.commit()
        if old_state is None or (permit.expires_date, permit.contractor_id, permit.status) != old_state:
            self._sync_reminder(permit, old_expires)

    # --- permits -----------------------------------------------------------------------------

    def create(self, fields: dict[str, Any], permit_no: str | None = None, prefix: str | None = None) -> Permit:
        """A new permit; its number is generated in the guide's shape (RES26-0001) when not given.

        A permit on the books before the portal may be entered at any status (no lifecycle to replay)."""
        now, today = self._now_today()
        self._check_contractor(fields["contractor_id"])
        kind = parse_permit_type(fields["type"])
        given_types = fields.get("inspection_types")
        permit = Permit(
            permit_no="", contractor_id=fields["contractor_id"], address=_norm(fields.get("address") or ""),
            type=kind, status=parse_permit_status(fields["status"]),
            description=(fields.get("description") or "").strip(),
            applied_date=parse_date(fields.get("applied_date"), "applied_date") or today,
            issued_date=parse_date(fields.get("issued_date"), "issued_date"),
            expires_date=parse_date(fields.get("expires_date"), "expires_date"),
            inspection_types=_types(given_types) if given_types is not None else default_inspection_types(kind),
            created_at=now, status_changed_on=today,
        )
        permit.archived = permit.status in ARCHIVED_STATUSES  # entered finished: straight to the archive
        permit.opened(now, self.actor, "Entered")
        if permit.status is PermitStatus.ACTIVE and permit.issued_date is None:
            permit.issued_date = today
        if permit.issued_date and permit.expires_date is None:
            permit.expires_date = _expiry(permit.issued_date, None, "issued_date")
        if permit_no:
            permit.permit_no = str(parse_permit_no(permit_no))
            if not self._create(permit):
                raise Conflict(f"Permit {permit.permit_no} already exists.")
        else:
            self._create_numbered(permit, prefix_for_type(kind, prefix), today.year % 100)
        self._sync_reminder(permit, None)
        log.info("permit %s created for contractor %s", permit.permit_no, permit.contractor_id)
        return permit

    def _create(self, permit: Permit) -> bool:
        """Write a new permit; False when the number is taken (nothing is overwritten)."""
        self.uow.permits.save(permit)
        self._audit(AuditAction.PERMIT_CREATED, "permit", permit.permit_no, after=permit_facts(permit))
        return self.uow.commit_unless_stale()

    def _create_numbered(self, permit: Permit, prefix: str, yy: int) -> None:
        """Atomic counter, then a conditional put: a number typed in by hand is skipped, never reused."""
        for _ in range(_MAX_NUMBER_ATTEMPTS):
            permit.permit_no = format_permit_no(prefix, yy, self.uow.permits.next_sequence(prefix, yy))
            if self._create(permit):
                return
        raise Conflict(f"Could not find a free {prefix}{yy:02d} permit number; try again.")

    def _place(self, permit: Permit, parcel_no: str | None) -> None:
        """Put the permit on a parcel (its point becomes the permit's, on the map), or off any (None/"")."""
        if not parcel_no:
            permit.parcel_no, permit.lat, permit.lon = None, None, None
            return
        prop = self.uow.properties.get(parcel_no)
        if prop is None:
            raise InvalidInput(f"There is no parcel {parcel_no[:64]}.",
                               [FieldProblem("parcel_no", "is not a known parcel")])
        permit.parcel_no, permit.lat, permit.lon = prop.parcel_no, prop.lat, prop.lon

    def _group(self, permit: Permit, project_no: str | None) -> None:
        """Put the permit in one of its company's projects, or in none (None/"")."""
        if not project_no:
            permit.project_no = None
            return
        project = self.uow.projects.get(project_no)
        if project is None:
            raise InvalidInput(f"There is no project {project_no[:64]}.",
                               [FieldProblem("project_no", "is not a known project")])
        if project.contractor_id != permit.contractor_id:
            raise InvalidInput(f"Project {project.project_no} is another company's.",
                               [FieldProblem("project_no", "belongs to another company")])
        permit.project_no = project.project_no

    def update(self, permit_no: str, changes: dict[str, Any]) -> Permit:
        """Change any permit field but its number; a status moves along the lifecycle (ACTIVE is issuing,
        refused while fees are due); dates re-derive expiry and the expired flag."""
        for name in ("contractor_id", "address", "type", "status", "inspection_types"):
            if name in changes and changes[name] is None:
                raise InvalidInput(f"The {name} cannot be removed.", [FieldProblem(name, "must not be null")])
        if "contractor_id" in changes:
            self._check_contractor(changes["contractor_id"])
        status = parse_permit_status(changes["status"]) if "status" in changes else None

        def change() -> tuple[Permit, date | None, tuple[Any, ...]]:
            now, today = self._now_today()
            permit = self._permit(permit_no)
            old_expires = permit.expires_date
            old_state = (permit.expires_date, permit.contractor_id, permit.status)
            facts_before = permit_facts(permit)
            if "address" in changes:
                permit.address = _norm(changes["address"])
            if "type" in changes:
                permit.type = parse_permit_type(changes["type"])
            if "description" in changes:
                permit.description = (changes["description"] or "").strip()
            if "inspection_types" in changes:
                permit.inspection_types = _types(changes["inspection_types"])
            if "applied_date" in changes:
                permit.applied_date = parse_date(changes["applied_date"], "applied_date")
            if "issued_date" in changes:
                permit.issued_date = parse_date(changes["issued_date"], "issued_date")
                if "expires_date" not in changes and permit.issued_date:
                    permit.expires_date = _expiry(permit.issued_date, permit.last_passed(), "issued_date")
            if "expires_date" in changes:
                permit.expires_date = parse_date(changes["expires_date"], "expires_date")
            if "parcel_no" in changes:
                self._place(permit, changes["parcel_no"])
            if "project_no" in changes:
                self._group(permit, changes["project_no"])
            if status is not None:
                permit.change_status(status, today, now, by=self.actor)
            permit.revive_if_renewed(today)
            if "contractor_id" in changes:
                permit.reassign(changes["contractor_id"], now)
            self.uow.check_fits(extra=4 + len(permit.fees) + len(permit.inspections))
            self.uow.permits.save(permit)
            before, after = difference(facts_before, permit_facts(permit))
            if after:
                self._audit(AuditAction.PERMIT_CHANGED, "permit", permit.permit_no, before, after)
            self.uow.commit()
            return permit, old_expires, old_state

        permit, old_expires, old_state = change()
        if (permit.expires_date, permit.contractor_id, permit.status) != old_state:
            self._sync_reminder(permit, old_expires)
        return permit

    def _sync_reminder(self, permit: Permit, old_expires: date | None) -> None:
        if old_expires and (old_expires != permit.expires_date or not can_expire(permit.status)):
            self.uow.permits.disarm_reminder(permit.permit_no, old_expires)
        _, today = self._now_today()
        if (permit.expires_date and not permit.expired and can_expire(permit.status)
                and not has_lapsed(permit.expires_date, today)):
            self.uow.permits.arm_reminder(permit)

    def change_status(self, permit_no: str, status: str, comments: str = "") -> Permit:
        """`POST .../status`: a move along the lifecycle, kept on the permit's timeline with who and why.
        409 `status-transition` naming where it may go; ACTIVE is issuing (409 `fees-due` while fees are due)."""
        new = parse_permit_status(status)

        def move() -> tuple[Permit, date | None, tuple[Any, ...]]:
            now, today = self._now_today()
            permit = self._permit(permit_no)
            old_expires = permit.expires_date
            old_state = (permit.expires_date, permit.contractor_id, permit.status)
            before = permit_facts(permit)
            permit.move(new, today, now, by=self.actor, comments=comments)
            self.uow.permits.save(permit)
            changed_before, changed_after = difference(before, permit_facts(permit))
            self._audit(AuditAction.PERMIT_STATUS, "permit", permit.permit_no, changed_before,
                        {**changed_after, "comments": permit.timeline[-1].comments})
            self.uow.commit()
            return permit, old_expires, old_state

        permit, old_expires, old_state = retrying(move)
        if (permit.expires_date, permit.contractor_id, permit.status) != old_state:
            self._sync_reminder(permit, old_expires)
        return permit

    # --- fees --------------------------------------------------------------------------------

    def add_fee(self, permit_no: str, description: str, amount: Any) -> FeeLine:
        text = " ".join(description.split()).upper()
        if not text:
            raise InvalidInput("A fee needs a description.", [FieldProblem("description", "is required")])
        value = parse_money(amount, "amount", allow_zero=False)

        def add() -> FeeLine:
            permit = self._permit(permit_no)
            line = permit.add_fee(text, value)
            self.uow.permits.save(permit)
            self._audit(AuditAction.FEE_ADDED, "permit", permit.permit_no,
                        after={"fee_id": line.fee_id, "description": line.description, "amount": line.amount})
            self.uow.commit()
            return line

        return retrying(add, attempts=5)

    def void_fee(self, permit_no: str, fee_id: str, reason: str) -> FeeLine:
        """Void a fee with a reason: never due again, still listed. 409 `fee-not-voidable` when paid or held."""
        why = _reason(reason)

        def void() -> FeeLine:
            now, _ = self._now_today()
            permit = self._permit(permit_no)
            line = permit.void_fee(fee_id, why, now, self.actor)
            self.uow.permits.save(permit)
            self._audit(AuditAction.FEE_VOIDED, "permit", permit.permit_no,
                        {"fee_id": line.fee_id, "amount": line.amount, "status": "DUE"},
                        {"fee_id": line.fee_id, "status": "VOIDED", "void_reason": line.void_reason})
            self.uow.commit()
            return line

        return retrying(void, attempts=5)

    def adjust_fee(self, permit_no: str, fee_id: str, amount: Any, reason: str,
                   description: str | None = None) -> FeeLine:
        """A new fee line in place of one still due: the old is voided (`replaced_by` the new), never rewritten."""
        why = _reason(reason)
        value = parse_money(amount, "amount", allow_zero=False)
        text = " ".join((description or "").split()).upper()

        def adjust() -> FeeLine:
            now, _ = self._now_today()
            permit = self._permit(permit_no)
            new, old = permit.adjust_fee(fee_id, value, why, now, self.actor, text)
            self.uow.permits.save(permit)
            self._audit(AuditAction.FEE_ADJUSTED, "permit", permit.permit_no,
                        {"fee_id": old.fee_id, "description": old.description, "amount": old.amount},
                        {"fee_id": new.fee_id, "description": new.description, "amount": new.amount,
                         "void_reason": old.void_reason})
            self.uow.commit()
            return new

        return retrying(adjust, attempts=5)

    # --- issuing -----------------------------------------------------------------------------

    def issue(self, permit_no: str) -> Permit:
        """ACTIVE, issued today, expires in 180 days; refused (409 fees-due) while any fee is unpaid."""
        now, today = self._now_today()
        permit = self._permit(permit_no)
        old_expires = permit.expires_date
        before = permit_facts(permit)
        permit.issue(today, now, by=self.actor)
        self._audit(AuditAction.PERMIT_ISSUED, "permit", permit.permit_no, *difference(before, permit_facts(permit)))
        self._commit(permit, old_expires)
        return permit

    # --- inspections -------------------------------------------------------------------------

    def schedule(self, permit_no: str, inspection_type: str, when: date, time_window: str | None = None,
                 notes: str = "") -> Inspection:
        """Staff may schedule any inspection on any permit, on a business day from today on."""
        kind = _norm(inspection_type)
        if not kind:
            raise InvalidInput("The inspection type is required.", [FieldProblem("inspection_type", "is required")])
        window = parse_time_window(time_window)

        def book() -> tuple[Permit, Inspection]:
            now, today = self._now_today()
            permit = self._permit(permit_no)
            insp = Inspection(new_inspection_id(permit.permit_no), permit.permit_no, permit.contractor_id, kind,
                              when, window.value, notes=notes.strip(), requested_by="staff", created_at=now)
            permit.schedule_inspection(insp, self.config.calendar, today)
            self.uow.permits.save(permit)
            self._audit(AuditAction.INSPECTION_SCHEDULED, "permit", permit.permit_no,
                        after={"inspection_id": insp.inspection_id, "inspection_type": kind, "date": when,
                               "time_window": window.value})
            self.uow.commit()
            return permit, insp

        permit, insp = retrying(book)
        self._mail(permit.contractor_id, f"Inspection scheduled: {words(kind)} on {permit.permit_no}",
                   f"Community Development scheduled {a_or_an(words(kind))} inspection on permit "
                   f"{permit.permit_no} ({permit.address}) for {us_day(when)} ({window_words(window.value)}).\n"
                   f"Inspection id: {insp.inspection_id}.")
        return insp

    def record_result(self, inspection_id: str, result: str, notes: str = "") -> Inspection:
        """Record a result, from the inspection's day on; PASSED restarts the 180 days from its date."""
        outcome = parse_result(result)
        permit_no = permit_of_inspection(inspection_id)

        def record() -> tuple[Permit, Inspection, date | None]:
            now, today = self._now_today()
            permit = self.uow.permits.get(permit_no)
            if permit is None or permit.inspection(inspection_id) is None:
                raise NotFound(f"No inspection {inspection_id}.")
            old_expires = permit.expires_date
            insp = permit.record_result(inspection_id, outcome, notes.strip(), today, now, by=self.actor)
            self.uow.permits.save(permit)
            self._audit(AuditAction.RESULT_RECORDED, "permit", permit.permit_no,
                        {"expires_date": old_expires},
                        {"inspection_id": inspection_id, "result": outcome.value, "notes": insp.result_notes,
                         "expires_date": permit.expires_date})
            self.uow.commit()
            return permit, insp, old_expires

        permit, insp, old_expires = retrying(record)
        if permit.expires_date != old_expires:
            self._sync_reminder(permit, old_expires)
        self._mail(insp.contractor_id,
                   f"Inspection result: {words(insp.inspection_type)} on {insp.permit_no} {outcome.value}",
                   f"The {words(insp.inspection_type)} inspection on permit {insp.permit_no} of {us_day(insp.date)} "
                   f"was recorded as {outcome.value}." + (f"\nInspector's notes: {insp.result_notes}"
                                                          if insp.result_notes else ""))
        return insp

    def correct_result(self, inspection_id: str, result: str, notes: str) -> Inspection:
        """Correct a recorded result: the earlier one kept in `history`, the expiry following the new one."""
        outcome = parse_result(result)
        permit_no = permit_of_inspection(inspection_id)

        def correct() -> tuple[Permit, Inspection, date | None]:
            now, today = self._now_today()
            permit = self.uow.permits.get(permit_no)
            if permit is None or permit.inspection(inspection_id) is None:
                raise NotFound(f"No inspection {inspection_id}.")
            old_expires = permit.expires_date
            insp = permit.correct_result(inspection_id, outcome, notes.strip(), today, now, by=self.actor)
            earlier = insp.history[-1]
            self.uow.permits.save(permit)
            self._audit(AuditAction.RESULT_CORRECTED, "permit", permit.permit_no,
                        {"inspection_id": inspection_id, "result": earlier.result.value, "notes": earlier.notes,
                         "expires_date": old_expires},
                        {"inspection_id": inspection_id, "result": outcome.value, "notes": insp.result_notes,
                         "expires_date": permit.expires_date})
            self.uow.commit()
            return permit, insp, old_expires

        permit, insp, old_expires = retrying(correct)
        if permit.expires_date != old_expires:
            self._sync_reminder(permit, old_expires)
        self._mail(insp.contractor_id,
                   f"Inspection result corrected: {words(insp.inspection_type)} on {insp.permit_no} {outcome.value}",
                   f"Community Development corrected the result of the {words(insp.inspection_type)} inspection on "
                   f"permit {insp.permit_no} of {us_day(insp.date)}: it is now {outcome.value} (it was recorded as "
                   f"{insp.history[-1].result.value})." + (f"\nInspector's notes: {insp.result_notes}"
                                                            if insp.result_notes else ""))
        return insp

    # --- reviews and attachments -------------------------------------------------------------

    def add_review(self, permit_no: str, department: str, status: str, when: date | None,
                   comments: str = "") -> Review:
        _, today = self._now_today()
        review = Review(secrets.token_hex(6), _norm(department), _norm(status), when or today, comments.strip())
        for name in ("department", "status"):
            if not getattr(review, name):
                raise InvalidInput(f"The review's {name} is required.", [FieldProblem(name, "is required")])

        def add(permit: Permit) -> None:
            permit.reviews.append(review)
            self._audit(AuditAction.REVIEW_ADDED, "permit", permit.permit_no,
                        after={"department": review.department, "status": review.status})

        self._change_file(permit_no, add)
        return review

    def add_attachment(self, permit_no: str, name: str) -> Attachment:
        now, _ = self._now_today()
        attachment = Attachment(secrets.token_hex(6), name.strip(), now.replace(microsecond=0))

        def attach(permit: Permit) -> None:
            if not attachment.name:  # after the permit is found: an unknown permit is a 404 first
                raise InvalidInput("The attachment's name is required.", [FieldProblem("name", "is required")])
            permit.attachments.append(attachment)
            self._audit(AuditAction.ATTACHMENT_ADDED, "permit", permit.permit_no, after={"name": attachment.name})

        self._change_file(permit_no, attach)
        return attachment

    def _change_file(self, permit_no: str, change: Callable[[Permit], None]) -> None:
        """Read the permit, change its file, commit; read again and redo if it changed meanwhile."""
        def run() -> None:
            permit = self._permit(permit_no)
            change(permit)
            self.uow.permits.save(permit)
            self.uow.commit()

        retrying(run)

