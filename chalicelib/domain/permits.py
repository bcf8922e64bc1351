"""Permit rules: statuses, the dashboard's "active" test, the 180-day expiry rule, inspection
eligibility, permit numbers and the default inspection list per permit type.

Pure Python (stdlib only) so that every rule can be tested in microseconds and lives in one place.
Services load and save permits; they ask this module what the county's rules say about them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput
from chalicelib.domain.money import ZERO, display_money, to_cents

__all__ = [
    "CLOSED_STATUSES",
    "PERMIT_VALIDITY_DAYS",
    "PermitNo",
    "PermitNumbersExhausted",
    "PermitStatus",
    "can_request_inspection",
    "default_inspection_types",
    "expiry_date",
    "format_permit_no",
    "has_lapsed",
    "inspection_request_blockers",
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
                f"The permit has expired (its expiry date is {expires_date.isoformat()}), "
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


# --- permit numbers ------------------------------------------------------------------------------

_PREFIX_RE = re.compile(r"[A-Z]{2,4}", re.ASCII)
_PERMIT_NO_RE = re.compile(r"(?P<prefix>[A-Z]{2,4})(?P<year>[0-9]{2})-(?P<seq>[0-9]{4})", re.ASCII)
MAX_SEQUENCE = 9999


class PermitNumbersExhausted(Conflict):
    """All 9,999 numbers of one prefix and year are used; a fifth digit would break the format."""


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
