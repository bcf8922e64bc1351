"""The Permit aggregate's lifecycle and rules, in microseconds: no store, no HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.fee_lines import FeeLine
from chalicelib.domain.inspections import Inspection, InspectionCalendar, InspectionStatus
from chalicelib.domain.permits import (
    ARCHIVED_STATUSES,
    CANCELLED_SHOWN_DAYS,
    TRANSITIONS,
    Permit,
    PermitStatus,
)

NOW = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # Tue 09:00 in the county
TODAY = date(2026, 11, 24)
CALENDAR = InspectionCalendar(tz=ZoneInfo("America/Los_Angeles"))


def permit(status: PermitStatus = PermitStatus.READY_TO_ISSUE, **fields: object) -> Permit:
    return Permit("RES16-0688", "c-1", "1968 E DODD RD", "RESIDENTIAL", status,
                  inspection_types=["FOOTING", "FINAL"], **fields)  # type: ignore[arg-type]


def with_fee(p: Permit, amount: str = "96.00", **fee: object) -> FeeLine:
    line = FeeLine(f"{p.permit_no}-F001", p.permit_no, p.contractor_id, "MECHANICAL PERMIT", Decimal(amount),
                   **fee)  # type: ignore[arg-type]
    p.fees.append(line)
    return line


def test_every_status_is_in_the_lifecycle_and_final_ones_lead_nowhere() -> None:
    assert set(TRANSITIONS) == set(PermitStatus)
    assert TRANSITIONS[PermitStatus.CLOSED] == TRANSITIONS[PermitStatus.CANCELLED] == frozenset()
    assert all(PermitStatus.ACTIVE in TRANSITIONS[s] for s in TRANSITIONS if s not in (
        PermitStatus.FINALED, PermitStatus.CLOSED, PermitStatus.CANCELLED))  # issuing, once fees are paid


def test_active_while_fees_are_due_is_refused_naming_the_rule() -> None:
    p = permit()
    with_fee(p)
    with pytest.raises(Conflict) as refused:
        p.change_status(PermitStatus.ACTIVE, TODAY, NOW)
    assert refused.value.slug == "fees-due" and "$96.00" in refused.value.detail
    assert p.status is PermitStatus.READY_TO_ISSUE and p.issued_date is None


def test_active_is_issuing_once_every_fee_is_paid() -> None:
    p = permit()
    with_fee(p, paid=True, paid_by="pay-1")
    p.change_status(PermitStatus.ACTIVE, TODAY, NOW)
    assert (p.status, p.issued_date, p.expires_date) == (PermitStatus.ACTIVE, TODAY, TODAY + timedelta(days=180))


def test_a_held_fee_also_keeps_a_permit_from_being_issued() -> None:
    p = permit()
    with_fee(p, held_by="pay-1", hold_expires_at=NOW + timedelta(minutes=30))
    with pytest.raises(Conflict, match="held by a pending payment") as refused:
        p.issue(TODAY, NOW)
    assert refused.value.slug == "fees-due"


@pytest.mark.parametrize(("old", "new"), [(PermitStatus.CLOSED, PermitStatus.IN_REVIEW),
                                          (PermitStatus.CANCELLED, PermitStatus.SUBMITTED),
                                          (PermitStatus.SUBMITTED, PermitStatus.FINALED),
                                          (PermitStatus.FINALED, PermitStatus.IN_REVIEW)])
def test_a_move_the_lifecycle_does_not_allow_is_a_409_status_transition(old: PermitStatus,
                                                                        new: PermitStatus) -> None:
    p = permit(old)
    with pytest.raises(Conflict) as refused:
        p.change_status(new, TODAY, NOW)
    assert refused.value.slug == "status-transition" and old.value in refused.value.detail
    assert p.status is old


def test_finished_permits_go_to_the_archive_and_cancelled_ones_after_their_days() -> None:
    finaled = permit(PermitStatus.ACTIVE)
    finaled.change_status(PermitStatus.FINALED, TODAY, NOW)
    assert finaled.archived and PermitStatus.FINALED in ARCHIVED_STATUSES
    cancelled = permit(PermitStatus.SUBMITTED)
    cancelled.change_status(PermitStatus.CANCELLED, TODAY, NOW)
    assert not cancelled.archived and cancelled.listed_active  # the guide's dashboard shows it
    assert cancelled.archive_on == TODAY + timedelta(days=CANCELLED_SHOWN_DAYS)
    assert not cancelled.archive_if_due(TODAY + timedelta(days=CANCELLED_SHOWN_DAYS - 1))
    assert cancelled.archive_if_due(TODAY + timedelta(days=CANCELLED_SHOWN_DAYS)) and cancelled.archived
    assert cancelled.archive_on is None


def booked(p: Permit, day: date) -> Inspection:
    insp = Inspection(f"{p.permit_no}-0000abcd", p.permit_no, p.contractor_id, "FOOTING", day)
    p.schedule_inspection(insp, CALENDAR, TODAY)
    return insp


def test_a_result_before_the_inspection_day_is_refused_but_cancelling_is_not() -> None:
    p = permit(PermitStatus.ACTIVE, issued_date=TODAY, expires_date=TODAY + timedelta(days=180))
    insp = booked(p, date(2026, 11, 25))
    with pytest.raises(Conflict) as early:
        p.record_result(insp.inspection_id, InspectionStatus.PASSED, "", TODAY, NOW)
    assert early.value.slug == "inspection-not-yet-due" and insp.status is InspectionStatus.SCHEDULED
    p.record_result(insp.inspection_id, InspectionStatus.PASSED, "ok", date(2026, 11, 25), NOW + timedelta(days=1))
    assert insp.status is InspectionStatus.PASSED and p.expires_date == date(2026, 11, 25) + timedelta(days=180)
    other = permit(PermitStatus.ACTIVE)
    call_off = booked(other, date(2026, 11, 30))
    other.record_result(call_off.inspection_id, InspectionStatus.CANCELLED, "", TODAY, NOW)
    assert call_off.status is InspectionStatus.CANCELLED


def test_a_second_result_and_an_unknown_inspection_are_refused() -> None:
    p = permit(PermitStatus.ACTIVE)
    insp = booked(p, TODAY)
    p.record_result(insp.inspection_id, InspectionStatus.FAILED, "", TODAY, NOW)
    with pytest.raises(Conflict) as again:
        p.record_result(insp.inspection_id, InspectionStatus.PASSED, "", TODAY, NOW)
    assert again.value.slug == "inspection-not-scheduled"
    with pytest.raises(NotFound):
        p.record_result("RES16-0688-deadbeef", InspectionStatus.PASSED, "", TODAY, NOW)


def test_one_scheduled_inspection_per_type_and_day() -> None:
    p = permit(PermitStatus.ACTIVE)
    first = booked(p, date(2026, 11, 30))
    with pytest.raises(Conflict) as taken:
        booked(p, date(2026, 11, 30))
    assert taken.value.slug == "inspection-slot-taken" and first.inspection_id in taken.value.detail


def test_a_checkout_holds_only_a_due_fee_of_the_amount_it_showed() -> None:
    p = permit()
    line = with_fee(p)
    with pytest.raises(Conflict):
        p.hold_fee(line.fee_id, Decimal("95.00"), "pay-1", NOW + timedelta(minutes=30), NOW)
    p.hold_fee(line.fee_id, Decimal("96.00"), "pay-1", NOW + timedelta(minutes=30), NOW)
    assert p.fees_due(NOW) == 0 and p.fees_held(NOW) == Decimal("96.00")
    with pytest.raises(Conflict):
        p.hold_fee(line.fee_id, Decimal("96.00"), "pay-2", NOW + timedelta(minutes=30), NOW)
    assert not p.can_pay_fee(line.fee_id, Decimal("96.00"), "pay-2", NOW)  # held by another, live
    assert p.can_pay_fee(line.fee_id, Decimal("96.00"), "pay-2", NOW + timedelta(minutes=31))  # its hold ended
    p.pay_fee(line.fee_id, Decimal("96.00"), "pay-1", NOW)
    assert p.fee(line.fee_id).paid and not p.release_fee(line.fee_id, "pay-1")  # type: ignore[union-attr]


def test_reassigning_moves_fees_and_inspections_but_not_while_a_payment_holds_a_fee() -> None:
    p = permit(PermitStatus.ACTIVE)
    line = with_fee(p)
    insp = booked(p, date(2026, 11, 30))
    p.hold_fee(line.fee_id, line.amount, "pay-1", NOW + timedelta(minutes=30), NOW)
    with pytest.raises(Conflict):
        p.reassign("c-2", NOW)
    p.release_fee(line.fee_id, "pay-1")
    p.reassign("c-2", NOW)
    assert p.contractor_id == p.fees[0].contractor_id == insp.contractor_id == "c-2"
