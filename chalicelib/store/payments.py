"""Payments and carts: the `Payment` aggregate's items, and a contractor's cart entries.

Items (keys in `keys.py`):

- payment: PK=PAYMENT#<id>  SK=PAYMENT  GSI1PK=CONTRACTOR#<id>  GSI1SK=PAYMENT#<created_at RFC 3339>#<id>
  (while `refund_required`: GSI2PK=REFUNDS GSI2SK=<created_at RFC 3339>#<id>, the refund queue)
  {payment_id, contractor_id, status PENDING|PAID|DECLINED|CANCELLED|EXPIRED, payment_method, total_fees,
  convenience_fee, convenience_label, total_due, items (the frozen summary, for Paid Items), created_at,
  expires_at, paid_at?, ended_at?, transaction_id?, refund_required?, portal_outcome?, version}.
  Times: epoch seconds. A PENDING payment past `expires_at` reads as EXPIRED; no job writes that.
- line: PK=PAYMENT#<id>  SK=LINE#<fee_id>  {payment_id, fee_id, permit_no, address, description, amount}:
  the ledger. Written once, with the payment; never changed or deleted.
- unapplied approval: PK=PAYMENT#<id>  SK=UNAPPLIED#<transaction_id>  GSI1PK=CONTRACTOR#<id>
  GSI1SK=<the payment's GSI1SK>#UNAPPLIED#<transaction_id>  {payment_id, transaction_id, amount, received_at}:
  money the portal took for a payment that had already ended; staff refund it. Indexed right after its
  payment, so Paid Items reads both with one Query; in the refund queue as GSI2PK=REFUNDS
  GSI2SK=<the payment's refund sort key>#UNAPPLIED#<transaction_id> (`refunds_due`).
- cart entry: PK=CONTRACTOR#<id>  SK=CART#<permit_no>  {permit_no, added_at}. One per permit in the cart;
  no GSI attributes (the dashboard's GSI1 Query never sees it). The cart shows the fees due on those
  permits *now* (`domain.payments.Cart`).

Holds live on the fee items (`store/fees.py`), written by the permit repository with their permit.

Saving a payment (`PaymentRepository.save`) adds write actions to the unit of work, never commits:
a new payment is created with its lines (each `absent()`: never overwriting); a payment read earlier
is rewritten at version+1 on condition it is still at the version read, so of two outcomes racing for
one payment only one lands; an unapplied approval is created `absent()`, once per transaction id,
without rewriting the ended payment. Lines and unapplied approvals are never changed or deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from chalicelib.clock import rfc3339
from chalicelib.domain.fees import PaymentMethod
from chalicelib.domain.money import format_money, sum_money
from chalicelib.domain.payments import Payment, PaymentLine, PaymentStatus, UnappliedApproval
from chalicelib.store import keys
from chalicelib.store.common import from_epoch, to_epoch
from chalicelib.store.cursors import decode_cursor, encode_cursor, gsi1_key
from chalicelib.store.items import Delete, Item, Key, Put, absent, at_version, query_all

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork

ItemKey = tuple[str, str]

_REFUND_INDEX = ("GSI2PK", "GSI2SK")


# --- item <-> aggregate --------------------------------------------------------------------------


def _sk(item: Item) -> str:
    return str(item.get("SK", ""))


def _key(item: Item) -> ItemKey:
    return str(item["PK"]), str(item["SK"])


def _epoch(at: datetime) -> int:
    value = to_epoch(at)
    assert value is not None
    return value


def _summary(lines: Iterable[PaymentLine]) -> list[dict[str, Any]]:
    """The `items` attribute: the lines per permit, as Paid Items lists them without reading the lines."""
    by_permit: dict[str, list[PaymentLine]] = {}
    for line in lines:
        by_permit.setdefault(line.permit_no, []).append(line)
    return [{"permit_no": no, "address": group[0].address,
             "fees": [{"fee_id": f.fee_id, "description": f.description, "amount": format_money(f.amount)}
                      for f in group],
             "subtotal": format_money(sum_money(f.amount for f in group))}
            for no, group in sorted(by_permit.items())]


def _lines_from_summary(summary: Iterable[dict[str, Any]]) -> list[PaymentLine]:
    return [PaymentLine(str(fee["fee_id"]), str(entry["permit_no"]), str(entry.get("address", "")),
                        str(fee.get("description", "")), Decimal(str(fee["amount"])))
            for entry in summary for fee in entry.get("fees", [])]


def payment_item(payment: Payment) -> Item:
    """The payment's root item (at the payment's `version`)."""
    created = rfc3339(payment.created_at)
    item: Item = {
        **keys.payment(payment.payment_id),
        "GSI1PK": keys.contractor_partition(payment.contractor_id),
        "GSI1SK": keys.contractor_payment_sort_key(created, payment.payment_id),
        "payment_id": payment.payment_id, "contractor_id": payment.contractor_id, "status": payment.status.value,
        "payment_method": payment.payment_method.value, "total_fees": payment.total_fees,
        "convenience_fee": payment.convenience_fee, "convenience_label": payment.convenience_label,
        "total_due": payment.total_due, "items": _summary(payment.lines),
        "created_at": _epoch(payment.created_at), "expires_at": _epoch(payment.expires_at),
        "paid_at": to_epoch(payment.paid_at), "ended_at": to_epoch(payment.ended_at),
        "transaction_id": payment.transaction_id, "portal_outcome": payment.portal_outcome,
        "version": payment.version,
    }
    if payment.refund_required:  # in the refund queue (sparse GSI2) while money taken paid nothing
        item["refund_required"] = True
        item["GSI2PK"] = keys.REFUNDS_INDEX
        item["GSI2SK"] = keys.refund_sort_key(created, payment.payment_id)
    return {k: v for k, v in item.items() if v is not None}


def line_item(payment_id: str, line: PaymentLine) -> Item:
    return {**keys.payment_line(payment_id, line.fee_id), "payment_id": payment_id, "fee_id": line.fee_id,
            "permit_no": line.permit_no, "address": line.address, "description": line.description,
            "amount": line.amount}


def unapplied_item(payment: Payment, approval: UnappliedApproval) -> Item:
    return {
        **keys.payment_unapplied(payment.payment_id, approval.transaction_id), "payment_id": payment.payment_id,
        "GSI1PK": keys.contractor_partition(payment.contractor_id),
        "GSI1SK": keys.contractor_unapplied_sort_key(rfc3339(payment.created_at), payment.payment_id,
                                                     approval.transaction_id),
        "GSI2PK": keys.REFUNDS_INDEX,
        "GSI2SK": keys.refund_unapplied_sort_key(rfc3339(payment.created_at), payment.payment_id,
                                                 approval.transaction_id),
        "transaction_id": approval.transaction_id, "amount": approval.amount,
        "received_at": _epoch(approval.received_at),
    }


def _line_from_item(item: Item) -> PaymentLine:
    return PaymentLine(item["fee_id"], item["permit_no"], item.get("address", ""), item["description"],
                       item["amount"])


def _unapplied_from_item(item: Item) -> UnappliedApproval:
    received = from_epoch(item.get("received_at"))
    assert received is not None
    return UnappliedApproval(str(item["transaction_id"]), item["amount"], received)


def payment_from_items(root: Item, lines: list[Item] | None, unapplied: list[Item]) -> Payment:
    """The aggregate from its items; without `lines` (a GSI1 listing) its lines come from the summary."""
    created, expires = from_epoch(root["created_at"]), from_epoch(root["expires_at"])
    assert created is not None and expires is not None
    ledger = ([_line_from_item(i) for i in lines] if lines is not None
              else _lines_from_summary(root.get("items", [])))
    return Payment(
        payment_id=root["payment_id"], contractor_id=root["contractor_id"], status=PaymentStatus(root["status"]),
        payment_method=PaymentMethod(root["payment_method"]), total_fees=root["total_fees"],
        convenience_fee=root["convenience_fee"], convenience_label=root.get("convenience_label", ""),
        total_due=root["total_due"], created_at=created, expires_at=expires, lines=ledger,
        unapplied=sorted((_unapplied_from_item(i) for i in unapplied), key=lambda u: (u.received_at,
                                                                                       u.transaction_id)),
        paid_at=from_epoch(root.get("paid_at")), ended_at=from_epoch(root.get("ended_at")),
        transaction_id=root.get("transaction_id"), refund_required=bool(root.get("refund_required", False)),
        portal_outcome=root.get("portal_outcome"), version=int(root.get("version", 0) or 0),
    )


def _plain(value: Any) -> Any:
    """A value as DynamoDB gives it back (numbers as Decimal), to compare what was read with what is wanted."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _same(old: Item, new: Item, *, without: tuple[str, ...] = ()) -> bool:
    return _plain({k: v for k, v in old.items() if k not in without}) == \
        _plain({k: v for k, v in new.items() if k not in without})


def _gsi2_key(item: Item) -> Key:
    return {"PK": item["PK"], "SK": item["SK"], "GSI2PK": item["GSI2PK"], "GSI2SK": item["GSI2SK"]}


# --- the repositories ----------------------------------------------------------------------------


class PaymentRepository:
    """Payments of one unit of work: read them, hand changed or new ones back with `save`."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    @staticmethod
    def _loaded_key(payment_id: str) -> tuple[str, str]:
        return "payment", payment_id

    def get(self, payment_id: str) -> Payment | None:
        """The payment with its lines and unapplied approvals: one consistent Query of its partition."""
        if not 0 < len(payment_id) <= 64:
            return None
        items = query_all(self.uow.items, keys.payment_partition(payment_id), consistent=True)
        root = next((i for i in items if _sk(i) == keys.PAYMENT_SK), None)
        if root is None:
            return None
        self.uow.loaded[self._loaded_key(payment_id)] = {_key(i): i for i in items}
        return payment_from_items(root, [i for i in items if _sk(i).startswith(keys.LINE_PREFIX)],
                                  [i for i in items if _sk(i).startswith(keys.UNAPPLIED_PREFIX)])

    def of_contractor(self, contractor_id: str) -> list[Payment]:
        """A contractor's payments, newest first, each with its unapplied approvals: one Query on GSI1
        (eventually consistent; lines from each payment's summary). For reading: `save` takes only a
        payment read with `get`."""
        items = query_all(self.uow.items, keys.contractor_partition(contractor_id), index="GSI1",
                          sk_prefix=keys.PAYMENT_INDEX_PREFIX, forward=False)
        return self._listed(items)

    def newest_of_contractor(self, contractor_id: str, limit: int) -> list[Payment]:
        """The contractor's `limit` newest payments (approvals beside them aside): one GSI1 Query of
        about that many items, newest first. The cart shows a payment in progress from these: one
        is at most `HOLD` old, so it is among the newest."""
        page = self.uow.items.query(keys.contractor_partition(contractor_id), index="GSI1",
                                    sk_prefix=keys.PAYMENT_INDEX_PREFIX, forward=False, limit=limit)
        return self._listed(page.items)

    def page_of_contractor(self, contractor_id: str, limit: int,
                           cursor: str | None = None) -> tuple[list[Payment], str | None]:
        """A page of a contractor's payments, newest first, with their unapplied approvals: a GSI1 Query
        of about `limit` payments (an approval sorts just before its payment, newest first), so the cost
        follows the page, not the years of payments behind it."""
        partition = keys.contractor_partition(contractor_id)
        start: Key | None = decode_cursor(cursor, {"GSI1PK": partition})["key"] if cursor else None
        items: list[Item] = []
        roots = 0
        while True:
            page = self.uow.items.query(partition, index="GSI1", sk_prefix=keys.PAYMENT_INDEX_PREFIX, forward=False,
                                        start=start, limit=limit - roots + 2)
            for n, item in enumerate(page.items):
                items.append(item)
                if _sk(item) == keys.PAYMENT_SK:
                    roots += 1
                    if roots == limit:
                        more = n + 1 < len(page.items) or page.next_key is not None
                        return self._listed(items), encode_cursor({"key": gsi1_key(item)}) if more else None
            if page.next_key is None:
                return self._listed(items), None
            start = page.next_key

    def refunds_due(self, limit: int, cursor: str | None = None) -> tuple[list[Payment], str | None]:
        """A page, newest first, of the payments whose money is to be refunded (`refund_due`): the ones
        approved after their fees were taken (`refund_required`) and the ones with an approval that came
        after they ended. One Query of the sparse GSI2 REFUNDS entries, about `limit` payments' worth,
        and, for payments listed only by a later approval, one BatchGetItem of their roots."""
        start: Key | None = decode_cursor(cursor, {"GSI2PK": keys.REFUNDS_INDEX})["key"] if cursor else None
        roots: dict[str, Item] = {}
        unapplied: dict[str, list[Item]] = {}
        order: list[str] = []
        next_cursor: str | None = None
        last: Item | None = None
        while next_cursor is None:
            page = self.uow.items.query(keys.REFUNDS_INDEX, index="GSI2", forward=False, start=start,
                                        limit=limit - len(order) + 2)
            for item in page.items:
                payment_id = str(item["payment_id"])
                if payment_id not in unapplied and payment_id not in roots:
                    if len(order) == limit:  # the next page starts with this payment
                        next_cursor = encode_cursor({"key": _gsi2_key(last)}) if last else None
                        break
                    order.append(payment_id)
                    unapplied[payment_id] = []
                if _sk(item) == keys.PAYMENT_SK:
                    roots[payment_id] = item
                else:
                    unapplied[payment_id].append(item)
                last = item
            else:
                if page.next_key is None:
                    break
                start = page.next_key
                continue
            break
        missing = [keys.payment(p) for p in order if p not in roots]
        for item in self.uow.items.get_many(missing, consistent=False) if missing else []:
            roots[str(item["payment_id"])] = item
        return [payment_from_items(roots[p], None, unapplied[p]) for p in order if p in roots], next_cursor

    @staticmethod
    def _listed(items: list[Item]) -> list[Payment]:
        """Payments from their GSI1 entries, each with the unapplied approvals indexed beside it."""
        unapplied: dict[str, list[Item]] = {}
        for item in items:
            if _sk(item).startswith(keys.UNAPPLIED_PREFIX):
                unapplied.setdefault(str(item["payment_id"]), []).append(item)
        return [payment_from_items(i, None, unapplied.get(str(i["payment_id"]), [])) for i in items
                if _sk(i) == keys.PAYMENT_SK]

    def save(self, payment: Payment) -> None:
        """Add the payment's writes to the unit of work (see the module docstring); does not commit."""
        loaded = self.uow.loaded.get(self._loaded_key(payment.payment_id))
        if loaded is None:
            if payment.version:
                raise ValueError(f"payment {payment.payment_id} was not read with get(): it cannot be saved")
            self._create(payment)
            return
        root_key = _key(keys.payment(payment.payment_id))
        for line in payment.lines:
            wanted = line_item(payment.payment_id, line)
            old = loaded.get(_key(wanted))
            if old is None or not _same(old, wanted):
                raise ValueError(f"payment {payment.payment_id}: its lines are the ledger and never change")
        actions: list[Put] = []
        old_root = loaded[root_key]
        # Over the item read, so attributes this code does not know survive (a payment only gains some).
        root = {**old_root, **payment_item(payment)}
        if not payment.refund_required:  # out of the refund queue (its entry is payment_item's alone)
            root.pop("GSI2PK", None)
            root.pop("GSI2SK", None)
        if not _same(old_root, root, without=("version",)):
            version = int(old_root.get("version", 0) or 0)
            root["version"] = version + 1
            actions.append(Put(root, at_version(version)))
        for approval in payment.unapplied:
            wanted = unapplied_item(payment, approval)
            old = loaded.get(_key(wanted))
            if old is None:
                actions.append(Put(wanted, absent()))
            elif not _same(old, wanted, without=_REFUND_INDEX):  # (one stored before the refund queue has none)
                raise ValueError(f"payment {payment.payment_id}: an unapplied approval never changes")
        self._stage(payment, loaded, actions)

    def _create(self, payment: Payment) -> None:
        root = payment_item(payment)
        root["version"] = 1
        # The receipt number is claimed with the payment: two payments can never print the same one
        # (a clash, one pair in about 10^14, fails the transaction as a stale read, and checkout retries with a new id).
        claim = Put({**keys.receipt_claim(payment.receipt_no), "payment_id": payment.payment_id}, absent())
        self._stage(payment, {}, [Put(root, absent()), claim, *(Put(line_item(payment.payment_id, line), absent())
                                                                for line in payment.lines),
                                  *(Put(unapplied_item(payment, u), absent()) for u in payment.unapplied)])

    def _stage(self, payment: Payment, loaded: dict[ItemKey, Item], actions: list[Put]) -> None:
        """Queue the writes; the payment (and what a later save compares with) is then as they leave it."""
        if not actions:
            return
        self.uow.add(*actions)
        written = {**loaded, **{_key(a.item): a.item for a in actions}}
        payment.version = int(written[_key(keys.payment(payment.payment_id))].get("version", 0) or 0)
        self.uow.loaded[self._loaded_key(payment.payment_id)] = written


class CartRepository:
    """A contractor's cart entries (permit numbers); writes go into the unit of work."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def permit_nos(self, contractor_id: str) -> list[str]:
        """Permit numbers in the cart, in the order they sort: one consistent Query."""
        items = query_all(self.uow.items, keys.contractor_partition(contractor_id), sk_prefix=keys.CART_PREFIX,
                          consistent=True)
        return [str(i["permit_no"]) for i in items]

    def add(self, contractor_id: str, permit_nos: Iterable[str], now: datetime) -> None:
        self.uow.add(*(Put({**keys.cart_entry(contractor_id, no), "permit_no": no.upper(), "added_at": _epoch(now)})
                       for no in sorted({n.upper() for n in permit_nos})))

    def remove(self, contractor_id: str, permit_nos: Iterable[str]) -> None:
        self.uow.add(*(Delete(keys.cart_entry(contractor_id, no)) for no in sorted({n.upper() for n in permit_nos})))
