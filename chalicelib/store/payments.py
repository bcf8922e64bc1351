"""Carts, payments and their fee lines: where a fee is held and paid exactly once.

Items (keys in `keys.py`):

- cart entry: PK=CONTRACTOR#<id>  SK=CART#<permit_no>  {permit_no, added_at}. One per permit in the cart;
  the cart shows the fees due on those permits *now*, so a fee paid or held since is not in it.
- payment: PK=PAYMENT#<id>  SK=PAYMENT  GSI1PK=CONTRACTOR#<id>  GSI1SK=PAYMENT#<created_at RFC 3339>#<id>
  {payment_id, contractor_id, status PENDING|PAID|DECLINED|CANCELLED|EXPIRED, payment_method, total_fees,
  convenience_fee, convenience_label, total_due, items (the frozen summary, for Paid Items), created_at,
  expires_at, paid_at?, ended_at?, transaction_id?, refund_required?, portal_outcome?}. Times: epoch seconds.
  A PENDING payment past `expires_at` reads as EXPIRED; no job writes that.
- line: PK=PAYMENT#<id>  SK=LINE#<fee_id>  {fee_id, permit_no, address, description, amount}: the ledger.
- unapplied approval: PK=PAYMENT#<id>  SK=UNAPPLIED#<transaction_id>  {transaction_id, amount, received_at}:
  money the portal took for a payment that had already ended; staff refund it.

Holds live on the fee items (`store/fees.py`): `held_by`=<payment_id>, `hold_expires_at`=<epoch>.
Every write that starts or ends a payment is one TransactWriteItems whose conditions make it exactly-once:
a fee is held only if DUE and unheld (or its hold expired); a payment moves only out of PENDING.
Payments and lines are never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from chalicelib.clock import rfc3339
from chalicelib.domain.fee_lines import FeeLine
from chalicelib.store import keys
from chalicelib.store.common import from_epoch, query_all, to_epoch
from chalicelib.store.expressions import TRANSACTION_LIMIT, transact_delete, transact_put, transact_update
from chalicelib.store.fees import fee_from_item, fee_key, is_fee_item

PERMIT_SK = "PERMIT"


class TransactionRefused(Exception):
    """A transaction's condition failed (or it conflicted with another one); nothing was written.

    `reasons` holds the cancellation code of each entry, in order, when DynamoDB reports them.
    """

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(", ".join(reasons) or "transaction cancelled")
        self.reasons = reasons


@dataclass(frozen=True)
class PaymentLine:
    fee_id: str
    permit_no: str
    address: str
    description: str
    amount: Decimal


@dataclass(frozen=True)
class PaymentRecord:
    payment_id: str
    contractor_id: str
    status: str
    payment_method: str
    total_fees: Decimal
    convenience_fee: Decimal
    convenience_label: str
    total_due: Decimal
    created_at: datetime
    expires_at: datetime
    items: list[dict[str, Any]] = field(default_factory=list)
    paid_at: datetime | None = None
    ended_at: datetime | None = None
    transaction_id: str | None = None
    refund_required: bool = False
    portal_outcome: str | None = None


@dataclass(frozen=True)
class PermitFees:
    """A permit (its own item, as stored) and its fee lines."""

    permit: dict[str, Any]
    fees: list[FeeLine]


def _payment_from_item(item: dict[str, Any]) -> PaymentRecord:
    return PaymentRecord(
        payment_id=item["payment_id"], contractor_id=item["contractor_id"], status=item["status"],
        payment_method=item["payment_method"], total_fees=item["total_fees"],
        convenience_fee=item["convenience_fee"], convenience_label=item.get("convenience_label", ""),
        total_due=item["total_due"], created_at=from_epoch(item["created_at"]),  # type: ignore[arg-type]
        expires_at=from_epoch(item["expires_at"]),  # type: ignore[arg-type]
        items=list(item.get("items", [])), paid_at=from_epoch(item.get("paid_at")),
        ended_at=from_epoch(item.get("ended_at")), transaction_id=item.get("transaction_id"),
        refund_required=bool(item.get("refund_required", False)), portal_outcome=item.get("portal_outcome"),
    )


def _line_from_item(item: dict[str, Any]) -> PaymentLine:
    return PaymentLine(item["fee_id"], item["permit_no"], item.get("address", ""), item["description"],
                       item["amount"])


def _refused(error: ClientError) -> TransactionRefused | None:
    code = error.response.get("Error", {}).get("Code", "")
    if code not in ("TransactionCanceledException", "ConditionalCheckFailedException", "TransactionConflictException"):
        return None
    reasons = [str(r.get("Code", "")) for r in error.response.get("CancellationReasons", []) or []]
    return TransactionRefused(reasons)


class PaymentStore:
    def __init__(self, table: Any) -> None:
        self.table = table
        self.client = table.meta.client

    def _transact(self, entries: list[dict[str, Any]]) -> None:
        if len(entries) > TRANSACTION_LIMIT:
            raise ValueError(f"a transaction holds at most {TRANSACTION_LIMIT} items, not {len(entries)}")
        try:
            self.client.transact_write_items(TransactItems=entries)
        except ClientError as error:
            refused = _refused(error)
            if refused is None:
                raise
            raise refused from error

    # --- permits and fees (read-only here) --------------------------------------------------

    def permit_with_fees(self, permit_no: str) -> PermitFees | None:
        """One consistent Query of the permit's partition: the permit item and its fees."""
        items = query_all(self.table, KeyConditionExpression=Key("PK").eq(keys.permit_partition(permit_no)),
                          ConsistentRead=True)
        permit = next((i for i in items if i.get("SK") == PERMIT_SK), None)
        if permit is None:
            return None
        return PermitFees(permit, [fee_from_item(i) for i in items if is_fee_item(i)])

    def contractor_permits(self, contractor_id: str) -> dict[str, PermitFees]:
        """Every permit of a contractor with its fees: one Query on GSI1 (begins_with PERMIT#)."""
        items = query_all(
            self.table, IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(keys.contractor_partition(contractor_id))
            & Key("GSI1SK").begins_with("PERMIT#"),
        )
        permits: dict[str, PermitFees] = {}
        for item in items:
            if item.get("SK") == PERMIT_SK:
                no = str(item.get("permit_no") or str(item["PK"]).removeprefix("PERMIT#"))
                permits[no] = PermitFees(item, [])
        for item in items:
            if is_fee_item(item) and item.get("permit_no") in permits:
                permits[item["permit_no"]].fees.append(fee_from_item(item))
        return permits

    # --- the cart ----------------------------------------------------------------------------

    def cart_permits(self, contractor_id: str) -> list[str]:
        """Permit numbers in the cart, in the order they sort: one consistent Query."""
        items = query_all(
            self.table,
            KeyConditionExpression=Key("PK").eq(keys.contractor_partition(contractor_id))
            & Key("SK").begins_with(keys.CART_PREFIX),
            ConsistentRead=True,
        )
        return [str(i["permit_no"]) for i in items]

    def add_to_cart(self, contractor_id: str, permit_nos: list[str], now: datetime) -> None:
        with self.table.batch_writer() as writer:
            for no in permit_nos:
                writer.put_item(Item={**keys.cart_entry(contractor_id, no), "permit_no": no.upper(),
                                      "added_at": to_epoch(now)})

    def remove_from_cart(self, contractor_id: str, permit_no: str) -> None:
        self.table.delete_item(Key=keys.cart_entry(contractor_id, permit_no))

    # --- checkout ----------------------------------------------------------------------------

    @staticmethod
    def checkout_item_count(fee_count: int, cart_count: int) -> int:
        """Items in the checkout transaction: a hold per fee, the payment, a line per fee, a cart delete each."""
        return 2 * fee_count + 1 + cart_count

    def create_payment(self, payment: PaymentRecord, lines: list[PaymentLine], cart_permit_nos: list[str],
                       now: datetime) -> None:
        """Hold every fee, write the payment and its lines, empty the cart: one TransactWriteItems.

        Each fee is held only if it is still DUE, unheld (or its hold has expired) and of the frozen
        amount, so of two racing checkouts exactly one succeeds; the other gets TransactionRefused.
        """
        name, now_epoch = self.table.name, to_epoch(now)
        entries: list[dict[str, Any]] = []
        for line in lines:
            entries.append(transact_update(
                name, fee_key(line.permit_no, line.fee_id),
                set_={"held_by": payment.payment_id, "hold_expires_at": to_epoch(payment.expires_at)},
                condition=Attr("status").eq("DUE") & Attr("contractor_id").eq(payment.contractor_id)
                & Attr("amount").eq(line.amount)
                & (Attr("held_by").not_exists() | Attr("hold_expires_at").lte(now_epoch)),
            ))
        item = {
            **keys.payment(payment.payment_id),
            "GSI1PK": keys.contractor_partition(payment.contractor_id),
            "GSI1SK": keys.contractor_payment_sort_key(rfc3339(payment.created_at), payment.payment_id),
            "payment_id": payment.payment_id, "contractor_id": payment.contractor_id, "status": "PENDING",
            "payment_method": payment.payment_method, "total_fees": payment.total_fees,
            "convenience_fee": payment.convenience_fee, "convenience_label": payment.convenience_label,
            "total_due": payment.total_due, "items": payment.items,
            "created_at": to_epoch(payment.created_at), "expires_at": to_epoch(payment.expires_at),
        }
        entries.append(transact_put(name, item, Attr("PK").not_exists()))
        for line in lines:
            entries.append(transact_put(name, {
                **keys.payment_line(payment.payment_id, line.fee_id), "payment_id": payment.payment_id,
                "fee_id": line.fee_id, "permit_no": line.permit_no, "address": line.address,
                "description": line.description, "amount": line.amount,
            }, Attr("PK").not_exists()))
        for no in cart_permit_nos:
            entries.append(transact_delete(name, keys.cart_entry(payment.contractor_id, no)))
        self._transact(entries)

    # --- payments ----------------------------------------------------------------------------

    def get_payment(self, payment_id: str) -> tuple[PaymentRecord, list[PaymentLine], list[dict[str, Any]]] | None:
        """The payment, its lines and any unapplied approvals: one consistent Query of its partition."""
        items = query_all(self.table, KeyConditionExpression=Key("PK").eq(keys.payment_partition(payment_id)),
                          ConsistentRead=True)
        head = next((i for i in items if i.get("SK") == keys.PAYMENT_SK), None)
        if head is None:
            return None
        lines = [_line_from_item(i) for i in items if str(i.get("SK", "")).startswith(keys.LINE_PREFIX)]
        unapplied = [i for i in items if str(i.get("SK", "")).startswith(keys.UNAPPLIED_PREFIX)]
        return _payment_from_item(head), lines, unapplied

    def list_payments(self, contractor_id: str) -> list[tuple[PaymentRecord, list[dict[str, Any]]]]:
        """A contractor's payments, newest first, each with its unapplied approvals.

        One Query on GSI1 (begins_with PAYMENT#): an unapplied approval is indexed just after its
        payment's own sort key, so both come back together.
        """
        items = query_all(
            self.table, IndexName="GSI1", ScanIndexForward=False,
            KeyConditionExpression=Key("GSI1PK").eq(keys.contractor_partition(contractor_id))
            & Key("GSI1SK").begins_with(keys.PAYMENT_INDEX_PREFIX),
        )
        unapplied: dict[str, list[dict[str, Any]]] = {}
        for item in items:
            if str(item.get("SK", "")).startswith(keys.UNAPPLIED_PREFIX):
                unapplied.setdefault(item["payment_id"], []).append(item)
        return [(_payment_from_item(i), unapplied.get(i["payment_id"], [])) for i in items
                if i.get("SK") == keys.PAYMENT_SK]

    def pay(self, payment: PaymentRecord, lines: list[PaymentLine], transaction_id: str, now: datetime) -> None:
        """Approval: the payment PAID and every one of its fees PAID, in one transaction.

        A fee is paid only if still DUE at the frozen amount and held by this payment, unheld, or
        held by an expired hold (a late approval pays fees nobody else took in the meantime).
        """
        name, now_epoch = self.table.name, to_epoch(now)
        entries = [transact_update(
            name, keys.payment(payment.payment_id),
            set_={"status": "PAID", "transaction_id": transaction_id, "paid_at": now_epoch, "ended_at": now_epoch},
            condition=Attr("status").eq("PENDING"),
        )]
        for line in lines:
            entries.append(transact_update(
                name, fee_key(line.permit_no, line.fee_id),
                set_={"status": "PAID", "paid_by": payment.payment_id, "paid_at": now_epoch},
                remove=("held_by", "hold_expires_at"),
                condition=Attr("status").eq("DUE") & Attr("amount").eq(line.amount)
                & (Attr("held_by").eq(payment.payment_id) | Attr("held_by").not_exists()
                   | Attr("hold_expires_at").lte(now_epoch)),
            ))
        self._transact(entries)

    def pay_for_refund(self, payment: PaymentRecord, transaction_id: str, now: datetime) -> None:
        """A late approval whose fees were taken meanwhile: PAID with refund_required, no fee touched."""
        now_epoch = to_epoch(now)
        self._transact([transact_update(
            self.table.name, keys.payment(payment.payment_id),
            set_={"status": "PAID", "transaction_id": transaction_id, "paid_at": now_epoch, "ended_at": now_epoch,
                  "refund_required": True},
            condition=Attr("status").eq("PENDING"),
        )])

    def end(self, payment: PaymentRecord, lines: list[PaymentLine], status: str, outcome: str,
            transaction_id: str | None, now: datetime, release: bool) -> None:
        """Declined, cancelled or expired: the payment ends and (if `release`) its holds are released,
        each only if still held by this payment — one transaction."""
        name, now_epoch = self.table.name, to_epoch(now)
        changes: dict[str, Any] = {"status": status, "ended_at": now_epoch, "portal_outcome": outcome}
        if transaction_id:
            changes["transaction_id"] = transaction_id
        entries = [transact_update(name, keys.payment(payment.payment_id), set_=changes,
                                   condition=Attr("status").eq("PENDING"))]
        if release:
            for line in lines:
                entries.append(transact_update(
                    name, fee_key(line.permit_no, line.fee_id), remove=("held_by", "hold_expires_at"),
                    condition=Attr("status").eq("DUE") & Attr("held_by").eq(payment.payment_id),
                ))
        self._transact(entries)

    def record_unapplied(self, payment: PaymentRecord, transaction_id: str, amount: Decimal, now: datetime) -> bool:
        """Keep an approval that arrived for an ended payment; False if this one was recorded before.

        Indexed under the contractor right after the payment, so Paid Items shows the refund due.
        """
        payment_id = payment.payment_id
        sort_key = keys.contractor_payment_sort_key(rfc3339(payment.created_at), payment_id)
        try:
            self.table.put_item(
                Item={**keys.payment_unapplied(payment_id, transaction_id), "payment_id": payment_id,
                      "GSI1PK": keys.contractor_partition(payment.contractor_id),
                      "GSI1SK": f"{sort_key}#{keys.UNAPPLIED_PREFIX}{transaction_id}",
                      "transaction_id": transaction_id, "amount": amount, "received_at": to_epoch(now)},
                ConditionExpression=Attr("PK").not_exists(),
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
