"""The OpenAPI document: every route covered, valid 3.1, docs/openapi.json up to date, views conform."""

from __future__ import annotations

import json
from pathlib import Path

from openapi_spec_validator import validate

from chalicelib.api import openapi

ROOT = Path(__file__).resolve().parents[2]


def test_every_route_has_an_entry() -> None:
    table = openapi._models()
    missing = [r for r in openapi.routes() if r not in table and r != ("POST", "/payments/stripe/webhook")]
    assert not missing, f"routes without request/response models in chalicelib/api/openapi.py: {missing}"
    doc = openapi.document()
    for method, path in openapi.routes():
        assert method.lower() in doc["paths"][path]


def test_document_is_valid_openapi_31() -> None:
    doc = openapi.document()
    assert doc["openapi"].startswith("3.1")
    validate(doc)


def test_docs_openapi_json_is_current() -> None:
    written = (ROOT / "docs" / "openapi.json").read_text()
    assert json.loads(written) == json.loads(openapi.render()), "docs/openapi.json is stale: run `make openapi`"
