"""Issue 8, the account defects a security probe found: items 1, 2, 4, 8 and 9.

The concurrency tests drive real threads against moto (each request made atomic, as DynamoDB's
are) and slow the secret check down, so every guess is in flight at once, as they were in the probe.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chalicelib.domain import credentials
from chalicelib.domain.errors import InvalidInput, TooManyAttempts, Unauthenticated
from tests.conftest import CONTRACTOR_PASSWORD, SECRET_ANSWER, register

LIMIT = 5  # MAX_FAILED_ATTEMPTS and RESET_CODE_ATTEMPTS


def login(api: Any, contractor_id: str, password: str) -> Any:
    return api.post("/auth/login", {"contractor_id": contractor_id, "password": password})


def outbox(api: Any, to: str = "contractor@online.com") -> list[dict[str, Any]]:
    return api.get(f"/sandbox/outbox?to={to}").json_body["items"]


def reset_codes_sent(api: Any, to: str = "contractor@online.com") -> list[str]:
    return [re.search(r"code is (\d{6})", m["body"]).group(1)  # type: ignore[union-attr]
            for m in outbox(api, to) if m["subject"] == "Your password reset code"]


class SlowChecks:
    """Counts the secret checks that run and holds each one open a moment, so that guesses sent
    together are all in flight together; `reached` is set once `LIMIT` checks have begun."""

    def __init__(self, monkeypatch: Any, name: str) -> None:
        self.calls = 0
        self.lock = threading.Lock()
        self.reached = threading.Event()
        real = getattr(credentials, name)

        def slow(*args: Any) -> Any:
            with self.lock:
                self.calls += 1
                if self.calls >= LIMIT:
                    self.reached.set()
            time.sleep(0.3)
            return real(*args)

        monkeypatch.setattr(credentials, name, slow)


def outcome(call: Any) -> str:
    try:
        call()
        return "ok"
    except TooManyAttempts:
        return "429"
    except (Unauthenticated, InvalidInput):
        return "wrong"


def race(wrong_guess: Any, right_guess: Any, checks: SlowChecks, wrong: int = 9) -> tuple[list[str], str]:
    """`wrong` wrong guesses together, then the right one while they are still being checked."""
    with ThreadPoolExecutor(wrong) as pool:
        futures = [pool.submit(outcome, wrong_guess) for _ in range(wrong)]
        checks.reached.wait(timeout=5)
        right = outcome(right_guess)
        return [f.result() for f in futures], right


# --- 1. an attempt is counted before the secret is checked -------------------------------------


@pytest.mark.usefixtures("atomic_requests")
def test_nine_wrong_passwords_and_the_right_one_sent_together_do_not_get_in(contractor, monkeypatch):
    from chalicelib import bootstrap

    checks = SlowChecks(monkeypatch, "verify_secret")
    service, cid = bootstrap.accounts(), contractor["contractor_id"]
    wrongs, right = race(lambda: service.login(cid, "Wrong9999"), lambda: service.login(cid, CONTRACTOR_PASSWORD),
                         checks)
    assert right == "429"
    assert checks.calls <= LIMIT
    assert wrongs.count("wrong") <= LIMIT and wrongs.count("429") >= len(wrongs) - LIMIT
    with pytest.raises(TooManyAttempts):  # and the lock holds afterwards
        service.login(cid, CONTRACTOR_PASSWORD)


@pytest.mark.usefixtures("atomic_requests")
def test_forty_pin_guesses_sent_together_get_no_more_than_five_checks(api, staff_token, monkeypatch):
    from chalicelib import bootstrap

    cid, pin = register(api, staff_token)
    checks = SlowChecks(monkeypatch, "verify_secret")
    service = bootstrap.accounts()
    wrongs, right = race(lambda: service.login(cid, "00000000"), lambda: service.login(cid, pin), checks, wrong=39)
    assert right == "429"
    assert checks.calls <= LIMIT
    assert wrongs.count("429") >= 39 - LIMIT


@pytest.mark.usefixtures("atomic_requests")
def test_wrong_secret_answers_sent_together_cannot_take_over_the_account(api, contractor, monkeypatch):
    from chalicelib import bootstrap

    cid = contractor["contractor_id"]
    api.post("/auth/password-reset/start", {"contractor_id": cid})
    reset_token = api.post("/auth/password-reset/verify",
                           {"contractor_id": cid, "code": reset_codes_sent(api)[0]}).json_body["reset_token"]
    checks = SlowChecks(monkeypatch, "verify_secret")
    service = bootstrap.accounts()

    def answer(text: str) -> Any:
        return lambda: service.reset_password(reset_token, text, "Taken0ver9", "Taken0ver9")

    wrongs, right = race(answer("Pinto"), answer(SECRET_ANSWER), checks)
    assert right == "429"
    assert checks.calls <= LIMIT
    assert wrongs.count("429") >= len(wrongs) - LIMIT
    assert login(api, cid, CONTRACTOR_PASSWORD).status_code == 429  # wrong answers count against sign-in too
    assert login(api, cid, "Taken0ver9").status_code != 200


@pytest.mark.usefixtures("atomic_requests")
def test_ten_wrong_reset_codes_sent_together_are_compared_at_most_five_times(api, contractor, monkeypatch):
    from chalicelib import bootstrap

    cid = contractor["contractor_id"]
    api.post("/auth/password-reset/start", {"contractor_id": cid})
    code = reset_codes_sent(api)[0]
    wrong = "000000" if code != "000000" else "111111"
    checks = SlowChecks(monkeypatch, "same_digest")
    service = bootstrap.accounts()
    wrongs, right = race(lambda: service.verify_reset(cid, wrong), lambda: service.verify_reset(cid, code),
                         checks, wrong=10)
    assert checks.calls <= LIMIT
    assert right == "429"
    assert wrongs.count("429") >= 10 - LIMIT


# --- 2. a blank company name -----------------------------------------------------------------


@pytest.mark.parametrize("name", [" ", "\t  \t", ""])
def test_a_company_name_blank_after_trimming_is_refused_and_sign_in_stays_up(api, staff_token, name):
    response = api.post("/staff/contractors", {"company_name": name, "license_no": "B1", "email": "b@example.com"},
                        staff_token)
    assert response.status_code in (400, 422)
    assert response.json_body["errors"][0]["field"] == "company_name"
    listed = api.get("/contractors")
    assert listed.status_code == 200
    assert listed.json_body["items"] == []


def test_one_damaged_directory_item_does_not_take_the_drop_down_down(api, staff_token, table):
    good_id, _ = register(api, staff_token)
    table.put_item(Item={"PK": "CONTRACTOR#c-damaged", "SK": "PROFILE", "GSI3PK": "DIRECTORY",
                         "GSI3SK": "#c-damaged", "contractor_id": "c-damaged"})  # stored before the fix
    listed = api.get("/contractors")
    assert listed.status_code == 200
    assert [item["contractor_id"] for item in listed.json_body["items"]] == [good_id]


# --- 4. reset codes: guesses counted across codes, codes mailed per hour ------------------------


def test_asking_for_new_codes_buys_no_more_guesses(api, contractor):
    cid = contractor["contractor_id"]
    statuses = []
    for _ in range(10):
        api.post("/auth/password-reset/start", {"contractor_id": cid})
        for _ in range(LIMIT):
            statuses.append(api.post("/auth/password-reset/verify",
                                     {"contractor_id": cid, "code": "123456x"}).status_code)
    assert statuses.count(400) == LIMIT
    assert set(statuses[LIMIT:]) == {429}


def test_at_most_three_reset_codes_are_mailed_in_an_hour(api, contractor, clock):
    cid = contractor["contractor_id"]
    for _ in range(10):
        assert api.post("/auth/password-reset/start", {"contractor_id": cid}).status_code == 202  # says nothing
    assert len(reset_codes_sent(api)) == 3
    clock.advance(hours=1)
    api.post("/auth/password-reset/start", {"contractor_id": cid})
    assert len(reset_codes_sent(api)) == 4


# --- 8. locking someone out is not a way to keep them out -----------------------------------


def test_a_locked_out_owner_gets_in_through_the_emailed_reset(api, contractor):
    cid = contractor["contractor_id"]
    for _ in range(LIMIT):  # anyone can do this: contractor ids are public
        assert login(api, cid, "Wrong9999").status_code == 401
    assert login(api, cid, CONTRACTOR_PASSWORD).status_code == 429
    api.post("/auth/password-reset/start", {"contractor_id": cid})
    verified = api.post("/auth/password-reset/verify", {"contractor_id": cid, "code": reset_codes_sent(api)[0]})
    assert verified.status_code == 200
    reset = api.post("/auth/password-reset", {"reset_token": verified.json_body["reset_token"],
                                              "secret_answer": SECRET_ANSWER, "password": "Back2Work",
                                              "password_confirm": "Back2Work"})
    assert reset.status_code == 204
    assert login(api, cid, "Back2Work").status_code == 200


def test_a_source_that_fails_across_many_accounts_is_refused(api, contractor, monkeypatch):
    from chalicelib import bootstrap

    monkeypatch.setenv("SOURCE_MAX_FAILED_ATTEMPTS", "3")
    for victim in ("c-one", "c-two", "c-three"):  # one failure each: no account reaches its own limit
        assert login(api, victim, "Wrong9999").status_code == 401
    refused = login(api, contractor["contractor_id"], CONTRACTOR_PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    # The same account from another address is not held up by that source.
    signed_in = bootstrap.accounts().login(contractor["contractor_id"], CONTRACTOR_PASSWORD, source="198.51.100.7")
    assert signed_in.token


# --- 9. changing the e-mail re-authenticates and tells the old address -----------------------

PROFILE = {"address": "1200 N Government Way", "city": "Coeur d'Alene", "state": "ID", "zip": "83814",
           "email": "thief@example.net", "phone": "208-555-0119"}


def test_changing_the_email_needs_the_current_password(api, contractor):
    token = contractor["token"]
    missing = api.put("/profile", PROFILE, token)
    assert missing.status_code == 400
    assert missing.json_body["errors"][0]["field"] == "current_password"
    wrong = api.put("/profile", {**PROFILE, "current_password": "Wrong9999"}, token)
    assert wrong.status_code == 400
    assert api.get("/profile", token).json_body["email"] == "CONTRACTOR@ONLINE.COM"
    api.post("/auth/password-reset/start", {"contractor_id": contractor["contractor_id"]})
    assert reset_codes_sent(api, "thief@example.net") == []


def test_wrong_passwords_on_the_email_change_count_towards_the_lock(api, contractor):
    for _ in range(LIMIT):
        assert api.put("/profile", {**PROFILE, "current_password": "Wrong9999"}, contractor["token"]).status_code == 400
    assert api.put("/profile", {**PROFILE, "current_password": CONTRACTOR_PASSWORD},
                   contractor["token"]).status_code == 429


def test_a_changed_email_is_told_to_the_old_address(api, contractor):
    changed = api.put("/profile", {**PROFILE, "current_password": CONTRACTOR_PASSWORD}, contractor["token"])
    assert changed.status_code == 200 and changed.json_body["email"] == "thief@example.net"
    notice = [m for m in outbox(api) if m["subject"] == "Your portal e-mail address was changed"]
    assert len(notice) == 1 and "t***@example.net" in notice[0]["body"]


def test_other_profile_fields_change_without_the_password(api, contractor):
    same_email = {**PROFILE, "email": "contractor@online.com"}  # only its case differs
    assert api.put("/profile", same_email, contractor["token"]).status_code == 200


def test_attempts_left_claimed_by_a_request_that_died_do_not_lock_the_account_for_good(api, contractor, table, clock):
    cid = contractor["contractor_id"]
    stuck_at = int(clock.now().timestamp())
    # The first admin's sign-in failures are counted on the user's own item: claimed, never checked.
    table.update_item(Key={"PK": f"CONTRACTOR#{cid}", "SK": f"USER#{cid}"},
                      UpdateExpression="SET attempts = :n, claimed_at = :at",
                      ExpressionAttributeValues={":n": LIMIT, ":at": stuck_at})
    assert login(api, cid, CONTRACTOR_PASSWORD).status_code == 429  # five guesses may still be in flight
    clock.advance(minutes=15)
    assert login(api, cid, CONTRACTOR_PASSWORD).status_code == 200
