"""One-off, idempotent backfills of the back office's list indexes for tables written before them
(scripts/backfill_staff_indexes.py): Queries only, never a Scan."""

from __future__ import annotations

from typing import Any

from chalicelib.store import keys
from chalicelib.store.items import ConditionFailed, Put, Update, absent, not_exists, present, query_all
from chalicelib.store.payments import payment_item, refund_required_item, unapplied_item


def backfill_list_indexes(new_uow: Any) -> dict[str, int]:
    """One-off, idempotent: the back office's index entries for records stored before them.

    Found with Queries only: the directory, then each contractor's GSI1 range. Every permit is read
    and saved through its repository, whose save writes just the index attributes it lacks (its root
    at the next version). A payment's root gains its place in the list of every payment (GSI2
    PAYMENTS), each unapplied approval and each payment approved after its fees were taken their
    refund-required entries (GSI2 REFUNDS_REQUIRED). A second run writes nothing."""
    counts = {"permits": 0, "payments": 0, "refund_entries": 0}
    reader = new_uow()

    def index(item: dict[str, Any], kind: str) -> None:
        try:
            reader.items.update(Update({"PK": item["PK"], "SK": item["SK"]},
                                       set={"GSI2PK": item["GSI2PK"], "GSI2SK": item["GSI2SK"]},
                                       cond=present() & not_exists("GSI2PK")))
            counts[kind] += 1
        except ConditionFailed:
            pass

    for company in reader.accounts.directory():
        partition = keys.contractor_partition(company.contractor_id)
        for prefix in (keys.ACTIVE_PERMITS_RANGE, keys.ARCHIVED_PERMITS_RANGE):
            for item in query_all(reader.items, partition, index="GSI1", sk_prefix=prefix):
                if item.get("SK") != keys.PERMIT_SK:
                    continue
                work = new_uow()
                permit = work.permits.get(str(item["permit_no"]))
                if permit is None:
                    continue
                work.permits.save(permit)
                if work.pending and work.commit_unless_stale():
                    counts["permits"] += 1
        for item in query_all(reader.items, partition, index="GSI1", sk_prefix=keys.PAYMENT_INDEX_PREFIX):
            if item.get("SK") != keys.PAYMENT_SK:
                continue
            payment = reader.payments.get(str(item["payment_id"]))
            if payment is None:
                continue
            index(payment_item(payment), "payments")
            # Only what is still to be refunded joins the queue: approvals after the last refund recorded.
            last_refund = max((r.at for r in payment.refunds), default=None)
            for approval in payment.unapplied:
                if last_refund is None or approval.received_at > last_refund:
                    index(unapplied_item(payment, approval), "refund_entries")
            if payment.refund_required and not payment.refunds:
                try:
                    reader.items.write([Put(refund_required_item(payment), absent())])
                    counts["refund_entries"] += 1
                except ConditionFailed:
                    pass
    return counts
