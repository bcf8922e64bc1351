"""A company's named users: invitations, roles, disabling, each user's notifications, and the
company's activity (API.md Part 2, "Companies and their users").

Rules enforced here once:
- an admin invites a user by e-mail with a one-time code, valid 72 hours and kept only as its keyed
  digest; accepting it sets the user's name, security question and password, once, throttled like
  signing in;
- an admin changes roles and disables or enables users; disabling, or changing a role, ends that
  user's sessions at once (a session carries the role it opened with);
- the company keeps at least one active admin, even when two admins step down at the same moment
  (the change commits only while another active admin still is one);
- every change is recorded in the company's activity in the same transaction.

Which role may do what is `domain.accounts.COMPANY_DUTIES`; the API's guard checks it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from chalicelib.domain import credentials
from chalicelib.domain.accounts import (
    Company,
    Principal,
    Role,
    ThrottleKind,
    User,
    UserRole,
    UserStatus,
    default_notifications,
    named_user_id,
    role_label,
)
from chalicelib.domain.activity import ActivityAction, Actor, CompanyActivity
from chalicelib.domain.contact import normalise_email as valid_email
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound, StaleRecord
from chalicelib.services.accounts import AccountService, SignedIn
from chalicelib.services.mail import mail_time, send_quietly

if TYPE_CHECKING:
    from chalicelib.store.activity import ActivityRepository

log = logging.getLogger(__name__)

INVALID_INVITATION = ("The invitation code is not correct, has expired or was already used. "
                      "Ask your company's administrator for a new one.")


@dataclass(frozen=True)
class ActivityPage:
    entries: list[CompanyActivity]
    names: dict[str, str]  # user id → the user's name now, for the entries' "who"
    next_cursor: str | None


def _role(value: str, problems: list[FieldProblem]) -> UserRole | None:
    try:
        return UserRole(value)
    except ValueError:
        problems.append(FieldProblem("role", f"must be one of {', '.join(r.value for r in UserRole)}"))
        return None


class CompanyUserService(AccountService):
    """A company's users, on the sign-in service's throttles and sessions. One per request."""

    @property
    def activity_log(self) -> ActivityRepository:
        return self.uow.activity

    # --- the signed-in user ----------------------------------------------------------------------

    def me(self, principal: Principal) -> tuple[Company, User]:
        """The signed-in user with their company: one BatchGetItem."""
        account = self.accounts.company_and_user(principal.principal_id, principal.user_id)
        if account is None:
            raise NotFound("No such user.")
        return account

    def set_notifications(self, principal: Principal, choices: dict[str, bool]) -> tuple[Company, User]:
        company, user = self.me(principal)
        user.set_notifications(choices)
        self.accounts.save_user(user)
        self.uow.commit()
        return company, user

    # --- the admin's Users page ------------------------------------------------------------------

    def users(self, principal: Principal) -> list[User]:
        """The company's users, the first admin first, then by name: one Query."""
        return sorted(self.accounts.users(principal.principal_id),
                      key=lambda u: (not u.first_admin, u.status is UserStatus.DISABLED, u.display_name.lower()))

    def invite(self, principal: Principal, email: str, name: str, role: str) -> User:
        """A new user, INVITED, with a one-time code e-mailed to them; 409 when the e-mail is a user's."""
        problems: list[FieldProblem] = []
        address = ""
        try:
            address = valid_email(email)
        except ValueError as error:
            problems.append(FieldProblem("email", str(error)))
        if not name.strip():
            problems.append(FieldProblem("name", "is required"))
        wanted = _role(role, problems)
        if problems or wanted is None:
            raise InvalidInput("The user was not invited: correct the fields below.", problems)
        company = self._company(principal.principal_id)
        first = self.accounts.user(company.contractor_id)
        if first is not None and not first.email_differs(address):
            raise Conflict(f"{address} is already the company's administrator.", slug="user-exists")
        now = self.clock.now()
        actor = Actor.of(principal)
        user = User(user_id=named_user_id(company.contractor_id, address), contractor_id=company.contractor_id,
                    email=address, role=wanted, name=name.strip(), company_name=company.company_name,
                    status=UserStatus.INVITED, notifications=default_notifications(wanted), created_at=now)
        code = credentials.new_invitation_code()
        user.invite(self._digest(user.user_id, code), now, by=actor.user_id)
        self.accounts.add_user(user)
        self.activity_log.record(CompanyActivity.by(actor, now, ActivityAction.USER_INVITED, f"user {address}",
                                                    f"Invited {user.name} as {role_label(wanted.value)}."))
        try:
            self.uow.commit()
        except StaleRecord:
            raise Conflict(f"{address} is already a user of {company.company_name}: resend the invitation or "
                           "enable the user instead.", slug="user-exists") from None
        self._mail_invitation(user, code)
        return user

    def resend_invitation(self, principal: Principal, user_id: str) -> User:
        """A new code for a user who has not accepted yet; the last one stops working."""
        user = self._member(principal, user_id)
        now = self.clock.now()
        code = credentials.new_invitation_code()
        user.invite(self._digest(user.user_id, code), now, by=Actor.of(principal).user_id)
        self.accounts.save_user(user)
        self.activity_log.record(CompanyActivity.by(Actor.of(principal), now, ActivityAction.USER_INVITED,
                                                    f"user {user.email}", "Sent a new invitation."))
        self.uow.commit()
        self._mail_invitation(user, code)
        return user

    def change(self, principal: Principal, user_id: str, role: str | None = None,
               disabled: bool | None = None) -> User:
        """A new role, or disabled / enabled again. The user's sessions end when either changes."""
        problems: list[FieldProblem] = []
        wanted = _role(role, problems) if role is not None else None
        if problems:
            raise InvalidInput("The user was not changed: correct the fields below.", problems)
        user = self._member(principal, user_id)
        before = user.audit_view()
        was_admin = user.active_admin
        if wanted is not None:
            user.role = wanted
        if disabled is not None:
            user.set_disabled(disabled)
        if was_admin and not user.active_admin:
            others = [u for u in self.accounts.users(user.contractor_id)
                      if u.active_admin and u.user_id != user.user_id]
            if not others:
                raise Conflict("The company needs an active administrator: make another user an administrator "
                               "first.", slug="last-admin")
            self.accounts.keep_active_admin(user.contractor_id, others[0].user_id)
        after = user.audit_view()
        if after == before:
            return user
        now = self.clock.now()
        self.accounts.save_user(user)
        self.activity_log.record(CompanyActivity.by(Actor.of(principal), now, _change_action(before, after),
                                                    f"user {user.email}", _change_words(before, after)))
        try:
            self.uow.commit()
        except StaleRecord:
            raise Conflict("The users changed meanwhile (another administrator may have stepped down): reload "
                           "and try again.", slug="last-admin") from None
        self.accounts.revoke_sessions(Role.CONTRACTOR, user.contractor_id, user_id=user.user_id)
        return user

    # --- accepting an invitation (public) ----------------------------------------------------------

    def accept_invitation(self, contractor_id: str, email: str, code: str, name: str, security_question: str,
                          secret_answer: str, secret_answer_confirm: str, password: str, password_confirm: str,
                          source: str = "") -> SignedIn:
        """Trade the one-time code for the user's name, question, password and a session. Throttled
        like signing in; the code works once, even when two requests race."""
        now = self.clock.now()
        self._refuse_while_locked(self.accounts.throttle(ThrottleKind.SOURCE, self._source_id(source, now)), now)
        problems = User.question_problems(security_question, secret_answer, secret_answer_confirm)
        if not name.strip():
            problems.append(FieldProblem("name", "is required"))
        problems += self.config.password_policy.problems(password)
        if password != password_confirm:
            problems.append(FieldProblem("password_confirm", "does not match the password"))
        if problems:
            raise InvalidInput("The invitation was not accepted: correct the fields below.", problems,
                               slug="password-rules")
        user_id = named_user_id(contractor_id, email)
        attempt = self._claim(ThrottleKind.COMPANY_INVITATION, user_id, now)
        user = self.accounts.user(contractor_id, user_id) if email.strip() else None
        if user is None or not user.invitation_matches(self._digest(user_id, code), now):
            self._fail(ThrottleKind.COMPANY_INVITATION, user_id, attempt, now, source)
            detail, left = self._warned(INVALID_INVITATION, attempt)
            raise InvalidInput(detail, [FieldProblem("code", "is not correct or has expired")],
                               slug="invalid-invitation", extensions=left)
        user.accept_invitation(name, security_question, secret_answer, password, now, self.config.bcrypt_cost)
        self.accounts.save_user(user, clear_sign_in=True)
        self.accounts.forget_throttles((ThrottleKind.COMPANY_INVITATION, user_id))
        self.activity_log.record(CompanyActivity.by(Actor(contractor_id, user.user_id, user.email), now,
                                                    ActivityAction.INVITATION_ACCEPTED, f"user {user.email}",
                                                    f"{user.name} joined as {role_label(user.role.value)}."))
        try:
            self.uow.commit()
        except StaleRecord:  # the code was used (or replaced) by a request in between: it works once
            raise InvalidInput(INVALID_INVITATION, [FieldProblem("code", "is not correct or has expired")],
                               slug="invalid-invitation") from None
        return self._open_user_session(user, now)

    # --- the company's activity ------------------------------------------------------------------

    def activity(self, principal: Principal, limit: int, cursor: str | None = None) -> ActivityPage:
        """A page of who did what, newest first (one Query), with the users' names (one Query)."""
        entries, next_cursor = self.activity_log.page(principal.principal_id, limit, cursor)
        names = {u.user_id: u.display_name for u in self.accounts.users(principal.principal_id)} if entries else {}
        return ActivityPage(entries, names, next_cursor)

    # --- helpers ---------------------------------------------------------------------------------

    def _company(self, contractor_id: str) -> Company:
        company = self.accounts.company(contractor_id)
        if company is None:
            raise NotFound("No such contractor.")
        return company

    def _member(self, principal: Principal, user_id: str) -> User:
        """A user of the principal's company: another company's is absent (404), as a missing one."""
        user = self.accounts.user(principal.principal_id, user_id) if user_id else None
        if user is None:
            raise NotFound(f"No user {user_id[:64]}.")
        return user

    @staticmethod
    def _digest(user_id: str, code: str) -> str:
        return credentials.code_digest(f"company-invitation:{user_id}", credentials.normalise_invitation_code(code))

    def accept_link(self, user: User) -> str:
        query = urlencode({"contractor": user.contractor_id, "email": user.email})
        return f"{self.config.site_base_url.rstrip('/')}/accept-invitation.html?{query}"

    def _mail_invitation(self, user: User, code: str) -> None:
        expires = user.invitation_expires_at
        until = mail_time(expires, self.config.time_zone) if expires else "72 hours from now"
        send_quietly(
            self.notifier, user.email, "You are invited to the contractor portal",
            f"Hello {user.display_name},\n\n{user.company_name} invited you to its contractor portal account "
            f"as {role_label(user.role.value)}.\n\nYour one-time code is {code}. It works once, until {until}.\n\n"
            f"Choose your password here: {self.accept_link(user)}\n\nSign in afterwards with your company, "
            f"this e-mail address ({user.email}) and your password.\n\n"
            "If you did not expect this, ignore this message.\n\nCommunity Development",
        )


def _change_action(before: dict[str, str], after: dict[str, str]) -> ActivityAction:
    if after["status"] != before["status"] and after["status"] == UserStatus.DISABLED.value:
        return ActivityAction.USER_DISABLED
    if after["status"] != before["status"] and before["status"] == UserStatus.DISABLED.value:
        return ActivityAction.USER_ENABLED
    return ActivityAction.USER_CHANGED


def _change_words(before: dict[str, str], after: dict[str, str]) -> str:
    parts = []
    if before["role"] != after["role"]:
        parts.append(f"role {role_label(before['role'])} → {role_label(after['role'])}")
    if before["status"] != after["status"]:
        parts.append(f"status {before['status']} → {after['status']}")
    return "Changed " + ", ".join(parts) + "."


