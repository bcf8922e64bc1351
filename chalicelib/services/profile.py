"""The guide's "View/Edit Profile": the business's contact details.

Company name and state license belong to the county's records: staff set them, the contractor
only sees them. The profile is the `Company` with its user's security question; the API makes
the JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.accounts import Company, Principal, User
from chalicelib.domain.activity import ActivityAction, Actor, CompanyActivity
from chalicelib.domain.contact import validate_profile
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.services.accounts import AccountService, AuthConfig
from chalicelib.services.mail import mail_time, send_quietly

if TYPE_CHECKING:
    from chalicelib.clock import Clock
    from chalicelib.notifier import Notifier
    from chalicelib.store.unit_of_work import UnitOfWork


class ProfileService:
    """Reset codes and notices go to the e-mail on file, so changing it takes the current password
    (checked and throttled like a sign-in) and the old address is told."""

    def __init__(self, uow: UnitOfWork, clock: Clock, notifier: Notifier, config: AuthConfig) -> None:
        self.uow = uow
        self.clock = clock
        self.notifier = notifier
        self.accounts = AccountService(uow, clock, notifier, config)

    def get(self, principal: Principal) -> tuple[Company, User]:
        """The company and the signed-in user: the profile shows the user's own security question
        (one BatchGetItem)."""
        account = self.uow.accounts.company_and_user(principal.principal_id, principal.user_id)
        if account is None:
            raise NotFound("No such contractor.")
        return account

    def update(self, principal: Principal, fields: dict[str, str], current_password: str = "") -> tuple[Company, User]:
        """Save validated contact details; a concurrent change of the company is refused (409
        changed-meanwhile), never overwritten. The first admin's e-mail is the company's (the guide's
        one address), so it follows the e-mail on file; named users keep their own."""
        company, user = self.get(principal)
        clean = validate_profile(fields)
        old_email = company.email
        email_changes = company.email_changes_to(clean["email"])
        if email_changes:
            if not current_password:
                raise InvalidInput("Enter your current password to change the e-mail address.",
                                   [FieldProblem("current_password", "is required to change the e-mail address")])
            self.accounts.confirm_password(principal, current_password)
        now = self.clock.now()
        before = {name: getattr(company, name) for name in Company.PROFILE_FIELDS}
        company.update_profile(clean, now)
        self.uow.accounts.save_company(company)
        if email_changes:
            first = user if user.first_admin else self.uow.accounts.user(company.contractor_id)
            if first is not None and (not first.email or not first.email_differs(old_email)):
                first.email = company.email
                self.uow.accounts.save_user(first)
        changed = sorted(name for name in Company.PROFILE_FIELDS if getattr(company, name) != before[name])
        if changed:
            self.uow.activity.record(CompanyActivity.by(
                Actor.of(principal), now, ActivityAction.PROFILE_CHANGED, "company profile",
                "Changed " + ", ".join(name.replace("_", " ") for name in changed) + "."))
        self.uow.commit()
        if email_changes and old_email:
            self._tell_old_address(company, old_email)
        return company, user

    def _tell_old_address(self, company: Company, old_email: str) -> None:
        send_quietly(
            self.notifier, old_email, "Your portal e-mail address was changed",
            f"Hello {company.company_name},\n\nThe e-mail address of your contractor portal account was "
            f"changed on {mail_time(self.clock.now(), self.accounts.config.time_zone)} to {_masked(company.email)}. "
            "Password reset codes and "
            "notices now go there.\n\nIf you did not do this, call Community Development now.")


def _masked(email: str) -> str:
    """j***@example.com: enough for the owner to recognise, not a gift to whoever changed it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
