"""Health and the login drop-down."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api import deps
from chalicelib.api.http import ok, route

bp = Blueprint(__name__)


@route(bp, "/health", methods=["GET"])
def health() -> object:
    return ok({"status": "ok"})


@route(bp, "/contractors", methods=["GET"])
def contractors() -> object:
    items = [{"contractor_id": cid, "company_name": name} for cid, name in deps.accounts().directory()]
    return ok({"total": len(items), "items": items})
