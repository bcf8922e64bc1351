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
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.clock import Clock
from chalicelib.config import Settings
from chalicelib.domain import credentials
from chalicelib.domain.accounts import Contractor, Principal, Role, Session, SessionPolicy, Throttle
from chalicelib.domain.errors import (
    Conflict,
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
)
from chalicelib.domain.passwords import PasswordPolicy
from chalicelib.notifier import Notifier
from chalicelib.store.accounts import AccountStore

log = logging.getLogger(__name__)

WRONG_CREDENTIALS = "The business or password is not correct."
CONTRACTOR_THROTTLE = "contractor"
STAFF_THROTTLE = "staff"
RESET_CODE_THROTTLE = "reset-code"
RESET_ANSWER_THROTTLE = "reset-answer"
SOURCE_THROTTLE = "source"
RESET_MAIL_RATE = "reset-mail"


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
        )


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
    def __init__(self, store: AccountStore, clock: Clock, notifier: Notifier, config: AuthConfig) -> None:
        self.store = store
        self.clock = clock
        self.notifier = notifier
        self.config = config

    # --- the drop-down -----------------------------------------------------------------------

    def directory(self) -> list[tuple[str, str]]:
        return self.store.list_directory()

    # --- sign-in -----------------------------------------------------------------------------

    def login(self, contractor_id: str, password: str, source: str = "") -> SignedIn:
        """Password after set-up, the staff-issued PIN before it."""
        now = self.clock.now()
        contractor, from_source = self.store.get_contractor_with_throttle(
            contractor_id, SOURCE_THROTTLE, self._source_id(source, now))
        self._refuse_while_locked(from_source, now)
        attempt = self._claim(CONTRACTOR_THROTTLE, contractor_id, now)
        if contractor is not None and contractor.setup_complete:
            ok = credentials.verify_secret(password, contractor.password_hash, self.config.bcrypt_cost)
        else:
            pin_hash = contractor.pin_hash if contractor else None
            pin_live = contractor is not None and contractor.pin_expires_at is not None \
                and now < contractor.pin_expires_at
            ok = credentials.verify_secret(password, pin_hash, self.config.bcrypt_cost) and pin_live
        if not ok or contractor is None:
            self._fail(CONTRACTOR_THROTTLE, contractor_id, attempt, now, source)
            raise Unauthenticated(WRONG_CREDENTIALS)
        return self._open_session(Role.CONTRACTOR, contractor.contractor_id, contractor.company_name,
                                  setup_only=not contractor.setup_complete, now=now,
                                  clear_throttle=(CONTRACTOR_THROTTLE, contractor_id))

    def staff_login(self, username: str, password: str, source: str = "") -> SignedIn:
        now = self.clock.now()
        user, from_source = self.store.get_staff_with_throttle(username, SOURCE_THROTTLE,
                                                               self._source_id(source, now))
        self._refuse_while_locked(from_source, now)
        attempt = self._claim(STAFF_THROTTLE, username, now)
        ok = credentials.verify_secret(password, user.password_hash if user else None, self.config.bcrypt_cost)
        if not ok or user is None:
            self._fail(STAFF_THROTTLE, username, attempt, now, source)
            raise Unauthenticated("The user name or password is not correct.")
        return self._open_session(Role.STAFF, user.username, user.display_name, setup_only=False, now=now,
                                  clear_throttle=(STAFF_THROTTLE, username))

    def authenticate(self, token: str) -> Principal:
        """The principal behind a bearer token; 401 for a missing, unknown, expired or revoked one."""
        if not token:
            raise Unauthenticated("Sign in first: this needs an Authorization: Bearer token.")
        now = self.clock.now()
        session = self.store.get_session(credentials.token_digest(token))
        if session is None or not session.is_live(now, self.config.sessions):
            raise Unauthenticated("The session has ended. Sign in again.")
        if session.needs_touch(now, self.config.sessions):
            self.store.touch_session(session.token_hash, now)
        return Principal(session.role, session.principal_id, session.display_name, session.token_hash,
                         session.setup_only)

    def logout(self, principal: Principal) -> None:
        self.store.delete_session(principal.role, principal.principal_id, principal.token_hash)

    # --- first login -------------------------------------------------------------------------

    def complete_setup(self, principal: Principal, security_question: str, secret_answer: str,
                       secret_answer_confirm: str, password: str, password_confirm: str) -> SignedIn:
        if principal.role is not Role.CONTRACTOR:
            raise Forbidden("Only a contractor completes first-login set-up.")
        if not principal.setup_only:
            raise Conflict("Set-up is already complete; change the password from the profile.")
        problems = self._question_problems(security_question, secret_answer, secret_answer_confirm)
        problems += self.config.password_policy.problems(password)
        if password != password_confirm:
            problems.append(FieldProblem("password_confirm", "does not match the password"))
        if problems:
            raise InvalidInput("Set-up is not complete: correct the fields below.", problems)
        now = self.clock.now()
        cost = self.config.bcrypt_cost
        done = self.store.update_contractor(
            principal.principal_id,
            {"security_question": security_question.strip(),
             "secret_answer_hash": credentials.hash_secret(credentials.normalise_answer(secret_answer), cost),
             "password_hash": credentials.hash_secret(password, cost),
             "setup_complete": True, "updated_at": int(now.timestamp())},
            remove=("pin_hash", "pin_expires_at"),
            require={"setup_complete": False},  # a PIN completes set-up once
        )
        if not done:
            raise Conflict("Set-up was already completed or the PIN was replaced; sign in again.")
        self.store.revoke_sessions(Role.CONTRACTOR, principal.principal_id)
        self._notify_password_changed(principal.principal_id)
        return self._open_session(Role.CONTRACTOR, principal.principal_id, principal.display_name,
                                  setup_only=False, now=now)

    # --- forgotten password ------------------------------------------------------------------

    def start_reset(self, contractor_id: str) -> None:
        """E-mail a one-time code to the address on file. Says nothing about whether it exists."""
        contractor = self.store.get_contractor(contractor_id)
        if contractor is None or not contractor.setup_complete or not contractor.email:
            log.info("password reset asked for an account that cannot reset")
            return
        now = self.clock.now()
        hour = int(now.timestamp()) // 3600 * 3600
        if not self.store.take_from_window(RESET_MAIL_RATE, contractor_id, hour, self.config.reset_codes_per_hour):
            log.info("password reset code not sent: %d already sent this hour", self.config.reset_codes_per_hour)
            return
        code = credentials.new_reset_code()
        expires = now + self.config.reset_code_valid
        self.store.put_reset_code(contractor_id, credentials.code_digest(contractor_id, code), expires)
        minutes = int(self.config.reset_code_valid.total_seconds() // 60)
        self._send(
            contractor.email,
            "Your password reset code",
            f"Hello {contractor.company_name},\n\nYour password reset code is {code}. "
            f"It works once, for {minutes} minutes.\n\nIf you did not ask to reset your password, "
            "ignore this message; your password has not changed.\n\nCommunity Development",
        )

    def verify_reset(self, contractor_id: str, code: str, source: str = "") -> tuple[str, str]:
        """Trade a valid code for a reset token and the account's security question.

        Guesses count per account across every code it is sent, so asking for new codes buys no
        more guesses; the sign-in's lock does not apply (this is how a locked-out owner gets in)."""
        now = self.clock.now()
        self._refuse_while_locked(self.store.get_throttle(SOURCE_THROTTLE, self._source_id(source, now)), now)
        attempt = self._claim(RESET_CODE_THROTTLE, contractor_id, now, self.config.reset_code_attempts)
        stored = self.store.get_reset_code(contractor_id)
        bad = InvalidInput("The code is not correct or has expired. Ask for a new code.",
                           [FieldProblem("code", "is not correct or has expired")])
        if stored is None or now >= stored["expires_at"] \
                or not credentials.same_digest(stored["digest"], credentials.code_digest(contractor_id, code)):
            self._fail(RESET_CODE_THROTTLE, contractor_id, attempt, now, source, self.config.reset_code_attempts)
            raise bad
        contractor = self.store.get_contractor(contractor_id)
        if contractor is None:
            raise bad
        if not self.store.consume_reset_code(contractor_id, stored["digest"]):  # one use, even when raced
            raise bad
        token = credentials.new_token()
        self.store.put_reset_token(credentials.token_digest(token), contractor_id,
                                   now + self.config.reset_code_valid)
        return token, contractor.security_question

    def reset_password(self, reset_token: str, secret_answer: str, password: str, password_confirm: str,
                       source: str = "") -> None:
        now = self.clock.now()
        digest = credentials.token_digest(reset_token)
        found = self.store.get_reset_token(digest)
        if found is None or now >= found[1]:
            raise InvalidInput("The reset link has expired. Start again.",
                               [FieldProblem("reset_token", "is not valid or has expired")])
        contractor_id = found[0]
        self._refuse_while_locked(self.store.get_throttle(SOURCE_THROTTLE, self._source_id(source, now)), now)
        self.config.password_policy.check_new(password, password_confirm)
        contractor = self._contractor(contractor_id)
        attempt = self._claim(RESET_ANSWER_THROTTLE, contractor_id, now)
        if not credentials.verify_secret(credentials.normalise_answer(secret_answer),
                                         contractor.secret_answer_hash, self.config.bcrypt_cost):
            self._fail(RESET_ANSWER_THROTTLE, contractor_id, attempt, now, source)
            # A wrong answer is a wrong secret: it counts against signing in as well.
            self.store.record_failure(CONTRACTOR_THROTTLE, contractor_id, now, self.config.max_failed_attempts,
                                      int(self.config.lockout.total_seconds()))
            raise InvalidInput("The secret answer does not match.",
                               [FieldProblem("secret_answer", "does not match the answer on file")])
        if not self.store.consume_reset_token(digest):
            raise InvalidInput("The reset link has already been used. Start again.",
                               [FieldProblem("reset_token", "is not valid or has expired")])
        self.store.update_contractor(contractor_id, {
            "password_hash": credentials.hash_secret(password, self.config.bcrypt_cost),
            "updated_at": int(now.timestamp())})
        self.store.clear_throttles((CONTRACTOR_THROTTLE, contractor_id), (RESET_CODE_THROTTLE, contractor_id),
                                   (RESET_ANSWER_THROTTLE, contractor_id))
        self.store.revoke_sessions(Role.CONTRACTOR, contractor_id)
        self._notify_password_changed(contractor_id, contractor)

    # --- profile secrets ---------------------------------------------------------------------

    def confirm_password(self, principal: Principal, current_password: str) -> None:
        """Re-authentication for a sensitive change (the e-mail address): 400 when wrong, counted."""
        self._check_current_password(principal, current_password, self.clock.now())

    def change_password(self, principal: Principal, current_password: str, password: str,
                        password_confirm: str) -> None:
        now = self.clock.now()
        contractor = self._check_current_password(principal, current_password, now)
        self.config.password_policy.check_new(password, password_confirm)
        self.store.update_contractor(principal.principal_id, {
            "password_hash": credentials.hash_secret(password, self.config.bcrypt_cost),
            "updated_at": int(now.timestamp())})
        self.store.revoke_sessions(Role.CONTRACTOR, principal.principal_id, keep=principal.token_hash)
        self._notify_password_changed(principal.principal_id, contractor)

    def change_security_question(self, principal: Principal, current_password: str, current_secret_answer: str,
                                 security_question: str, secret_answer: str, secret_answer_confirm: str) -> None:
        now = self.clock.now()
        contractor = self._check_current_password(principal, current_password, now)
        attempt = self._claim(CONTRACTOR_THROTTLE, principal.principal_id, now)
        if not credentials.verify_secret(credentials.normalise_answer(current_secret_answer),
                                         contractor.secret_answer_hash, self.config.bcrypt_cost):
            self._fail(CONTRACTOR_THROTTLE, principal.principal_id, attempt, now)
            raise InvalidInput("The current secret answer does not match.",
                               [FieldProblem("current_secret_answer", "does not match the answer on file")])
        problems = self._question_problems(security_question, secret_answer, secret_answer_confirm)
        if problems:
            raise InvalidInput("The new security question is not complete.", problems)
        self.store.update_contractor(principal.principal_id, {
            "security_question": security_question.strip(),
            "secret_answer_hash": credentials.hash_secret(credentials.normalise_answer(secret_answer),
                                                          self.config.bcrypt_cost),
            "updated_at": int(now.timestamp())})

    # --- staff: accounts and PINs ------------------------------------------------------------

    def register_contractor(self, new: NewContractor) -> tuple[str, str]:
        """Create a business account with a first PIN; returns (contractor_id, pin). PIN shown once."""
        # Checked after normalising: "  " is a blank name, and a blank name has no place in the drop-down.
        problems = [FieldProblem(name, "is required") for name in ("company_name", "license_no", "email")
                    if not getattr(new, name).strip()]
        if problems:
            raise InvalidInput("The contractor was not registered: correct the fields below.", problems)
        now = self.clock.now()
        pin = credentials.new_pin()
        contractor = Contractor(
            contractor_id=f"c-{secrets.token_hex(6)}",
            company_name=new.company_name, license_no=new.license_no, email=new.email,
            address=new.address, city=new.city, state=new.state, zip=new.zip, phone=new.phone,
            pin_hash=credentials.hash_secret(pin, self.config.bcrypt_cost),
            pin_expires_at=now + self.config.pin_valid,
            created_at=now, updated_at=now,
        )
        self.store.create_contractor(contractor)
        return contractor.contractor_id, pin

    def issue_pin(self, contractor_id: str, pin: str | None = None) -> str:
        """A new PIN: the password stops working, sessions end, set-up must be done again."""
        if not 0 < len(contractor_id) <= 64:  # an id from the URL: longer is no account, and a key DynamoDB refuses
            raise NotFound(f"No contractor {contractor_id[:64]}.")
        now = self.clock.now()
        pin = pin or credentials.new_pin()
        done = self.store.update_contractor(
            contractor_id,
            {"pin_hash": credentials.hash_secret(pin, self.config.bcrypt_cost),
             "pin_expires_at": int((now + self.config.pin_valid).timestamp()),
             "setup_complete": False, "updated_at": int(now.timestamp())},
            remove=("password_hash",),
        )
        if not done:
            raise NotFound(f"No contractor {contractor_id}.")
        self.store.revoke_sessions(Role.CONTRACTOR, contractor_id)
        self.store.clear_throttles((CONTRACTOR_THROTTLE, contractor_id))
        return pin

    # --- helpers -----------------------------------------------------------------------------

    def _contractor(self, contractor_id: str) -> Contractor:
        contractor = self.store.get_contractor(contractor_id)
        if contractor is None:
            raise NotFound("No such contractor.")
        return contractor

    def _check_current_password(self, principal: Principal, current_password: str, now: datetime) -> Contractor:
        contractor = self._contractor(principal.principal_id)
        attempt = self._claim(CONTRACTOR_THROTTLE, principal.principal_id, now)
        if not credentials.verify_secret(current_password, contractor.password_hash, self.config.bcrypt_cost):
            self._fail(CONTRACTOR_THROTTLE, principal.principal_id, attempt, now)
            raise InvalidInput("The current password is not correct.",
                               [FieldProblem("current_password", "is not correct")])
        self.store.clear_throttles((CONTRACTOR_THROTTLE, principal.principal_id))
        return contractor

    @staticmethod
    def _question_problems(question: str, answer: str, confirm: str) -> list[FieldProblem]:
        problems = []
        if not question.strip():
            problems.append(FieldProblem("security_question", "is required"))
        if not credentials.normalise_answer(answer):
            problems.append(FieldProblem("secret_answer", "is required"))
        elif credentials.normalise_answer(answer) != credentials.normalise_answer(confirm):
            problems.append(FieldProblem("secret_answer_confirm", "does not match the secret answer"))
        return problems

    def _refuse_while_locked(self, throttle: Throttle, now: datetime) -> None:
        wait = throttle.retry_after(now)
        if wait:
            raise TooManyAttempts(
                f"Too many failed attempts. Try again in {max(1, (wait + 59) // 60)} minute(s).", wait)

    def _claim(self, kind: str, account_id: str, now: datetime, limit: int | None = None) -> int:
        """Count this attempt before the secret is checked; 429 when locked or at the limit."""
        attempt = self.store.claim_attempt(kind, account_id, now, limit or self.config.max_failed_attempts,
                                           int(self.config.lockout.total_seconds()))
        if attempt is None:
            throttle = self.store.get_throttle(kind, account_id)
            if not throttle.retry_after(now):  # at the limit with guesses in flight: the lock is imminent
                throttle = Throttle(locked_until=now + self.config.lockout)
            self._refuse_while_locked(throttle, now)
        return attempt or 0

    def _fail(self, kind: str, account_id: str, attempt: int, now: datetime, source: str = "",
              limit: int | None = None) -> None:
        lock_seconds = int(self.config.lockout.total_seconds())
        self.store.fail_attempt(kind, account_id, attempt, now, limit or self.config.max_failed_attempts,
                                lock_seconds)
        if source:
            self.store.record_failure(SOURCE_THROTTLE, self._source_id(source, now), now,
                                      self.config.source_max_failed_attempts, lock_seconds)

    def _source_id(self, source: str, now: datetime) -> str:
        """A source's failures are counted per lock-out window, so an office sharing one address
        starts afresh each window rather than accumulating forever."""
        window = int(self.config.lockout.total_seconds()) or 1
        return f"{source or '-'}#{int(now.timestamp()) // window}"

    def _open_session(self, role: Role, principal_id: str, display_name: str, setup_only: bool,
                      now: datetime, clear_throttle: tuple[str, str] | None = None) -> SignedIn:
        token = credentials.new_token()
        session = Session(
            token_hash=credentials.token_digest(token), role=role, principal_id=principal_id,
            display_name=display_name, created_at=now, last_seen_at=now,
            absolute_expires_at=now + self.config.sessions.absolute, setup_only=setup_only,
        )
        self.store.create_session(session, clear_throttle)
        return SignedIn(token, session.expires_at(self.config.sessions), role, setup_only)

    def _notify_password_changed(self, contractor_id: str, contractor: Contractor | None = None) -> None:
        contractor = contractor or self.store.get_contractor(contractor_id)
        if contractor is None or not contractor.email:
            return
        when = self.clock.now().strftime("%Y-%m-%d %H:%M UTC")
        self._send(
            contractor.email,
            "Your portal password was changed",
            f"Hello {contractor.company_name},\n\nThe password of your contractor portal account was "
            f"changed on {when}. If you did not do this, call Community Development now.\n\n"
            "It is strongly recommended to change your password every time someone leaves your employment.",
        )

    def _send(self, to: str, subject: str, body: str) -> None:
        """Mail goes out after the change it reports is stored; a refused message (SES) is logged, not raised."""
        try:
            self.notifier.send(to, subject, body)
        except Exception:
            log.exception("could not send mail %r", subject)

