from datetime import UTC, date, datetime, time

import pytest

from chalicelib.domain.wording import clock_time, county_datetime, us_date, us_day, words


def test_dates_are_month_day_year_without_leading_zeros() -> None:
    assert us_date(date(2026, 12, 3)) == "12/3/2026"
    assert us_date(date(2017, 3, 20)) == "3/20/2017"
    assert us_day(date(2026, 12, 4)) == "Friday 12/4/2026"


@pytest.mark.parametrize(("t", "text"), [(time(15, 0), "3:00 PM"), (time(0, 30), "12:30 AM"),
                                         (time(12, 5), "12:05 PM"), (time(9, 0), "9:00 AM")])
def test_times_are_on_the_twelve_hour_clock(t: time, text: str) -> None:
    assert clock_time(t) == text


def test_an_instant_is_shown_in_the_countys_zone_not_utc() -> None:
    at = datetime(2026, 12, 3, 23, 42, tzinfo=UTC)
    assert county_datetime(at, "America/Los_Angeles") == "12/3/2026 3:42 PM PST"
    assert county_datetime(at, "America/New_York") == "12/3/2026 6:42 PM EST"


def test_codes_read_as_words() -> None:
    assert words("ADDRESSING") == "Addressing"
    assert words("FINAL_ELECTRICAL") == "Final electrical"
    assert words("Footing") == "Footing"
