"""Paid Items, receipts, and the payment portal's callback (public, authenticated by its signature)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import ok, raw_body, route
from chalicelib.api.paging import page_params, paging_asked
from chalicelib.api.payment_views import callback_json, payment_json
from chalicelib.api.permit_views import listing
from chalicelib.domain.accounts import CompanyDuty
from chalicelib.domain.errors import NotFound
from chalicelib.payments.signature import SIGNATURE_HEADER

bp = Blueprint(__name__)


@route(bp, "/payments", methods=["GET"])
def list_payments() -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.PAYMENTS)
    query = bp.current_request.query_params
    limit, cursor = page_params(query)
    page, next_cursor = bootstrap.payments().page(principal.principal_id, limit, cursor)  # newest first
    now = bootstrap.clock().now()
    return ok(listing([payment_json(p, now) for p in page], next_cursor, paged=paging_asked(query)))


@route(bp, "/payments/{payment_id}", methods=["GET"])
def get_payment(payment_id: str) -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.PAYMENTS)
    receipt = bootstrap.payments().receipt(principal.principal_id, payment_id)
    return ok(payment_json(receipt, bootstrap.clock().now()))


@route(bp, "/payments/callback", methods=["POST"])
def callback() -> object:
    """The portal's outcome: the signature is checked on the raw bytes, before any parsing."""
    request = bp.current_request
    done = bootstrap.payments().handle_callback(raw_body(request), request.headers.get(SIGNATURE_HEADER.lower()))
    return ok(callback_json(done.payment_id, done.status.value, done.refund_required))


@route(bp, "/payments/stripe/webhook", methods=["POST"])
def stripe_webhook() -> object:
    """Stripe Checkout's events (chalicelib/payments/stripe.py), signed in `Stripe-Signature` with the
    callback's scheme, into the callback's own path. 404 unless the provider is stripe; an event that
    reports no outcome is answered 200 and ignored (Stripe retries anything else)."""
    if bootstrap.settings().payment_provider.strip().lower() != "stripe":
        raise NotFound("There is no Stripe webhook in this mode.")
    request = bp.current_request
    done = bootstrap.payments().handle_stripe_event(raw_body(request), request.headers.get("stripe-signature"))
    if done is None:
        return ok({"ignored": True})
    return ok(callback_json(done.payment_id, done.status.value, done.refund_required))
