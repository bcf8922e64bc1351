"""Paid Items, receipts, and the payment portal's callback (public, authenticated by its signature)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api import deps, guard
from chalicelib.api.http import ok, route
from chalicelib.payments.signature import SIGNATURE_HEADER

bp = Blueprint(__name__)


@route(bp, "/payments", methods=["GET"])
def list_payments() -> object:
    principal = guard.contractor(bp.current_request)
    items = deps.payments().list(principal.principal_id)
    return ok({"total": len(items), "items": items})


@route(bp, "/payments/{payment_id}", methods=["GET"])
def get_payment(payment_id: str) -> object:
    principal = guard.contractor(bp.current_request)
    return ok(deps.payments().receipt(principal.principal_id, payment_id))


@route(bp, "/payments/callback", methods=["POST"])
def callback() -> object:
    """The portal's outcome: the signature is checked on the raw bytes, before any parsing."""
    request = bp.current_request
    raw = request.raw_body or b""
    return ok(deps.payments().handle_callback(raw, request.headers.get(SIGNATURE_HEADER.lower())))
