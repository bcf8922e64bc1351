"""The permit services on the in-memory unit of work: the county's rules at the service layer, in
milliseconds (no moto, no HTTP). The same repositories run over DynamoDB in the API tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from chalicelib.clock import FixedClock
from chalicelib.domain.errors import Conflict, InvalidInput, StaleRecord
from chalicelib.domain.inspections import InspectionCalendar, InspectionStatus
from chalicelib.domain.permits import PermitStatus
from chalicelib.services.expiry import ExpiryJob
from chalicelib.services.permits import InspectionRequest, PermitConfig, PermitService
from chalicelib.services.staff_permits import StaffPermitService
from chalicelib.store.items import MemoryItems
from chalicelib.store.unit_of_work import UnitOfWork

CID = "c-rich"
EMAIL = "CONTRACTOR@ONLINE.COM"


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))

    def subjects(self) -> list[str]:
        return [s for _, s, _ in self.sent]


@pytest.fixture
def items() -> MemoryItems:
    store = MemoryItems()
    store.items[(f"CONTRACTOR#{CID}", "PROFILE")] = {
        "PK": f"CONTRACTOR#{CID}", "SK": "PROFILE", "contractor_id": CID, "company_name": "RICH CONTRACTOR",
        "license_no": "AEC0119", "email": EMAIL}
    # Its first admin, who gets the company's mail (each user who asked for it: services/recipients.py).
    store.items[(f"CONTRACTOR#{CID}", f"USER#{CID}")] = {
        "PK": f"CONTRACTOR#{CID}", "SK": f"USER#{CID}", "user_id": CID, "contractor_id": CID, "email": EMAIL,
        "role": "admin", "status": "ACTIVE", "setup_complete": True, "company_name": "RICH CONTRACTOR"}
    return store


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 24, 17, 0, tzinfo=UTC))  # Tue 09:00 in the county


CONFIG = PermitConfig(InspectionCalendar(tz=ZoneInfo("America/Los_Angeles"), request_cutoff=time(15),
                                         cancel_cutoff=time(6)))


class Portal:
    """A fresh unit of work per call, as each request gets."""

    def __init__(self, items: MemoryItems, clock: FixedClock) -> None:
        self.items, self.clock, self.outbox = items, clock, Outbox()

    def staff(self) -> StaffPermitService:
        return StaffPermitService(UnitOfWork(self.items), self.clock, self.outbox, CONFIG)

    def contractor(self) -> PermitService:
        return PermitService(UnitOfWork(self.items), self.clock, self.outbox, CONFIG)

    def job(self) -> ExpiryJob:
        return ExpiryJob(UnitOfWork(self.items), self.clock, self.outbox, CONFIG)


@pytest.fixture
def portal(items: MemoryItems, clock: FixedClock) -> Portal:
    return Portal(items, clock)


def issued(portal: Portal, no: str = "RES16-0304") -> str:
    portal.staff().create({"contractor_id": CID, "address": "1502 e falls ave", "type": "RESIDENTIAL",
                           "status": "READY TO ISSUE"}, no)
    portal.staff().issue(no)
    return no


def test_an_inspection_request_is_booked_once_and_mailed(portal: Portal, items: MemoryItems) -> None:
    no = issued(portal)
    insp = portal.contractor().request_inspection(CID, no, InspectionRequest("footing", date(2026, 11, 25), "AM"))
    assert insp.status is InspectionStatus.SCHEDULED and insp.inspection_type == "FOOTING"
    assert (f"PERMIT#{no}", "INSPECTION_SLOT#FOOTING#2026-11-25") in items.items
    # The staff mailbox's notice (services/notices.py), and the contractor's confirmation.
    assert portal.outbox.subjects() == [f"Inspection requested: Footing on {no} for Wednesday 11/25/2026",
                                        f"Inspection requested: Footing on {no}"]
    with pytest.raises(Conflict) as again:
        portal.contractor().request_inspection(CID, no, InspectionRequest("FOOTING", date(2026, 11, 25)))
    assert again.value.slug == "inspection-slot-taken" and insp.inspection_id in again.value.detail


def test_a_request_is_refused_with_every_reason_while_fees_are_due(portal: Portal) -> None:
    no = issued(portal)
    portal.staff().add_fee(no, "reinspection fee", "65.00")
    with pytest.raises(Conflict) as refused:
        portal.contractor().request_inspection(CID, no, InspectionRequest("FOOTING", date(2026, 11, 25)))
    assert refused.value.slug == "fees-due" and "$65.00" in refused.value.detail


def test_the_calendar_refuses_a_date_it_does_not_offer(portal: Portal) -> None:
    no = issued(portal)
    with pytest.raises(InvalidInput) as weekend:
        portal.contractor().request_inspection(CID, no, InspectionRequest("FOOTING", date(2026, 11, 28)))
    assert weekend.value.slug == "inspection-date-not-allowed"


def test_cancelling_works_before_the_cut_off_and_frees_the_day(portal: Portal, items: MemoryItems,
                                                                clock: FixedClock) -> None:
    no = issued(portal)
    insp = portal.contractor().request_inspection(CID, no, InspectionRequest("FOOTING", date(2026, 11, 25)))
    portal.contractor().cancel_inspection(CID, insp.inspection_id)
    assert not any(sk.startswith("INSPECTION_SLOT#") for pk, sk in items.items if pk == f"PERMIT#{no}")
    again = portal.contractor().request_inspection(CID, no, InspectionRequest("FOOTING", date(2026, 11, 25)))
    clock.advance(hours=14)  # 23:00 the day before is fine; 06:00 on the day is not
    clock.advance(hours=7)
    with pytest.raises(Conflict) as late:
        portal.contractor().cancel_inspection(CID, again.inspection_id)
    assert late.value.slug == "inspection-too-late-to-cancel"


def test_staff_cannot_issue_or_patch_active_while_fees_are_due(portal: Portal) -> None:
    portal.staff().create({"contractor_id": CID, "address": "1968 E DODD RD", "type": "RESIDENTIAL",
                           "status": "READY TO ISSUE"}, "RES16-0688")
    portal.staff().add_fee("RES16-0688", "BUILDING PERMIT FEE", "650.75")
    for attempt in (lambda: portal.staff().issue("RES16-0688"),
                    lambda: portal.staff().update("RES16-0688", {"status": "ACTIVE"})):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.slug == "fees-due"
    assert portal.staff().detail("RES16-0688").status is PermitStatus.READY_TO_ISSUE


def test_a_result_waits_for_the_inspection_day_and_passed_moves_the_expiry(portal: Portal,
                                                                           clock: FixedClock) -> None:
    no = issued(portal)
    insp = portal.staff().schedule(no, "FOOTING", date(2026, 12, 15))
    with pytest.raises(Conflict) as early:
        portal.staff().record_result(insp.inspection_id, "PASSED")
    assert early.value.slug == "inspection-not-yet-due"
    clock.advance(days=21)
    portal.staff().record_result(insp.inspection_id, "passed", "Forms and rebar OK")
    assert portal.staff().detail(no).expires_date == date(2026, 12, 15) + timedelta(days=180)
    assert portal.outbox.subjects()[-1] == f"Inspection result: Footing on {no} PASSED"


def test_two_writers_of_one_permit_cannot_both_land(portal: Portal, items: MemoryItems) -> None:
    no = issued(portal)
    first, second = UnitOfWork(items), UnitOfWork(items)
    a, b = first.permits.get(no), second.permits.get(no)
    assert a is not None and b is not None
    a.add_fee("A", Decimal("1.00"))
    b.add_fee("B", Decimal("2.00"))
    first.permits.save(a)
    first.commit()
    second.permits.save(b)
    with pytest.raises(StaleRecord):
        second.commit()
    assert [f.description for f in portal.staff().detail(no).fees] == ["A"]


def test_the_dashboard_is_one_query_and_leaves_finished_permits_out(portal: Portal, items: MemoryItems) -> None:
    issued(portal, "RES16-0304")
    for n in range(1, 21):
        portal.staff().create({"contractor_id": CID, "address": "OLD ST", "type": "RESIDENTIAL",
                               "status": "FINALED"}, f"RES10-{n:04d}")
    items.requests.clear()
    permits = portal.contractor().dashboard(CID)
    assert [p.permit_no for p in permits] == ["RES16-0304"] and items.requests == ["Query"]
    page = portal.contractor().search(CID, limit=5)
    assert [p.permit_no for p in page.permits] == ["RES16-0304", "RES10-0001", "RES10-0002", "RES10-0003",
                                                   "RES10-0004"] and page.next_cursor


def test_the_job_flags_what_expired_and_archives_cancelled_permits_after_their_days(portal: Portal,
                                                                                   clock: FixedClock) -> None:
    no = issued(portal)
    portal.staff().create({"contractor_id": CID, "address": "X", "type": "RESIDENTIAL", "status": "SUBMITTED"},
                          "RES16-0601")
    portal.staff().update("RES16-0601", {"status": "CANCELLED"})
    assert {p.permit_no for p in portal.contractor().dashboard(CID)} == {no, "RES16-0601"}
    clock.advance(days=181)
    assert portal.job().run().flagged == 1
    assert portal.staff().detail(no).expired is True
    assert portal.job().run().flagged == 0  # idempotent
    assert [p.permit_no for p in portal.contractor().dashboard(CID)] == [no]  # cancelled one archived
