"""Staff route that runs the daily expiry job now (Chalice's local server never runs schedules)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import ok, parse_body, route
from chalicelib.api.schemas import ApiDate, Strict
from chalicelib.domain.accounts import StaffDuty

bp = Blueprint(__name__)


class FlagExpiredBody(Strict):
    as_of: ApiDate | None = None  # the job itself also keeps it within a year of today


@route(bp, "/staff/jobs/flag-expired", methods=["POST"])
def flag_expired() -> object:
    supervisor = guard.staff(bp.current_request, StaffDuty.JOB)
    body = parse_body(bp.current_request, FlagExpiredBody)
    result = bootstrap.expiry_job().run(body.as_of, by=supervisor.principal_id)
    return ok({"flagged": result.flagged, "reminded": result.reminded})
