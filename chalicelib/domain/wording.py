"""Dates, times and names as the county writes them, for every message the server composes (problem
details, mail, receipts). The site's web/js/format.js writes dates the same way ("3/20/2017").

Pure: an instant is shown in the zone the caller passes (the county's, from settings), never UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo


def us_date(d: date) -> str:
    """3/20/2017 — month/day/year without leading zeros, as the guide's screens show dates."""
    return f"{d.month}/{d.day}/{d.year}"


def us_day(d: date) -> str:
    """Friday 3/20/2017."""
    return f"{d:%A} {us_date(d)}"


def clock_time(t: time) -> str:
    """3:00 PM, 12:30 AM — the 12-hour clock the county's staff and contractors use."""
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def county_datetime(at: datetime, zone: ZoneInfo | str) -> str:
    """An instant in the county's zone: 3/20/2017 2:05 PM PDT."""
    local = at.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone)
    return f"{us_date(local.date())} {clock_time(local.time())} {local.tzname()}"


def words(code: str) -> str:
    """A code in readable words: ADDRESSING -> Addressing, FINAL_ELECTRICAL -> Final electrical."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:].lower() if text.isupper() else text


def a_or_an(text: str) -> str:
    """The indefinite article a sentence needs before `text`: "an Addressing", "a Final electrical"."""
    return f"{'an' if text[:1].lower() in 'aeiou' else 'a'} {text}"
