"""Sending mail from a use case: after the change it reports is stored, and never failing it.

Amazon SES can refuse a message (an unverified or suppressed address, throttling). By the time a
service mails, what it reports is already written; a refused message is logged and the operation
stands (raising would make the caller retry and book twice).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalicelib import metrics

if TYPE_CHECKING:
    from chalicelib.notifier import Notifier

log = logging.getLogger(__name__)


def send_quietly(notifier: Notifier, to: str, subject: str, body: str) -> bool:
    """Send one message; False (logged with its subject, not its address) when it could not be sent."""
    try:
        notifier.send(to, subject, body)
    except Exception:
        log.exception("could not send mail %r", subject)
        metrics.count(metrics.MAIL_FAILED)
        return False
    return True


def mail_time(at: datetime) -> str:
    """An instant as mail states it: 2026-11-24 17:00 UTC."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
