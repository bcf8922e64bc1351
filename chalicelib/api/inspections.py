"""Contractor routes: upcoming inspections, and cancelling one before the cut-off."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api import deps, guard
from chalicelib.api.http import no_content, ok, route

bp = Blueprint(__name__)


@route(bp, "/inspections/scheduled", methods=["GET"])
def scheduled_inspections() -> object:
    principal = guard.contractor(bp.current_request)
    return ok(deps.permits().scheduled(principal.principal_id))


@route(bp, "/inspections/{inspection_id}", methods=["DELETE"])
def cancel_inspection(inspection_id: str) -> object:
    principal = guard.contractor(bp.current_request)
    deps.permits().cancel_inspection(principal.principal_id, inspection_id)
    return no_content()
