"""Permits and everything in a permit's partition: inspections, reviews, attachments, expiry reminders.

Items (keys spelled in `keys.py`; fee items belong to `store/fees.py` and share the partition):

- permit      PK=PERMIT#<no> SK=PERMIT            GSI1PK=CONTRACTOR#<id> GSI1SK=PERMIT#<no>
              GSI2PK=EXPIRY GSI2SK=<expires_date>#<no>, only while unflagged and with an expiry date.
              Carries what a dashboard row needs (address, type, status, expires_date, expired,
              inspection_types), so the dashboard is one Query on GSI1; `version` guards rewrites.
- inspection  PK=PERMIT#<no> SK=INSPECTION#<id>   GSI1PK=CONTRACTOR#<id> GSI1SK=PERMIT#<no>#INSPECTION#<id>
- slot        PK=PERMIT#<no> SK=INSPECTION_SLOT#<type>#<date>   `inspection_id` of the inspection holding it
              (no GSI keys). Put with attribute_not_exists in the same transaction as the inspection, so
              concurrent identical requests book one; deleted in the same transaction as its cancellation
              or result. A claim left by a holder no longer scheduled (a PASSED result is written with
              the permit) is taken over, conditioned on that holder. `ttl` clears claims of past days.
- review      PK=PERMIT#<no> SK=REVIEW#<id>       (detail only)
- attachment  PK=PERMIT#<no> SK=ATTACHMENT#<id>   (detail only; metadata, the file lives elsewhere)
- reminder    PK=PERMIT#<no> SK=REMINDER#<expires_date>  GSI2PK=REMINDER GSI2SK=<expires_date>#<no>
              while armed; the job removes the GSI2 keys and sets `sent_at` when it mails, so each
              expiry date of a permit is reminded at most once. `ttl` clears old entries.
- counter     PK=SEQ#PERMIT#<prefix><yy> SK=SEQ   `seq` incremented atomically (UpdateItem ADD).

Dates are ISO strings (YYYY-MM-DD, county time); instants are epoch seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from chalicelib.domain.errors import Conflict
from chalicelib.domain.fee_lines import FeeLine
from chalicelib.domain.inspections import InspectionStatus, holds_slot, slot_taken
from chalicelib.domain.permits import can_expire
from chalicelib.store import keys
from chalicelib.store.common import from_epoch, query_all, to_epoch
from chalicelib.store.expressions import (
    transact_condition_check,
    transact_delete,
    transact_put,
    transact_update,
    update_args,
)
from chalicelib.store.fees import fee_from_item, fee_item, fee_key, is_fee_item

_DAY = 86400
_SLOT_KEPT_DAYS = 7
"""A claim outlives its day by a week: no request can name a past day, so TTL may then clear it."""


@dataclass
class Permit:
    permit_no: str
    contractor_id: str
    address: str
    type: str
    status: str
    description: str = ""
    applied_date: date | None = None
    issued_date: date | None = None
    expires_date: date | None = None
    expired: bool = False
    inspection_types: list[str] = field(default_factory=list)
    version: int = 0
    created_at: datetime | None = None


@dataclass
class Inspection:
    inspection_id: str
    permit_no: str
    contractor_id: str
    inspection_type: str
    date: date
    time_window: str = "ANY"
    status: str = "SCHEDULED"
    notes: str = ""
    result_notes: str = ""
    requested_by: str = "contractor"
    created_at: datetime | None = None
    resulted_at: datetime | None = None


@dataclass
class Review:
    review_id: str
    department: str
    status: str
    date: date
    comments: str = ""


@dataclass
class Attachment:
    attachment_id: str
    name: str
    uploaded_at: datetime


@dataclass
class PermitFile:
    """Everything in one permit's partition, read with one Query."""

    permit: Permit
    fees: list[FeeLine] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class ContractorPermits:
    """A contractor's permits, their fees and inspections: one Query on GSI1."""

    permits: list[Permit] = field(default_factory=list)
    fees: dict[str, list[FeeLine]] = field(default_factory=dict)
    inspections: list[Inspection] = field(default_factory=list)


@dataclass(frozen=True)
class DueReminder:
    permit_no: str
    contractor_id: str
    address: str
    expires_date: date
    remind_sort_key: str


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def is_conditional_failure(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    return code in ("ConditionalCheckFailedException", "TransactionCanceledException")


# --- item <-> model ----------------------------------------------------------------------------


def permit_item(permit: Permit) -> dict[str, Any]:
    item: dict[str, Any] = {
        **keys.permit(permit.permit_no),
        "GSI1PK": keys.contractor_partition(permit.contractor_id),
        "GSI1SK": keys.contractor_permit_prefix(permit.permit_no),
        "permit_no": permit.permit_no, "contractor_id": permit.contractor_id, "address": permit.address,
        "type": permit.type, "status": permit.status, "description": permit.description,
        "applied_date": _iso(permit.applied_date), "issued_date": _iso(permit.issued_date),
        "expires_date": _iso(permit.expires_date), "expired": permit.expired,
        "inspection_types": list(permit.inspection_types), "version": permit.version,
        "created_at": to_epoch(permit.created_at),
    }
    if permit.expires_date and not permit.expired and can_expire(permit.status):  # the sparse expiry index
        item["GSI2PK"] = keys.EXPIRY_INDEX
        item["GSI2SK"] = keys.expiry_sort_key(permit.expires_date.isoformat(), permit.permit_no)
    return {k: v for k, v in item.items() if v is not None}


def permit_from_item(item: dict[str, Any]) -> Permit:
    return Permit(
        permit_no=item["permit_no"], contractor_id=item["contractor_id"], address=item.get("address", ""),
        type=item.get("type", ""), status=item["status"], description=item.get("description", ""),
        applied_date=_date(item.get("applied_date")), issued_date=_date(item.get("issued_date")),
        expires_date=_date(item.get("expires_date")), expired=bool(item.get("expired", False)),
        inspection_types=list(item.get("inspection_types", [])), version=int(item.get("version", 0)),
        created_at=from_epoch(item.get("created_at")),
    )


def inspection_item(insp: Inspection) -> dict[str, Any]:
    item: dict[str, Any] = {
        **keys.inspection(insp.permit_no, insp.inspection_id),
        "GSI1PK": keys.contractor_partition(insp.contractor_id),
        "GSI1SK": keys.contractor_inspection_sort_key(insp.permit_no, insp.inspection_id),
        "inspection_id": insp.inspection_id, "permit_no": insp.permit_no, "contractor_id": insp.contractor_id,
        "inspection_type": insp.inspection_type, "date": insp.date.isoformat(), "time_window": insp.time_window,
        "status": insp.status, "notes": insp.notes, "result_notes": insp.result_notes,
        "requested_by": insp.requested_by, "created_at": to_epoch(insp.created_at),
        "resulted_at": to_epoch(insp.resulted_at),
    }
    return {k: v for k, v in item.items() if v is not None}


def slot_key(insp: Inspection) -> dict[str, str]:
    return keys.inspection_slot(insp.permit_no, insp.inspection_type, insp.date.isoformat())


def slot_item(insp: Inspection) -> dict[str, Any]:
    kept_until = datetime.combine(insp.date + timedelta(days=_SLOT_KEPT_DAYS), datetime.min.time(), tzinfo=UTC)
    return {**slot_key(insp), "inspection_id": insp.inspection_id, "inspection_type": insp.inspection_type,
            "date": insp.date.isoformat(), "ttl": to_epoch(kept_until)}


def inspection_from_item(item: dict[str, Any]) -> Inspection:
    return Inspection(
        inspection_id=item["inspection_id"], permit_no=item["permit_no"], contractor_id=item["contractor_id"],
        inspection_type=item["inspection_type"], date=date.fromisoformat(item["date"]),
        time_window=item.get("time_window", "ANY"), status=item["status"], notes=item.get("notes", ""),
        result_notes=item.get("result_notes", ""), requested_by=item.get("requested_by", "contractor"),
        created_at=from_epoch(item.get("created_at")), resulted_at=from_epoch(item.get("resulted_at")),
    )


def _review_from_item(item: dict[str, Any]) -> Review:
    return Review(item["review_id"], item["department"], item["status"], date.fromisoformat(item["date"]),
                  item.get("comments", ""))


def _attachment_from_item(item: dict[str, Any]) -> Attachment:
    return Attachment(item["attachment_id"], item["name"], from_epoch(item["uploaded_at"]))


def _sk(item: dict[str, Any]) -> str:
    return str(item.get("SK", ""))


class PermitStore:
    def __init__(self, table: Any) -> None:
        self.table = table
        self.client = table.meta.client

    # --- reads -------------------------------------------------------------------------------

    def load(self, permit_no: str, consistent: bool = True) -> PermitFile | None:
        """The permit with its fees, inspections, reviews and attachments: one Query (paginated)."""
        items = query_all(self.table, KeyConditionExpression=Key("PK").eq(keys.permit_partition(permit_no)),
                          ConsistentRead=consistent)
        permit = next((i for i in items if _sk(i) == keys.PERMIT_SK), None)
        if permit is None:
            return None
        file = PermitFile(permit_from_item(permit))
        for item in items:
            sk = _sk(item)
            if is_fee_item(item):
                file.fees.append(fee_from_item(item))
            elif sk.startswith(keys.INSPECTION_PREFIX):
                file.inspections.append(inspection_from_item(item))
            elif sk.startswith(keys.REVIEW_PREFIX):
                file.reviews.append(_review_from_item(item))
            elif sk.startswith(keys.ATTACHMENT_PREFIX):
                file.attachments.append(_attachment_from_item(item))
        return file

    def get_permit(self, permit_no: str) -> Permit | None:
        item = self.table.get_item(Key=keys.permit(permit_no), ConsistentRead=True).get("Item")
        return permit_from_item(item) if item else None

    def for_contractor(self, contractor_id: str) -> ContractorPermits:
        """Every permit, fee and inspection of a contractor: one Query on GSI1 (more pages past 1 MB)."""
        items = query_all(
            self.table, IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(keys.contractor_partition(contractor_id))
            & Key("GSI1SK").begins_with(keys.contractor_permit_prefix("")),
        )
        result = ContractorPermits()
        for item in items:
            sk = _sk(item)
            if sk == keys.PERMIT_SK:
                result.permits.append(permit_from_item(item))
            elif is_fee_item(item):
                line = fee_from_item(item)
                result.fees.setdefault(line.permit_no, []).append(line)
            elif sk.startswith(keys.INSPECTION_PREFIX):
                result.inspections.append(inspection_from_item(item))
        return result

    def get_inspection(self, permit_no: str, inspection_id: str) -> Inspection | None:
        item = self.table.get_item(Key=keys.inspection(permit_no, inspection_id), ConsistentRead=True).get("Item")
        return inspection_from_item(item) if item else None

    def slot_holder(self, insp: Inspection) -> str | None:
        """The id of the inspection whose claim is on `insp`'s slot (its type on its day), if any."""
        item = self.table.get_item(Key=slot_key(insp), ConsistentRead=True).get("Item")
        return str(item["inspection_id"]) if item else None

    # --- permit numbers ----------------------------------------------------------------------

    def next_sequence(self, prefix: str, yy: int) -> int:
        """The next number of a prefix and year; atomic, so concurrent callers never share one."""
        response = self.table.update_item(Key=keys.permit_counter(prefix, yy), ReturnValues="UPDATED_NEW",
                                          **update_args(add={"seq": 1}))
        return int(response["Attributes"]["seq"])

    # --- permit writes -----------------------------------------------------------------------

    def create(self, permit: Permit) -> bool:
        """Put a new permit; False when the number is taken (nothing is overwritten)."""
        try:
            self.table.put_item(Item=permit_item(permit), ConditionExpression=Attr("PK").not_exists())
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def save(self, permit: Permit, expected_version: int, also: list[dict[str, Any]] | None = None) -> None:
        """Rewrite the permit (GSI2 keys re-derived) if nobody changed it since `expected_version`.

        `also` are further TransactWriteItems entries that must succeed with it.
        """
        permit.version = expected_version + 1
        entry = transact_put(self.table.name, permit_item(permit), Attr("version").eq(expected_version))
        try:
            self.client.transact_write_items(TransactItems=[entry, *(also or [])])
        except ClientError as error:
            if is_conditional_failure(error):
                raise Conflict(f"Permit {permit.permit_no} changed meanwhile; try again.") from error
            raise

    def reassignment_entries(self, file: PermitFile, contractor_id: str, now: datetime) -> list[dict[str, Any]]:
        """TransactWriteItems entries moving a permit's fees and inspections under another contractor.

        Written in the same transaction as the permit, so a permit never shows on one dashboard with
        its fees on another. A fee held by a live checkout is not moved (the condition fails), since
        that payment belongs to the old contractor.
        """
        owner = {"GSI1PK": keys.contractor_partition(contractor_id), "contractor_id": contractor_id}
        unheld = Attr("held_by").not_exists() | Attr("hold_expires_at").lte(to_epoch(now))
        entries = [transact_update(self.table.name, fee_key(f.permit_no, f.fee_id), set_=owner, condition=unheld)
                   for f in file.fees]
        entries += [transact_update(self.table.name, keys.inspection(i.permit_no, i.inspection_id), set_=owner,
                                    condition=Attr("PK").exists())
                    for i in file.inspections]
        return entries

    def permit_condition(self, permit_no: str, condition: Any) -> dict[str, Any]:
        """A TransactWriteItems ConditionCheck on the permit item."""
        return transact_condition_check(self.table.name, keys.permit(permit_no), condition)

    # --- children ----------------------------------------------------------------------------

    def add_fee(self, line: FeeLine, created_at: datetime) -> None:
        """A fee line, written only while the permit exists under the same contractor.

        It also bumps the permit's `version`, so an issue or inspection request decided on the fees
        read before this one fails its version check instead of ignoring the new fee.
        """
        try:
            self.client.transact_write_items(TransactItems=[
                transact_update(self.table.name, keys.permit(line.permit_no), add={"version": 1},
                                condition=Attr("contractor_id").eq(line.contractor_id)),
                transact_put(self.table.name, fee_item(line, created_at), Attr("PK").not_exists()),
            ])
        except ClientError as error:
            if is_conditional_failure(error):
                raise Conflict(f"Permit {line.permit_no} changed meanwhile; nothing was added. Try again.") from error
            raise

    def add_inspection(self, insp: Inspection, permit_condition: Any) -> None:
        """Book an inspection and claim its slot in one transaction: of identical requests, one books.

        Conflict naming the holder while another inspection holds the slot; a claim whose holder is
        no longer scheduled is taken over (once: a second stale holder means it is contended).
        """
        stale: str | None = None
        for _ in range(2):
            try:
                self.client.transact_write_items(TransactItems=self._booking(insp, permit_condition, stale))
                return
            except ClientError as error:
                if not is_conditional_failure(error):
                    raise
                holder = self.slot_holder(insp)
                if holder is None or holder == stale:  # the slot was ours to take: the permit refused
                    raise Conflict(f"Permit {insp.permit_no} changed meanwhile; nothing was added. "
                                   "Try again.") from error
                held = self.get_inspection(insp.permit_no, holder)
                if held is not None and holds_slot(held.status):
                    raise slot_taken(insp.permit_no, insp.inspection_type, insp.date, holder) from error
                stale = holder
        raise Conflict(f"The {insp.inspection_type} inspection on {insp.date.isoformat()} is being requested "
                       "meanwhile; read the permit again.")

    def _booking(self, insp: Inspection, permit_condition: Any, stale: str | None) -> list[dict[str, Any]]:
        """The permit check, the slot claim (new, or taken from a `stale` holder) and the inspection."""
        entries = [self.permit_condition(insp.permit_no, permit_condition)]
        if stale is None:
            entries.append(transact_put(self.table.name, slot_item(insp), Attr("PK").not_exists()))
        else:
            entries += [
                transact_put(self.table.name, slot_item(insp), Attr("inspection_id").eq(stale)),
                # Statuses never return to SCHEDULED, but the transaction should not rely on it.
                transact_condition_check(self.table.name, keys.inspection(insp.permit_no, stale),
                                         Attr("PK").not_exists()
                                         | Attr("status").ne(InspectionStatus.SCHEDULED.value)),
            ]
        entries.append(transact_put(self.table.name, inspection_item(insp), Attr("PK").not_exists()))
        return entries

    def add_review(self, permit_no: str, review: Review) -> None:
        item = {**keys.review(permit_no, review.review_id), "review_id": review.review_id,
                "department": review.department, "status": review.status, "date": review.date.isoformat(),
                "comments": review.comments}
        self._put_child(permit_no, item, Attr("PK").exists())

    def add_attachment(self, permit_no: str, attachment: Attachment) -> None:
        item = {**keys.attachment(permit_no, attachment.attachment_id), "attachment_id": attachment.attachment_id,
                "name": attachment.name, "uploaded_at": to_epoch(attachment.uploaded_at)}
        self._put_child(permit_no, item, Attr("PK").exists())

    def _put_child(self, permit_no: str, item: dict[str, Any], permit_condition: Any) -> None:
        try:
            self.client.transact_write_items(TransactItems=[
                self.permit_condition(permit_no, permit_condition),
                transact_put(self.table.name, item, Attr("PK").not_exists()),
            ])
        except ClientError as error:
            if is_conditional_failure(error):
                raise Conflict(f"Permit {permit_no} changed meanwhile; nothing was added. Try again.") from error
            raise

    def inspection_update(self, insp: Inspection, expected_status: str, changes: dict[str, Any]) -> dict[str, Any]:
        """A TransactWriteItems entry changing an inspection still in `expected_status`.

        Its slot stays claimed (the caller's transaction has the permit in it); the next request of
        that slot takes the claim over, since its holder is then no longer scheduled.
        """
        return transact_update(self.table.name, keys.inspection(insp.permit_no, insp.inspection_id),
                               set_=changes, condition=Attr("status").eq(expected_status))

    def update_inspection(self, insp: Inspection, expected_status: str, changes: dict[str, Any]) -> bool:
        """Change an inspection still in `expected_status`; False if it is not (nothing changed).

        Leaving SCHEDULED (a cancellation, a result) frees its slot in the same transaction, so the
        same type may be requested for that day again. Only its own claim is deleted: an inspection
        booked before slots existed holds none.
        """
        releases = (holds_slot(expected_status) and not holds_slot(changes.get("status", expected_status))
                    and self.slot_holder(insp) == insp.inspection_id)
        try:
            if releases:
                # The claim cannot change hands meanwhile: a takeover needs its holder no longer
                # scheduled, and this update needs it still scheduled.
                self.client.transact_write_items(TransactItems=[
                    self.inspection_update(insp, expected_status, changes),
                    transact_delete(self.table.name, slot_key(insp), Attr("inspection_id").eq(insp.inspection_id)),
                ])
            else:
                self.table.update_item(Key=keys.inspection(insp.permit_no, insp.inspection_id),
                                       ConditionExpression=Attr("status").eq(expected_status),
                                       **update_args(set_=changes))
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    # --- the expiry job ----------------------------------------------------------------------

    def due_for_expiry(self, today: date) -> Iterator[Permit]:
        """Unflagged permits whose expiry date is before `today`: a Query on the sparse GSI2, page by page."""
        kwargs: dict[str, Any] = {
            "IndexName": "GSI2",
            "KeyConditionExpression": Key("GSI2PK").eq(keys.EXPIRY_INDEX) & Key("GSI2SK").lt(today.isoformat()),
        }
        while True:
            response = self.table.query(**kwargs)
            for item in response.get("Items", []):
                yield permit_from_item(item)
            if not response.get("LastEvaluatedKey"):
                return
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def flag_expired(self, permit: Permit) -> bool:
        """Flag one permit expired and take it out of the expiry index; False if already done or changed."""
        assert permit.expires_date is not None
        condition = (Attr("expired").ne(True) & Attr("expires_date").eq(permit.expires_date.isoformat())
                     & Attr("GSI2PK").exists())
        try:
            self.table.update_item(Key=keys.permit(permit.permit_no), ConditionExpression=condition,
                                   **update_args(set_={"expired": True}, remove=("GSI2PK", "GSI2SK"),
                                                 add={"version": 1}))
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def arm_reminder(self, permit: Permit) -> None:
        """Arm the reminder for the permit's current expiry date, unless that one was already sent.

        It is indexed by the expiry date, not by the day to remind: the job decides how many days
        ahead to look, so a change of EXPIRY_REMINDER_DAYS applies to permits already on the books.
        """
        assert permit.expires_date is not None
        expires = permit.expires_date.isoformat()
        changes = {
            "GSI2PK": keys.REMINDER_INDEX, "GSI2SK": keys.expiry_sort_key(expires, permit.permit_no),
            "permit_no": permit.permit_no, "contractor_id": permit.contractor_id, "address": permit.address,
            "expires_date": expires, "ttl": to_epoch(datetime.combine(permit.expires_date, datetime.min.time()))
            + 60 * _DAY,
        }
        try:
            self.table.update_item(Key=keys.reminder(permit.permit_no, expires),
                                   ConditionExpression=Attr("sent_at").not_exists(), **update_args(set_=changes))
        except ClientError as error:
            if not is_conditional_failure(error):
                raise

    def disarm_reminder(self, permit_no: str, expires_date: date) -> None:
        """Take a not-yet-sent reminder out of the index (its expiry date no longer holds)."""
        try:
            self.table.update_item(Key=keys.reminder(permit_no, expires_date.isoformat()),
                                   ConditionExpression=Attr("GSI2PK").exists(),
                                   **update_args(remove=("GSI2PK", "GSI2SK")))
        except ClientError as error:
            if not is_conditional_failure(error):
                raise

    def due_reminders(self, today: date, lead_days: int) -> Iterator[DueReminder]:
        """Armed reminders whose day has come: the permit expires at most `lead_days` after `today`."""
        upper = (today + timedelta(days=lead_days + 1)).isoformat()
        kwargs: dict[str, Any] = {
            "IndexName": "GSI2",
            "KeyConditionExpression": Key("GSI2PK").eq(keys.REMINDER_INDEX) & Key("GSI2SK").lt(upper),
        }
        while True:
            response = self.table.query(**kwargs)
            for item in response.get("Items", []):
                yield DueReminder(item["permit_no"], item["contractor_id"], item.get("address", ""),
                                  date.fromisoformat(item["expires_date"]), item["GSI2SK"])
            if not response.get("LastEvaluatedKey"):
                return
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def claim_reminder(self, reminder: DueReminder, now: datetime) -> bool:
        """Mark a reminder sent (leaving the index); only one caller ever wins it."""
        try:
            self.table.update_item(
                Key=keys.reminder(reminder.permit_no, reminder.expires_date.isoformat()),
                ConditionExpression=Attr("GSI2SK").eq(reminder.remind_sort_key) & Attr("sent_at").not_exists(),
                **update_args(set_={"sent_at": to_epoch(now)}, remove=("GSI2PK", "GSI2SK")))
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True
