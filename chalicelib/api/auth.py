"""Sign-in, first-login set-up, logout and the forgotten-password flow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import client_address, no_content, ok, parse_body, route
from chalicelib.api.schemas import (
    LoginRequest,
    ResetRequest,
    ResetStartRequest,
    ResetVerifyRequest,
    SetupRequest,
    StaffLoginRequest,
)
from chalicelib.clock import rfc3339

if TYPE_CHECKING:
    from chalicelib.services.accounts import SignedIn

bp = Blueprint(__name__)


def _source() -> str:
    """The caller's address: failures are also counted per source."""
    return client_address(bp.current_request)


def signed_in_view(result: SignedIn) -> object:
    return ok({"token": result.token, "expires_at": rfc3339(result.expires_at),
               "role": result.role.value, "must_complete_setup": result.must_complete_setup})


@route(bp, "/auth/login", methods=["POST"])
def login() -> object:
    body = parse_body(bp.current_request, LoginRequest)
    return signed_in_view(bootstrap.accounts().login(body.contractor_id, body.password, _source(), body.email.strip()))


@route(bp, "/auth/staff-login", methods=["POST"])
def staff_login() -> object:
    body = parse_body(bp.current_request, StaffLoginRequest)
    return signed_in_view(bootstrap.accounts().staff_login(body.username, body.password, _source()))


@route(bp, "/auth/setup", methods=["POST"])
def setup() -> object:
    principal = guard.signed_in(bp.current_request, allow_setup=True)
    body = parse_body(bp.current_request, SetupRequest)
    return signed_in_view(bootstrap.accounts().complete_setup(
        principal, body.security_question, body.secret_answer, body.secret_answer_confirm,
        body.password, body.password_confirm))


@route(bp, "/auth/logout", methods=["POST"])
def logout() -> object:
    principal = guard.signed_in(bp.current_request, allow_setup=True)
    bootstrap.accounts().logout(principal)
    return no_content()


@route(bp, "/auth/password-reset/start", methods=["POST"])
def reset_start() -> object:
    body = parse_body(bp.current_request, ResetStartRequest)
    bootstrap.accounts().start_reset(body.contractor_id, body.email.strip())
    return ok({"status": "If the business has an e-mail address on file, a code was sent to it."}, 202)


@route(bp, "/auth/password-reset/verify", methods=["POST"])
def reset_verify() -> object:
    body = parse_body(bp.current_request, ResetVerifyRequest)
    token, question = bootstrap.accounts().verify_reset(body.contractor_id, body.code, _source(), body.email.strip())
    return ok({"reset_token": token, "security_question": question})


@route(bp, "/auth/password-reset", methods=["POST"])
def reset() -> object:
    body = parse_body(bp.current_request, ResetRequest)
    bootstrap.accounts().reset_password(body.reset_token, body.secret_answer, body.password, body.password_confirm,
                                    _source())
    return no_content()
