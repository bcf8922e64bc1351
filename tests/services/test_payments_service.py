"""Cart, checkout and the payment callback at the service layer, on the in-memory unit of work.

Each call gets a fresh `UnitOfWork(MemoryItems)` over one shared dict, as each request gets its own
over the table; the clock is fixed and mail lands in a list. Milliseconds each, no moto.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.clock import FixedClock
from chalicelib.domain.accounts import Company, User
from chalicelib.domain.errors import Conflict, InvalidInput, NotFound, StaleRecord, TooManyChanges, Unavailable
from chalicelib.domain.fee_lines import FeeLine
from chalicelib.domain.fees import FeeSchedule
from chalicelib.domain.money import MAX_AMOUNT, display_money
from chalicelib.domain.payments import HOLD, HOLD_MINUTES, PaymentStatus
from chalicelib.domain.permits import Permit, PermitStatus
from chalicelib.payments.provider import SandboxProvider, build_callback_body
from chalicelib.payments.signature import sign
from chalicelib.services.cart import CartService
from chalicelib.services.checkout import CheckoutService
from chalicelib.services.payments import PaymentService
from chalicelib.store.items import MemoryItems
from chalicelib.store.unit_of_work import UnitOfWork

D = Decimal
NOW = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
SECRET = "test-secret"
STAFF = "permits-staff@example.gov"
BASE = "http://127.0.0.1:8080"
SCHEDULE = FeeSchedule.default()
GUIDE = ("96.00", "65.08", "650.75", "35.00", "130.15", "47.00")  # 1023.98


@dataclass
class Outbox:
    sent: list[tuple[str, str, str]] = field(default_factory=list)

    def send(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))

    def to(self, address: str) -> list[tuple[str, str, str]]:
        return [m for m in self.sent if m[0] == address]


@dataclass
class World:
    items: MemoryItems
    clock: FixedClock
    mail: Outbox

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.items)

    def cart(self) -> CartService:
        return CartService(self.uow(), self.clock, SCHEDULE)

    def checkout(self, contractor_id: str = "C1", method: str = "echeck") -> Any:
        service = CheckoutService(self.uow(), self.clock, SCHEDULE, SandboxProvider(BASE), BASE)
        return service.checkout(contractor_id, method).payment

    def payments(self, secret: str | None = SECRET) -> PaymentService:
        return PaymentService(self.uow(), self.clock, self.mail, secret, STAFF)

    def callback(self, payment_id: str, outcome: str, amount: Decimal, transaction_id: str | None = "TX-1") -> Any:
        raw = build_callback_body(payment_id, outcome, transaction_id, amount)
        header = sign(SECRET, raw, int(self.clock.now().timestamp()))
        return self.payments().handle_callback(raw, header)

    def permit(self, permit_no: str) -> Permit:
        found = self.uow().permits.get(permit_no)
        assert found is not None
        return found

    def snapshot(self) -> dict[Any, Any]:
        return copy.deepcopy(self.items.items)


def seed(world: World, permit_no: str, amounts: tuple[str, ...] = GUIDE, contractor_id: str = "C1",
         status: PermitStatus = PermitStatus.READY_TO_ISSUE) -> None:
    fees = [FeeLine(f"{permit_no}-F{i:02d}", permit_no, contractor_id, f"FEE {i}", D(a)) for i, a in enumerate(amounts)]
    uow = world.uow()
    uow.permits.save(Permit(permit_no, contractor_id, "1968 E DODD RD", "RESIDENTIAL", status, fees=fees))
    uow.commit()


@pytest.fixture
def world() -> World:
    w = World(MemoryItems(), FixedClock(NOW), Outbox())
    uow = w.uow()
    for cid, name, license_no, email in (("C1", "RICH CONTRACTOR", "AEC0119", "contractor@online.com"),
                                         ("C2", "OTHER BUILDER", "ZZZ999", "other@example.com")):
        uow.accounts.add_company(Company(cid, name, license_no, email), User(cid, cid, email))
    uow.commit()
    seed(w, "RES16-0688")
    seed(w, "RES16-0686", ("65.00",))
    seed(w, "RES16-0601", (), status=PermitStatus.CANCELLED)
    seed(w, "RES17-0900", ("10.00",), contractor_id="C2")
    return w


def pending(world: World, permit_no: str = "RES16-0688", method: str = "echeck") -> Any:
    world.cart().add("C1", permit_no)
    return world.checkout(method=method)


# --- the cart ------------------------------------------------------------------------------------


def test_cart_add_remove_and_pay_all(world: World) -> None:
    cart = world.cart().add("C1", "res16-0688")
    assert [p.permit_no for p in cart.permits] == ["RES16-0688"] and cart.total_fees == D("1023.98")
    assert world.cart().add("C1", "RES16-0688").entries == ("RES16-0688",)  # twice keeps one
    assert world.cart().cart("C1").total_fees == D("1023.98")
    assert world.cart().remove("C1", "RES16-0688").is_empty
    assert world.cart().remove("C1", "RES16-0688").is_empty  # idempotent
    everything = world.cart().pay_all("C1")
    assert [p.permit_no for p in everything.permits] == ["RES16-0686", "RES16-0688"]
    assert everything.total_fees == D("1088.98") and world.cart().cart("C1") == everything


def test_cart_refuses_foreign_missing_and_settled_permits(world: World) -> None:
    with pytest.raises(NotFound):
        world.cart().add("C1", "RES17-0900")  # C2's
    with pytest.raises(NotFound):
        world.cart().add("C1", "NOPE-0001")
    with pytest.raises(Conflict, match="no fees due") as nothing:
        world.cart().add("C1", "RES16-0601")
    assert nothing.value.slug == "no-fees-due"


def test_summary_quotes_the_guides_figures_and_an_empty_cart_is_409(world: World) -> None:
    with pytest.raises(Conflict) as empty:
        world.cart().summary("C1", "credit_card")
    assert empty.value.slug == "cart-empty"
    world.cart().add("C1", "RES16-0688")
    with pytest.raises(InvalidInput):
        world.cart().summary("C1", "bitcoin")
    cart, quote = world.cart().summary("C1", "credit_card")
    assert (quote.total_fees, quote.convenience_fee, quote.total_due) == (D("1023.98"), D("30.72"), D("1054.70"))
    assert cart.fee_count == 6


# --- checkout ------------------------------------------------------------------------------------


def test_checkout_holds_every_fee_in_one_transaction_and_empties_the_cart(world: World) -> None:
    world.cart().add("C1", "RES16-0688")
    world.cart().add("C1", "RES16-0686")
    world.items.requests.clear()
    payment = world.checkout(method="credit_card")
    assert world.items.requests == ["Query", "Query", "TransactWriteItems"]  # cart, permits (GSI1), the commit
    assert payment.status is PaymentStatus.PENDING and payment.expires_at == NOW + HOLD
    assert (payment.total_fees, payment.total_due) == (D("1088.98"), D("1121.65"))
    for no in ("RES16-0688", "RES16-0686"):
        assert {f.held_by for f in world.permit(no).fees} == {payment.payment_id}
        assert world.permit(no).fees_due(NOW) == 0
    assert world.cart().cart("C1").is_empty and world.uow().cart.permit_nos("C1") == []
    stored = world.payments().receipt("C1", payment.payment_id)
    assert [line.fee_id for line in stored.lines] == [line.fee_id for line in payment.lines]


def test_two_payments_never_share_a_receipt_number(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import uuid
    from types import SimpleNamespace

    from chalicelib.services import checkout as checkout_module

    # The second id is alike the first in the bits the short number is made of (48 random bits:
    # rare, never impossible); its claim fails, and checkout's retry takes the next id.
    ids = iter([uuid.UUID("0123456789ab4def8000000000000001"), uuid.UUID("0123456789ab4fff8000000000000002"),
                uuid.UUID("fedcba9876544def8000000000000003")])
    monkeypatch.setattr(checkout_module, "uuid", SimpleNamespace(uuid4=lambda: next(ids)))
    world.cart().add("C1", "RES16-0688")
    first = world.checkout()
    world.cart().add("C1", "RES16-0686")
    second = world.checkout()
    assert second.payment_id == "fedcba9876544def8000000000000003"
    assert second.receipt_no != first.receipt_no
    with pytest.raises(NotFound):
        world.payments().receipt("C1", "0123456789ab4fff8000000000000002")  # the clash left nothing behind
    assert {f.held_by for f in world.permit("RES16-0686").fees} == {second.payment_id}


def test_a_second_checkout_of_the_same_fees_is_409_and_holds_nothing(world: World) -> None:
    world.cart().add("C1", "RES16-0688")
    stale = world.uow()  # a second tab that read the fees as due before the first checkout held them
    stale_permit = stale.permits.get("RES16-0688")
    assert stale_permit is not None
    first = world.checkout()
    with pytest.raises(Conflict) as held:
        world.cart().add("C1", "RES16-0688")
    assert held.value.slug == "fees-held" and f"({HOLD_MINUTES} minutes)" in held.value.detail
    entry = world.uow()  # put the permit back in the cart behind the service's back
    entry.cart.add("C1", ["RES16-0688"], NOW)
    entry.commit()
    with pytest.raises(Conflict):
        world.checkout()  # the cart hides held fees: nothing to pay
    for fee in stale_permit.fees:
        stale_permit.hold_fee(fee.fee_id, fee.amount, "stale", NOW + HOLD, NOW)
    stale.permits.save(stale_permit)
    with pytest.raises(StaleRecord):
        stale.commit()  # the version it read is gone: refused whole
    assert {f.held_by for f in world.permit("RES16-0688").fees} == {first.payment_id}


def test_an_expired_hold_is_due_again_and_checks_out_anew(world: World) -> None:
    first = pending(world)
    world.clock.advance(minutes=HOLD_MINUTES)
    assert world.payments().receipt("C1", first.payment_id).effective_status(world.clock.now()) \
        is PaymentStatus.EXPIRED
    second = pending(world)
    assert {f.held_by for f in world.permit("RES16-0688").fees} == {second.payment_id}


def test_over_the_limit_is_refused_before_anything_is_held(world: World) -> None:
    top = str(MAX_AMOUNT)
    seed(world, "RES16-0700", (top, top))
    seed(world, "RES16-0701", ("6000000.00",))
    seed(world, "RES16-0702", ("6000000.00",))
    with pytest.raises(Conflict) as alone:
        world.cart().add("C1", "RES16-0700")
    assert alone.value.slug == "payment-limit" and display_money(MAX_AMOUNT) in alone.value.detail
    world.cart().add("C1", "RES16-0701")
    with pytest.raises(Conflict) as together:
        world.cart().add("C1", "RES16-0702")
    assert together.value.slug == "payment-limit"
    with pytest.raises(Conflict) as everything:
        world.cart().pay_all("C1")
    assert everything.value.slug == "payment-limit"
    assert world.uow().cart.permit_nos("C1") == ["RES16-0701"]
    entry = world.uow()  # a cart filled before the rule: checkout still refuses it, holding nothing
    entry.cart.add("C1", ["RES16-0700"], NOW)
    entry.commit()
    before = world.snapshot()
    with pytest.raises(Conflict) as checkout:
        world.checkout()
    assert checkout.value.slug == "payment-limit" and "separate" in checkout.value.detail
    assert world.snapshot() == before


def test_the_convenience_fee_counts_against_the_limit(world: World) -> None:
    seed(world, "RES16-0700", ("9999990.00",))
    world.cart().add("C1", "RES16-0700")
    with pytest.raises(Conflict) as card:
        world.checkout(method="credit_card")
    assert card.value.slug == "payment-limit"
    assert world.checkout(method="echeck").total_due == D("9999991.50")


def test_a_cart_too_big_for_one_transaction_is_refused_whole(world: World) -> None:
    seed(world, "RES17-0100", ("1.00",) * 50)
    world.cart().add("C1", "RES17-0100")
    before = world.snapshot()
    with pytest.raises(TooManyChanges, match="more than one payment can take"):
        world.checkout()
    assert world.snapshot() == before


# --- the callback --------------------------------------------------------------------------------


def test_approval_pays_every_fee_once_and_mails_receipt_and_staff(world: World) -> None:
    payment = pending(world, method="credit_card")
    result = world.callback(payment.payment_id, "approved", D("1054.70"), "TX-123")
    assert (result.status, result.refund_required) == (PaymentStatus.PAID, False)
    fees = world.permit("RES16-0688").fees
    assert all(f.paid and f.paid_by == payment.payment_id and f.held_by is None for f in fees)
    receipt = world.payments().receipt("C1", payment.payment_id)
    assert receipt.status is PaymentStatus.PAID and receipt.transaction_id == "TX-123" and receipt.applied
    [(_, subject, body)] = world.mail.to("contractor@online.com")
    assert subject == f"Payment receipt {receipt.receipt_no}" and "$1,054.70" in body and "TX-123" in body
    [(_, staff_subject, staff_body)] = world.mail.to(STAFF)
    assert "RES16-0688" in staff_subject and "READY TO ISSUE and can be issued" in staff_body


def test_replayed_callbacks_change_nothing_and_mail_nobody(world: World) -> None:
    payment = pending(world)
    world.callback(payment.payment_id, "approved", payment.total_due, "TX-9")
    before, mails = world.snapshot(), len(world.mail.sent)
    for outcome, tx in (("approved", "TX-9"), ("declined", None), ("cancelled", None)):
        assert world.callback(payment.payment_id, outcome, payment.total_due, tx).status is PaymentStatus.PAID
    assert world.snapshot() == before and len(world.mail.sent) == mails


def test_a_late_approval_pays_fees_nobody_took(world: World) -> None:
    payment = pending(world)
    world.clock.advance(minutes=45)
    result = world.callback(payment.payment_id, "approved", payment.total_due, "TX-LATE")
    assert (result.status, result.refund_required) == (PaymentStatus.PAID, False)
    assert all(f.paid_by == payment.payment_id for f in world.permit("RES16-0688").fees)


def test_a_late_approval_after_the_fees_were_taken_is_kept_for_refund(world: World) -> None:
    first = pending(world)
    world.clock.advance(minutes=40)
    second = pending(world)
    world.callback(second.payment_id, "approved", second.total_due, "TX-2")
    fees_before = world.permit("RES16-0688").fees
    result = world.callback(first.payment_id, "approved", first.total_due, "TX-1")
    assert (result.status, result.refund_required) == (PaymentStatus.PAID, True)
    stored = world.payments().receipt("C1", first.payment_id)
    assert stored.refund_required and not stored.applied and stored.transaction_id == "TX-1"
    assert world.permit("RES16-0688").fees == fees_before  # no fee touched
    refunds = [m for m in world.mail.to(STAFF) if m[1].startswith("Refund due")]
    assert len(refunds) == 1 and "TX-1" in refunds[0][2] and f"{HOLD_MINUTES}-minute hold" in refunds[0][2]
    before = world.snapshot()
    world.callback(first.payment_id, "approved", first.total_due, "TX-1")
    assert world.snapshot() == before
    assert len([m for m in world.mail.to(STAFF) if m[1].startswith("Refund due")]) == 1


@pytest.mark.parametrize(("outcome", "status"), [("declined", PaymentStatus.DECLINED),
                                                 ("cancelled", PaymentStatus.CANCELLED)])
def test_decline_and_cancel_release_the_holds(world: World, outcome: str, status: PaymentStatus) -> None:
    payment = pending(world)
    result = world.callback(payment.payment_id, outcome, payment.total_due, None)
    assert result.status is status
    assert all(not f.paid and f.held_by is None for f in world.permit("RES16-0688").fees)
    assert world.cart().add("C1", "RES16-0688").total_fees == D("1023.98")
    # An approval after that is money received for an ended payment: kept once, the payment unchanged.
    late = world.callback(payment.payment_id, "approved", payment.total_due, "TX-LATE")
    assert late.refund_required is True
    again = world.callback(payment.payment_id, "approved", payment.total_due, "TX-LATE")
    assert again.refund_required is True
    stored = world.payments().receipt("C1", payment.payment_id)
    assert stored.status is status and [u.transaction_id for u in stored.unapplied] == ["TX-LATE"]
    assert stored.version == 2  # created, ended: the unapplied approval did not rewrite it
    assert len([m for m in world.mail.to(STAFF) if m[1].startswith("Refund due")]) == 1
    [listed] = world.payments().of_contractor("C1")
    assert listed.refund_due and [u.transaction_id for u in listed.unapplied] == ["TX-LATE"]


def test_an_approval_of_another_amount_after_the_end_is_kept_for_refund_at_what_was_taken(world: World) -> None:
    payment = pending(world)
    world.callback(payment.payment_id, "declined", payment.total_due, None)
    taken = payment.total_due + D("10.00")  # the portal charged something else, after the payment ended
    result = world.callback(payment.payment_id, "approved", taken, "TX-ODD")
    assert result.refund_required is True
    stored = world.payments().receipt("C1", payment.payment_id)
    assert stored.status is PaymentStatus.DECLINED
    assert [(u.transaction_id, u.amount) for u in stored.unapplied] == [("TX-ODD", taken)]
    assert len([m for m in world.mail.to(STAFF) if m[1].startswith("Refund due")]) == 1
    # A live payment is still refused when the amount is not what it asked for.
    live = pending(world, "RES16-0686")
    with pytest.raises(InvalidInput):
        world.callback(live.payment_id, "approved", live.total_due + D("1.00"), "TX-LIVE")


def test_an_outcome_after_the_hold_records_expired_and_leaves_the_fees(world: World) -> None:
    payment = pending(world)
    world.clock.advance(minutes=HOLD_MINUTES)
    before = [(f.fee_id, f.held_by) for f in world.permit("RES16-0688").fees]
    assert world.callback(payment.payment_id, "declined", payment.total_due, None).status is PaymentStatus.EXPIRED
    stored = world.payments().receipt("C1", payment.payment_id)
    assert stored.status is PaymentStatus.EXPIRED and stored.portal_outcome == "declined"
    assert [(f.fee_id, f.held_by) for f in world.permit("RES16-0688").fees] == before


def test_bad_callbacks_change_nothing(world: World) -> None:
    payment = pending(world)
    before = world.snapshot()
    with pytest.raises(InvalidInput) as amount:
        world.callback(payment.payment_id, "approved", payment.total_fees)
    assert amount.value.errors[0].field == "amount"
    with pytest.raises(NotFound):
        world.callback("no-such-payment", "approved", D("1.00"))
    raw = build_callback_body(payment.payment_id, "approved", "TX-1", payment.total_due)
    with pytest.raises(InvalidInput):
        world.payments().handle_callback(raw, sign("not-the-secret", raw, int(NOW.timestamp())))
    with pytest.raises(Unavailable):
        world.payments(secret=None).handle_callback(raw, sign(SECRET, raw, int(NOW.timestamp())))
    assert world.snapshot() == before


def test_the_sandbox_applies_its_outcome_through_the_callback(world: World) -> None:
    payment = pending(world)
    with pytest.raises(NotFound):
        world.payments().sandbox_outcome("C2", payment.payment_id, "approved")
    paid = world.payments().sandbox_outcome("C1", payment.payment_id, "approved")
    assert paid.status is PaymentStatus.PAID and (paid.transaction_id or "").startswith("SBX-")
    with pytest.raises(Conflict) as ended:
        world.payments().sandbox_outcome("C1", payment.payment_id, "approved")
    assert ended.value.slug == "payment-ended"


def test_paid_items_are_newest_first_and_only_ones_own(world: World) -> None:
    first = pending(world)
    world.callback(first.payment_id, "approved", first.total_due)
    world.clock.advance(minutes=1)
    second = pending(world, "RES16-0686")
    assert [p.payment_id for p in world.payments().of_contractor("C1")] == [second.payment_id, first.payment_id]
    assert world.payments().of_contractor("C2") == []
    with pytest.raises(NotFound):
        world.payments().receipt("C2", first.payment_id)
    listed = world.payments().of_contractor("C1")[1]
    assert [line.fee_id for line in listed.lines] == [line.fee_id for line in first.lines]


def test_a_mail_that_bounces_leaves_the_payment_paid(world: World) -> None:
    class Bouncing:
        def send(self, to: str, subject: str, body: str) -> None:
            raise RuntimeError("MessageRejected")

    payment = pending(world)
    raw = build_callback_body(payment.payment_id, "approved", "TX-1", payment.total_due)
    service = PaymentService(world.uow(), world.clock, Bouncing(), SECRET, STAFF)
    assert service.handle_callback(raw, sign(SECRET, raw, int(NOW.timestamp()))).status is PaymentStatus.PAID
    assert world.payments().receipt("C1", payment.payment_id).applied


# --- races: another request lands between this one's read and its write --------------------------


def land_first(world: World, other: Any) -> None:
    """Run `other` (another request) just before the next write reaches the table."""
    real = world.items.write

    def write(actions: Any) -> None:
        world.items.write = real  # type: ignore[method-assign]
        other()
        real(actions)

    world.items.write = write  # type: ignore[method-assign]


def test_two_deliveries_of_one_approval_pay_once_and_mail_once(world: World) -> None:
    payment = pending(world)
    land_first(world, lambda: world.callback(payment.payment_id, "approved", payment.total_due, "TX-1"))
    result = world.callback(payment.payment_id, "approved", payment.total_due, "TX-1")
    assert (result.status, result.refund_required) == (PaymentStatus.PAID, False)
    assert all(f.paid_by == payment.payment_id for f in world.permit("RES16-0688").fees)
    assert len(world.mail.to("contractor@online.com")) == 1 and len(world.mail.to(STAFF)) == 1
    assert world.payments().receipt("C1", payment.payment_id).unapplied == []


def test_an_approval_racing_a_decline_that_landed_first_is_kept_for_refund(world: World) -> None:
    payment = pending(world)
    land_first(world, lambda: world.callback(payment.payment_id, "declined", payment.total_due, None))
    result = world.callback(payment.payment_id, "approved", payment.total_due, "TX-1")
    assert (result.status, result.refund_required) == (PaymentStatus.DECLINED, True)
    assert all(not f.paid and f.held_by is None for f in world.permit("RES16-0688").fees)
    stored = world.payments().receipt("C1", payment.payment_id)
    assert stored.status is PaymentStatus.DECLINED and [u.transaction_id for u in stored.unapplied] == ["TX-1"]


def test_a_checkout_racing_another_for_the_same_fees_holds_nothing(world: World) -> None:
    world.cart().add("C1", "RES16-0688")
    winner: list[Any] = []
    land_first(world, lambda: winner.append(world.checkout()))
    with pytest.raises(Conflict):
        world.checkout()  # its read is stale, its commit refused; read again, the cart is empty
    assert {f.held_by for f in world.permit("RES16-0688").fees} == {winner[0].payment_id}
    assert [p.payment_id for p in world.payments().of_contractor("C1")] == [winner[0].payment_id]
