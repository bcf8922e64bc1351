"""The inspection calendar: business days, cut-offs, horizon, DST, holidays, enums.

Dates used (America/Los_Angeles, 2026): Mon 2 Mar .. Fri 6 Mar is a PST week; DST starts Sun 8 Mar
(PDT from then, UTC-7) and ends Sun 1 Nov (back to PST, UTC-8). Fri 25 Dec and Fri 1 Jan 2027 are
configured holidays.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.errors import Conflict, InvalidInput
from chalicelib.domain.inspections import (
    RECORDABLE_RESULTS,
    InspectionCalendar,
    InspectionStatus,
    TimeWindow,
    parse_holidays,
    parse_result,
    parse_time_window,
)

LA = ZoneInfo("America/Los_Angeles")
HOLIDAYS = frozenset({date(2026, 12, 25), date(2027, 1, 1)})


@pytest.fixture
def cal() -> InspectionCalendar:
    return InspectionCalendar(tz=LA, holidays=HOLIDAYS)


def la(y: int, m: int, d: int, h: int = 12, mi: int = 0, s: int = 0) -> datetime:
    """A county wall-clock instant."""
    return datetime(y, m, d, h, mi, s, tzinfo=LA)


def utc(y: int, m: int, d: int, h: int, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, s, tzinfo=UTC)


def refusal(cal: InspectionCalendar, requested: date, now: datetime) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        cal.check_request_date(requested, now)
    assert caught.value.status == 400
    assert [p.field for p in caught.value.errors] == ["date"]
    return caught.value


# --- the calendar object --------------------------------------------------------------------------


def test_defaults_are_the_countys() -> None:
    cal = InspectionCalendar(tz=LA)
    assert cal.holidays == frozenset()
    assert cal.request_cutoff == time(15, 0)
    assert cal.cancel_cutoff == time(6, 0)
    assert cal.horizon_days == 30
    assert cal.tz_name == "America/Los_Angeles"


def test_calendar_is_immutable_and_freezes_a_holiday_set(cal: InspectionCalendar) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        cal.horizon_days = 60  # type: ignore[misc]
    built = InspectionCalendar(tz=LA, holidays={date(2026, 12, 25)})  # type: ignore[arg-type]
    assert isinstance(built.holidays, frozenset)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"horizon_days": 0},
        {"horizon_days": -1},
        {"request_cutoff": time(15, 0, tzinfo=UTC)},
        {"cancel_cutoff": "06:00"},
    ],
)
def test_a_bad_configuration_fails_when_built(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        InspectionCalendar(tz=LA, **kwargs)  # type: ignore[arg-type]


def test_tz_must_be_a_time_zone() -> None:
    with pytest.raises(TypeError):
        InspectionCalendar(tz="America/Los_Angeles")  # type: ignore[arg-type]


def test_a_naive_now_is_refused(cal: InspectionCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.local_today(datetime(2026, 3, 2, 12, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.check_cancel(date(2026, 3, 3), datetime(2026, 3, 2, 12, 0))


# --- local today ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "today"),
    [
        (utc(2026, 3, 7, 5, 0), date(2026, 3, 6)),  # Fri 21:00 PST, already Saturday in UTC
        (utc(2026, 3, 7, 8, 0), date(2026, 3, 7)),  # Sat 00:00 PST
        (utc(2026, 3, 7, 7, 59, 59), date(2026, 3, 6)),
        (utc(2026, 3, 10, 6, 59, 59), date(2026, 3, 9)),  # 23:59:59 PDT
        (utc(2026, 3, 10, 7, 0), date(2026, 3, 10)),  # midnight PDT is 07:00 UTC
        (la(2026, 3, 2, 0, 0), date(2026, 3, 2)),
    ],
)
def test_local_today_is_the_countys_date_not_utcs(
    cal: InspectionCalendar, now: datetime, today: date
) -> None:
    assert cal.local_today(now) == today


# --- business days --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (date(2026, 3, 2), True),  # Monday
        (date(2026, 3, 4), True),
        (date(2026, 3, 6), True),  # Friday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 12, 25), False),  # holiday on a Friday
        (date(2027, 1, 1), False),
        (date(2026, 12, 24), True),  # the day before is a normal day
    ],
)
def test_is_business_day(cal: InspectionCalendar, day: date, business: bool) -> None:
    assert cal.is_business_day(day) is business


def test_without_holidays_christmas_is_a_business_day() -> None:
    assert InspectionCalendar(tz=LA).is_business_day(date(2026, 12, 25))


@pytest.mark.parametrize(
    ("day", "following"),
    [
        (date(2026, 3, 2), date(2026, 3, 3)),  # Mon → Tue
        (date(2026, 3, 5), date(2026, 3, 6)),  # Thu → Fri
        (date(2026, 3, 6), date(2026, 3, 9)),  # Fri → Mon
        (date(2026, 3, 7), date(2026, 3, 9)),  # Sat → Mon
        (date(2026, 3, 8), date(2026, 3, 9)),  # Sun → Mon
        (date(2026, 12, 24), date(2026, 12, 28)),  # Thu → Mon over the Christmas Friday
        (date(2026, 12, 31), date(2027, 1, 4)),  # across the year and New Year's Day
    ],
)
def test_next_business_day(cal: InspectionCalendar, day: date, following: date) -> None:
    assert cal.next_business_day(day) == following


# --- earliest request date and the 15:00 cut-off --------------------------------------------------


@pytest.mark.parametrize(
    ("now", "earliest"),
    [
        (la(2026, 3, 2, 9, 0), date(2026, 3, 3)),  # Monday morning → Tuesday
        (la(2026, 3, 2, 14, 59, 59), date(2026, 3, 3)),  # one second before the cut-off
        (la(2026, 3, 2, 15, 0, 0), date(2026, 3, 4)),  # at the cut-off → Wednesday
        (la(2026, 3, 2, 23, 59, 59), date(2026, 3, 4)),
        (la(2026, 3, 3, 0, 0, 0), date(2026, 3, 4)),  # a new day resets the cut-off
        (la(2026, 3, 6, 14, 59, 59), date(2026, 3, 9)),  # Friday before → Monday
        (la(2026, 3, 6, 15, 0, 0), date(2026, 3, 10)),  # Friday afternoon → Tuesday
        (la(2026, 3, 6, 16, 30), date(2026, 3, 10)),
        (la(2026, 12, 23, 15, 0), date(2026, 12, 28)),  # Wed after cut-off skips Thu; Fri holiday
        (la(2026, 12, 24, 14, 0), date(2026, 12, 28)),  # Thu before: Fri is a holiday → Mon
        (la(2026, 12, 24, 15, 0), date(2026, 12, 29)),  # Thu after: Mon excluded too → Tue
    ],
)
def test_earliest_request_date(cal: InspectionCalendar, now: datetime, earliest: date) -> None:
    assert cal.earliest_request_date(now) == earliest


def test_weekend_requests_follow_the_literal_rule(cal: InspectionCalendar) -> None:
    # Documents the rule as specified: the cut-off is measured on the day of the request, so a
    # Saturday-morning request may still ask for Monday, and a Saturday-evening one may not.
    assert cal.earliest_request_date(la(2026, 3, 7, 10, 0)) == date(2026, 3, 9)
    assert cal.earliest_request_date(la(2026, 3, 7, 15, 0)) == date(2026, 3, 10)


def test_a_configured_cutoff_is_honoured() -> None:
    cal = InspectionCalendar(tz=LA, request_cutoff=time(12, 0))
    assert cal.earliest_request_date(la(2026, 3, 2, 11, 59, 59)) == date(2026, 3, 3)
    assert cal.earliest_request_date(la(2026, 3, 2, 12, 0)) == date(2026, 3, 4)


@pytest.mark.parametrize(
    ("now", "earliest"),
    [
        # Fri 6 Mar is PST: 15:00 county time is 23:00 UTC (a fixed PDT offset would say 22:00).
        (utc(2026, 3, 6, 22, 30), date(2026, 3, 9)),
        (utc(2026, 3, 6, 22, 59, 59), date(2026, 3, 9)),
        (utc(2026, 3, 6, 23, 0), date(2026, 3, 10)),
        # Mon 9 Mar is the first PDT weekday: 15:00 county time is 22:00 UTC.
        (utc(2026, 3, 9, 21, 59, 59), date(2026, 3, 10)),
        (utc(2026, 3, 9, 22, 0), date(2026, 3, 11)),
        # Fri 30 Oct is PDT (22:00 UTC); Mon 2 Nov is back on PST (23:00 UTC).
        (utc(2026, 10, 30, 21, 59, 59), date(2026, 11, 2)),
        (utc(2026, 10, 30, 22, 0), date(2026, 11, 3)),
        (utc(2026, 11, 2, 22, 30), date(2026, 11, 3)),
        (utc(2026, 11, 2, 23, 0), date(2026, 11, 4)),
        # Mon 2 Mar 23:30 PST is already Tue 07:30 in UTC: still Monday after the cut-off.
        (utc(2026, 3, 3, 7, 30), date(2026, 3, 4)),
    ],
)
def test_the_cutoff_is_county_wall_clock_across_dst(
    cal: InspectionCalendar, now: datetime, earliest: date
) -> None:
    assert cal.earliest_request_date(now) == earliest


def test_is_past_request_cutoff_agrees_in_any_zone(cal: InspectionCalendar) -> None:
    before = la(2026, 3, 9, 14, 59, 59)
    at = la(2026, 3, 9, 15, 0)
    assert not cal.is_past_request_cutoff(before)
    assert cal.is_past_request_cutoff(at)
    assert not cal.is_past_request_cutoff(before.astimezone(ZoneInfo("America/New_York")))
    assert cal.is_past_request_cutoff(at.astimezone(UTC))


# --- check_request_date ---------------------------------------------------------------------------


MONDAY_MORNING = la(2026, 3, 2, 10, 0)


@pytest.mark.parametrize(
    "requested",
    [date(2026, 3, 3), date(2026, 3, 6), date(2026, 3, 9), date(2026, 3, 31), date(2026, 4, 1)],
)
def test_business_days_from_tomorrow_to_day_30_are_accepted(
    cal: InspectionCalendar, requested: date
) -> None:
    assert cal.check_request_date(requested, MONDAY_MORNING) is None


@pytest.mark.parametrize("requested", [date(2026, 3, 2), date(2026, 3, 1), date(2025, 12, 1)])
def test_today_or_earlier_is_refused(cal: InspectionCalendar, requested: date) -> None:
    problem = refusal(cal, requested, MONDAY_MORNING)
    assert "must be after today (3/2/2026)" in problem.detail
    assert problem.errors[0].message == "must be after today"


def test_a_past_weekend_day_is_reported_as_past_not_as_a_weekend(cal: InspectionCalendar) -> None:
    problem = refusal(cal, date(2026, 2, 28), MONDAY_MORNING)
    assert "after today" in problem.detail


def test_day_31_is_refused_naming_the_last_allowed_date(cal: InspectionCalendar) -> None:
    assert cal.latest_request_date(MONDAY_MORNING) == date(2026, 4, 1)
    problem = refusal(cal, date(2026, 4, 2), MONDAY_MORNING)  # a Thursday: only the horizon fails
    assert "at most 30 days ahead" in problem.detail
    assert "Wednesday 4/1/2026" in problem.detail
    assert "4/1/2026" in problem.errors[0].message


def test_the_horizon_is_configurable() -> None:
    cal = InspectionCalendar(tz=LA, horizon_days=7)
    cal.check_request_date(date(2026, 3, 9), MONDAY_MORNING)
    assert "at most 7 days" in refusal(cal, date(2026, 3, 10), MONDAY_MORNING).detail


@pytest.mark.parametrize(
    ("requested", "weekday"), [(date(2026, 3, 7), "Saturday"), (date(2026, 3, 8), "Sunday")]
)
def test_weekends_are_refused(cal: InspectionCalendar, requested: date, weekday: str) -> None:
    problem = refusal(cal, requested, MONDAY_MORNING)
    assert f"{requested.month}/{requested.day}/{requested.year}: it is a {weekday}" in problem.detail
    assert "business day" in problem.errors[0].message


def test_a_holiday_is_refused_naming_the_date(cal: InspectionCalendar) -> None:
    problem = refusal(cal, date(2026, 12, 25), la(2026, 12, 14, 9, 0))
    assert "12/25/2026: it is a county holiday" in problem.detail
    assert "business day" in problem.errors[0].message


def test_friday_afternoon_cannot_book_monday(cal: InspectionCalendar) -> None:
    friday = la(2026, 3, 6, 15, 0, 0)
    problem = refusal(cal, date(2026, 3, 9), friday)
    assert "3:00 PM cut-off (America/Los_Angeles time)" in problem.detail
    assert "earliest date allowed now is Tuesday 3/10/2026" in problem.detail
    assert "3/10/2026" in problem.errors[0].message
    cal.check_request_date(date(2026, 3, 10), friday)


def test_friday_one_second_before_the_cutoff_can_book_monday(cal: InspectionCalendar) -> None:
    cal.check_request_date(date(2026, 3, 9), la(2026, 3, 6, 14, 59, 59))


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        (utc(2026, 3, 9, 21, 59, 59), True),  # Mon 14:59:59 PDT
        (utc(2026, 3, 9, 22, 0, 0), False),  # Mon 15:00:00 PDT
        (utc(2026, 11, 2, 22, 59, 59), True),  # Mon 14:59:59 PST
        (utc(2026, 11, 2, 23, 0, 0), False),  # Mon 15:00:00 PST
    ],
)
def test_next_day_requests_around_the_cutoff_after_a_dst_change(
    cal: InspectionCalendar, now: datetime, allowed: bool
) -> None:
    tomorrow = cal.local_today(now) + timedelta(days=1)  # a Tuesday in both cases
    if allowed:
        cal.check_request_date(tomorrow, now)
    else:
        assert "cut-off" in refusal(cal, tomorrow, now).detail


def test_the_horizon_counts_from_the_county_date(cal: InspectionCalendar) -> None:
    # Tue 31 Mar 23:30 PDT is already 1 Apr in UTC; 30 days from the county's today is 30 Apr.
    now = utc(2026, 4, 1, 6, 30)
    cal.check_request_date(date(2026, 4, 30), now)
    assert "4/30/2026" in refusal(cal, date(2026, 5, 1), now).detail


def test_an_unreachable_day_is_refused_by_the_business_day_rule_first(
    cal: InspectionCalendar,
) -> None:
    # Saturday between a Friday-afternoon request and the earliest Tuesday: a weekend, not cut-off.
    problem = refusal(cal, date(2026, 3, 7), la(2026, 3, 6, 16, 0))
    assert "is a Saturday" in problem.detail


# --- check_cancel and the 06:00 cut-off -----------------------------------------------------------


@pytest.mark.parametrize(
    "now",
    [
        la(2026, 3, 3, 12, 0),  # a week before
        la(2026, 3, 10, 5, 59, 59),  # on the day, one second before 06:00
        la(2026, 3, 9, 23, 59, 59),
    ],
)
def test_cancel_is_allowed_before_six_on_the_day(cal: InspectionCalendar, now: datetime) -> None:
    assert cal.check_cancel(date(2026, 3, 10), now) is None


@pytest.mark.parametrize("now", [la(2026, 3, 10, 6, 0, 0), la(2026, 3, 10, 14, 0)])
def test_cancel_is_refused_from_six_on_the_day(cal: InspectionCalendar, now: datetime) -> None:
    with pytest.raises(Conflict) as caught:
        cal.check_cancel(date(2026, 3, 10), now)
    assert caught.value.status == 409
    assert "6:00 AM (America/Los_Angeles time)" in caught.value.detail
    assert "Tuesday 3/10/2026" in caught.value.detail


def test_cancel_of_a_past_inspection_is_refused(cal: InspectionCalendar) -> None:
    with pytest.raises(Conflict) as caught:
        cal.check_cancel(date(2026, 3, 10), la(2026, 3, 11, 0, 0, 1))
    assert "in the past" in caught.value.detail


@pytest.mark.parametrize(
    ("inspection", "last_ok", "first_refused"),
    [
        # Mon 9 Mar (PDT, UTC-7): 06:00 county time is 13:00 UTC.
        (date(2026, 3, 9), utc(2026, 3, 9, 12, 59, 59), utc(2026, 3, 9, 13, 0)),
        # Fri 6 Mar (PST, UTC-8): 14:00 UTC.
        (date(2026, 3, 6), utc(2026, 3, 6, 13, 59, 59), utc(2026, 3, 6, 14, 0)),
        # Mon 2 Nov (back to PST): 14:00 UTC.
        (date(2026, 11, 2), utc(2026, 11, 2, 13, 59, 59), utc(2026, 11, 2, 14, 0)),
    ],
)
def test_cancel_cutoff_is_county_wall_clock_across_dst(
    cal: InspectionCalendar, inspection: date, last_ok: datetime, first_refused: datetime
) -> None:
    assert cal.cancel_deadline(inspection) == first_refused
    cal.check_cancel(inspection, last_ok)
    with pytest.raises(Conflict):
        cal.check_cancel(inspection, first_refused)


def test_a_configured_cancel_cutoff_is_honoured() -> None:
    cal = InspectionCalendar(tz=LA, cancel_cutoff=time(0, 0))
    cal.check_cancel(date(2026, 3, 10), la(2026, 3, 9, 23, 59, 59))
    with pytest.raises(Conflict, match="12:00 AM"):
        cal.check_cancel(date(2026, 3, 10), la(2026, 3, 10, 0, 0))


# --- holidays setting -----------------------------------------------------------------------------


def test_parse_holidays() -> None:
    assert parse_holidays("2026-12-25,2027-01-01") == HOLIDAYS
    assert parse_holidays(" 2026-12-25 , 2027-01-01 ,") == HOLIDAYS
    assert parse_holidays("2026-12-25,2026-12-25") == {date(2026, 12, 25)}


@pytest.mark.parametrize("empty", ["", "   ", None, ","])
def test_empty_holidays_setting_means_none(empty: str | None) -> None:
    assert parse_holidays(empty) == frozenset()


@pytest.mark.parametrize(
    ("text", "bad_item"),
    [
        ("2026-13-01", "2026-13-01"),
        ("2026-02-30", "2026-02-30"),
        ("2026-12-25,12/25/2026", "12/25/2026"),
        ("20261225", "20261225"),  # fromisoformat would accept this; the setting does not
        ("2026-W52-5", "2026-W52-5"),
        ("2026-12-25 2027-01-01", "2026-12-25 2027-01-01"),  # missing comma
        ("2026-1-1", "2026-1-1"),
    ],
)
def test_a_bad_holiday_fails_loudly_naming_it(text: str, bad_item: str) -> None:
    with pytest.raises(ValueError, match="holiday") as caught:
        parse_holidays(text)
    assert repr(bad_item) in str(caught.value)


def test_parsed_holidays_feed_the_calendar() -> None:
    cal = InspectionCalendar(tz=LA, holidays=parse_holidays("2026-03-03"))
    assert cal.next_business_day(date(2026, 3, 2)) == date(2026, 3, 4)


# --- time windows and statuses --------------------------------------------------------------------


def test_time_windows() -> None:
    assert [w.value for w in TimeWindow] == ["AM", "PM", "ANY"]
    assert parse_time_window(None) is TimeWindow.ANY
    assert parse_time_window("am") is TimeWindow.AM
    assert parse_time_window(" PM ") is TimeWindow.PM
    assert parse_time_window(TimeWindow.ANY) is TimeWindow.ANY


@pytest.mark.parametrize("bad", ["NOON", "", 1, ["AM"]])
def test_unknown_time_window_is_refused(bad: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_time_window(bad)
    assert caught.value.errors[0].field == "time_window"
    assert "AM, PM or ANY" in caught.value.detail


def test_inspection_statuses_and_recordable_results() -> None:
    assert [s.value for s in InspectionStatus] == [
        "SCHEDULED",
        "PASSED",
        "FAILED",
        "PARTIAL",
        "CANCELLED",
    ]
    assert {"PASSED", "FAILED", "PARTIAL", "CANCELLED"} == RECORDABLE_RESULTS
    assert InspectionStatus.SCHEDULED not in RECORDABLE_RESULTS


@pytest.mark.parametrize("result", ["PASSED", "failed", " Partial ", "CANCELLED"])
def test_staff_may_record_each_result(result: str) -> None:
    assert parse_result(result) in RECORDABLE_RESULTS


@pytest.mark.parametrize("bad", ["SCHEDULED", "PASS", "", None])
def test_scheduled_and_unknown_results_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_result(bad)
    assert caught.value.errors[0].field == "result"
    assert "PASSED, FAILED, PARTIAL, CANCELLED" in caught.value.detail


# --- the county's wording in every refusal ---------------------------------------------------------

_ISO_OR_24H = re.compile(r"\d{4}-\d{2}-\d{2}|\b\d{2}:\d{2}\b")


@pytest.mark.parametrize(
    ("requested", "now"),
    [
        (date(2026, 3, 6), la(2026, 3, 6, 9)),  # today
        (date(2026, 5, 1), la(2026, 3, 6, 9)),  # beyond the horizon
        (date(2026, 3, 7), la(2026, 3, 6, 9)),  # a Saturday
        (date(2026, 12, 25), la(2026, 12, 1, 9)),  # a holiday
        (date(2026, 3, 9), la(2026, 3, 6, 15, 0)),  # after Friday's cut-off
    ],
)
def test_refusals_write_dates_and_times_the_countys_way(cal: InspectionCalendar, requested: date,
                                                        now: datetime) -> None:
    problem = refusal(cal, requested, now)
    for text in (problem.detail, problem.errors[0].message):
        assert not _ISO_OR_24H.search(text), text
    assert f"{requested.month}/{requested.day}/{requested.year}" in problem.detail
