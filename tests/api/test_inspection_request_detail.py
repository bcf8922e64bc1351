"""The permit says whether an inspection may be requested, and the POST answers exactly that.

`inspection_request_detail` on GET /permits/{no}, the dashboard and search rows is the 409 a request
would get (its `detail` and problem `type`), from the one domain function the POST uses. The `clock`
fixture stands on Tuesday 2026-11-24 09:00 in America/Los_Angeles.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.services.permit_helpers import active_permit, add_fee, fresh_token, make_permit

ALLOWED = {"allowed": True, "reason": "", "type": None}


def ask(api: Any, token: str, permit_no: str) -> Any:
    return api.post(f"/permits/{permit_no}/inspections", {"inspection_type": "FOOTING", "date": "2026-11-30"}, token)


def detail(api: Any, token: str, permit_no: str) -> dict[str, Any]:
    response = api.get(f"/permits/{permit_no}", token)
    assert response.status_code == 200, response.body
    return response.json_body


@pytest.mark.parametrize(
    ("status", "fee", "slug"),
    [
        ("READY TO ISSUE", "1023.98", "inspection-not-allowed"),  # RES16-0688: not issued and fees due
        ("ACTIVE", "65.00", "fees-due"),  # issued, a reinspection fee due
        ("IN REVIEW", None, "inspection-not-allowed"),
    ],
)
def test_a_refused_permit_carries_the_409_its_request_gets(api, clock, contractor, staff_token, status, fee,
                                                           slug) -> None:
    cid, token = contractor["contractor_id"], contractor["token"]
    if status == "ACTIVE":
        active_permit(api, staff_token, cid, permit_no="RES16-0688")
    else:
        make_permit(api, staff_token, cid, permit_no="RES16-0688", status=status)
    if fee:
        add_fee(api, staff_token, "RES16-0688", "MECHANICAL PERMIT", fee)
    shown = detail(api, token, "RES16-0688")
    assert shown["inspection_request"] is False
    why = shown["inspection_request_detail"]
    assert why["allowed"] is False and why["type"].endswith(f"/problems/{slug}")

    refused = ask(api, token, "RES16-0688")
    assert refused.status_code == 409
    assert (refused.json_body["detail"], refused.json_body["type"]) == (why["reason"], why["type"])


def test_an_issued_paid_permit_is_allowed_everywhere_it_is_listed(api, clock, contractor, staff_token) -> None:
    active_permit(api, staff_token, contractor["contractor_id"], permit_no="RES16-0304")
    token = contractor["token"]
    assert detail(api, token, "RES16-0304")["inspection_request_detail"] == ALLOWED
    [row] = api.get("/dashboard", token).json_body["active_permits"]["items"]
    assert (row["inspection_request"], row["inspection_request_detail"]) == (True, ALLOWED)
    [found] = api.get("/permits?q=0304", token).json_body["items"]
    assert found["inspection_request_detail"] == ALLOWED
    assert ask(api, token, "RES16-0304").status_code == 201


def test_a_payment_in_progress_is_shown_as_the_fees_held_refusal(api, clock, contractor, staff_token) -> None:
    token = contractor["token"]
    active_permit(api, staff_token, contractor["contractor_id"], permit_no="RES16-0304")
    add_fee(api, staff_token, "RES16-0304", "REINSPECTION FEE", "65.00")
    assert api.post("/cart/items", {"permit_no": "RES16-0304"}, token).status_code == 200
    assert api.post("/checkout", {"payment_method": "echeck"}, token).status_code in (200, 201)
    [row] = api.get("/dashboard", token).json_body["active_permits"]["items"]
    why = row["inspection_request_detail"]
    assert row["fees_due"] == "0.00" and why["type"].endswith("/problems/fees-held")
    assert "payment in progress" in why["reason"]
    assert ask(api, token, "RES16-0304").json_body["detail"] == why["reason"]


def test_an_expired_permits_reason_gives_its_date_the_countys_way(api, clock, contractor, staff_token) -> None:
    active_permit(api, staff_token, contractor["contractor_id"], permit_no="RES16-0304")
    clock.advance(days=181)  # expires 2027-05-23, now behind us
    token = fresh_token(api, contractor["contractor_id"])
    why = detail(api, token, "RES16-0304")["inspection_request_detail"]
    assert "its expiry date is 5/23/2027" in why["reason"]


def test_the_scheduled_list_names_each_inspections_address(api, clock, contractor, staff_token) -> None:
    active_permit(api, staff_token, contractor["contractor_id"], permit_no="RES16-0304", address="1502 E FALLS AVE")
    token = contractor["token"]
    assert ask(api, token, "RES16-0304").status_code == 201
    [item] = api.get("/inspections/scheduled", token).json_body["items"]
    assert (item["address"], item["time_window"]) == ("1502 E FALLS AVE", "ANY")


# --- GET /meta/rules: the date picker's bounds, on the county's calendar -------------------------------


def test_the_request_dates_are_county_dates_in_the_evening_when_utc_is_tomorrow(api, clock) -> None:
    clock.advance(hours=8)  # Tuesday 17:00 in Los Angeles, already Wednesday 01:00 UTC
    inspections = api.get("/meta/rules").json_body["inspections"]
    # After the 15:00 cut-off Wednesday closes: Thursday first; the horizon counts from Tuesday.
    assert (inspections["earliest_date"], inspections["latest_date"]) == ("2026-11-26", "2026-12-24")
    assert inspections["request_dates"][0] == inspections["earliest_date"]
    assert inspections["request_dates"][-1] <= inspections["latest_date"]


def test_the_earliest_date_books_and_the_day_after_the_latest_is_refused(api, clock, contractor,
                                                                          staff_token) -> None:
    active_permit(api, staff_token, contractor["contractor_id"], permit_no="RES16-0304")
    inspections = api.get("/meta/rules").json_body["inspections"]
    token = contractor["token"]
    post = lambda day: api.post("/permits/RES16-0304/inspections",  # noqa: E731
                                {"inspection_type": "FOOTING", "date": day}, token)
    assert post(inspections["earliest_date"]).status_code == 201
    refused = post("2026-12-25")  # the day after latest_date 2026-12-24
    assert refused.status_code == 400 and refused.json_body["type"].endswith("/problems/inspection-date-not-allowed")
    assert "12/24/2026" in refused.json_body["detail"]
