"""Security probe (issue 8), item 11: protective headers on every response, and no control or bidi
characters stored from any request body."""

from __future__ import annotations

import pytest

from tests.api.test_http_errors import assert_problem
from tests.conftest import CONTRACTOR_PASSWORD, SECRET_ANSWER

GOOD_PROFILE = {"address": "1200 N Government Way", "city": "Coeur d'Alene", "state": "ID", "zip": "83814",
                "email": "CONTRACTOR@ONLINE.COM", "phone": "(208) 555-0119"}


def assert_protected(response) -> None:
    assert response.headers.get("X-Content-Type-Options") == "nosniff", response.headers
    assert response.headers.get("Cache-Control") == "no-store", response.headers


def test_token_and_profile_responses_are_nosniff_and_never_cached(api, contractor, staff_token):
    login = api.post("/auth/login", {"contractor_id": contractor["contractor_id"], "password": CONTRACTOR_PASSWORD})
    assert login.status_code == 200
    assert_protected(login)
    assert_protected(api.post("/auth/staff-login", {"username": "admin", "password": "StaffPass9"}))
    assert_protected(api.get("/profile", contractor["token"]))
    assert_protected(api.put("/profile", GOOD_PROFILE, contractor["token"]))
    assert_protected(api.get("/dashboard", contractor["token"]))
    assert_protected(api.post("/staff/contractors", {"company_name": "LAKE CITY PLUMBING", "license_no": "PLB2231",
                                                     "email": "office@lakecity.example"}, staff_token))
    assert_protected(api.post("/auth/logout", None, contractor["token"]))  # 204


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("GET", "/profile", None, 401),                                  # the portal's own problem
    ("POST", "/auth/login", {"contractor_id": "x"}, 400),            # a field problem
    ("POST", "/auth/login", "raw", 415),                             # Chalice's own error, rewritten
    ("GET", "/health", None, 200),                                   # public, unauthenticated
])
def test_every_response_including_problems_is_nosniff(api, method, path, body, status):
    if body == "raw":
        response = api.call(method, path, raw=b"x=1", headers={"Content-Type": "text/plain"})
    else:
        response = api.call(method, path, body)
    assert response.status_code == status
    assert_protected(response)


def test_an_unexpected_500_is_nosniff_too(api, monkeypatch):
    from chalicelib import bootstrap

    def broken() -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(bootstrap, "outbox", broken)
    response = api.get("/sandbox/outbox?to=a@b.example")
    body = assert_problem(response, 500)
    assert "boom" not in body["detail"]
    assert_protected(response)


BAD_TEXT = {
    "NUL": "1200 N Government\x00 Way",
    "RLO": "RICH \u202eROTCARTNOC",
    "isolate": "RICH \u2066CONTRACTOR\u2069",
    "C1": "RICH\u0085CONTRACTOR",
    "ESC": "RICH\x1b[31mCONTRACTOR",
    "DEL": "RICH\x7fCONTRACTOR",
    "newline": "1200 N Government Way\nSuite 4",
    "tab": "1200 N Government\tWay",
}


@pytest.mark.parametrize("field", ["address", "city"])  # e-mail and phone formats refused these already
@pytest.mark.parametrize("kind", sorted(BAD_TEXT))
def test_profile_refuses_control_and_bidi_characters_and_stores_nothing(api, contractor, field, kind):
    before = api.get("/profile", contractor["token"]).json_body
    response = api.put("/profile", {**GOOD_PROFILE, field: BAD_TEXT[kind]}, contractor["token"])
    body = assert_problem(response, 400)
    assert [e["field"] for e in body["errors"]] == [field]
    assert api.get("/profile", contractor["token"]).json_body == before


def test_staff_cannot_register_a_company_name_with_a_control_character(api, staff_token):
    for name in ("LAKE CITY\x00 PLUMBING", "LAKE \u202eGNIBMULP", "LAKE\x08 CITY"):
        response = api.post("/staff/contractors", {"company_name": name, "license_no": "PLB2231",
                                                   "email": "office@lakecity.example"}, staff_token)
        body = assert_problem(response, 400)
        assert [e["field"] for e in body["errors"]] == ["company_name"]
    assert api.get("/contractors").json_body["total"] == 0


def test_setup_refuses_a_security_question_with_a_control_character(api, staff_token):
    from tests.conftest import register

    contractor_id, pin = register(api, staff_token)
    token = api.post("/auth/login", {"contractor_id": contractor_id, "password": pin}).json_body["token"]
    for question in ("FIRST\x00 CAR", "FIRST \u202eRAC", "FIRST\nCAR"):
        response = api.post("/auth/setup", {
            "security_question": question, "secret_answer": SECRET_ANSWER, "secret_answer_confirm": SECRET_ANSWER,
            "password": CONTRACTOR_PASSWORD, "password_confirm": CONTRACTOR_PASSWORD}, token)
        body = assert_problem(response, 400)
        assert [e["field"] for e in body["errors"]] == ["security_question"]
    # Nothing stored: the PIN still signs in to a set-up-only session, the password does not.
    again = api.post("/auth/login", {"contractor_id": contractor_id, "password": pin})
    assert again.status_code == 200 and again.json_body["must_complete_setup"] is True
    assert api.post("/auth/login", {"contractor_id": contractor_id, "password": CONTRACTOR_PASSWORD}).status_code == 401


def test_multi_line_fields_keep_newlines_but_not_other_controls(api, contractor, staff_token):
    created = api.post("/staff/permits", {"contractor_id": contractor["contractor_id"], "address": "1 MAIN ST",
                                          "type": "RESIDENTIAL", "status": "SUBMITTED",
                                          "description": "New garage.\nDetached, 24x24.\tNo plumbing."}, staff_token)
    assert created.status_code == 201, created.body
    no = created.json_body["permit_no"]
    bad = api.call("PATCH", f"/staff/permits/{no}", {"description": "Garage\u202e"}, staff_token)
    assert [e["field"] for e in assert_problem(bad, 400)["errors"]] == ["description"]
    listed = api.call("PATCH", f"/staff/permits/{no}", {"inspection_types": ["FOOTING", "FINAL\x00"]}, staff_token)
    assert [e["field"] for e in assert_problem(listed, 400)["errors"]] == ["inspection_types"]


def test_a_lone_surrogate_is_refused_not_stored(api, contractor):
    """A guard, not a fix: pydantic's strict str already refuses one; keep it that way."""
    raw = (b'{"address": "1 Main St \\ud800", "city": "Hayden", "state": "ID", "zip": "83835", '
           b'"email": "CONTRACTOR@ONLINE.COM", "phone": "208-555-0119"}')
    response = api.call("PUT", "/profile", raw=raw, token=contractor["token"])
    assert [e["field"] for e in assert_problem(response, 400)["errors"]] == ["address"]
