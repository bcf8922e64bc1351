"""The back office's notices (docs/back-office.md, "Notices"): what contractors did, newest first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import ok, route
from chalicelib.api.paging import page_params
from chalicelib.clock import rfc3339
from chalicelib.domain.accounts import StaffDuty
from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.notices import Notice

bp = Blueprint(__name__)


def notice_view(notice: Notice) -> dict[str, Any]:
    view: dict[str, Any] = {"notice_id": notice.notice_id, "at": rfc3339(notice.at), "kind": notice.kind.value,
                            "summary": notice.summary, "contractor_id": notice.contractor_id, "read": notice.read,
                            "details": notice.details}
    for name in ("permit_no", "payment_id", "inspection_id", "read_by"):
        if getattr(notice, name):
            view[name] = getattr(notice, name)
    if notice.read_at:
        view["read_at"] = rfc3339(notice.read_at)
    return view


def flag(query: Mapping[str, str], name: str) -> bool:
    """A true/false query parameter (absent: false); anything else is a 400 naming it."""
    raw = (query.get(name) or "false").strip().lower()
    if raw not in ("true", "false"):
        raise InvalidInput(f"{name} must be true or false.", [FieldProblem(name, "must be true or false")])
    return raw == "true"


@route(bp, "/staff/notices", methods=["GET"])
def list_notices() -> object:
    guard.staff(bp.current_request, StaffDuty.VIEW_PERMITS)
    query: Mapping[str, str] = bp.current_request.query_params or {}
    limit, cursor = page_params(query)
    page = bootstrap.notices().page(flag(query, "unread"), limit, cursor)
    return ok({"items": [notice_view(n) for n in page.notices], "next_cursor": page.next_cursor})


@route(bp, "/staff/notices/{notice_id}/read", methods=["POST"])
def read_notice(notice_id: str) -> object:
    actor = guard.staff(bp.current_request, StaffDuty.VIEW_PERMITS).principal_id
    return ok(notice_view(bootstrap.notices(actor).mark_read(notice_id)))
