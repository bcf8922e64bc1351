"""`POST /checkout`: freeze the amounts, hold every fee, and send the contractor to the portal.

Two reads (the cart, the contractor's permits and fees) and one TransactWriteItems that holds
each fee on condition that it is still due and unheld, writes the PENDING payment with its lines,
and empties the cart. Two checkouts racing for a fee: one transaction wins, the other is a 409.
A cart too big for one transaction, or whose total due is more than one payment may carry
(`money.MAX_AMOUNT`), is refused (409) rather than split, since a split checkout could hold half a cart.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from chalicelib.clock import Clock, rfc3339
from chalicelib.domain.errors import Conflict
from chalicelib.domain.fees import FeeSchedule
from chalicelib.domain.money import check_payable
from chalicelib.payments.provider import PaymentProvider
from chalicelib.services.cart import CartService, summary_json
from chalicelib.store.expressions import TRANSACTION_LIMIT
from chalicelib.store.payments import PaymentLine, PaymentRecord, PaymentStore, TransactionRefused

log = logging.getLogger(__name__)

HOLD = timedelta(minutes=30)
"""How long a checkout holds its fees; an unpaid payment reads as EXPIRED after it."""


class CheckoutService:
    def __init__(self, store: PaymentStore, clock: Clock, schedule: FeeSchedule, provider: PaymentProvider,
                 site_base_url: str) -> None:
        self.store = store
        self.clock = clock
        self.schedule = schedule
        self.provider = provider
        self.site_base_url = site_base_url.rstrip("/")

    def checkout(self, contractor_id: str, payment_method: object) -> dict[str, Any]:
        cart, quote = CartService(self.store, self.clock, self.schedule).summary(contractor_id, payment_method)
        # The cart was checked when filled, but staff may have added fees since and the convenience
        # fee comes on top: check what the portal would be asked to take, before anything is held.
        check_payable(quote.total_due, f"this payment's total due with the {quote.label}")
        items = self.store.checkout_item_count(cart.fee_count, len(cart.entries))
        if items > TRANSACTION_LIMIT:
            raise Conflict(f"This cart holds {cart.fee_count} fees on {len(cart.permits)} permits, more than one "
                           "payment can take; remove some permits and pay them separately.")
        now = self.clock.now()
        payment = PaymentRecord(
            payment_id=uuid.uuid4().hex, contractor_id=contractor_id, status="PENDING",
            payment_method=quote.method.value, total_fees=quote.total_fees, convenience_fee=quote.convenience_fee,
            convenience_label=quote.label, total_due=quote.total_due, created_at=now, expires_at=now + HOLD,
            items=[p.to_json() for p in cart.permits],
        )
        lines = [PaymentLine(f.fee_id, p.permit_no, p.address, f.description, f.amount)
                 for p in cart.permits for f in p.fees]
        try:
            self.store.create_payment(payment, lines, cart.entries, now)
        except TransactionRefused as refused:
            log.info("checkout refused: %s", refused)
            raise Conflict("Some of these fees were just paid or are held by another checkout; "
                           "review your cart and try again.") from None
        log.info("checkout: payment %s holds %d fees", payment.payment_id, len(lines))
        return {
            "payment_id": payment.payment_id, "status": "PENDING",
            "redirect_url": self.provider.checkout_url(payment.payment_id, payment.total_due,
                                                       f"{self.site_base_url}/payment-return.html?payment_id={payment.payment_id}"),
            "expires_at": rfc3339(payment.expires_at), "created_at": rfc3339(now),
            **summary_json(cart, quote),
        }
