"""Staff accounts per person (docs/back-office.md, "Staff accounts"): the supervisor's list, invitations
and changes; the invited person's acceptance; a staff member's own password."""

from __future__ import annotations

from typing import Any, Literal

from chalice import Blueprint
from pydantic import Field

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import client_address, no_content, ok, parse_body, route
from chalicelib.api.paging import page_params
from chalicelib.api.schemas import Strict
from chalicelib.clock import rfc3339
from chalicelib.domain.accounts import StaffDuty, StaffUser

bp = Blueprint(__name__)

StaffRoleName = Literal["clerk", "inspector", "supervisor"]


class NewStaffBody(Strict):
    username: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=100)
    email: str = Field(min_length=1, max_length=254)
    role: StaffRoleName


class StaffPatchBody(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    role: StaffRoleName | None = None
    disabled: bool | None = None


class InvitationAcceptBody(Strict):
    username: str = Field(min_length=1, max_length=64)
    code: str = Field(min_length=1, max_length=40)
    password: str = Field(max_length=200)
    password_confirm: str = Field(max_length=200)


class StaffPasswordBody(Strict):
    current_password: str = Field(max_length=200)
    password: str = Field(max_length=200)
    password_confirm: str = Field(max_length=200)


def staff_user_view(user: StaffUser) -> dict[str, Any]:
    """`{"username", "name", "email", "role", "status", "invited_at"?, "last_sign_in_at"?}`; never a secret."""
    view: dict[str, Any] = {"username": user.username, "name": user.display_name, "email": user.email,
                            "role": user.role.value, "status": user.status.value}
    if user.invited_at is not None:
        view["invited_at"] = rfc3339(user.invited_at)
    if user.last_sign_in_at is not None:
        view["last_sign_in_at"] = rfc3339(user.last_sign_in_at)
    return view


@route(bp, "/staff/users", methods=["GET"])
def list_staff() -> object:
    guard.staff(bp.current_request, StaffDuty.STAFF_USERS)
    limit, cursor = page_params(bp.current_request.query_params)
    users, next_cursor = bootstrap.staff_accounts().staff_page(limit, cursor)
    return ok({"items": [staff_user_view(u) for u in users], "next_cursor": next_cursor})


@route(bp, "/staff/users", methods=["POST"])
def invite_staff() -> object:
    supervisor = guard.staff(bp.current_request, StaffDuty.STAFF_USERS)
    body = parse_body(bp.current_request, NewStaffBody)
    from chalicelib.services.staff_accounts import NewStaff

    user = bootstrap.staff_accounts().invite(NewStaff(body.username, body.name, body.email, body.role),
                                             by=supervisor.principal_id)
    return ok(staff_user_view(user), 201)


@route(bp, "/staff/users/{username}/invitation", methods=["POST"])
def reinvite_staff(username: str) -> object:
    supervisor = guard.staff(bp.current_request, StaffDuty.STAFF_USERS)
    return ok(staff_user_view(bootstrap.staff_accounts().reinvite(username, by=supervisor.principal_id)))


@route(bp, "/staff/users/{username}", methods=["PATCH"])
def change_staff(username: str) -> object:
    supervisor = guard.staff(bp.current_request, StaffDuty.STAFF_USERS)
    body = parse_body(bp.current_request, StaffPatchBody)
    user = bootstrap.staff_accounts().change(username, by=supervisor.principal_id, name=body.name, role=body.role,
                                             disabled=body.disabled)
    return ok(staff_user_view(user))


@route(bp, "/staff/me/password", methods=["PUT"])
def change_my_password() -> object:
    me = guard.staff(bp.current_request, StaffDuty.VIEW_PERMITS)
    body = parse_body(bp.current_request, StaffPasswordBody)
    bootstrap.staff_accounts().change_staff_password(me, body.current_password, body.password,
                                                     body.password_confirm)
    return no_content()


@route(bp, "/auth/staff-invitations/accept", methods=["POST"])
def accept_invitation() -> object:
    body = parse_body(bp.current_request, InvitationAcceptBody)
    result = bootstrap.staff_accounts().accept_invitation(body.username, body.code, body.password,
                                                          body.password_confirm, client_address(bp.current_request))
    return ok({"token": result.token, "expires_at": rfc3339(result.expires_at),
               "role": result.role.value, "must_complete_setup": result.must_complete_setup})
