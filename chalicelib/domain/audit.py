"""The back office's audit trail: who did what to which record, when, and what it was before and after.

An entry is written in the same transaction as the change it records (`uow.audit.record`), so the
trail cannot miss a change that landed nor show one that did not. Entries are never changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class AuditAction(StrEnum):
    """Every staff action the trail records (API.md Part 2, "The back office")."""

    CONTRACTOR_REGISTERED = "contractor.registered"
    PIN_ISSUED = "contractor.pin-issued"
    PIN_LETTER_SENT = "contractor.pin-letter-sent"
    PERMIT_CREATED = "permit.created"
    PERMIT_CHANGED = "permit.changed"
    PERMIT_STATUS = "permit.status"
    PERMIT_ISSUED = "permit.issued"
    FEE_ADDED = "fee.added"
    FEE_VOIDED = "fee.voided"
    FEE_ADJUSTED = "fee.adjusted"
    INSPECTION_SCHEDULED = "inspection.scheduled"
    RESULT_RECORDED = "inspection.result"
    RESULT_CORRECTED = "inspection.correction"
    REVIEW_ADDED = "permit.review"
    ATTACHMENT_ADDED = "permit.attachment"
    STAFF_INVITED = "staff.invited"
    STAFF_CHANGED = "staff.changed"
    STAFF_JOINED = "staff.joined"
    STAFF_PASSWORD = "staff.password-changed"
    SUPERVISOR_CREATED = "staff.first-supervisor"
    JOB_RUN = "job.flag-expired"
    NOTICE_READ = "notice.read"
    REFUND_RECORDED = "payment.refund"


def subject(kind: str, record_id: str) -> str:
    """How an entry names its record, and how `?subject=` finds it: `permit:RES17-0150`."""
    return f"{kind}:{record_id}"


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    by: str  # the staff username ("" for a command run at the console)
    action: AuditAction
    subject: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    entry_id: str = field(default="", compare=False)


def difference(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, as (before, after): what a reader of the trail wants to see."""
    names = [n for n in dict.fromkeys([*before, *after]) if before.get(n) != after.get(n)]
    return {n: before.get(n) for n in names}, {n: after.get(n) for n in names}
