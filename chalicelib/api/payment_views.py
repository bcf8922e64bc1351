"""The JSON of the cart, the Checkout Summary, a checkout, payments and receipts (API.md Part 1).

Plain functions from domain objects to JSON-ready dicts: money as two-decimal strings, instants as
RFC 3339 UTC. No framework types, so they are tested without Chalice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib.clock import rfc3339
from chalicelib.domain.fees import Quote
from chalicelib.domain.money import format_money, sum_money
from chalicelib.domain.payments import Cart, CartPermit, Payment, PaymentLine


def quote_json(quote: Quote) -> dict[str, Any]:
    """The summary's money fields in the API's shape."""
    return {
        "total_fees": format_money(quote.total_fees),
        "payment_method": quote.method.value,
        "convenience_fee": {"label": quote.label, "amount": format_money(quote.convenience_fee)},
        "total_due": format_money(quote.total_due),
    }


def cart_permit_json(permit: CartPermit) -> dict[str, Any]:
    return {
        "permit_no": permit.permit_no, "address": permit.address,
        "fees": [{"fee_id": f.fee_id, "description": f.description, "amount": format_money(f.amount)}
                 for f in permit.fees],
        "subtotal": format_money(permit.subtotal),
    }


def cart_json(cart: Cart, pending: Iterable[Payment] = ()) -> dict[str, Any]:
    """`GET /cart`: the permits with fees due now and their total, and the payments in progress that
    hold fees taken out of it (until their hold ends)."""
    return {"items": [cart_permit_json(p) for p in cart.permits], "total_fees": format_money(cart.total_fees),
            "pending_payments": [pending_payment_json(p) for p in pending]}


def pending_payment_json(payment: Payment) -> dict[str, Any]:
    return {"payment_id": payment.payment_id, "permit_nos": payment.permit_nos,
            "total_due": format_money(payment.total_due), "expires_at": rfc3339(payment.expires_at)}


def summary_json(cart: Cart, quote: Quote) -> dict[str, Any]:
    """The Checkout Summary: the cart's items and the quote's money fields."""
    return {"items": [cart_permit_json(p) for p in cart.permits], **quote_json(quote)}


def checkout_json(payment: Payment, cart: Cart, quote: Quote, redirect_url: str) -> dict[str, Any]:
    """`POST /checkout`'s answer: the PENDING payment, where to pay it, and the summary it froze."""
    return {
        "payment_id": payment.payment_id, "status": payment.status.value, "redirect_url": redirect_url,
        "expires_at": rfc3339(payment.expires_at), "created_at": rfc3339(payment.created_at),
        **summary_json(cart, quote),
    }


def lines_json(lines: Iterable[PaymentLine]) -> list[dict[str, Any]]:
    """A payment's lines per permit, sorted by permit number: what it paid, as the cart showed it."""
    by_permit: dict[str, list[PaymentLine]] = {}
    for line in lines:
        by_permit.setdefault(line.permit_no, []).append(line)
    return [{"permit_no": no, "address": group[0].address,
             "fees": [{"fee_id": f.fee_id, "description": f.description, "amount": format_money(f.amount)}
                      for f in group],
             "subtotal": format_money(sum_money(f.amount for f in group))}
            for no, group in sorted(by_permit.items())]


def payment_json(payment: Payment, now: datetime) -> dict[str, Any]:
    """A payment (Paid Items) or a receipt: the same shape, every fee line it carries."""
    return {
        "payment_id": payment.payment_id,
        "receipt_no": payment.receipt_no,
        # Only an approved payment has a receipt; the site offers one where this says so.
        "receipt_available": payment.has_receipt,
        "status": payment.effective_status(now).value,
        "payment_method": payment.payment_method.value,
        "created_at": rfc3339(payment.created_at),
        "expires_at": rfc3339(payment.expires_at),
        "paid_at": rfc3339(payment.paid_at) if payment.paid_at else None,
        "transaction_id": payment.transaction_id,
        "items": lines_json(payment.lines),
        "total_fees": format_money(payment.total_fees),
        "convenience_fee": {"label": payment.convenience_label, "amount": format_money(payment.convenience_fee)},
        "total_due": format_money(payment.total_due),
        # `applied`: this payment paid its fees. `refund_required`: money was received that paid nothing
        # (the payment itself when not applied, or a further approval listed in unapplied_transactions).
        "applied": payment.applied,
        "refund_required": payment.refund_due,
        "unapplied_transactions": [{"transaction_id": u.transaction_id, "amount": format_money(u.amount)}
                                   for u in payment.unapplied],
    }


def callback_json(payment_id: str, status: str, refund_required: bool) -> dict[str, Any]:
    """What the portal's callback is answered."""
    return {"payment_id": payment_id, "status": status, "refund_required": refund_required}
