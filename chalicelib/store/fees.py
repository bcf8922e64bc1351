"""Fee line items: the one mapping of a permit's fee to its item (the permit repository saves them
with their permit; tests and the benchmark seed them).

Item: PK=PERMIT#<no>  SK=FEE#<fee_id>  GSI1PK=CONTRACTOR#<contractor_id>  GSI1SK=<the permit's GSI1SK>#FEE#<fee_id>
Attributes: fee_id, permit_no, contractor_id, description, amount (Number), status ("DUE"|"PAID"),
created_at (epoch); while held: held_by (payment_id), hold_expires_at (epoch); once paid: paid_by,
paid_at (epoch); once voided: status "VOIDED", voided_at (epoch), voided_by, void_reason,
replaced_by. Whether a fee is due is decided by `domain.fee_lines.FeeLine`, never here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.fee_lines import FeeLine, FeeStatus
from chalicelib.store import keys
from chalicelib.store.common import from_epoch, to_epoch

FEE_PREFIX = keys.FEE_PREFIX


def fee_key(permit_no: str, fee_id: str) -> dict[str, str]:
    return keys.fee(permit_no, fee_id)


def fee_item(line: FeeLine, created_at: datetime | None = None, *, archived: bool = False) -> dict[str, Any]:
    """The fee's item, ready for a Put. `created_at`: when staff assessed it (None: not known, left out);
    `archived`: the permit has left the dashboard's key range (its fees follow it)."""
    return {k: v for k, v in fee_attributes(line, created_at, archived=archived).items() if v is not None}


def fee_attributes(line: FeeLine, created_at: datetime | None = None, *, archived: bool = False) -> dict[str, Any]:
    """`fee_item` with a None for each attribute the fee does not have now (held_by after a release), for
    a save that lays the new item over the one read: None there means "remove"."""
    held = line.held_by is not None and line.hold_expires_at is not None and not line.paid
    return {
        **keys.fee(line.permit_no, line.fee_id),
        "GSI1PK": keys.contractor_partition(line.contractor_id),
        "GSI1SK": keys.contractor_fee_sort_key(line.permit_no, line.fee_id, archived),
        "fee_id": line.fee_id, "permit_no": line.permit_no, "contractor_id": line.contractor_id,
        "description": line.description, "amount": line.amount,
        # Stored DUE, PAID or VOIDED; PENDING (held) is read from the hold, which ends by itself.
        "status": (FeeStatus.PAID if line.paid else FeeStatus.VOIDED if line.voided else FeeStatus.DUE).value,
        "created_at": to_epoch(created_at), "paid_by": line.paid_by, "paid_at": to_epoch(line.paid_at),
        "held_by": line.held_by if held else None,
        "hold_expires_at": to_epoch(line.hold_expires_at) if held else None,
        "voided_at": to_epoch(line.voided_at), "voided_by": line.voided_by, "void_reason": line.void_reason or None,
        "replaced_by": line.replaced_by,
    }


def fee_from_item(item: dict[str, Any]) -> FeeLine:
    return FeeLine(
        fee_id=item["fee_id"], permit_no=item["permit_no"], contractor_id=item["contractor_id"],
        description=item["description"], amount=item["amount"], paid=item.get("status") == FeeStatus.PAID.value,
        paid_by=item.get("paid_by"), held_by=item.get("held_by"),
        hold_expires_at=from_epoch(item.get("hold_expires_at")), paid_at=from_epoch(item.get("paid_at")),
        voided_at=from_epoch(item.get("voided_at")), voided_by=item.get("voided_by"),
        void_reason=item.get("void_reason", ""), replaced_by=item.get("replaced_by"),
    )


def fee_created_at(item: dict[str, Any]) -> datetime | None:
    """When the fee was assessed, as its item says (to write it back unchanged)."""
    return from_epoch(item.get("created_at"))


def is_fee_item(item: dict[str, Any]) -> bool:
    return str(item.get("SK", "")).startswith(keys.FEE_PREFIX)
