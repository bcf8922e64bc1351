"""A permit's fee lines and whether each is due, held by a pending payment, or paid.

One rule, used by the dashboard, permit detail, cart and checkout alike: a fee is PAID once a
payment paid it; VOIDED once staff voided it (never due, never in a cart, never payable, still
listed: the ledger never rewrites history); PENDING while a pending payment holds it and the hold
has not expired; DUE otherwise. An expired hold needs no job to release it: it reads as DUE from the
moment it ends.
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
    VOIDED = "VOIDED"


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
    voided_at: datetime | None = None
    voided_by: str | None = None
    void_reason: str = ""
    replaced_by: str | None = None  # an adjustment: the fee line that took this one's place

    @property
    def voided(self) -> bool:
        return self.voided_at is not None and not self.paid

    def is_held(self, now: datetime) -> bool:
        return (not self.paid and not self.voided and self.held_by is not None and self.hold_expires_at is not None
                and now < self.hold_expires_at)

    def status(self, now: datetime) -> FeeStatus:
        if self.paid:
            return FeeStatus.PAID
        if self.voided:
            return FeeStatus.VOIDED
        return FeeStatus.PENDING if self.is_held(now) else FeeStatus.DUE

    def is_unpaid(self, now: datetime) -> bool:
        """Owed: due, or held by a payment that may still fail (what stops a permit being issued)."""
        return self.status(now) in (FeeStatus.DUE, FeeStatus.PENDING)

    def is_due(self, now: datetime) -> bool:
        return self.status(now) is FeeStatus.DUE


def fees_due(lines: Iterable[FeeLine], now: datetime) -> Decimal:
    """The sum of fees neither paid nor held by a live pending payment (the FEES DUE column)."""
    return sum_money(line.amount for line in lines if line.is_due(now))
