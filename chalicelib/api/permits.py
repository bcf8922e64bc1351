"""Contractor routes: the dashboard, permit detail and search, requesting an inspection."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from chalice import Blueprint
from pydantic import Field

from chalicelib import bootstrap
from chalicelib.api import guard, permit_views
from chalicelib.api.http import county_today, ok, parse_body, route
from chalicelib.api.paging import page_params, paging_asked
from chalicelib.api.schemas import Strict
from chalicelib.domain.accounts import CompanyDuty
from chalicelib.domain.activity import Actor
from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.services.permits import InspectionRequest

bp = Blueprint(__name__)

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


class InspectionRequestBody(Strict):
    inspection_type: str = Field(min_length=1, max_length=80)
    date: str = Field(max_length=10, pattern=DATE_PATTERN)
    time_window: str | None = Field(default=None, max_length=10)
    notes: str = Field(default="", max_length=1000)


def to_date(value: str, field: str = "date") -> date:
    """A YYYY-MM-DD string that passed the pattern but may still not be a real day (2026-02-30)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"The {field} {value!r} is not a real calendar date.",
                           [FieldProblem(field, "must be a real date in YYYY-MM-DD form")]) from None


@route(bp, "/dashboard", methods=["GET"])
def dashboard() -> object:
    principal = guard.contractor(bp.current_request)
    permits = bootstrap.permits().dashboard(principal.principal_id)
    return ok(permit_views.dashboard(principal.principal_id, principal.display_name, permits, bootstrap.clock().now(),
                                     county_today()))


@route(bp, "/permits", methods=["GET"])
def search_permits() -> object:
    principal = guard.contractor(bp.current_request)
    query: Mapping[str, str] = bp.current_request.query_params or {}
    q, status = query.get("q", ""), query.get("status") or None
    if len(q) > 200:
        raise InvalidInput("The search text is too long.", [FieldProblem("q", "must be at most 200 characters")])
    limit, cursor = page_params(query)
    found = bootstrap.permits().search(principal.principal_id, q, status, limit, cursor)
    now, today = bootstrap.clock().now(), county_today()
    return ok(permit_views.listing([permit_views.search_row(p, now, today) for p in found.permits],
                                   found.next_cursor, paged=paging_asked(query)))


@route(bp, "/permits/{permit_no}", methods=["GET"])
def permit_detail(permit_no: str) -> object:
    principal = guard.contractor(bp.current_request)
    permit = bootstrap.permits().detail(principal.principal_id, permit_no)
    return ok(permit_views.permit_detail(permit, bootstrap.clock().now(), county_today()))


@route(bp, "/permits/{permit_no}/inspections", methods=["POST"])
def request_inspection(permit_no: str) -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.INSPECTIONS)
    body = parse_body(bp.current_request, InspectionRequestBody)
    request = InspectionRequest(body.inspection_type, to_date(body.date), body.time_window, body.notes)
    booked = bootstrap.permits().request_inspection(principal.principal_id, permit_no, request, Actor.of(principal))
    return ok(permit_views.inspection_view(booked), 201)
