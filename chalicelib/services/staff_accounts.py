"""Staff accounts per person (docs/back-office.md, "Staff accounts"): invite, list, change, disable;
accept an invitation; change one's own password.

Rules, each enforced here once:
- a supervisor invites a person by name, e-mail and role; the account is INVITED until its one-time
  code (valid 72 hours, stored only as its keyed digest, mailed with a link to the back office's
  accept page) is traded for a password, once; a new invitation replaces the code (and the password);
- accepting is throttled like signing in (per account and per source), and a wrong or expired code
  is a `400 invalid-invitation`, whether or not the account exists;
- staff passwords follow the staff policy (the county's rules with a longer minimum);
- disabling ends the person's sessions at once, and their sign-in is refused; a change of role
  ends them too (a session's role is fixed when it opens);
- the last active supervisor cannot be demoted or disabled (`409 last-supervisor`): the change is
  committed on condition that another supervisor is still active, so two at once cannot both land;
- every change is in the audit trail, in the change's own transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from chalicelib.domain import credentials
from chalicelib.domain.accounts import (
    STAFF_INVITATION_VALID,
    Principal,
    Role,
    StaffRole,
    StaffUser,
    ThrottleKind,
    normalise_username,
)
from chalicelib.domain.audit import AuditAction, AuditEntry, difference, subject
from chalicelib.domain.contact import normalise_email
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound, StaleRecord
from chalicelib.services.accounts import AccountService, SignedIn
from chalicelib.services.mail import mail_time, send_quietly

if TYPE_CHECKING:
    from datetime import datetime

log = logging.getLogger(__name__)

INVALID_INVITATION = ("The invitation code is not correct, has expired or was already used. "
                      "Ask a supervisor for a new one.")


@dataclass(frozen=True)
class NewStaff:
    username: str
    name: str
    email: str
    role: str


def _staff_role(value: str, problems: list[FieldProblem]) -> StaffRole | None:
    """The role named, or None with its problem added."""
    try:
        return StaffRole(value)
    except ValueError:
        problems.append(FieldProblem("role", f"must be one of {', '.join(r.value for r in StaffRole)}"))
        return None


def invitation_scope(username: str) -> str:
    """The key an invitation code's digest is made under: a code is good for its own account only."""
    return f"staff-invitation:{username.lower()}"


class StaffAccountService(AccountService):
    """Staff accounts, on the sign-in service's throttles and sessions. One per request."""

    # --- reading -----------------------------------------------------------------------------

    def staff_page(self, limit: int, cursor: str | None) -> tuple[list[StaffUser], str | None]:
        return self.accounts.staff_page(limit, cursor)

    def staff_user(self, username: str) -> StaffUser:
        if not 0 < len(username) <= 64:  # from the URL: longer is no account, and a key DynamoDB refuses
            raise NotFound(f"No staff account {username[:64]}.")
        user = self.accounts.staff_user(username)
        if user is None:
            raise NotFound(f"No staff account {username}.")
        return user

    # --- inviting ----------------------------------------------------------------------------

    def invite(self, new: NewStaff, by: str) -> StaffUser:
        """A new INVITED account, its invitation mailed to its e-mail. `409 staff-username-taken`."""
        user, code = self._create(new, by, AuditAction.STAFF_INVITED)
        self._mail_invitation(user, code)
        return user

    def create_first_supervisor(self, username: str, name: str, email: str,
                                force: bool = False) -> tuple[StaffUser, str]:
        """`make first-supervisor`: an INVITED supervisor and its one-time code, printed at the console
        (no mail: SES may not deliver yet). Refused while a supervisor is active, unless `force`
        (a county that has lost every supervisor's password)."""
        if not force and self.accounts.active_supervisors():
            raise Conflict("An active supervisor exists: invite people from the back office's Staff accounts "
                           "(or pass --force).")
        new = NewStaff(username, name, email, StaffRole.SUPERVISOR.value)
        return self._create(new, "", AuditAction.SUPERVISOR_CREATED)

    def reinvite(self, username: str, by: str) -> StaffUser:
        """A new code mailed; the old one (and any password) stops working, sessions end."""
        user = self.staff_user(username)
        was_supervising = user.active_supervisor
        code = credentials.new_invitation_code()
        now = self.clock.now()
        user.invite(self._digest(user.username, code), now, STAFF_INVITATION_VALID)
        self._keep_a_supervisor(user, was_supervising)  # an invited supervisor supervises nobody yet
        self.accounts.save_staff(user)
        self.uow.audit.record(AuditEntry(now, by, AuditAction.STAFF_INVITED, subject("staff", user.username),
                                         after={"email": user.email, "resent": True}))
        self.uow.commit()
        self.accounts.revoke_sessions(Role.STAFF, user.username)
        self._mail_invitation(user, code)
        return user

    # --- changing ----------------------------------------------------------------------------

    def change(self, username: str, by: str, name: str | None = None, role: str | None = None,
               disabled: bool | None = None) -> StaffUser:
        user = self.staff_user(username)
        before = user.audit_view()
        was_supervising, old_role = user.active_supervisor, user.role
        problems = []
        if name is not None:
            if not " ".join(name.split()):
                problems.append(FieldProblem("name", "is required"))
            user.display_name = " ".join(name.split())
        if role is not None:
            user.role = _staff_role(role, problems) or user.role
        if problems:
            raise InvalidInput("The staff account was not changed: correct the fields below.", problems)
        if disabled is not None:
            user.set_disabled(disabled)
        changed_before, changed_after = difference(before, user.audit_view())
        if not changed_after:
            return user
        self._keep_a_supervisor(user, was_supervising)
        self.accounts.save_staff(user)
        self.uow.audit.record(AuditEntry(self.clock.now(), by, AuditAction.STAFF_CHANGED,
                                         subject("staff", user.username), before=changed_before, after=changed_after))
        self.uow.commit()
        if "status" in changed_after or user.role is not old_role:  # sessions carry the role they opened with
            self.accounts.revoke_sessions(Role.STAFF, user.username)
        return user

    # --- the invited person ------------------------------------------------------------------

    def accept_invitation(self, username: str, code: str, password: str, password_confirm: str,
                          source: str = "") -> SignedIn:
        """Trade the one-time code for a password and a session. Throttled like signing in."""
        now = self.clock.now()
        name = username.strip().lower()
        user, from_source = self.accounts.staff_with_throttle(name, ThrottleKind.SOURCE, self._source_id(source, now))
        self._refuse_while_locked(from_source, now)
        self.config.staff_password_policy.check_new(password, password_confirm)
        attempt = self._claim(ThrottleKind.STAFF_INVITATION, name, now)
        digest = self._digest(name, code)
        if user is None or not user.invitation_matches(digest, now):
            self._fail(ThrottleKind.STAFF_INVITATION, name, attempt, now, source)
            detail, left = self._warned(INVALID_INVITATION, attempt)
            raise InvalidInput(detail, [FieldProblem("code", "is not correct or has expired")],
                               slug="invalid-invitation", extensions=left)
        user.accept_invitation(password, now, self.config.bcrypt_cost)
        self.accounts.save_staff(user)
        self.accounts.forget_throttles((ThrottleKind.STAFF_INVITATION, name), (ThrottleKind.STAFF_SIGN_IN, name))
        self.uow.audit.record(AuditEntry(now, user.username, AuditAction.STAFF_JOINED, subject("staff", user.username),
                                         after={"status": user.status.value}))
        try:
            self.uow.commit()
        except StaleRecord:  # the code was used (or replaced) by a request in between: it works once
            raise InvalidInput(INVALID_INVITATION, [FieldProblem("code", "is not correct or has expired")],
                               slug="invalid-invitation") from None
        return self._open_session(Role.STAFF, user.username, user.display_name, setup_only=False, now=now,
                                  staff_role=user.role.value)

    def change_staff_password(self, principal: Principal, current_password: str, password: str,
                              password_confirm: str) -> None:
        """The signed-in staff member's own password; their other sessions end, a notice is mailed."""
        now = self.clock.now()
        user = self.staff_user(principal.principal_id)
        attempt = self._claim(ThrottleKind.STAFF_SIGN_IN, user.username, now)
        if not user.accepts_sign_in(current_password, self.config.bcrypt_cost):
            self._fail(ThrottleKind.STAFF_SIGN_IN, user.username, attempt, now)
            detail, left = self._warned("The current password is not correct.", attempt)
            raise InvalidInput(detail, [FieldProblem("current_password", "is not correct")],
                               slug="wrong-current-password", extensions=left)
        self.accounts.clear_throttles((ThrottleKind.STAFF_SIGN_IN, user.username))
        self.config.staff_password_policy.check_new(password, password_confirm)
        user.change_password(password, self.config.bcrypt_cost)
        self.accounts.save_staff(user)
        self.uow.audit.record(AuditEntry(now, user.username, AuditAction.STAFF_PASSWORD,
                                         subject("staff", user.username)))
        self.uow.commit()
        self.accounts.revoke_sessions(Role.STAFF, user.username, keep=principal.token_hash)
        if user.email:
            send_quietly(self.notifier, user.email, "Your back-office password was changed",
                         f"Hello {user.display_name},\n\nThe password of your back-office account {user.username} "
                         f"was changed on {mail_time(now, self.config.time_zone)}. If you did not do this, tell a "
                         "supervisor now.\n\nCommunity Development")

    # --- helpers -----------------------------------------------------------------------------

    def _create(self, new: NewStaff, by: str, action: AuditAction) -> tuple[StaffUser, str]:
        problems, values = [], {}
        for field_name, clean in (("username", normalise_username), ("email", normalise_email)):
            try:
                values[field_name] = clean(getattr(new, field_name))
            except ValueError as error:
                problems.append(FieldProblem(field_name, str(error)))
        name = " ".join(new.name.split())
        if not name:
            problems.append(FieldProblem("name", "is required"))
        role = _staff_role(new.role, problems)
        if problems or role is None:
            raise InvalidInput("The staff account was not created: correct the fields below.", problems)
        now = self.clock.now()
        user = StaffUser(values["username"], name, values["email"], role=role)
        code = credentials.new_invitation_code()
        user.invite(self._digest(user.username, code), now, STAFF_INVITATION_VALID)
        self.accounts.add_staff(user)
        self.uow.audit.record(AuditEntry(now, by, action, subject("staff", user.username),
                                         after={"name": name, "email": user.email, "role": role.value}))
        try:
            self.uow.commit()
        except StaleRecord:
            raise Conflict(f"The user name {user.username} is taken.", slug="staff-username-taken") from None
        return user, code

    def _keep_a_supervisor(self, user: StaffUser, was_supervising: bool) -> None:
        """`409 last-supervisor` when the change leaves no active supervisor; otherwise the commit is
        conditioned on another one staying active (two such changes at once cannot both land)."""
        if not was_supervising or user.active_supervisor:
            return
        others = [u for u in self.accounts.active_supervisors() if u.username != user.username]
        if not others:
            raise Conflict(f"{user.username} is the last active supervisor: make another supervisor first.",
                           slug="last-supervisor")
        self.accounts.keep_active_supervisor(others[0].username)

    @staticmethod
    def _digest(username: str, code: str) -> str:
        return credentials.code_digest(invitation_scope(username), credentials.normalise_invitation_code(code))

    def accept_link(self, username: str) -> str:
        return f"{self.config.site_base_url.rstrip('/')}/staff/accept.html?username={quote(username)}"

    def _mail_invitation(self, user: StaffUser, code: str) -> None:
        expires: datetime | None = user.invitation_expires_at
        until = mail_time(expires, self.config.time_zone) if expires else "72 hours from now"
        send_quietly(
            self.notifier, user.email, "Your Community Development back-office account",
            f"Hello {user.display_name},\n\nA back-office account was made for you: user name {user.username}, "
            f"role {user.role.value}.\n\nYour one-time code is {code}. It works once, until {until}.\n\n"
            f"Choose your password here: {self.accept_link(user.username)}\n\n"
            "If you did not expect this, ignore this message.\n\nCommunity Development",
        )
