"""Health and the login drop-down."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.http import ok, route
from chalicelib.api.paging import MAX_LIMIT, page_of, page_params, paging_asked
from chalicelib.api.permit_views import listing

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
    query = bp.current_request.query_params
    limit, cursor = page_params(query, default=MAX_LIMIT)
    companies = bootstrap.accounts().directory()  # by name: one Query of the directory
    page, next_cursor = page_of(companies, limit, cursor, lambda c: f"{c.company_name.upper()}#{c.contractor_id}")
    return ok(listing([directory_entry(c) for c in page], next_cursor, paged=paging_asked(query)))
