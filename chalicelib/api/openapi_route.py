"""`GET /openapi.json` (public): the OpenAPI 3.1 document of this API (chalicelib/api/openapi.py)."""

from __future__ import annotations

import functools

from chalice import Blueprint, Response

from chalicelib.api.http import route

bp = Blueprint(__name__)


@functools.cache
def _rendered() -> str:
    from chalicelib.api import openapi

    return openapi.render()


@route(bp, "/openapi.json", methods=["GET"])
def openapi_document() -> object:
    return Response(body=_rendered(), status_code=200,
                    headers={"Content-Type": "application/json", "Cache-Control": "public, max-age=300"})
