"""Signing in and out, first-login set-up, forgotten passwords, and staff-issued PINs.

Rules the county's guide and API.md set, each enforced here once:
- the first password is the PIN staff issued; a PIN session may only finish set-up or log out;
  after set-up the PIN never works again; a new PIN revokes sessions and forces set-up again;
- after `max_failed_attempts` consecutive failures (wrong password, PIN or secret answer) the
  account is locked for `lockout`; a missing account is throttled and answered the same way;
  every attempt is counted before its secret is checked, so guesses sent together are no faster;
- a locked sign-in does not lock the e-mailed reset (its codes and answers have budgets of their
  own), so whoever locks an account out cannot keep its owner out; a source address that fails too
  often, across any accounts, is refused for `lockout` too;
- at most `reset_codes_per_hour` reset codes are mailed to one account in an hour;
- every password change (set-up, change, reset) revokes sessions and e-mails a notice.

The service works on the `Company` and its `User` (domain) through `uow.accounts`; the rules of a
user's secrets are the `User`'s methods. Throttles and sessions are written at once (an attempt
must be counted before its secret is checked); changes of a company or user are committed through
the unit of work, conditioned on what was read. Results are domain objects; JSON is the API's.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from chalicelib import metrics
from chalicelib.config import DEFAULT_TIME_ZONE
from chalicelib.domain import credentials
from chalicelib.domain.accounts import (
    Company,
    Principal,
    RateKind,
    Role,
    Session,
    SessionPolicy,
    Throttle,
    ThrottleKind,
    User,
    UserRole,
    UserStatus,
    first_user_id,
    named_user_id,
    normalise_email,
)
from chalicelib.domain.audit import AuditAction, AuditEntry, subject
from chalicelib.domain.errors import (
    Conflict,
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotFound,
    StaleRecord,
    TooManyAttempts,
    Unauthenticated,
)
from chalicelib.domain.passwords import PasswordPolicy
from chalicelib.services.mail import mail_time, send_quietly

if TYPE_CHECKING:
    from chalicelib.clock import Clock
    from chalicelib.config import Settings
    from chalicelib.notifier import Notifier
    from chalicelib.store.accounts import AccountRepository
    from chalicelib.store.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

WRONG_CREDENTIALS = "The business or password is not correct."


@dataclass(frozen=True)
class AuthConfig:
    bcrypt_cost: int = 12
    pin_valid: timedelta = timedelta(days=30)
    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    max_failed_attempts: int = 5
    lockout: timedelta = timedelta(minutes=15)
    reset_code_valid: timedelta = timedelta(minutes=15)
    reset_code_attempts: int = 5
    reset_codes_per_hour: int = 3
    source_max_failed_attempts: int = 50
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    time_zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIME_ZONE))  # mail states times in it
    #: Staff: the county's rules with a longer minimum; links in staff invitations start at the site's address.
    staff_password_policy: PasswordPolicy = field(default_factory=lambda: PasswordPolicy(min_length=12, max_length=64))
    site_base_url: str = "http://127.0.0.1:8080"

    @classmethod
    def from_settings(cls, s: Settings) -> AuthConfig:
        return cls(
            bcrypt_cost=s.bcrypt_cost,
            pin_valid=timedelta(days=s.pin_valid_days),
            sessions=SessionPolicy(idle=timedelta(minutes=s.session_idle_minutes),
                                   absolute=timedelta(hours=s.session_absolute_hours)),
            max_failed_attempts=s.max_failed_attempts,
            lockout=timedelta(minutes=s.lockout_minutes),
            reset_code_valid=timedelta(minutes=s.reset_code_minutes),
            reset_code_attempts=s.reset_code_attempts,
            reset_codes_per_hour=s.reset_codes_per_hour,
            source_max_failed_attempts=s.source_max_failed_attempts,
            password_policy=PasswordPolicy(min_length=s.password_min_length,
                                           max_length=s.password_max_length,
                                           reject_common=s.password_check_common),
            time_zone=s.time_zone,
            staff_password_policy=PasswordPolicy(min_length=s.staff_password_min_length,
                                                 max_length=s.staff_password_max_length,
                                                 reject_common=s.password_check_common),
            site_base_url=s.site_base_url,
        )

    @property
    def lock_seconds(self) -> int:
        return int(self.lockout.total_seconds())

    @property
    def reset_code_minutes(self) -> int:
        return int(self.reset_code_valid.total_seconds() // 60)


@dataclass(frozen=True)
class SignedIn:
    token: str
    expires_at: datetime
    role: Role
    must_complete_setup: bool


@dataclass(frozen=True)
class NewContractor:
    company_name: str
    license_no: str
    email: str
    address: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    phone: str = ""


class AccountService:
    """One per request: its unit of work is not shared between requests. (Sign-in, code and answer
    checks write only immediate requests, so one instance may also serve several threads.)"""

    def __init__(self, uow: UnitOfWork, clock: Clock, notifier: Notifier, config: AuthConfig) -> None:
        self.uow = uow
        self.clock = clock
        self.notifier = notifier
        self.config = config

    @property
    def accounts(self) -> AccountRepository:
        return self.uow.accounts

    # --- the drop-down -----------------------------------------------------------------------

    def directory(self) -> list[Company]:
        return self.accounts.directory()

    # --- sign-in -----------------------------------------------------------------------------

    def login(self, contractor_id: str, password: str, source: str = "", email: str = "") -> SignedIn:
        """Password after set-up, the staff-issued PIN before it. Without `email`: the company's first
        admin (the guide's flow); with it: that user of the company.

        The success path is two requests: one UpdateItem counts the attempt and reads the user, one
        transaction opens the session on condition that the user is active and the caller's source
        is not locked out. A locked source is answered 429 whether or not the password was right,
        and its attempt is given back, so it learns nothing and cannot lock the user out."""
        now = self.clock.now()
        user, attempt, throttle = self._claim_user(contractor_id, email, now)
        if user is None:
            self._refuse_while_locked(self.accounts.throttle(ThrottleKind.SOURCE, self._source_id(source, now)), now)
            # A missing user is counted under its id like any other, and costs the same bcrypt work.
            missing_id = f"{contractor_id}/{normalise_email(email)}" if email else contractor_id
            attempt = self._claim(ThrottleKind.SIGN_IN, missing_id, now)
            credentials.verify_secret(password, None, self.config.bcrypt_cost)
            self._fail(ThrottleKind.SIGN_IN, missing_id, attempt, now, source)
            detail, left = self._warned(WRONG_CREDENTIALS, attempt)
            raise Unauthenticated(detail, slug="wrong-credentials", extensions=left)
        if attempt is None:
            self._refuse_locked_user(throttle, now)
        if not user.accepts_sign_in(password, now, self.config.bcrypt_cost):
            self._fail_user(user, attempt or 0, now, source)
            detail, left = self._warned(WRONG_CREDENTIALS, attempt or 0)
            raise Unauthenticated(detail, slug="wrong-credentials", extensions=left)
        return self._open_user_session(user, now, source)

    def staff_login(self, username: str, password: str, source: str = "") -> SignedIn:
        now = self.clock.now()
        user, from_source = self.accounts.staff_with_throttle(username, ThrottleKind.SOURCE,
                                                              self._source_id(source, now))
        self._refuse_while_locked(from_source, now)
        attempt = self._claim(ThrottleKind.STAFF_SIGN_IN, username, now)
        if user is None:  # the same bcrypt work as a wrong password: a missing account answers alike
            credentials.verify_secret(password, None, self.config.bcrypt_cost)
        # An invited (no password yet) or disabled account is refused as a wrong password is.
        if user is None or not user.accepts_sign_in(password, self.config.bcrypt_cost):
            self._fail(ThrottleKind.STAFF_SIGN_IN, username, attempt, now, source)
            detail, left = self._warned("The user name or password is not correct.", attempt)
            raise Unauthenticated(detail, slug="wrong-credentials", extensions=left)
        return self._open_session(Role.STAFF, user.username, user.display_name, setup_only=False, now=now,
                                  clear_throttle=(ThrottleKind.STAFF_SIGN_IN, username), staff_role=user.role.value)

    def authenticate(self, token: str) -> Principal:
        """The principal behind a bearer token; 401 for a missing, unknown, expired or revoked one."""
        if not token:
            raise Unauthenticated("Sign in first: this needs an Authorization: Bearer token.")
        now = self.clock.now()
        session = self.accounts.session(credentials.token_digest(token))
        if session is None or not session.is_live(now, self.config.sessions):
            raise Unauthenticated("The session has ended. Sign in again.", slug="session-ended")
        if session.needs_touch(now, self.config.sessions):
            self.accounts.touch_session(session.token_hash, now)
        return Principal(session.role, session.principal_id, session.display_name, session.token_hash,
                         session.setup_only, user_id=session.user_id, staff_role=session.staff_role,
                         user_role=session.user_role, user_email=session.user_email)

    def logout(self, principal: Principal) -> None:
        self.accounts.end_session(principal.role, principal.principal_id, principal.token_hash)

    # --- first login -------------------------------------------------------------------------

    def complete_setup(self, principal: Principal, security_question: str, secret_answer: str,
                       secret_answer_confirm: str, password: str, password_confirm: str) -> SignedIn:
        if principal.role is not Role.CONTRACTOR:
            raise Forbidden("Only a contractor completes first-login set-up.")
        if not principal.setup_only:
            raise Conflict("Set-up is already complete; change the password from the profile.", slug="setup-complete")
        problems = User.question_problems(security_question, secret_answer, secret_answer_confirm)
        problems += self.config.password_policy.problems(password)
        if password != password_confirm:
            problems.append(FieldProblem("password_confirm", "does not match the password"))
        if problems:
            raise InvalidInput("Set-up is not complete: correct the fields below.", problems, slug="password-rules")
        now = self.clock.now()
        user = self._user_of(principal)
        user.complete_setup(security_question, secret_answer, password, self.config.bcrypt_cost)
        self.accounts.save_user(user)
        try:
            self.uow.commit()
        except StaleRecord:  # a PIN completes set-up once; a new PIN in between is a new start
            raise Conflict("Set-up was already completed or the PIN was replaced; sign in again.",
                           slug="setup-complete") from None
        self.accounts.revoke_sessions(Role.CONTRACTOR, principal.principal_id, user_id=user.user_id)
        self._notify_password_changed(user)
        return self._open_user_session(user, now)

    # --- forgotten password ------------------------------------------------------------------

    def start_reset(self, contractor_id: str, email: str = "") -> None:
        """E-mail a one-time code to the user's address (the first admin's without `email`). Says
        nothing about whether the user exists."""
        user = self._user_for(contractor_id, email)
        if user is None or not user.setup_complete or not user.email or user.status is not UserStatus.ACTIVE:
            log.info("password reset asked for an account that cannot reset")
            return
        now = self.clock.now()
        hour = int(now.timestamp()) // 3600 * 3600
        if not self.accounts.take_from_window(RateKind.RESET_MAIL, user.user_id, hour,
                                              self.config.reset_codes_per_hour):
            log.info("password reset code not sent: %d already sent this hour", self.config.reset_codes_per_hour)
            return
        code = credentials.new_reset_code()
        self.accounts.put_reset_code(contractor_id, credentials.code_digest(user.user_id, code),
                                     now + self.config.reset_code_valid, user.user_id)
        send_quietly(
            self.notifier, user.email, "Your password reset code",
            f"Hello {user.name or user.company_name},\n\nYour password reset code is {code}. "
            f"It works once, for {self.config.reset_code_minutes} minutes.\n\nIf you did not ask to reset "
            "your password, ignore this message; your password has not changed.\n\nCommunity Development",
        )

    def verify_reset(self, contractor_id: str, code: str, source: str = "", email: str = "") -> tuple[str, str]:
        """Trade a valid code for a reset token; returns (token, the user's security question).

        Guesses count per user across every code it is sent, so asking for new codes buys no
        more guesses; the sign-in's lock does not apply (this is how a locked-out owner gets in)."""
        now = self.clock.now()
        self._refuse_while_locked(self.accounts.throttle(ThrottleKind.SOURCE, self._source_id(source, now)), now)
        user = self._user_for(contractor_id, email)
        user_id = user.user_id if user else (named_user_id(contractor_id, email) if email else contractor_id)
        attempt = self._claim(ThrottleKind.RESET_CODE, user_id, now, self.config.reset_code_attempts)
        stored = self.accounts.reset_code(contractor_id, user_id) if user else None
        bad = InvalidInput("The code is not correct or has expired. Ask for a new code.",
                           [FieldProblem("code", "is not correct or has expired")], slug="wrong-reset-code")
        if user is None or stored is None or not stored.matches(credentials.code_digest(user_id, code), now):
            self._fail(ThrottleKind.RESET_CODE, user_id, attempt, now, source, self.config.reset_code_attempts)
            detail, left = self._warned(bad.detail, attempt, self.config.reset_code_attempts)
            raise InvalidInput(detail, bad.errors, slug="wrong-reset-code", extensions=left)
        token = credentials.new_token()
        if not self.accounts.trade_reset_code(contractor_id, stored.digest, credentials.token_digest(token),
                                              now + self.config.reset_code_valid, user_id):  # one use, even raced
            raise bad
        return token, user.security_question

    def reset_password(self, reset_token: str, secret_answer: str, password: str, password_confirm: str,
                       source: str = "") -> None:
        now = self.clock.now()
        digest = credentials.token_digest(reset_token)
        found = self.accounts.reset_token(digest)
        if found is None or not found.is_live(now):
            raise self._link_expired("The reset link has expired. Start again.")
        contractor_id = found.contractor_id
        self._refuse_while_locked(self.accounts.throttle(ThrottleKind.SOURCE, self._source_id(source, now)), now)
        self.config.password_policy.check_new(password, password_confirm)
        user = self.accounts.user(contractor_id, found.user_id)
        if user is None:
            raise NotFound("No such contractor.")
        attempt = self._claim(ThrottleKind.RESET_ANSWER, user.user_id, now)
        if not user.secret_answer_matches(secret_answer, self.config.bcrypt_cost):
            self._fail(ThrottleKind.RESET_ANSWER, user.user_id, attempt, now, source)
            # A wrong answer is a wrong secret: it counts against signing in as well.
            self.accounts.record_sign_in_failure(contractor_id, user.user_id, now, self.config.max_failed_attempts,
                                                 self.config.lock_seconds)
            detail, left = self._warned("The secret answer does not match.", attempt)
            raise InvalidInput(detail, [FieldProblem("secret_answer", "does not match the answer on file")],
                               slug="wrong-secret-answer", extensions=left)
        user.change_password(password, self.config.bcrypt_cost)
        # One transaction: the token is used exactly when the password changes, with the failure counts.
        self.accounts.use_reset_token(digest)
        self.accounts.save_user(user, clear_sign_in=True)
        self.accounts.forget_throttles((ThrottleKind.RESET_CODE, user.user_id),
                                       (ThrottleKind.RESET_ANSWER, user.user_id))
        try:
            self.uow.commit()
        except StaleRecord:
            if not self.accounts.reset_token_exists(digest):  # another request used it first
                raise self._link_expired("The reset link has already been used. Start again.") from None
            raise
        self.accounts.revoke_sessions(Role.CONTRACTOR, contractor_id, user_id=user.user_id)
        self._notify_password_changed(user)

    # --- profile secrets ---------------------------------------------------------------------

    def confirm_password(self, principal: Principal, current_password: str) -> None:
        """Re-authentication for a sensitive change (the e-mail address): 400 when wrong, counted."""
        self._check_current_password(principal, current_password, self.clock.now())

    def change_password(self, principal: Principal, current_password: str, password: str,
                        password_confirm: str) -> None:
        now = self.clock.now()
        user = self._check_current_password(principal, current_password, now)
        self.config.password_policy.check_new(password, password_confirm)
        user.change_password(password, self.config.bcrypt_cost)
        self.accounts.save_user(user)
        self.uow.commit()
        self.accounts.revoke_sessions(Role.CONTRACTOR, principal.principal_id, keep=principal.token_hash,
                                      user_id=user.user_id)
        self._notify_password_changed(user)

    def change_security_question(self, principal: Principal, current_password: str, current_secret_answer: str,
                                 security_question: str, secret_answer: str, secret_answer_confirm: str) -> None:
        now = self.clock.now()
        user = self._check_current_password(principal, current_password, now)
        _, attempt, throttle = self.accounts.claim_sign_in(user.contractor_id, user.user_id, now,
                                                           self.config.max_failed_attempts, self.config.lock_seconds)
        if attempt is None:
            self._refuse_locked_user(throttle, now)
        if not user.secret_answer_matches(current_secret_answer, self.config.bcrypt_cost):
            self.accounts.fail_sign_in(user.contractor_id, user.user_id, attempt or 0, now,
                                       self.config.max_failed_attempts, self.config.lock_seconds)
            detail, left = self._warned("The current secret answer does not match.", attempt or 0)
            raise InvalidInput(detail, [FieldProblem("current_secret_answer", "does not match the answer on file")],
                               slug="wrong-secret-answer", extensions=left)
        problems = User.question_problems(security_question, secret_answer, secret_answer_confirm)
        if problems:
            raise InvalidInput("The new security question is not complete.", problems)
        user.change_security_question(security_question, secret_answer, self.config.bcrypt_cost)
        self.accounts.save_user(user, clear_sign_in=True)
        self.uow.commit()

    # --- staff: accounts and PINs ------------------------------------------------------------

    def register_contractor(self, new: NewContractor, by: str = "") -> tuple[str, str]:
        """Create a business with its first user and PIN; returns (contractor_id, pin). PIN shown once.
        `by`: the staff member, for the audit trail."""
        # Checked after normalising: "  " is a blank name, and a blank name has no place in the drop-down.
        problems = [FieldProblem(name, "is required") for name in ("company_name", "license_no", "email")
                    if not getattr(new, name).strip()]
        if problems:
            raise InvalidInput("The contractor was not registered: correct the fields below.", problems)
        now = self.clock.now()
        contractor_id = f"c-{secrets.token_hex(6)}"
        company = Company(contractor_id=contractor_id, company_name=new.company_name, license_no=new.license_no,
                          email=new.email, address=new.address, city=new.city, state=new.state, zip=new.zip,
                          phone=new.phone, created_at=now, updated_at=now)
        user = User(user_id=first_user_id(contractor_id), contractor_id=contractor_id, email=new.email,
                    role=UserRole.ADMIN, company_name=new.company_name, created_at=now)
        pin = credentials.new_pin()
        user.issue_pin(pin, now, self.config.pin_valid, self.config.bcrypt_cost)
        self.accounts.add_company(company, user)
        self.uow.audit.record(AuditEntry(
            now, by, AuditAction.CONTRACTOR_REGISTERED, subject("contractor", contractor_id),
            after={"company_name": new.company_name, "license_no": new.license_no, "email": new.email}))
        try:
            self.uow.commit()
        except StaleRecord:  # the license is claimed (the id, random, practically never collides)
            raise Conflict(f"State license {new.license_no} is already registered.", slug="license-taken") from None
        return contractor_id, pin

    def issue_pin(self, contractor_id: str, pin: str | None = None, by: str = "") -> str:
        """A new PIN: the password stops working, sessions end, set-up must be done again."""
        if not 0 < len(contractor_id) <= 64:  # an id from the URL: longer is no account, and a key DynamoDB refuses
            raise NotFound(f"No contractor {contractor_id[:64]}.")
        user = self.accounts.user(contractor_id)
        if user is None:
            raise NotFound(f"No contractor {contractor_id}.")
        pin = pin or credentials.new_pin()
        now = self.clock.now()
        user.issue_pin(pin, now, self.config.pin_valid, self.config.bcrypt_cost)
        self.accounts.save_user(user, clear_sign_in=True)
        self.uow.audit.record(AuditEntry(now, by, AuditAction.PIN_ISSUED, subject("contractor", contractor_id)))
        self.uow.commit()
        # The PIN replaces the first admin's password: their sessions end; the named users' go on.
        self.accounts.revoke_sessions(Role.CONTRACTOR, contractor_id, user_id=user.user_id)
        return pin

    # --- helpers -----------------------------------------------------------------------------

    def _user_of(self, principal: Principal) -> User:
        """The signed-in user (a session from before users: the first admin)."""
        user = self.accounts.user(principal.principal_id, principal.user_id)
        if user is None:
            raise Unauthenticated("The session has ended. Sign in again.", slug="session-ended")
        return user

    def _user_for(self, contractor_id: str, email: str) -> User | None:
        """The user a sign-in or reset names: the first admin without an e-mail; with one, the named user
        of that e-mail, or the first admin when it is the first admin's."""
        if not email:
            return self.accounts.user(contractor_id)
        return self.accounts.user(contractor_id, named_user_id(contractor_id, email)) or \
            self._first_admin_at(contractor_id, email)

    def _first_admin_at(self, contractor_id: str, email: str) -> User | None:
        """The company's first admin when `email` is the first admin's (the e-mail on file), else None."""
        first = self.accounts.user(contractor_id)
        return first if first is not None and first.email and not first.email_differs(email) else None

    def _claim_user(self, contractor_id: str, email: str, now: datetime) -> tuple[User | None, int | None, Throttle]:
        """Count a sign-in attempt on the user it names and read that user (one UpdateItem); the
        first admin signing in with the e-mail on file costs one more pair of reads."""
        limit, lock = self.config.max_failed_attempts, self.config.lock_seconds
        user_id = named_user_id(contractor_id, email) if email else first_user_id(contractor_id)
        user, attempt, throttle = self.accounts.claim_sign_in(contractor_id, user_id, now, limit, lock)
        if user is None and email and (first := self._first_admin_at(contractor_id, email)) is not None:
            return self.accounts.claim_sign_in(contractor_id, first.user_id, now, limit, lock)
        return user, attempt, throttle

    def _refuse_locked_user(self, throttle: Throttle, now: datetime) -> None:
        if not throttle.retry_after(now):  # at the limit with guesses in flight: the lock is imminent
            throttle = Throttle(locked_until=now + self.config.lockout)
        self._refuse_while_locked(throttle, now)

    def _fail_user(self, user: User, attempt: int, now: datetime, source: str) -> None:
        """A user's sign-in failed: the claimed attempt may lock the user; the source is counted, and a
        source that is locked out is answered 429 with the attempt given back."""
        limit = self.config.max_failed_attempts
        self.accounts.fail_sign_in(user.contractor_id, user.user_id, attempt, now, limit, self.config.lock_seconds)
        metrics.count(metrics.LOGIN_FAILED)
        if attempt >= limit:
            metrics.count(metrics.ACCOUNT_LOCKED)
        if source:
            source_id = self._source_id(source, now)
            self.accounts.record_failure(ThrottleKind.SOURCE, source_id, now, self.config.source_max_failed_attempts,
                                         self.config.lock_seconds)
            from_source = self.accounts.throttle(ThrottleKind.SOURCE, source_id)
            if from_source.retry_after(now):
                if attempt < limit:
                    self.accounts.give_back_sign_in(user.contractor_id, user.user_id)
                self._refuse_while_locked(from_source, now)

    def _check_current_password(self, principal: Principal, current_password: str, now: datetime) -> User:
        """The signed-in user's password, counted like a sign-in (on the user's own count)."""
        user_id = principal.user_id or first_user_id(principal.principal_id)
        user, attempt, throttle = self.accounts.claim_sign_in(principal.principal_id, user_id, now,
                                                              self.config.max_failed_attempts,
                                                              self.config.lock_seconds)
        if user is None:
            raise Unauthenticated("The session has ended. Sign in again.", slug="session-ended")
        if attempt is None:
            self._refuse_locked_user(throttle, now)
        if not user.password_matches(current_password, self.config.bcrypt_cost):
            self.accounts.fail_sign_in(user.contractor_id, user.user_id, attempt or 0, now,
                                       self.config.max_failed_attempts, self.config.lock_seconds)
            detail, left = self._warned("The current password is not correct.", attempt or 0)
            raise InvalidInput(detail, [FieldProblem("current_password", "is not correct")],
                               slug="wrong-current-password", extensions=left)
        self.accounts.clear_sign_in(user.contractor_id, user.user_id)
        return user

    def _warned(self, detail: str, attempt: int, limit: int | None = None) -> tuple[str, dict[str, int]]:
        """A wrong secret's detail with the warning before the lock-out, and `attempts_left`.

        `attempt` is the number `_claim` counted, so this follows the one lock-out rule (`_fail`
        locks on the limit-th failure): 0 left means this failure locked the account."""
        left = max(0, (limit or self.config.max_failed_attempts) - attempt)
        minutes = max(1, self.config.lock_seconds // 60)
        lock = f"locked for {minutes} minute{'' if minutes == 1 else 's'}"
        if left:
            warning = f"{left} attempt{'' if left == 1 else 's'} left before it is {lock}."
        else:
            warning = f"No attempts left: it is {lock}."
        return f"{detail} {warning}", {"attempts_left": left}

    @staticmethod
    def _link_expired(detail: str) -> InvalidInput:
        return InvalidInput(detail, [FieldProblem("reset_token", "is not valid or has expired")],
                            slug="reset-link-expired")

    def _refuse_while_locked(self, throttle: Throttle, now: datetime) -> None:
        wait = throttle.retry_after(now)
        if wait:
            raise TooManyAttempts(
                f"Too many failed attempts. Try again in {max(1, (wait + 59) // 60)} minute(s).", wait)

    def _claim(self, kind: ThrottleKind, account_id: str, now: datetime, limit: int | None = None) -> int:
        """Count this attempt before the secret is checked; 429 when locked or at the limit."""
        attempt = self.accounts.claim_attempt(kind, account_id, now, limit or self.config.max_failed_attempts,
                                              self.config.lock_seconds)
        if attempt is None:
            throttle = self.accounts.throttle(kind, account_id)
            if not throttle.retry_after(now):  # at the limit with guesses in flight: the lock is imminent
                throttle = Throttle(locked_until=now + self.config.lockout)
            self._refuse_while_locked(throttle, now)
        return attempt or 0

    def _fail(self, kind: ThrottleKind, account_id: str, attempt: int, now: datetime, source: str = "",
              limit: int | None = None) -> None:
        self.accounts.fail_attempt(kind, account_id, attempt, now, limit or self.config.max_failed_attempts,
                                   self.config.lock_seconds)
        if kind in (ThrottleKind.SIGN_IN, ThrottleKind.STAFF_SIGN_IN):  # counted, not stored: chalicelib/metrics.py
            metrics.count(metrics.LOGIN_FAILED)
            if attempt >= (limit or self.config.max_failed_attempts):  # this failure locked the account
                metrics.count(metrics.ACCOUNT_LOCKED)
        if source:
            self.accounts.record_failure(ThrottleKind.SOURCE, self._source_id(source, now), now,
                                         self.config.source_max_failed_attempts, self.config.lock_seconds)

    def _source_id(self, source: str, now: datetime) -> str:
        """A source's failures are counted per lock-out window, so an office sharing one address
        starts afresh each window rather than accumulating forever."""
        window = self.config.lock_seconds or 1
        return f"{source or '-'}#{int(now.timestamp()) // window}"

    def _open_session(self, role: Role, principal_id: str, display_name: str, setup_only: bool,
                      now: datetime, user_id: str = "", clear_throttle: tuple[str, str] | None = None,
                      staff_role: str = "") -> SignedIn:
        token = credentials.new_token()
        session = Session(
            token_hash=credentials.token_digest(token), role=role, principal_id=principal_id,
            display_name=display_name, created_at=now, last_seen_at=now,
            absolute_expires_at=now + self.config.sessions.absolute, setup_only=setup_only, user_id=user_id,
            staff_role=staff_role,
        )
        if self.accounts.open_session(session, clear_throttle) != "opened":  # a staff account disabled meanwhile
            raise Unauthenticated("The user name or password is not correct.", slug="wrong-credentials")
        return SignedIn(token, session.expires_at(self.config.sessions), role, setup_only)

    def _open_user_session(self, user: User, now: datetime, source: str = "") -> SignedIn:
        """A company user's session: the company is the principal, the user and their role ride along.
        Lands only while the user is active and (`source`) the caller's source is not locked out."""
        token = credentials.new_token()
        session = Session(
            token_hash=credentials.token_digest(token), role=Role.CONTRACTOR, principal_id=user.contractor_id,
            display_name=user.company_name or user.contractor_id, created_at=now, last_seen_at=now,
            absolute_expires_at=now + self.config.sessions.absolute, setup_only=not user.setup_complete,
            user_id=user.user_id, user_role=user.role.value, user_email=user.email,
        )
        source_throttle = (ThrottleKind.SOURCE.value, self._source_id(source, now)) if source else None
        opened = self.accounts.open_session(session, source_throttle=source_throttle, now=now)
        if opened == "source-locked":
            self.accounts.give_back_sign_in(user.contractor_id, user.user_id)
            self._refuse_while_locked(self.accounts.throttle(ThrottleKind.SOURCE, self._source_id(source, now)), now)
            raise TooManyAttempts("Too many failed attempts. Try again later.", self.config.lock_seconds)
        if opened != "opened":  # disabled between the password check and now
            raise Unauthenticated(WRONG_CREDENTIALS, slug="wrong-credentials")
        return SignedIn(token, session.expires_at(self.config.sessions), Role.CONTRACTOR, session.setup_only)

    def _notify_password_changed(self, user: User) -> None:
        if not user.email:
            return
        send_quietly(
            self.notifier, user.email, "Your portal password was changed",
            f"Hello {user.name or user.company_name},\n\nThe password of your contractor portal account was "
            f"changed on {mail_time(self.clock.now(), self.config.time_zone)}. If you did not do this, "
            "call Community Development now.\n\n"
            "It is strongly recommended to change your password every time someone leaves your employment.",
        )
