"""Sign-in, set-up, sessions, throttling and password reset, through the real routes."""

from __future__ import annotations

import re

import pytest

from tests.conftest import CONTRACTOR_PASSWORD, SECRET_ANSWER, complete_setup, register

PROBLEM = "application/problem+json"


def setup_body(password: str = CONTRACTOR_PASSWORD, confirm: str | None = None) -> dict[str, str]:
    return {"security_question": "FIRST CAR", "secret_answer": SECRET_ANSWER,
            "secret_answer_confirm": SECRET_ANSWER, "password": password,
            "password_confirm": password if confirm is None else confirm}


def login(api, contractor_id: str, password: str):
    return api.post("/auth/login", {"contractor_id": contractor_id, "password": password})


def test_health_answers_ok(api):
    response = api.get("/health")
    assert response.status_code == 200
    assert response.json_body == {"status": "ok"}


def test_contractor_drop_down_lists_businesses_sorted_by_name(api, staff_token):
    register(api, staff_token, "ZEBRA BUILDERS", "ZB100", "z@example.com")
    rich_id, _ = register(api, staff_token)
    register(api, staff_token, "ACME HOMES", "AH200", "a@example.com")
    body = api.get("/contractors").json_body
    assert body["total"] == 3
    assert [i["company_name"] for i in body["items"]] == ["ACME HOMES", "RICH CONTRACTOR", "ZEBRA BUILDERS"]
    assert {"contractor_id": rich_id, "company_name": "RICH CONTRACTOR"} in body["items"]
    assert set(body["items"][0]) == {"contractor_id", "company_name"}  # no secrets in the drop-down


def test_pin_login_gives_a_setup_only_session(api, staff_token):
    contractor_id, pin = register(api, staff_token)
    response = login(api, contractor_id, pin)
    assert response.status_code == 200
    body = response.json_body
    assert body["role"] == "contractor" and body["must_complete_setup"] is True
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", body["expires_at"])
    forbidden = api.get("/profile", body["token"])
    assert forbidden.status_code == 403
    assert forbidden.headers["Content-Type"] == PROBLEM


def test_setup_then_pin_never_works_again_and_password_does(api, staff_token):
    contractor_id, pin = register(api, staff_token)
    token = complete_setup(api, contractor_id, pin)
    assert api.get("/profile", token).status_code == 200
    assert login(api, contractor_id, pin).status_code == 401
    again = login(api, contractor_id, CONTRACTOR_PASSWORD)
    assert again.status_code == 200 and again.json_body["must_complete_setup"] is False


def test_setup_token_cannot_be_reused_after_setup(api, staff_token):
    contractor_id, pin = register(api, staff_token)
    setup_token = login(api, contractor_id, pin).json_body["token"]
    assert api.post("/auth/setup", setup_body(), setup_token).status_code == 200
    assert api.post("/auth/setup", setup_body(), setup_token).status_code == 401


@pytest.mark.parametrize(("password", "message"), [
    ("ab1", "must be at least 6 characters"),
    ("abcdefghijklmnopqrstuvwxy1", "must be at most 25 characters"),
    ("12345678", "must contain at least one letter"),
    ("abcdefgh", "must contain at least one number"),
    ("password1", "is too common; choose a password others would not guess"),
])
def test_each_password_rule_is_named_when_broken(api, staff_token, password, message):
    contractor_id, pin = register(api, staff_token)
    token = login(api, contractor_id, pin).json_body["token"]
    response = api.post("/auth/setup", setup_body(password), token)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == PROBLEM
    assert {"field": "password", "message": message} in response.json_body["errors"]


def test_a_password_breaking_two_rules_names_both(api, staff_token):
    contractor_id, pin = register(api, staff_token)
    token = login(api, contractor_id, pin).json_body["token"]
    errors = api.post("/auth/setup", setup_body("abc"), token).json_body["errors"]
    messages = {e["message"] for e in errors if e["field"] == "password"}
    assert messages == {"must be at least 6 characters", "must contain at least one number"}


def test_mismatched_confirmations_are_refused(api, staff_token):
    contractor_id, pin = register(api, staff_token)
    token = login(api, contractor_id, pin).json_body["token"]
    body = setup_body(confirm="Different9")
    body["secret_answer_confirm"] = "something else"
    errors = api.post("/auth/setup", body, token).json_body["errors"]
    fields = {e["field"] for e in errors}
    assert fields == {"password_confirm", "secret_answer_confirm"}


def test_passwords_are_case_sensitive(api, contractor):
    assert login(api, contractor["contractor_id"], CONTRACTOR_PASSWORD.lower()).status_code == 401


def test_long_utf8_passwords_are_not_truncated(api, staff_token):
    """25 four-byte characters are 100 bytes, past bcrypt's 72; the last character still counts."""
    contractor_id, pin = register(api, staff_token)
    password = "a1" + "😀" * 22 + "🎉"
    near_miss = "a1" + "😀" * 22 + "🎈"
    complete_setup(api, contractor_id, pin, password)
    assert login(api, contractor_id, password).status_code == 200
    assert login(api, contractor_id, near_miss).status_code == 401


def test_wrong_credentials_read_the_same_whether_or_not_the_business_exists(api, contractor):
    wrong = login(api, contractor["contractor_id"], "Wrong1234")
    missing = login(api, "c-doesnotexist", "Wrong1234")
    assert wrong.status_code == missing.status_code == 401
    assert wrong.json_body == missing.json_body


def test_five_failures_lock_the_account_with_retry_after(api, contractor, clock):
    for _ in range(5):
        assert login(api, contractor["contractor_id"], "Wrong1234").status_code == 401
    locked = login(api, contractor["contractor_id"], CONTRACTOR_PASSWORD)
    assert locked.status_code == 429
    assert locked.headers["Content-Type"] == PROBLEM
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    clock.advance(minutes=15, seconds=1)
    assert login(api, contractor["contractor_id"], CONTRACTOR_PASSWORD).status_code == 200


def test_missing_accounts_are_throttled_the_same_way(api):
    for _ in range(5):
        assert login(api, "c-nobody", "Wrong1234").status_code == 401
    assert login(api, "c-nobody", "Wrong1234").status_code == 429


def test_a_success_resets_the_failure_count(api, contractor):
    for _ in range(4):
        login(api, contractor["contractor_id"], "Wrong1234")
    assert login(api, contractor["contractor_id"], CONTRACTOR_PASSWORD).status_code == 200
    for _ in range(4):
        assert login(api, contractor["contractor_id"], "Wrong1234").status_code == 401
    assert login(api, contractor["contractor_id"], CONTRACTOR_PASSWORD).status_code == 200


def test_logout_revokes_the_token(api, contractor):
    assert api.post("/auth/logout", token=contractor["token"]).status_code == 204
    assert api.get("/profile", contractor["token"]).status_code == 401


def test_sessions_end_after_30_idle_minutes(api, contractor, clock):
    clock.advance(minutes=29)
    assert api.get("/profile", contractor["token"]).status_code == 200
    clock.advance(minutes=29)  # idle time counts from the last request
    assert api.get("/profile", contractor["token"]).status_code == 200
    clock.advance(minutes=30, seconds=1)
    assert api.get("/profile", contractor["token"]).status_code == 401


def test_sessions_end_after_12_hours_however_busy(api, contractor, clock):
    for _ in range(12 * 3 - 1):
        clock.advance(minutes=20)
        assert api.get("/profile", contractor["token"]).status_code == 200
    clock.advance(minutes=20, seconds=1)
    assert api.get("/profile", contractor["token"]).status_code == 401


def test_missing_and_malformed_tokens_are_401(api, contractor):
    assert api.get("/profile").status_code == 401
    assert api.get("/profile", "not-a-token").status_code == 401
    response = api.call("GET", "/profile", headers={"Authorization": f"Basic {contractor['token']}"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_pin_does_not_sign_in(api, staff_token, clock):
    contractor_id, pin = register(api, staff_token)
    clock.advance(days=30, seconds=1)
    assert login(api, contractor_id, pin).status_code == 401


def test_staff_login_and_wrong_staff_password(api, staff_token):
    assert api.post("/auth/staff-login", {"username": "admin", "password": "nope1234"}).status_code == 401
    response = api.post("/auth/staff-login", {"username": "nobody", "password": "nope1234"})
    assert response.status_code == 401


class TestForgottenPassword:
    def code_from_outbox(self, api) -> str:
        items = api.get("/sandbox/outbox?to=CONTRACTOR@ONLINE.COM").json_body["items"]
        mail = next(i for i in items if i["subject"] == "Your password reset code")
        return re.search(r"code is (\d{6})", mail["body"]).group(1)

    def test_code_then_answer_then_new_password(self, api, contractor):
        cid = contractor["contractor_id"]
        assert api.post("/auth/password-reset/start", {"contractor_id": cid}).status_code == 202
        code = self.code_from_outbox(api)
        verified = api.post("/auth/password-reset/verify", {"contractor_id": cid, "code": code})
        assert verified.status_code == 200
        assert verified.json_body["security_question"] == "FIRST CAR"
        reset = api.post("/auth/password-reset", {
            "reset_token": verified.json_body["reset_token"], "secret_answer": "  corvette ",
            "password": "NewPass42", "password_confirm": "NewPass42"})
        assert reset.status_code == 204
        assert api.get("/profile", contractor["token"]).status_code == 401  # sessions revoked
        assert login(api, cid, CONTRACTOR_PASSWORD).status_code == 401
        assert login(api, cid, "NewPass42").status_code == 200
        subjects = [i["subject"] for i in api.get("/sandbox/outbox?to=contractor@online.com").json_body["items"]]
        # the notice went out (set-up sent one too, hence two)
        assert subjects.count("Your portal password was changed") == 2

    def test_start_answers_202_for_unknown_businesses_and_sends_nothing(self, api):
        response = api.post("/auth/password-reset/start", {"contractor_id": "c-unknown"})
        assert response.status_code == 202
        assert api.get("/sandbox/outbox").json_body["total"] == 0

    def test_wrong_and_reused_codes_are_refused(self, api, contractor):
        cid = contractor["contractor_id"]
        api.post("/auth/password-reset/start", {"contractor_id": cid})
        code = self.code_from_outbox(api)
        wrong = "000000" if code != "000000" else "111111"
        assert api.post("/auth/password-reset/verify", {"contractor_id": cid, "code": wrong}).status_code == 400
        assert api.post("/auth/password-reset/verify", {"contractor_id": cid, "code": code}).status_code == 200
        assert api.post("/auth/password-reset/verify", {"contractor_id": cid, "code": code}).status_code == 400

    def test_codes_expire_after_15_minutes(self, api, contractor, clock):
        cid = contractor["contractor_id"]
        api.post("/auth/password-reset/start", {"contractor_id": cid})
        code = self.code_from_outbox(api)
        clock.advance(minutes=15, seconds=1)
        assert api.post("/auth/password-reset/verify", {"contractor_id": cid, "code": code}).status_code == 400

    def test_wrong_secret_answers_count_as_failed_logins(self, api, contractor):
        cid = contractor["contractor_id"]
        api.post("/auth/password-reset/start", {"contractor_id": cid})
        token = api.post("/auth/password-reset/verify",
                         {"contractor_id": cid, "code": self.code_from_outbox(api)}).json_body["reset_token"]
        body = {"reset_token": token, "secret_answer": "Pinto", "password": "NewPass42",
                "password_confirm": "NewPass42"}
        for _ in range(5):
            response = api.post("/auth/password-reset", body)
            assert response.status_code == 400
            assert response.json_body["errors"][0]["field"] == "secret_answer"
        assert api.post("/auth/password-reset", {**body, "secret_answer": SECRET_ANSWER}).status_code == 429
        assert login(api, cid, CONTRACTOR_PASSWORD).status_code == 429


def test_new_pin_revokes_sessions_and_forces_setup_again(api, staff_token, contractor):
    cid = contractor["contractor_id"]
    response = api.post(f"/staff/contractors/{cid}/pin", token=staff_token)
    assert response.status_code == 200
    new_pin = response.json_body["pin"]
    assert api.get("/profile", contractor["token"]).status_code == 401
    assert login(api, cid, CONTRACTOR_PASSWORD).status_code == 401
    assert login(api, cid, contractor["pin"]).status_code == 401
    relog = login(api, cid, new_pin)
    assert relog.status_code == 200 and relog.json_body["must_complete_setup"] is True


def test_staff_routes_refuse_contractors_and_strangers(api, contractor):
    body = {"company_name": "X", "license_no": "X1", "email": "x@example.com"}
    assert api.post("/staff/contractors", body, contractor["token"]).status_code == 403
    assert api.post("/staff/contractors", body).status_code == 401
    assert api.post(f"/staff/contractors/{contractor['contractor_id']}/pin",
                    token=contractor["token"]).status_code == 403


def test_a_license_is_registered_once(api, staff_token):
    register(api, staff_token)
    response = api.post("/staff/contractors", {"company_name": "OTHER", "license_no": "aec0119",
                                               "email": "o@example.com"}, staff_token)
    assert response.status_code == 409


def test_staff_cannot_reissue_a_pin_for_an_unknown_contractor(api, staff_token):
    assert api.post("/staff/contractors/c-none/pin", token=staff_token).status_code == 404


class TestResetCodesAreOneUseEvenWhenRaced:
    """Two requests that both read the code (or token) before either deletes it: only one may win."""

    def test_a_code_is_consumed_once(self, api, contractor, monkeypatch):
        from chalicelib.store.accounts import AccountRepository

        cid = contractor["contractor_id"]
        api.post("/auth/password-reset/start", {"contractor_id": cid})
        code = TestForgottenPassword().code_from_outbox(api)
        seen: dict = {}
        real_get = AccountRepository.reset_code

        def stale_get(self, contractor_id, user_id=""):  # the second request read before the first deleted it
            seen.setdefault(contractor_id, real_get(self, contractor_id, user_id))
            return seen[contractor_id]

        monkeypatch.setattr(AccountRepository, "reset_code", stale_get)
        first = api.post("/auth/password-reset/verify", {"contractor_id": cid, "code": code})
        second = api.post("/auth/password-reset/verify", {"contractor_id": cid, "code": code})
        assert first.status_code == 200
        assert second.status_code == 400

    def test_a_reset_token_changes_the_password_once(self, api, contractor, monkeypatch):
        from chalicelib.store.accounts import AccountRepository

        cid = contractor["contractor_id"]
        api.post("/auth/password-reset/start", {"contractor_id": cid})
        token = api.post("/auth/password-reset/verify", {
            "contractor_id": cid, "code": TestForgottenPassword().code_from_outbox(api)}).json_body["reset_token"]
        seen: dict = {}
        real_get = AccountRepository.reset_token

        def stale_get(self, token_hash):
            seen.setdefault(token_hash, real_get(self, token_hash))
            return seen[token_hash]

        monkeypatch.setattr(AccountRepository, "reset_token", stale_get)
        body = {"reset_token": token, "secret_answer": SECRET_ANSWER}
        first = api.post("/auth/password-reset", {**body, "password": "FirstWin42", "password_confirm": "FirstWin42"})
        second = api.post("/auth/password-reset", {**body, "password": "Second42x", "password_confirm": "Second42x"})
        assert first.status_code == 204
        assert second.status_code == 400
        assert login(api, cid, "FirstWin42").status_code == 200
        assert login(api, cid, "Second42x").status_code == 401
