"""HTTP middleware: problem details for every failure, the body-size limit, one log line a request (every
line logged during the request carries its request id: see chalicelib/logs.py)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from chalice import Response
from chalice.app import Request

from chalicelib import logs, metrics
from chalicelib.api.http import PROBLEM_JSON, body_limit, problem, size_text

log = logging.getLogger("contractor_portal.http")

# On every response, problems and Chalice's own errors included: no browser may sniff a JSON body
# into something executable, and nothing the API answers (tokens, PINs, profiles, permits) is kept
# by a browser or a shared cache. A route that wants caching sets its own Cache-Control.
ALWAYS_HEADERS = {"X-Content-Type-Options": "nosniff"}
DEFAULT_HEADERS = {"Cache-Control": "no-store"}


def _as_problem(response: Response) -> Response:
    """Rewrite an error Chalice (or a gateway) produced itself — 415, 405, 500 — as problem details."""
    body = response.body
    detail = "The request could not be handled."
    if isinstance(body, dict):
        detail = str(body.get("Message") or body.get("message") or detail)
    elif isinstance(body, str | bytes) and body:
        try:
            parsed = json.loads(body)
            if isinstance(parsed, dict):
                detail = str(parsed.get("Message") or parsed.get("message") or detail)
        except ValueError:
            pass
    if response.status_code >= 500:
        detail = "An internal error occurred. It has been logged; try again later."
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
    return problem(response.status_code, detail, headers=headers)


def _protect(response: Response) -> Response:
    present = {k.lower() for k in response.headers}
    for name, value in ALWAYS_HEADERS.items():
        for key in [k for k in response.headers if k.lower() == name.lower()]:
            del response.headers[key]
        response.headers[name] = value
    for name, value in DEFAULT_HEADERS.items():
        if name.lower() not in present:
            response.headers[name] = value
    return response


def http_middleware(event: Request, get_response: Callable[[Request], Response]) -> Response:
    try:
        return _handle(event, get_response)
    finally:
        metrics.flush()  # what the request counted, as one EMF line (a no-op when it counted nothing)


def _handle(event: Request, get_response: Callable[[Request], Response]) -> Response:
    started = time.perf_counter()
    api_context = getattr(event, "context", None) or {}
    request_id = logs.request_id(getattr(event, "lambda_context", None), api_context)
    # API Gateway's own id too (its x-amzn-RequestId header, what a caller can quote), when it differs.
    apigw_request_id = api_context.get("requestId") if api_context.get("requestId") != request_id else None
    with logs.bound(request_id=request_id, apigw_request_id=apigw_request_id, method=event.method, path=event.path):
        raw = event.raw_body if event.method in ("POST", "PUT", "PATCH", "DELETE") else b""
        limit = body_limit(str(event.path))
        if raw and len(raw) > limit:
            response = problem(413, f"The request body is larger than {size_text(limit)}.")
        else:
            response = get_response(event)
        if response.status_code >= 400:
            content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type", "")
            if not str(content_type).startswith(PROBLEM_JSON):
                response = _as_problem(response)
        _protect(response)
        # The access line: method, path (the route's template, never a query string), status, time.
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        log.info("%s %s %s %.1fms", event.method, event.path, response.status_code, duration_ms,
                 extra={"status": response.status_code, "duration_ms": duration_ms})
    return response


def register(app: Any) -> None:
    app.register_middleware(http_middleware, "http")
