"""Paid Items, receipts, and the payment portal's callback (public, authenticated by its signature)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api import deps, guard
from chalicelib.api.http import ok, route
from chalicelib.api.payment_views import callback_json, payment_json, payments_json
from chalicelib.payments.signature import SIGNATURE_HEADER

bp = Blueprint(__name__)


@route(bp, "/payments", methods=["GET"])
def list_payments() -> object:
    principal = guard.contractor(bp.current_request)
    payments = deps.payments().list(principal.principal_id)
    return ok(payments_json(payments, deps.clock().now()))


@route(bp, "/payments/{payment_id}", methods=["GET"])
def get_payment(payment_id: str) -> object:
    principal = guard.contractor(bp.current_request)
    receipt = deps.payments().receipt(principal.principal_id, payment_id)
    return ok(payment_json(receipt, deps.clock().now()))


@route(bp, "/payments/callback", methods=["POST"])
def callback() -> object:
    """The portal's outcome: the signature is checked on the raw bytes, before any parsing."""
    request = bp.current_request
    raw = request.raw_body or b""
    done = deps.payments().handle_callback(raw, request.headers.get(SIGNATURE_HEADER.lower()))
    return ok(callback_json(done.payment_id, done.status.value, done.refund_required))
