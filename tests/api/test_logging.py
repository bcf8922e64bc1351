"""Logging: one JSON line per event on stdout, every module's line carrying its request's id, no secret in any.

Lines are read from stdout (capsys), where chalicelib/logs.py's handler writes them: a line dropped by a
logger level, or written twice (Lambda's root handler, Chalice's own), fails these tests.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest

from chalicelib import logs
from tests.conftest import CONTRACTOR_PASSWORD, SECRET_ANSWER, STAFF_PASSWORD, complete_setup, register, seed_permit


def events(capsys: Any) -> list[dict[str, Any]]:
    """The log events written to stdout since the last call, one JSON object a line (anything else fails);
    CloudWatch EMF metric lines (an `_aws` key: chalicelib/metrics.py) are not log events and are left out."""
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    return [e for e in lines if "_aws" not in e]


def access_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in lines if e["logger"] == "contractor_portal.http"]


@pytest.fixture
def rich(api: Any, contractor: dict[str, str], table: Any) -> dict[str, str]:
    seed_permit(table, contractor["contractor_id"], "RES16-0688")
    assert api.post("/cart/items", {"permit_no": "RES16-0688"}, contractor["token"]).status_code == 200
    return contractor


# --- a service's line, in a request ---------------------------------------------------------------

def test_a_service_line_inside_a_request_carries_that_requests_id(api: Any, rich: dict[str, str],
                                                                   capsys: Any) -> None:
    events(capsys)  # the fixtures' requests
    response = api.post("/checkout", {"payment_method": "credit_card"}, rich["token"])
    assert response.status_code == 201, response.body
    lines = events(capsys)

    service = [e for e in lines if e["logger"] == "chalicelib.services.checkout"]
    assert [e["message"] for e in service] == [f"checkout: payment {response.json_body['payment_id']} holds 6 fees"]
    line = service[0]
    assert line["level"] == "INFO" and line["service"] == "contractor-portal"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["timestamp"])
    assert line["method"] == "POST" and line["path"] == "/checkout"

    [access] = access_lines(lines)  # exactly one access line a request
    assert access["request_id"] == line["request_id"] and len(line["request_id"]) >= 32
    assert access["message"].startswith("POST /checkout 201 ")
    assert (access["method"], access["path"], access["status"]) == ("POST", "/checkout", 201)
    assert isinstance(access["duration_ms"], float) and access["level"] == "INFO"

    api.get("/cart", rich["token"])
    [after] = access_lines(events(capsys))
    assert after["request_id"] != access["request_id"]  # each request its own id


def test_the_notifier_line_carries_the_request_id(api: Any, contractor: dict[str, str], capsys: Any) -> None:
    events(capsys)
    assert api.post("/auth/password-reset/start", {"contractor_id": contractor["contractor_id"]}).status_code == 202
    lines = events(capsys)
    [mail] = [e for e in lines if e["logger"] == "chalicelib.notifier"]
    assert mail["message"] == "mail queued in the sandbox outbox: subject='Your password reset code'"
    [access] = access_lines(lines)
    assert mail["request_id"] == access["request_id"] and access["status"] == 202


def test_the_request_id_is_cleared_after_the_request(api: Any, contractor: dict[str, str], capsys: Any) -> None:
    api.get("/profile", contractor["token"])
    events(capsys)
    logging.getLogger("chalicelib.services.accounts").info("between requests")
    [line] = events(capsys)
    assert line["message"] == "between requests" and "request_id" not in line and "path" not in line


def test_the_scheduled_job_logs_with_its_invocations_request_id(client: Any, capsys: Any) -> None:
    events(capsys)
    client.lambda_.invoke("flag_expired_permits", {})
    [summary] = [e for e in events(capsys) if e["logger"] == "chalicelib.services.expiry"]
    assert summary["message"].startswith("expiry job for ") and summary["job"] == "flag_expired_permits"
    assert len(summary["request_id"]) >= 32


def test_no_line_reaches_the_root_logger(api: Any, rich: dict[str, str], capsys: Any) -> None:
    """Lambda's runtime puts a handler on the root logger: a line reaching it would be written twice."""
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    root = logging.getLogger()
    keep = Keep(logging.DEBUG)
    root.addHandler(keep)
    try:
        api.post("/checkout", {"payment_method": "echeck"}, rich["token"])
    finally:
        root.removeHandler(keep)
    assert [r for r in seen if r.name.startswith(("chalicelib", "contractor_portal", "contractor-portal"))] == []
    assert len(access_lines(events(capsys))) == 1


def test_log_level_is_read_at_each_request(api: Any, rich: dict[str, str], capsys: Any) -> None:
    events(capsys)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOG_LEVEL", "WARNING")
        api.get("/cart", rich["token"])
        assert events(capsys) == []
    api.get("/cart", rich["token"])
    assert len(access_lines(events(capsys))) == 1


def test_configure_is_idempotent(capsys: Any) -> None:
    import app

    for _ in range(3):
        logs.configure(app.app.log)
    for name in ("chalicelib", "contractor_portal", "contractor-portal"):
        ours = [h for h in logging.getLogger(name).handlers if isinstance(h, logs.StdoutHandler)]
        assert len(ours) == 1 and not any(type(h) is logging.StreamHandler for h in logging.getLogger(name).handlers)
    events(capsys)
    app.app.log.error("from Chalice's app.log")
    [line] = events(capsys)
    assert line["logger"] == "contractor-portal" and line["level"] == "ERROR"


def test_the_middleware_binds_the_lambda_and_api_gateway_ids(capsys: Any) -> None:
    from types import SimpleNamespace

    from chalice import Response

    from chalicelib.api import middleware

    def view(_event: Any) -> Response:
        logging.getLogger("chalicelib.services.example").info("inside")
        return Response(body="{}", status_code=200, headers={"Content-Type": "application/json"})

    event = SimpleNamespace(method="GET", path="/permits/{permit_no}", raw_body=b"",
                            lambda_context=SimpleNamespace(aws_request_id="lambda-1"), context={"requestId": "apigw-1"})
    events(capsys)
    middleware.http_middleware(event, view)
    inside, access = events(capsys)
    for line in (inside, access):
        assert (line["request_id"], line["apigw_request_id"]) == ("lambda-1", "apigw-1")
        assert (line["method"], line["path"]) == ("GET", "/permits/{permit_no}")
    assert access["status"] == 200


def test_a_generated_request_id_without_a_lambda_context() -> None:
    assert logs.request_id(None, {"requestId": "api-gw-1"}) == "api-gw-1"
    assert logs.request_id(None, None) != logs.request_id(None, None)


# --- no secret in any line --------------------------------------------------------------------------

def test_sign_in_reset_and_pin_issue_log_no_secret(api: Any, capsys: Any) -> None:
    from chalicelib import bootstrap
    from chalicelib.domain.accounts import StaffUser
    from chalicelib.domain.credentials import hash_secret

    secrets: list[str] = [STAFF_PASSWORD, CONTRACTOR_PASSWORD, SECRET_ANSWER, "Wrong1pass", "NewPass42", "Pinto"]
    bootstrap.uow().accounts.put_staff(
        StaffUser("admin", "Permit Desk", "desk@example.gov", hash_secret(STAFF_PASSWORD, 4)))
    assert api.post("/auth/staff-login", {"username": "admin", "password": "Wrong1pass"}).status_code == 401
    staff_token = api.post("/auth/staff-login", {"username": "admin", "password": STAFF_PASSWORD}).json_body["token"]
    # Staff register a contractor (a first PIN), then issue a new one.
    contractor_id, first_pin = register(api, staff_token)
    pin = api.post(f"/staff/contractors/{contractor_id}/pin", token=staff_token).json_body["pin"]
    assert api.post("/auth/login", {"contractor_id": contractor_id, "password": first_pin}).status_code == 401
    # First sign-in with the PIN, set-up, sign in with the password, sign out.
    setup_token = api.post("/auth/login", {"contractor_id": contractor_id, "password": pin}).json_body["token"]
    token = complete_setup(api, contractor_id, pin)
    assert api.post("/auth/login", {"contractor_id": contractor_id, "password": "Wrong1pass"}).status_code == 401
    session = api.post("/auth/login", {"contractor_id": contractor_id, "password": CONTRACTOR_PASSWORD})
    assert api.post("/auth/logout", token=session.json_body["token"]).status_code == 204
    # Forgotten password: a code by mail, a wrong answer, then the right one and a new password.
    assert api.post("/auth/password-reset/start", {"contractor_id": contractor_id}).status_code == 202
    items = api.get("/sandbox/outbox?to=CONTRACTOR@ONLINE.COM").json_body["items"]
    mail = next(i for i in items if i["subject"] == "Your password reset code")
    code = re.search(r"code is (\d{6})", mail["body"]).group(1)
    verified = api.post("/auth/password-reset/verify", {"contractor_id": contractor_id, "code": code}).json_body
    reset = {"reset_token": verified["reset_token"], "password": "NewPass42", "password_confirm": "NewPass42"}
    assert api.post("/auth/password-reset", {**reset, "secret_answer": "Pinto"}).status_code >= 400
    assert api.post("/auth/password-reset", {**reset, "secret_answer": SECRET_ANSWER}).status_code == 204
    assert api.post("/auth/login", {"contractor_id": contractor_id, "password": "NewPass42"}).status_code == 200
    secrets += [staff_token, first_pin, pin, setup_token, token, session.json_body["token"], code,
                verified["reset_token"]]

    out = capsys.readouterr().out
    lines = [e for e in map(json.loads, out.splitlines()) if "_aws" not in e]  # EMF metric lines aside
    assert len(access_lines(lines)) >= 15  # every request logged: the check below is not vacuous
    assert any(e["logger"] == "chalicelib.notifier" for e in lines)
    for secret in secrets:
        assert secret.casefold() not in out.casefold(), f"a log line holds {secret!r}"


def test_the_safety_net_masks_secret_fields_tokens_and_tracebacks(capsys: Any) -> None:
    token = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8"  # 51 URL-safe characters
    log = logging.getLogger("chalicelib.services.example")
    events(capsys)
    with logs.bound(request_id="r-1"):
        log.info("sent to %s with Authorization: Bearer abc.def and pin=12345678", token,
                 extra={"reset_code": "654321", "newPassword": "Hunter22", "status_code": 200,
                        "body": {"secret_answer": "Corvette", "permit_no": "RES16-0688"}})
        try:
            raise ValueError("password='Hunter22 x' for Bearer abc.def")
        except ValueError:
            log.exception("refused %r", {"token": "t0ken"})
    first, second = events(capsys)
    text = json.dumps([first, second])
    for secret in (token, "abc.def", "12345678", "654321", "Hunter22", "Corvette", "t0ken"):
        assert secret not in text
    assert first["reset_code"] == first["newPassword"] == "***" and first["status_code"] == 200
    assert first["body"] == {"secret_answer": "***", "permit_no": "RES16-0688"}
    assert first["request_id"] == "r-1" and second["exception_name"] == "ValueError"
    assert "ValueError: password='***' for Bearer ***" in second["exception"]


def test_ids_and_counts_stay_readable() -> None:
    payment_id = "0123456789abcdef0123456789abcdef"  # uuid4().hex
    kept = (f"checkout: payment {payment_id} holds 6 fees", "password reset code not sent: 3 already sent this hour",
            "mail queued in the sandbox outbox: subject='Your password reset code'",
            "permit RES16-0688 created for contractor c-0a1b2c3d4e5f", "request 8d3c0b4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e")
    for message in kept:
        assert logs.redact_text(message) == message
    assert not logs.is_secret_key("shipping") and not logs.is_secret_key("status_code")
    assert logs.is_secret_key("Authorization") and logs.is_secret_key("reset_token") and logs.is_secret_key("pin")
