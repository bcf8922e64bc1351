"""Payments: the cart, the checkout's rules, and a payment's status machine.

Pure Python (no boto3, no JSON): the rules that decide what a contractor may pay and what one portal
outcome does to a payment and to the fees it carries.

- The cart remembers permits, not amounts: it shows the fees due on them *now* (`Cart.of`), so a fee
  paid or held since it was added drops out by itself.
- A checkout freezes the cart into a PENDING `Payment` (its `PaymentLine`s are the county's ledger)
  and holds every fee for `HOLD` (`hold_fees`). A PENDING payment past `expires_at` reads EXPIRED:
  nothing has to run for that, and an expired hold reads as due (`FeeLine.status`).
- The portal's outcome moves the payment once, out of PENDING: approved → PAID with every fee paid
  (`pay_fees`), or PAID with `refund_required` and no fee touched when one can no longer be paid;
  declined / cancelled → DECLINED / CANCELLED with its holds released (`release_fees`), or EXPIRED
  when it arrives after the hold. An ended payment never moves again; money the portal takes for it
  later is kept as an `UnappliedApproval`, once per transaction, for staff to refund.

The limits a payment obeys: at most `money.MAX_AMOUNT` (`check_payable`, 409 `payment-limit`), and
what one transaction can write (the unit of work's `check_fits`, not a rule of this module).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from chalicelib.domain import money
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput
from chalicelib.domain.fee_lines import FeeLine
from chalicelib.domain.fees import PaymentMethod, Quote
from chalicelib.domain.money import format_money, sum_money

if TYPE_CHECKING:
    from chalicelib.domain.permits import Permit

__all__ = [
    "HOLD",
    "HOLD_MINUTES",
    "Cart",
    "CartPermit",
    "Payment",
    "PaymentLine",
    "PaymentStatus",
    "UnappliedApproval",
    "check_payable",
    "fees_to_add",
    "hold_fees",
    "pay_fees",
    "receipt_number",
    "release_fees",
]

HOLD_MINUTES = 30
"""How long a checkout holds its fees while the contractor is at the portal (the rule's one place)."""
HOLD = timedelta(minutes=HOLD_MINUTES)


class PaymentStatus(StrEnum):
    """A payment's status; the values are the API's (and the stored attribute's)."""

    PENDING = "PENDING"
    PAID = "PAID"
    DECLINED = "DECLINED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"

    @property
    def ended(self) -> bool:
        return self is not PaymentStatus.PENDING


#: What a portal outcome other than an approval may end a payment as (EXPIRED: it came too late).
_END_STATUSES = frozenset({PaymentStatus.DECLINED, PaymentStatus.CANCELLED, PaymentStatus.EXPIRED})


def check_payable(total: Decimal, what: str) -> None:
    """409 `payment-limit` when `total` is more than one payment may carry (`money.MAX_AMOUNT`)."""
    try:
        money.check_payable(total, what)
    except Conflict as refused:
        raise Conflict(refused.detail, slug="payment-limit") from None


# --- the cart ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CartPermit:
    """One permit in the cart with the fees due on it now."""

    permit_no: str
    address: str
    fees: tuple[FeeLine, ...]

    @property
    def subtotal(self) -> Decimal:
        return sum_money(f.amount for f in self.fees)


@dataclass(frozen=True)
class Cart:
    """The permits in a contractor's cart that have fees due now, sorted by permit number."""

    permits: tuple[CartPermit, ...]
    entries: tuple[str, ...]
    """Every permit number stored in the cart, shown or not (a checkout removes them all)."""

    @classmethod
    def of(cls, entries: Iterable[str], permits: Mapping[str, Permit], now: datetime) -> Cart:
        """The cart as it reads now: each entry's permit with its due fees; gone, foreign or settled ones hidden."""
        numbers = tuple(sorted({no.upper() for no in entries}))
        shown = []
        for no in numbers:
            permit = permits.get(no)
            if permit is None:
                continue  # no longer the contractor's, or gone
            due = tuple(f for f in permit.fees if f.is_due(now))
            if due:
                shown.append(CartPermit(no, permit.address, due))
        return cls(tuple(shown), numbers)

    @property
    def total_fees(self) -> Decimal:
        return sum_money(p.subtotal for p in self.permits)

    @property
    def fee_count(self) -> int:
        return sum(len(p.fees) for p in self.permits)

    @property
    def is_empty(self) -> bool:
        return not self.permits

    def lines(self) -> list[PaymentLine]:
        """The ledger lines a checkout of this cart freezes, one per fee."""
        return [PaymentLine(f.fee_id, p.permit_no, p.address, f.description, f.amount)
                for p in self.permits for f in p.fees]

    def check_not_empty(self) -> None:
        if self.is_empty:
            raise Conflict("Your cart is empty: add a permit's fees from the dashboard first.", slug="cart-empty")


def fees_to_add(permit: Permit, now: datetime) -> list[FeeLine]:
    """The fees a permit puts in the cart: those due now; 409 when none is (held or nothing due)."""
    due = [f for f in permit.fees if f.is_due(now)]
    if due:
        return due
    if any(f.is_held(now) for f in permit.fees):
        raise Conflict(f"The fees of permit {permit.permit_no} are held by a pending payment; "
                       f"wait for it to finish or expire ({HOLD_MINUTES} minutes).", slug="fees-held")
    raise Conflict(f"Permit {permit.permit_no} has no fees due.", slug="no-fees-due")


# --- the payment ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentLine:
    """One fee a payment carries, frozen at checkout: the county's ledger (never changed or deleted)."""

    fee_id: str
    permit_no: str
    address: str
    description: str
    amount: Decimal


@dataclass(frozen=True)
class UnappliedApproval:
    """Money the portal took for a payment that had already ended: paid nothing, to be refunded."""

    transaction_id: str
    amount: Decimal
    received_at: datetime


@dataclass(frozen=True)
class RefundRecord:
    """Staff gave money back (through the payment portal's own refund, outside this system): when, who,
    the portal's reference, and how much. Kept, never rewritten: a later approval can make more due."""

    at: datetime
    by: str
    reference: str
    amount: Decimal


def _ended(payment: Payment, verb: str) -> Conflict:
    return Conflict(f"Payment {payment.payment_id} has already ended ({payment.status}); it cannot be {verb}.",
                    slug="payment-ended")


@dataclass
class Payment:
    """A payment: its frozen amounts, its lines, its status, and approvals that arrived after it ended.

    Build a new one with `Payment.open` (which applies the checkout's rules); the constructor takes
    what is stored as it is. `status` is the stored status; `effective_status` is what it reads as.
    """

    payment_id: str
    contractor_id: str
    payment_method: PaymentMethod
    total_fees: Decimal
    convenience_fee: Decimal
    convenience_label: str
    total_due: Decimal
    created_at: datetime
    expires_at: datetime
    status: PaymentStatus = PaymentStatus.PENDING
    lines: list[PaymentLine] = field(default_factory=list)
    unapplied: list[UnappliedApproval] = field(default_factory=list)
    paid_at: datetime | None = None
    ended_at: datetime | None = None
    transaction_id: str | None = None
    refund_required: bool = False
    portal_outcome: str | None = None
    refunds: list[RefundRecord] = field(default_factory=list)
    version: int = 0
    started_by: str = ""  # the company user who checked out ("" before named users: the first admin)
    started_by_email: str = ""  # where that user's receipt goes, whatever their notifications say

    @classmethod
    def open(cls, payment_id: str, contractor_id: str, quote: Quote, lines: list[PaymentLine],
             now: datetime, started_by: str = "", started_by_email: str = "") -> Payment:
        """A checkout's PENDING payment of `quote` for `lines`, holding them for HOLD.

        409 when there is nothing to pay (`cart-empty`) or the total due with the convenience fee is
        more than one payment may carry (`payment-limit`), before anything is held.
        """
        if not lines:
            raise Conflict("There is nothing to pay: the cart is empty.", slug="cart-empty")
        if sum_money(line.amount for line in lines) != quote.total_fees:
            raise ValueError("the quote's total fees are not the sum of the lines")
        check_payable(quote.total_due, f"this payment's total due with the {quote.label}")
        return cls(payment_id=payment_id, contractor_id=contractor_id, payment_method=quote.method,
                   total_fees=quote.total_fees, convenience_fee=quote.convenience_fee,
                   convenience_label=quote.label, total_due=quote.total_due, created_at=now,
                   expires_at=now + HOLD, lines=list(lines), started_by=started_by,
                   started_by_email=started_by_email)

    # --- what it says ------------------------------------------------------------------------------

    def effective_status(self, now: datetime) -> PaymentStatus:
        """The stored status, except that a PENDING payment past its hold reads as EXPIRED."""
        if self.status is PaymentStatus.PENDING and now >= self.expires_at:
            return PaymentStatus.EXPIRED
        return self.status

    @property
    def ended(self) -> bool:
        """Whether the portal's outcome has been recorded (an unrecorded, expired one has not)."""
        return self.status.ended

    @property
    def applied(self) -> bool:
        """This payment paid its fees."""
        return self.status is PaymentStatus.PAID and not self.refund_required

    @property
    def has_receipt(self) -> bool:
        """Only money the portal approved gets a receipt: a declined, cancelled, expired or pending
        payment took nothing, and a printed "receipt" for it would read as proof of payment."""
        return self.status is PaymentStatus.PAID

    @property
    def receipt_no(self) -> str:
        """The receipt's short number: the first 50 bits of the (random) payment id in Crockford's
        base 32 (no I, L, O, U: nothing to misread over the phone), as 5-5 (`K7QM2-XD9TB`). The same
        payment always gets the same number; the id stays the API's key."""
        return receipt_number(self.payment_id)

    @property
    def received_unapplied(self) -> Decimal:
        """Money received that paid nothing: the payment's total when it was not applied, and each later
        approval's amount."""
        return sum_money([*([self.total_due] if self.refund_required else []), *(u.amount for u in self.unapplied)])

    @property
    def refund_amount(self) -> Decimal:
        """What is still to be refunded: the money that paid nothing, less the refunds recorded."""
        return sum_money([self.received_unapplied, *(-r.amount for r in self.refunds)])

    @property
    def refund_due(self) -> bool:
        """Money was received that paid nothing (this payment, or a later approval) and is not yet refunded."""
        return self.refund_amount > 0

    def record_refund(self, now: datetime, by: str, reference: str) -> RefundRecord:
        """Staff refunded what is due (in the payment portal): 409 `refund-not-due` when nothing is."""
        if not self.refund_due:
            raise Conflict(f"Payment {self.payment_id} has no refund due.", slug="refund-not-due")
        record = RefundRecord(now, by, " ".join(reference.split()), self.refund_amount)
        self.refunds.append(record)
        return record

    @property
    def permit_nos(self) -> list[str]:
        return sorted({line.permit_no for line in self.lines})

    def belongs_to(self, contractor_id: str) -> bool:
        return self.contractor_id == contractor_id

    def check_amount(self, amount: Decimal) -> None:
        """The portal reports the amount it took: anything but the frozen total due is refused (400)."""
        if amount != self.total_due:
            raise InvalidInput(f"The callback's amount {format_money(amount)} is not the payment's total due.",
                               [FieldProblem("amount", "does not match the payment's total due")],
                               slug="payment-amount-mismatch")

    def is_replay(self, approved: bool, transaction_id: str | None) -> bool:
        """An outcome for an ended payment that brings no new money: a decline or cancel, or the
        approval this payment was paid with. Nothing is to be done for it."""
        if not self.ended:
            return False
        return not approved or (self.status is PaymentStatus.PAID and self.transaction_id == transaction_id)

    # --- its moves ---------------------------------------------------------------------------------

    def approve(self, transaction_id: str, now: datetime) -> None:
        """The portal took the money and every fee is paid with it: PAID. Only out of PENDING (an
        approval after the hold ended still lands: the fees were checked by the caller)."""
        self._pay(transaction_id, now, refund_required=False)

    def approve_for_refund(self, transaction_id: str, now: datetime) -> None:
        """The portal took the money but a fee was paid or taken by another payment meanwhile: PAID,
        `refund_required`, and no fee touched. Only out of PENDING."""
        self._pay(transaction_id, now, refund_required=True)

    def _pay(self, transaction_id: str, now: datetime, refund_required: bool) -> None:
        if self.ended:
            raise _ended(self, "approved")
        if not transaction_id:
            raise ValueError("an approval needs the portal's transaction id")
        self.status = PaymentStatus.PAID
        self.transaction_id = transaction_id
        self.paid_at = now
        self.ended_at = now
        self.refund_required = refund_required

    def end(self, outcome: PaymentStatus, now: datetime, *, portal_outcome: str,
            transaction_id: str | None = None) -> bool:
        """Declined or cancelled at the portal: the payment ends so, or EXPIRED once past its hold
        (the portal's own word kept in `portal_outcome`). Only out of PENDING.

        Returns whether its holds are to be released: not for an expired payment, whose holds have
        ended by themselves (and whose fees another payment may hold by now).
        """
        if outcome not in _END_STATUSES:
            raise ValueError(f"a payment cannot end as {outcome}")
        if self.ended:
            raise _ended(self, f"recorded {outcome}")
        expired = self.effective_status(now) is PaymentStatus.EXPIRED
        self.status = PaymentStatus.EXPIRED if expired else outcome
        self.ended_at = now
        self.portal_outcome = portal_outcome
        if transaction_id:
            self.transaction_id = transaction_id
        return self.status is not PaymentStatus.EXPIRED

    def record_unapplied(self, transaction_id: str, amount: Decimal, now: datetime) -> bool:
        """Keep an approval that arrived after the payment ended, for a refund; False when there is
        nothing new to keep (this transaction is known already, or it is the one that paid it)."""
        if not self.ended:
            raise Conflict(f"Payment {self.payment_id} is still pending: an approval pays it rather than "
                           "being kept for a refund.", slug="payment-pending")
        if not transaction_id:
            raise ValueError("an approval needs the portal's transaction id")
        if self.is_replay(True, transaction_id) or any(u.transaction_id == transaction_id for u in self.unapplied):
            return False
        self.unapplied.append(UnappliedApproval(transaction_id, amount, now))
        return True


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def receipt_number(payment_id: str) -> str:
    """`Payment.receipt_no` of a payment id (hex, as checkout makes them; other ids are read as text)."""
    try:
        value = int(payment_id[:13], 16) >> 2  # 13 hex digits = 52 bits; keep 50, ten base-32 digits
    except ValueError:
        value = int.from_bytes(payment_id.encode()[:7].ljust(7, b"0"), "big") >> 6
    digits = "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(45, -5, -5))
    return f"{digits[:5]}-{digits[5:]}"


# --- a payment and the permits whose fees it carries --------------------------------------------


def _permit(permits: Mapping[str, Permit], line: PaymentLine) -> Permit:
    permit = permits.get(line.permit_no)
    if permit is None:
        raise Conflict(f"Permit {line.permit_no} is no longer on file.", slug="fees-held")
    return permit


def hold_fees(payment: Payment, permits: Mapping[str, Permit], now: datetime) -> list[Permit]:
    """A checkout holds each of its fees until the payment expires; 409 `fees-held` when one is no
    longer due at its frozen amount. Returns the permits changed (to be saved with the payment)."""
    changed: dict[str, Permit] = {}
    for line in payment.lines:
        permit = _permit(permits, line)
        permit.hold_fee(line.fee_id, line.amount, payment.payment_id, payment.expires_at, now)
        changed[permit.permit_no] = permit
    return list(changed.values())


def pay_fees(payment: Payment, transaction_id: str, permits: Mapping[str, Permit], now: datetime) -> list[Permit]:
    """The portal approved `payment`: every fee paid and the payment PAID, or — when any fee can no
    longer be paid by it (paid by another payment, held by a live checkout, gone) — the payment PAID
    with `refund_required` and no fee touched. Returns the permits changed (none for a refund)."""
    if payment.ended:
        raise _ended(payment, "approved")
    payable = all(line.permit_no in permits and permits[line.permit_no].can_pay_fee(
        line.fee_id, line.amount, payment.payment_id, now) for line in payment.lines)
    if not payable:
        payment.approve_for_refund(transaction_id, now)
        return []
    changed: dict[str, Permit] = {}
    for line in payment.lines:
        permit = permits[line.permit_no]
        permit.pay_fee(line.fee_id, line.amount, payment.payment_id, now)
        changed[permit.permit_no] = permit
    payment.approve(transaction_id, now)
    return list(changed.values())


def release_fees(payment: Payment, permits: Mapping[str, Permit]) -> list[Permit]:
    """An ended payment lets go of the holds it still has (only its own). Returns the permits changed."""
    changed: dict[str, Permit] = {}
    for line in payment.lines:
        permit = permits.get(line.permit_no)
        if permit is not None and permit.release_fee(line.fee_id, payment.payment_id):
            changed[permit.permit_no] = permit
    return list(changed.values())
