"""Business metrics as CloudWatch EMF lines on stdout (chalicelib/metrics.py), flushed once a request."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib import metrics


def emf(capsys: Any) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    return [e for e in lines if "_aws" in e]


def values(line: dict[str, Any], name: str) -> list[float]:
    value = line.get(name, [])
    return value if isinstance(value, list) else [value]


def test_nothing_recorded_writes_nothing(capsys: Any) -> None:
    metrics.discard()
    metrics.flush()
    assert emf(capsys) == []


def test_a_flush_writes_one_emf_line_in_the_portals_namespace(capsys: Any) -> None:
    metrics.discard()
    metrics.count(metrics.PAYMENT_PAID)
    metrics.count(metrics.MAIL_FAILED)
    metrics.count(metrics.MAIL_FAILED)
    metrics.flush()
    [line] = emf(capsys)
    [directive] = line["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "ContractorPortal"
    assert directive["Dimensions"] == [["service"]] and line["service"] == "contractor-portal"
    assert values(line, "PaymentPaid") == [1.0] and values(line, "MailFailed") == [1.0, 1.0]


def test_a_failed_login_is_counted_by_the_request(api: Any, staff_token: str, capsys: Any) -> None:
    capsys.readouterr()
    assert api.post("/auth/staff-login", {"username": "admin", "password": "Wrong1pass"}).status_code == 401
    assert [values(e, "LoginFailed") for e in emf(capsys)] == [[1.0]]


def test_the_job_counts_its_run(client: Any, capsys: Any) -> None:
    capsys.readouterr()
    client.lambda_.invoke("flag_expired_permits", {})
    [line] = emf(capsys)
    assert values(line, "ExpiryJobCompleted") == [1.0]
    assert values(line, "PermitsFlaggedExpired") == values(line, "ExpiryRemindersSent") == [0.0]


def _sum(capsys: Any, name: str) -> float:
    return sum(sum(values(e, name)) for e in emf(capsys) if name in e)


def _pending_payment(api: Any, table: Any, contractor: dict[str, str]) -> dict[str, Any]:
    from tests.conftest import seed_permit

    seed_permit(table, contractor["contractor_id"], "RES16-0688")
    assert api.post("/cart/items", {"permit_no": "RES16-0688"}, contractor["token"]).status_code == 200
    response = api.post("/checkout", {"payment_method": "credit_card"}, contractor["token"])
    assert response.status_code == 201, response.body
    return response.json_body


def _callback(api: Any, clock: Any, payment: dict[str, Any], outcome: str, secret: str = "sandbox-secret") -> Any:
    from decimal import Decimal

    from chalicelib.payments.provider import build_callback_body
    from chalicelib.payments.signature import sign

    raw = build_callback_body(payment["payment_id"], outcome, "TX-M" if outcome == "approved" else None,
                              Decimal(payment["total_due"]))
    header = sign(secret, raw, int(clock.now().timestamp()))
    return api.call("POST", "/payments/callback", raw=raw, headers={"X-Payment-Signature": header})


def test_the_failure_that_locks_an_account_counts_account_locked_once(api: Any, contractor: dict[str, str],
                                                                      capsys: Any) -> None:
    from chalicelib.config import get_settings

    limit = get_settings().max_failed_attempts
    capsys.readouterr()
    for _ in range(limit - 1):
        api.post("/auth/login", {"contractor_id": contractor["contractor_id"], "password": "Wrong1pass"})
    assert _sum(capsys, "LoginFailed") == limit - 1 and _sum(capsys, "AccountLocked") == 0
    api.post("/auth/login", {"contractor_id": contractor["contractor_id"], "password": "Wrong1pass"})
    assert _sum(capsys, "AccountLocked") == 1
    locked = api.post("/auth/login", {"contractor_id": contractor["contractor_id"], "password": "Wrong1pass"})
    assert locked.status_code == 429 and _sum(capsys, "AccountLocked") == 0  # refused, not counted again


@pytest.mark.parametrize(("outcome", "metric"), [("approved", "PaymentPaid"), ("declined", "PaymentDeclined")])
def test_a_callback_counts_its_outcome_once(api: Any, contractor: dict[str, str], table: Any, clock: Any,
                                            capsys: Any, outcome: str, metric: str) -> None:
    payment = _pending_payment(api, table, contractor)
    capsys.readouterr()
    assert _callback(api, clock, payment, outcome).status_code == 200
    assert _sum(capsys, metric) == 1
    assert _callback(api, clock, payment, outcome).status_code == 200  # the provider's retry
    assert _sum(capsys, metric) == 0  # a replay changed nothing and counts nothing


def test_a_refused_callback_is_counted(api: Any, contractor: dict[str, str], table: Any, clock: Any,
                                       capsys: Any) -> None:
    payment = _pending_payment(api, table, contractor)
    capsys.readouterr()
    assert _callback(api, clock, payment, "approved", secret="forged").status_code == 400
    assert _sum(capsys, "CallbackRefused") == 1 and _sum(capsys, "PaymentPaid") == 0
