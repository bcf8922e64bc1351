"""The shopping cart and the Checkout Summary (the guide's PAYMENT OF FEES, steps 1-3).

The cart remembers permits, not amounts: it always shows the fees due on those permits *now*
(`FeeLine.status`), so a fee paid, or held by a pending payment, since it was added drops out by
itself. Reading the cart costs two requests: the cart entries (one Query) and the contractor's
permits with their fees (one Query on GSI1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from chalicelib.clock import Clock
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.fee_lines import FeeLine
from chalicelib.domain.fees import FeeSchedule, Quote
from chalicelib.domain.money import check_payable, format_money, sum_money
from chalicelib.store.payments import PaymentStore, PermitFees


@dataclass(frozen=True)
class CartPermit:
    """One permit in the cart with the fees due on it now."""

    permit_no: str
    address: str
    fees: list[FeeLine]

    @property
    def subtotal(self) -> Decimal:
        return sum_money(f.amount for f in self.fees)

    def to_json(self) -> dict[str, Any]:
        return {
            "permit_no": self.permit_no, "address": self.address,
            "fees": [{"fee_id": f.fee_id, "description": f.description, "amount": format_money(f.amount)}
                     for f in self.fees],
            "subtotal": format_money(self.subtotal),
        }


@dataclass(frozen=True)
class Cart:
    permits: list[CartPermit]
    entries: list[str]
    """Every permit number stored in the cart, shown or not (checkout removes them all)."""

    @property
    def total_fees(self) -> Decimal:
        return sum_money(p.subtotal for p in self.permits)

    @property
    def fee_count(self) -> int:
        return sum(len(p.fees) for p in self.permits)

    def to_json(self) -> dict[str, Any]:
        return {"items": [p.to_json() for p in self.permits], "total_fees": format_money(self.total_fees)}


def summary_json(cart: Cart, quote: Quote) -> dict[str, Any]:
    """The Checkout Summary: the cart's items and the quote's money fields."""
    return {"items": [p.to_json() for p in cart.permits], **quote.to_json()}


def build_cart(entries: list[str], permits: dict[str, PermitFees], now: datetime) -> Cart:
    shown = []
    for no in sorted(set(entries)):
        found = permits.get(no)
        if found is None:
            continue  # no longer the contractor's, or gone
        due = [f for f in found.fees if f.is_due(now)]
        if due:
            shown.append(CartPermit(no, str(found.permit.get("address", "")), due))
    return Cart(shown, sorted(set(entries)))


class CartService:
    def __init__(self, store: PaymentStore, clock: Clock, schedule: FeeSchedule) -> None:
        self.store = store
        self.clock = clock
        self.schedule = schedule

    def cart(self, contractor_id: str) -> Cart:
        entries = self.store.cart_permits(contractor_id)
        permits = self.store.contractor_permits(contractor_id) if entries else {}
        return build_cart(entries, permits, self.clock.now())

    def add(self, contractor_id: str, permit_no: str) -> Cart:
        """Put a permit's due fees in the cart: 404 unless it is theirs, 409 if nothing is due now
        or if the cart would then hold more than one payment may carry."""
        no = permit_no.strip().upper()
        found = self.store.permit_with_fees(no) if 0 < len(no) <= 64 else None
        if found is None or found.permit.get("contractor_id") != contractor_id:
            raise NotFound(f"Permit {permit_no[:64]} was not found.")
        now = self.clock.now()
        if not any(f.is_due(now) for f in found.fees):
            if any(f.is_held(now) for f in found.fees):
                raise Conflict(f"The fees of permit {no} are held by a pending payment; "
                               "wait for it to finish or expire (30 minutes).")
            raise Conflict(f"Permit {no} has no fees due.")
        # The cart as it would be, checked before anything is written: a cart no payment can carry
        # is refused here, where the contractor can still choose what to pay first.
        entries = self.store.cart_permits(contractor_id)
        permits = self.store.contractor_permits(contractor_id) if entries else {}
        permits[no] = found  # the consistent read, not the index's possibly older copy
        cart = build_cart([*entries, no], permits, now)
        check_payable(cart.total_fees, "this cart's fees")
        self.store.add_to_cart(contractor_id, [no], now)
        return cart

    def remove(self, contractor_id: str, permit_no: str) -> Cart:
        no = permit_no.strip().upper()
        if 0 < len(no) <= 64:
            self.store.remove_from_cart(contractor_id, no)
        return self.cart(contractor_id)

    def pay_all(self, contractor_id: str) -> Cart:
        """"Pay All Fees": every permit of theirs with fees due now, found with one GSI1 Query.

        409, and nothing added, when their fees due together are more than one payment may carry.
        """
        now = self.clock.now()
        permits = self.store.contractor_permits(contractor_id)
        due = sorted(no for no, p in permits.items() if any(f.is_due(now) for f in p.fees))
        entries = sorted(set(self.store.cart_permits(contractor_id)) | set(due))
        cart = build_cart(entries, permits, now)
        # All or nothing: half of "every permit" in the cart would not be what was asked for.
        check_payable(cart.total_fees, "all of your fees due")
        if due:
            self.store.add_to_cart(contractor_id, due, now)
        return cart

    def summary(self, contractor_id: str, payment_method: object) -> tuple[Cart, Quote]:
        """The Checkout Summary for a method: 400 unknown method, 409 empty cart."""
        method = self.schedule.parse_method(payment_method)
        cart = self.cart(contractor_id)
        if not cart.permits:
            raise Conflict("Your cart is empty: add a permit's fees from the dashboard first.")
        return cart, self.schedule.quote(method, cart.total_fees)
