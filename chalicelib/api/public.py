"""Health and the login drop-down."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api import deps
from chalicelib.api.http import ok, route

if TYPE_CHECKING:
    from chalicelib.domain.accounts import Company

bp = Blueprint(__name__)


def directory_entry(company: Company) -> dict[str, Any]:
    """A business in the login drop-down: its id and name, nothing else."""
    return {"contractor_id": company.contractor_id, "company_name": company.company_name}


@route(bp, "/health", methods=["GET"])
def health() -> object:
    return ok({"status": "ok"})


@route(bp, "/contractors", methods=["GET"])
def contractors() -> object:
    items = [directory_entry(company) for company in deps.accounts().directory()]
    return ok({"total": len(items), "items": items})
