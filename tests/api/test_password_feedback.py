"""Issue 11: the warning before a lock-out (`attempts_left`) and the public common-password list."""

from __future__ import annotations

import re

from chalicelib.domain.passwords import PasswordPolicy, common_passwords
from tests.conftest import CONTRACTOR_PASSWORD, SECRET_ANSWER


def login(api, contractor_id: str, password: str):
    return api.post("/auth/login", {"contractor_id": contractor_id, "password": password})


# --- attempts left before the lock-out --------------------------------------------------------


def test_each_wrong_password_says_how_many_attempts_are_left(api, contractor):
    cid = contractor["contractor_id"]
    answers = [login(api, cid, "Wrong1234") for _ in range(5)]
    assert [a.status_code for a in answers] == [401] * 5
    assert [a.json_body["attempts_left"] for a in answers] == [4, 3, 2, 1, 0]
    assert answers[2].json_body["detail"] == (
        "The business or password is not correct. 2 attempts left before it is locked for 15 minutes.")
    assert answers[3].json_body["detail"].endswith("1 attempt left before it is locked for 15 minutes.")
    assert answers[4].json_body["detail"].endswith("No attempts left: it is locked for 15 minutes.")
    assert login(api, cid, CONTRACTOR_PASSWORD).status_code == 429  # the warning was true


def test_the_count_follows_the_configured_limit(api, contractor, monkeypatch):
    monkeypatch.setenv("MAX_FAILED_ATTEMPTS", "3")
    assert login(api, contractor["contractor_id"], "Wrong1234").json_body["attempts_left"] == 2


def test_a_success_restores_the_full_count(api, contractor):
    cid = contractor["contractor_id"]
    login(api, cid, "Wrong1234")
    login(api, cid, "Wrong1234")
    assert login(api, cid, CONTRACTOR_PASSWORD).status_code == 200
    assert login(api, cid, "Wrong1234").json_body["attempts_left"] == 4


def test_an_unknown_business_answers_exactly_like_a_known_one(api, contractor):
    # No enumeration: a missing account is counted under its id too, so the count reads alike.
    for _ in range(3):
        wrong = login(api, contractor["contractor_id"], "Wrong1234")
        missing = login(api, "c-doesnotexist", "Wrong1234")
        assert wrong.status_code == missing.status_code == 401
        assert wrong.json_body == missing.json_body
        assert set(wrong.headers) == set(missing.headers)


def test_a_wrong_pin_says_how_many_attempts_are_left(api, staff_token):
    from tests.conftest import register

    cid, pin = register(api, staff_token)
    wrong = "000000" if pin != "000000" else "111111"
    answer = login(api, cid, wrong)
    assert answer.status_code == 401
    assert answer.json_body["attempts_left"] == 4
    assert "4 attempts left" in answer.json_body["detail"]


def test_a_wrong_current_password_on_the_profile_says_how_many_are_left(api, contractor):
    answer = api.put("/profile/password", {"current_password": "Wrong1234", "password": "NewPass42",
                                           "password_confirm": "NewPass42"}, contractor["token"])
    assert answer.status_code == 400
    assert answer.json_body["type"].endswith("/problems/wrong-current-password")
    assert answer.json_body["attempts_left"] == 4


def test_a_wrong_secret_answer_and_a_wrong_code_say_how_many_are_left(api, contractor):
    cid = contractor["contractor_id"]
    api.post("/auth/password-reset/start", {"contractor_id": cid})
    items = api.get("/sandbox/outbox?to=CONTRACTOR@ONLINE.COM").json_body["items"]
    code = re.search(r"code is (\d{6})", next(i for i in items if "reset code" in i["subject"])["body"]).group(1)
    bad = api.post("/auth/password-reset/verify", {"contractor_id": cid, "code": "000000" if code != "000000" else "1"})
    assert bad.status_code == 400
    assert bad.json_body["attempts_left"] == 4
    token = api.post("/auth/password-reset/verify", {"contractor_id": cid, "code": code}).json_body["reset_token"]
    body = {"reset_token": token, "secret_answer": "Pinto", "password": "NewPass42", "password_confirm": "NewPass42"}
    assert api.post("/auth/password-reset", body).json_body["attempts_left"] == 4
    assert api.post("/auth/password-reset", {**body, "secret_answer": SECRET_ANSWER}).status_code == 204


def test_problems_without_a_count_carry_no_attempts_left(api, contractor):
    answer = api.get("/profile", "not-a-token")
    assert answer.status_code == 401
    assert "attempts_left" not in answer.json_body


# --- GET /meta/common-passwords ---------------------------------------------------------------


def test_the_common_password_list_is_the_policys_own(api):
    answer = api.get("/meta/common-passwords")
    assert answer.status_code == 200
    passwords = answer.json_body["passwords"]
    assert passwords == sorted(common_passwords())
    # Every listed password the shape rules allow is one the policy refuses as common.
    policy = PasswordPolicy()
    sample = next(p for p in passwords if re.search(r"[a-z]", p) and re.search(r"[0-9]", p) and len(p) >= 6)
    assert [p.message for p in policy.problems(sample.upper())] == [
        "is too common; choose a password others would not guess"]


def test_the_list_is_cacheable_with_a_strong_etag_and_304(api):
    first = api.get("/meta/common-passwords")
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)  # strong: no W/
    assert "public" in first.headers["Cache-Control"] and "max-age=" in first.headers["Cache-Control"]
    again = api.call("GET", "/meta/common-passwords", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.body in (b"", "")
    assert again.headers["ETag"] == etag
    listed = api.call("GET", "/meta/common-passwords", headers={"If-None-Match": f'"other", W/{etag}'})
    assert listed.status_code == 304
    stale = api.call("GET", "/meta/common-passwords", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200
    assert stale.json_body == first.json_body


def test_the_rules_point_at_the_list(api):
    assert api.get("/meta/rules").json_body["password"]["common_passwords"] == "/meta/common-passwords"


def test_with_the_rule_turned_off_the_list_is_empty(api, monkeypatch):
    monkeypatch.setenv("PASSWORD_CHECK_COMMON", "false")
    answer = api.get("/meta/common-passwords")
    assert answer.status_code == 200
    assert answer.json_body == {"passwords": []}
