"""A permit's fee lines and whether each is due, held by a pending payment, or paid.

One rule, used by the dashboard, permit detail, cart and checkout alike: a fee is PAID once a
payment paid it; PENDING while a pending payment holds it and the hold has not expired; DUE
otherwise. An expired hold needs no job to release it: it reads as DUE from the moment it ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from chalicelib.domain.money import sum_money


class FeeStatus(StrEnum):
    DUE = "DUE"
    PENDING = "PENDING"
    PAID = "PAID"


@dataclass(frozen=True)
class FeeLine:
    fee_id: str
    permit_no: str
    contractor_id: str
    description: str
    amount: Decimal
    paid: bool = False
    paid_by: str | None = None
    held_by: str | None = None
    hold_expires_at: datetime | None = None
    paid_at: datetime | None = None

    def is_held(self, now: datetime) -> bool:
        return (not self.paid and self.held_by is not None and self.hold_expires_at is not None
                and now < self.hold_expires_at)

    def status(self, now: datetime) -> FeeStatus:
        if self.paid:
            return FeeStatus.PAID
        return FeeStatus.PENDING if self.is_held(now) else FeeStatus.DUE

    def is_due(self, now: datetime) -> bool:
        return self.status(now) is FeeStatus.DUE


def fees_due(lines: Iterable[FeeLine], now: datetime) -> Decimal:
    """The sum of fees neither paid nor held by a live pending payment (the FEES DUE column)."""
    return sum_money(line.amount for line in lines if line.is_due(now))
