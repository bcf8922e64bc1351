"""The largest amount one payment may carry (issue 8, item 5): one limit, enforced before money can move.

A payment the portal cannot report back (its callback refuses amounts over the limit) could neither be paid
nor cancelled: checkout, the cart and Pay All Fees refuse such a total up front, and a pending payment that
already carries one (legacy data) can always be cancelled or declined, releasing its fees.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain.fees import PaymentMethod
from chalicelib.domain.money import MAX_AMOUNT, display_money
from chalicelib.domain.payments import Payment, PaymentLine, hold_fees
from tests.api.test_payments import fees_of, post_callback, table_snapshot
from tests.conftest import seed_permit
from tests.services.permit_helpers import add_fee, make_permit

PERMIT = "RES16-0688"
TOP = str(MAX_AMOUNT)  # "9999999.99", the largest fee staff may enter
TWO_TOP_FEES = (("BUILDING PERMIT FEE", TOP), ("PLAN REVIEW FEE", TOP))


def payments_in(table: Any) -> list[Any]:
    return [i for i in table.scan()["Items"] if str(i["PK"]).startswith("PAYMENT#")]


def assert_limit_problem(response: Any) -> None:
    assert response.status_code == 409, response.body
    assert response.headers["Content-Type"].startswith("application/problem+json")
    detail = response.json_body["detail"]
    assert display_money(MAX_AMOUNT) in detail and "separate" in detail, detail


@pytest.mark.parametrize("method", ["credit_card", "echeck", "egov_express"])
def test_checkout_of_two_top_fees_is_refused_and_holds_nothing(api: Any, contractor: dict[str, str], table: Any,
                                                              clock: Any, method: str) -> None:
    """Two fees of 9,999,999.99 already in a cart (put there before the rule, or grown by a fee staff added
    since): checkout answers 409 naming the limit, and nothing is held, written or removed."""
    seed_permit(table, contractor["contractor_id"], PERMIT, TWO_TOP_FEES)
    uow = deps_uow()
    uow.cart.add(contractor["contractor_id"], [PERMIT], clock.now())
    uow.commit()
    before = table_snapshot(table)

    response = api.post("/checkout", {"payment_method": method}, contractor["token"])

    assert_limit_problem(response)
    assert table_snapshot(table) == before
    assert payments_in(table) == []
    assert all(f.is_due(clock.now()) and f.held_by is None for f in fees_of(table, PERMIT))


def test_checkout_counts_the_convenience_fee_against_the_limit(api: Any, contractor: dict[str, str], table: Any,
                                                               clock: Any) -> None:
    """Fees just under the limit plus a 3% card fee would be over it: refused; e-check's 1.50 still fits."""
    seed_permit(table, contractor["contractor_id"], PERMIT, [("BUILDING PERMIT FEE", "9999990.00")])
    assert api.post("/cart/items", {"permit_no": PERMIT}, contractor["token"]).status_code == 200

    assert_limit_problem(api.post("/checkout", {"payment_method": "credit_card"}, contractor["token"]))
    assert payments_in(table) == []

    paid_by_echeck = api.post("/checkout", {"payment_method": "echeck"}, contractor["token"])
    assert paid_by_echeck.status_code == 201, paid_by_echeck.body
    assert paid_by_echeck.json_body["total_due"] == "9999991.50"


def test_adding_to_the_cart_beyond_the_limit_is_refused(api: Any, contractor: dict[str, str], table: Any) -> None:
    seed_permit(table, contractor["contractor_id"], PERMIT, TWO_TOP_FEES)
    seed_permit(table, contractor["contractor_id"], "RES16-0686", [("BUILDING PERMIT FEE", "6000000.00")])
    seed_permit(table, contractor["contractor_id"], "RES16-0687", [("BUILDING PERMIT FEE", "6000000.00")])

    # One permit whose own fees are over the limit.
    assert_limit_problem(api.post("/cart/items", {"permit_no": PERMIT}, contractor["token"]))
    # A permit that fits alone, but not with what is already in the cart.
    assert api.post("/cart/items", {"permit_no": "RES16-0686"}, contractor["token"]).status_code == 200
    assert_limit_problem(api.post("/cart/items", {"permit_no": "RES16-0687"}, contractor["token"]))

    cart = api.get("/cart", contractor["token"]).json_body
    assert [i["permit_no"] for i in cart["items"]] == ["RES16-0686"] and cart["total_fees"] == "6000000.00"


def test_pay_all_beyond_the_limit_is_refused_and_adds_nothing(api: Any, contractor: dict[str, str],
                                                              table: Any) -> None:
    seed_permit(table, contractor["contractor_id"], "RES16-0686", [("BUILDING PERMIT FEE", "6000000.00")])
    seed_permit(table, contractor["contractor_id"], "RES16-0687", [("BUILDING PERMIT FEE", "6000000.00")])

    assert_limit_problem(api.post("/cart/pay-all", {}, contractor["token"]))

    cart = api.get("/cart", contractor["token"]).json_body
    assert cart == {"items": [], "total_fees": "0.00", "pending_payments": []}


def test_staff_cannot_add_a_fee_above_the_limit(api: Any, contractor: dict[str, str], staff_token: str) -> None:
    """Fee lines are bounded by the same limit (the staff path's parse_money default)."""
    permit = make_permit(api, staff_token, contractor["contractor_id"])
    assert add_fee(api, staff_token, permit["permit_no"], "Building permit fee", TOP)["amount"] == TOP
    response = api.post(f"/staff/permits/{permit['permit_no']}/fees",
                        {"description": "X", "amount": "10000000.00"}, staff_token)
    assert response.status_code == 400 and response.json_body["errors"][0]["field"] == "amount"


def deps_uow() -> Any:
    from chalicelib import bootstrap

    return bootstrap.uow()


def legacy_pending_payment(table: Any, contractor_id: str, clock: Any) -> Payment:
    """A PENDING payment of 20,599,999.98 holding two 9,999,999.99 fees, written straight into the table
    (as a checkout before the limit could have left it)."""
    seed_permit(table, contractor_id, PERMIT, TWO_TOP_FEES)
    uow = deps_uow()
    now = clock.now()
    permit = uow.permits.get(PERMIT)
    assert permit is not None
    total = Decimal("19999999.98")
    payment = Payment(  # the constructor, not Payment.open: no checkout rule applied
        payment_id="legacy0000000000000000000000000a", contractor_id=contractor_id,
        payment_method=PaymentMethod.CREDIT_CARD, total_fees=total, convenience_fee=Decimal("600000.00"),
        convenience_label="Access Idaho Fee", total_due=Decimal("20599999.98"), created_at=now,
        expires_at=now + timedelta(minutes=30),
        lines=[PaymentLine(f.fee_id, PERMIT, "1968 E DODD RD", f.description, f.amount) for f in permit.fees],
    )
    for changed in hold_fees(payment, {PERMIT: permit}, now):
        uow.permits.save(changed)
    uow.payments.save(payment)
    uow.commit()
    assert all(f.held_by == payment.payment_id for f in fees_of(table, PERMIT))
    return payment


@pytest.mark.parametrize(("outcome", "status"), [("cancelled", "CANCELLED"), ("declined", "DECLINED")])
def test_a_pending_payment_over_the_limit_can_be_cancelled_from_the_sandbox(
        api: Any, contractor: dict[str, str], table: Any, clock: Any, outcome: str, status: str) -> None:
    payment = legacy_pending_payment(table, contractor["contractor_id"], clock)

    response = api.post(f"/sandbox/payments/{payment.payment_id}", {"outcome": outcome}, contractor["token"])

    assert response.status_code == 200, response.body
    assert response.json_body["status"] == status and response.json_body["total_due"] == "20599999.98"
    assert all(f.is_due(clock.now()) and f.held_by is None for f in fees_of(table, PERMIT))


def test_a_pending_payment_over_the_limit_can_be_cancelled_by_the_portal(
        api: Any, contractor: dict[str, str], table: Any, clock: Any) -> None:
    payment = legacy_pending_payment(table, contractor["contractor_id"], clock)

    response = post_callback(api, clock, payment.payment_id, "cancelled", "20599999.98", None)

    assert response.status_code == 200, response.body
    assert response.json_body["status"] == "CANCELLED"
    assert all(f.is_due(clock.now()) and f.held_by is None for f in fees_of(table, PERMIT))


def test_a_callback_for_a_payment_over_the_limit_still_needs_its_exact_amount(
        api: Any, contractor: dict[str, str], table: Any, clock: Any) -> None:
    payment = legacy_pending_payment(table, contractor["contractor_id"], clock)
    before = table_snapshot(table)

    response = post_callback(api, clock, payment.payment_id, "cancelled", "20599999.97", None)

    assert response.status_code == 400 and response.json_body["errors"][0]["field"] == "amount"
    assert table_snapshot(table) == before
