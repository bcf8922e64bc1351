"""The payment portal's callback, Paid Items and receipts, and the e-mails that follow a payment.

The callback (`handle_callback`) is the only way money moves; the sandbox route goes through it too.
Order: verify the HMAC signature on the raw body (constant time, 300 s), parse strictly, read the
payment (one Query), refuse an amount other than the frozen `total_due`, then one transaction:

- approved → the payment PAID (transaction id, paid_at) with every fee PAID, each on condition it is
  still due and held by this payment, unheld, or held by an expired hold. An approval after the hold
  expired therefore still pays the fees if nobody else took them. If one was taken (paid by another
  payment, or held by a live checkout), the payment is recorded PAID with `refund_required: true`, no fee
  is touched, and staff are e-mailed to refund it: money received is never lost or applied twice.
- declined / cancelled → the payment DECLINED / CANCELLED and its holds released (each only if still
  held by it). After the hold (`domain.payments.HOLD`) it is recorded EXPIRED instead, with the portal's
  outcome kept, and its fees are left alone.
- the payment already ended → a replay (same outcome, same transaction) changes nothing; an approval
  with a new transaction id for an ended payment is kept as an UNAPPLIED item (once per transaction id)
  and staff are e-mailed to refund it.

A PENDING payment past `expires_at` reads as EXPIRED; nothing has to run for that.

Exactly once: the rules are the aggregates' (`Payment`, `Permit`, `domain.payments.pay_fees` /
`release_fees`); the guarantee is the unit of work's. The payment and every permit whose fees move are
saved at their next version on condition they are still at the version read, in one transaction, so
of callbacks racing for one payment (portal retries, an approval against a decline) exactly one lands.
The others get `StaleRecord`, read everything again and find the payment ended: a replay, or money
to keep for a refund (whose item is created only if absent). Mail goes out only after a commit that
landed, so it is sent once too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from chalicelib import metrics
from chalicelib.clock import Clock, epoch_seconds
from chalicelib.config import DEFAULT_TIME_ZONE
from chalicelib.domain.accounts import Company, NotificationKind, first_user_id
from chalicelib.domain.activity import ActivityAction, CompanyActivity
from chalicelib.domain.errors import Conflict, InvalidInput, NotFound, StaleRecord, Unavailable
from chalicelib.domain.money import display_money
from chalicelib.domain.notices import Notice, NoticeKind
from chalicelib.domain.payments import (
    HOLD_MINUTES,
    Payment,
    PaymentStatus,
    pay_fees,
    release_fees,
)
from chalicelib.domain.permits import Permit, PermitStatus
from chalicelib.domain.wording import county_datetime
from chalicelib.notifier import Notifier
from chalicelib.payments.provider import CallbackBody, CallbackOutcome, build_callback_body, parse_callback_body
from chalicelib.payments.signature import SIGNATURE_HEADER, sign, verify
from chalicelib.services.notices import StaffMailbox
from chalicelib.services.recipients import mail_users, recipients

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

ATTEMPTS = 4
"""Reads-and-applies of one callback refused because the payment or a permit changed meanwhile. The
first refusal almost always means another delivery ended the payment: the next attempt sees that."""


@dataclass(frozen=True)
class CallbackResult:
    """What a callback did to the payment, as the portal is answered."""

    payment_id: str
    status: PaymentStatus
    refund_required: bool


Mail = Callable[[], None]


def _nothing() -> None:
    return None


class PaymentService:
    def __init__(self, uow: UnitOfWork, clock: Clock, notifier: Notifier, webhook_secret: str | None,
                 staff_email: str, time_zone: ZoneInfo | None = None) -> None:
        self.uow = uow
        self.time_zone = time_zone or ZoneInfo(DEFAULT_TIME_ZONE)  # mail states times on the county's clock
        self.clock = clock
        self.notifier = notifier
        self.webhook_secret = webhook_secret
        self.staff_email = staff_email

    # --- Paid Items --------------------------------------------------------------------------

    def of_contractor(self, contractor_id: str) -> list[Payment]:
        """All the contractor's payments, newest first (one Query on GSI1)."""
        return self.uow.payments.of_contractor(contractor_id)

    def page(self, contractor_id: str, limit: int, cursor: str | None = None) -> tuple[list[Payment], str | None]:
        """Paid Items a page at a time, newest first: a GSI1 Query the size of the page."""
        return self.uow.payments.page_of_contractor(contractor_id, limit, cursor)

    def receipt(self, contractor_id: str, payment_id: str) -> Payment:
        """One of their payments with every line from the ledger; 404 for anyone else's."""
        payment = self.uow.payments.get(payment_id)
        if payment is None or not payment.belongs_to(contractor_id):
            raise NotFound("That payment was not found.")
        return payment

    # --- the callback ------------------------------------------------------------------------

    def handle_callback(self, raw_body: bytes, signature_header: str | None) -> CallbackResult:
        """Verify, check and apply one portal callback; see the module docstring."""
        now = self._verified(raw_body, signature_header, SIGNATURE_HEADER)
        try:
            body = parse_callback_body(raw_body)
        except InvalidInput:
            metrics.count(metrics.CALLBACK_REFUSED)
            raise
        return self._apply_callback(body, now)

    def handle_stripe_event(self, raw_body: bytes, signature_header: str | None) -> CallbackResult | None:
        """A Stripe Checkout webhook (chalicelib/payments/stripe.py): the same checks and the same
        exactly-once path as `handle_callback`; None for an event that reports no outcome (ignored)."""
        from chalicelib.payments import stripe

        now = self._verified(raw_body, signature_header, stripe.SIGNATURE_HEADER)
        try:
            body = stripe.parse_event(raw_body)
        except InvalidInput:
            metrics.count(metrics.CALLBACK_REFUSED)
            raise
        if body is None:
            log.info("Stripe event ignored: it reports no payment outcome")
            return None
        return self._apply_callback(body, now)

    def _verified(self, raw_body: bytes, signature_header: str | None, header_name: str) -> datetime:
        """Now, once the signature on the raw bytes is checked; refused callbacks are counted."""
        if not self.webhook_secret:
            log.error("payment callback refused: no webhook secret is set for a real payment portal")
            metrics.count(metrics.CALLBACK_REFUSED)
            raise Unavailable("Payment callbacks are not set up on this server.")
        now = self.clock.now()
        try:
            verify(self.webhook_secret, raw_body, signature_header, epoch_seconds(now), header_name=header_name)
        except InvalidInput:
            log.warning("payment callback refused: its %s does not verify", header_name)
            metrics.count(metrics.CALLBACK_REFUSED)
            raise
        return now

    def _apply_callback(self, body: CallbackBody, now: datetime) -> CallbackResult:
        for attempt in range(ATTEMPTS):
            payment = self.uow.payments.get(body.payment_id)
            if payment is None:
                raise NotFound("The payment in the callback was not found.")
            # Money taken for a payment that has ended is kept for refund at whatever amount was taken;
            # only a live payment is refused when the amount is not what it asked for.
            if not payment.ended:
                if body.amount != payment.total_due:
                    log.warning("callback for payment %s with amount %s, due %s: refused", payment.payment_id,
                                body.amount, payment.total_due)
                    metrics.count(metrics.CALLBACK_REFUSED)
                payment.check_amount(body.amount)
            try:
                result, mail, metric = self._apply(payment, body, now)
            except StaleRecord:
                self.uow.rollback()
                log.info("callback for payment %s: changed meanwhile, reading again (attempt %d)",
                         payment.payment_id, attempt + 1)
                if attempt + 1 == ATTEMPTS:
                    raise
                continue
            except Exception:
                self.uow.rollback()
                raise
            if metric:  # what the landed change was (a replay changed nothing and counts nothing)
                metrics.count(metric)
            mail()  # only once the change it reports has landed
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def _apply(self, payment: Payment, body: CallbackBody, now: datetime) -> tuple[CallbackResult, Mail, str | None]:
        approved = body.outcome is CallbackOutcome.APPROVED
        if payment.ended:
            return self._after_end(payment, body, now)
        if approved:
            transaction_id = body.transaction_id or ""
            permits = self._permits(payment)
            for permit in pay_fees(payment, transaction_id, permits, now):
                self.uow.permits.save(permit)
            self.uow.payments.save(payment)
            company = self.uow.accounts.company(payment.contractor_id)
            if payment.refund_required:
                notice = self._refund_notice(
                    payment, company, transaction_id, payment.total_due, now,
                    f"the approval arrived after the {HOLD_MINUTES}-minute hold ended and some of its fees "
                    "had been paid or held by another payment meanwhile")
            else:
                notice = self._paid_notice(payment, company, permits, now)
                self.uow.activity.record(CompanyActivity(
                    payment.contractor_id, now, payment.started_by or first_user_id(payment.contractor_id),
                    payment.started_by_email, ActivityAction.PAYMENT, f"payment {payment.receipt_no}",
                    f"Paid {display_money(payment.total_due)} for {', '.join(payment.permit_nos)}."))
            self.staff.leave(self.uow, notice)
            self.uow.commit()
            result = CallbackResult(payment.payment_id, payment.status, payment.refund_required)
            if payment.refund_required:
                log.warning("payment %s approved after its fees were taken: refund due", payment.payment_id)

                def mail_refund() -> None:
                    self.staff.mail(notice)

                return result, mail_refund, metrics.PAYMENT_REFUND_REQUIRED

            def mail_paid() -> None:
                self._mail_receipt(payment, company, now)
                self.staff.mail(notice)

            log.info("payment %s paid (%d fees)", payment.payment_id, len(payment.lines))
            return result, mail_paid, metrics.PAYMENT_PAID
        release = payment.end(PaymentStatus(body.outcome.value.upper()), now, portal_outcome=body.outcome.value,
                              transaction_id=body.transaction_id)
        if release:  # only the payment's own fees matter here: one batched read, not a Query a permit
            fees = {no: [line.fee_id for line in payment.lines if line.permit_no == no] for no in payment.permit_nos}
            for permit in release_fees(payment, self.uow.permits.with_fees(fees)):
                self.uow.permits.save(permit)
        self.uow.payments.save(payment)
        self.uow.commit()
        log.info("payment %s ended: %s", payment.payment_id, payment.status)
        declined = metrics.PAYMENT_DECLINED if body.outcome is CallbackOutcome.DECLINED else None
        return CallbackResult(payment.payment_id, payment.status, False), _nothing, declined

    def _after_end(self, payment: Payment, body: CallbackBody,
                   now: datetime) -> tuple[CallbackResult, Mail, str | None]:
        """A callback for a payment that has ended: replays change nothing; new money is kept for refund."""
        status = payment.effective_status(now)
        approved = body.outcome is CallbackOutcome.APPROVED
        if payment.is_replay(approved, body.transaction_id):
            return CallbackResult(payment.payment_id, status, payment.refund_required), _nothing, None
        transaction_id = body.transaction_id or ""
        mail = _nothing
        metric = None
        if payment.record_unapplied(transaction_id, body.amount, now):
            metric = metrics.PAYMENT_REFUND_REQUIRED
            self.uow.payments.save(payment)
            notice = self._refund_notice(payment, self.uow.accounts.company(payment.contractor_id), transaction_id,
                                         body.amount, now,
                                         f"the portal approved it after the payment had ended ({payment.status})")
            self.staff.leave(self.uow, notice)
            self.uow.commit()
            log.warning("approval %s for ended payment %s (%s): refund due", transaction_id, payment.payment_id,
                        payment.status)

            def mail() -> None:
                self.staff.mail(notice)

        return CallbackResult(payment.payment_id, status, True), mail, metric

    def _permits(self, payment: Payment) -> dict[str, Permit]:
        """The permits whose fees the payment carries: one consistent Query each."""
        permits = {}
        for no in payment.permit_nos:
            permit = self.uow.permits.get(no)
            if permit is not None:
                permits[no] = permit
        return permits

    # --- the sandbox portal ------------------------------------------------------------------

    def sandbox_outcome(self, contractor_id: str, payment_id: str, outcome: str) -> Payment:
        """What the sandbox page's buttons do: build and sign the callback, and apply it as the portal's."""
        payment = self.receipt(contractor_id, payment_id)
        if payment.ended:
            raise Conflict(f"This payment has already ended ({payment.status}).", slug="payment-ended")
        transaction_id = f"SBX-{payment.payment_id[:16].upper()}" if outcome == CallbackOutcome.APPROVED else None
        raw = build_callback_body(payment.payment_id, outcome, transaction_id, payment.total_due)
        header = sign(self.webhook_secret, raw, epoch_seconds(self.clock.now()))  # type: ignore[arg-type]
        self.handle_callback(raw, header)
        return self.receipt(contractor_id, payment_id)

    # --- e-mail ------------------------------------------------------------------------------

    def _mail_receipt(self, payment: Payment, company: Company | None, now: datetime) -> None:
        """The receipt, to whoever paid and each of the company's users who asked for receipts."""
        addresses = recipients(self.uow, payment.contractor_id, NotificationKind.PAYMENTS,
                               also=[payment.started_by_email])
        if not company or not addresses:
            return
        transaction_id = payment.transaction_id or ""
        fee_rows = "\n".join(f"  {line.permit_no}  {line.description}: {display_money(line.amount)}"
                             for line in payment.lines)
        mail_users(self.notifier, addresses, payment.contractor_id, f"Payment receipt {payment.receipt_no}", (
            f"Thank you. We received your payment of {display_money(payment.total_due)}.\n\n"
            f"Receipt: {payment.receipt_no}\nTransaction: {transaction_id}\n"
            f"Paid: {county_datetime(now, self.time_zone)}\n\n"
            f"{fee_rows}\n  Total fees: {display_money(payment.total_fees)}\n"
            f"  {payment.convenience_label}: {display_money(payment.convenience_fee)}\n"
            f"  Total paid: {display_money(payment.total_due)}\n\n"
            "Paying the fees does not issue the permit: contact Community Development staff "
            "to have your permit issued.\n"))

    # --- staff notices (services/notices.py: left with the change, mailed after it) -------------

    @property
    def staff(self) -> StaffMailbox:
        return StaffMailbox(self.notifier, self.staff_email)

    def _paid_notice(self, payment: Payment, company: Company | None, permits: dict[str, Permit],
                     now: datetime) -> Notice:
        """Fees paid: the permits as this payment leaves them (which can be issued now)."""
        status_rows = []
        for no in payment.permit_nos:
            permit = permits.get(no)
            due = permit.fees_due(now) if permit else None
            if (due is None or due == 0) and permit is not None and permit.status is PermitStatus.READY_TO_ISSUE:
                status_rows.append(f"  {no}: all fees paid; it is READY TO ISSUE and can be issued")
            elif due is None or due == 0:
                status_rows.append(f"  {no}: all fees paid; its status is {permit.status if permit else 'unknown'}")
            else:
                status_rows.append(f"  {no}: fees paid in this payment; {display_money(due)} is still due")
        name = company.company_name if company else payment.contractor_id
        return Notice.new(
            now, NoticeKind.PAYMENT, f"Fees paid: {', '.join(payment.permit_nos)}", payment.contractor_id,
            f"{name} paid {display_money(payment.total_fees)} in permit fees (receipt {payment.receipt_no}, "
            f"transaction {payment.transaction_id or ''}, payment {payment.payment_id}).\n\n"
            + "\n".join(status_rows) + "\n\n"
            "Payment does not issue a permit: issue it when everything needed for issuance is complete.\n",
            permit_no=payment.permit_nos[0] if len(payment.permit_nos) == 1 else None, payment_id=payment.payment_id)

    def _refund_notice(self, payment: Payment, company: Company | None, transaction_id: str, amount: Decimal,
                       now: datetime, why: str) -> Notice:
        """Money taken that paid nothing: staff refund it through the portal."""
        name = company.company_name if company else payment.contractor_id
        return Notice.new(
            now, NoticeKind.PAYMENT, f"Refund due: payment {payment.payment_id}", payment.contractor_id,
            f"The payment portal took {display_money(amount)} (transaction {transaction_id}) for "
            f"payment {payment.payment_id} (receipt {payment.receipt_no}) of {name} "
            f"(contractor {payment.contractor_id}), but {why}.\n"
            "No fee was marked paid by it. Refund the transaction through the payment portal.\n",
            permit_no=payment.permit_nos[0] if len(payment.permit_nos) == 1 else None, payment_id=payment.payment_id)
