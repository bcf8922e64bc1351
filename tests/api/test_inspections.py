"""Requesting, listing and cancelling inspections under the county's rules, with time travel.

The `clock` fixture stands on Tuesday 2026-11-24 09:00 in America/Los_Angeles.
"""

from __future__ import annotations

import pytest

from tests.services.permit_helpers import (
    active_permit,
    add_fee,
    fresh_staff_token,
    fresh_token,
    mails,
    make_permit,
    second_contractor,
)

MAIL = "contractor@online.com"


def request(api, token, permit_no, date, kind="FOOTING", **extra):
    return api.post(f"/permits/{permit_no}/inspections", {"inspection_type": kind, "date": date, **extra}, token)


@pytest.fixture
def permit(api, contractor, staff_token):
    return active_permit(api, staff_token, contractor["contractor_id"], permit_no="RES16-0304")


def test_requesting_the_next_business_day_books_it_and_mails_a_confirmation(api, contractor, permit):
    response = request(api, contractor["token"], "RES16-0304", "2026-11-25", "footing", time_window="AM",
                       notes="Gate code 1234")
    assert response.status_code == 201, response.body
    body = response.json_body
    assert body["inspection_id"].startswith("RES16-0304-")
    assert {k: body[k] for k in ("permit_no", "inspection_type", "date", "time_window", "status", "notes")} == {
        "permit_no": "RES16-0304", "inspection_type": "FOOTING", "date": "2026-11-25", "time_window": "AM",
        "status": "SCHEDULED", "notes": "Gate code 1234"}
    (mail,) = mails(api, MAIL, "Inspection requested")
    assert mail["subject"] == "Inspection requested: Footing on RES16-0304"
    assert "11/25/2026" in mail["body"] and body["inspection_id"] in mail["body"]
    assert api.get("/permits/RES16-0304", contractor["token"]).json_body["inspections"] == [body]


def test_time_window_defaults_to_any_and_must_be_known(api, contractor, permit):
    assert request(api, contractor["token"], "RES16-0304", "2026-11-25").json_body["time_window"] == "ANY"
    bad = request(api, contractor["token"], "RES16-0304", "2026-11-25", time_window="NOON")
    assert bad.status_code == 400 and bad.json_body["errors"][0]["field"] == "time_window"


def test_just_before_the_cut_off_tomorrow_is_still_open(api, contractor, permit, clock):
    clock.advance(hours=5, minutes=59, seconds=59)  # 14:59:59
    contractor["token"] = fresh_token(api, contractor["contractor_id"])
    assert request(api, contractor["token"], "RES16-0304", "2026-11-25").status_code == 201


def test_at_the_cut_off_the_next_business_day_closes(api, contractor, permit, clock):
    clock.advance(hours=6)  # 15:00 county time
    contractor["token"] = fresh_token(api, contractor["contractor_id"])
    refused = request(api, contractor["token"], "RES16-0304", "2026-11-25")
    assert refused.status_code == 400
    assert refused.json_body["errors"][0]["field"] == "date"
    assert "3:00 PM" in refused.json_body["detail"] and "11/26/2026" in refused.json_body["detail"]
    assert request(api, contractor["token"], "RES16-0304", "2026-11-26").status_code == 201


def test_friday_after_the_cut_off_skips_monday(api, contractor, permit, clock):
    clock.advance(days=3, hours=7)  # Friday 2026-11-27 16:00
    contractor["token"] = fresh_token(api, contractor["contractor_id"])
    assert request(api, contractor["token"], "RES16-0304", "2026-11-30").status_code == 400
    assert request(api, contractor["token"], "RES16-0304", "2026-12-01").status_code == 201


@pytest.mark.parametrize(("date", "why"), [
    ("2026-11-24", "after today"),
    ("2026-11-23", "after today"),
    ("2026-11-28", "Saturday"),
    ("2026-11-29", "Sunday"),
    ("2026-12-25", "30 days"),
])
def test_date_rules_are_bad_requests(api, contractor, permit, date, why):
    response = request(api, contractor["token"], "RES16-0304", date)
    assert response.status_code == 400
    assert why in response.json_body["detail"]
    assert response.json_body["errors"] == [{"field": "date", "message": response.json_body["errors"][0]["message"]}]


def test_the_thirtieth_day_is_still_in_the_horizon(api, contractor, permit):
    assert request(api, contractor["token"], "RES16-0304", "2026-12-24").status_code == 201


def test_configured_holidays_are_not_business_days(api, contractor, permit, monkeypatch):
    monkeypatch.setenv("COUNTY_HOLIDAYS", "2026-11-26,2026-11-27")
    response = request(api, contractor["token"], "RES16-0304", "2026-11-26")
    assert response.status_code == 400 and "holiday" in response.json_body["detail"]


def test_the_type_must_be_one_of_the_permits_inspections(api, contractor, permit):
    response = request(api, contractor["token"], "RES16-0304", "2026-11-25", "ADDRESSING")
    assert response.status_code == 400
    assert response.json_body["errors"][0]["field"] == "inspection_type"
    assert "FOOTING" in response.json_body["detail"]


def test_a_permit_not_issued_with_fees_due_names_both_blockers(api, contractor, staff_token):
    permit = make_permit(api, staff_token, contractor["contractor_id"], permit_no="RES17-0163")
    add_fee(api, staff_token, permit["permit_no"], "PLANNING", "35.00")
    response = request(api, contractor["token"], "RES17-0163", "2026-11-25")
    assert response.status_code == 409
    detail = response.json_body["detail"]
    assert "has not been issued" in detail and "SUBMITTED" in detail
    assert "Fees of $35.00 are due" in detail
    assert "expired" not in detail


def test_fees_due_alone_block_an_active_permit(api, contractor, permit, staff_token):
    add_fee(api, staff_token, "RES16-0304", "REINSPECTION FEE", "65.00")
    response = request(api, contractor["token"], "RES16-0304", "2026-11-25")
    assert response.status_code == 409
    assert "Fees of $65.00" in response.json_body["detail"] and "issued" not in response.json_body["detail"]


def test_an_expired_permit_blocks_requests_before_and_after_the_job_flags_it(api, contractor, permit, clock,
                                                                            staff_token):
    clock.advance(days=181)  # expires_date 2027-05-23 is behind us
    contractor["token"] = fresh_token(api, contractor["contractor_id"])
    response = request(api, contractor["token"], "RES16-0304", "2027-05-25")
    assert response.status_code == 409 and "expired" in response.json_body["detail"]
    assert "5/23/2027" in response.json_body["detail"]
    assert api.post("/staff/jobs/flag-expired", {}, fresh_staff_token(api)).json_body["flagged"] == 1
    response = request(api, contractor["token"], "RES16-0304", "2027-05-25")
    assert response.status_code == 409 and "expired" in response.json_body["detail"]


def test_another_contractors_permit_cannot_be_requested(api, contractor, staff_token):
    other = second_contractor(api, staff_token)
    active_permit(api, staff_token, other["contractor_id"], permit_no="RES16-0999")
    response = request(api, contractor["token"], "RES16-0999", "2026-11-25")
    assert response.status_code == 404


@pytest.mark.parametrize("body", [
    {"inspection_type": "FOOTING"},
    {"inspection_type": "FOOTING", "date": "11/25/2026"},
    {"inspection_type": "FOOTING", "date": "2026-02-30"},
    {"inspection_type": "FOOTING", "date": "2026-11-25", "inspector": "Bob"},
    {"inspection_type": 7, "date": "2026-11-25"},
])
def test_malformed_requests_are_problem_details(api, contractor, permit, body):
    response = api.post("/permits/RES16-0304/inspections", body, contractor["token"])
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json_body["errors"]


def test_scheduled_lists_upcoming_inspections_soonest_first(api, contractor, permit, staff_token):
    token = contractor["token"]
    later = request(api, token, "RES16-0304", "2026-12-02", "FRAMING").json_body
    sooner = request(api, token, "RES16-0304", "2026-11-25").json_body
    cancelled = request(api, token, "RES16-0304", "2026-11-30", "FOUNDATION").json_body
    assert api.delete(f"/inspections/{cancelled['inspection_id']}", token).status_code == 204
    body = api.get("/inspections/scheduled", token).json_body
    # Each with its permit's address: the list spans permits.
    assert body == {"total": 2, "items": [sooner | {"address": "1502 E FALLS AVE"},
                                          later | {"address": "1502 E FALLS AVE"}]}
    other = second_contractor(api, staff_token)
    assert api.get("/inspections/scheduled", other["token"]).json_body == {"total": 0, "items": []}


def test_cancelling_before_six_on_the_day_works_and_mails(api, contractor, permit, clock):
    booked = request(api, contractor["token"], "RES16-0304", "2026-11-25").json_body
    clock.advance(hours=20, minutes=59)  # Wed 05:59 county time
    contractor["token"] = fresh_token(api, contractor["contractor_id"])
    assert api.delete(f"/inspections/{booked['inspection_id']}", contractor["token"]).status_code == 204
    detail = api.get("/permits/RES16-0304", contractor["token"]).json_body
    assert detail["inspections"][0]["status"] == "CANCELLED"
    assert [m["subject"] for m in mails(api, MAIL, "Inspection cancelled")] == [
        "Inspection cancelled: Footing on RES16-0304"]
    again = api.delete(f"/inspections/{booked['inspection_id']}", contractor["token"])
    assert again.status_code == 409


def test_cancelling_from_six_on_the_day_is_refused(api, contractor, permit, clock):
    booked = request(api, contractor["token"], "RES16-0304", "2026-11-25").json_body
    clock.advance(hours=21)  # Wed 06:00 county time
    contractor["token"] = fresh_token(api, contractor["contractor_id"])
    response = api.delete(f"/inspections/{booked['inspection_id']}", contractor["token"])
    assert response.status_code == 409 and "6:00 AM" in response.json_body["detail"]


def test_another_contractors_inspection_cannot_be_cancelled(api, contractor, permit, staff_token):
    booked = request(api, contractor["token"], "RES16-0304", "2026-11-25").json_body
    other = second_contractor(api, staff_token)
    assert api.delete(f"/inspections/{booked['inspection_id']}", other["token"]).status_code == 404
    assert api.delete("/inspections/not-an-id", contractor["token"]).status_code == 404
    assert api.delete("/inspections/RES16-0304-00000000", contractor["token"]).status_code == 404


def test_the_request_cut_off_is_configurable(api, contractor, permit, clock, monkeypatch):
    monkeypatch.setenv("INSPECTION_REQUEST_CUTOFF", "12:00")
    clock.advance(hours=3)  # 12:00 county time
    contractor["token"] = fresh_token(api, contractor["contractor_id"])
    assert request(api, contractor["token"], "RES16-0304", "2026-11-25").status_code == 400
    assert request(api, contractor["token"], "RES16-0304", "2026-11-26").status_code == 201


def test_the_cancel_cut_off_is_configurable(api, contractor, permit, clock, monkeypatch):
    monkeypatch.setenv("INSPECTION_CANCEL_CUTOFF", "00:00")
    booked = request(api, contractor["token"], "RES16-0304", "2026-11-25").json_body
    clock.advance(hours=15, minutes=30)  # Wed 00:30 county time
    contractor["token"] = fresh_token(api, contractor["contractor_id"])
    response = api.delete(f"/inspections/{booked['inspection_id']}", contractor["token"])
    assert response.status_code == 409 and "12:00 AM" in response.json_body["detail"]
