"""View/Edit Profile: contact details, password change, security question."""

from __future__ import annotations

import pytest

from tests.conftest import CONTRACTOR_PASSWORD, SECRET_ANSWER

GOOD = {"address": "1200 N Government Way", "city": "Coeur d'Alene", "state": "id", "zip": "83814-1234",
        "email": "Office@Rich.Example.COM", "phone": "(208) 555-0119",
        "current_password": CONTRACTOR_PASSWORD}  # the e-mail changes, so the password confirms it


def test_profile_shows_the_guide_fields(api, contractor):
    body = api.get("/profile", contractor["token"]).json_body
    assert set(body) == {"company_name", "license_no", "address", "city", "state", "zip", "email", "phone",
                         "cell_phone", "fax", "security_question"}
    assert body["company_name"] == "RICH CONTRACTOR"
    assert body["license_no"] == "AEC0119"
    assert body["email"] == "CONTRACTOR@ONLINE.COM"
    assert body["security_question"] == "FIRST CAR"


def test_update_normalises_and_persists(api, contractor):
    response = api.put("/profile", {**GOOD, "cell_phone": "+1 208.555.0120", "fax": ""}, contractor["token"])
    assert response.status_code == 200
    body = response.json_body
    assert body["state"] == "ID"
    assert body["zip"] == "83814-1234"
    assert body["phone"] == "208-555-0119"
    assert body["cell_phone"] == "208-555-0120"
    assert body["email"] == "Office@Rich.Example.COM"
    assert api.get("/profile", contractor["token"]).json_body == body


@pytest.mark.parametrize(("field", "value", "message"), [
    ("zip", "8381", "must be a 5-digit ZIP code or ZIP+4, e.g. 83814 or 83814-1234"),
    ("zip", "83814-12", "must be a 5-digit ZIP code or ZIP+4, e.g. 83814 or 83814-1234"),
    ("state", "XX", "must be a two-letter USPS state code, e.g. ID"),
    ("email", "not-an-email", "must be an e-mail address like name@example.com"),
    ("email", "a@b", "must be an e-mail address like name@example.com"),
    ("phone", "555-0119", "must be a 10-digit US phone number, e.g. (208) 555-0134"),
    ("phone", "(108) 555-0119", "is not a valid US phone number (area code and exchange start with 2-9)"),
    ("address", "   ", "is required"),
    ("city", "", "is required"),
])
def test_bad_fields_are_named_and_nothing_is_saved(api, contractor, field, value, message):
    before = api.get("/profile", contractor["token"]).json_body
    response = api.put("/profile", {**GOOD, field: value}, contractor["token"])
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert {"field": field, "message": message} in response.json_body["errors"]
    assert api.get("/profile", contractor["token"]).json_body == before


def test_company_name_and_license_are_read_only(api, contractor):
    for field in ("company_name", "license_no"):
        response = api.put("/profile", {**GOOD, field: "CHANGED"}, contractor["token"])
        assert response.status_code == 400
        assert {"field": field, "message": "is not a recognised field"} in response.json_body["errors"]
    assert api.get("/profile", contractor["token"]).json_body["company_name"] == "RICH CONTRACTOR"


def test_required_fields_missing_from_the_body(api, contractor):
    response = api.put("/profile", {"address": "1 Main St"}, contractor["token"])
    assert response.status_code == 400
    missing = {e["field"] for e in response.json_body["errors"] if e["message"] == "is required"}
    assert missing == {"city", "state", "zip", "email", "phone"}


def test_staff_cannot_use_the_contractor_profile(api, staff_token):
    assert api.get("/profile", staff_token).status_code == 403


class TestPasswordChange:
    def test_needs_the_current_password(self, api, contractor):
        response = api.put("/profile/password", {"current_password": "Wrong1234", "password": "Fresh2026x",
                                                 "password_confirm": "Fresh2026x"}, contractor["token"])
        assert response.status_code == 400
        assert response.json_body["errors"] == [{"field": "current_password", "message": "is not correct"}]

    def test_applies_the_policy(self, api, contractor):
        response = api.put("/profile/password", {"current_password": CONTRACTOR_PASSWORD, "password": "short",
                                                 "password_confirm": "short"}, contractor["token"])
        assert response.status_code == 400
        messages = {e["message"] for e in response.json_body["errors"]}
        assert "must be at least 6 characters" in messages and "must contain at least one number" in messages

    def test_revokes_other_sessions_keeps_this_one_and_mails_a_notice(self, api, contractor):
        cid = contractor["contractor_id"]
        other = api.post("/auth/login", {"contractor_id": cid, "password": CONTRACTOR_PASSWORD}).json_body["token"]
        response = api.put("/profile/password", {"current_password": CONTRACTOR_PASSWORD, "password": "Fresh2026x",
                                                 "password_confirm": "Fresh2026x"}, contractor["token"])
        assert response.status_code == 204
        assert api.get("/profile", other).status_code == 401
        assert api.get("/profile", contractor["token"]).status_code == 200
        assert api.post("/auth/login", {"contractor_id": cid, "password": "Fresh2026x"}).status_code == 200
        subjects = [m["subject"] for m in api.get("/sandbox/outbox?to=contractor@online.com").json_body["items"]]
        assert subjects.count("Your portal password was changed") == 2  # set-up, then this change


class TestSecurityQuestion:
    def body(self, **changes):
        return {"current_password": CONTRACTOR_PASSWORD, "current_secret_answer": SECRET_ANSWER,
                "security_question": "FIRST PET", "secret_answer": "Rex", "secret_answer_confirm": "rex", **changes}

    def test_changes_with_password_and_current_answer(self, api, contractor):
        assert api.put("/profile/security-question", self.body(), contractor["token"]).status_code == 204
        assert api.get("/profile", contractor["token"]).json_body["security_question"] == "FIRST PET"

    def test_wrong_current_answer_is_refused(self, api, contractor):
        response = api.put("/profile/security-question", self.body(current_secret_answer="Pinto"), contractor["token"])
        assert response.status_code == 400
        assert response.json_body["errors"][0]["field"] == "current_secret_answer"
        assert api.get("/profile", contractor["token"]).json_body["security_question"] == "FIRST CAR"

    def test_wrong_password_is_refused(self, api, contractor):
        response = api.put("/profile/security-question", self.body(current_password="Nope12345"), contractor["token"])
        assert response.status_code == 400
        assert response.json_body["errors"][0]["field"] == "current_password"

    def test_new_answers_must_match(self, api, contractor):
        response = api.put("/profile/security-question", self.body(secret_answer_confirm="Max"), contractor["token"])
        assert response.status_code == 400
        assert response.json_body["errors"] == [{"field": "secret_answer_confirm",
                                                 "message": "does not match the secret answer"}]
