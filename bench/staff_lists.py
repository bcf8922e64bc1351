"""The back office's lists: requests per call in a county-sized table (6,000 businesses, 4,000 permits).

Items are written with the store's own item functions (`company_item`, `permit_items`), in batches, so
they carry exactly the index attributes the API writes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bench.counting import Row, call, counting, portal

PASSWORD = "StaffPass9"
TODAY = date(2026, 11, 24)  # the portal() clock's county date
STREETS = ("E SHERMAN AVE", "N GOVERNMENT WAY", "W APPLEWAY AVE", "E DODD RD", "N 4TH ST")


def _items(count_companies: int, count_permits: int) -> list[dict[str, Any]]:
    from chalicelib.domain.accounts import Company, User
    from chalicelib.domain.fee_lines import FeeLine
    from chalicelib.domain.inspections import Inspection, TimeWindow
    from chalicelib.domain.permits import ARCHIVED_STATUSES, Permit, PermitStatus
    from chalicelib.store.accounts import company_item, user_item
    from chalicelib.store.permits import permit_items

    items = []
    for i in range(count_companies):  # each business with its first admin, as registration stores them
        cid, name, email = f"c-bench{i:05d}", f"COUNTY BUILDER {i:05d} LLC", f"office{i}@example.com"
        items += [company_item(Company(contractor_id=cid, company_name=name, license_no=f"CB{i:05d}", email=email,
                                       version=1)),
                  user_item(User(cid, cid, email, company_name=name, version=1))]
    statuses = list(PermitStatus)
    created = datetime(2026, 6, 1, tzinfo=UTC)
    for n in range(1, count_permits + 1):
        no = f"BEN26-{n:04d}"
        status = statuses[n % len(statuses)]
        permit = Permit(no, f"c-bench{n % count_companies:05d}", f"{100 + n % 900} {STREETS[n % len(STREETS)]}",
                        "RESIDENTIAL", status, applied_date=TODAY - timedelta(days=30), created_at=created,
                        inspection_types=["FOOTING", "FINAL"], version=1, archived=status in ARCHIVED_STATUSES)
        permit.fees = [FeeLine(f"{no}-F001", no, permit.contractor_id, "BUILDING PERMIT FEE", Decimal("650.75"),
                               paid=n % 3 == 0, paid_by="bench" if n % 3 == 0 else None)]
        day = TODAY + timedelta(days=n % 250)  # about 16 inspections a day
        permit.inspections = [Inspection(f"{no}-0000abcd", no, permit.contractor_id, "FOOTING", day,
                                         time_window=list(TimeWindow)[n % 3].value, created_at=created)]
        items += permit_items(permit)
    return items


def _notices(count: int) -> list[dict[str, Any]]:
    """Notices as a day of requests leaves them; the older third already read."""
    from chalicelib.domain.notices import Notice, NoticeKind
    from chalicelib.store.notices import notice_item

    start = datetime(2026, 11, 1, tzinfo=UTC)
    items = []
    for n in range(count):
        notice = Notice.new(start + timedelta(minutes=n), NoticeKind.INSPECTION_REQUESTED,
                            f"Inspection requested: BEN26-{n % 4000 + 1:04d}", f"c-bench{n % 6000:05d}",
                            permit_no=f"BEN26-{n % 4000 + 1:04d}")
        if n < count // 3:
            notice = replace(notice, read_at=start, read_by="bench")
        items.append(notice_item(notice))
    return items


def run() -> list[Row]:
    from chalicelib import bootstrap
    from chalicelib.domain.accounts import StaffUser
    from chalicelib.domain.credentials import hash_secret

    rows: list[Row] = []
    with portal() as (client, table, _clock):
        with table.batch_writer() as writer:
            for item in _items(6_000, 4_000):
                writer.put_item(Item=item)
        bootstrap.uow().accounts.put_staff(StaffUser("bench", "Bench Desk", "desk@example.gov",
                                                     hash_secret(PASSWORD, 4)))
        for n in range(119):
            bootstrap.uow().accounts.put_staff(StaffUser(f"staff{n:03d}", f"Staff {n}", f"s{n}@example.gov",
                                                         hash_secret(PASSWORD, 4)))
        with table.batch_writer() as writer:
            for item in _notices(1_500):
                writer.put_item(Item=item)
        token = call(client, "POST", "/auth/staff-login", {"username": "bench", "password": PASSWORD})["token"]
        call(client, "GET", "/staff/me", token=token)  # a fresh session: no last-seen write below

        def measure(what: str, path: str, goal: str) -> Any:
            with counting(table) as tally:
                body = call(client, "GET", path, token=token)
            rows.append(Row("staff lists", what, tally, goal=goal))
            return body

        body = measure("GET /staff/contractors?q=county builder 0120 (6,000 businesses)",
                       "/staff/contractors?q=COUNTY%20BUILDER%200120", "session GetItem + 1 Query of GSI3 + "
                       "1 BatchGetItem of the page; + 1 GetItem (license claim)")
        assert len(body["items"]) == 10, body
        body = measure("GET /staff/contractors?limit=50 (a page of 6,000)", "/staff/contractors?limit=50",
                       "session GetItem + 1 Query + 1 BatchGetItem, whatever the county's size")
        assert len(body["items"]) == 50 and body["next_cursor"]
        body = measure("GET /staff/permits?status=SUBMITTED&limit=50 (4,000 permits)",
                       "/staff/permits?status=SUBMITTED&limit=50",
                       "≈ 50 permits' items read (1 Query of GSI4) + 1 BatchGetItem of their companies")
        assert len(body["items"]) == 50 and body["next_cursor"]
        body = measure("GET /staff/permits?q=100 E SHERMAN (the start of an address, every status)",
                       "/staff/permits?q=100%20E%20SHERMAN", "1 Query per status (8), items read ∝ matches")
        assert body["items"], body
        measure("GET /staff/permits?q=<permit no>", "/staff/permits?q=BEN26-0101",
                "1 Query of the permit's partition + 1 BatchGetItem (its company)")
        body = measure("GET /staff/inspections (the day's ~16 of 4,000)", "/staff/inspections",
                       "1 Query of GSI2 (that day's) + 1 BatchGetItem of their companies")
        assert body["items"], body
        body = measure("GET /staff/users?limit=50 (the first page of 120 staff)", "/staff/users?limit=50",
                       "session GetItem + 1 Query of GSI1 (STAFF), whatever the staff's number")
        assert len(body["items"]) == 50 and body["next_cursor"]
        body = measure("GET /staff/notices?unread=true&limit=50 (1,500 notices, 1,000 unread)",
                       "/staff/notices?unread=true&limit=50", "session GetItem + 1 Query of GSI2 (unread)")
        assert len(body["items"]) == 50 and body["next_cursor"]
        measure("GET /staff/today (supervisor: every section)", "/staff/today",
                "3 Queries (the day's inspections, READY TO ISSUE, the refund queue) + their companies; "
                "items read ∝ READY TO ISSUE permits (here 500)")
    return rows
