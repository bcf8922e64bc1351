"""The guide's "View/Edit Profile": the business's contact details.

Company name and state license belong to the county's records: staff set them, the contractor
only sees them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from chalicelib.clock import Clock
from chalicelib.domain.accounts import Contractor, Principal
from chalicelib.domain.contact import validate_profile
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.notifier import Notifier
from chalicelib.services.accounts import AccountService
from chalicelib.store.accounts import AccountStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Profile:
    company_name: str
    license_no: str
    address: str
    city: str
    state: str
    zip: str
    email: str
    phone: str
    cell_phone: str
    fax: str
    security_question: str

    @classmethod
    def of(cls, c: Contractor) -> Profile:
        return cls(c.company_name, c.license_no, c.address, c.city, c.state, c.zip, c.email, c.phone,
                   c.cell_phone, c.fax, c.security_question)


class ProfileService:
    """Reset codes and notices go to the e-mail on file, so changing it takes the current password
    (checked and throttled like a sign-in) and the old address is told."""

    def __init__(self, store: AccountStore, clock: Clock, accounts: AccountService, notifier: Notifier) -> None:
        self.store = store
        self.clock = clock
        self.accounts = accounts
        self.notifier = notifier

    def get(self, contractor_id: str) -> Profile:
        return Profile.of(self._contractor(contractor_id))

    def update(self, principal: Principal, fields: dict[str, str], current_password: str = "") -> Profile:
        contractor_id = principal.principal_id
        before = self._contractor(contractor_id)
        clean = validate_profile(fields)
        email_changes = clean["email"].strip().lower() != (before.email or "").strip().lower()
        if email_changes:
            if not current_password:
                raise InvalidInput("Enter your current password to change the e-mail address.",
                                   [FieldProblem("current_password", "is required to change the e-mail address")])
            self.accounts.confirm_password(principal, current_password)
        changes = {**{k: v or None for k, v in clean.items()},
                   "updated_at": int(self.clock.now().timestamp())}
        # The address checked above is the one replaced: a concurrent change is refused, not overwritten.
        if not self.store.update_contractor(contractor_id, changes, require={"email": before.email}):
            raise Conflict("The profile was changed elsewhere meanwhile; reload it and try again.")
        if email_changes and before.email:
            self._tell_old_address(before, clean["email"])
        return self.get(contractor_id)

    def _contractor(self, contractor_id: str) -> Contractor:
        contractor = self.store.get_contractor(contractor_id)
        if contractor is None:
            raise NotFound("No such contractor.")
        return contractor

    def _tell_old_address(self, before: Contractor, new_email: str) -> None:
        when = self.clock.now().strftime("%Y-%m-%d %H:%M UTC")
        try:
            self.notifier.send(
                before.email, "Your portal e-mail address was changed",
                f"Hello {before.company_name},\n\nThe e-mail address of your contractor portal account was "
                f"changed on {when} to {_masked(new_email)}. Password reset codes and notices now go there.\n\n"
                "If you did not do this, call Community Development now.")
        except Exception:
            log.exception("could not send the e-mail change notice")


def _masked(email: str) -> str:
    """j***@example.com: enough for the owner to recognise, not a gift to whoever changed it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
