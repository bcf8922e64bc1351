"""The shopping cart and the Checkout Summary (the guide's PAYMENT OF FEES, steps 1-3).

The cart remembers permits, not amounts: it always shows the fees due on those permits *now*
(`domain.payments.Cart`), so a fee paid, or held by a pending payment, since it was added drops out
by itself. Reading the cart costs two requests: the cart entries (one consistent Query) and the
contractor's permits with their fees (`uow.permits.of_contractor`, one Query on GSI1); a permit in the
cart that is not on the dashboard's range (archived) is read on its own. `GET /cart` also names the
payments in progress (`pending_payments`: one GSI1 Query of their newest few payments).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from chalicelib.clock import Clock
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.fees import FeeSchedule, Quote
from chalicelib.domain.payments import Cart, Payment, PaymentStatus, check_payable, fees_to_add
from chalicelib.domain.permits import Permit

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork

PENDING_LOOKBACK = 5
"""How many of their newest payments the cart looks through for ones in progress: a payment in progress
is younger than the hold, and a contractor opens few checkouts in half an hour."""


def contractor_permits(uow: UnitOfWork, contractor_id: str, numbers: Iterable[str] = ()) -> dict[str, Permit]:
    """The contractor's permits by number (one GSI1 Query), plus any of `numbers` not on the dashboard's
    range that are still theirs (a consistent Query each)."""
    permits = {p.permit_no: p for p in uow.permits.of_contractor(contractor_id)}
    for no in sorted({n.upper() for n in numbers} - set(permits)):
        permit = uow.permits.get(no)
        if permit is not None and permit.contractor_id == contractor_id:
            permits[no] = permit
    return permits


def read_cart(uow: UnitOfWork, contractor_id: str, clock: Clock) -> tuple[Cart, dict[str, Permit]]:
    """The cart as it reads now, with the permits it was built from (a checkout holds their fees)."""
    entries = uow.cart.permit_nos(contractor_id)
    permits = contractor_permits(uow, contractor_id, entries) if entries else {}
    return Cart.of(entries, permits, clock.now()), permits


class CartService:
    def __init__(self, uow: UnitOfWork, clock: Clock, schedule: FeeSchedule) -> None:
        self.uow = uow
        self.clock = clock
        self.schedule = schedule

    def cart(self, contractor_id: str) -> Cart:
        return read_cart(self.uow, contractor_id, self.clock)[0]

    def pending_payments(self, contractor_id: str) -> list[Payment]:
        """Their payments still in progress (PENDING, hold not ended), newest first: the checkout took
        those fees out of the cart, and the cart says where they went and until when."""
        now = self.clock.now()
        return [p for p in self.uow.payments.newest_of_contractor(contractor_id, PENDING_LOOKBACK)
                if p.effective_status(now) is PaymentStatus.PENDING]

    def add(self, contractor_id: str, permit_no: str) -> Cart:
        """Put a permit's due fees in the cart: 404 unless it is theirs, 409 if nothing is due now
        (`no-fees-due`, `fees-held`) or if the cart would then hold more than one payment may carry."""
        no = permit_no.strip().upper()
        permit = self.uow.permits.get(no)  # consistent: the fees as they are now
        if permit is None or permit.contractor_id != contractor_id:
            raise NotFound(f"Permit {permit_no[:64]} was not found.")
        now = self.clock.now()
        fees_to_add(permit, now)
        # The cart as it would be, checked before anything is written: a cart no payment can carry
        # is refused here, where the contractor can still choose what to pay first.
        entries = self.uow.cart.permit_nos(contractor_id)
        permits = contractor_permits(self.uow, contractor_id, [e for e in entries if e != no]) if entries else {}
        permits[no] = permit  # the consistent read, not the index's possibly older copy
        cart = Cart.of([*entries, no], permits, now)
        check_payable(cart.total_fees, "this cart's fees")
        if no not in entries:
            self.uow.cart.add(contractor_id, [no], now)
            self.uow.commit()
        return cart

    def remove(self, contractor_id: str, permit_no: str) -> Cart:
        no = permit_no.strip().upper()
        if 0 < len(no) <= 64:
            self.uow.cart.remove(contractor_id, [no])
            self.uow.commit()
        return self.cart(contractor_id)

    def pay_all(self, contractor_id: str) -> Cart:
        """"Pay All Fees": every permit of theirs with fees due now, found with one GSI1 Query.

        409, and nothing added, when their fees due together are more than one payment may carry.
        """
        now = self.clock.now()
        entries = self.uow.cart.permit_nos(contractor_id)
        permits = contractor_permits(self.uow, contractor_id, entries)
        due = [no for no, p in permits.items() if any(f.is_due(now) for f in p.fees)]
        cart = Cart.of([*entries, *due], permits, now)
        # All or nothing: half of "every permit" in the cart would not be what was asked for.
        check_payable(cart.total_fees, "all of your fees due")
        new = sorted(set(due) - set(entries))
        if new:
            self.uow.cart.add(contractor_id, new, now)
            self.uow.commit()
        return cart

    def add_project(self, contractor_id: str, project_no: str) -> Cart:
        """Projects ▶ Pay Fees: every permit of the project with fees due now, into the cart in one
        transaction (409 `too-many-changes` if it cannot be one); 404 unless the project is theirs,
        409 `no-fees-due` when nothing on it is due, `payment-limit` as for Pay All Fees."""
        from chalicelib.services.projects import ProjectService

        _, permits = ProjectService(self.uow, self.clock).project(project_no, contractor_id)
        now = self.clock.now()
        due = [p.permit_no for p in permits if any(f.is_due(now) for f in p.fees)]
        if not due:
            raise Conflict(f"Nothing is due on project {project_no[:64].upper()}'s permits.", slug="no-fees-due")
        entries = self.uow.cart.permit_nos(contractor_id)
        known = contractor_permits(self.uow, contractor_id, entries) if entries else {}
        known.update({p.permit_no: p for p in permits})  # the consistent reads
        cart = Cart.of([*entries, *due], known, now)
        check_payable(cart.total_fees, "this project's fees")
        new = sorted(set(due) - set(entries))
        if new:
            self.uow.check_fits(extra=len(new))
            self.uow.cart.add(contractor_id, new, now)
            self.uow.commit()
        return cart

    def summary(self, contractor_id: str, payment_method: object) -> tuple[Cart, Quote]:
        """The Checkout Summary for a method: 400 unknown method, 409 empty cart (`cart-empty`)."""
        method = self.schedule.parse_method(payment_method)
        cart = self.cart(contractor_id)
        cart.check_not_empty()
        return cart, self.schedule.quote(method, cart.total_fees)
