"""One-off, idempotent: the back office's list indexes for records stored before them
(`scripts/backfill_staff_indexes.py`; README, deploying)."""

from __future__ import annotations

from typing import Any

from chalicelib.store import keys
from chalicelib.store.items import ConditionFailed, Update, not_exists, present, query_all


def backfill_list_indexes(new_uow: Any) -> dict[str, int]:
    """One-off, idempotent: the back office's index entries for records stored before them.

    Found with Queries only: the directory, then each contractor's GSI1 range. Every permit is read
    and saved through its repository, whose save writes just the index attributes it lacks (its root
    at the next version); a payment with a refund due, and each unapplied approval, gets its REFUNDS
    entry (the same sort key as on GSI1, without the PAYMENT# range). A second run writes nothing."""
    counts = {"permits": 0, "refund_entries": 0}
    reader = new_uow()
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
            sk = str(item.get("SK", ""))
            due = (sk == keys.PAYMENT_SK and item.get("refund_required")) or sk.startswith(keys.UNAPPLIED_PREFIX)
            if not due or item.get("GSI2PK"):
                continue
            sort_key = str(item["GSI1SK"]).removeprefix(keys.PAYMENT_INDEX_PREFIX)
            try:
                reader.items.update(Update({"PK": item["PK"], "SK": sk},
                                           set={"GSI2PK": keys.REFUNDS_INDEX, "GSI2SK": sort_key},
                                           cond=present() & not_exists("GSI2PK")))
            except ConditionFailed:
                continue
            counts["refund_entries"] += 1
    return counts
