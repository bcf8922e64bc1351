"""Callbacks for one payment arriving at once (portal retries, an approval racing a decline): one wins."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain.fees import FeeSchedule
from chalicelib.payments.provider import SandboxProvider, build_callback_body
from chalicelib.payments.signature import sign
from chalicelib.services.checkout import CheckoutService
from chalicelib.services.payments import PaymentService
from chalicelib.store.fees import fee_from_item
from chalicelib.store.items import DynamoItems
from chalicelib.store.unit_of_work import UnitOfWork
from tests.conftest import seed_permit

SECRET = "sandbox-secret"


class Mailbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject))


@pytest.mark.parametrize("mix", ["approvals", "approve_vs_decline"])
def test_concurrent_callbacks_apply_exactly_once(table: Any, clock: Any, atomic_requests: None, mix: str) -> None:
    seed_permit(table, "C1", "RES16-0688")
    uow = UnitOfWork(DynamoItems(table))
    uow.cart.add("C1", ["RES16-0688"], clock.now())
    uow.commit()
    checkout = CheckoutService(uow, clock, FeeSchedule.default(), SandboxProvider("http://127.0.0.1:8080"),
                               "http://127.0.0.1:8080")
    held = checkout.checkout("C1", "credit_card").payment
    payment = {"payment_id": held.payment_id, "total_due": str(held.total_due)}
    mailbox = Mailbox()
    outcomes = ["approved"] * 8 if mix == "approvals" else ["approved", "declined"] * 4

    def deliver(outcome: str) -> str:
        # One unit of work per delivery, as each callback is its own request.
        service = PaymentService(UnitOfWork(DynamoItems(table)), clock, mailbox, SECRET, "staff@example.gov")
        tx = "TX-1" if outcome == "approved" else None
        raw = build_callback_body(payment["payment_id"], outcome, tx, Decimal(payment["total_due"]))
        return service.handle_callback(raw, sign(SECRET, raw, int(clock.now().timestamp()))).status

    with ThreadPoolExecutor(len(outcomes)) as pool:
        statuses = list(pool.map(deliver, outcomes))

    items = table.scan()["Items"]
    stored = next(i for i in items if i["SK"] == "PAYMENT")
    fees = [fee_from_item(i) for i in items if str(i["SK"]).startswith("FEE#")]
    assert set(statuses) == {stored["status"]}
    staff_mails = [s for to, s in mailbox.sent if to == "staff@example.gov"]
    if stored["status"] == "PAID":
        assert all(f.paid and f.paid_by == payment["payment_id"] for f in fees)
        assert len(staff_mails) <= 1 and not stored.get("refund_required")
    else:
        assert stored["status"] == "DECLINED"
        assert all(not f.paid and f.held_by is None for f in fees)
    if mix == "approvals":
        assert stored["status"] == "PAID" and len(staff_mails) == 1
    assert not [i for i in items if str(i["SK"]).startswith("UNAPPLIED#")] or stored["status"] == "DECLINED"
