"""Sending mail from a use case: after the change it reports is stored, and never failing it.

Amazon SES can refuse a message (an unverified or suppressed address, throttling). By the time a
service mails, what it reports is already written; a refused message is logged and the operation
stands (raising would make the caller retry and book twice).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from chalicelib import metrics
from chalicelib.domain.wording import county_datetime

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


def mail_time(at: datetime, zone: ZoneInfo) -> str:
    """An instant as mail states it, on the county's clock: 11/24/2026 9:00 AM PST."""
    return county_datetime(at, zone)
