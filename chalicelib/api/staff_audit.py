"""The audit trail of staff actions (supervisors only): who did what to which record, newest first."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import ok, route
from chalicelib.api.paging import page_params
from chalicelib.clock import rfc3339
from chalicelib.domain.accounts import StaffDuty
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import FieldProblem, InvalidInput

bp = Blueprint(__name__)


def _json(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None

    def one(value: Any) -> Any:
        if isinstance(value, Decimal):  # the store's numbers are counts; money is kept as its text
            return int(value) if value == value.to_integral_value() else str(value)
        if isinstance(value, list):
            return [one(v) for v in value]
        return value

    return {k: one(v) for k, v in values.items()}


def audit_view(entry: AuditEntry) -> dict[str, Any]:
    view: dict[str, Any] = {"at": rfc3339(entry.at), "by": entry.by, "action": entry.action.value,
                            "subject": entry.subject}
    if entry.before is not None:
        view["before"] = _json(entry.before)
    if entry.after is not None:
        view["after"] = _json(entry.after)
    return view


@route(bp, "/staff/audit", methods=["GET"])
def audit_trail() -> object:
    guard.staff(bp.current_request, StaffDuty.AUDIT)
    query: Mapping[str, str] = bp.current_request.query_params or {}
    limit, cursor = page_params(query)
    subject = (query.get("subject") or "").strip()
    if len(subject) > 200:
        raise InvalidInput("The subject is too long.", [FieldProblem("subject", "must be at most 200 characters")])
    page = bootstrap.uow().audit.newest(subject or None, limit, cursor)
    return ok({"items": [audit_view(e) for e in page.entries], "next_cursor": page.next_cursor})
