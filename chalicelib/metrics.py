"""Business metrics as CloudWatch embedded metric format (EMF), through Powertools Metrics.

Services call `count("PaymentPaid")` where something worth alarming on happens; nothing is sent then.
The counts wait in this module until `flush()` — once a request (chalicelib/api/middleware.py, in a
`finally`) and once a job invocation (chalicelib/bootstrap.py `run_expiry_job`) — which prints one EMF
JSON line to stdout; Lambda ships stdout to CloudWatch Logs, which turns the line into metrics, with no
API call and no added latency. Powertools is imported only by a flush that has something to write, so
`import app` (the cold start) does not pay for it and a request that recorded nothing flushes for free.

Namespace: POWERTOOLS_METRICS_NAMESPACE (default `ContractorPortal`); one dimension, `service` =
POWERTOOLS_SERVICE_NAME (default `contractor-portal`). The names below are what infra's alarms use.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)

NAMESPACE = "ContractorPortal"
SERVICE = "contractor-portal"

LOGIN_FAILED = "LoginFailed"
ACCOUNT_LOCKED = "AccountLocked"
PAYMENT_PAID = "PaymentPaid"
PAYMENT_DECLINED = "PaymentDeclined"
PAYMENT_REFUND_REQUIRED = "PaymentRefundRequired"
CALLBACK_REFUSED = "CallbackRefused"
MAIL_FAILED = "MailFailed"
PERMITS_FLAGGED_EXPIRED = "PermitsFlaggedExpired"
EXPIRY_REMINDERS_SENT = "ExpiryRemindersSent"
EXPIRY_JOB_COMPLETED = "ExpiryJobCompleted"

NAMES = frozenset({
    LOGIN_FAILED, ACCOUNT_LOCKED, PAYMENT_PAID, PAYMENT_DECLINED, PAYMENT_REFUND_REQUIRED, CALLBACK_REFUSED,
    MAIL_FAILED, PERMITS_FLAGGED_EXPIRED, EXPIRY_REMINDERS_SENT, EXPIRY_JOB_COMPLETED,
})

_pending: list[tuple[str, int]] = []


def count(name: str, value: int = 1) -> None:
    """Record `value` (a count) of metric `name`, to be written by the next flush."""
    if name not in NAMES:
        raise ValueError(f"unknown metric {name!r}")  # a typo would otherwise feed no alarm, silently
    _pending.append((name, value))


def pending() -> list[tuple[str, int]]:
    """What the next flush would write (for tests)."""
    return list(_pending)


def discard() -> None:
    _pending.clear()


def flush() -> None:
    """Write what was recorded as one EMF line and forget it; nothing (and no import) when nothing was.

    Never raises: a metric that cannot be written is logged, and the request or job it measured stands.
    """
    if not _pending:
        return
    taken = list(_pending)
    _pending.clear()
    try:
        from aws_lambda_powertools import Metrics
        from aws_lambda_powertools.metrics import MetricUnit

        metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or NAMESPACE,
                          service=os.environ.get("POWERTOOLS_SERVICE_NAME") or SERVICE)
        for name, value in taken:
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
        metrics.flush_metrics()
    except Exception:
        log.exception("could not write %d metric values", len(taken))
