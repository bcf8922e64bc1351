"""The payment portal's callback, Paid Items, receipts and the e-mails: every fee paid exactly once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chalicelib.payments.provider import build_callback_body
from chalicelib.payments.signature import sign
from chalicelib.store.fees import fee_from_item
from tests.conftest import complete_setup, register, seed_permit

SECRET = "sandbox-secret"
STAFF_MAIL = "permits-staff@example.gov"


def post_callback(api: Any, clock: Any, payment_id: str, outcome: str, amount: str, transaction_id: str | None = "TX1",
                  secret: str = SECRET, skew: int = 0) -> Any:
    raw = build_callback_body(payment_id, outcome, transaction_id, Decimal(amount))
    header = sign(secret, raw, int(clock.now().timestamp()) + skew)
    return api.call("POST", "/payments/callback", raw=raw, headers={"X-Payment-Signature": header})


def table_snapshot(table: Any) -> list[Any]:
    items = table.scan()["Items"]
    return sorted((i for i in items if not str(i["PK"]).startswith(("SESSION#", "OUTBOX#"))),
                  key=lambda i: (i["PK"], i["SK"]))


def fees_of(table: Any, permit_no: str = "RES16-0688") -> list[Any]:
    items = table.query(KeyConditionExpression="PK = :pk AND begins_with(SK, :fee)",
                        ExpressionAttributeValues={":pk": f"PERMIT#{permit_no}", ":fee": "FEE#"})["Items"]
    return [fee_from_item(i) for i in items]


def mail(api: Any, to: str) -> list[dict[str, Any]]:
    return api.get(f"/sandbox/outbox?to={to}").json_body["items"]


def keep_alive(api: Any, token: str, clock: Any, minutes: int) -> None:
    """Move the clock forward without letting the 30-minute idle session lapse."""
    while minutes > 0:
        step = min(minutes, 20)
        clock.advance(minutes=step)
        minutes -= step
        assert api.get("/cart", token).status_code == 200


def test_approval_pays_every_fee_with_the_payment(api: Any, rich: dict[str, str], pending: dict[str, Any],
                                                  table: Any, clock: Any) -> None:
    response = post_callback(api, clock, pending["payment_id"], "approved", "1054.70", "TX-123")
    assert response.status_code == 200, response.body
    assert response.json_body["status"] == "PAID"
    fees = fees_of(table)
    assert all(f.paid and f.paid_by == pending["payment_id"] and f.held_by is None for f in fees)
    receipt = api.get(f"/payments/{pending['payment_id']}", rich["token"]).json_body
    assert receipt["status"] == "PAID" and receipt["transaction_id"] == "TX-123"
    assert receipt["paid_at"] == "2026-11-24T17:00:00Z"
    assert receipt["total_fees"] == "1023.98" and receipt["total_due"] == "1054.70"
    assert receipt["convenience_fee"] == {"label": "Access Idaho Fee", "amount": "30.72"}
    assert receipt["refund_required"] is False
    [item] = receipt["items"]
    assert sorted(f["amount"] for f in item["fees"]) == sorted(["96.00", "65.08", "650.75", "35.00", "130.15",
                                                                "47.00"])
    assert item["subtotal"] == "1023.98"
    # Receipt to the contractor; staff told the permit can be issued (payment does not issue it).
    [receipt_mail] = [m for m in mail(api, "contractor@online.com") if "receipt" in m["subject"]]
    assert "$1,054.70" in receipt_mail["body"] and "TX-123" in receipt_mail["body"]
    [staff_mail] = mail(api, STAFF_MAIL)
    assert "RES16-0688" in staff_mail["subject"] and "can be issued" in staff_mail["body"]
    assert api.post("/cart/items", {"permit_no": "RES16-0688"}, rich["token"]).status_code == 409


def test_paid_items_lists_payments_newest_first(api: Any, rich: dict[str, str], pending: dict[str, Any],
                                                table: Any, clock: Any) -> None:
    post_callback(api, clock, pending["payment_id"], "approved", "1054.70")
    clock.advance(minutes=1)
    seed_permit(table, rich["contractor_id"], "RES16-0686", [("BUILDING PERMIT FEE", "65.00")])
    api.post("/cart/items", {"permit_no": "RES16-0686"}, rich["token"])
    second = api.post("/checkout", {"payment_method": "echeck"}, rich["token"]).json_body
    body = api.get("/payments", rich["token"]).json_body
    assert body["total"] == 2
    assert [p["payment_id"] for p in body["items"]] == [second["payment_id"], pending["payment_id"]]
    assert [p["status"] for p in body["items"]] == ["PENDING", "PAID"]
    assert body["items"][0]["total_due"] == "66.50"
    assert body["items"][1]["items"][0]["permit_no"] == "RES16-0688"


@pytest.mark.parametrize(("outcome", "status"), [("declined", "DECLINED"), ("cancelled", "CANCELLED")])
def test_decline_and_cancel_release_the_holds(api: Any, rich: dict[str, str], pending: dict[str, Any], table: Any,
                                              clock: Any, outcome: str, status: str) -> None:
    response = post_callback(api, clock, pending["payment_id"], outcome, "1054.70", None)
    assert response.status_code == 200, response.body
    assert api.get(f"/payments/{pending['payment_id']}", rich["token"]).json_body["status"] == status
    assert all(not f.paid and f.held_by is None for f in fees_of(table))
    assert api.post("/cart/items", {"permit_no": "RES16-0688"}, rich["token"]).json_body["total_fees"] == "1023.98"
    # The ended payment is never rewritten: a later approval is kept apart for a refund.
    before = table_snapshot(table)
    late = post_callback(api, clock, pending["payment_id"], "approved", "1054.70", "TX-LATE")
    assert late.status_code == 200 and late.json_body["refund_required"] is True
    after = table_snapshot(table)
    # ... beside the staff notice that reports it (docs/back-office.md, "Notices").
    assert [i for i in after if i not in before] == [
        i for i in after if i["SK"] in ("UNAPPLIED#TX-LATE", "NOTICE")]
    assert [i["kind"] for i in after if i["SK"] == "NOTICE"] == ["payment"]
    assert api.get(f"/payments/{pending['payment_id']}", rich["token"]).json_body["status"] == status
    assert any("Refund due" in m["subject"] for m in mail(api, STAFF_MAIL))


def test_a_pending_payment_expires_after_30_minutes(api: Any, rich: dict[str, str], pending: dict[str, Any],
                                                    clock: Any) -> None:
    keep_alive(api, rich["token"], clock, 29)
    assert api.get(f"/payments/{pending['payment_id']}", rich["token"]).json_body["status"] == "PENDING"
    keep_alive(api, rich["token"], clock, 1)
    assert api.get(f"/payments/{pending['payment_id']}", rich["token"]).json_body["status"] == "EXPIRED"
    assert api.get("/payments", rich["token"]).json_body["items"][0]["status"] == "EXPIRED"
    # A decline arriving after that records EXPIRED, keeping what the portal said.
    post_callback(api, clock, pending["payment_id"], "declined", "1054.70", None)
    assert api.get(f"/payments/{pending['payment_id']}", rich["token"]).json_body["status"] == "EXPIRED"


def test_late_approval_pays_fees_still_due(api: Any, rich: dict[str, str], pending: dict[str, Any], table: Any,
                                           clock: Any) -> None:
    keep_alive(api, rich["token"], clock, 45)
    response = post_callback(api, clock, pending["payment_id"], "approved", "1054.70", "TX-LATE")
    assert response.status_code == 200 and response.json_body == {
        "payment_id": pending["payment_id"], "status": "PAID", "refund_required": False}
    assert all(f.paid_by == pending["payment_id"] for f in fees_of(table))


def test_late_approval_after_another_payment_took_the_fees_is_kept_for_refund(
        api: Any, rich: dict[str, str], pending: dict[str, Any], table: Any, clock: Any) -> None:
    keep_alive(api, rich["token"], clock, 40)
    api.post("/cart/items", {"permit_no": "RES16-0688"}, rich["token"])
    second = api.post("/checkout", {"payment_method": "echeck"}, rich["token"]).json_body
    assert post_callback(api, clock, second["payment_id"], "approved", "1025.48", "TX-2").status_code == 200
    # The first portal session's approval arrives late: its money must be neither lost nor applied twice.
    response = post_callback(api, clock, pending["payment_id"], "approved", "1054.70", "TX-1")
    assert response.status_code == 200 and response.json_body["refund_required"] is True
    first = api.get(f"/payments/{pending['payment_id']}", rich["token"]).json_body
    assert first["status"] == "PAID" and first["refund_required"] is True and first["transaction_id"] == "TX-1"
    assert all(f.paid_by == second["payment_id"] for f in fees_of(table))
    refund = [m for m in mail(api, STAFF_MAIL) if "Refund due" in m["subject"]]
    assert len(refund) == 1 and "TX-1" in refund[0]["body"]
    # Replaying the late approval changes nothing and mails nobody again.
    before = table_snapshot(table)
    assert post_callback(api, clock, pending["payment_id"], "approved", "1054.70", "TX-1").status_code == 200
    assert table_snapshot(table) == before
    assert len([m for m in mail(api, STAFF_MAIL) if "Refund due" in m["subject"]]) == 1


@pytest.mark.parametrize("attack", ["forged", "stale", "future", "wrong_amount", "missing", "tampered"])
def test_bad_callbacks_change_nothing(api: Any, rich: dict[str, str], pending: dict[str, Any], table: Any,
                                      clock: Any, attack: str) -> None:
    before = table_snapshot(table)
    pid = pending["payment_id"]
    if attack == "forged":
        response = post_callback(api, clock, pid, "approved", "1054.70", secret="not-the-secret")
    elif attack == "stale":
        response = post_callback(api, clock, pid, "approved", "1054.70", skew=-301)
    elif attack == "future":
        response = post_callback(api, clock, pid, "approved", "1054.70", skew=301)
    elif attack == "wrong_amount":
        response = post_callback(api, clock, pid, "approved", "1023.98")
    elif attack == "missing":
        raw = build_callback_body(pid, "approved", "TX1", Decimal("1054.70"))
        response = api.call("POST", "/payments/callback", raw=raw)
    else:  # signed, then the amount edited in flight
        raw = build_callback_body(pid, "approved", "TX1", Decimal("1.00"))
        header = sign(SECRET, raw, int(clock.now().timestamp()))
        response = api.call("POST", "/payments/callback", raw=raw.replace(b'"1.00"', b'"1054.70"'),
                            headers={"X-Payment-Signature": header})
    assert response.status_code == 400, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    assert table_snapshot(table) == before
    assert api.get(f"/payments/{pid}", rich["token"]).json_body["status"] == "PENDING"


def test_a_signed_stale_timestamp_within_tolerance_passes(api: Any, pending: dict[str, Any], clock: Any) -> None:
    assert post_callback(api, clock, pending["payment_id"], "approved", "1054.70", skew=-300).status_code == 200


def test_replayed_callbacks_change_nothing(api: Any, rich: dict[str, str], pending: dict[str, Any], table: Any,
                                          clock: Any) -> None:
    assert post_callback(api, clock, pending["payment_id"], "approved", "1054.70", "TX-9").status_code == 200
    before, mails = table_snapshot(table), len(mail(api, STAFF_MAIL))
    clock.advance(seconds=5)
    for outcome, tx in (("approved", "TX-9"), ("declined", None), ("cancelled", None)):
        response = post_callback(api, clock, pending["payment_id"], outcome, "1054.70", tx)
        assert response.status_code == 200 and response.json_body["status"] == "PAID"
    assert table_snapshot(table) == before
    assert len(mail(api, STAFF_MAIL)) == mails


def test_a_callback_for_an_unknown_payment_is_404(api: Any, clock: Any, aws: Any) -> None:
    assert post_callback(api, clock, "no-such-payment", "approved", "1.00").status_code == 404


def test_another_contractors_payment_is_404(api: Any, rich: dict[str, str], pending: dict[str, Any],
                                            staff_token: str) -> None:
    other_id, pin = register(api, staff_token, "OTHER BUILDER", "ZZZ999", "other@example.com")
    other = complete_setup(api, other_id, pin)
    assert api.get(f"/payments/{pending['payment_id']}", other).status_code == 404
    assert api.get("/payments", other).json_body == {"total": 0, "items": []}
    assert api.post(f"/sandbox/payments/{pending['payment_id']}", {"outcome": "approved"}, other).status_code == 404
    assert api.get(f"/payments/{pending['payment_id']}", rich["token"]).status_code == 200


def test_the_sandbox_portal_applies_the_outcome_through_the_callback(api: Any, rich: dict[str, str],
                                                                    pending: dict[str, Any], table: Any) -> None:
    pid = pending["payment_id"]
    assert api.post(f"/sandbox/payments/{pid}", {"outcome": "maybe"}, rich["token"]).status_code == 400
    response = api.post(f"/sandbox/payments/{pid}", {"outcome": "approved"}, rich["token"])
    assert response.status_code == 200, response.body
    body = response.json_body
    assert body["status"] == "PAID" and body["transaction_id"].startswith("SBX-")
    assert all(f.paid for f in fees_of(table))
    assert api.post(f"/sandbox/payments/{pid}", {"outcome": "approved"}, rich["token"]).status_code == 409
    assert api.post(f"/sandbox/payments/{pid}", {"outcome": "approved"}).status_code == 401


def test_the_sandbox_route_is_404_with_a_real_provider(api: Any, rich: dict[str, str], pending: dict[str, Any],
                                                      monkeypatch: Any) -> None:
    import dataclasses

    from chalicelib import bootstrap
    from chalicelib.config import get_settings

    # The stage's environment wins inside the test client, so swap the settings the routes read.
    monkeypatch.setattr(bootstrap, "settings",
                        lambda: dataclasses.replace(get_settings(), payment_provider="accessidaho"))
    response = api.post(f"/sandbox/payments/{pending['payment_id']}", {"outcome": "approved"}, rich["token"])
    assert response.status_code == 404


def test_staff_are_told_a_permit_can_be_issued_only_when_it_is_ready(api: Any, contractor: dict[str, str],
                                                                     table: Any, clock: Any) -> None:
    seed_permit(table, contractor["contractor_id"], "RES17-0150", [("PLANNING", "572.43")], status="IN REVIEW")
    api.post("/cart/items", {"permit_no": "RES17-0150"}, contractor["token"])
    payment = api.post("/checkout", {"payment_method": "echeck"}, contractor["token"]).json_body
    assert post_callback(api, clock, payment["payment_id"], "approved", "573.93").status_code == 200
    [staff_mail] = mail(api, STAFF_MAIL)
    assert "can be issued" not in staff_mail["body"]
    assert "RES17-0150: all fees paid; its status is IN REVIEW" in staff_mail["body"]


def test_a_real_portal_with_the_public_sandbox_secret_takes_no_callbacks(api: Any, rich: dict[str, str],
                                                                         pending: dict[str, Any], table: Any,
                                                                         clock: Any, monkeypatch: Any) -> None:
    import dataclasses

    from chalicelib import bootstrap
    from chalicelib.config import get_settings

    before = table_snapshot(table)
    monkeypatch.setattr(bootstrap, "settings", lambda: dataclasses.replace(
        get_settings(), payment_provider="tests.payments.test_provider:ExamplePortal"))
    response = post_callback(api, clock, pending["payment_id"], "approved", "1054.70")  # signed with the public one
    assert response.status_code == 503
    assert table_snapshot(table) == before


def test_paid_items_show_money_received_for_an_ended_payment(api: Any, rich: dict[str, str],
                                                            pending: dict[str, Any], clock: Any) -> None:
    payment_id = pending["payment_id"]
    assert post_callback(api, clock, payment_id, "declined", "1054.70", None).status_code == 200
    assert post_callback(api, clock, payment_id, "approved", "1054.70", "TX-LATE").status_code == 200
    [listed] = api.get("/payments", rich["token"]).json_body["items"]
    assert listed["status"] == "DECLINED" and listed["applied"] is False
    assert listed["refund_required"] is True
    assert listed["unapplied_transactions"] == [{"transaction_id": "TX-LATE", "amount": "1054.70"}]
    receipt = api.get(f"/payments/{payment_id}", rich["token"]).json_body
    assert receipt["unapplied_transactions"] == listed["unapplied_transactions"]


def test_an_applied_payment_says_so(api: Any, rich: dict[str, str], pending: dict[str, Any], clock: Any) -> None:
    post_callback(api, clock, pending["payment_id"], "approved", "1054.70", "TX-1")
    [listed] = api.get("/payments", rich["token"]).json_body["items"]
    assert listed["applied"] is True and listed["refund_required"] is False
