"""Staff roles are checked in one place (chalicelib.domain.accounts.STAFF_DUTIES via guard.staff):
every staff route, walked for every role — a contractor gets 403 on all of them, a clerk on the
inspection and job routes, an inspector on everything but reading permits and inspections."""

from __future__ import annotations

import re

import pytest

from chalicelib.domain.accounts import STAFF_DUTIES, StaffRole
from tests.conftest import Api, sign_in_as

# What each staff route is for; a route missing here fails the walk, so a new one must be placed.
ROUTE_DUTIES = {
    ("POST", "/staff/contractors"): "contractors",
    ("POST", "/staff/contractors/{contractor_id}/pin"): "contractors",
    ("POST", "/staff/permits"): "permits",
    ("GET", "/staff/permits/{permit_no}"): "view-permits",
    ("PATCH", "/staff/permits/{permit_no}"): "permits",
    ("POST", "/staff/permits/{permit_no}/fees"): "fees",
    ("POST", "/staff/permits/{permit_no}/issue"): "permits",
    ("POST", "/staff/permits/{permit_no}/reviews"): "permits",
    ("POST", "/staff/permits/{permit_no}/attachments"): "permits",
    ("POST", "/staff/permits/{permit_no}/inspections"): "inspections",
    ("POST", "/staff/inspections/{inspection_id}/result"): "inspections",
    ("POST", "/staff/jobs/flag-expired"): "job",
    ("GET", "/staff/audit"): "audit",
    ("GET", "/staff/me"): "view-permits",
    ("POST", "/staff/payments/{payment_id}/refund"): "refunds",
    ("GET", "/staff/users"): "staff-users",
    ("POST", "/staff/users"): "staff-users",
    ("POST", "/staff/users/{username}/invitation"): "staff-users",
    ("PATCH", "/staff/users/{username}"): "staff-users",
    ("PUT", "/staff/me/password"): "view-permits",
    ("POST", "/staff/permits/{permit_no}/status"): "permits",
    ("POST", "/staff/permits/{permit_no}/fees/{fee_id}/void"): "voids",
    ("POST", "/staff/permits/{permit_no}/fees/{fee_id}/adjust"): "voids",
    ("POST", "/staff/inspections/{inspection_id}/correction"): "inspections",
    ("GET", "/staff/contractors"): "contractors",
    ("GET", "/staff/contractors/{contractor_id}"): "contractors",
    ("GET", "/staff/permits"): "view-permits",
    ("GET", "/staff/inspections"): "inspections",
    ("GET", "/staff/today"): "view-permits",
    ("GET", "/staff/notices"): "view-permits",
    ("POST", "/staff/notices/{notice_id}/read"): "view-permits",
    ("GET", "/staff/payments"): "payments",
    ("GET", "/staff/payments/{payment_id}"): "payments",
    ("GET", "/staff/payments/export"): "payments",
    ("POST", "/staff/properties/import"): "permits",
    ("POST", "/staff/projects"): "permits",
}


def staff_routes() -> list[tuple[str, str]]:
    from app import app

    return sorted((method, path) for path, entries in app.routes.items() if path.startswith("/staff/")
                  for method in entries)


def call(api: Api, method: str, path: str, token: str):
    concrete = re.sub(r"\{[^}]+\}", "NO-SUCH-1", path)
    return api.call(method, concrete, {} if method != "GET" else None, token)


def test_every_staff_route_has_a_duty() -> None:
    assert staff_routes() == sorted(ROUTE_DUTIES)


@pytest.mark.parametrize("role", list(StaffRole))
def test_each_role_is_refused_exactly_the_routes_outside_its_duties(api: Api, role: StaffRole) -> None:
    token = sign_in_as(api, role)
    allowed = {duty.value for duty in STAFF_DUTIES[role]}
    for method, path in staff_routes():
        response = call(api, method, path, token)
        if ROUTE_DUTIES[(method, path)] in allowed:
            assert response.status_code != 403, (role, method, path, response.body)
        else:
            assert response.status_code == 403, (role, method, path, response.status_code)
            assert response.json_body["type"].endswith("/problems/staff-role")


def test_the_roles_divide_the_work_as_the_back_office_does(api: Api) -> None:
    clerk, inspector = sign_in_as(api, StaffRole.CLERK), sign_in_as(api, StaffRole.INSPECTOR)
    # A clerk registers companies and assesses fees but records no result and runs no job.
    assert call(api, "POST", "/staff/contractors", clerk).status_code == 400
    assert call(api, "POST", "/staff/inspections/{id}/result", clerk).status_code == 403
    assert call(api, "POST", "/staff/jobs/flag-expired", clerk).status_code == 403
    # An inspector reads permits and records results but touches no fee or company.
    assert call(api, "GET", "/staff/permits/{no}", inspector).status_code == 404
    assert call(api, "POST", "/staff/permits/{no}/fees", inspector).status_code == 403
    assert call(api, "POST", "/staff/contractors", inspector).status_code == 403


def test_a_contractor_gets_403_on_every_staff_route(api: Api, contractor) -> None:
    for method, path in staff_routes():
        response = call(api, method, path, contractor["token"])
        assert response.status_code == 403, (method, path, response.status_code)


def test_staff_me_names_the_person_and_the_duties_of_their_role(api):
    inspector = sign_in_as(api, StaffRole.INSPECTOR, "ipat")
    me = api.get("/staff/me", inspector).json_body
    assert me["username"] == "ipat" and me["role"] == "inspector"
    assert me["duties"] == ["inspections", "view-permits"]
