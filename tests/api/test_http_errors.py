"""Bad input of every kind gets a 4xx problem-details answer, never a 500."""

from __future__ import annotations

import json

import pytest

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.body
    assert response.headers["Content-Type"] == PROBLEM
    body = json.loads(response.body)
    # A plain HTTP error is about:blank; the portal's own problems name a stable, listed type.
    from chalicelib.domain.errors import PROBLEM_TYPES

    assert body["status"] == status
    assert body["type"] == "about:blank" or body["type"].rsplit("/problems/", 1)[-1] in PROBLEM_TYPES, body
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.body.decode()
    return body


@pytest.mark.parametrize("raw", [b"{bad json", b"[1, 2]", b'"text"', b"\xff\xfe", b'{"contractor_id": NaN}'])
def test_malformed_bodies_are_400(api, raw):
    assert_problem(api.call("POST", "/auth/login", raw=raw), 400)


def test_unknown_fields_are_400_naming_the_field(api):
    body = assert_problem(api.post("/auth/login", {"contractor_id": "x", "password": "y", "admin": True}), 400)
    assert {"field": "admin", "message": "is not a recognised field"} in body["errors"]


def test_wrong_types_are_400(api):
    body = assert_problem(api.post("/auth/login", {"contractor_id": 42, "password": ["x"]}), 400)
    assert {e["field"] for e in body["errors"]} == {"contractor_id", "password"}
    assert all(e["message"] == "must be a string" for e in body["errors"])


def test_missing_fields_are_400(api):
    body = assert_problem(api.post("/auth/login", {}), 400)
    assert {"field": "password", "message": "is required"} in body["errors"]


def test_oversized_strings_are_400_not_hashed(api):
    body = assert_problem(api.post("/auth/login", {"contractor_id": "x", "password": "a1" * 5000}), 400)
    assert body["errors"] == [{"field": "password", "message": "must be at most 200 characters"}]


def test_bodies_over_64_kib_are_413(api):
    raw = json.dumps({"contractor_id": "x", "password": "y" * (65 * 1024)}).encode()
    assert_problem(api.call("POST", "/auth/login", raw=raw), 413)


def test_wrong_content_type_is_a_problem_too(api):
    response = api.call("POST", "/auth/login", raw=b"contractor_id=x", headers={"Content-Type": "text/plain"})
    assert_problem(response, 415)


def test_problem_for_401_and_403_carry_a_detail(api, contractor, staff_token):
    assert_problem(api.get("/profile"), 401)
    assert_problem(api.get("/profile", staff_token), 403)


def test_unhandled_errors_become_a_500_problem_without_internals(api, monkeypatch):
    from chalicelib import bootstrap

    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(bootstrap, "accounts", broken)
    response = api.get("/contractors")
    body = assert_problem(response, 500)
    assert "secret internals" not in response.body.decode()
    assert body["detail"].startswith("An internal error occurred")


def test_no_cors_headers_the_site_calls_the_api_on_its_own_origin(api):
    # Deployed, CloudFront serves the API under /api of the site's origin (locally, scripts/serve_web.py
    # does): no browser needs CORS, so no origin is baked into the API and no OPTIONS route exists.
    from app import app

    response = api.get("/health")
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]
    assert not [path for path, methods in app.routes.items() if "OPTIONS" in methods]


def test_outbox_is_404_outside_sandbox_mode(api, monkeypatch):
    from dataclasses import replace

    from chalicelib import bootstrap
    from chalicelib.config import get_settings

    monkeypatch.setattr(bootstrap, "settings", lambda: replace(get_settings(), notifier="ses"))
    assert_problem(api.get("/sandbox/outbox"), 404)


def test_deeply_nested_json_is_400_not_a_recursion_500(api):
    raw = b"[" * 60_000
    assert len(raw) < 64 * 1024
    assert_problem(api.call("POST", "/auth/login", raw=raw), 400)


def test_every_staff_route_refuses_contractors_and_strangers(api, contractor):
    """Enumerates the app's routes, so a staff route added without the staff check fails here."""
    from app import app

    staff_routes = [(path, method) for path, methods in app.routes.items() if path.startswith("/staff/")
                    for method in methods]
    assert len(staff_routes) >= 10
    for path, method in staff_routes:
        concrete = path.replace("{permit_no}", "RES16-0688").replace("{contractor_id}", contractor["contractor_id"])
        concrete = concrete.replace("{inspection_id}", "RES16-0688-abc")
        as_contractor = api.call(method, concrete, {}, contractor["token"])
        assert as_contractor.status_code == 403, (method, path, as_contractor.status_code)
        assert api.call(method, concrete, {}).status_code == 401, (method, path)
