"""A company's activity: who of its users paid, scheduled, cancelled, changed the profile or the users.

The contractor-side counterpart of the staff audit trail (`domain.audit`): each entry is written in
the same transaction as the change it records, and never changed. `GET /company/activity` reads them
newest first (the company's admins).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from chalicelib.domain.accounts import Principal, first_user_id


class ActivityAction(StrEnum):
    """What a user did (values are the API's `action`: never renamed)."""

    PAYMENT = "payment"
    INSPECTION_REQUESTED = "inspection-requested"
    INSPECTION_CANCELLED = "inspection-cancelled"
    PROFILE_CHANGED = "profile-changed"
    USER_INVITED = "user-invited"
    USER_CHANGED = "user-changed"
    USER_DISABLED = "user-disabled"
    USER_ENABLED = "user-enabled"
    INVITATION_ACCEPTED = "invitation-accepted"
    APPLIED = "applied"
    UPLOADED = "uploaded"


@dataclass(frozen=True)
class Actor:
    """The company user a change is done by (from the session that asked for it)."""

    contractor_id: str
    user_id: str
    email: str = ""

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        # A session from before users names no user: it was the company's first admin.
        return cls(principal.principal_id, principal.user_id or first_user_id(principal.principal_id),
                   principal.user_email)


@dataclass(frozen=True)
class CompanyActivity:
    """One thing a company's user did. `subject`: what it was done to ("permit RES17-0150",
    "user ann@example.com"); `detail`: a sentence for people."""

    contractor_id: str
    at: datetime
    user_id: str
    user_email: str
    action: ActivityAction
    subject: str
    detail: str = ""
    entry_id: str = ""

    @classmethod
    def by(cls, actor: Actor, at: datetime, action: ActivityAction, subject: str, detail: str = "") -> CompanyActivity:
        return cls(actor.contractor_id, at, actor.user_id, actor.email, action, subject, detail)
