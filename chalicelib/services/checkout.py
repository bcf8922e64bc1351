"""`POST /checkout`: freeze the amounts, hold every fee, and send the contractor to the portal.

Two reads (the cart, the contractor's permits and fees) and one transaction (`uow.commit`) that holds
each fee through its permit (`Permit.hold_fee`, saved at the permit's next version on condition it is
still at the version read), writes the PENDING payment with its lines, and empties the cart. Two
checkouts racing for a fee: both read the permit at one version, one transaction lands, the other is
refused whole (409) and holds nothing. A cart whose total due is more than one payment may carry
(`money.MAX_AMOUNT`), or too big for one transaction (the unit of work's limits), is refused (409)
rather than split, since a split checkout could hold half a cart.

The portal is asked for its payment page after that transaction. If it cannot give one (Stripe down or
slow: a 503), the payment is ended CANCELLED at once and its holds released, as a cancel at the portal
would, so the fees are free for the next try rather than held for the 30 minutes; should that release
fail too, the hold still ends by itself when the payment expires.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.clock import Clock
from chalicelib.domain.activity import Actor
from chalicelib.domain.errors import StaleRecord, TooManyChanges
from chalicelib.domain.fees import FeeSchedule, PaymentMethod, Quote
from chalicelib.domain.payments import Cart, Payment, PaymentStatus, hold_fees, release_fees
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

    def checkout(self, contractor_id: str, payment_method: object, actor: Actor | None = None) -> Checkout:
        """`actor`: the company user checking out (the activity and the receipt name them)."""
        method = self.schedule.parse_method(payment_method)
        for attempt in range(ATTEMPTS):
            try:
                payment, cart, quote = self._hold(contractor_id, method, actor)
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
        try:
            redirect_url = self.provider.checkout_url(payment.payment_id, payment.total_due, return_url)
        except Exception:
            self._abandon(payment)
            raise
        return Checkout(payment, cart, quote, redirect_url)

    def _abandon(self, payment: Payment) -> None:
        """The portal opened no payment page: cancel the payment, release what it holds, and put its permits
        back in the cart (the hold took them out), so "try again in a few minutes" means just that."""
        try:
            self.uow.rollback()
            fresh = self.uow.payments.get(payment.payment_id)  # read again: it is saved at the version read
            if fresh is None or fresh.ended:
                return
            payment = fresh
            if payment.end(PaymentStatus.CANCELLED, self.clock.now(), portal_outcome="portal-unavailable"):
                fees = {no: [line.fee_id for line in payment.lines if line.permit_no == no]
                        for no in payment.permit_nos}
                for permit in release_fees(payment, self.uow.permits.with_fees(fees)):
                    self.uow.permits.save(permit)
                self.uow.cart.add(payment.contractor_id, payment.permit_nos, self.clock.now())
            self.uow.payments.save(payment)
            self.uow.commit()
            log.warning("checkout: the payment portal failed; payment %s cancelled, its holds released",
                        payment.payment_id)
        except Exception:
            self.uow.rollback()
            log.exception("checkout: payment %s could not be cancelled; its hold ends when it expires",
                          payment.payment_id)

    def _hold(self, contractor_id: str, method: PaymentMethod, actor: Actor | None) -> tuple[Payment, Cart, Quote]:
        cart, permits = read_cart(self.uow, contractor_id, self.clock)
        cart.check_not_empty()
        quote = self.schedule.quote(method, cart.total_fees)
        now = self.clock.now()
        # Staff may have added fees since the cart was filled, and the convenience fee comes on top:
        # `open` checks what the portal would be asked to take, before anything is held.
        payment = Payment.open(uuid.uuid4().hex, contractor_id, quote, cart.lines(), now,
                               started_by=actor.user_id if actor else "", started_by_email=actor.email if actor else "")
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
