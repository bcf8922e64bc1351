"""The Checkout Summary and `POST /checkout` (the guide's PROCEED TO PAYMENT)."""

from __future__ import annotations

from collections.abc import Mapping

from chalice import Blueprint
from pydantic import Field

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import ok, parse_body, route
from chalicelib.api.payment_views import checkout_json, summary_json
from chalicelib.api.schemas import Strict
from chalicelib.domain.accounts import CompanyDuty
from chalicelib.domain.activity import Actor

bp = Blueprint(__name__)

DEFAULT_METHOD = "credit_card"


class CheckoutRequest(Strict):
    payment_method: str = Field(min_length=1, max_length=40)


@route(bp, "/checkout/payment-methods", methods=["GET"])
def payment_methods() -> object:
    """The payment types on offer with their radio labels, from the configured fee schedule."""
    schedule = bootstrap.fee_schedule()
    items = [{"payment_method": m.value, "label": schedule.method_label(m)} for m in schedule.methods]
    return ok({"total": len(items), "items": items, "convenience_fee_label": schedule.label})


@route(bp, "/checkout/summary", methods=["GET"])
def summary() -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.PAYMENTS)
    query: Mapping[str, str] = bp.current_request.query_params or {}
    method = query.get("payment_method", DEFAULT_METHOD)
    cart, quote = bootstrap.cart().summary(principal.principal_id, method)
    return ok(summary_json(cart, quote))


@route(bp, "/checkout", methods=["POST"])
def checkout() -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.PAYMENTS)
    body = parse_body(bp.current_request, CheckoutRequest)
    done = bootstrap.checkout().checkout(principal.principal_id, body.payment_method, Actor.of(principal))
    return ok(checkout_json(done.payment, done.cart, done.quote, done.redirect_url), status=201)
