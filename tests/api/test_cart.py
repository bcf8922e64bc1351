"""The cart: what is due now, Pay All Fees, and the Checkout Summary with the guide's figures."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import complete_setup, register, seed_permit


@pytest.fixture
def rich(api: Any, contractor: dict[str, str], table: Any) -> dict[str, str]:
    seed_permit(table, contractor["contractor_id"], "RES16-0688")
    seed_permit(table, contractor["contractor_id"], "RES16-0686", [("BUILDING PERMIT FEE", "65.00")],
                address="2917 S SCHOOL RD", status="ACTIVE")
    seed_permit(table, contractor["contractor_id"], "RES16-0601", [], address="14927 S HILL RD", status="CANCELLED")
    return contractor


def test_empty_cart(api: Any, rich: dict[str, str]) -> None:
    response = api.get("/cart", rich["token"])
    assert response.status_code == 200
    assert response.json_body == {"items": [], "total_fees": "0.00", "pending_payments": []}


def test_adding_a_permit_puts_every_due_fee_in_the_cart(api: Any, rich: dict[str, str]) -> None:
    response = api.post("/cart/items", {"permit_no": "RES16-0688"}, rich["token"])
    assert response.status_code == 200, response.body
    body = response.json_body
    assert body["total_fees"] == "1023.98"
    [item] = body["items"]
    assert item["permit_no"] == "RES16-0688" and item["address"] == "1968 E DODD RD"
    assert [f["amount"] for f in item["fees"]] == ["96.00", "65.08", "650.75", "35.00", "130.15", "47.00"]
    assert item["subtotal"] == "1023.98"
    assert api.get("/cart", rich["token"]).json_body == body


def test_permit_numbers_are_case_insensitive_and_adding_twice_keeps_one(api: Any, rich: dict[str, str]) -> None:
    api.post("/cart/items", {"permit_no": "res16-0686"}, rich["token"])
    body = api.post("/cart/items", {"permit_no": "RES16-0686"}, rich["token"]).json_body
    assert [i["permit_no"] for i in body["items"]] == ["RES16-0686"]
    assert body["total_fees"] == "65.00"


def test_another_contractors_permit_is_404(api: Any, rich: dict[str, str], staff_token: str, table: Any) -> None:
    other_id, pin = register(api, staff_token, "OTHER BUILDER", "ZZZ999", "other@example.com")
    other_token = complete_setup(api, other_id, pin)
    assert api.post("/cart/items", {"permit_no": "RES16-0688"}, other_token).status_code == 404
    assert api.post("/cart/items", {"permit_no": "NOPE-0001"}, rich["token"]).status_code == 404


def test_a_permit_with_nothing_due_is_409(api: Any, rich: dict[str, str]) -> None:
    response = api.post("/cart/items", {"permit_no": "RES16-0601"}, rich["token"])
    assert response.status_code == 409
    assert "no fees due" in response.json_body["detail"]


def test_bad_bodies_are_400_and_staff_are_403(api: Any, rich: dict[str, str], staff_token: str) -> None:
    assert api.post("/cart/items", {"permit_no": "RES16-0688", "x": 1}, rich["token"]).status_code == 400
    assert api.post("/cart/items", {}, rich["token"]).status_code == 400
    assert api.get("/cart", staff_token).status_code == 403
    assert api.get("/cart").status_code == 401


def test_delete_removes_a_permit(api: Any, rich: dict[str, str]) -> None:
    api.post("/cart/items", {"permit_no": "RES16-0688"}, rich["token"])
    api.post("/cart/items", {"permit_no": "RES16-0686"}, rich["token"])
    body = api.delete("/cart/items/RES16-0688", rich["token"]).json_body
    assert [i["permit_no"] for i in body["items"]] == ["RES16-0686"]
    assert api.delete("/cart/items/RES16-0688", rich["token"]).status_code == 200  # idempotent


def test_pay_all_fees_takes_every_permit_with_fees_due(api: Any, rich: dict[str, str]) -> None:
    body = api.post("/cart/pay-all", token=rich["token"]).json_body
    assert [i["permit_no"] for i in body["items"]] == ["RES16-0686", "RES16-0688"]
    assert body["total_fees"] == "1088.98"
    assert api.get("/cart", rich["token"]).json_body == body


@pytest.mark.parametrize(("method", "fee", "total"), [
    ("credit_card", "30.72", "1054.70"), ("echeck", "1.50", "1025.48"), ("egov_express", "30.72", "1054.70")])
def test_checkout_summary_holds_the_guides_figures(api: Any, rich: dict[str, str], method: str, fee: str,
                                                   total: str) -> None:
    api.post("/cart/items", {"permit_no": "RES16-0688"}, rich["token"])
    response = api.get(f"/checkout/summary?payment_method={method}", rich["token"])
    assert response.status_code == 200, response.body
    body = response.json_body
    assert body["total_fees"] == "1023.98"
    assert body["payment_method"] == method
    assert body["convenience_fee"] == {"label": "Access Idaho Fee", "amount": fee}
    assert body["total_due"] == total
    assert len(body["items"][0]["fees"]) == 6


@pytest.mark.parametrize(("amount", "fee", "total"), [
    ("0.50", "0.02", "0.52"),      # 0.015 rounds half-up
    ("16.50", "0.50", "17.00"),    # 0.495
    ("10.05", "0.30", "10.35"),    # 0.3015
    ("0.49", "0.01", "0.50"),      # 0.0147
])
def test_half_cent_rounding_through_the_api(api: Any, contractor: dict[str, str], table: Any, amount: str, fee: str,
                                            total: str) -> None:
    seed_permit(table, contractor["contractor_id"], "RES17-0001", [("PLANNING", amount)])
    api.post("/cart/items", {"permit_no": "RES17-0001"}, contractor["token"])
    body = api.get("/checkout/summary?payment_method=credit_card", contractor["token"]).json_body
    assert (body["convenience_fee"]["amount"], body["total_due"]) == (fee, total)


def test_unknown_method_is_400_and_empty_cart_is_409(api: Any, rich: dict[str, str]) -> None:
    response = api.get("/checkout/summary?payment_method=bitcoin", rich["token"])
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert api.get("/checkout/summary?payment_method=echeck", rich["token"]).status_code == 409
    assert api.post("/checkout", {"payment_method": "echeck"}, rich["token"]).status_code == 409
    api.post("/cart/items", {"permit_no": "RES16-0688"}, rich["token"])
    assert api.post("/checkout", {"payment_method": "bitcoin"}, rich["token"]).status_code == 400


def test_a_fee_paid_or_held_since_it_was_added_leaves_the_cart(api: Any, rich: dict[str, str], table: Any,
                                                              clock: Any) -> None:
    api.post("/cart/items", {"permit_no": "RES16-0688"}, rich["token"])
    key = {"PK": "PERMIT#RES16-0688", "SK": "FEE#RES16-0688-F00"}
    table.update_item(Key=key, UpdateExpression="SET #s = :paid", ExpressionAttributeNames={"#s": "status"},
                      ExpressionAttributeValues={":paid": "PAID"})
    held_until = int(clock.now().timestamp()) + 600
    table.update_item(Key={"PK": "PERMIT#RES16-0688", "SK": "FEE#RES16-0688-F01"},
                      UpdateExpression="SET held_by = :p, hold_expires_at = :t",
                      ExpressionAttributeValues={":p": "another", ":t": held_until})
    body = api.get("/cart", rich["token"]).json_body
    assert len(body["items"][0]["fees"]) == 4
    assert body["total_fees"] == "862.90"  # 1023.98 - 96.00 - 65.08
    clock.advance(minutes=10)  # the hold ends: the fee is due again, no job needed
    assert api.get("/cart", rich["token"]).json_body["total_fees"] == "927.98"
