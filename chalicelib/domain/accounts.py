"""Accounts and sessions: who may sign in, and what a signed-in session may do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class Role(StrEnum):
    CONTRACTOR = "contractor"
    STAFF = "staff"


@dataclass
class Contractor:
    """A business listed as the contractor on permits (the guide's "business name")."""

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
    security_question: str = ""
    secret_answer_hash: str | None = None
    password_hash: str | None = None
    pin_hash: str | None = None
    pin_expires_at: datetime | None = None
    setup_complete: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass
class StaffUser:
    username: str
    display_name: str
    email: str
    password_hash: str


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    # A session's last-seen time is written at most this often, so a busy page does not turn
    # every read into a write; idle expiry is exact to within this much.
    touch_every: timedelta = timedelta(minutes=1)


@dataclass
class Session:
    """A signed-in session. `setup_only` sessions (a PIN login) may only finish set-up or log out."""

    token_hash: str
    role: Role
    principal_id: str
    display_name: str
    created_at: datetime
    last_seen_at: datetime
    absolute_expires_at: datetime
    setup_only: bool = False

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
