"""Honest about money, in the county's words: a payment in progress is shown with its hold's end, only
an approved payment has a receipt (with a short receipt number), the county's name and address come
from settings, and mail writes US dates, the county's 12-hour clock and readable inspection types.

The `clock` fixture stands on Tuesday 2026-11-24 09:00 in America/Los_Angeles (17:00 UTC).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.test_payments import keep_alive, mail, post_callback
from tests.conftest import CONTRACTOR_PASSWORD
from tests.services.permit_helpers import mails, make_permit

MAIL = "contractor@online.com"


def row_of(api: Any, token: str, permit_no: str = "RES16-0688") -> dict[str, Any]:
    rows = api.get("/dashboard", token).json_body["active_permits"]["items"]
    return next(r for r in rows if r["permit_no"] == permit_no)


def test_a_payment_in_progress_shows_until_its_hold_ends_then_the_fees_are_due_again(
        api: Any, rich: dict[str, str], pending: dict[str, Any], clock: Any) -> None:
    token = rich["token"]
    row = row_of(api, token)
    assert (row["fees_due"], row["fees_held"], row["payment_pending_until"]) == (
        "0.00", "1023.98", pending["expires_at"])
    [shown] = api.get("/cart", token).json_body["pending_payments"]
    assert (shown["payment_id"], shown["expires_at"], shown["total_due"]) == (
        pending["payment_id"], "2026-11-24T17:30:00Z", "1054.70")
    keep_alive(api, token, clock, 30)  # the hold ends: nothing is in progress any more
    row = row_of(api, token)
    assert (row["fees_due"], row["fees_held"], row["payment_pending_until"]) == ("1023.98", "0.00", None)
    assert api.get("/cart", token).json_body["pending_payments"] == []


def test_an_ended_payment_is_no_longer_in_progress(api: Any, rich: dict[str, str], pending: dict[str, Any],
                                                   clock: Any) -> None:
    post_callback(api, clock, pending["payment_id"], "declined", "1054.70", None)
    assert api.get("/cart", rich["token"]).json_body["pending_payments"] == []
    assert row_of(api, rich["token"])["payment_pending_until"] is None


@pytest.mark.parametrize(("outcome", "available"), [("approved", True), ("declined", False), ("cancelled", False)])
def test_only_an_approved_payment_has_a_receipt(api: Any, rich: dict[str, str], pending: dict[str, Any],
                                                clock: Any, outcome: str, available: bool) -> None:
    url = f"/payments/{pending['payment_id']}"
    assert api.get(url, rich["token"]).json_body["receipt_available"] is False  # pending: no receipt yet
    post_callback(api, clock, pending["payment_id"], outcome, "1054.70", "TX-9" if outcome == "approved" else None)
    body = api.get(url, rich["token"]).json_body
    assert body["receipt_available"] is available
    assert api.get("/payments", rich["token"]).json_body["items"][0]["receipt_available"] is available


def test_the_receipt_number_is_short_stable_and_the_id_stays(api: Any, rich: dict[str, str],
                                                              pending: dict[str, Any]) -> None:
    from chalicelib.domain.payments import receipt_number

    body = api.get(f"/payments/{pending['payment_id']}", rich["token"]).json_body
    assert body["payment_id"] == pending["payment_id"] and len(body["payment_id"]) == 32
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", body["receipt_no"])
    assert body["receipt_no"] == receipt_number(pending["payment_id"])
    assert api.get("/payments", rich["token"]).json_body["items"][0]["receipt_no"] == body["receipt_no"]


def test_receipt_numbers_differ_where_the_ids_differ_in_their_first_50_bits() -> None:
    from chalicelib.domain.payments import receipt_number

    ids = [f"{n:013x}" + "0" * 19 for n in range(0, 1 << 20, 4)]  # every 50-bit prefix step of 4 (2 bits dropped)
    assert len({receipt_number(i) for i in ids}) == len(ids)
    assert receipt_number("0" * 32) == "00000-00000" and receipt_number("f" * 32) == "ZZZZZ-ZZZZZ"


def test_the_county_name_and_address_come_from_settings(api: Any, clock: Any, monkeypatch: Any) -> None:
    from chalicelib.config import get_settings

    # The local stage's own (.chalice/config.json), served for receipts beside the county's clock.
    assert api.get("/meta/rules").json_body["county"] == {
        "name": "Example County Community Development", "address": ["100 Main Street", "Anytown, ID 83000"],
        "time_zone": "America/Los_Angeles"}
    monkeypatch.setenv("COUNTY_NAME", "Ada County Development Services")
    monkeypatch.setenv("COUNTY_ADDRESS", "200 W Front St | Boise, ID 83702|")
    s = get_settings()
    assert s.county_name == "Ada County Development Services"
    assert s.county_address == ("200 W Front St", "Boise, ID 83702")
    monkeypatch.delenv("COUNTY_NAME")
    monkeypatch.delenv("COUNTY_ADDRESS")
    assert (get_settings().county_name, get_settings().county_address) == ("Community Development", ())


def test_the_receipt_mail_states_the_receipt_number_and_the_county_time(
        api: Any, rich: dict[str, str], pending: dict[str, Any], clock: Any) -> None:
    post_callback(api, clock, pending["payment_id"], "approved", "1054.70", "TX-123")
    receipt_no = api.get(f"/payments/{pending['payment_id']}", rich["token"]).json_body["receipt_no"]
    [receipt] = [m for m in mail(api, MAIL) if m["subject"].startswith("Payment receipt")]
    assert receipt["subject"] == f"Payment receipt {receipt_no}"
    assert "Paid: 11/24/2026 9:00 AM PST" in receipt["body"] and "UTC" not in receipt["body"]


def test_inspection_mail_writes_the_type_in_words_us_dates_and_the_12_hour_clock(api: Any, contractor: Any,
                                                                                   staff_token: str) -> None:
    permit = make_permit(api, staff_token, contractor["contractor_id"], status="IN REVIEW")
    made = api.post(f"/staff/permits/{permit['permit_no']}/inspections",
                    {"inspection_type": "addressing", "date": "2026-11-30", "time_window": "PM"}, staff_token)
    assert made.status_code == 201, made.body
    (scheduled,) = mails(api, MAIL, "Inspection scheduled")
    assert scheduled["subject"] == f"Inspection scheduled: Addressing on {permit['permit_no']}"
    assert "scheduled an Addressing inspection" in scheduled["body"]
    assert "Monday 11/30/2026 (afternoon)" in scheduled["body"]
    assert "ADDRESSING" not in scheduled["body"] and "2026-11-30" not in scheduled["body"]


def test_a_requested_inspection_mail_gives_the_cancel_cut_off_on_the_12_hour_clock(api: Any, contractor: Any,
                                                                                     staff_token: str) -> None:
    from tests.services.permit_helpers import active_permit

    active_permit(api, staff_token, contractor["contractor_id"], permit_no="RES16-0304")
    booked = api.post("/permits/RES16-0304/inspections", {"inspection_type": "FOOTING", "date": "2026-11-25"},
                      contractor["token"])
    assert booked.status_code == 201, booked.body
    (requested,) = mails(api, MAIL, "Inspection requested")
    assert "Your Footing inspection" in requested["body"]
    assert "Wednesday 11/25/2026" in requested["body"] and "until 6:00 AM on that day" in requested["body"]


def test_the_password_changed_notice_is_on_the_county_clock(api: Any, contractor: Any) -> None:
    changed = api.put("/profile/password", {"current_password": CONTRACTOR_PASSWORD, "password": "Fresh2026x",
                                            "password_confirm": "Fresh2026x"}, contractor["token"])
    assert changed.status_code == 204, changed.body
    notices = mails(api, MAIL, "Your portal password was changed")  # set-up's, then this one's
    assert notices and all("changed on 11/24/2026 9:00 AM PST" in n["body"] for n in notices)
