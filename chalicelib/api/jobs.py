"""Staff route that runs the daily expiry job now (Chalice's local server never runs schedules)."""

from __future__ import annotations

from chalice import Blueprint
from pydantic import Field

from chalicelib.api import deps, guard
from chalicelib.api.http import ok, parse_body, route
from chalicelib.api.permits import DATE_PATTERN, to_date
from chalicelib.api.schemas import Strict

bp = Blueprint(__name__)


class FlagExpiredBody(Strict):
    as_of: str | None = Field(default=None, max_length=10, pattern=DATE_PATTERN)


@route(bp, "/staff/jobs/flag-expired", methods=["POST"])
def flag_expired() -> object:
    guard.staff(bp.current_request)
    body = parse_body(bp.current_request, FlagExpiredBody)
    result = deps.expiry_job().run(to_date(body.as_of, "as_of") if body.as_of else None)
    return ok({"flagged": result.flagged, "reminded": result.reminded})
