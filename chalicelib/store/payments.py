"""Payments and carts: the `Payment` aggregate's items, and a contractor's cart entries.

Items (keys in `keys.py`):

- payment: PK=PAYMENT#<id>  SK=PAYMENT  GSI1PK=CONTRACTOR#<id>  GSI1SK=PAYMENT#<created_at RFC 3339>#<id>
  GSI2PK=PAYMENTS  GSI2SK=<created_at RFC 3339>#<id> (the back office's list of every payment; a county day
  is a range of it)
  {payment_id, contractor_id, status PENDING|PAID|DECLINED|CANCELLED|EXPIRED, payment_method, total_fees,
  convenience_fee, convenience_label, total_due, items (the frozen summary, for Paid Items), created_at,
  expires_at, paid_at?, ended_at?, transaction_id?, refund_required?, portal_outcome?, version,
  started_by?, started_by_email? (the company user who checked out)}.
  Times: epoch seconds. A PENDING payment past `expires_at` reads as EXPIRED; no job writes that.
- line: PK=PAYMENT#<id>  SK=LINE#<fee_id>  {payment_id, fee_id, permit_no, address, description, amount}:
  the ledger. Written once, with the payment; never changed or deleted.
- unapplied approval: PK=PAYMENT#<id>  SK=UNAPPLIED#<transaction_id>  GSI1PK=CONTRACTOR#<id>
  GSI1SK=<the payment's GSI1SK>#UNAPPLIED#<transaction_id>  {payment_id, transaction_id, amount, received_at}:
  money the portal took for a payment that had already ended; staff refund it. Indexed right after its
  payment, so Paid Items reads both with one Query; and in the refund-required queue, GSI2PK=REFUNDS_REQUIRED
  GSI2SK=<created_at>#<id>#<transaction_id>.
- refund-required entry: PK=PAYMENT#<id>  SK=REFUND_REQUIRED  GSI2PK=REFUNDS_REQUIRED  GSI2SK (as above)
  {payment_id, transaction_id, amount, received_at}: a payment approved after its fees were taken, in the
  queue (its root's GSI2 is the list of every payment). Written once, with the approval.
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
from chalicelib.domain.payments import Payment, PaymentLine, PaymentStatus, RefundRecord, UnappliedApproval
from chalicelib.store import keys
from chalicelib.store.common import from_epoch, to_epoch
from chalicelib.store.cursors import decode_cursor, encode_cursor, gsi1_key
from chalicelib.store.items import Delete, Item, Key, Put, Update, absent, at_version, present, query_all, query_pages

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork

ItemKey = tuple[str, str]


# --- item <-> aggregate --------------------------------------------------------------------------


def _sk(item: Item) -> str:
    return str(item.get("SK", ""))


def _key(item: Item) -> ItemKey:
    return str(item["PK"]), str(item["SK"])


def _gsi2_key(item: Item) -> Key:
    """Where a GSI2 query stopped: the item's table key and its GSI2 key."""
    return {"PK": item["PK"], "SK": item["SK"], "GSI2PK": item["GSI2PK"], "GSI2SK": item["GSI2SK"]}


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
        # The back office's list of every payment, newest first (a county day is a range of it).
        "GSI2PK": keys.PAYMENTS_ALL, "GSI2SK": keys.payment_list_sort_key(created, payment.payment_id),
        "payment_id": payment.payment_id, "contractor_id": payment.contractor_id, "status": payment.status.value,
        "payment_method": payment.payment_method.value, "total_fees": payment.total_fees,
        "convenience_fee": payment.convenience_fee, "convenience_label": payment.convenience_label,
        "total_due": payment.total_due, "items": _summary(payment.lines),
        "created_at": _epoch(payment.created_at), "expires_at": _epoch(payment.expires_at),
        "paid_at": to_epoch(payment.paid_at), "ended_at": to_epoch(payment.ended_at),
        "transaction_id": payment.transaction_id, "portal_outcome": payment.portal_outcome,
        "version": payment.version, "started_by": payment.started_by or None,
        "started_by_email": payment.started_by_email or None,
    }
    if payment.refund_required:
        item["refund_required"] = True
    if payment.refunds:
        item["refunds"] = [{"at": _epoch(r.at), "by": r.by, "reference": r.reference, "amount": r.amount}
                           for r in payment.refunds]
    return {k: v for k, v in item.items() if v is not None}


def line_item(payment_id: str, line: PaymentLine) -> Item:
    return {**keys.payment_line(payment_id, line.fee_id), "payment_id": payment_id, "fee_id": line.fee_id,
            "permit_no": line.permit_no, "address": line.address, "description": line.description,
            "amount": line.amount}


def unapplied_item(payment: Payment, approval: UnappliedApproval) -> Item:
    created = rfc3339(payment.created_at)
    return {
        **keys.payment_unapplied(payment.payment_id, approval.transaction_id), "payment_id": payment.payment_id,
        "GSI1PK": keys.contractor_partition(payment.contractor_id),
        "GSI1SK": keys.contractor_unapplied_sort_key(created, payment.payment_id, approval.transaction_id),
        # An entry of the refund-required queue (one per refund to make).
        "GSI2PK": keys.REFUNDS_REQUIRED,
        "GSI2SK": keys.refund_entry_sort_key(created, payment.payment_id, approval.transaction_id),
        "transaction_id": approval.transaction_id, "amount": approval.amount,
        "received_at": _epoch(approval.received_at),
    }


def refund_required_item(payment: Payment) -> Item:
    """The refund-required queue's entry of a payment approved after its fees were taken (the root's own
    GSI2 is the list of every payment, so the entry is an item of its own, written with the approval)."""
    created = rfc3339(payment.created_at)
    return {
        **keys.payment_refund_required(payment.payment_id), "payment_id": payment.payment_id,
        "GSI2PK": keys.REFUNDS_REQUIRED,
        "GSI2SK": keys.refund_entry_sort_key(created, payment.payment_id, payment.transaction_id or ""),
        "transaction_id": payment.transaction_id or "", "amount": payment.total_due,
        "received_at": _epoch(payment.paid_at or payment.created_at),
    }


INDEX_ATTRIBUTES = ("GSI2PK", "GSI2SK")
"""Index attributes a payment's items gained after some were written: not part of what "never changes"."""


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
        refunds=[RefundRecord(_at(r["at"]), str(r.get("by", "")), str(r.get("reference", "")), r["amount"])
                 for r in root.get("refunds", [])],
        started_by=str(root.get("started_by", "")), started_by_email=str(root.get("started_by_email", "")),
    )


def _at(epoch: Any) -> datetime:
    at = from_epoch(epoch)
    assert at is not None
    return at


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

    # --- the back office's lists (GSI2: every payment, and the refund-required queue) ----------------

    def newest(self, limit: int, cursor: str | None = None, *, since: str | None = None,
               before: str | None = None) -> tuple[list[Payment], str | None]:
        """A page of every contractor's payments, newest first: one Query of GSI2's PAYMENTS partition
        (plus one of the refund queue over the page's span, for approvals kept beside a payment).
        `since`/`before` (RFC 3339 UTC) bound the payments' creation: a county day is such a range, and
        the page stops at its start, so a day's cost is that day's payments."""
        start: Key | None = decode_cursor(cursor, {"GSI2PK": keys.PAYMENTS_ALL})["key"] if cursor else None
        # One more than the page, so a page that ends the list (or the day) says so.
        page = self.uow.items.query(keys.PAYMENTS_ALL, index="GSI2", forward=False, limit=limit + 1, start=start,
                                    sk_below=before)
        roots = [i for i in page.items if since is None or str(i["GSI2SK"]) >= since]
        # (A page DynamoDB cut at 1 MB before the limit goes on too, unless it reached the day's start.)
        more = len(roots) > limit or (page.next_key is not None and 0 < len(roots) == len(page.items))
        roots = roots[:limit]
        return (self._with_refunds(roots),
                encode_cursor({"key": _gsi2_key(roots[-1])}) if more and roots else None)

    def created_between(self, since: str, before: str) -> list[Payment]:
        """Every payment created in [since, before) (a county day, for its export), newest first."""
        found: list[Payment] = []
        cursor: str | None = None
        while True:
            page, cursor = self.newest(200, cursor, since=since, before=before)
            found += page
            if cursor is None:
                return found

    def refunds_required(self, limit: int, cursor: str | None = None) -> tuple[list[Payment], str | None]:
        """The refund-required queue, newest payment first: a page of `limit` payments that took money
        which paid nothing, each with the approvals kept for it. Queries of GSI2's sparse REFUNDS_REQUIRED
        partition (one entry per refund due, a payment's side by side) and one BatchGetItem of their
        payments; the cost follows the page, not the years of payments behind it."""
        start: Key | None = decode_cursor(cursor, {"GSI2PK": keys.REFUNDS_REQUIRED})["key"] if cursor else None
        entries: dict[str, list[Item]] = {}
        last: Item | None = None
        while True:
            page = self.uow.items.query(keys.REFUNDS_REQUIRED, index="GSI2", forward=False, start=start,
                                        limit=limit + 2)
            for item in page.items:
                payment_id = str(item["payment_id"])
                if payment_id not in entries and len(entries) == limit:  # the next page's first payment
                    return self._refund_rows(entries), encode_cursor({"key": _gsi2_key(last)}) if last else None
                entries.setdefault(payment_id, []).append(item)
                last = item
            if page.next_key is None:
                return self._refund_rows(entries), None
            start = page.next_key

    def _refund_rows(self, entries: dict[str, list[Item]]) -> list[Payment]:
        roots = {str(i["payment_id"]): i for i in self.uow.items.get_many(
            [keys.payment(payment_id) for payment_id in entries], consistent=False)}
        return [self._from_queue(roots[payment_id], [e for e in found if _sk(e).startswith(keys.UNAPPLIED_PREFIX)])
                for payment_id, found in entries.items() if payment_id in roots]

    def _from_queue(self, root: Item, unapplied: list[Item]) -> Payment:
        """A payment from its root and its approvals still in the refund queue. One with refunds recorded
        is read whole (one Query; refunds are few): its approvals already refunded have left the queue,
        and what is still due is what it received less what was given back."""
        if root.get("refunds"):
            whole = self.get(str(root["payment_id"]))
            if whole is not None:
                return whole
        return payment_from_items(root, None, unapplied)

    def _with_refunds(self, roots: list[Item]) -> list[Payment]:
        """Payments from their roots, with the approvals kept for refund beside them: one Query of the
        refund queue over the span of the page (refunds are few; the queue is sorted like the list)."""
        unapplied: dict[str, list[Item]] = {}
        if roots:
            newest, oldest = str(roots[0]["GSI2SK"]), str(roots[-1]["GSI2SK"])
            # "$" sorts just after "#": the newest payment's own entries are in the range.
            for entry in query_pages(self.uow.items, keys.REFUNDS_REQUIRED, index="GSI2", forward=False,
                                     sk_below=newest + "$", limit=50):
                if str(entry["GSI2SK"]) < oldest:
                    break
                if _sk(entry).startswith(keys.UNAPPLIED_PREFIX):
                    unapplied.setdefault(str(entry["payment_id"]), []).append(entry)
        return [self._from_queue(i, unapplied.get(str(i["payment_id"]), [])) for i in roots]

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
        actions: list[Put | Update | Delete] = []
        old_root = loaded[root_key]
        # Over the item read, so attributes this code does not know survive (a payment only gains some).
        root = {**old_root, **payment_item(payment)}
        if not _same(old_root, root, without=("version",)):
            version = int(old_root.get("version", 0) or 0)
            root["version"] = version + 1
            actions.append(Put(root, at_version(version)))
        for approval in payment.unapplied:
            wanted = unapplied_item(payment, approval)
            old = loaded.get(_key(wanted))
            if old is None:
                actions.append(Put(wanted, absent()))
            elif not _same(old, wanted, without=INDEX_ATTRIBUTES):
                raise ValueError(f"payment {payment.payment_id}: an unapplied approval never changes")
        entry_key = _key(keys.payment_refund_required(payment.payment_id))
        if payment.refund_due:
            if payment.refund_required and entry_key not in loaded:
                actions.append(Put(refund_required_item(payment), absent()))
        else:  # refunded: its entries leave the refund-required queue (the approvals stay in the ledger)
            for key, item in loaded.items():
                if item.get("GSI2PK") != keys.REFUNDS_REQUIRED:
                    continue
                if key == entry_key:
                    actions.append(Delete({"PK": key[0], "SK": key[1]}, present()))
                else:
                    actions.append(Update({"PK": key[0], "SK": key[1]}, remove=INDEX_ATTRIBUTES, cond=present()))
        self._stage(payment, loaded, actions)

    def _create(self, payment: Payment) -> None:
        root = payment_item(payment)
        root["version"] = 1
        # The receipt number is claimed with the payment: two payments can never print the same one
        # (a clash, one pair in about 10^14, fails the transaction as a stale read, and checkout retries with a new id).
        claim = Put({**keys.receipt_claim(payment.receipt_no), "payment_id": payment.payment_id}, absent())
        self._stage(payment, {}, [Put(root, absent()), claim, *(Put(line_item(payment.payment_id, line), absent())
                                                                for line in payment.lines),
                                  *(Put(unapplied_item(payment, u), absent()) for u in payment.unapplied),
                                  *([Put(refund_required_item(payment), absent())] if payment.refund_required
                                    else [])])

    def _stage(self, payment: Payment, loaded: dict[ItemKey, Item], actions: list[Put | Update | Delete]) -> None:
        """Queue the writes; the payment (and what a later save compares with) is then as they leave it."""
        if not actions:
            return
        self.uow.add(*actions)
        written = dict(loaded)
        for action in actions:
            if isinstance(action, Put):
                written[_key(action.item)] = action.item
            elif isinstance(action, Delete):
                written.pop(_key(action.key), None)
            else:
                key = _key(action.key)
                written[key] = {k: v for k, v in written.get(key, {}).items() if k not in action.remove}
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
