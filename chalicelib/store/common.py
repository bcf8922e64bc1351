"""Time conversion shared by the item mappings: instants are stored as epoch seconds (the TTL's unit)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal


def to_epoch(at: datetime | None) -> int | None:
    return None if at is None else int(at.timestamp())


def from_epoch(value: Decimal | int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(int(value), UTC)
