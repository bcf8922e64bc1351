"""GET /meta/rules: the figures the web site shows are the settings the API enforces.

The `clock` fixture stands on Tuesday 2026-11-24 09:00 in America/Los_Angeles.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.services.permit_helpers import active_permit, fresh_token


def meta(api):
    response = api.get("/meta/rules")
    assert response.status_code == 200, response.body
    return response


def business_days(first: date, last: date, holidays: frozenset[date] = frozenset()) -> list[str]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in holidays:
            days.append(day.isoformat())
        day += timedelta(days=1)
    return days


def test_the_defaults_are_the_guides_and_public(api, clock) -> None:
    response = meta(api)
    assert "public" in response.headers["Cache-Control"]
    body = response.json_body
    assert body["password"] | {"checklist": None} == {
        "min_length": 6, "max_length": 25, "requires": ["letter", "number"], "rejects_common": True,
        "case_sensitive": True, "checklist": None, "common_passwords": "/meta/common-passwords",
        "rules": ["Minimum of 6 characters", "Maximum of 25 characters", "At least one letter and 1 number",
                  "Not a commonly used password", "Note: Password is case sensitive"]}
    inspections = body["inspections"]
    assert {k: inspections[k] for k in ("request_cutoff", "cancel_cutoff", "max_days_ahead", "time_windows")} == {
        "request_cutoff": "15:00", "cancel_cutoff": "06:00", "max_days_ahead": 30, "time_windows": ["AM", "PM", "ANY"]}
    assert [m["method"] for m in body["payment_methods"]] == ["credit_card", "echeck", "egov_express"]
    assert body["payment_methods"][0] == {"method": "credit_card", "name": "Credit Card", "label": "Credit Card - 3%"}
    assert body["convenience_fee_label"] == "Access Idaho Fee"
    assert (body["reset_code_minutes"], body["lockout_minutes"], body["max_failed_attempts"]) == (15, 15, 5)
    assert body["time_zone"] == "America/Los_Angeles"


def test_the_checklist_names_each_rule_text_the_site_checks(api, clock) -> None:
    password = meta(api).json_body["password"]
    assert [item["text"] for item in password["checklist"]] == password["rules"]
    assert [item["rule"] for item in password["checklist"]] == [
        "min_length", "max_length", "letter_and_number", "not_common", "case_sensitive"]


def test_the_password_figures_follow_the_settings_and_are_enforced(api, clock, monkeypatch, staff_token) -> None:
    from tests.conftest import register

    monkeypatch.setenv("PASSWORD_MIN_LENGTH", "9")
    monkeypatch.setenv("PASSWORD_MAX_LENGTH", "40")
    password = meta(api).json_body["password"]
    assert (password["min_length"], password["max_length"]) == (9, 40)
    assert password["rules"][:2] == ["Minimum of 9 characters", "Maximum of 40 characters"]
    assert password["checklist"][0] == {"rule": "min_length", "text": "Minimum of 9 characters"}

    # The figure served is the figure the API holds set-up to.
    contractor_id, pin = register(api, staff_token)
    token = api.post("/auth/login", {"contractor_id": contractor_id, "password": pin}).json_body["token"]
    body = {"security_question": "CAR", "secret_answer": "Blue", "secret_answer_confirm": "Blue",
            "password": "Short2go", "password_confirm": "Short2go"}  # 8 characters
    refused = api.post("/auth/setup", body, token)
    assert refused.status_code == 400
    assert refused.json_body["type"].endswith("/problems/password-rules")
    assert {"field": "password", "message": "must be at least 9 characters"} in refused.json_body["errors"]
    accepted = api.post("/auth/setup", body | {"password": "Longer2go", "password_confirm": "Longer2go"}, token)
    assert accepted.status_code == 200, accepted.body


def test_without_the_common_list_the_rule_leaves_the_checklist(api, clock, monkeypatch) -> None:
    monkeypatch.setenv("PASSWORD_CHECK_COMMON", "false")
    password = meta(api).json_body["password"]
    assert password["rejects_common"] is False
    assert "not_common" not in [item["rule"] for item in password["checklist"]]


def test_request_dates_are_the_business_days_from_the_earliest_to_the_latest(api, clock) -> None:
    inspections = meta(api).json_body["inspections"]
    # Tuesday 09:00, before the 15:00 cut-off: tomorrow is open; the horizon is today + 30 days.
    assert (inspections["earliest_date"], inspections["latest_date"]) == ("2026-11-25", "2026-12-24")
    assert inspections["request_dates"] == business_days(date(2026, 11, 25), date(2026, 12, 24))
    assert "2026-11-28" not in inspections["request_dates"]  # a Saturday


def test_the_request_cut_off_follows_the_settings(api, clock, monkeypatch) -> None:
    monkeypatch.setenv("INSPECTION_REQUEST_CUTOFF", "13:30")
    monkeypatch.setenv("INSPECTION_CANCEL_CUTOFF", "07:15")
    clock.advance(hours=4, minutes=29)  # 13:29: still before the county's cut-off
    before = meta(api).json_body["inspections"]
    assert (before["request_cutoff"], before["cancel_cutoff"]) == ("13:30", "07:15")
    assert before["request_dates"][0] == "2026-11-25"
    clock.advance(minutes=1)  # 13:30: tomorrow closes
    after = meta(api).json_body["inspections"]
    assert after["earliest_date"] == "2026-11-26"
    assert after["request_dates"] == business_days(date(2026, 11, 26), date(2026, 12, 24))


def test_holidays_and_a_friday_after_the_cut_off_leave_the_list(api, clock, monkeypatch) -> None:
    monkeypatch.setenv("COUNTY_HOLIDAYS", "2026-12-01,2026-12-02")
    clock.advance(days=3, hours=7)  # Friday 2026-11-27 16:00: Monday closes too
    inspections = meta(api).json_body["inspections"]
    holidays = frozenset({date(2026, 12, 1), date(2026, 12, 2)})
    assert inspections["earliest_date"] == "2026-12-03"  # Tuesday and Wednesday are holidays
    assert inspections["latest_date"] == "2026-12-27"
    assert inspections["request_dates"] == business_days(date(2026, 12, 3), date(2026, 12, 27), holidays)


@pytest.mark.parametrize("offset", [0, -1])
def test_the_first_request_date_is_bookable_and_the_day_before_is_not(api, clock, contractor, staff_token,
                                                                      offset) -> None:
    """The list is the calendar the API enforces: its first date books; the day before is refused."""
    active_permit(api, staff_token, contractor["contractor_id"], permit_no="RES16-0304")
    first = date.fromisoformat(meta(api).json_body["inspections"]["request_dates"][0])
    asked = (first + timedelta(days=offset)).isoformat()
    token = fresh_token(api, contractor["contractor_id"])
    response = api.post("/permits/RES16-0304/inspections", {"inspection_type": "FOOTING", "date": asked}, token)
    if offset == 0:
        assert response.status_code == 201, response.body
    else:
        assert response.status_code == 400
        assert response.json_body["type"].endswith("/problems/inspection-date-not-allowed")


def test_payment_methods_follow_the_fee_schedule(api, clock, monkeypatch) -> None:
    monkeypatch.setenv("FEE_SCHEDULE", '{"methods": {"echeck": {"flat": "0.95"}}}')
    methods = meta(api).json_body["payment_methods"]
    assert methods == [{"method": "echeck", "name": "Electronic Check", "label": "Electronic Check - $0.95"}]


def test_the_results_staff_may_record_are_the_ones_the_result_route_takes(api, clock) -> None:
    """The back office's result choices come from the rules; each is accepted, anything else refused."""
    from chalicelib.domain.inspections import RECORDABLE_RESULTS, parse_result

    results = meta(api).json_body["inspections"]["results"]
    assert results == ["PASSED", "FAILED", "PARTIAL", "CANCELLED"]
    assert {parse_result(r) for r in results} == RECORDABLE_RESULTS
    assert "SCHEDULED" not in results


def test_the_permit_statuses_moves_and_types_are_the_ones_the_staff_routes_take(api, clock, staff_token,
                                                                              contractor) -> None:
    """The back office's status and type choices come from the rules: a listed move is accepted, an
    unlisted one refused naming the listed ones, and a listed type creates a permit."""
    permits = meta(api).json_body["permits"]
    assert "READY TO ISSUE" in permits["statuses"] and "ACTIVE" in permits["statuses"]
    assert "RESIDENTIAL" in permits["types"]
    created = api.post("/staff/permits", {"contractor_id": contractor["contractor_id"], "address": "5 RULE ST",
                                          "type": permits["types"][0], "status": "SUBMITTED"}, staff_token)
    assert created.status_code == 201, created.json_body
    no = created.json_body["permit_no"]
    allowed = permits["moves"]["SUBMITTED"]
    refused = next(s for s in permits["statuses"] if s not in allowed and s != "SUBMITTED")
    answer = api.post(f"/staff/permits/{no}/status", {"status": refused}, staff_token)
    assert answer.status_code == 409 and answer.json_body["type"].endswith("/status-transition")
    moved = next(s for s in allowed if s != "ACTIVE")
    assert api.post(f"/staff/permits/{no}/status", {"status": moved}, staff_token).status_code == 200


def test_the_staff_roles_are_the_ones_the_role_check_knows(api, clock) -> None:
    """The back office's role choices come from the rules, with the duties the one role check grants."""
    from chalicelib.domain.accounts import STAFF_DUTIES, StaffRole

    roles = meta(api).json_body["staff_roles"]
    assert [r["role"] for r in roles] == [r.value for r in StaffRole]
    for entry in roles:
        assert set(entry["duties"]) == {d.value for d in STAFF_DUTIES[StaffRole(entry["role"])]}
    clerk = next(r for r in roles if r["role"] == "clerk")
    assert "voids" not in clerk["duties"] and "payments" in clerk["duties"]
