"""Accounts and sessions: the businesses, their logins, and what a signed-in session may do.

An account is two aggregates:
- `Company`: the guide's business (the contractor on permits): name, state license, contact profile.
  The county owns its name and license (staff set them); the contractor edits the profile.
- `User`: a login of that company: password, staff-issued PIN, security question. Today every
  company has one user, the PIN holder (`UserRole.ADMIN`, id `first_user_id(contractor_id)`); named
  users of a company (a later issue) are more `User` records, so authentication is not redone.

Sessions belong to a principal (today the company, `principal_id` = contractor id, with the user
who signed in as `user_id`). Failed attempts are counted in `Throttle`s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from chalicelib.domain import credentials
from chalicelib.domain.errors import Conflict, FieldProblem


class Role(StrEnum):
    """Who a session acts for."""

    CONTRACTOR = "contractor"
    STAFF = "staff"


class UserRole(StrEnum):
    """What a company's user may do. Only ADMIN exists today (the PIN holder)."""

    ADMIN = "admin"
    OFFICE = "office"
    FIELD = "field"


class UserStatus(StrEnum):
    """Whether a user may sign in. Only ACTIVE exists today."""

    ACTIVE = "active"
    INVITED = "invited"
    DISABLED = "disabled"


class ThrottleKind(StrEnum):
    """Which secret's failures a throttle counts (part of its key: values never change)."""

    SIGN_IN = "contractor"  # a company's sign-in: password or PIN, and wrong secret answers too
    STAFF_SIGN_IN = "staff"
    STAFF_INVITATION = "staff-invitation"  # guesses at a staff invitation's one-time code
    RESET_CODE = "reset-code"  # guesses at e-mailed reset codes, across every code sent
    RESET_ANSWER = "reset-answer"  # the secret answer of a password reset
    SOURCE = "source"  # one caller's address, across every account, per lock-out window


class RateKind(StrEnum):
    """Uses counted in fixed windows (part of the key: values never change)."""

    RESET_MAIL = "reset-mail"  # reset codes mailed to one account per hour


def first_user_id(contractor_id: str) -> str:
    """The id of a company's first user, the PIN holder: the company's own id (one login per
    company today; named users get ids of their own)."""
    return contractor_id


# --- the company -------------------------------------------------------------------------------


@dataclass
class Company:
    """A business listed as the contractor on permits (the guide's "business name")."""

    PROFILE_FIELDS: ClassVar[tuple[str, ...]] = (
        "address", "city", "state", "zip", "email", "phone", "cell_phone", "fax")
    """What the contractor edits on View/Edit Profile; name and license are the county's."""

    contractor_id: str
    company_name: str
    license_no: str
    email: str
    address: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    phone: str = ""
    cell_phone: str = ""
    fax: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0

    @property
    def listed(self) -> bool:
        """Whether it belongs in the login drop-down (an id and a name that is not blank)."""
        return bool(self.contractor_id.strip() and self.company_name.strip())

    def email_changes_to(self, new_email: str) -> bool:
        """Whether `new_email` is another address (case and spaces aside)."""
        return new_email.strip().lower() != (self.email or "").strip().lower()

    def update_profile(self, fields: Mapping[str, str], now: datetime) -> None:
        """Apply validated, normalised profile fields (`contact.validate_profile`); others are ignored."""
        for name in self.PROFILE_FIELDS:
            if name in fields:
                setattr(self, name, fields[name] or "")
        self.updated_at = now


# --- its users ---------------------------------------------------------------------------------


@dataclass
class User:
    """A login of a company. `setup_complete` False: the PIN signs in, and only to finish set-up."""

    user_id: str
    contractor_id: str
    email: str
    role: UserRole = UserRole.ADMIN
    security_question: str = ""
    secret_answer_hash: str | None = None
    password_hash: str | None = None
    pin_hash: str | None = None
    pin_expires_at: datetime | None = None
    setup_complete: bool = False
    status: UserStatus = UserStatus.ACTIVE
    version: int = 0

    def pin_is_live(self, now: datetime) -> bool:
        return self.pin_hash is not None and self.pin_expires_at is not None and now < self.pin_expires_at

    def accepts_sign_in(self, secret: str, now: datetime, cost: int) -> bool:
        """The password after set-up, the live PIN before it; one bcrypt check either way."""
        if self.setup_complete:
            ok = credentials.verify_secret(secret, self.password_hash, cost)
        else:
            ok = credentials.verify_secret(secret, self.pin_hash, cost) and self.pin_is_live(now)
        return ok and self.status is UserStatus.ACTIVE

    def password_matches(self, password: str, cost: int) -> bool:
        return credentials.verify_secret(password, self.password_hash, cost)

    def secret_answer_matches(self, answer: str, cost: int) -> bool:
        """Answers match trimmed and case-folded (`credentials.normalise_answer`)."""
        return credentials.verify_secret(credentials.normalise_answer(answer), self.secret_answer_hash, cost)

    def issue_pin(self, pin: str, now: datetime, valid: timedelta, cost: int) -> None:
        """A staff-issued PIN: the password stops working and set-up must be done (again)."""
        self.pin_hash = credentials.hash_secret(pin, cost)
        self.pin_expires_at = now + valid
        self.password_hash = None
        self.setup_complete = False

    def complete_setup(self, security_question: str, secret_answer: str, password: str, cost: int) -> None:
        """First-login set-up: a PIN completes it once, and never signs in again afterwards."""
        if self.setup_complete:
            raise Conflict("Set-up was already completed or the PIN was replaced; sign in again.",
                           slug="setup-complete")
        self.change_security_question(security_question, secret_answer, cost)
        self.change_password(password, cost)
        self.pin_hash = None
        self.pin_expires_at = None
        self.setup_complete = True

    def change_password(self, password: str, cost: int) -> None:
        self.password_hash = credentials.hash_secret(password, cost)

    def change_security_question(self, security_question: str, secret_answer: str, cost: int) -> None:
        self.security_question = security_question.strip()
        self.secret_answer_hash = credentials.hash_secret(credentials.normalise_answer(secret_answer), cost)

    @staticmethod
    def question_problems(question: str, answer: str, confirm: str) -> list[FieldProblem]:
        """What is wrong with a new security question and its answer (nothing: an empty list)."""
        problems = []
        if not question.strip():
            problems.append(FieldProblem("security_question", "is required"))
        if not credentials.normalise_answer(answer):
            problems.append(FieldProblem("secret_answer", "is required"))
        elif credentials.normalise_answer(answer) != credentials.normalise_answer(confirm):
            problems.append(FieldProblem("secret_answer_confirm", "does not match the secret answer"))
        return problems



# --- staff, sessions, throttles, reset codes ---------------------------------------------------


class StaffRole(StrEnum):
    """A Community Development staff member's job (API.md Part 2, "The back office")."""

    CLERK = "clerk"
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"


class StaffDuty(StrEnum):
    """What a staff route does, for the one role check (`staff_may`)."""

    VIEW_PERMITS = "view-permits"  # read a permit (every role's work starts there)
    CONTRACTORS = "contractors"  # register companies, issue PINs
    PERMITS = "permits"  # create and move permits, reviews, attachments, issue
    FEES = "fees"  # assess fees
    PAYMENTS = "payments"  # search payments, receipts, the refund queue, the day's export
    VOIDS = "voids"  # void or adjust a fee (the ledger keeps both lines)
    REFUNDS = "refunds"  # record a refund given back through the payment portal
    INSPECTIONS = "inspections"  # schedule inspections, record results
    JOB = "job"  # run the expiry job
    STAFF_USERS = "staff-users"  # invite, change and disable staff accounts
    AUDIT = "audit"  # read the audit trail


#: Clerks run the counter, inspectors the field; supervisors do both and what only they may (the job).
STAFF_DUTIES: dict[StaffRole, frozenset[StaffDuty]] = {
    StaffRole.CLERK: frozenset({StaffDuty.VIEW_PERMITS, StaffDuty.CONTRACTORS, StaffDuty.PERMITS, StaffDuty.FEES,
                                StaffDuty.PAYMENTS}),
    StaffRole.INSPECTOR: frozenset({StaffDuty.VIEW_PERMITS, StaffDuty.INSPECTIONS}),
    StaffRole.SUPERVISOR: frozenset(StaffDuty),
}


def staff_may(role: str, duty: StaffDuty) -> bool:
    """The one place a staff role is checked; an unknown role may do nothing."""
    try:
        return duty in STAFF_DUTIES[StaffRole(role)]
    except ValueError:
        return False


class StaffStatus(StrEnum):
    """Where a staff account stands: invited (no password yet), active, or disabled by a supervisor."""

    INVITED = "INVITED"
    ACTIVE = "ACTIVE"
    DISABLED = "DISABLED"


STAFF_INVITATION_VALID = timedelta(hours=72)
"""How long an invitation's one-time code works (docs/back-office.md, "Staff accounts")."""

_USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,31}")


def normalise_username(username: str) -> str:
    """A staff user name as stored and compared: trimmed, lower case; 2-32 characters, a letter first,
    then letters, digits, `.`, `_` or `-`. ValueError naming the rule otherwise."""
    name = username.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise ValueError("must be 2 to 32 letters, digits, '.', '_' or '-', starting with a letter")
    return name


@dataclass
class StaffUser:
    """A Community Development staff member's own account (issue 12: accounts per person).

    INVITED: created by a supervisor (or `make first-supervisor`) with a one-time code, kept only as
    its keyed digest, valid `STAFF_INVITATION_VALID`; accepting it sets the password once. ACTIVE: signs
    in with that password. DISABLED: refused at sign-in (its sessions end when it is disabled).
    """

    username: str
    display_name: str
    email: str
    password_hash: str | None = None
    role: StaffRole = StaffRole.SUPERVISOR
    status: StaffStatus = StaffStatus.ACTIVE
    invited_at: datetime | None = None
    last_sign_in_at: datetime | None = None
    invitation_digest: str | None = field(default=None, compare=False)
    invitation_expires_at: datetime | None = field(default=None, compare=False)
    version: int = field(default=0, compare=False)

    @property
    def active_supervisor(self) -> bool:
        return self.status is StaffStatus.ACTIVE and self.role is StaffRole.SUPERVISOR

    def accepts_sign_in(self, password: str, cost: int) -> bool:
        """The password of an active account; one bcrypt check either way (a missing hash spends one too)."""
        ok = credentials.verify_secret(password, self.password_hash, cost)
        return ok and self.status is StaffStatus.ACTIVE

    def invite(self, digest: str, now: datetime, valid: timedelta = STAFF_INVITATION_VALID) -> None:
        """A (new) invitation: the last code stops working; the password too, so the account is
        INVITED until the code is accepted. A disabled account is enabled first."""
        if self.status is StaffStatus.DISABLED:
            raise Conflict(f"{self.username} is disabled: enable the account before inviting again.",
                           slug="staff-disabled")
        self.invitation_digest = digest
        self.invitation_expires_at = now + valid
        self.invited_at = now
        self.password_hash = None
        self.status = StaffStatus.INVITED

    def invitation_matches(self, digest: str, now: datetime) -> bool:
        return (self.status is StaffStatus.INVITED and self.invitation_digest is not None
                and self.invitation_expires_at is not None and now < self.invitation_expires_at
                and credentials.same_digest(self.invitation_digest, digest))

    def accept_invitation(self, password: str, now: datetime, cost: int) -> None:
        """The code's one use: the password is set, the code forgotten, the account ACTIVE."""
        self.password_hash = credentials.hash_secret(password, cost)
        self.invitation_digest = None
        self.invitation_expires_at = None
        self.status = StaffStatus.ACTIVE
        self.last_sign_in_at = now

    def change_password(self, password: str, cost: int) -> None:
        self.password_hash = credentials.hash_secret(password, cost)

    def set_disabled(self, disabled: bool) -> None:
        """Disable, or enable again: back to ACTIVE with a password, INVITED without one."""
        if disabled:
            self.status = StaffStatus.DISABLED
        elif self.status is StaffStatus.DISABLED:
            self.status = StaffStatus.ACTIVE if self.password_hash else StaffStatus.INVITED

    def audit_view(self) -> dict[str, str]:
        """What the audit trail records of an account (never a secret)."""
        return {"name": self.display_name, "email": self.email, "role": self.role.value, "status": self.status.value}


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    # A session's last-seen time is written at most this often, so a busy page does not turn
    # every read into a write; idle expiry is exact to within this much.
    touch_every: timedelta = timedelta(minutes=1)


@dataclass
class Session:
    """A signed-in session. `setup_only` sessions (a PIN login) may only finish set-up or log out.
    `user_id`: the company's user who signed in ("" for staff and sessions older than users)."""

    token_hash: str
    role: Role
    principal_id: str
    display_name: str
    created_at: datetime
    last_seen_at: datetime
    absolute_expires_at: datetime
    setup_only: bool = False
    user_id: str = ""
    staff_role: str = ""  # a staff session's StaffRole, fixed when it opens

    def expires_at(self, policy: SessionPolicy) -> datetime:
        return min(self.last_seen_at + policy.idle, self.absolute_expires_at)

    def is_live(self, now: datetime, policy: SessionPolicy) -> bool:
        return now < self.expires_at(policy)

    def needs_touch(self, now: datetime, policy: SessionPolicy) -> bool:
        return now - self.last_seen_at >= policy.touch_every


@dataclass(frozen=True)
class Principal:
    """Who a request acts for, resolved from its bearer token."""

    role: Role
    principal_id: str
    display_name: str
    token_hash: str
    setup_only: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    user_id: str = ""
    staff_role: str = ""


@dataclass
class Throttle:
    """Consecutive failures of one account's secret (password, PIN, or secret answer)."""

    failures: int = 0
    locked_until: datetime | None = None

    def retry_after(self, now: datetime) -> int:
        """Seconds until the lock ends (0 when not locked)."""
        if self.locked_until is None or now >= self.locked_until:
            return 0
        return max(1, int((self.locked_until - now).total_seconds() + 0.999))


@dataclass(frozen=True)
class ResetCode:
    """The one-time code last mailed to an account (as its keyed digest)."""

    digest: str
    expires_at: datetime

    def matches(self, digest: str, now: datetime) -> bool:
        return now < self.expires_at and credentials.same_digest(self.digest, digest)


@dataclass(frozen=True)
class ResetToken:
    """What a verified reset code was traded for: the right to set a new password, once."""

    contractor_id: str
    expires_at: datetime

    def is_live(self, now: datetime) -> bool:
        return now < self.expires_at
