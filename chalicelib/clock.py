"""The clock services read the time from, so tests can travel in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; for tests and the benchmark."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def advance(self, **delta: int) -> None:
        """Move forward by timedelta keyword arguments, e.g. advance(minutes=15, seconds=1)."""
        self._at += timedelta(**delta)

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)


def rfc3339(at: datetime) -> str:
    """UTC timestamp as the API writes it: 2026-11-26T03:21:00Z (seconds precision)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_seconds(at: datetime) -> int:
    return int(at.timestamp())


class ShiftedClock:
    """The real time moved by a whole number of days: the sandbox's time travel (`POST /sandbox/clock`), so a
    browser journey can reach an inspection's day. Never used outside the sandbox."""

    def __init__(self, days: int = 0) -> None:
        self.days = days

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(days=self.days)
