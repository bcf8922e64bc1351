"""Sandbox-only routes: the local outbox and time travel. Absent (404) unless the portal is the sandbox."""

from __future__ import annotations

from collections.abc import Mapping

from chalice import Blueprint
from pydantic import Field

from chalicelib import bootstrap
from chalicelib.api.http import ok, parse_body, route
from chalicelib.api.schemas import Strict
from chalicelib.clock import ShiftedClock, SystemClock, rfc3339
from chalicelib.domain.errors import NotFound

bp = Blueprint(__name__)


@route(bp, "/sandbox/outbox", methods=["GET"])
def outbox() -> object:
    if not bootstrap.settings().sandbox_mode:
        raise NotFound("There is no sandbox outbox in this mode.")
    params: Mapping[str, str] = bp.current_request.query_params or {}
    to = (params.get("to") or "").strip()[:254] or None
    items = bootstrap.outbox().list(to)
    return ok({"total": len(items), "items": items})


class ClockShift(Strict):
    days: int = Field(ge=0, le=400)


@route(bp, "/sandbox/clock", methods=["PUT"])
def shift_clock() -> object:
    """Move the sandbox portal's clock `days` ahead of the real time (0: back to it), for journeys that must
    reach an inspection's day. The whole process moves: every session, rule and job sees the same time."""
    if not bootstrap.settings().sandbox_mode:
        raise NotFound("There is no sandbox clock in this mode.")
    body = parse_body(bp.current_request, ClockShift)
    bootstrap.use_clock(ShiftedClock(body.days) if body.days else SystemClock())
    return ok({"now": rfc3339(bootstrap.clock().now()), "days": body.days})
