"""The sandbox payment portal's buttons: `POST /sandbox/payments/{payment_id}`. 404 unless the provider is sandbox."""

from __future__ import annotations

from typing import Literal

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import ok, parse_body, route
from chalicelib.api.payment_views import payment_json
from chalicelib.api.schemas import Strict
from chalicelib.domain.accounts import CompanyDuty
from chalicelib.domain.errors import NotFound

bp = Blueprint(__name__)


class SandboxOutcome(Strict):
    outcome: Literal["approved", "declined", "cancelled"]


@route(bp, "/sandbox/payments/{payment_id}", methods=["POST"])
def sandbox_payment(payment_id: str) -> object:
    if bootstrap.settings().payment_provider.strip().lower() != "sandbox":
        raise NotFound("There is no sandbox payment portal in this mode.")
    principal = guard.contractor(bp.current_request, CompanyDuty.PAYMENTS)
    body = parse_body(bp.current_request, SandboxOutcome)
    receipt = bootstrap.payments().sandbox_outcome(principal.principal_id, payment_id, body.outcome)
    return ok(payment_json(receipt, bootstrap.clock().now()))
