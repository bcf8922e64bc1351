"""Request parsing and problem-details responses, shared by every blueprint.

Every failure leaves the API as RFC 9457 problem details (`application/problem+json`). Bodies are
parsed from the raw bytes here (size, content type, strict JSON, then a strict pydantic model), so
malformed input is a 400 with field errors and never reaches a service.
"""

from __future__ import annotations

import functools
import hmac
import json
import logging
from collections.abc import Callable, Mapping
from datetime import date
from http import HTTPStatus
from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request
from pydantic import BaseModel, ValidationError

from chalicelib import bootstrap, config
from chalicelib.domain.errors import (
    FieldProblem,
    InvalidInput,
    PayloadTooLarge,
    PortalError,
    TemporarilyUnavailable,
    TooManyAttempts,
)
from chalicelib.store import dynamo

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
IMPORT_BODY_BYTES = 6 * 1024 * 1024
BODY_LIMITS = {"/staff/properties/import": IMPORT_BODY_BYTES}
"""Routes that take more than MAX_BODY_BYTES: a county's GIS export, up to Lambda's 6 MB request payload
(larger files go through `make import-parcels FILE=...`, which calls the same service). The one place a
route's limit is raised; the middleware and `read_json` both read it."""


def body_limit(path: str) -> int:
    """The largest body the route (its template, e.g. "/staff/properties/import") accepts, in bytes."""
    return BODY_LIMITS.get(path, MAX_BODY_BYTES)


def size_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"
PROBLEM_JSON = "application/problem+json"


def problem_type(slug: str | None) -> str:
    """`<site>/problems/<slug>` for the portal's own problems; `about:blank` for plain HTTP errors."""
    return f"{bootstrap.settings().site_base_url.rstrip('/')}/problems/{slug}" if slug else "about:blank"


def problem(status: int, detail: str, errors: list[FieldProblem] | None = None,
            headers: Mapping[str, str | list[str]] | None = None, title: str | None = None,
            slug: str | None = None, extensions: Mapping[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {
        "type": problem_type(slug),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    # Extension members never replace the standard ones.
    body.update({k: v for k, v in (extensions or {}).items() if k not in body})
    return Response(body=json.dumps(body), status_code=status,
                    headers={"Content-Type": PROBLEM_JSON, **(headers or {})})


def problem_for(error: PortalError) -> Response:
    headers = {}
    if isinstance(error, TooManyAttempts | TemporarilyUnavailable):
        headers["Retry-After"] = str(error.retry_after)
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="contractor-portal"'
    return problem(error.status, error.detail, error.errors, headers, error.title, error.slug, error.extensions)


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=json.dumps(body), status_code=status,
                    headers={"Content-Type": "application/json", **(headers or {})})


def no_content() -> Response:
    return Response(body="", status_code=204)


def route(bp: Blueprint, path: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`bp.route` whose view turns the portal's errors into problem details.

    Chalice would turn any exception raised by a view into a generic 500 before middleware sees
    it; catching here keeps a service's 400/404/409 what it is.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def handler(*args: Any, **kw: Any) -> Any:
            try:
                return view(*args, **kw)
            except PortalError as error:
                return problem_for(error)
            except Exception as error:
                if not dynamo.is_transient(error):
                    raise  # a bug: Chalice's 500, made a problem without internals by the middleware
                # Still throttled or unreachable after the client's bounded retries. Logged in full
                # here; the body says only that it is worth trying again.
                log.warning("DynamoDB unavailable in %s: %r", view.__name__, error)
                return problem_for(TemporarilyUnavailable(
                    "The service is busy right now; try again in a moment.", dynamo.RETRY_AFTER_SECONDS))

        bp.route(path, **kwargs)(handler)
        return view

    return decorate


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _message(error: Mapping[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a recognised field"
    if kind == "string_type":
        return "must be a string"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return "is required" if ctx.get("min_length") == 1 else f"must be at least {ctx.get('min_length')} characters"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}"
    return str(error.get("msg", "is not valid"))


VIEWER_ADDRESS_HEADER = "CloudFront-Viewer-Address"
ORIGIN_VERIFY_HEADER = "X-Origin-Verify"


def client_address(request: Request) -> str:
    """The caller's IP address, by which failed sign-ins are also counted.

    API Gateway's `sourceIp` is the caller, or, behind the stack's CloudFront, one of CloudFront's edge
    servers, shared by every contractor near it. CloudFront then passes the viewer's own address in
    CloudFront-Viewer-Address (`ip:port`). That header is believed only with the origin secret CloudFront
    adds (ORIGIN_SECRET_ARN): a caller reaching API Gateway directly could send any header it likes.
    """
    identity = (request.context or {}).get("identity") or {}
    source = str(identity.get("sourceIp") or "")
    arn = bootstrap.settings().origin_secret_arn
    headers: Mapping[str, str] = request.headers or {}
    viewer = headers.get(VIEWER_ADDRESS_HEADER.lower())
    if not arn or not viewer:
        return source
    presented = str(headers.get(ORIGIN_VERIFY_HEADER.lower()) or "")
    if not hmac.compare_digest(presented.encode("utf-8"), config.origin_secret(arn).encode("utf-8")):
        log.warning("CloudFront-Viewer-Address without the origin secret: counted by sourceIp")
        return source
    address, _, port = str(viewer).rpartition(":")  # IPv6 too: the port follows the last colon
    return address if address and port.isdigit() else source


def raw_body(request: Request) -> bytes:
    """The body's bytes (Chalice types it `str | bytes`; API Gateway's events give bytes)."""
    raw = request.raw_body or b""
    return raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)


def read_json(request: Request, max_bytes: int = MAX_BODY_BYTES) -> Any:
    """The body as JSON: 413 past `max_bytes` (64 KiB unless the route says: BODY_LIMITS), 400 for
    anything that is not one strict JSON document."""
    raw = raw_body(request)
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"The request body is larger than {size_text(max_bytes)}.")
    if not raw.strip():
        return {}
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except RecursionError:  # e.g. 60,000 nested brackets fit in 64 KiB
        raise InvalidInput("The request body is nested too deeply.") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidInput(f"The request body is not valid JSON: {error}") from None


def county_today() -> date:
    """Today on the county's clock: the reference the request models' date range is measured from."""
    return bootstrap.clock().now().astimezone(bootstrap.settings().time_zone).date()


def query_day(query: Mapping[str, str] | None, name: str = "date") -> date | None:
    """A `?date=YYYY-MM-DD` query parameter (None when absent or empty); 400 naming it when malformed."""
    text = ((query or {}).get(name) or "").strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"The {name} {text[:40]!r} is not a date in YYYY-MM-DD form.",
                           [FieldProblem(name, "must be a date in YYYY-MM-DD form")]) from None


def parse_body[M: BaseModel](request: Request, model: type[M]) -> M:
    """The body validated against a strict model; each problem named by field."""
    data = read_json(request)
    if not isinstance(data, dict):
        raise InvalidInput("The request body must be a JSON object.")
    try:
        return model.model_validate(data, context={"today": county_today()})
    except ValidationError as error:
        problems = [FieldProblem(".".join(str(p) for p in e["loc"]) or "body", _message(e))
                    for e in error.errors(include_url=False)]
        raise InvalidInput("The request body has invalid fields.", problems) from None


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""
