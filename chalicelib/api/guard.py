"""Who is calling: bearer token → principal, and the role checks, in one place."""

from __future__ import annotations

from chalice.app import Request

from chalicelib import bootstrap
from chalicelib.api.http import bearer_token
from chalicelib.domain.accounts import (
    CompanyDuty,
    Principal,
    Role,
    StaffDuty,
    company_may,
    role_label,
    staff_may,
)
from chalicelib.domain.errors import Forbidden


def signed_in(request: Request, allow_setup: bool = False) -> Principal:
    principal = bootstrap.accounts().authenticate(bearer_token(request))
    if principal.setup_only and not allow_setup:
        raise Forbidden("Finish first-login set-up (security question and new password) first.", slug="setup-required")
    return principal


def contractor(request: Request, duty: CompanyDuty = CompanyDuty.PERMITS) -> Principal:
    """A company user whose role includes `duty` (chalicelib.domain.accounts.COMPANY_DUTIES)."""
    principal = signed_in(request)
    if principal.role is not Role.CONTRACTOR:
        raise Forbidden("This is for contractors.")
    if not company_may(principal.user_role, duty):
        raise Forbidden(f"Your role ({role_label(principal.user_role)}) cannot do this ({duty.value}). "
                        "Ask your company's administrator.", slug="role-forbidden")
    return principal


def staff(request: Request, duty: StaffDuty) -> Principal:
    """A staff member whose role includes `duty` (chalicelib.domain.accounts.STAFF_DUTIES)."""
    principal = signed_in(request)
    if principal.role is not Role.STAFF:
        raise Forbidden("This is for Community Development staff.")
    if not staff_may(principal.staff_role, duty):
        raise Forbidden(f"A {principal.staff_role or 'staff'} account cannot do this ({duty.value}).",
                        slug="staff-role")
    return principal


def reader(request: Request) -> str | None:
    """A company user who may read permits, or any staff member who may read them: the company's id, or
    None for staff (who see every company's records). For the county's public records (properties)."""
    principal = signed_in(request)
    if principal.role is Role.STAFF:
        if not staff_may(principal.staff_role, StaffDuty.VIEW_PERMITS):
            raise Forbidden(f"A {principal.staff_role or 'staff'} account cannot do this.", slug="staff-role")
        return None
    return contractor(request, CompanyDuty.PERMITS).principal_id
