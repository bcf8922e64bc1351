"""Security probe, issue 8: items 3 (an inspection booked on a fee only held) and 10 (duplicate requests).

The `clock` fixture stands on Tuesday 2026-11-24 09:00 in America/Los_Angeles.
"""

from __future__ import annotations

from typing import Any

import pytest
from boto3.dynamodb.conditions import Key

from tests.services.permit_helpers import active_permit, add_fee, mails

MAIL = "contractor@online.com"
NO = "RES16-0304"


def request(api: Any, token: str, date: str, kind: str = "FOOTING") -> Any:
    return api.post(f"/permits/{NO}/inspections", {"inspection_type": kind, "date": date}, token)


def inspections(api: Any, token: str) -> list[dict[str, Any]]:
    return api.get(f"/permits/{NO}", token).json_body["inspections"]


def slot_claims(table: Any) -> list[dict[str, Any]]:
    return table.query(KeyConditionExpression=Key("PK").eq(f"PERMIT#{NO}")
                       & Key("SK").begins_with("INSPECTION_SLOT#"))["Items"]


@pytest.fixture
def permit(api: Any, contractor: dict[str, str], staff_token: str) -> dict[str, Any]:
    return active_permit(api, staff_token, contractor["contractor_id"], permit_no=NO)


# --- item 3: a held fee is not a paid fee ---------------------------------------------------------


def test_a_fee_held_by_a_pending_payment_blocks_inspection_requests_until_it_is_paid(
        api: Any, contractor: dict[str, str], permit: dict[str, Any], staff_token: str) -> None:
    token = contractor["token"]
    add_fee(api, staff_token, NO, "REINSPECTION FEE", "65.00")
    assert api.post("/cart/items", {"permit_no": NO}, token).status_code == 200
    payment = api.post("/checkout", {"payment_method": "echeck"}, token).json_body
    row = next(r for r in api.get("/dashboard", token).json_body["active_permits"]["items"] if r["permit_no"] == NO)
    assert row["fees_due"] == "0.00" and row["inspection_request"] is False  # not due, yet no Request link

    refused = request(api, token, "2026-11-25")
    assert refused.status_code == 409, refused.body
    assert refused.headers["Content-Type"] == "application/problem+json"
    detail = refused.json_body["detail"]
    assert "$65.00" in detail and "payment in progress" in detail and "must be paid" in detail
    assert inspections(api, token) == [] and mails(api, MAIL, "Inspection requested") == []

    # The portal cancels: the fee is due again, and nothing was booked on the strength of the hold.
    cancelled = api.post(f"/sandbox/payments/{payment['payment_id']}", {"outcome": "cancelled"}, token)
    assert cancelled.json_body["status"] == "CANCELLED"
    assert {f["status"] for f in api.get(f"/permits/{NO}", token).json_body["fees"]} == {"DUE"}
    refused = request(api, token, "2026-11-25")
    assert refused.status_code == 409 and "Fees of $65.00 are due" in refused.json_body["detail"]

    # Paid: now it may be requested.
    api.post("/cart/items", {"permit_no": NO}, token)
    payment = api.post("/checkout", {"payment_method": "echeck"}, token).json_body
    paid = api.post(f"/sandbox/payments/{payment['payment_id']}", {"outcome": "approved"}, token)
    assert paid.json_body["status"] == "PAID"
    assert request(api, token, "2026-11-25").status_code == 201


# --- item 10: one request per permit, type and day ------------------------------------------------


def test_a_repeat_request_for_the_same_type_and_day_is_a_conflict_naming_the_first(
        api: Any, contractor: dict[str, str], permit: dict[str, Any], table: Any) -> None:
    token = contractor["token"]
    first = request(api, token, "2026-11-25").json_body
    repeat = request(api, token, "2026-11-25", "footing")
    assert repeat.status_code == 409, repeat.body
    assert repeat.headers["Content-Type"] == "application/problem+json"
    assert first["inspection_id"] in repeat.json_body["detail"] and "FOOTING" in repeat.json_body["detail"]
    assert inspections(api, token) == [first]
    assert len(mails(api, MAIL, "Inspection requested")) == 1
    # Another type that day, or the same type another day, is another slot.
    assert request(api, token, "2026-11-25", "FOUNDATION").status_code == 201
    assert request(api, token, "2026-11-26").status_code == 201
    assert {c["inspection_id"] for c in slot_claims(table)} == {i["inspection_id"] for i in inspections(api, token)}


def test_cancelling_frees_the_day_for_a_new_request(api: Any, contractor: dict[str, str], permit: dict[str, Any],
                                                   table: Any) -> None:
    token = contractor["token"]
    first = request(api, token, "2026-11-25").json_body
    assert request(api, token, "2026-11-25").status_code == 409
    assert api.delete(f"/inspections/{first['inspection_id']}", token).status_code == 204
    assert slot_claims(table) == []  # released with the cancellation
    again = request(api, token, "2026-11-25")
    assert again.status_code == 201, again.body
    assert again.json_body["inspection_id"] != first["inspection_id"]
    repeat = request(api, token, "2026-11-25")
    assert repeat.status_code == 409 and again.json_body["inspection_id"] in repeat.json_body["detail"]
    assert [c["inspection_id"] for c in slot_claims(table)] == [again.json_body["inspection_id"]]
    assert [i["status"] for i in inspections(api, token)].count("SCHEDULED") == 1


def test_a_result_frees_the_day_too(api: Any, contractor: dict[str, str], permit: dict[str, Any],
                                    staff_token: str, table: Any) -> None:
    # A visit called off (CANCELLED, recordable before the day) releases the claim with the result.
    token = contractor["token"]
    first = request(api, token, "2026-11-25").json_body
    assert request(api, token, "2026-11-25").status_code == 409
    staff = api.post(f"/staff/inspections/{first['inspection_id']}/result", {"result": "CANCELLED"}, staff_token)
    assert staff.status_code == 200, staff.body
    assert [c["inspection_id"] for c in slot_claims(table)] == []
    again = request(api, token, "2026-11-25")
    assert again.status_code == 201, again.body
    assert [c["inspection_id"] for c in slot_claims(table)] == [again.json_body["inspection_id"]]
    assert request(api, token, "2026-11-25").status_code == 409


def test_a_passed_result_frees_the_day_for_another_visit(api: Any, contractor: dict[str, str],
                                                         permit: dict[str, Any], staff_token: str,
                                                         table: Any) -> None:
    # A real result is recorded from the inspection's day on; on that day staff may book the type again.
    url = f"/staff/permits/{NO}/inspections"
    first = api.post(url, {"inspection_type": "FOOTING", "date": "2026-11-24"}, staff_token).json_body
    assert api.post(url, {"inspection_type": "FOOTING", "date": "2026-11-24"}, staff_token).status_code == 409
    passed = api.post(f"/staff/inspections/{first['inspection_id']}/result", {"result": "PASSED"}, staff_token)
    assert passed.status_code == 200, passed.body
    assert [c["inspection_id"] for c in slot_claims(table)] == []
    again = api.post(url, {"inspection_type": "FOOTING", "date": "2026-11-24"}, staff_token)
    assert again.status_code == 201, again.body
    assert [c["inspection_id"] for c in slot_claims(table)] == [again.json_body["inspection_id"]]


def test_staff_scheduling_holds_the_day_as_well(api: Any, contractor: dict[str, str], permit: dict[str, Any],
                                                staff_token: str) -> None:
    booked = api.post(f"/staff/permits/{NO}/inspections", {"inspection_type": "FOOTING", "date": "2026-11-25"},
                      staff_token).json_body
    repeat = request(api, contractor["token"], "2026-11-25")
    assert repeat.status_code == 409 and booked["inspection_id"] in repeat.json_body["detail"]
