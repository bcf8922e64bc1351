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
  held by it). After the 30 minutes it is recorded EXPIRED instead, with the portal's outcome kept.
- the payment already ended → a replay (same outcome, same transaction) changes nothing; an approval
  with a new transaction id for an ended payment is kept as an UNAPPLIED item (once per transaction id)
  and staff are e-mailed to refund it.

A PENDING payment past `expires_at` reads as EXPIRED; nothing has to run for that.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from chalicelib.clock import Clock, epoch_seconds, rfc3339
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound, Unavailable
from chalicelib.domain.fee_lines import fees_due
from chalicelib.domain.money import display_money, format_money
from chalicelib.domain.permits import PermitStatus
from chalicelib.notifier import Notifier
from chalicelib.payments.provider import CallbackBody, CallbackOutcome, build_callback_body, parse_callback_body
from chalicelib.payments.signature import sign, verify
from chalicelib.store.accounts import AccountStore
from chalicelib.store.payments import PaymentLine, PaymentRecord, PaymentStore, TransactionRefused

log = logging.getLogger(__name__)

ENDED = ("PAID", "DECLINED", "CANCELLED", "EXPIRED")


def effective_status(payment: PaymentRecord, now: datetime) -> str:
    """The stored status, except that a PENDING payment past its hold reads as EXPIRED."""
    if payment.status == "PENDING" and now >= payment.expires_at:
        return "EXPIRED"
    return payment.status


def _items_from_lines(lines: list[PaymentLine]) -> list[dict[str, Any]]:
    by_permit: dict[str, dict[str, Any]] = {}
    for line in lines:
        entry = by_permit.setdefault(line.permit_no, {"permit_no": line.permit_no, "address": line.address,
                                                      "fees": [], "_sum": 0})
        entry["fees"].append({"fee_id": line.fee_id, "description": line.description,
                              "amount": format_money(line.amount)})
        entry["_sum"] += line.amount
    return [{"permit_no": e["permit_no"], "address": e["address"], "fees": e["fees"],
             "subtotal": format_money(e["_sum"])} for e in sorted(by_permit.values(), key=lambda e: e["permit_no"])]


def payment_json(payment: PaymentRecord, now: datetime, lines: list[PaymentLine] | None = None,
                 unapplied: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A payment in the API's shape; with `lines`, the receipt (every fee line from the ledger)."""
    unapplied = unapplied or []
    return {
        "payment_id": payment.payment_id,
        "status": effective_status(payment, now),
        "payment_method": payment.payment_method,
        "created_at": rfc3339(payment.created_at),
        "expires_at": rfc3339(payment.expires_at),
        "paid_at": rfc3339(payment.paid_at) if payment.paid_at else None,
        "transaction_id": payment.transaction_id,
        "items": _items_from_lines(lines) if lines is not None else payment.items,
        "total_fees": format_money(payment.total_fees),
        "convenience_fee": {"label": payment.convenience_label, "amount": format_money(payment.convenience_fee)},
        "total_due": format_money(payment.total_due),
        # `applied`: this payment paid its fees. `refund_required`: money was received that paid nothing
        # (the payment itself when not applied, or a further approval listed in unapplied_transactions).
        "applied": payment.status == "PAID" and not payment.refund_required,
        "refund_required": payment.refund_required or bool(unapplied),
        "unapplied_transactions": [{"transaction_id": u["transaction_id"], "amount": format_money(u["amount"])}
                                   for u in unapplied],
    }


class PaymentService:
    def __init__(self, store: PaymentStore, accounts: AccountStore, clock: Clock, notifier: Notifier,
                 webhook_secret: str | None, staff_email: str) -> None:
        self.store = store
        self.accounts = accounts
        self.clock = clock
        self.notifier = notifier
        self.webhook_secret = webhook_secret
        self.staff_email = staff_email

    # --- Paid Items --------------------------------------------------------------------------

    def list(self, contractor_id: str) -> list[dict[str, Any]]:
        now = self.clock.now()
        return [payment_json(p, now, unapplied=extra) for p, extra in self.store.list_payments(contractor_id)]

    def receipt(self, contractor_id: str, payment_id: str) -> dict[str, Any]:
        found = self._own(contractor_id, payment_id)
        payment, lines, unapplied = found
        return payment_json(payment, self.clock.now(), lines, unapplied)

    def _own(self, contractor_id: str, payment_id: str) -> tuple[PaymentRecord, list[PaymentLine], list[Any]]:
        found = self.store.get_payment(payment_id) if 0 < len(payment_id) <= 64 else None
        if found is None or found[0].contractor_id != contractor_id:
            raise NotFound("That payment was not found.")
        return found

    # --- the callback ------------------------------------------------------------------------

    def handle_callback(self, raw_body: bytes, signature_header: str | None) -> dict[str, Any]:
        """Verify, check and apply one portal callback; see the module docstring."""
        if not self.webhook_secret:
            log.error("payment callback refused: PAYMENT_WEBHOOK_SECRET is unset for a real payment portal")
            raise Unavailable("Payment callbacks are not set up on this server.")
        now = self.clock.now()
        verify(self.webhook_secret, raw_body, signature_header, epoch_seconds(now))
        body = parse_callback_body(raw_body)
        found = self.store.get_payment(body.payment_id)
        if found is None:
            raise NotFound("The payment in the callback was not found.")
        payment, lines, _ = found
        if body.amount != payment.total_due:
            log.warning("callback for payment %s with amount %s, due %s: refused", payment.payment_id,
                        body.amount, payment.total_due)
            raise InvalidInput(
                f"The callback's amount {format_money(body.amount)} is not the payment's total due.",
                [FieldProblem("amount", "does not match the payment's total due")],
            )
        if payment.status != "PENDING":
            return self._after_end(payment, body, now)
        if body.outcome is CallbackOutcome.APPROVED:
            return self._approve(payment, lines, body, now)
        return self._end(payment, lines, body, now)

    def _reread(self, payment_id: str) -> PaymentRecord:
        found = self.store.get_payment(payment_id)
        assert found is not None  # payments are never deleted
        return found[0]

    def _approve(self, payment: PaymentRecord, lines: list[PaymentLine], body: CallbackBody,
                 now: datetime) -> dict[str, Any]:
        transaction_id = body.transaction_id or ""
        try:
            self.store.pay(payment, lines, transaction_id, now)
        except TransactionRefused:
            current = self._reread(payment.payment_id)
            if current.status != "PENDING":  # another delivery of this callback got there first
                return self._after_end(current, body, now)
            try:
                self.store.pay_for_refund(payment, transaction_id, now)
            except TransactionRefused:
                return self._after_end(self._reread(payment.payment_id), body, now)
            log.warning("payment %s approved after its fees were taken: refund due", payment.payment_id)
            self._mail_refund(payment, transaction_id, "the approval arrived after the 30-minute hold ended "
                              "and some of its fees had been paid or held by another payment meanwhile")
            return {"payment_id": payment.payment_id, "status": "PAID", "refund_required": True}
        log.info("payment %s paid (%d fees)", payment.payment_id, len(lines))
        self._mail_paid(payment, lines, transaction_id, now)
        return {"payment_id": payment.payment_id, "status": "PAID", "refund_required": False}

    def _end(self, payment: PaymentRecord, lines: list[PaymentLine], body: CallbackBody,
             now: datetime) -> dict[str, Any]:
        expired = effective_status(payment, now) == "EXPIRED"
        status = "EXPIRED" if expired else body.outcome.value.upper()
        try:
            self.store.end(payment, lines, status, body.outcome.value, body.transaction_id, now, release=not expired)
        except TransactionRefused:
            current = self._reread(payment.payment_id)
            if current.status != "PENDING":
                return self._after_end(current, body, now)
            # A hold was taken over at the very end of the 30 minutes: end the payment alone.
            try:
                self.store.end(payment, lines, status, body.outcome.value, body.transaction_id, now, release=False)
            except TransactionRefused:
                return self._after_end(self._reread(payment.payment_id), body, now)
        log.info("payment %s ended: %s", payment.payment_id, status)
        return {"payment_id": payment.payment_id, "status": status, "refund_required": False}

    def _after_end(self, payment: PaymentRecord, body: CallbackBody, now: datetime) -> dict[str, Any]:
        """A callback for a payment that has ended: replays change nothing; new money is kept for refund."""
        status = effective_status(payment, now)
        if body.outcome is not CallbackOutcome.APPROVED or (
                payment.status == "PAID" and payment.transaction_id == body.transaction_id):
            return {"payment_id": payment.payment_id, "status": status, "refund_required": payment.refund_required}
        transaction_id = body.transaction_id or ""
        if self.store.record_unapplied(payment, transaction_id, body.amount, now):
            log.warning("approval %s for ended payment %s (%s): refund due", transaction_id, payment.payment_id,
                        payment.status)
            self._mail_refund(payment, transaction_id, f"the portal approved it after the payment had ended "
                              f"({payment.status})")
        return {"payment_id": payment.payment_id, "status": status, "refund_required": True}

    # --- the sandbox portal ------------------------------------------------------------------

    def sandbox_outcome(self, contractor_id: str, payment_id: str, outcome: str) -> dict[str, Any]:
        """What the sandbox page's buttons do: build and sign the callback, and apply it as the portal's."""
        payment, _, _ = self._own(contractor_id, payment_id)
        if payment.status != "PENDING":
            raise Conflict(f"This payment has already ended ({payment.status}).")
        transaction_id = f"SBX-{payment.payment_id[:16].upper()}" if outcome == CallbackOutcome.APPROVED else None
        raw = build_callback_body(payment.payment_id, outcome, transaction_id, payment.total_due)
        header = sign(self.webhook_secret, raw, epoch_seconds(self.clock.now()))
        self.handle_callback(raw, header)
        return self.receipt(contractor_id, payment_id)

    # --- e-mail ------------------------------------------------------------------------------

    def _send(self, to: str, subject: str, body: str) -> None:
        try:
            self.notifier.send(to, subject, body)
        except Exception:  # the payment stands whether or not a mail goes out
            log.exception("could not send mail %r", subject)

    def _mail_paid(self, payment: PaymentRecord, lines: list[PaymentLine], transaction_id: str,
                   now: datetime) -> None:
        permits = sorted({line.permit_no for line in lines})
        fee_rows = "\n".join(f"  {line.permit_no}  {line.description}: {display_money(line.amount)}" for line in lines)
        contractor = self.accounts.get_contractor(payment.contractor_id)
        if contractor and contractor.email:
            self._send(contractor.email, f"Payment receipt {transaction_id}", (
                f"Thank you. We received your payment of {display_money(payment.total_due)}.\n\n"
                f"Payment: {payment.payment_id}\nTransaction: {transaction_id}\nPaid: {rfc3339(now)}\n\n"
                f"{fee_rows}\n  Total fees: {display_money(payment.total_fees)}\n"
                f"  {payment.convenience_label}: {display_money(payment.convenience_fee)}\n"
                f"  Total paid: {display_money(payment.total_due)}\n\n"
                "Paying the fees does not issue the permit: contact Community Development staff "
                "to have your permit issued.\n"))
        status_rows = []
        for no in permits:  # consistent reads: the index could still show a fee this payment just paid
            found = self.store.permit_with_fees(no)
            due = fees_due(found.fees, now) if found else None
            status = str(found.permit.get("status", "")) if found else ""
            if (due is None or due == 0) and status == PermitStatus.READY_TO_ISSUE:
                status_rows.append(f"  {no}: all fees paid; it is READY TO ISSUE and can be issued")
            elif due is None or due == 0:
                status_rows.append(f"  {no}: all fees paid; its status is {status or 'unknown'}")
            else:
                status_rows.append(f"  {no}: fees paid in this payment; {display_money(due)} is still due")
        company = contractor.company_name if contractor else payment.contractor_id
        self._send(self.staff_email, f"Fees paid: {', '.join(permits)}", (
            f"{company} paid {display_money(payment.total_fees)} in permit fees "
            f"(transaction {transaction_id}, payment {payment.payment_id}).\n\n" + "\n".join(status_rows) + "\n\n"
            "Payment does not issue a permit: issue it when everything needed for issuance is complete.\n"))

    def _mail_refund(self, payment: PaymentRecord, transaction_id: str, why: str) -> None:
        self._send(self.staff_email, f"Refund due: payment {payment.payment_id}", (
            f"The payment portal took {display_money(payment.total_due)} (transaction {transaction_id}) for "
            f"payment {payment.payment_id} of contractor {payment.contractor_id}, but {why}.\n"
            "No fee was marked paid by it. Refund the transaction through the payment portal.\n"))
