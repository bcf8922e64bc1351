"""The back office's work as the Permit aggregate's rules: the timeline, voids and adjustments, corrections."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.fee_lines import FeeLine, FeeStatus, fees_due
from chalicelib.domain.inspections import Inspection, InspectionStatus
from chalicelib.domain.payments import Cart
from chalicelib.domain.permits import Permit, PermitStatus

NOW = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)


def permit(status: PermitStatus = PermitStatus.READY_TO_ISSUE) -> Permit:
    return Permit("RES16-0688", "c-1", "1968 E DODD RD", "RESIDENTIAL", status, inspection_types=["FOOTING"])


# --- the timeline --------------------------------------------------------------------------------


def test_every_status_change_is_a_step_of_the_timeline_with_who_and_why() -> None:
    p = permit(PermitStatus.SUBMITTED)
    p.opened(NOW, "cpat", "Entered")
    p.move(PermitStatus.IN_REVIEW, TODAY, NOW, by="cpat", comments=" plans  in ")
    p.change_status(PermitStatus.ACTIVE, TODAY, NOW + timedelta(hours=1), by="sup")
    assert [(s.status, s.by, s.comments) for s in p.timeline] == [
        (PermitStatus.SUBMITTED, "cpat", "Entered"), (PermitStatus.IN_REVIEW, "cpat", "plans in"),
        (PermitStatus.ACTIVE, "sup", "Issued")]
    p.change_status(PermitStatus.ACTIVE, TODAY, NOW)  # the same status is no change (PATCH sends it back)
    assert len(p.timeline) == 3


def test_move_refuses_the_same_status_and_names_where_the_permit_may_go() -> None:
    p = permit(PermitStatus.FINALED)
    with pytest.raises(Conflict) as same:
        p.move(PermitStatus.FINALED, TODAY, NOW)
    assert same.value.slug == "status-transition" and "it may go to CLOSED" in same.value.detail
    with pytest.raises(Conflict) as active:
        p.move(PermitStatus.ACTIVE, TODAY, NOW)
    assert active.value.slug == "status-transition" and "from FINALED it may go to CLOSED" in active.value.detail
    assert p.timeline == []


def test_active_again_on_an_expired_permit_renews_it() -> None:
    p = permit(PermitStatus.ACTIVE)
    p.issued_date, p.expires_date, p.expired = date(2026, 1, 1), date(2026, 6, 30), True
    p.move(PermitStatus.ACTIVE, TODAY, NOW, by="sup")
    assert (p.issued_date, p.expired, p.timeline[-1].comments) == (TODAY, False, "Renewed")


# --- voids and adjustments -----------------------------------------------------------------------


def fee(p: Permit, amount: str, **fields: object) -> FeeLine:
    line = p.add_fee("PLANNING", Decimal(amount))
    p._replace_fee(FeeLine(**{**line.__dict__, **fields}))  # type: ignore[arg-type]
    return p.fee(line.fee_id)  # type: ignore[return-value]


def test_a_voided_fee_is_never_due_held_carted_or_payable_and_never_stops_issuing() -> None:
    p = permit()
    kept = fee(p, "35.00")
    wrong = fee(p, "650.75")
    voided = p.void_fee(wrong.fee_id, "Assessed twice", NOW, "sup")
    assert voided.status(NOW) is FeeStatus.VOIDED and not voided.is_due(NOW) and not voided.is_held(NOW)
    assert (voided.void_reason, voided.voided_by, voided.voided_at) == ("Assessed twice", "sup", NOW)
    assert fees_due(p.fees, NOW) == Decimal("35.00") == p.fees_due(NOW)
    assert [f.fee_id for c in Cart.of([p.permit_no], {p.permit_no: p}, NOW).permits for f in c.fees] == [kept.fee_id]
    assert not p.can_pay_fee(wrong.fee_id, wrong.amount, "pay-1", NOW)
    with pytest.raises(Conflict):
        p.hold_fee(wrong.fee_id, wrong.amount, "pay-1", NOW + timedelta(minutes=30), NOW)
    p.void_fee(kept.fee_id, "Waived", NOW, "sup")
    p.issue(TODAY, NOW)
    assert p.status is PermitStatus.ACTIVE and len(p.fees) == 2  # still listed


@pytest.mark.parametrize(("fields", "words"), [
    ({"paid": True, "paid_by": "pay-1"}, "it is paid"),
    ({"held_by": "pay-1", "hold_expires_at": NOW + timedelta(minutes=5)}, "payment in progress"),
    ({"voided_at": NOW, "void_reason": "x"}, "already voided"),
])
def test_paid_held_or_voided_fees_are_not_voidable(fields: dict[str, object], words: str) -> None:
    p = permit()
    line = fee(p, "35.00", **fields)
    for attempt in (lambda: p.void_fee(line.fee_id, "x", NOW, "sup"),
                    lambda: p.adjust_fee(line.fee_id, Decimal("30.00"), "x", NOW, "sup")):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.slug == "fee-not-voidable" and words in refused.value.detail
    assert len(p.fees) == 1  # an adjustment refused adds no line


def test_a_fee_whose_hold_ended_may_be_voided_and_its_hold_is_dropped() -> None:
    p = permit()
    line = fee(p, "35.00", held_by="pay-1", hold_expires_at=NOW - timedelta(minutes=1))
    voided = p.void_fee(line.fee_id, "Waived", NOW, "sup")
    assert voided.held_by is None and not p.release_fee(line.fee_id, "pay-1")


def test_an_adjustment_is_a_new_line_and_the_old_one_voided_with_its_replacement() -> None:
    p = permit()
    old = fee(p, "650.75")
    new, voided = p.adjust_fee(old.fee_id, Decimal("600.00"), "Valuation", NOW, "sup")
    assert (new.fee_id, new.description, new.amount, new.status(NOW)) == (
        "RES16-0688-F002", "PLANNING", Decimal("600.00"), FeeStatus.DUE)
    assert (voided.replaced_by, voided.void_reason, voided.status(NOW)) == (new.fee_id, "Valuation", FeeStatus.VOIDED)
    assert p.fees_due(NOW) == Decimal("600.00")
    with pytest.raises(NotFound):
        p.void_fee("RES16-0688-F099", "x", NOW, "sup")


# --- result corrections --------------------------------------------------------------------------


def inspected(day: date = date(2026, 12, 15)) -> tuple[Permit, Inspection]:
    p = permit(PermitStatus.ACTIVE)
    p.issued_date, p.expires_date = TODAY, TODAY + timedelta(days=180)
    insp = Inspection("RES16-0688-aa", p.permit_no, p.contractor_id, "FOOTING", day)
    p.inspections.append(insp)
    return p, insp


def test_recording_a_result_keeps_who_and_a_correction_keeps_the_earlier_result() -> None:
    p, insp = inspected()
    later = NOW + timedelta(days=21)
    p.record_result(insp.inspection_id, InspectionStatus.PASSED, "OK", date(2026, 12, 15), later, by="ipat")
    assert p.expires_date == date(2027, 6, 13) and insp.recorded_by == "ipat"
    p.correct_result(insp.inspection_id, InspectionStatus.FAILED, "Wrong", date(2026, 12, 16),
                     later + timedelta(days=1), by="sup")
    assert (insp.status, insp.result_notes, insp.recorded_by) == (InspectionStatus.FAILED, "Wrong", "sup")
    assert [(h.result, h.notes, h.recorded_at, h.recorded_by) for h in insp.history] == [
        (InspectionStatus.PASSED, "OK", later, "ipat")]
    assert p.expires_date == TODAY + timedelta(days=180)  # the pass's restart taken back


def test_a_correction_between_results_that_are_not_passes_leaves_expiry_alone() -> None:
    p, insp = inspected()
    p.record_result(insp.inspection_id, InspectionStatus.FAILED, "", date(2026, 12, 15), NOW, by="ipat")
    p.expires_date = date(2027, 9, 1)  # set by hand
    p.correct_result(insp.inspection_id, InspectionStatus.PARTIAL, "Half", date(2026, 12, 15), NOW, by="sup")
    assert p.expires_date == date(2027, 9, 1)


def test_another_pass_still_counts_when_one_is_corrected_away() -> None:
    p, first = inspected(date(2026, 12, 1))
    second = Inspection("RES16-0688-bb", p.permit_no, p.contractor_id, "FOOTING", date(2026, 12, 15))
    p.inspections.append(second)
    for insp in (first, second):
        p.record_result(insp.inspection_id, InspectionStatus.PASSED, "", date(2026, 12, 15), NOW, by="ipat")
    p.correct_result(second.inspection_id, InspectionStatus.FAILED, "", date(2026, 12, 16), NOW, by="sup")
    assert p.expires_date == date(2026, 12, 1) + timedelta(days=180)


def test_only_a_recorded_result_can_be_corrected() -> None:
    p, insp = inspected()
    with pytest.raises(Conflict) as scheduled:
        p.correct_result(insp.inspection_id, InspectionStatus.PASSED, "", TODAY, NOW)
    assert scheduled.value.slug == "inspection-no-result"
    insp.status, insp.cancelled_at = InspectionStatus.CANCELLED, NOW  # the contractor called it off
    with pytest.raises(Conflict):
        p.correct_result(insp.inspection_id, InspectionStatus.PASSED, "", TODAY, NOW)
    with pytest.raises(NotFound):
        p.correct_result("RES16-0688-zz", InspectionStatus.PASSED, "", TODAY, NOW)
