"""Contractor routes: upcoming inspections, and cancelling one before the cut-off."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import guard, permit_views
from chalicelib.api.http import no_content, ok, route
from chalicelib.api.paging import page_of, page_params, paging_asked
from chalicelib.domain.accounts import CompanyDuty
from chalicelib.domain.activity import Actor

bp = Blueprint(__name__)


@route(bp, "/inspections/scheduled", methods=["GET"])
def scheduled_inspections() -> object:
    principal = guard.contractor(bp.current_request)
    limit, cursor = page_params(bp.current_request.query_params)
    upcoming = bootstrap.permits().scheduled(principal.principal_id)
    page, next_cursor = page_of(upcoming, limit, cursor,
                                lambda pair: f"{pair[0].date.isoformat()}#{pair[0].permit_no}#{pair[0].inspection_id}")
    return ok(permit_views.listing([permit_views.inspection_view(i, p.address) for i, p in page], next_cursor,
                                   paged=paging_asked(bp.current_request.query_params)))


@route(bp, "/inspections/{inspection_id}", methods=["DELETE"])
def cancel_inspection(inspection_id: str) -> object:
    principal = guard.contractor(bp.current_request, CompanyDuty.INSPECTIONS)
    bootstrap.permits().cancel_inspection(principal.principal_id, inspection_id, Actor.of(principal))
    return no_content()
