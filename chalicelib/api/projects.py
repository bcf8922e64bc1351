"""Projects: Search Projects, a project with its fees due, Pay Fees, and staff creating them (API.md Part 2)."""

from __future__ import annotations

from chalice import Blueprint
from pydantic import Field

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.cart import _answer
from chalicelib.api.http import county_today, ok, parse_body, route
from chalicelib.api.paging import page_of, page_params
from chalicelib.api.place_views import project_detail, project_json
from chalicelib.api.schemas import Strict
from chalicelib.domain.accounts import CompanyDuty, StaffDuty
from chalicelib.domain.money import format_money

bp = Blueprint(__name__)


class NewProjectBody(Strict):
    project_no: str | None = Field(default=None, min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=120)
    contractor_id: str = Field(min_length=1, max_length=64)
    parcel_no: str | None = Field(default=None, max_length=40)


@route(bp, "/projects", methods=["GET"])
def list_projects() -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.PERMITS)
    query: dict[str, str] = dict(bp.current_request.query_params or {})
    limit, cursor = page_params(query)
    found = bootstrap.projects().of_company(principal.principal_id, (query.get("q") or "")[:200])
    page, next_cursor = page_of(found, limit, cursor, lambda pair: pair[0].project_no)
    return ok({"items": [{**project_json(p), "fees_due": format_money(due)} for p, due in page],
               "next_cursor": next_cursor})


@route(bp, "/projects/{project_no}", methods=["GET"])
def get_project(project_no: str) -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.PERMITS)
    project, permits = bootstrap.projects().project(project_no, principal.principal_id)
    return ok(project_detail(project, permits, bootstrap.clock().now(), county_today()))


@route(bp, "/staff/projects", methods=["POST"])
def create_project() -> object:
    guard.staff(bp.current_request, StaffDuty.PERMITS)
    body = parse_body(bp.current_request, NewProjectBody)
    project = bootstrap.projects().create(body.name, body.contractor_id, body.project_no, body.parcel_no)
    return ok(project_detail(project, [], bootstrap.clock().now(), county_today()), 201)


@route(bp, "/cart/projects/{project_no}", methods=["POST"])
def pay_project_fees(project_no: str) -> object:
    """Projects ▶ Pay Fees: every fee due on the project's permits into the cart (GET /cart's shape)."""
    principal = guard.contractor(bp.current_request, CompanyDuty.PAYMENTS)
    return _answer(principal.principal_id, bootstrap.cart().add_project(principal.principal_id, project_no))
