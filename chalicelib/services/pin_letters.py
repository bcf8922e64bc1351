"""PIN letters: the letter for a company's new PIN (`domain.pin_letter`), and mailing it to the address on file.

The PIN itself is issued by `AccountService` (register, new PIN); this service only writes the letter
from the company as stored and, when staff ask, e-mails it and keeps that in the audit trail.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from chalicelib.domain.audit import AuditAction, AuditEntry, subject
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.passwords import PasswordPolicy
from chalicelib.domain.pin_letter import Letter, pin_letter

if TYPE_CHECKING:
    from chalicelib.clock import Clock
    from chalicelib.notifier import Notifier
    from chalicelib.store.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


class PinLetterService:
    def __init__(self, uow: UnitOfWork, clock: Clock, notifier: Notifier, sign_in_url: str, pin_valid: timedelta,
                 password_policy: PasswordPolicy, time_zone: ZoneInfo, actor: str = "") -> None:
        self.uow = uow
        self.clock = clock
        self.notifier = notifier
        self.sign_in_url = sign_in_url
        self.pin_valid = pin_valid
        self.password_policy = password_policy
        self.time_zone = time_zone
        self.actor = actor

    def letter(self, contractor_id: str, pin: str) -> Letter:
        """The letter for a PIN just issued (it is valid for `pin_valid` from now)."""
        company = self.uow.accounts.company(contractor_id)
        if company is None:
            raise NotFound(f"No contractor {contractor_id[:64]}.")
        valid_until = (self.clock.now() + self.pin_valid).astimezone(self.time_zone).date()
        return pin_letter(company.company_name, company.license_no, pin, self.sign_in_url,
                          valid_until=valid_until, password_rules=self.password_policy.rules())

    def mail(self, contractor_id: str, letter: Letter) -> str:
        """E-mail the letter to the company's address on file; returns that address. Kept in the audit
        trail once sent (the address, never the PIN). 409 when there is no address to mail to."""
        company = self.uow.accounts.company(contractor_id)
        if company is None:
            raise NotFound(f"No contractor {contractor_id[:64]}.")
        if not company.email:
            raise Conflict(f"{company.company_name} has no e-mail address on file: print the letter instead.")
        self.notifier.send(company.email, letter.subject, letter.body)
        self.uow.audit.record(AuditEntry(self.clock.now(), self.actor, AuditAction.PIN_LETTER_SENT,
                                         subject("contractor", contractor_id), after={"mailed_to": company.email}))
        self.uow.commit()
        log.info("PIN letter mailed to contractor %s", contractor_id)
        return str(company.email)
