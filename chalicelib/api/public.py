"""Health and the login drop-down."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.http import ok, route
from chalicelib.api.meta import etag_matches
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


#: Public and the same for everyone; a minute old at most, so a new business shows up soon after staff
#: register it, while a browser or CloudFront revalidates with If-None-Match in between.
DIRECTORY_CACHE = "public, max-age=60"


def directory_body(entries: list[dict[str, Any]]) -> tuple[str, str]:
    """The whole list's JSON and its strong ETag: a digest of those bytes, so the tag changes exactly
    when the directory (a name, an id, a business added or gone) does."""
    body = json.dumps(listing(entries), separators=(",", ":"))
    return body, '"' + hashlib.sha256(body.encode("utf-8")).hexdigest()[:32] + '"'


@route(bp, "/contractors", methods=["GET"])
def contractors() -> object:
    query = bp.current_request.query_params
    limit, cursor = page_params(query, default=MAX_LIMIT)
    companies = bootstrap.accounts().directory()  # by name: a Query of GSI3's small entries
    if not paging_asked(query):
        # The login drop-down's one request: the whole list, cacheable and revalidated by ETag.
        body, etag = directory_body([directory_entry(c) for c in companies])
        headers: dict[str, str | list[str]] = {"ETag": etag, "Cache-Control": DIRECTORY_CACHE}
        request_headers: Mapping[str, str] = bp.current_request.headers or {}
        if etag_matches(request_headers.get("if-none-match"), etag):
            return Response(body="", status_code=304, headers=headers)
        return Response(body=body, status_code=200, headers={"Content-Type": "application/json", **headers})
    page, next_cursor = page_of(companies, limit, cursor, lambda c: f"{c.company_name.upper()}#{c.contractor_id}")
    return ok(listing([directory_entry(c) for c in page], next_cursor, paged=True))
