"""A company's named users (API.md Part 2, "Companies and their users"): the signed-in user and their
notifications, the admin's Users page, accepting an invitation, and the company's activity."""

from __future__ import annotations

from typing import Any, Literal

from chalice import Blueprint
from pydantic import Field

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.auth import signed_in_view
from chalicelib.api.http import client_address, ok, parse_body, route
from chalicelib.api.paging import page_params
from chalicelib.api.schemas import Strict
from chalicelib.clock import rfc3339
from chalicelib.domain.accounts import Company, CompanyDuty, User, company_duties

bp = Blueprint(__name__)

CompanyRoleName = Literal["admin", "office", "field"]


class NotificationsBody(Strict):
    inspection_results: bool
    payments: bool
    expiry_reminders: bool
    application_updates: bool


class NewUserBody(Strict):
    email: str = Field(min_length=1, max_length=254)
    name: str = Field(min_length=1, max_length=100)
    role: CompanyRoleName


class UserPatchBody(Strict):
    role: CompanyRoleName | None = None
    disabled: bool | None = None


class CompanyInvitationAcceptBody(Strict):
    contractor_id: str = Field(min_length=1, max_length=64)
    email: str = Field(min_length=1, max_length=254)
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=100)
    security_question: str = Field(max_length=200)
    secret_answer: str = Field(max_length=200)
    secret_answer_confirm: str = Field(max_length=200)
    password: str = Field(max_length=200)
    password_confirm: str = Field(max_length=200)


def user_view(user: User) -> dict[str, Any]:
    """A company's user as its admins see them; never a secret."""
    return {"user_id": user.user_id, "email": user.email, "name": user.name, "role": user.role.value,
            "status": user.status.value, "first_admin": user.first_admin,
            "invited_at": rfc3339(user.invited_at) if user.invited_at else None,
            "last_sign_in_at": rfc3339(user.last_sign_in_at) if user.last_sign_in_at else None}


def me_view(company: Company, user: User) -> dict[str, Any]:
    """`GET /me`: who is signed in, their notifications, and what their role may do (`may`: the site
    shows only that, reading the rule from here instead of restating it)."""
    return {"user_id": user.user_id, "email": user.email, "name": user.name, "role": user.role.value,
            "contractor_id": company.contractor_id, "company_name": company.company_name,
            "first_admin": user.first_admin, "security_question": user.security_question,
            "notifications": dict(user.notifications),
            "may": [duty.value for duty in company_duties(user.role.value)]}


@route(bp, "/me", methods=["GET"])
def get_me() -> object:
    principal = guard.contractor(bp.current_request)
    return ok(me_view(*bootstrap.company_users().me(principal)))


@route(bp, "/me/notifications", methods=["PUT"])
def put_notifications() -> object:
    principal = guard.contractor(bp.current_request)
    body = parse_body(bp.current_request, NotificationsBody)
    return ok(me_view(*bootstrap.company_users().set_notifications(principal, body.model_dump())))


@route(bp, "/company/users", methods=["GET"])
def list_users() -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.USERS)
    return ok({"items": [user_view(u) for u in bootstrap.company_users().users(principal)], "next_cursor": None})


@route(bp, "/company/users", methods=["POST"])
def invite_user() -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.USERS)
    body = parse_body(bp.current_request, NewUserBody)
    return ok(user_view(bootstrap.company_users().invite(principal, body.email, body.name, body.role)), 201)


@route(bp, "/company/users/{user_id}/invitation", methods=["POST"])
def resend_invitation(user_id: str) -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.USERS)
    return ok(user_view(bootstrap.company_users().resend_invitation(principal, user_id)))


@route(bp, "/company/users/{user_id}", methods=["PATCH"])
def change_user(user_id: str) -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.USERS)
    body = parse_body(bp.current_request, UserPatchBody)
    return ok(user_view(bootstrap.company_users().change(principal, user_id, role=body.role, disabled=body.disabled)))


@route(bp, "/auth/invitations/accept", methods=["POST"])
def accept_invitation() -> object:
    body = parse_body(bp.current_request, CompanyInvitationAcceptBody)
    return signed_in_view(bootstrap.company_users().accept_invitation(
        body.contractor_id, body.email.strip(), body.code, body.name, body.security_question, body.secret_answer,
        body.secret_answer_confirm, body.password, body.password_confirm, client_address(bp.current_request)))


@route(bp, "/company/activity", methods=["GET"])
def company_activity() -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.ACTIVITY)
    limit, cursor = page_params(bp.current_request.query_params)
    page = bootstrap.company_users().activity(principal, limit, cursor)
    return ok({"items": [{"at": rfc3339(e.at), "user_id": e.user_id, "user_email": e.user_email,
                          "user_name": page.names.get(e.user_id, ""), "action": e.action.value,
                          "subject": e.subject, "detail": e.detail} for e in page.entries],
               "next_cursor": page.next_cursor})
