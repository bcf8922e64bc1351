"""Who of a company's users is e-mailed about what: each user who asked for it (`PUT /me/notifications`),
not one company address."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from chalicelib.domain.accounts import NotificationKind, normalise_email

if TYPE_CHECKING:
    from chalicelib.notifier import Notifier
    from chalicelib.store.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


def recipients(uow: UnitOfWork, contractor_id: str, kind: NotificationKind, also: Iterable[str] = ()) -> list[str]:
    """The addresses of the company's active users who want `kind` (one Query of its users), and
    `also` (e.g. whoever paid gets their receipt), each once."""
    addresses = [u.email for u in uow.accounts.users(contractor_id) if u.wants(kind)] + [a for a in also if a]
    unique: dict[str, str] = {}
    for address in addresses:
        unique.setdefault(normalise_email(address), address.strip())
    return list(unique.values())


def mail_users(notifier: Notifier, addresses: list[str], contractor_id: str, subject: str, body: str) -> int:
    """Send one message to each address (a refusal is logged, never raised); how many were sent."""
    from chalicelib.services.mail import send_quietly

    if not addresses:
        log.info("nobody of contractor %s asked for %r", contractor_id, subject)
        return 0
    return sum(1 for address in addresses if send_quietly(notifier, address, subject, body))
