"""Sandbox-only routes: the local outbox. Absent (404) unless the notifier is the sandbox."""

from __future__ import annotations

from collections.abc import Mapping

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.http import ok, route
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
