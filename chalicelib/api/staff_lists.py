"""The back office's lists (docs/back-office.md "Lists"): contractors, permits, the day's inspections, today.

Pages are `{"items", "next_cursor"}` with `?limit=` (at most 200) and `?cursor=`; every search is a Query
or a GetItem (chalicelib/services/staff_lists.py). A section of `GET /staff/today` the role may not see
is left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import county_today, ok, query_day, route
from chalicelib.api.paging import page_params
from chalicelib.api.permit_views import inspection_view
from chalicelib.api.staff_payments import payment_row
from chalicelib.domain.accounts import Company, StaffDuty, User, staff_may
from chalicelib.domain.money import format_money
from chalicelib.domain.permits import Permit

bp = Blueprint(__name__)

TODAY_LIMIT = 200
"""The most refunds `GET /staff/today` lists (the queue itself is `GET /staff/payments?refund_required=true`)."""


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# --- views -----------------------------------------------------------------------------------------


def contractor_row(company: Company, user: User) -> dict[str, Any]:
    return {"contractor_id": company.contractor_id, "company_name": company.company_name,
            "license_no": company.license_no, "email": company.email, "phone": company.phone,
            "setup_done": user.setup_complete}


def staff_permit_row(permit: Permit, company_name: str, now: datetime) -> dict[str, Any]:
    """A permit in the back office's lists: its number, place, state, whose it is and what is due now."""
    return {"permit_no": permit.permit_no, "address": permit.address, "type": permit.type,
            "status": permit.status.value, "contractor_id": permit.contractor_id, "company_name": company_name,
            "fees_due": format_money(permit.fees_due(now)), "applied_date": _iso(permit.applied_date),
            "issued_date": _iso(permit.issued_date), "expires_date": _iso(permit.expires_date),
            "expired": permit.expired}


def _day_inspections(day: date) -> list[dict[str, Any]]:
    return [{**inspection_view(d.inspection, d.address), "company_name": d.company_name}
            for d in bootstrap.staff_lists().inspections_on(day)]


def _query() -> Mapping[str, str]:
    return bp.current_request.query_params or {}


# --- routes ----------------------------------------------------------------------------------------


@route(bp, "/staff/contractors", methods=["GET"])
def search_contractors() -> object:
    guard.staff(bp.current_request, StaffDuty.CONTRACTORS)
    query = _query()
    limit, cursor = page_params(query)
    found, next_cursor = bootstrap.staff_lists().contractors(query.get("q"), limit, cursor)
    return ok({"items": [contractor_row(c, u) for c, u in found], "next_cursor": next_cursor})


@route(bp, "/staff/contractors/{contractor_id}", methods=["GET"])
def contractor_detail(contractor_id: str) -> object:
    """The row, the address on file, and a page of the contractor's permits (`?limit=`/`?cursor=` page
    them; `permits_next_cursor` is the next page's)."""
    guard.staff(bp.current_request, StaffDuty.CONTRACTORS)
    limit, cursor = page_params(_query(), default=TODAY_LIMIT)
    found = bootstrap.staff_lists().contractor(contractor_id, limit, cursor)
    company, now = found.company, bootstrap.clock().now()
    return ok({**contractor_row(company, found.user), "address": company.address, "city": company.city,
               "state": company.state, "zip": company.zip,
               "permits": [staff_permit_row(p, company.company_name, now) for p in found.permits.permits],
               "permits_next_cursor": found.permits.next_cursor})


@route(bp, "/staff/permits", methods=["GET"])
def search_permits() -> object:
    guard.staff(bp.current_request, StaffDuty.VIEW_PERMITS)
    query = _query()
    limit, cursor = page_params(query)
    found = bootstrap.staff_lists().permits(query.get("q"), query.get("status"), limit, cursor)
    now = bootstrap.clock().now()
    return ok({"items": [staff_permit_row(p, found.company_names.get(p.contractor_id, ""), now)
                         for p in found.permits], "next_cursor": found.next_cursor})


@route(bp, "/staff/inspections", methods=["GET"])
def day_inspections() -> object:
    guard.staff(bp.current_request, StaffDuty.INSPECTIONS)
    day = query_day(_query()) or county_today()
    return ok({"date": day.isoformat(), "items": _day_inspections(day)})


@route(bp, "/staff/today", methods=["GET"])
def today() -> object:
    """Today's work: the sections of the duties the caller's role has."""
    role = guard.staff(bp.current_request, StaffDuty.VIEW_PERMITS).staff_role
    day, now = county_today(), bootstrap.clock().now()
    lists = bootstrap.staff_lists()
    body: dict[str, Any] = {"date": day.isoformat()}
    if staff_may(role, StaffDuty.INSPECTIONS):
        body["inspections"] = _day_inspections(day)
    if staff_may(role, StaffDuty.PERMITS):  # issuing is the counter's work, not the field's
        waiting = lists.awaiting_issue()
        body["awaiting_issue"] = [staff_permit_row(p, waiting.company_names.get(p.contractor_id, ""), now)
                                  for p in waiting.permits]
    if staff_may(role, StaffDuty.PAYMENTS):
        refunds = bootstrap.staff_payments().refunds_required(TODAY_LIMIT)
        body["refunds_required"] = [payment_row(r, now) for r in refunds.rows]
    body["unread_notices"] = bootstrap.notices().unread_count()
    return ok(body)
