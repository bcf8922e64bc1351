"""The Payment aggregate's status machine, the cart and the checkout's rules: pure, microseconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.domain.errors import Conflict, InvalidInput
from chalicelib.domain.fee_lines import FeeLine
from chalicelib.domain.fees import FeeSchedule, PaymentMethod
from chalicelib.domain.money import MAX_AMOUNT
from chalicelib.domain.payments import (
    HOLD,
    HOLD_MINUTES,
    Cart,
    Payment,
    PaymentLine,
    PaymentStatus,
    fees_to_add,
    hold_fees,
    pay_fees,
    release_fees,
)
from chalicelib.domain.permits import Permit, PermitStatus

D = Decimal
NOW = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
SCHEDULE = FeeSchedule.default()


def permit(no: str = "RES16-0688", *amounts: str, contractor_id: str = "C1") -> Permit:
    fees = [FeeLine(f"{no}-F{i:02d}", no, contractor_id, f"FEE {i}", D(a)) for i, a in enumerate(amounts or ("96.00",
                                                                                                            "65.08"))]
    return Permit(no, contractor_id, "1968 E DODD RD", "RESIDENTIAL", PermitStatus.READY_TO_ISSUE, fees=fees)


def pending(*permits: Permit, method: PaymentMethod = PaymentMethod.ECHECK, at: datetime = NOW) -> Payment:
    cart = Cart.of([p.permit_no for p in permits], {p.permit_no: p for p in permits}, at)
    return Payment.open("pay-1", "C1", SCHEDULE.quote(method, cart.total_fees), cart.lines(), at)


def test_a_new_payment_is_pending_for_the_hold_and_then_reads_expired() -> None:
    payment = pending(permit())
    assert HOLD == timedelta(minutes=HOLD_MINUTES) == timedelta(minutes=30)
    assert payment.status is PaymentStatus.PENDING and payment.expires_at == NOW + HOLD
    assert (payment.total_fees, payment.convenience_fee, payment.total_due) == (D("161.08"), D("1.50"), D("162.58"))
    assert payment.effective_status(NOW + HOLD - timedelta(seconds=1)) is PaymentStatus.PENDING
    assert payment.effective_status(NOW + HOLD) is PaymentStatus.EXPIRED
    assert payment.status is PaymentStatus.PENDING  # reading never writes
    assert not payment.ended


def test_approval_pays_once_and_any_further_move_is_refused_with_payment_ended() -> None:
    payment = pending(permit())
    payment.approve("TX-1", NOW)
    assert (payment.status, payment.transaction_id, payment.paid_at) == (PaymentStatus.PAID, "TX-1", NOW)
    assert payment.applied and not payment.refund_due
    for move in (lambda: payment.approve("TX-2", NOW), lambda: payment.approve_for_refund("TX-2", NOW),
                 lambda: payment.end(PaymentStatus.DECLINED, NOW, portal_outcome="declined")):
        with pytest.raises(Conflict) as refused:
            move()
        assert refused.value.slug == "payment-ended"
    assert payment.status is PaymentStatus.PAID and payment.transaction_id == "TX-1"


def test_an_approval_for_refund_is_paid_but_not_applied() -> None:
    payment = pending(permit())
    payment.approve_for_refund("TX-1", NOW)
    assert payment.status is PaymentStatus.PAID and payment.refund_required
    assert not payment.applied and payment.refund_due


@pytest.mark.parametrize("outcome", [PaymentStatus.DECLINED, PaymentStatus.CANCELLED])
def test_decline_and_cancel_end_it_and_release_its_holds(outcome: PaymentStatus) -> None:
    payment = pending(permit())
    assert payment.end(outcome, NOW, portal_outcome=outcome.value.lower()) is True
    assert payment.status is outcome and payment.ended_at == NOW and payment.portal_outcome == outcome.value.lower()
    with pytest.raises(Conflict, match="already ended"):
        payment.end(PaymentStatus.CANCELLED, NOW, portal_outcome="cancelled")


def test_an_outcome_after_the_hold_records_expired_and_keeps_the_portals_word() -> None:
    payment = pending(permit())
    late = NOW + HOLD
    assert payment.end(PaymentStatus.DECLINED, late, portal_outcome="declined") is False  # holds left alone
    assert payment.status is PaymentStatus.EXPIRED and payment.portal_outcome == "declined"


def test_a_late_approval_still_lands_on_a_payment_nobody_ended() -> None:
    payment = pending(permit())
    payment.approve("TX-LATE", NOW + timedelta(minutes=45))
    assert payment.status is PaymentStatus.PAID


@pytest.mark.parametrize("target", [PaymentStatus.PAID, PaymentStatus.PENDING])
def test_end_cannot_pay_or_reopen(target: PaymentStatus) -> None:
    with pytest.raises(ValueError):
        pending(permit()).end(target, NOW, portal_outcome="x")


def test_an_approval_needs_a_transaction_id() -> None:
    with pytest.raises(ValueError):
        pending(permit()).approve("", NOW)


def test_unapplied_approvals_are_kept_once_and_only_for_ended_payments() -> None:
    payment = pending(permit())
    with pytest.raises(Conflict) as refused:
        payment.record_unapplied("TX-1", payment.total_due, NOW)
    assert refused.value.slug == "payment-pending"
    payment.end(PaymentStatus.DECLINED, NOW, portal_outcome="declined")
    assert payment.record_unapplied("TX-LATE", payment.total_due, NOW) is True
    assert payment.record_unapplied("TX-LATE", payment.total_due, NOW) is False
    assert [u.transaction_id for u in payment.unapplied] == ["TX-LATE"]
    assert payment.status is PaymentStatus.DECLINED and payment.refund_due and not payment.applied


def test_replays_are_recognised() -> None:
    payment = pending(permit())
    assert not payment.is_replay(True, "TX-1")  # pending: nothing is a replay yet
    payment.approve("TX-1", NOW)
    assert payment.is_replay(True, "TX-1") and payment.is_replay(False, None)
    assert not payment.is_replay(True, "TX-2")  # new money for an ended payment
    assert payment.record_unapplied("TX-1", payment.total_due, NOW) is False  # the approval that paid it


def test_the_callback_amount_must_be_the_total_due() -> None:
    payment = pending(permit())
    payment.check_amount(D("162.58"))
    with pytest.raises(InvalidInput) as refused:
        payment.check_amount(D("161.08"))
    assert refused.value.slug == "payment-amount-mismatch" and refused.value.errors[0].field == "amount"


def test_a_payment_over_the_limit_is_never_opened() -> None:
    big = permit("RES16-0688", str(MAX_AMOUNT - D("5.00")))
    with pytest.raises(Conflict) as refused:
        pending(big, method=PaymentMethod.CREDIT_CARD)  # 3% on top is over
    assert refused.value.slug == "payment-limit"
    assert pending(big, method=PaymentMethod.ECHECK).total_due == MAX_AMOUNT - D("3.50")


def test_an_empty_cart_opens_no_payment() -> None:
    with pytest.raises(Conflict) as refused:
        Payment.open("p", "C1", SCHEDULE.quote(PaymentMethod.ECHECK, D("0.00")), [], NOW)
    assert refused.value.slug == "cart-empty"
    with pytest.raises(Conflict) as empty:
        Cart.of([], {}, NOW).check_not_empty()
    assert empty.value.slug == "cart-empty"


def test_the_cart_shows_due_fees_only_and_hides_gone_permits() -> None:
    one, other = permit("RES16-0688", "10.00", "20.00"), permit("RES16-0686", "65.00")
    held = pending(other)
    hold_fees(held, {other.permit_no: other}, NOW)
    cart = Cart.of(["res16-0688", "RES16-0686", "RES99-0001", "RES16-0688"], {p.permit_no: p for p in (one, other)},
                   NOW)
    assert [p.permit_no for p in cart.permits] == ["RES16-0688"]
    assert cart.entries == ("RES16-0686", "RES16-0688", "RES99-0001")
    assert (cart.total_fees, cart.fee_count) == (D("30.00"), 2)
    assert [line.fee_id for line in cart.lines()] == ["RES16-0688-F00", "RES16-0688-F01"]


def test_fees_to_add_names_why_nothing_is_due() -> None:
    held = permit()
    hold_fees(pending(held), {held.permit_no: held}, NOW)
    with pytest.raises(Conflict) as refused:
        fees_to_add(held, NOW)
    assert refused.value.slug == "fees-held" and f"{HOLD_MINUTES} minutes" in refused.value.detail
    assert [f.fee_id for f in fees_to_add(held, NOW + HOLD)] == ["RES16-0688-F00", "RES16-0688-F01"]
    nothing = Permit("RES16-0601", "C1", "x", "RESIDENTIAL", PermitStatus.CANCELLED)
    with pytest.raises(Conflict, match="no fees due") as none_due:
        fees_to_add(nothing, NOW)
    assert none_due.value.slug == "no-fees-due"


def test_holding_pays_and_releases_through_the_permit() -> None:
    file = permit()
    payment = pending(file)
    assert hold_fees(payment, {file.permit_no: file}, NOW) == [file]
    assert {f.held_by for f in file.fees} == {payment.payment_id}
    stale = Payment.open("pay-2", "C1", SCHEDULE.quote(PaymentMethod.ECHECK, payment.total_fees), payment.lines, NOW)
    with pytest.raises(Conflict) as twice:  # a second checkout of the same fees, read before the hold
        hold_fees(stale, {file.permit_no: file}, NOW)
    assert twice.value.slug == "fees-held"
    assert pay_fees(payment, "TX-1", {file.permit_no: file}, NOW) == [file]
    assert all(f.paid and f.paid_by == payment.payment_id for f in file.fees) and payment.applied
    assert release_fees(payment, {file.permit_no: file}) == []  # nothing left to release


def test_an_approval_whose_fees_were_taken_pays_nothing_and_is_refunded() -> None:
    file = permit()
    first = pending(file)
    hold_fees(first, {file.permit_no: file}, NOW)
    later = NOW + HOLD + timedelta(minutes=1)
    second = pending(file, at=later)
    second.payment_id = "pay-2"
    hold_fees(second, {file.permit_no: file}, later)
    before = list(file.fees)
    assert pay_fees(first, "TX-1", {file.permit_no: file}, later) == []
    assert first.status is PaymentStatus.PAID and first.refund_required
    assert file.fees == before  # no fee touched


def test_release_lets_go_of_own_holds_only() -> None:
    file = permit()
    mine = pending(file)
    hold_fees(mine, {file.permit_no: file}, NOW)
    other = PaymentLine("RES16-0688-F00", "RES16-0688", "", "", D("96.00"))
    theirs = Payment("pay-9", "C1", PaymentMethod.ECHECK, D("96.00"), D("1.50"), "x", D("97.50"), NOW, NOW + HOLD,
                     lines=[other])
    assert release_fees(theirs, {file.permit_no: file}) == []
    assert {f.held_by for f in file.fees} == {mine.payment_id}
    assert release_fees(mine, {file.permit_no: file}) == [file]
    assert all(f.held_by is None for f in file.fees)
