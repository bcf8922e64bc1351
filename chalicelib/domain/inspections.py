"""The inspection calendar: business days, holidays, the request and cancel cut-offs, the horizon.

Every rule is in the county's time zone and every function takes the current instant (`now`,
timezone-aware) as an argument: the clock is injected, so tests can stand at 14:59:59 on a Friday
or on a daylight-saving change. The cut-offs are county wall-clock times, turned into instants
per date with `datetime.combine(day, cutoff, tzinfo=tz)`, so 15:00 stays 15:00 across DST.
Pure Python (stdlib only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import NoReturn
from zoneinfo import ZoneInfo

from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput
from chalicelib.domain.wording import clock_time, us_date, us_day

__all__ = [
    "RECORDABLE_RESULTS",
    "InspectionCalendar",
    "InspectionStatus",
    "TimeWindow",
    "holds_slot",
    "parse_holidays",
    "parse_result",
    "parse_time_window",
    "slot_taken",
    "window_rank",
]


class TimeWindow(StrEnum):
    """The part of the day the contractor asks the inspector to come."""

    AM = "AM"
    PM = "PM"
    ANY = "ANY"


def window_rank(window: str) -> int:
    """Where a time window comes in the inspector's day: AM, then PM, then ANY (any time); unknown last."""
    order = list(TimeWindow)
    return order.index(TimeWindow(window)) if window in order else len(order)


class InspectionStatus(StrEnum):
    """An inspection's status: SCHEDULED until staff record a result."""

    SCHEDULED = "SCHEDULED"
    PASSED = "PASSED"
    FAILED = "FAILED"
    PARTIAL = "PARTIAL"
    CANCELLED = "CANCELLED"


#: The results staff may record on a scheduled inspection (everything but SCHEDULED itself).
RECORDABLE_RESULTS: frozenset[InspectionStatus] = frozenset(
    {
        InspectionStatus.PASSED,
        InspectionStatus.FAILED,
        InspectionStatus.PARTIAL,
        InspectionStatus.CANCELLED,
    }
)


def holds_slot(status: str) -> bool:
    """Whether an inspection holds its permit's slot: its inspection type on its date.

    One scheduled inspection per permit, type and day: a second request would only send the
    inspector twice (and the contractor a second confirmation). The slot is free again once the
    inspection is cancelled or has a result.
    """
    return status == InspectionStatus.SCHEDULED


def slot_taken(permit_no: str, inspection_type: str, day: date, inspection_id: str) -> Conflict:
    """The 409 for a request of a slot another inspection holds; it names that inspection."""
    return Conflict(
        f"A {inspection_type} inspection on permit {permit_no} is already requested for {_day(day)} "
        f"(inspection {inspection_id}); cancel it first to request that day again.",
        slug="inspection-slot-taken",
    )


def parse_time_window(value: object, field: str = "time_window") -> TimeWindow:
    """Client input → TimeWindow; missing (None) means ANY, anything else unknown is a 400."""
    if value is None:
        return TimeWindow.ANY
    if isinstance(value, str):
        try:
            return TimeWindow(value.strip().upper())
        except ValueError:
            pass
    raise InvalidInput(
        f"Unknown time window {value!r}; it must be AM, PM or ANY.",
        errors=[FieldProblem(field, "must be AM, PM or ANY")],
    )


def parse_result(value: object, field: str = "result") -> InspectionStatus:
    """Client input → an inspection result staff may record; SCHEDULED is not a result."""
    if isinstance(value, str):
        try:
            status = InspectionStatus(value.strip().upper())
        except ValueError:
            status = None
        if status in RECORDABLE_RESULTS:
            return status
    choices = ", ".join(s.value for s in InspectionStatus if s in RECORDABLE_RESULTS)
    raise InvalidInput(
        f"Unknown inspection result {value!r}; it must be one of: {choices}.",
        errors=[FieldProblem(field, f"must be one of: {choices}")],
    )


_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def parse_holidays(text: str | None) -> frozenset[date]:
    """Parse the HOLIDAYS setting, e.g. "2026-12-25,2027-01-01", into dates.

    Empty (or None) means no holidays. Whitespace and empty items are ignored; any item that is
    not a real YYYY-MM-DD date raises ValueError naming it, so a typo fails at start-up instead
    of letting an inspection be booked on Christmas.
    """
    if text is None:
        return frozenset()
    days: set[date] = set()
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        if not _ISO_DATE_RE.fullmatch(item):
            raise ValueError(f"holiday {item!r} is not a date in YYYY-MM-DD form")
        try:
            days.add(date.fromisoformat(item))
        except ValueError:
            raise ValueError(f"holiday {item!r} is not a real calendar date") from None
    return frozenset(days)


def _day(d: date) -> str:
    """'Friday 3/6/2026': the weekday helps a person see why a date was refused."""
    return us_day(d)


@dataclass(frozen=True)
class InspectionCalendar:
    """The county's inspection-scheduling rules, configured once from settings.

    tz: the county's time zone; holidays: days with no inspections; request_cutoff: after this
    wall-clock time the next business day can no longer be requested; cancel_cutoff: wall-clock
    time on the inspection's own day after which it can no longer be cancelled; horizon_days: how
    far ahead a request may be.
    """

    tz: ZoneInfo
    holidays: frozenset[date] = frozenset()
    request_cutoff: time = time(15, 0)
    cancel_cutoff: time = time(6, 0)
    horizon_days: int = 30

    def __post_init__(self) -> None:
        if not isinstance(self.tz, tzinfo):
            raise TypeError(f"tz must be a tzinfo such as ZoneInfo, got {type(self.tz).__name__}")
        # Accept any iterable of dates (e.g. a set) but keep the calendar immutable.
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        for name in ("request_cutoff", "cancel_cutoff"):
            cutoff = getattr(self, name)
            if not isinstance(cutoff, time) or cutoff.tzinfo is not None:
                raise ValueError(f"{name} must be a naive wall-clock time, got {cutoff!r}")
        if self.horizon_days < 1:
            raise ValueError(f"horizon_days must be at least 1, got {self.horizon_days}")

    # --- clock -------------------------------------------------------------------------------

    @property
    def tz_name(self) -> str:
        """The zone's name for messages, e.g. America/Los_Angeles."""
        return str(getattr(self.tz, "key", self.tz))

    def _local(self, now: datetime) -> datetime:
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must be timezone-aware (a naive time has no county meaning)")
        return now.astimezone(self.tz)

    def _instant(self, d: date, t: time) -> datetime:
        """The instant (UTC) when the county's wall clock shows `t` on day `d`."""
        return datetime.combine(d, t, tzinfo=self.tz).astimezone(UTC)

    def local_today(self, now: datetime) -> date:
        """Today on the county's wall clock (not UTC's: 17:00 PST is already tomorrow in UTC)."""
        return self._local(now).date()

    # --- business days -----------------------------------------------------------------------

    def is_business_day(self, d: date) -> bool:
        """Monday to Friday and not a configured holiday: the days inspectors work."""
        return d.weekday() < 5 and d not in self.holidays

    def next_business_day(self, d: date) -> date:
        """The first business day strictly after `d`."""
        day = d + timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def _why_not_business_day(self, d: date) -> str:
        if d in self.holidays:
            return f"{us_date(d)}: it is a county holiday"
        return f"{us_date(d)}: it is a {d.strftime('%A')}"

    # --- requests ----------------------------------------------------------------------------

    def is_past_request_cutoff(self, now: datetime) -> bool:
        """True at or after the request cut-off (15:00 county time) today."""
        today = self.local_today(now)
        return now.astimezone(UTC) >= self._instant(today, self.request_cutoff)

    def earliest_request_date(self, now: datetime) -> date:
        """The first date a request made at `now` may ask for.

        Normally the next business day; at or after the cut-off the inspectors' next-day routes
        are set, so that day is excluded too (Friday 15:00 → Tuesday).
        """
        earliest = self.next_business_day(self.local_today(now))
        if self.is_past_request_cutoff(now):
            earliest = self.next_business_day(earliest)
        return earliest

    def latest_request_date(self, now: datetime) -> date:
        """The last date a request made at `now` may ask for: today + horizon_days (inclusive)."""
        return self.local_today(now) + timedelta(days=self.horizon_days)

    def request_dates(self, now: datetime) -> list[str]:
        """Every date (ISO) a request made at `now` may ask for: the calendar a request form offers."""
        day, latest, dates = self.earliest_request_date(now), self.latest_request_date(now), []
        while day <= latest:
            if self.is_business_day(day):
                dates.append(day.isoformat())
            day += timedelta(days=1)
        return dates

    def check_request_date(self, requested: date, now: datetime) -> None:
        """Raise InvalidInput (field "date") unless `requested` may be booked at `now`.

        Rules, checked in this order so the detail names the most useful one: after today, within
        the horizon, a business day, not before the earliest date the cut-off allows.
        """
        today = self.local_today(now)
        if requested <= today:
            self._refuse(
                f"Inspections cannot be requested for {_day(requested)}: the date must be after "
                f"today ({us_date(today)}).",
                "must be after today",
            )
        latest = self.latest_request_date(now)
        if requested > latest:
            self._refuse(
                f"Inspections cannot be requested for {_day(requested)}: requests may be at most "
                f"{self.horizon_days} days ahead, so the last date allowed is {_day(latest)}.",
                f"must be at most {self.horizon_days} days ahead (on or before "
                f"{us_date(latest)})",
            )
        if not self.is_business_day(requested):
            self._refuse(
                f"Inspections cannot be requested for {self._why_not_business_day(requested)}; "
                "inspections take place on business days only (Monday to Friday, not holidays).",
                "must be a business day (Monday to Friday, not a holiday)",
            )
        earliest = self.earliest_request_date(now)
        if requested < earliest:
            # Only reachable after the cut-off: before it, any business day after today is fine.
            self._refuse(
                f"Inspections cannot be requested for {_day(requested)}: after the "
                f"{clock_time(self.request_cutoff)} cut-off ({self.tz_name} time) the next business day "
                f"can no longer be booked; the earliest date allowed now is {_day(earliest)}.",
                f"must be on or after {us_date(earliest)} (requests after "
                f"{clock_time(self.request_cutoff)} skip the next business day)",
            )

    @staticmethod
    def _refuse(detail: str, message: str) -> NoReturn:
        raise InvalidInput(detail, errors=[FieldProblem("date", message)], slug="inspection-date-not-allowed")

    # --- cancellations -----------------------------------------------------------------------

    def cancel_deadline(self, inspection_date: date) -> datetime:
        """The instant (UTC) from which an inspection on `inspection_date` can't be cancelled."""
        return self._instant(inspection_date, self.cancel_cutoff)

    def check_cancel(self, inspection_date: date, now: datetime) -> None:
        """Raise Conflict once the inspection can no longer be cancelled.

        From the cancel cut-off (06:00 county time) on its own day the inspector's route is fixed;
        a date already in the past cannot be cancelled either.
        """
        now_utc = self._local(now).astimezone(UTC)
        if now_utc < self.cancel_deadline(inspection_date):
            return
        if self.local_today(now) > inspection_date:
            raise Conflict(
                f"The inspection on {_day(inspection_date)} is in the past and can no longer "
                "be cancelled.", slug="inspection-too-late-to-cancel"
            )
        raise Conflict(
            f"The inspection on {_day(inspection_date)} can no longer be cancelled: "
            f"cancellations close at {clock_time(self.cancel_cutoff)} ({self.tz_name} time) on the "
            "day of the inspection.", slug="inspection-too-late-to-cancel"
        )


# --- the inspection entity (part of the Permit aggregate) ----------------------------------------


@dataclass(frozen=True)
class RecordedResult:
    """A result as it was recorded before a correction replaced it: kept, never overwritten."""

    result: InspectionStatus
    notes: str
    recorded_at: datetime | None
    recorded_by: str


@dataclass
class Inspection:
    """One inspection of a permit. Its id embeds the permit number (RES17-0150-1a2b3c4d)."""

    inspection_id: str
    permit_no: str
    contractor_id: str
    inspection_type: str
    date: date
    time_window: str = TimeWindow.ANY.value
    status: InspectionStatus = InspectionStatus.SCHEDULED
    notes: str = ""
    result_notes: str = ""
    requested_by: str = "contractor"
    created_at: datetime | None = None
    resulted_at: datetime | None = None
    cancelled_at: datetime | None = None
    recorded_by: str = ""  # the staff member who recorded (or last corrected) the result
    history: list[RecordedResult] = field(default_factory=list)  # earlier results, oldest first

    @property
    def holds_slot(self) -> bool:
        return holds_slot(self.status)

    @property
    def has_result(self) -> bool:
        """Whether staff recorded a result (a contractor's cancellation is none)."""
        return self.status is not InspectionStatus.SCHEDULED and self.resulted_at is not None
