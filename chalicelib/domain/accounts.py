"""Accounts and sessions: the businesses, their logins, and what a signed-in session may do.

An account is two aggregates:
- `Company`: the guide's business (the contractor on permits): name, state license, contact profile.
  The county owns its name and license (staff set them); the contractor edits the profile.
- `User`: a login of that company: e-mail, name, role, password, security question. The first one
  is the PIN holder (`UserRole.ADMIN`, id `first_user_id(contractor_id)`); admins invite more
  (`named_user_id`). What each role may do is `COMPANY_DUTIES`, checked only by `company_may`.

Sessions belong to a principal (the company, `principal_id` = contractor id) and name the user who
signed in (`user_id`, `user_role`), so a company's users share its permits while each has their own
secrets, sessions and lock-out. Failed attempts are counted in `Throttle`s (a user's sign-in failures
on the user's own record).
"""

from __future__ import annotations

import hashlib
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
    """What a company's user may do (API.md Part 2, "Companies and their users"): `COMPANY_DUTIES`."""

    ADMIN = "admin"
    OFFICE = "office"
    FIELD = "field"


class UserStatus(StrEnum):
    """Where a company's user stands: invited (no password yet), active, or disabled by an admin."""

    INVITED = "INVITED"
    ACTIVE = "ACTIVE"
    DISABLED = "DISABLED"


class CompanyDuty(StrEnum):
    """What a contractor route does, for the one role check (`company_may`). Values are what
    `GET /me` lists under `may`, so the site shows only what the user may do."""

    PERMITS = "permits"  # the dashboard, permits and their inspections (read)
    INSPECTIONS = "inspections"  # request and cancel inspections
    PAYMENTS = "payments"  # the cart, checkout, paid items and receipts
    PROFILE = "profile"  # read the company's View/Edit Profile
    EDIT_PROFILE = "edit-profile"  # change it (the e-mail on file, the address)
    USERS = "users"  # invite users, set roles, disable and enable them
    ACTIVITY = "activity"  # the company's record of who did what
    APPLICATIONS = "applications"  # apply for permits, upload documents


#: admin: everything; office: everything but the users and the company profile (it may read it);
#: field: read permits and inspections, request and cancel inspections.
COMPANY_DUTIES: dict[UserRole, frozenset[CompanyDuty]] = {
    UserRole.ADMIN: frozenset(CompanyDuty),
    UserRole.OFFICE: frozenset(CompanyDuty) - {CompanyDuty.USERS, CompanyDuty.EDIT_PROFILE, CompanyDuty.ACTIVITY},
    UserRole.FIELD: frozenset({CompanyDuty.PERMITS, CompanyDuty.INSPECTIONS}),
}

ROLE_LABELS: dict[UserRole, str] = {UserRole.ADMIN: "Administrator", UserRole.OFFICE: "Office",
                                    UserRole.FIELD: "Field"}


def role_label(role: str) -> str:
    """A company role as people read it ("" before roles: the first admin's)."""
    try:
        return ROLE_LABELS[UserRole(role or UserRole.ADMIN)]
    except ValueError:
        return role


def company_may(role: str, duty: CompanyDuty) -> bool:
    """The one place a company user's role is checked; an unknown role may do nothing. A session
    from before roles (no role recorded) is the company's first user: an admin."""
    try:
        return duty in COMPANY_DUTIES[UserRole(role or UserRole.ADMIN)]
    except ValueError:
        return False


def company_duties(role: str) -> list[CompanyDuty]:
    """What `role` may do, in `CompanyDuty`'s order (GET /me's `may`)."""
    return [duty for duty in CompanyDuty if company_may(role, duty)]


class NotificationKind(StrEnum):
    """What a user may ask to be e-mailed about (`PUT /me/notifications`)."""

    INSPECTION_RESULTS = "inspection_results"  # inspections requested, cancelled and their results
    PAYMENTS = "payments"  # payment receipts
    EXPIRY_REMINDERS = "expiry_reminders"  # permits about to expire
    APPLICATION_UPDATES = "application_updates"  # an application's review steps


NOTIFICATION_LABELS: dict[NotificationKind, str] = {
    NotificationKind.INSPECTION_RESULTS: "Inspection requests and results",
    NotificationKind.PAYMENTS: "Payment receipts",
    NotificationKind.EXPIRY_REMINDERS: "Permit expiry reminders",
    NotificationKind.APPLICATION_UPDATES: "Application updates",
}


def default_notifications(role: UserRole) -> dict[str, bool]:
    """What a new user is sent until they choose: everything their role works with (the first admin,
    the guide's one address, gets everything, as before users)."""
    duties = COMPANY_DUTIES[role]
    return {
        NotificationKind.INSPECTION_RESULTS.value: True,
        NotificationKind.PAYMENTS.value: CompanyDuty.PAYMENTS in duties,
        NotificationKind.EXPIRY_REMINDERS.value: True,
        NotificationKind.APPLICATION_UPDATES.value: CompanyDuty.APPLICATIONS in duties,
    }


class ThrottleKind(StrEnum):
    """Which secret's failures a throttle counts (part of its key: values never change)."""

    SIGN_IN = "contractor"  # a sign-in naming no user of the company (a user's own are on the user's item)
    STAFF_SIGN_IN = "staff"
    STAFF_INVITATION = "staff-invitation"  # guesses at a staff invitation's one-time code
    COMPANY_INVITATION = "company-invitation"  # guesses at a company user's invitation code
    RESET_CODE = "reset-code"  # guesses at e-mailed reset codes, across every code sent
    RESET_ANSWER = "reset-answer"  # the secret answer of a password reset
    SOURCE = "source"  # one caller's address, across every account, per lock-out window


class RateKind(StrEnum):
    """Uses counted in fixed windows (part of the key: values never change)."""

    RESET_MAIL = "reset-mail"  # reset codes mailed to one account per hour


def first_user_id(contractor_id: str) -> str:
    """The id of a company's first user, the PIN holder: the company's own id (what sessions and
    reset codes from before named users already carry)."""
    return contractor_id


def normalise_email(email: str) -> str:
    """An e-mail as a user's key compares it: trimmed, lower case."""
    return email.strip().lower()


def named_user_id(contractor_id: str, email: str) -> str:
    """A named user's id follows from the company and the e-mail they were invited at, so signing in
    with an e-mail finds the user's record by key (one request), with no e-mail index to keep. A
    user's e-mail never changes (invite the new address instead); the first admin keeps the
    company's id whatever the e-mail on file becomes."""
    digest = hashlib.sha256(f"{contractor_id}\n{normalise_email(email)}".encode()).hexdigest()
    return f"u-{digest[:20]}"


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


USER_INVITATION_VALID = timedelta(hours=72)
"""How long a company user's invitation code works (API.md Part 2)."""


@dataclass
class User:
    """A login of a company: its own e-mail, name, role, password, security question and sessions.

    The first user (`first_admin`, id `first_user_id`) is made by the staff-issued PIN:
    `setup_complete` False means the PIN signs in, and only to finish set-up. Named users are INVITED
    by an admin with a one-time code (kept as its keyed digest, valid `USER_INVITATION_VALID`);
    accepting it sets their name, question and password and makes them ACTIVE. A DISABLED user is
    refused at sign-in (their sessions end when they are disabled).
    """

    user_id: str
    contractor_id: str
    email: str
    role: UserRole = UserRole.ADMIN
    name: str = ""
    company_name: str = ""  # the company's, kept with the user so a sign-in reads one item
    security_question: str = ""
    secret_answer_hash: str | None = None
    password_hash: str | None = None
    pin_hash: str | None = None
    pin_expires_at: datetime | None = None
    setup_complete: bool = False
    status: UserStatus = UserStatus.ACTIVE
    notifications: dict[str, bool] = field(default_factory=lambda: default_notifications(UserRole.ADMIN))
    invitation_digest: str | None = field(default=None, compare=False)
    invitation_expires_at: datetime | None = field(default=None, compare=False)
    invited_at: datetime | None = None
    invited_by: str = ""
    created_at: datetime | None = None
    last_sign_in_at: datetime | None = None
    version: int = 0

    @property
    def first_admin(self) -> bool:
        """The PIN holder, who signs in without an e-mail (the guide's flow)."""
        return self.user_id == first_user_id(self.contractor_id)

    @property
    def active_admin(self) -> bool:
        return self.status is UserStatus.ACTIVE and self.role is UserRole.ADMIN

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def email_differs(self, email: str) -> bool:
        """Whether `email` is another address than the user's (case and spaces aside)."""
        return normalise_email(email or "") != normalise_email(self.email or "")

    def wants(self, kind: NotificationKind) -> bool:
        """Whether this user is to be e-mailed about `kind`: active, with an address, and asked for it."""
        return (self.status is UserStatus.ACTIVE and bool(self.email)
                and self.notifications.get(kind.value, default_notifications(self.role)[kind.value]))

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

    def set_notifications(self, choices: Mapping[str, bool]) -> None:
        self.notifications = {kind.value: bool(choices[kind.value]) for kind in NotificationKind}

    # --- invitations and the admin's changes ----------------------------------------------------

    def invite(self, digest: str, now: datetime, by: str, valid: timedelta = USER_INVITATION_VALID) -> None:
        """A (new) invitation: the last code stops working. Only a user who has not accepted yet."""
        if self.status is not UserStatus.INVITED:
            raise Conflict(f"{self.email} has already accepted an invitation.", slug="user-exists")
        self.invitation_digest = digest
        self.invitation_expires_at = now + valid
        self.invited_at = now
        self.invited_by = by

    def invitation_matches(self, digest: str, now: datetime) -> bool:
        return (self.status is UserStatus.INVITED and self.invitation_digest is not None
                and self.invitation_expires_at is not None and now < self.invitation_expires_at
                and credentials.same_digest(self.invitation_digest, digest))

    def accept_invitation(self, name: str, security_question: str, secret_answer: str, password: str,
                          now: datetime, cost: int) -> None:
        """The code's one use: name, question and password set, the code forgotten, the user ACTIVE."""
        self.name = name.strip()
        self.change_security_question(security_question, secret_answer, cost)
        self.change_password(password, cost)
        self.setup_complete = True
        self.invitation_digest = None
        self.invitation_expires_at = None
        self.status = UserStatus.ACTIVE
        self.last_sign_in_at = now

    def set_disabled(self, disabled: bool) -> None:
        """Disable, or enable again: back to ACTIVE with a password, INVITED without one."""
        if disabled:
            self.status = UserStatus.DISABLED
        elif self.status is UserStatus.DISABLED:
            self.status = UserStatus.ACTIVE if (self.password_hash or self.pin_hash) else UserStatus.INVITED

    def audit_view(self) -> dict[str, str]:
        """What the company's activity records of a user (never a secret)."""
        return {"name": self.name, "email": self.email, "role": self.role.value, "status": self.status.value}

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
    user_role: str = ""  # a company user's UserRole, fixed when it opens ("" before roles: the first admin)
    user_email: str = ""

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
    user_role: str = ""
    user_email: str = ""


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
    user_id: str = ""  # "" from before named users: the first admin

    def is_live(self, now: datetime) -> bool:
        return now < self.expires_at
