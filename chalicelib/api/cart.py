"""The shopping cart (the guide's VIEW CART and "Pay All Fees")."""

from __future__ import annotations

from chalice import Blueprint
from pydantic import Field

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import ok, parse_body, route
from chalicelib.api.payment_views import cart_json
from chalicelib.api.schemas import Strict
from chalicelib.domain.accounts import CompanyDuty
from chalicelib.domain.payments import Cart

bp = Blueprint(__name__)


class CartAdd(Strict):
    permit_no: str = Field(min_length=1, max_length=64)


def _answer(contractor_id: str, cart: Cart) -> object:
    """Every cart route answers the cart with the payments in progress beside it."""
    return ok(cart_json(cart, bootstrap.cart().pending_payments(contractor_id)))


@route(bp, "/cart", methods=["GET"])
def get_cart() -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.PAYMENTS)
    return _answer(principal.principal_id, bootstrap.cart().cart(principal.principal_id))


@route(bp, "/cart/items", methods=["POST"])
def add_item() -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.PAYMENTS)
    body = parse_body(bp.current_request, CartAdd)
    return _answer(principal.principal_id, bootstrap.cart().add(principal.principal_id, body.permit_no))


@route(bp, "/cart/items/{permit_no}", methods=["DELETE"])
def remove_item(permit_no: str) -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.PAYMENTS)
    return _answer(principal.principal_id, bootstrap.cart().remove(principal.principal_id, permit_no))


class NoFields(Strict):
    """Pay All Fees takes no input; a body with fields in it is a client mistake (400)."""


@route(bp, "/cart/pay-all", methods=["POST"])
def pay_all() -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.PAYMENTS)
    parse_body(bp.current_request, NoFields)
    return _answer(principal.principal_id, bootstrap.cart().pay_all(principal.principal_id))
