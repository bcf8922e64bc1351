"""The back office's payments (docs/back-office.md, "Lists"; duty `payments`): every payment newest first,
a county day's, the refund-required queue, one payment with its lines, and a day's CSV export.

The `clock` fixture stands on Tuesday 2026-11-24 09:00 in America/Los_Angeles (17:00 UTC).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from chalicelib.domain.accounts import StaffRole
from tests.api.test_payments import keep_alive, post_callback
from tests.conftest import seed_permit, sign_in_as
from tests.services.permit_helpers import fresh_token


def clerk(api: Any) -> str:
    """A clerk signed in now (after the clock moved past an earlier session's idle expiry)."""
    return sign_in_as(api, StaffRole.CLERK, "cleo")


def listed(api: Any, token: str, query: str = "") -> Any:
    response = api.get(f"/staff/payments{query}", token)
    assert response.status_code == 200, response.body
    return response.json_body


def pay(api: Any, token: str, payment_id: str) -> Any:
    response = api.post(f"/sandbox/payments/{payment_id}", {"outcome": "approved"}, token)
    assert response.status_code == 200, response.body
    return response.json_body


def checkout(api: Any, token: str, permit_no: str, method: str = "echeck") -> Any:
    assert api.post("/cart/items", {"permit_no": permit_no}, token).status_code == 200
    response = api.post("/checkout", {"payment_method": method}, token)
    assert response.status_code == 201, response.body
    return response.json_body


def test_payments_are_listed_newest_first_with_company_receipt_and_permits(
        api: Any, rich: dict[str, str], pending: dict[str, Any], table: Any, clock: Any) -> None:
    paid = pay(api, rich["token"], pending["payment_id"])
    clock.advance(minutes=1)
    seed_permit(table, rich["contractor_id"], "RES16-0700", (("PLANNING", "65.00"),), address="12 W MAIN ST")
    second = checkout(api, rich["token"], "RES16-0700")
    token = clerk(api)
    body = listed(api, token)
    assert [p["payment_id"] for p in body["items"]] == [second["payment_id"], pending["payment_id"]]
    assert body["next_cursor"] is None
    newest, oldest = body["items"]
    assert oldest == {
        "payment_id": pending["payment_id"], "receipt_no": paid["receipt_no"], "contractor_id": rich["contractor_id"],
        "company_name": "RICH CONTRACTOR", "status": "PAID", "total_fees": "1023.98", "total_due": "1054.70",
        "convenience_fee": "30.72", "payment_method": "credit_card", "created_at": "2026-11-24T17:00:00Z",
        "paid_at": "2026-11-24T17:00:00Z", "transaction_id": paid["transaction_id"], "permit_nos": ["RES16-0688"],
        "refund_required": False}
    assert (newest["status"], newest["total_due"], newest["paid_at"], newest["permit_nos"]) == (
        "PENDING", "66.50", None, ["RES16-0700"])
    # Paged: one at a time, the cursor carrying on where the page stopped.
    first = listed(api, token, "?limit=1")
    assert [p["payment_id"] for p in first["items"]] == [second["payment_id"]] and first["next_cursor"]
    rest = listed(api, token, f"?limit=1&cursor={first['next_cursor']}")
    assert [p["payment_id"] for p in rest["items"]] == [pending["payment_id"]] and rest["next_cursor"] is None


def test_a_day_is_the_county_s_day_not_utc_s(api: Any, rich: dict[str, str], pending: dict[str, Any],
                                             table: Any, clock: Any) -> None:
    pay(api, rich["token"], pending["payment_id"])
    clock.advance(hours=14, minutes=30)  # 23:30 Tuesday in the county, already Wednesday in UTC
    token = fresh_token(api, rich["contractor_id"])
    seed_permit(table, rich["contractor_id"], "RES16-0700", (("PLANNING", "65.00"),))
    late = checkout(api, token, "RES16-0700")
    clock.advance(hours=1)  # 00:30 Wednesday
    token = fresh_token(api, rich["contractor_id"])
    seed_permit(table, rich["contractor_id"], "RES16-0701", (("PLANNING", "35.00"),))
    wednesday = checkout(api, token, "RES16-0701")
    staff = clerk(api)
    assert [p["payment_id"] for p in listed(api, staff, "?date=2026-11-24")["items"]] == [
        late["payment_id"], pending["payment_id"]]
    assert [p["payment_id"] for p in listed(api, staff, "?date=2026-11-25")["items"]] == [wednesday["payment_id"]]
    assert listed(api, staff, "?date=2026-11-23")["items"] == []
    # A page of a day stops at the day's start, and says there is no more.
    page = listed(api, staff, "?date=2026-11-25&limit=1")
    assert page["next_cursor"] is None


def test_the_refund_queue_lists_only_money_that_paid_nothing(
        api: Any, rich: dict[str, str], pending: dict[str, Any], table: Any, clock: Any) -> None:
    # 1: money approved after another payment took its fees (the payment itself is refunded).
    keep_alive(api, rich["token"], clock, 40)
    second = checkout(api, rich["token"], "RES16-0688")
    assert post_callback(api, clock, second["payment_id"], "approved", "1025.48", "TX-2").status_code == 200
    assert post_callback(api, clock, pending["payment_id"], "approved", "1054.70", "TX-1").status_code == 200
    # 2: a declined payment, approved afterwards twice (two refunds of one payment).
    clock.advance(minutes=1)
    seed_permit(table, rich["contractor_id"], "RES16-0700", (("PLANNING", "65.00"),))
    declined = checkout(api, rich["token"], "RES16-0700")
    assert post_callback(api, clock, declined["payment_id"], "declined", "66.50", None).status_code == 200
    for transaction in ("TX-LATE-1", "TX-LATE-2"):
        assert post_callback(api, clock, declined["payment_id"], "approved", "66.50", transaction).status_code == 200
    token = clerk(api)
    queue = listed(api, token, "?refund_required=true")
    assert [(p["payment_id"], p["status"], p["refund_required"], p["refund_amount"]) for p in queue["items"]] == [
        (declined["payment_id"], "DECLINED", True, "133.00"),
        (pending["payment_id"], "PAID", True, "1054.70")]
    assert queue["next_cursor"] is None
    # The whole list shows the same, with the payment that paid (no refund) between them.
    every = listed(api, token)["items"]
    assert [(p["payment_id"], p["refund_required"]) for p in every] == [
        (declined["payment_id"], True), (second["payment_id"], False), (pending["payment_id"], True)]
    assert "refund_amount" not in every[1]
    assert [p["payment_id"] for p in listed(api, token, "?refund_required=false")["items"]] == [second["payment_id"]]
    # Paged one payment at a time: both refunds of one payment stay on its page.
    first = listed(api, token, "?refund_required=true&limit=1")
    assert [(p["payment_id"], p["refund_amount"]) for p in first["items"]] == [(declined["payment_id"], "133.00")]
    rest = listed(api, token, f"?refund_required=true&limit=1&cursor={first['next_cursor']}")
    assert [p["payment_id"] for p in rest["items"]] == [pending["payment_id"]] and rest["next_cursor"] is None
    # The detail names each transaction to refund.
    detail = api.get(f"/staff/payments/{declined['payment_id']}", token).json_body
    assert [(u["transaction_id"], u["amount"]) for u in detail["unapplied_transactions"]] == [
        ("TX-LATE-1", "66.50"), ("TX-LATE-2", "66.50")]


def test_a_supervisor_records_a_refund_and_it_leaves_the_queue(
        api: Any, rich: dict[str, str], pending: dict[str, Any], table: Any, clock: Any, staff_token: str) -> None:
    # A declined payment approved afterwards twice, and a payment approved after another took its fees.
    post_callback(api, clock, pending["payment_id"], "declined", "1054.70", None)
    for transaction in ("TX-LATE-1", "TX-LATE-2"):
        assert post_callback(api, clock, pending["payment_id"], "approved", "1054.70", transaction).status_code == 200
    url = f"/staff/payments/{pending['payment_id']}/refund"
    # A clerk sees the queue but only a supervisor records refunds.
    refused = api.post(url, {"reference": "RF-1"}, clerk(api))
    assert refused.status_code == 403 and refused.json_body["type"].endswith("/staff-role")
    assert api.post(url, {}, staff_token).json_body["errors"][0]["field"] == "reference"
    assert api.post("/staff/payments/no-such/refund", {"reference": "RF-1"}, staff_token).status_code == 404
    before = listed(api, staff_token, "?refund_required=true")["items"]
    assert [(p["payment_id"], p["refund_amount"]) for p in before] == [(pending["payment_id"], "2109.40")]

    done = api.post(url, {"reference": "  Portal   refund RF-77 "}, staff_token)
    assert done.status_code == 200, done.body
    body = done.json_body
    assert body["refund_required"] is False and "refund_amount" not in body
    assert [(r["by"], r["reference"], r["amount"]) for r in body["refunds"]] == [("admin", "Portal refund RF-77",
                                                                                 "2109.40")]
    # Out of the queue (its entries are gone, so the queue's Query no longer reads it) and off Today.
    assert listed(api, staff_token, "?refund_required=true")["items"] == []
    assert api.get("/staff/today", staff_token).json_body["refunds_required"] == []
    entries = table.query(IndexName="GSI2", KeyConditionExpression="GSI2PK = :q",
                          ExpressionAttributeValues={":q": "REFUNDS_REQUIRED"})["Items"]
    assert entries == []
    # The ledger keeps both approvals, and the trail who refunded what.
    detail = api.get(f"/staff/payments/{pending['payment_id']}", staff_token).json_body
    assert [u["transaction_id"] for u in detail["unapplied_transactions"]] == ["TX-LATE-1", "TX-LATE-2"]
    trail = api.get(f"/staff/audit?subject=payment:{pending['payment_id']}", staff_token).json_body["items"]
    assert [(e["by"], e["action"], e["after"]["refunded"]) for e in trail] == [("admin", "payment.refund", "2109.40")]
    # Nothing more is due: a second record is refused; a later approval makes only its own amount due.
    again = api.post(url, {"reference": "RF-78"}, staff_token)
    assert again.status_code == 409 and again.json_body["type"].endswith("/refund-not-due")
    assert post_callback(api, clock, pending["payment_id"], "approved", "1054.70", "TX-LATE-3").status_code == 200
    queue = listed(api, staff_token, "?refund_required=true")["items"]
    assert [(p["payment_id"], p["refund_amount"]) for p in queue] == [(pending["payment_id"], "1054.70")]


def test_a_payment_s_detail_carries_every_ledger_line(api: Any, rich: dict[str, str],
                                                      pending: dict[str, Any]) -> None:
    pay(api, rich["token"], pending["payment_id"])
    response = api.get(f"/staff/payments/{pending['payment_id']}", clerk(api))
    assert response.status_code == 200, response.body
    detail = response.json_body
    assert detail["company_name"] == "RICH CONTRACTOR" and detail["status"] == "PAID"
    assert [(line["description"], line["amount"]) for line in detail["lines"]] == [
        ("MECHANICAL PERMIT", "96.00"), ("PLAN REVIEW FEE BALANCE", "65.08"), ("BUILDING PERMIT FEE", "650.75"),
        ("PLANNING", "35.00"), ("RES/GAR/ADD PARTIAL PLAN REVIEW FEE", "130.15"),
        ("FIRE DISTRICT INSPECTION FEE", "47.00")]
    assert {line["permit_no"] for line in detail["lines"]} == {"RES16-0688"}
    assert detail["convenience_label"] and detail["unapplied_transactions"] == []


def test_export_is_a_csv_of_the_day_s_payments_with_exact_money(
        api: Any, rich: dict[str, str], pending: dict[str, Any], table: Any, clock: Any) -> None:
    paid = pay(api, rich["token"], pending["payment_id"])
    clock.advance(minutes=2)
    seed_permit(table, rich["contractor_id"], "RES16-0700", (("PLANNING", "0.10"), ("FILING", "0.20")))
    small = checkout(api, rich["token"], "RES16-0700")
    clock.advance(days=1)
    token = clerk(api)
    response = api.get("/staff/payments/export?date=2026-11-24", token)
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="payments-2026-11-24.csv"'
    rows = list(csv.DictReader(io.StringIO(response.body.decode())))
    assert [r["payment_id"] for r in rows] == [pending["payment_id"], small["payment_id"]]  # in the day's order
    first, second = rows
    assert {k: first[k] for k in ("receipt_no", "company_name", "permit_nos", "payment_method", "total_fees",
                                  "convenience_fee", "total_due", "status", "transaction_id", "refund_required",
                                  "created_at", "paid_at")} == {
        "receipt_no": paid["receipt_no"], "company_name": "RICH CONTRACTOR", "permit_nos": "RES16-0688",
        "payment_method": "credit_card", "total_fees": "1023.98", "convenience_fee": "30.72", "total_due": "1054.70",
        "status": "PAID", "transaction_id": paid["transaction_id"], "refund_required": "no",
        "created_at": "2026-11-24 09:00:00", "paid_at": "2026-11-24 09:00:00"}
    assert (second["total_fees"], second["total_due"], second["status"]) == ("0.30", "1.80", "EXPIRED")
    # Today (the default) has none yet: the header alone.
    today = api.get("/staff/payments/export", token)
    assert today.status_code == 200 and today.body.decode().splitlines() == [
        ",".join(next(csv.reader(io.StringIO(response.body.decode()))))]
    assert 'filename="payments-2026-11-25.csv"' in today.headers["Content-Disposition"]


def test_a_cell_that_would_be_a_spreadsheet_formula_is_quoted() -> None:
    from chalicelib.api.staff_payments import _cell

    assert [_cell(v) for v in ("=HYPERLINK(1)", "+1", "@SUM", "ACME", "65.00", None)] == [
        "'=HYPERLINK(1)", "'+1", "'@SUM", "ACME", "65.00", ""]


@pytest.mark.parametrize(("query", "field"), [
    ("?date=2026-13-01", "date"), ("?date=11/24/2026", "date"), ("?date=2026-11-24T00:00", "date"),
    ("?refund_required=yes", "refund_required"), ("?limit=500", "limit"), ("?cursor=e30", "cursor"),
    ("?refund_required=true&cursor=e30", "cursor"),
])
def test_malformed_queries_are_refused_naming_the_parameter(api: Any, query: str, field: str) -> None:
    response = api.get(f"/staff/payments{query}", clerk(api))
    assert response.status_code == 400, response.body
    assert [e["field"] for e in response.json_body["errors"]] == [field]
    export = api.get("/staff/payments/export?date=2026-02-30", clerk(api))
    assert export.status_code == 400 and export.json_body["errors"][0]["field"] == "date"


def test_an_unknown_payment_is_404(api: Any) -> None:
    token = clerk(api)
    for payment_id in ("0" * 32, "x" * 100):
        assert api.get(f"/staff/payments/{payment_id}", token).status_code == 404


def test_an_inspector_and_a_contractor_see_no_payments(api: Any, rich: dict[str, str],
                                                       pending: dict[str, Any]) -> None:
    inspector = sign_in_as(api, StaffRole.INSPECTOR)
    for path in ("/staff/payments", f"/staff/payments/{pending['payment_id']}", "/staff/payments/export"):
        assert api.get(path, inspector).status_code == 403
        assert api.get(path, rich["token"]).status_code == 403


def test_a_payment_written_before_the_lists_joins_them_when_next_saved(
        api: Any, rich: dict[str, str], pending: dict[str, Any], table: Any, clock: Any) -> None:
    """Every payment write path registers the list's index attributes: a root written without them
    (before this index) gains them with its next change, and an approval kept beside it still saves."""
    key = {"PK": f"PAYMENT#{pending['payment_id']}", "SK": "PAYMENT"}
    table.update_item(Key=key, UpdateExpression="REMOVE GSI2PK, GSI2SK")
    token = clerk(api)
    assert listed(api, token)["items"] == []
    assert post_callback(api, clock, pending["payment_id"], "declined", "1054.70", None).status_code == 200
    assert [p["payment_id"] for p in listed(api, token)["items"]] == [pending["payment_id"]]
    assert post_callback(api, clock, pending["payment_id"], "approved", "1054.70", "TX-A").status_code == 200
    late = {"PK": key["PK"], "SK": "UNAPPLIED#TX-A"}
    table.update_item(Key=late, UpdateExpression="REMOVE GSI2PK, GSI2SK")  # an approval kept before the queue
    assert post_callback(api, clock, pending["payment_id"], "approved", "1054.70", "TX-B").status_code == 200
    (row,) = listed(api, token, "?refund_required=true")["items"]
    assert row["payment_id"] == pending["payment_id"] and row["refund_amount"] == "1054.70"  # TX-B's entry
    detail = api.get(f"/staff/payments/{pending['payment_id']}", token).json_body
    assert [u["transaction_id"] for u in detail["unapplied_transactions"]] == ["TX-A", "TX-B"]
