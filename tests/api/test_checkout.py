"""POST /checkout: amounts frozen, every fee held in one transaction, a held fee refused to a second checkout."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.fee_lines import FeeStatus, fees_due
from chalicelib.store.fees import fee_from_item
from tests.conftest import seed_permit


def stored_fees(table: Any, permit_no: str) -> list[Any]:
    items = table.query(KeyConditionExpression="PK = :pk AND begins_with(SK, :fee)",
                        ExpressionAttributeValues={":pk": f"PERMIT#{permit_no}", ":fee": "FEE#"})["Items"]
    return [fee_from_item(i) for i in items]


def test_checkout_freezes_the_summary_and_sends_to_the_portal(api: Any, rich: dict[str, str], clock: Any) -> None:
    response = api.post("/checkout", {"payment_method": "credit_card"}, rich["token"])
    assert response.status_code == 201, response.body
    body = response.json_body
    assert body["status"] == "PENDING"
    assert body["total_fees"] == "1023.98" and body["total_due"] == "1054.70"
    assert body["convenience_fee"] == {"label": "Access Idaho Fee", "amount": "30.72"}
    assert body["redirect_url"] == f"http://127.0.0.1:8080/sandbox-pay.html?payment_id={body['payment_id']}"
    assert body["expires_at"] == "2026-11-24T17:30:00Z"
    assert len(body["items"][0]["fees"]) == 6


def test_held_fees_are_not_due_and_leave_the_cart(api: Any, rich: dict[str, str], table: Any, clock: Any) -> None:
    payment_id = api.post("/checkout", {"payment_method": "echeck"}, rich["token"]).json_body["payment_id"]
    fees = stored_fees(table, "RES16-0688")
    assert {f.held_by for f in fees} == {payment_id}
    assert {f.status(clock.now()) for f in fees} == {FeeStatus.PENDING}
    assert fees_due(fees, clock.now()) == 0  # the dashboard's FEES DUE leaves held fees out
    cart = api.get("/cart", rich["token"]).json_body
    assert (cart["items"], cart["total_fees"]) == ([], "0.00")
    # ... but the cart says where they went and until when, and the dashboard that they are held.
    assert cart["pending_payments"] == [{"payment_id": payment_id, "permit_nos": ["RES16-0688"],
                                         "total_due": "1025.48", "expires_at": "2026-11-24T17:30:00Z"}]
    row = next(r for r in api.get("/dashboard", rich["token"]).json_body["active_permits"]["items"]
               if r["permit_no"] == "RES16-0688")
    assert (row["fees_due"], row["fees_held"], row["payment_pending_until"]) == (
        "0.00", "1023.98", "2026-11-24T17:30:00Z")
    detail = api.get("/permits/RES16-0688", rich["token"]).json_body
    assert (detail["fees_held"], detail["payment_pending_until"]) == ("1023.98", "2026-11-24T17:30:00Z")
    refused = api.post("/cart/items", {"permit_no": "RES16-0688"}, rich["token"])
    assert refused.status_code == 409 and "pending payment" in refused.json_body["detail"]
    assert api.post("/cart/pay-all", token=rich["token"]).json_body["items"] == []


def test_a_fee_held_by_one_checkout_is_refused_to_a_second(api: Any, rich: dict[str, str], table: Any,
                                                           clock: Any) -> None:
    # Two tabs read the same cart; the first to check out holds the fees.
    from chalicelib import bootstrap
    from chalicelib.domain.errors import StaleRecord
    from chalicelib.domain.payments import HOLD

    stale_uow = bootstrap.uow()  # a checkout that reads the fees as due before the first one holds them
    stale_permit = stale_uow.permits.get("RES16-0688")
    service = bootstrap.checkout()
    first = service.checkout(rich["contractor_id"], "credit_card")
    api.post("/cart/items", {"permit_no": "RES16-0688"}, rich["token"])  # refused: held
    # Force a stale second checkout: put the permit back in the cart behind the service's back.
    table.put_item(Item={"PK": f"CONTRACTOR#{rich['contractor_id']}", "SK": "CART#RES16-0688",
                         "permit_no": "RES16-0688"})
    # The cart hides held fees, so the second checkout finds nothing to pay ...
    assert api.post("/checkout", {"payment_method": "echeck"}, rich["token"]).status_code == 409
    # ... and even a checkout that read the fees as due before the hold is refused by the transaction.
    fees = stale_permit.fees
    stale_permit.hold_fee(fees[0].fee_id, fees[0].amount, "stale", clock.now() + HOLD, clock.now())
    stale_uow.permits.save(stale_permit)
    with pytest.raises(StaleRecord):
        stale_uow.commit()
    assert {f.held_by for f in stored_fees(table, "RES16-0688")} == {first.payment.payment_id}


def test_an_expired_hold_is_due_again_without_any_job(api: Any, rich: dict[str, str], table: Any,
                                                      clock: Any) -> None:
    first = api.post("/checkout", {"payment_method": "echeck"}, rich["token"]).json_body
    clock.advance(minutes=20)
    api.get("/cart", rich["token"])  # keeps the session alive (30 minutes idle)
    clock.advance(minutes=10)
    assert api.get(f"/payments/{first['payment_id']}", rich["token"]).json_body["status"] == "EXPIRED"
    cart = api.post("/cart/items", {"permit_no": "RES16-0688"}, rich["token"]).json_body
    assert cart["total_fees"] == "1023.98"
    second = api.post("/checkout", {"payment_method": "echeck"}, rich["token"])
    assert second.status_code == 201
    assert {f.held_by for f in stored_fees(table, "RES16-0688")} == {second.json_body["payment_id"]}


def test_a_cart_too_big_for_one_transaction_is_refused(api: Any, contractor: dict[str, str], table: Any) -> None:
    seed_permit(table, contractor["contractor_id"], "RES17-0100", [("FEE", "1.00")] * 50)
    api.post("/cart/items", {"permit_no": "RES17-0100"}, contractor["token"])
    response = api.post("/checkout", {"payment_method": "echeck"}, contractor["token"])
    assert response.status_code == 409
    assert "more than one payment can take" in response.json_body["detail"]
    assert all(f.held_by is None for f in stored_fees(table, "RES17-0100"))


def test_payment_methods_list_the_configured_schedule(api, monkeypatch):
    response = api.get("/checkout/payment-methods")
    assert response.status_code == 200
    assert response.json_body == {"total": 3, "convenience_fee_label": "Access Idaho Fee", "items": [
        {"payment_method": "credit_card", "label": "Credit Card - 3%"},
        {"payment_method": "echeck", "label": "Electronic Check - $1.50"},
        {"payment_method": "egov_express", "label": "eGov - Express Checkout for Repeat Customers"}]}
    monkeypatch.setenv("FEE_SCHEDULE", '{"methods": {"echeck": {"flat": "0.95"}}}')
    assert api.get("/checkout/payment-methods").json_body["items"] == [
        {"payment_method": "echeck", "label": "Electronic Check - $0.95"}]


def test_pay_all_takes_no_fields(api, contractor):
    response = api.post("/cart/pay-all", {"x": 1}, contractor["token"])
    assert response.status_code == 400
    assert response.json_body["errors"] == [{"field": "x", "message": "is not a recognised field"}]
