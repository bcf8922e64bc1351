"""Business metrics as CloudWatch EMF lines on stdout (chalicelib/metrics.py), flushed once a request."""

from __future__ import annotations

import json
from typing import Any

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
