"""The whole payment flow through the real staff API, the dashboard and the sandbox portal."""

from __future__ import annotations

from typing import Any

from tests.conftest import GUIDE_FEES
from tests.services.permit_helpers import add_fee, make_permit


def test_staff_fees_to_paid_and_ready_to_issue(api: Any, staff_token: str, contractor: dict[str, str]) -> None:
    token = contractor["token"]
    permit = make_permit(api, staff_token, contractor["contractor_id"], address="1968 E DODD RD",
                         status="READY TO ISSUE")
    no = permit["permit_no"]
    for description, amount in GUIDE_FEES:
        add_fee(api, staff_token, no, description, amount)

    def dashboard_fees_due() -> str:
        rows = api.get("/dashboard", token).json_body["active_permits"]["items"]
        return next(r["fees_due"] for r in rows if r["permit_no"] == no)

    assert dashboard_fees_due() == "1023.98"
    cart = api.post("/cart/pay-all", token=token).json_body
    assert cart["total_fees"] == "1023.98"
    summary = api.get("/checkout/summary?payment_method=echeck", token).json_body
    assert (summary["convenience_fee"]["amount"], summary["total_due"]) == ("1.50", "1025.48")

    payment = api.post("/checkout", {"payment_method": "echeck"}, token).json_body
    assert dashboard_fees_due() == "0.00"  # held by the pending payment: not due
    detail = api.get(f"/permits/{no}", token).json_body
    assert {f["status"] for f in detail["fees"]} == {"PENDING"}
    assert api.post(f"/staff/permits/{no}/issue", None, staff_token).status_code == 409

    paid = api.post(f"/sandbox/payments/{payment['payment_id']}", {"outcome": "approved"}, token).json_body
    assert paid["status"] == "PAID" and paid["total_due"] == "1025.48"
    assert {f["status"] for f in api.get(f"/permits/{no}", token).json_body["fees"]} == {"PAID"}
    assert dashboard_fees_due() == "0.00"
    # Payment does not issue the permit; staff do, and now may.
    assert api.get(f"/permits/{no}", token).json_body["status"] == "READY TO ISSUE"
    assert api.post(f"/staff/permits/{no}/issue", None, staff_token).status_code == 200
    assert api.get("/payments", token).json_body["items"][0]["payment_id"] == payment["payment_id"]
