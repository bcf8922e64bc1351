"""Permits: requests per dashboard and permit detail as a contractor's permits grow; the expiry job's cost.

Permits are written straight into moto with batch writes (25 items a request), built by the store's
own item functions, so seeding 10,000 permits takes seconds and the items are exactly what the API
writes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bench.counting import Row, call, counting, portal

PASSWORD = "Build2Last"
TODAY = date(2026, 11, 24)  # the portal() clock's county date



def _contractor(client: Any, name: str, license_no: str) -> tuple[str, str]:
    from chalicelib import bootstrap
    from chalicelib.services.accounts import NewContractor

    accounts = bootstrap.accounts()
    contractor_id, _ = accounts.register_contractor(NewContractor(name, license_no, f"{license_no}@example.com"))
    pin = accounts.issue_pin(contractor_id, "123456")
    token = call(client, "POST", "/auth/login", {"contractor_id": contractor_id, "password": pin})["token"]
    token = call(client, "POST", "/auth/setup", {
        "security_question": "CAR", "secret_answer": "Corvette", "secret_answer_confirm": "Corvette",
        "password": PASSWORD, "password_confirm": PASSWORD}, token)["token"]
    return contractor_id, token


def _permit_items(contractor_id: str, permit_no: str, expires: date, created: datetime,
                  with_children: bool = True, status: str = "ACTIVE") -> list[dict[str, Any]]:
    """The items the permit repository writes for a permit (with two fees and an inspection)."""
    from chalicelib.domain.fee_lines import FeeLine
    from chalicelib.domain.inspections import Inspection, InspectionStatus
    from chalicelib.domain.permits import ARCHIVED_STATUSES, Permit, PermitStatus
    from chalicelib.store.permits import permit_items

    state = PermitStatus(status)
    permit = Permit(permit_no, contractor_id, f"{int(permit_no[-4:]) + 100} E SHERMAN AVE", "RESIDENTIAL",
                    state, "Single-family dwelling", TODAY - timedelta(days=200), expires - timedelta(days=180),
                    expires, inspection_types=["FOOTING", "FOUNDATION", "FRAMING", "FINAL"], created_at=created,
                    version=1, archived=state in ARCHIVED_STATUSES)
    if with_children:
        permit.fees = [FeeLine(f"{permit_no}-F001", permit_no, contractor_id, "BUILDING PERMIT FEE",
                               Decimal("650.75"), paid=True, paid_by="bench"),
                       FeeLine(f"{permit_no}-F002", permit_no, contractor_id, "REINSPECTION FEE", Decimal("65.00"),
                               paid=permit.archived, paid_by="bench" if permit.archived else None)]
        permit.inspections = [Inspection(f"{permit_no}-0000abcd", permit_no, contractor_id, "FOOTING",
                                         TODAY + timedelta(days=3), created_at=created,
                                         status=InspectionStatus.PASSED if permit.archived
                                         else InspectionStatus.SCHEDULED)]
    return permit_items(permit)


def _reminder_item(contractor_id: str, permit_no: str, expires: date) -> dict[str, Any]:
    from chalicelib.store import keys

    return {**keys.reminder(permit_no, expires.isoformat()), "GSI2PK": keys.REMINDER_INDEX,
            "GSI2SK": keys.expiry_sort_key((expires - timedelta(days=14)).isoformat(), permit_no),
            "permit_no": permit_no, "contractor_id": contractor_id, "address": "1 MAIN ST",
            "expires_date": expires.isoformat()}


def _write(table: Any, items: list[dict[str, Any]]) -> None:
    with table.batch_writer() as writer:  # 25 items a BatchWriteItem, unprocessed items retried
        for item in items:
            writer.put_item(Item=item)


def run() -> list[Row]:
    from chalicelib import bootstrap

    rows: list[Row] = []
    created = datetime(2026, 6, 1, tzinfo=UTC)
    with portal() as (client, table, _clock):
        for count, prefix in ((10, "AAA"), (100, "BBB"), (1000, "CCC")):
            contractor_id, token = _contractor(client, f"BENCH {count} PERMITS", f"BP{count:05d}")
            items: list[dict[str, Any]] = []
            for n in range(1, count + 1):
                items += _permit_items(contractor_id, f"{prefix}26-{n:04d}", TODAY + timedelta(days=60 + n % 90),
                                       created)
            _write(table, items)
            call(client, "GET", "/dashboard", token=token)  # a fresh session: no last-seen write below
            with counting(table) as tally:
                body = call(client, "GET", "/dashboard", token=token)
            assert body["active_permits"]["total"] == count
            rows.append(Row("permits", f"GET /dashboard ({count} permits, {len(items)} items)", tally,
                            goal="session GetItem + 1 Query (more pages only past 1 MB)"))
            with counting(table) as tally:
                call(client, "GET", f"/permits/{prefix}26-0001", token=token)
            rows.append(Row("permits", f"GET /permits/{{permit_no}} (contractor with {count} permits)", tally,
                            goal="session GetItem + 1 Query"))

    rows += _history_rows(created)

    with portal() as (client, table, _clock):
        contractor_id, _ = _contractor(client, "BENCH JOB", "BJ00001")
        items = []
        for n in range(1, 10_001):
            due = n <= 10
            expires = TODAY - timedelta(days=n) if due else TODAY + timedelta(days=30 + n % 300)
            no = f"JOB26-{n % 10_000:04d}" if n < 10_000 else "JOC26-0001"
            items += _permit_items(contractor_id, no, expires, created, with_children=False)
            if not due:
                items.append(_reminder_item(contractor_id, no, expires))  # armed, not yet due
        _write(table, items)
        job = bootstrap.expiry_job()
        with counting(table) as tally:
            result = job.run()
        assert result.flagged == 10, result
        rows.append(Row("permits", f"expiry job: 10,000 permits, 10 due ({len(items)} items in the table)", tally,
                        goal="items read ≈ 10 due; no Scan"))
        with counting(table) as tally:
            again = job.run()
        assert again.flagged == 0
        rows.append(Row("permits", "expiry job again the same day (idempotent)", tally, goal="0 items read"))
    return rows


def _history_rows(created: datetime) -> list[Row]:
    """Ten years of finished permits must not cost the dashboard anything: they are out of its range."""
    rows: list[Row] = []
    with portal() as (client, table, _clock):
        contractor_id, token = _contractor(client, "BENCH HISTORY", "BH00001")
        items: list[dict[str, Any]] = []
        for n in range(1, 5_001):
            items += _permit_items(contractor_id, f"HIS16-{n:04d}", TODAY - timedelta(days=400 + n % 3000), created,
                                   status="FINALED" if n % 2 else "CLOSED")
        for n in range(1, 11):
            items += _permit_items(contractor_id, f"ACT26-{n:04d}", TODAY + timedelta(days=60 + n), created)
        _write(table, items)
        call(client, "GET", "/dashboard", token=token)
        with counting(table) as tally:
            body = call(client, "GET", "/dashboard", token=token)
        assert body["active_permits"]["total"] == 10, body["active_permits"]
        rows.append(Row("permits", "GET /dashboard (5,000 finished permits + 10 active)", tally,
                        goal="≈ 10 permits' items read, ≤ 2 requests: finished permits are out of its range"))
        with counting(table) as tally:
            page = call(client, "GET", "/permits?limit=50", token=token)
        assert len(page["items"]) == 50 and page["next_cursor"], page
        rows.append(Row("permits", "GET /permits?limit=50 (same contractor: a page of 50)", tally,
                        goal="≈ 50 permits' items read, whatever the history"))
        with counting(table) as tally:
            following = call(client, "GET", f"/permits?limit=50&cursor={page['next_cursor']}", token=token)
        assert len(following["items"]) == 50 and following["items"][0]["permit_no"] != page["items"][0]["permit_no"]
        rows.append(Row("permits", "GET /permits?limit=50&cursor=... (the next page)", tally,
                        goal="the same cost as the first page"))
    return rows
