"""One way out for e-mail: Amazon SES when deployed, the sandbox outbox locally and in tests."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.clock import Clock

if TYPE_CHECKING:
    from chalicelib.store.outbox import OutboxStore

log = logging.getLogger(__name__)


class Notifier(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


class OutboxNotifier:
    """Keeps the message in the table, where `GET /sandbox/outbox` lists it."""

    def __init__(self, outbox: OutboxStore, clock: Clock) -> None:
        self.outbox = outbox
        self.clock = clock

    def send(self, to: str, subject: str, body: str) -> None:
        self.outbox.add(to, subject, body, self.clock.now())
        log.info("mail queued in the sandbox outbox: subject=%r", subject)


class SesNotifier:
    def __init__(self, client: Any, sender: str) -> None:
        self.client = client
        self.sender = sender

    def send(self, to: str, subject: str, body: str) -> None:
        self.client.send_email(
            Source=self.sender,
            Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                     "Body": {"Text": {"Data": body, "Charset": "UTF-8"}}},
        )
        log.info("mail sent through SES: subject=%r", subject)
