"""Fee line items, shared by the permit views and checkout.

Item: PK=PERMIT#<no>  SK=FEE#<fee_id>  GSI1PK=CONTRACTOR#<contractor_id>  GSI1SK=PERMIT#<no>#FEE#<fee_id>
Attributes: fee_id, permit_no, contractor_id, description, amount (Number), status ("DUE"|"PAID"),
created_at (epoch); while held: held_by (payment_id), hold_expires_at (epoch); once paid: paid_by,
paid_at. Whether a fee is due is decided by `domain.fee_lines.FeeLine`, never here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.fee_lines import FeeLine
from chalicelib.store import keys
from chalicelib.store.common import from_epoch, to_epoch

FEE_PREFIX = "FEE#"


def fee_key(permit_no: str, fee_id: str) -> dict[str, str]:
    return {"PK": keys.permit_partition(permit_no), "SK": f"{FEE_PREFIX}{fee_id}"}


def fee_item(line: FeeLine, created_at: datetime) -> dict[str, Any]:
    item: dict[str, Any] = {
        **fee_key(line.permit_no, line.fee_id),
        "GSI1PK": keys.contractor_partition(line.contractor_id),
        "GSI1SK": f"{keys.contractor_permit_prefix(line.permit_no)}#{FEE_PREFIX}{line.fee_id}",
        "fee_id": line.fee_id, "permit_no": line.permit_no, "contractor_id": line.contractor_id,
        "description": line.description, "amount": line.amount,
        "status": "PAID" if line.paid else "DUE", "created_at": to_epoch(created_at),
    }
    if line.paid_by:
        item["paid_by"] = line.paid_by
    if line.held_by and line.hold_expires_at:
        item["held_by"] = line.held_by
        item["hold_expires_at"] = to_epoch(line.hold_expires_at)
    return item


def fee_from_item(item: dict[str, Any]) -> FeeLine:
    return FeeLine(
        fee_id=item["fee_id"], permit_no=item["permit_no"], contractor_id=item["contractor_id"],
        description=item["description"], amount=item["amount"], paid=item.get("status") == "PAID",
        paid_by=item.get("paid_by"), held_by=item.get("held_by"),
        hold_expires_at=from_epoch(item.get("hold_expires_at")),
    )


def is_fee_item(item: dict[str, Any]) -> bool:
    return str(item.get("SK", "")).startswith(FEE_PREFIX)
