"""The guide's View/Edit Profile: the company's contact details (admins change them, office users
read them), and each user's own password and security question (every user)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import no_content, ok, parse_body, route
from chalicelib.api.schemas import PasswordChange, ProfileUpdate, SecurityQuestionChange
from chalicelib.domain.accounts import CompanyDuty

if TYPE_CHECKING:
    from chalicelib.domain.accounts import Company, User

bp = Blueprint(__name__)


def profile_view(account: tuple[Company, User]) -> dict[str, Any]:
    """API.md's profile: the business's details and the security question, never a secret."""
    company, user = account
    return {"company_name": company.company_name, "license_no": company.license_no,
            "address": company.address, "city": company.city, "state": company.state, "zip": company.zip,
            "email": company.email, "phone": company.phone, "cell_phone": company.cell_phone,
            "fax": company.fax, "security_question": user.security_question}


@route(bp, "/profile", methods=["GET"])
def get_profile() -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.PROFILE)
    return ok(profile_view(bootstrap.profiles().get(principal)))


@route(bp, "/profile", methods=["PUT"])
def put_profile() -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.EDIT_PROFILE)
    body = parse_body(bp.current_request, ProfileUpdate)
    fields = body.model_dump(exclude={"current_password"})
    return ok(profile_view(bootstrap.profiles().update(principal, fields, body.current_password)))


@route(bp, "/profile/password", methods=["PUT"])
def put_password() -> object:
    principal = guard.contractor(bp.current_request)
    body = parse_body(bp.current_request, PasswordChange)
    bootstrap.accounts().change_password(principal, body.current_password, body.password, body.password_confirm)
    return no_content()


@route(bp, "/profile/security-question", methods=["PUT"])
def put_security_question() -> object:
    principal = guard.contractor(bp.current_request)
    body = parse_body(bp.current_request, SecurityQuestionChange)
    bootstrap.accounts().change_security_question(
        principal, body.current_password, body.current_secret_answer, body.security_question,
        body.secret_answer, body.secret_answer_confirm)
    return no_content()
