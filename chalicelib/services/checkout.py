"""`POST /checkout`: freeze the amounts, hold every fee, and send the contractor to the portal.

Two reads (the cart, the contractor's permits and fees) and one transaction (`uow.commit`) that holds
each fee through its permit (`Permit.hold_fee`, saved at the permit's next version on condition it is
still at the version read), writes the PENDING payment with its lines, and empties the cart. Two
checkouts racing for a fee: both read the permit at one version, one transaction lands, the other is
refused whole (409) and holds nothing. A cart whose total due is more than one payment may carry
(`money.MAX_AMOUNT`), or too big for one transaction (the unit of work's limits), is refused (409)
rather than split, since a split checkout could hold half a cart.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.clock import Clock
from chalicelib.domain.errors import StaleRecord, TooManyChanges
from chalicelib.domain.fees import FeeSchedule, PaymentMethod, Quote
from chalicelib.domain.payments import Cart, Payment, hold_fees
from chalicelib.payments.provider import PaymentProvider
from chalicelib.services.cart import read_cart

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork

__all__ = ["Checkout", "CheckoutService"]

log = logging.getLogger(__name__)

ATTEMPTS = 2
"""A checkout refused because a permit changed after it was read is read and tried once more: the
permits come from an eventually consistent index, and a change that took nothing of this cart (staff
added a fee elsewhere on the permit) should not send the contractor back."""


@dataclass(frozen=True)
class Checkout:
    """What a checkout made: the PENDING payment, the cart and quote it froze, and where to pay."""

    payment: Payment
    cart: Cart
    quote: Quote
    redirect_url: str


class CheckoutService:
    def __init__(self, uow: UnitOfWork, clock: Clock, schedule: FeeSchedule, provider: PaymentProvider,
                 site_base_url: str) -> None:
        self.uow = uow
        self.clock = clock
        self.schedule = schedule
        self.provider = provider
        self.site_base_url = site_base_url.rstrip("/")

    def checkout(self, contractor_id: str, payment_method: object) -> Checkout:
        method = self.schedule.parse_method(payment_method)
        for attempt in range(ATTEMPTS):
            try:
                payment, cart, quote = self._hold(contractor_id, method)
                break
            except StaleRecord:
                self.uow.rollback()
                log.info("checkout refused: a permit of the cart changed after it was read (attempt %d)", attempt + 1)
                if attempt + 1 == ATTEMPTS:
                    raise StaleRecord("Some of these fees were just paid or are held by another checkout; "
                                      "review your cart and try again.") from None
            except Exception:
                self.uow.rollback()
                raise
        log.info("checkout: payment %s holds %d fees", payment.payment_id, len(payment.lines))
        return_url = f"{self.site_base_url}/payment-return.html?payment_id={payment.payment_id}"
        return Checkout(payment, cart, quote,
                        self.provider.checkout_url(payment.payment_id, payment.total_due, return_url))

    def _hold(self, contractor_id: str, method: PaymentMethod) -> tuple[Payment, Cart, Quote]:
        cart, permits = read_cart(self.uow, contractor_id, self.clock)
        cart.check_not_empty()
        quote = self.schedule.quote(method, cart.total_fees)
        now = self.clock.now()
        # Staff may have added fees since the cart was filled, and the convenience fee comes on top:
        # `open` checks what the portal would be asked to take, before anything is held.
        payment = Payment.open(uuid.uuid4().hex, contractor_id, quote, cart.lines(), now)
        for permit in hold_fees(payment, permits, now):
            self.uow.permits.save(permit)
        self.uow.payments.save(payment)
        self.uow.cart.remove(contractor_id, cart.entries)
        try:
            self.uow.check_fits()
        except TooManyChanges:
            raise TooManyChanges(f"This cart holds {cart.fee_count} fees on {len(cart.permits)} permits, more than "
                                 "one payment can take; remove some permits and pay them separately.") from None
        self.uow.commit()
        return payment, cart, quote
