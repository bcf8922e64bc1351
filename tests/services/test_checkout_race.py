"""Many checkouts racing for the same fees: exactly one holds them, every other one is refused."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chalicelib.domain.errors import Conflict
from chalicelib.domain.fees import FeeSchedule
from chalicelib.payments.provider import SandboxProvider
from chalicelib.services.checkout import CheckoutService
from chalicelib.store.fees import fee_from_item
from chalicelib.store.items import Action, DynamoItems, Item, Key, Page
from chalicelib.store.unit_of_work import UnitOfWork
from tests.conftest import seed_permit

RACERS = 12
MOTO = threading.Lock()


class BarrierItems(DynamoItems):
    """Every racer reads the cart and the fees as due before any of them writes."""

    def __init__(self, table: Any, barrier: threading.Barrier) -> None:
        super().__init__(table)
        self.barrier = barrier
        self.waited = False

    # moto's in-memory table is not safe for concurrent requests (DynamoDB serialises conflicting
    # transactions itself), so moto's side is serialised here; the race between reading the fees as
    # due and holding them is real: every racer has read them before any writes.

    def get(self, key: Key, consistent: bool = True) -> Item | None:
        with MOTO:
            return super().get(key, consistent)

    def query(self, pk: str, **kwargs: Any) -> Page:
        with MOTO:
            return super().query(pk, **kwargs)

    def write(self, actions: list[Action]) -> None:
        if not self.waited:
            self.waited = True
            self.barrier.wait(timeout=30)
        with MOTO:
            super().write(actions)


@pytest.mark.parametrize("round_", range(3))
def test_many_threads_racing_to_check_out_the_same_permit_have_exactly_one_winner(
        table: Any, clock: Any, round_: int) -> None:
    seed_permit(table, "C1", "RES16-0688")
    seed_permit(table, "C1", "RES16-0686", [("BUILDING PERMIT FEE", "65.00")])
    uow = UnitOfWork(DynamoItems(table))
    uow.cart.add("C1", ["RES16-0688", "RES16-0686"], clock.now())
    uow.commit()
    barrier = threading.Barrier(RACERS)

    def attempt(_: int) -> str:
        service = CheckoutService(UnitOfWork(BarrierItems(table, barrier)), clock, FeeSchedule.default(),
                                  SandboxProvider("http://127.0.0.1:8080"), "http://127.0.0.1:8080")
        try:
            return service.checkout("C1", "credit_card").payment.payment_id
        except Conflict:
            return "409"

    with ThreadPoolExecutor(RACERS) as pool:
        results = list(pool.map(attempt, range(RACERS)))

    winners = [r for r in results if r != "409"]
    assert len(winners) == 1, results
    items = table.scan()["Items"]
    fees = [fee_from_item(i) for i in items if str(i["SK"]).startswith("FEE#")]
    assert len(fees) == 7 and {f.held_by for f in fees} == {winners[0]}
    payments = [i for i in items if i["SK"] == "PAYMENT"]
    assert [p["payment_id"] for p in payments] == winners
    lines = [i for i in items if str(i["SK"]).startswith("LINE#")]
    assert len(lines) == 7 and {i["payment_id"] for i in lines} == {winners[0]}
