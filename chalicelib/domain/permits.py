"""Permit rules: statuses, the dashboard's "active" test, the 180-day expiry rule, inspection
eligibility, permit numbers and the default inspection list per permit type.

Pure Python (stdlib only) so that every rule can be tested in microseconds and lives in one place.
Services load and save permits; they ask this module what the county's rules say about them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.domain.fee_lines import FeeLine, FeeStatus, fees_due
from chalicelib.domain.inspections import (
    Inspection,
    InspectionCalendar,
    InspectionStatus,
    RecordedResult,
    slot_taken,
)
from chalicelib.domain.money import ZERO, display_money, sum_money, to_cents
from chalicelib.domain.wording import us_date, us_day

__all__ = [
    "CLOSED_STATUSES",
    "PERMIT_VALIDITY_DAYS",
    "PermitNo",
    "PermitNumbersExhausted",
    "PermitStatus",
    "RequestEligibility",
    "address_search_form",
    "can_request_inspection",
    "default_inspection_types",
    "expiry_date",
    "format_permit_no",
    "has_lapsed",
    "inspection_request_blockers",
    "inspection_request_eligibility",
    "is_closed",
    "is_listed_active",
    "is_valid_permit_no",
    "known_permit_types",
    "parse_permit_no",
    "parse_permit_status",
    "prefix_for_type",
]


# --- statuses ----------------------------------------------------------------------------------


class PermitStatus(StrEnum):
    """A permit's status; the values are the county's own strings, shown as-is on the dashboard."""

    SUBMITTED = "SUBMITTED"
    IN_REVIEW = "IN REVIEW"
    PENDING_APPROVAL = "PENDING APPROVAL"
    READY_TO_ISSUE = "READY TO ISSUE"
    ACTIVE = "ACTIVE"
    FINALED = "FINALED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


#: Statuses that take a permit off the dashboard's active list. CANCELLED is deliberately absent:
#: the guide's second dashboard lists a CANCELLED permit among "My Active Permits".
CLOSED_STATUSES: frozenset[PermitStatus] = frozenset({PermitStatus.FINALED, PermitStatus.CLOSED})

# Statuses a permit reaches after being issued or abandoned: "not issued" would mislead there.
_ENDED_STATUSES = CLOSED_STATUSES | {PermitStatus.CANCELLED}

_STATUS_CHOICES = ", ".join(s.value for s in PermitStatus)


def parse_permit_status(value: object, field: str = "status") -> PermitStatus:
    """Turn client input into a PermitStatus, or raise InvalidInput naming the allowed values.

    Surrounding whitespace and letter case are forgiven ("in review" → IN REVIEW) because people
    type these; anything else that is not a county status is refused rather than stored.
    """
    if isinstance(value, PermitStatus):
        return value
    if isinstance(value, str):
        try:
            return PermitStatus(" ".join(value.split()).upper())
        except ValueError:
            pass
    message = f"must be one of: {_STATUS_CHOICES}"
    raise InvalidInput(
        f"Unknown permit status {value!r}; a permit status must be one of: {_STATUS_CHOICES}.",
        errors=[FieldProblem(field, message)],
    )


def is_closed(status: str) -> bool:
    """True for FINALED and CLOSED: the work is over and the permit leaves the active list."""
    return status in CLOSED_STATUSES


def can_expire(status: str) -> bool:
    """A finished permit (FINALED, CLOSED) no longer runs out: the job and reminders skip it."""
    return not is_closed(status)


def is_listed_expired(status: str, expired_flag: bool) -> bool:
    """Whether the dashboard lists the permit under "My Expired Permits": flagged, and not finished."""
    return expired_flag and not is_closed(status)


def is_listed_active(status: str, expired_flag: bool) -> bool:
    """Whether the dashboard lists the permit under "My Active Permits".

    Expired permits keep their status but move to "My Expired Permits"; closed ones disappear.
    Everything else (including CANCELLED, as in the guide) stays listed.
    """
    return not expired_flag and not is_closed(status)


# --- expiry (IRC R105.5) -------------------------------------------------------------------------

#: IRC R105.5: a permit expires if work is not started or is suspended for 180 days.
PERMIT_VALIDITY_DAYS = 180


def expiry_date(
    issued_date: date,
    last_passed_inspection_date: date | None = None,
    validity_days: int = PERMIT_VALIDITY_DAYS,
) -> date:
    """The permit's last valid day: the later of issue + 180 days and last passed inspection + 180.

    Each passed inspection proves work is progressing, so it restarts the 180-day clock; an old
    inspection can never shorten the validity that issuing gave.
    """
    if validity_days <= 0:
        raise ValueError(f"validity_days must be positive, got {validity_days}")
    period = timedelta(days=validity_days)
    expires = issued_date + period
    if last_passed_inspection_date is not None:
        expires = max(expires, last_passed_inspection_date + period)
    return expires


def has_lapsed(expires_date: date, today: date) -> bool:
    """True once the expiry date is behind us; a permit expiring today is still valid today."""
    return expires_date < today


# --- inspection-request eligibility --------------------------------------------------------------


def inspection_request_blockers(
    status: str,
    expired: bool,
    expires_date: date | None,
    today: date,
    fees_due: Decimal,
    *,
    fees_held: Decimal = ZERO,
) -> list[str]:
    """Every reason an inspection cannot be requested now, as full sentences, in a fixed order:
    not issued, expired, fees due, fees held by a payment in progress. Empty means a request is allowed.

    One function so the dashboard's "Request" link and the request endpoint (409 detail) can
    never disagree. `expired` is the flag the daily job sets; a permit whose `expires_date` has
    passed counts as expired even before the job has flagged it. Fees count to the cent.

    `fees_held` are the fees a pending payment holds: not due (the dashboard's FEES DUE leaves them
    out), but not paid either: the payment may still be declined, cancelled or expire, and the fee
    is due again while the inspection it let through would stay booked. Only PAID fees let it through.
    """
    fees = to_cents(fees_due)  # TypeError for a float: money is Decimal end to end
    held = to_cents(fees_held)

    blockers: list[str] = []
    if status != PermitStatus.ACTIVE:
        state = "is no longer active" if status in _ENDED_STATUSES else "has not been issued"
        blockers.append(
            f"The permit {state}: its status is {status}, and inspections can be "
            f"requested only on an {PermitStatus.ACTIVE.value} (issued) permit."
        )
    if expired or (expires_date is not None and has_lapsed(expires_date, today)):
        if expires_date is not None:
            blockers.append(
                f"The permit has expired (its expiry date is {us_date(expires_date)}), "
                "so inspections can no longer be requested on it."
            )
        else:
            blockers.append(
                "The permit has been flagged expired, so inspections can no longer be "
                "requested on it."
            )
    if fees > 0:
        blockers.append(
            f"Fees of {display_money(fees)} are due on this permit; pay them before "
            "requesting an inspection."
        )
    if held > 0:
        blockers.append(
            f"Fees of {display_money(held)} on this permit are held by a payment in progress; fees must "
            "be paid before an inspection can be requested, so request it once that payment is complete."
        )
    return blockers


def can_request_inspection(
    status: str,
    expired: bool,
    expires_date: date | None,
    today: date,
    fees_due: Decimal,
    *,
    fees_held: Decimal = ZERO,
) -> bool:
    """The dashboard's `inspection_request` flag: ACTIVE, not expired, every fee paid."""
    return not inspection_request_blockers(status, expired, expires_date, today, fees_due, fees_held=fees_held)


@dataclass(frozen=True)
class RequestEligibility:
    """Whether an inspection may be requested on a permit now and, if not, why.

    `reason` is the whole sentence the request endpoint's 409 `detail` gives and `slug` its problem
    type, so a screen can show the refusal before anyone sends the form.
    """

    allowed: bool
    reason: str = ""
    slug: str | None = None


def inspection_request_eligibility(
    permit_no: str,
    status: str,
    expired: bool,
    expires_date: date | None,
    today: date,
    fees_due: Decimal,
    *,
    fees_held: Decimal = ZERO,
) -> RequestEligibility:
    """The one answer to "may an inspection be requested on this permit now?": the permit's JSON view
    shows it and `Permit.request_inspection` refuses with it, so the two cannot drift.

    The slug is the most precise one that covers every blocker: `fees-held` when a payment in
    progress is the only reason, `fees-due` when unpaid fees are, else `inspection-not-allowed`.
    """
    blockers = inspection_request_blockers(status, expired, expires_date, today, fees_due, fees_held=fees_held)
    if not blockers:
        return RequestEligibility(True)
    if len(blockers) > 1:
        slug = "inspection-not-allowed"
    elif to_cents(fees_due) > 0:
        slug = "fees-due"
    elif to_cents(fees_held) > 0:
        slug = "fees-held"
    else:
        slug = "inspection-not-allowed"
    return RequestEligibility(False, f"An inspection cannot be requested on {permit_no}. " + " ".join(blockers), slug)


# --- permit numbers ------------------------------------------------------------------------------

_PREFIX_RE = re.compile(r"[A-Z]{2,4}", re.ASCII)
_PERMIT_NO_RE = re.compile(r"(?P<prefix>[A-Z]{2,4})(?P<year>[0-9]{2})-(?P<seq>[0-9]{4})", re.ASCII)
MAX_SEQUENCE = 9999


class PermitNumbersExhausted(Conflict):
    """All 9,999 numbers of one prefix and year are used; a fifth digit would break the format."""

    slug = "permit-numbers-exhausted"


class PermitNo(NamedTuple):
    """A parsed permit number such as RES17-0150: prefix RES, year 17, sequence 150."""

    prefix: str
    year: int
    seq: int

    def __str__(self) -> str:
        return f"{self.prefix}{self.year:02d}-{self.seq:04d}"


def _normalize_prefix(prefix: object, field: str = "prefix") -> str:
    candidate = prefix.strip().upper() if isinstance(prefix, str) else ""
    if not _PREFIX_RE.fullmatch(candidate):
        raise InvalidInput(
            f"Permit-number prefix {prefix!r} is not valid; it must be 2 to 4 letters, e.g. RES.",
            errors=[FieldProblem(field, "must be 2 to 4 letters A-Z")],
        )
    return candidate


def format_permit_no(prefix: str, year: int, seq: int) -> str:
    """Build a permit number, e.g. format_permit_no("RES", 2017, 150) == "RES17-0150".

    `year` may be a calendar year (2017) or already two digits (17). A sequence beyond 9999 raises
    PermitNumbersExhausted (409) instead of quietly producing a five-digit, unparseable number.
    """
    letters = _normalize_prefix(prefix)
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be an int, got {type(year).__name__}")
    if 0 <= year <= 99:
        yy = year
    elif 1000 <= year <= 9999:
        yy = year % 100
    else:
        raise ValueError(f"year must be two digits (0-99) or a calendar year, got {year}")
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise TypeError(f"seq must be an int, got {type(seq).__name__}")
    if seq < 1:
        raise ValueError(f"permit sequence numbers start at 1, got {seq}")
    if seq > MAX_SEQUENCE:
        raise PermitNumbersExhausted(
            f"Permit numbers {letters}{yy:02d}-0001 to {letters}{yy:02d}-{MAX_SEQUENCE} are all "
            f"used; sequence {seq} does not fit the four-digit format. Use another prefix."
        )
    return str(PermitNo(letters, yy, seq))


def parse_permit_no(s: object, field: str = "permit_no") -> PermitNo:
    """Parse "RES17-0150" into PermitNo("RES", 17, 150); str() of the result is the canonical form.

    Surrounding whitespace and lower case are forgiven (people type these into search boxes and
    URLs); anything else raises InvalidInput. Sequence 0000 is refused: numbering starts at 0001.
    """
    candidate = s.strip().upper() if isinstance(s, str) else ""
    match = _PERMIT_NO_RE.fullmatch(candidate)
    if match is None or int(match["seq"]) == 0:
        raise InvalidInput(
            f"{s!r} is not a permit number; permit numbers look like RES17-0150 "
            "(2 to 4 letters, a two-digit year, a dash and a four-digit sequence from 0001).",
            errors=[FieldProblem(field, "must look like RES17-0150")],
        )
    return PermitNo(match["prefix"], int(match["year"]), int(match["seq"]))


def is_valid_permit_no(s: object) -> bool:
    """Whether parse_permit_no would accept `s` (use str(parse_permit_no(s)) to normalise it)."""
    try:
        parse_permit_no(s)
    except InvalidInput:
        return False
    return True


# --- address search --------------------------------------------------------------------------------

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+", re.ASCII)


def address_search_form(text: str) -> str:
    """An address as staff search it: upper case, anything but letters and digits as one space, trimmed.

    "1968 e. Dodd Rd" and "1968 E DODD RD" are the same place; the start of one finds the other. The
    permit's stored address is unchanged: this is only its index key (and the form of what is typed)."""
    return " ".join(_NOT_ALNUM.sub(" ", text.upper()).split())


# --- permit types --------------------------------------------------------------------------------

# One table per permit type: its usual number prefix and the inspections it normally needs, in
# the order work happens. Adding a permit type is one entry here.
_PERMIT_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "RESIDENTIAL": (
        "RES",
        (
            "FOOTING",
            "FOUNDATION",
            "UNDERGROUND PLUMBING",
            "FRAMING",
            "ROUGH ELECTRICAL",
            "ROUGH PLUMBING",
            "ROUGH MECHANICAL",
            "INSULATION",
            "DRYWALL",
            "FINAL",
        ),
    ),
    "COMMERCIAL": (
        "COM",
        ("FOOTING", "FOUNDATION", "UNDERGROUND PLUMBING", "FRAMING", "ROUGH ELECTRICAL", "ROUGH PLUMBING",
         "ROUGH MECHANICAL", "FIRE SPRINKLER", "INSULATION", "DRYWALL", "FINAL"),
    ),
    "MECHANICAL": ("MEC", ("ROUGH MECHANICAL", "GAS LINE", "FINAL")),
    "ELECTRICAL": ("ELE", ("ROUGH ELECTRICAL", "SERVICE", "FINAL")),
    "PLUMBING": ("PLM", ("UNDERGROUND PLUMBING", "ROUGH PLUMBING", "WATER HEATER", "FINAL")),
    "DEMOLITION": ("DEM", ("SITE", "FINAL")),
}


def known_permit_types() -> list[str]:
    """The permit types that have a default prefix and inspection list."""
    return sorted(_PERMIT_TYPES)


def _lookup_type(permit_type: object, field: str) -> tuple[str, tuple[str, ...]]:
    key = " ".join(permit_type.split()).upper() if isinstance(permit_type, str) else ""
    try:
        return _PERMIT_TYPES[key]
    except KeyError:
        known = ", ".join(known_permit_types())
        raise InvalidInput(
            f"Unknown permit type {permit_type!r}; known types are: {known}.",
            errors=[FieldProblem(field, f"must be one of: {known}")],
        ) from None


def parse_permit_type(permit_type: object, field: str = "type") -> str:
    """A permit type staff may use, normalised (upper case, single spaces); InvalidInput otherwise."""
    _lookup_type(permit_type, field)
    return " ".join(str(permit_type).split()).upper()


def prefix_for_type(permit_type: str, chosen: str | None = None) -> str:
    """The number prefix for a new permit: staff's `chosen` prefix if given, else the type's own.

    Staff may choose (the guide numbers a MECHANICAL permit applied on the web WEB17-0002), so a
    chosen prefix wins after validation; otherwise RESIDENTIAL → RES, MECHANICAL → MEC.
    """
    if chosen is not None:
        return _normalize_prefix(chosen)
    return _lookup_type(permit_type, "type")[0]


def default_inspection_types(permit_type: str) -> list[str]:
    """The inspections a permit of this type normally needs, used when staff give none.

    Returns a new list each call so callers may edit it without changing the defaults.
    """
    return list(_lookup_type(permit_type, "type")[1])


# --- the lifecycle --------------------------------------------------------------------------------

#: API.md Part 2's lifecycle over the statuses a permit has today: SUBMITTED → IN REVIEW → PENDING
#: APPROVAL → READY TO ISSUE → ACTIVE (issued) → FINALED → CLOSED, or CANCELLED on the way. (Apply / New
#: Permit adds DRAFT, CORRECTIONS REQUIRED and WITHDRAWN.) ACTIVE is reached only by `Permit.issue`
#: (every fee paid), which staff may also do straight from review; an expired ACTIVE permit is issued
#: again to renew it. Staff may step a permit back one review stage.
TRANSITIONS: dict[PermitStatus, frozenset[PermitStatus]] = {
    PermitStatus.SUBMITTED: frozenset({PermitStatus.IN_REVIEW, PermitStatus.ACTIVE, PermitStatus.CANCELLED}),
    PermitStatus.IN_REVIEW: frozenset({PermitStatus.PENDING_APPROVAL, PermitStatus.READY_TO_ISSUE,
                                       PermitStatus.SUBMITTED, PermitStatus.ACTIVE, PermitStatus.CANCELLED}),
    PermitStatus.PENDING_APPROVAL: frozenset({PermitStatus.READY_TO_ISSUE, PermitStatus.IN_REVIEW,
                                              PermitStatus.ACTIVE, PermitStatus.CANCELLED}),
    PermitStatus.READY_TO_ISSUE: frozenset({PermitStatus.ACTIVE, PermitStatus.PENDING_APPROVAL,
                                            PermitStatus.CANCELLED}),
    PermitStatus.ACTIVE: frozenset({PermitStatus.ACTIVE, PermitStatus.FINALED, PermitStatus.CLOSED,
                                    PermitStatus.CANCELLED}),
    PermitStatus.FINALED: frozenset({PermitStatus.CLOSED}),
    PermitStatus.CLOSED: frozenset(),
    PermitStatus.CANCELLED: frozenset(),
}

#: Statuses whose permits leave the contractor's dashboard (its key range) for the archive, which
#: search still reaches. CANCELLED leaves it only CANCELLED_SHOWN_DAYS after the cancellation: the
#: guide's dashboard lists a cancelled permit among the active ones, so the contractor sees it happen.
ARCHIVED_STATUSES: frozenset[PermitStatus] = CLOSED_STATUSES
CANCELLED_SHOWN_DAYS = 30


def transition_refused(permit_no: str, old: str, new: str) -> Conflict:
    allowed = sorted(s.value for s in TRANSITIONS.get(PermitStatus(old), frozenset()))
    then = f"from {old} it may go to {', '.join(allowed)}" if allowed else f"{old} is final"
    return Conflict(f"Permit {permit_no} cannot go from {old} to {new}: {then}.", slug="status-transition")


# --- the Permit aggregate -------------------------------------------------------------------------


@dataclass
class Review:
    review_id: str
    department: str
    status: str
    date: date
    comments: str = ""


@dataclass(frozen=True)
class StatusChange:
    """One step of the permit's timeline: the status it reached, when, by whom (a staff username), and why."""

    at: datetime
    status: PermitStatus
    by: str = ""
    comments: str = ""


@dataclass
class Attachment:
    attachment_id: str
    name: str
    uploaded_at: datetime


@dataclass
class Permit:
    """A permit with everything in its file: fees, inspections, reviews, attachments.

    The aggregate: every change to any of them goes through a method here and is saved with the
    permit (its `version` guards the whole file), so the county's rules cannot be bypassed by
    writing a part. Dates are county dates; instants are aware datetimes.
    """

    permit_no: str
    contractor_id: str
    address: str
    type: str
    status: PermitStatus
    description: str = ""
    applied_date: date | None = None
    issued_date: date | None = None
    expires_date: date | None = None
    expired: bool = False
    inspection_types: list[str] = field(default_factory=list)
    version: int = 0
    created_at: datetime | None = None
    status_changed_on: date | None = None
    archived: bool = False
    parcel_no: str | None = None
    project_no: str | None = None
    lat: float | None = None
    lon: float | None = None
    fees: list[FeeLine] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    timeline: list[StatusChange] = field(default_factory=list)

    # --- what the file says ---------------------------------------------------------------------

    def fees_due(self, now: datetime) -> Decimal:
        return fees_due(self.fees, now)

    def fees_held(self, now: datetime) -> Decimal:
        """Fees a pending payment holds: not due, but not paid either (the payment may still fail)."""
        return sum_money(f.amount for f in self.fees if f.is_held(now))

    def payment_pending_until(self, now: datetime) -> datetime | None:
        """When the last hold of a payment in progress on this permit ends (its payment's expiry), or
        None: FEES DUE leaves held fees out, so the screens say a payment is pending and until when."""
        return max((f.hold_expires_at for f in self.fees if f.is_held(now) and f.hold_expires_at), default=None)

    def request_eligibility(self, today: date, now: datetime) -> RequestEligibility:
        return inspection_request_eligibility(self.permit_no, self.status, self.expired, self.expires_date, today,
                                              self.fees_due(now), fees_held=self.fees_held(now))

    def can_request_inspection(self, today: date, now: datetime) -> bool:
        return self.request_eligibility(today, now).allowed

    @property
    def listed_active(self) -> bool:
        return is_listed_active(self.status, self.expired)

    @property
    def listed_expired(self) -> bool:
        return is_listed_expired(self.status, self.expired)

    @property
    def in_expiry_index(self) -> bool:
        """Whether the daily job should look at this permit when its expiry date passes."""
        return bool(self.expires_date) and not self.expired and can_expire(self.status)

    @property
    def archive_on(self) -> date | None:
        """The day a cancelled permit leaves the dashboard for the archive (None: not due to move)."""
        if self.status is not PermitStatus.CANCELLED or self.archived or self.status_changed_on is None:
            return None
        return self.status_changed_on + timedelta(days=CANCELLED_SHOWN_DAYS)

    def fee(self, fee_id: str) -> FeeLine | None:
        return next((f for f in self.fees if f.fee_id == fee_id), None)

    def inspection(self, inspection_id: str) -> Inspection | None:
        return next((i for i in self.inspections if i.inspection_id == inspection_id), None)

    def last_passed(self, extra: date | None = None) -> date | None:
        dates = [i.date for i in self.inspections if i.status is InspectionStatus.PASSED]
        if extra:
            dates.append(extra)
        return max(dates, default=None)

    # --- the lifecycle ----------------------------------------------------------------------------

    def opened(self, now: datetime, by: str = "", comments: str = "") -> None:
        """The timeline's first step: the status the permit was entered at."""
        self.timeline.append(StatusChange(now, self.status, by, comments))

    def change_status(self, new: PermitStatus, today: date, now: datetime, *, by: str = "",
                      comments: str = "") -> None:
        """Move along the lifecycle: 409 `status-transition` for a move it does not allow; ACTIVE is issuing.
        The same status is no move (nothing happens), except ACTIVE on an expired permit: renewing it."""
        if new is self.status and not (new is PermitStatus.ACTIVE and self.expired):
            return
        if new not in TRANSITIONS.get(self.status, frozenset()):
            raise transition_refused(self.permit_no, self.status, new)
        if new is PermitStatus.ACTIVE:
            self.issue(today, now, by=by, comments=comments)
            return
        if new is PermitStatus.READY_TO_ISSUE and not any(not f.voided for f in self.fees):
            # API.md: READY TO ISSUE needs fees assessed, or "fees paid, awaiting issue" would list a
            # permit nobody has priced.
            raise Conflict(f"Permit {self.permit_no} has no fees assessed: add its fees before READY TO ISSUE.",
                           slug="fees-not-assessed")
        self._set_status(new, today, now, by, comments)

    def move(self, new: PermitStatus, today: date, now: datetime, *, by: str = "", comments: str = "") -> None:
        """A status change asked for as such (`POST .../status`): the same status is refused as no move."""
        if new is self.status and not (new is PermitStatus.ACTIVE and self.expired):
            allowed = sorted(s.value for s in TRANSITIONS.get(self.status, frozenset()) if s is not self.status)
            then = f"from {self.status} it may go to {', '.join(allowed)}" if allowed else f"{self.status} is final"
            raise Conflict(f"Permit {self.permit_no} is already {self.status}: {then}.", slug="status-transition")
        self.change_status(new, today, now, by=by, comments=comments)

    def _set_status(self, new: PermitStatus, today: date, now: datetime, by: str = "", comments: str = "") -> None:
        self.status = new
        self.status_changed_on = today
        self.archived = new in ARCHIVED_STATUSES
        self.timeline.append(StatusChange(now, new, by, " ".join(comments.split())))

    def unpaid_fees(self, now: datetime) -> list[FeeLine]:
        """Fees not yet paid (due, or held by a payment in progress): while any is, the permit is not issued.
        A voided fee is owed by nobody."""
        return [f for f in self.fees if f.is_unpaid(now)]

    def awaits_issue(self, now: datetime) -> bool:
        """READY TO ISSUE with every fee paid: the back office's "fees paid, awaiting issue"."""
        return self.status is PermitStatus.READY_TO_ISSUE and not self.unpaid_fees(now)

    def issue(self, today: date, now: datetime, *, by: str = "", comments: str = "") -> None:
        """ACTIVE, issued today, expires in PERMIT_VALIDITY_DAYS; refused while any fee is unpaid."""
        unpaid = self.unpaid_fees(now)
        if unpaid:
            pending = [f for f in unpaid if f.status(now) is FeeStatus.PENDING]
            total = display_money(sum_money(f.amount for f in unpaid))
            note = " (some are held by a pending payment)" if pending else ""
            raise Conflict(f"Permit {self.permit_no} cannot be issued while fees of {total} are unpaid{note}.",
                           slug="fees-due")
        if self.status is PermitStatus.ACTIVE and not self.expired:
            raise Conflict(f"Permit {self.permit_no} is already issued (ACTIVE).", slug="status-transition")
        # Never a finished or cancelled permit (the lifecycle leads nowhere from there).
        if self.status in _ENDED_STATUSES:
            raise Conflict(f"Permit {self.permit_no} is {self.status} and cannot be issued.", slug="status-transition")
        self._set_status(PermitStatus.ACTIVE, today, now, by, comments or
                         ("Renewed" if self.status is PermitStatus.ACTIVE else "Issued"))
        self.issued_date = today
        self.expires_date = expiry_date(today)
        self.expired = False

    def flag_expired(self, today: date) -> bool:
        """The daily job: flag the permit expired once its expiry date has passed; False if not (now)."""
        if self.expired or not self.expires_date or not can_expire(self.status) \
                or not has_lapsed(self.expires_date, today):
            return False
        self.expired = True
        return True

    def revive_if_renewed(self, today: date) -> None:
        """A flagged permit given an expiry date that has not passed is no longer expired."""
        if self.expired and (self.expires_date is None or not has_lapsed(self.expires_date, today)):
            self.expired = False

    def archive_if_due(self, today: date) -> bool:
        """A cancelled permit leaves the dashboard CANCELLED_SHOWN_DAYS after its cancellation."""
        due = self.archive_on
        if due is None or today < due:
            return False
        self.archived = True
        return True

    def reassign(self, contractor_id: str, now: datetime) -> None:
        """Move the permit, its fees and inspections to another contractor (one dashboard each)."""
        if contractor_id == self.contractor_id:
            return
        if any(f.status(now) is FeeStatus.PENDING for f in self.fees):
            raise Conflict(f"Permit {self.permit_no} has fees held by a pending payment; "
                           "reassign it when that payment has ended.", slug="fees-held")
        self.contractor_id = contractor_id
        self.fees = [replace(f, contractor_id=contractor_id) for f in self.fees]
        for insp in self.inspections:
            insp.contractor_id = contractor_id

    # --- fees ------------------------------------------------------------------------------------

    def add_fee(self, description: str, amount: Decimal) -> FeeLine:
        """A new fee line, numbered after the ones on file (RES17-0150-F001) so it sorts in the order added."""
        taken = [int(f.fee_id.rsplit("-F", 1)[-1]) for f in self.fees if f.fee_id.rsplit("-F", 1)[-1].isdigit()]
        line = FeeLine(f"{self.permit_no}-F{max(taken, default=0) + 1:03d}", self.permit_no, self.contractor_id,
                       description, amount)
        self.fees.append(line)
        return line

    def void_fee(self, fee_id: str, reason: str, now: datetime, by: str, replaced_by: str | None = None) -> FeeLine:
        """Staff void a fee: it is never due, held or paid again, and stays listed with who, when and why.
        409 `fee-not-voidable` for a paid fee, one a payment in progress holds, or one already voided."""
        line = self.voidable_fee(fee_id, now)
        voided = replace(line, voided_at=now, voided_by=by, void_reason=" ".join(reason.split()),
                         replaced_by=replaced_by, held_by=None, hold_expires_at=None)
        self._replace_fee(voided)
        return voided

    def adjust_fee(self, fee_id: str, amount: Decimal, reason: str, now: datetime, by: str,
                   description: str = "") -> tuple[FeeLine, FeeLine]:
        """A new fee line of `amount` (the old description unless given) in place of `fee_id`, which is
        voided with `reason` and `replaced_by` the new line: (new, old). Refused like a void."""
        old = self.voidable_fee(fee_id, now)
        new = self.add_fee(description or old.description, amount)
        return new, self.void_fee(fee_id, reason, now, by, replaced_by=new.fee_id)

    def voidable_fee(self, fee_id: str, now: datetime) -> FeeLine:
        line = self.fee(fee_id)
        if line is None:
            raise NotFound(f"Permit {self.permit_no} has no fee {fee_id[:64]}.")
        why = {FeeStatus.PAID: "it is paid (a payment's ledger line is never changed; refund it instead)",
               FeeStatus.PENDING: "a payment in progress holds it; wait for that payment to end",
               FeeStatus.VOIDED: "it is already voided"}.get(line.status(now))
        if why:
            raise Conflict(f"Fee {fee_id} of permit {self.permit_no} cannot be voided: {why}.",
                           slug="fee-not-voidable")
        return line

    def hold_fee(self, fee_id: str, amount: Decimal, payment_id: str, until: datetime, now: datetime) -> None:
        """A checkout holds a due fee of the amount it showed; 409 `fees-held` when it no longer can."""
        line = self.fee(fee_id)
        if line is None or not line.is_due(now) or line.amount != amount or line.contractor_id != self.contractor_id:
            raise Conflict(f"A fee of permit {self.permit_no} was just paid or is held by another checkout.",
                           slug="fees-held")
        self._replace_fee(replace(line, held_by=payment_id, hold_expires_at=until))

    def can_pay_fee(self, fee_id: str, amount: Decimal, payment_id: str, now: datetime) -> bool:
        """An approval pays a fee still due at its amount and held by this payment, unheld, or whose hold ended."""
        line = self.fee(fee_id)
        if line is None or line.paid or line.voided or line.amount != amount:
            return False
        return line.held_by in (None, payment_id) or not line.is_held(now)

    def pay_fee(self, fee_id: str, amount: Decimal, payment_id: str, now: datetime) -> None:
        if not self.can_pay_fee(fee_id, amount, payment_id, now):
            raise Conflict(f"A fee of permit {self.permit_no} was paid or taken by another payment.",
                           slug="fees-held")
        line = self.fee(fee_id)
        assert line is not None
        self._replace_fee(replace(line, paid=True, paid_by=payment_id, paid_at=now, held_by=None,
                                  hold_expires_at=None))

    def release_fee(self, fee_id: str, payment_id: str) -> bool:
        """A payment that ended lets go of its hold (only its own); False when it held nothing here."""
        line = self.fee(fee_id)
        if line is None or line.paid or line.held_by != payment_id:
            return False
        self._replace_fee(replace(line, held_by=None, hold_expires_at=None))
        return True

    def _replace_fee(self, line: FeeLine) -> None:
        self.fees = [line if f.fee_id == line.fee_id else f for f in self.fees]

    # --- inspections -----------------------------------------------------------------------------

    def booked(self, inspection_type: str, day: date) -> Inspection | None:
        """The inspection holding this type's slot on `day`, if any (one per permit, type and day)."""
        return next((i for i in self.inspections
                     if i.holds_slot and i.inspection_type == inspection_type and i.date == day), None)

    def request_inspection(self, inspection: Inspection, calendar: InspectionCalendar, now: datetime) -> None:
        """A contractor's request: 409 naming every blocker, 400 for the type and the calendar's rules."""
        today = calendar.local_today(now)
        eligibility = self.request_eligibility(today, now)
        if not eligibility.allowed:
            raise Conflict(eligibility.reason, slug=eligibility.slug)
        if inspection.inspection_type not in self.inspection_types:
            allowed = ", ".join(self.inspection_types)
            raise InvalidInput(f"{inspection.inspection_type!r} is not an inspection of permit {self.permit_no}; "
                               f"choose one of: {allowed}.",
                               [FieldProblem("inspection_type", f"must be one of: {allowed}")])
        calendar.check_request_date(inspection.date, now)
        self._book(inspection)

    def schedule_inspection(self, inspection: Inspection, calendar: InspectionCalendar, today: date) -> None:
        """Staff may schedule any inspection on any permit, on a business day from today on."""
        if inspection.date < today:
            raise InvalidInput(f"{us_date(inspection.date)} is in the past.",
                               [FieldProblem("date", "must not be past")])
        if not calendar.is_business_day(inspection.date):
            raise InvalidInput(f"{us_day(inspection.date)} is not a business day.",
                               [FieldProblem("date", "must be a business day (Monday to Friday, not a holiday)")])
        self._book(inspection)

    def _book(self, inspection: Inspection) -> None:
        taken = self.booked(inspection.inspection_type, inspection.date)
        if taken is not None:
            raise slot_taken(self.permit_no, inspection.inspection_type, inspection.date, taken.inspection_id)
        self.inspections.append(inspection)

    def cancel_inspection(self, inspection_id: str, calendar: InspectionCalendar, now: datetime) -> Inspection:
        """The contractor cancels a scheduled inspection before the cancel cut-off on its day."""
        insp = self._scheduled(inspection_id, "cancelled")
        calendar.check_cancel(insp.date, now)
        insp.status = InspectionStatus.CANCELLED
        insp.cancelled_at = now
        return insp

    def record_result(self, inspection_id: str, result: InspectionStatus, notes: str, today: date,
                      now: datetime, by: str = "") -> Inspection:
        """Staff record a result. Not before the inspection's day (CANCELLED excepted: a visit called off
        is no result); PASSED restarts the permit's 180 days from the inspection's date."""
        insp = self.inspection(inspection_id)
        if insp is None:
            raise NotFound(f"No inspection {inspection_id}.")
        if insp.status is not InspectionStatus.SCHEDULED:
            raise Conflict(f"The inspection already has a result: {insp.status}.", slug="inspection-not-scheduled")
        if result is not InspectionStatus.CANCELLED and today < insp.date:
            raise Conflict(f"The {insp.inspection_type} inspection is on {us_date(insp.date)}: its result can be "
                           "recorded from that day on.", slug="inspection-not-yet-due")
        if result is InspectionStatus.PASSED:
            self._expiry_after_results(insp, today, passed=True)
        insp.status = result
        insp.result_notes = notes
        insp.resulted_at = now
        insp.recorded_by = by
        return insp

    def correct_result(self, inspection_id: str, result: InspectionStatus, notes: str, today: date,
                       now: datetime, by: str = "") -> Inspection:
        """Staff correct a recorded result: the earlier one is kept in the inspection's `history`, and the
        permit's expiry follows the corrected result (a pass restarts the 180 days from the inspection's
        date; a pass corrected away takes that restart back). 409 `inspection-no-result` before a result."""
        insp = self.inspection(inspection_id)
        if insp is None:
            raise NotFound(f"No inspection {inspection_id}.")
        if not insp.has_result:
            raise Conflict(f"The {insp.inspection_type} inspection is {insp.status} and has no recorded result to "
                           "correct; record its result instead.", slug="inspection-no-result")
        was_passed = insp.status is InspectionStatus.PASSED
        if was_passed != (result is InspectionStatus.PASSED):
            self._expiry_after_results(insp, today, passed=result is InspectionStatus.PASSED)
        insp.history.append(RecordedResult(insp.status, insp.result_notes, insp.resulted_at, insp.recorded_by))
        insp.status = result
        insp.result_notes = notes
        insp.resulted_at = now
        insp.recorded_by = by
        return insp

    def _expiry_after_results(self, insp: Inspection, today: date, *, passed: bool) -> None:
        """How results move expiry, in one place: the later of issue + 180 days and the last passed
        inspection + 180, counting `insp` as passed or not. Without an issue date the earliest pass
        stands in for it; with neither, the expiry date on file is left as it is."""
        others = [i.date for i in self.inspections if i.status is InspectionStatus.PASSED and i is not insp]
        passes = [*others, insp.date] if passed else others
        base = self.issued_date or min(passes, default=None)
        if base is None:
            return
        try:
            self.expires_date = expiry_date(base, max(passes, default=None))
        except OverflowError:  # booked before the API bounded dates: no expiry exists 180 days after it
            raise Conflict(f"The inspection's date {us_date(insp.date)} is too far in the future to pass; "
                           "record it as CANCELLED and book it again.") from None
        self.revive_if_renewed(today)
        self.flag_expired(today)

    def _scheduled(self, inspection_id: str, verb: str) -> Inspection:
        insp = self.inspection(inspection_id)
        if insp is None:
            raise NotFound(f"No inspection {inspection_id}.")
        if insp.status is not InspectionStatus.SCHEDULED:
            raise Conflict(f"The inspection is {insp.status}; only a scheduled inspection can be {verb}.",
                           slug="inspection-not-scheduled")
        return insp
