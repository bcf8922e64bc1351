"""Identical inspection requests racing: exactly one is booked and mailed, every other one is a Conflict."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest
from boto3.dynamodb.conditions import Key

from chalicelib.api.permit_views import inspection_view
from chalicelib.domain.errors import Conflict
from chalicelib.services.permits import InspectionRequest, PermitConfig, PermitService
from chalicelib.store.items import DynamoItems
from chalicelib.store.unit_of_work import UnitOfWork
from tests.services.permit_helpers import active_permit, mails

RACERS = 10
NO = "RES16-0304"


class BarrierUnitOfWork(UnitOfWork):
    """Every racer has read the permit (and found the day free) before any of them writes."""

    def __init__(self, table: Any, barrier: threading.Barrier) -> None:
        super().__init__(DynamoItems(table))
        self.barrier: threading.Barrier | None = barrier

    def commit(self) -> None:
        if self.barrier is not None:  # the first attempt only: a racer that lost reads again and retries
            barrier, self.barrier = self.barrier, None
            barrier.wait(timeout=30)
        super().commit()


@pytest.mark.parametrize("round_", range(3))
def test_ten_identical_concurrent_requests_book_one_inspection_and_send_one_mail(
        api: Any, contractor: dict[str, str], staff_token: str, table: Any, clock: Any, atomic_requests: None,
        round_: int) -> None:
    from chalicelib import bootstrap

    active_permit(api, staff_token, contractor["contractor_id"], permit_no=NO)
    barrier = threading.Barrier(RACERS)
    config, notifier = PermitConfig.from_settings(bootstrap.settings()), bootstrap.notifier()
    wanted = InspectionRequest("FOOTING", date(2026, 11, 25), "AM")

    def attempt(_: int) -> dict[str, Any] | Conflict:
        service = PermitService(BarrierUnitOfWork(table, barrier), clock, notifier, config)  # one per request
        try:
            return inspection_view(service.request_inspection(contractor["contractor_id"], NO, wanted))
        except Conflict as refused:
            return refused

    with ThreadPoolExecutor(RACERS) as pool:
        results = list(pool.map(attempt, range(RACERS)))

    booked = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(booked) == 1 and len(refused) == RACERS - 1, results
    winner = booked[0]["inspection_id"]
    assert all(winner in r.detail and "already requested" in r.detail for r in refused), [r.detail for r in refused]
    partition = table.query(KeyConditionExpression=Key("PK").eq(f"PERMIT#{NO}"))["Items"]
    assert [i["inspection_id"] for i in partition if str(i["SK"]).startswith("INSPECTION#")] == [winner]
    assert [i["inspection_id"] for i in partition if str(i["SK"]).startswith("INSPECTION_SLOT#")] == [winner]
    (mail,) = mails(api, "contractor@online.com", "Inspection requested")
    assert winner in mail["body"]
