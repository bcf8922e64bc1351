"""The permit lifecycle through the API: staff edits go through the same transitions as issuing, a
result waits for the inspection's day, finished permits leave the dashboard, lists are paged."""

from __future__ import annotations

from typing import Any

from tests.services.permit_helpers import active_permit, add_fee, fresh_staff_token, fresh_token, make_permit


def problem_slug(response: Any) -> str:
    assert response.headers["Content-Type"] == "application/problem+json", response.body
    return str(response.json_body["type"]).rsplit("/problems/", 1)[-1]


def test_patching_active_while_fees_are_due_is_a_409_fees_due_and_changes_nothing(api, contractor, staff_token):
    permit = make_permit(api, staff_token, contractor["contractor_id"], status="READY TO ISSUE")
    no = permit["permit_no"]
    add_fee(api, staff_token, no, "BUILDING PERMIT FEE", "650.75")
    response = api.call("PATCH", f"/staff/permits/{no}", {"status": "ACTIVE"}, staff_token)
    assert response.status_code == 409 and problem_slug(response) == "fees-due"
    assert response.json_body["type"].startswith("http") and "$650.75" in response.json_body["detail"]
    after = api.get(f"/staff/permits/{no}", staff_token).json_body
    assert (after["status"], after["issued_date"]) == ("READY TO ISSUE", None)


def test_patching_active_once_fees_are_paid_issues_the_permit(api, contractor, staff_token):
    permit = make_permit(api, staff_token, contractor["contractor_id"], status="READY TO ISSUE")
    response = api.call("PATCH", f"/staff/permits/{permit['permit_no']}", {"status": "ACTIVE"}, staff_token)
    assert response.status_code == 200, response.body
    assert (response.json_body["status"], response.json_body["issued_date"]) == ("ACTIVE", "2026-11-24")
    assert response.json_body["expires_date"] == "2027-05-23"


def test_a_move_the_lifecycle_does_not_allow_is_a_409_naming_the_rule(api, contractor, staff_token):
    permit = make_permit(api, staff_token, contractor["contractor_id"], status="CLOSED")
    response = api.call("PATCH", f"/staff/permits/{permit['permit_no']}", {"status": "IN REVIEW"}, staff_token)
    assert response.status_code == 409 and problem_slug(response) == "status-transition"
    assert "CLOSED" in response.json_body["detail"]


def test_a_result_before_the_inspections_day_is_a_409_and_on_the_day_it_is_recorded(api, contractor, staff_token,
                                                                                      clock):
    permit = active_permit(api, staff_token, contractor["contractor_id"])
    booked = api.post(f"/permits/{permit['permit_no']}/inspections", {"inspection_type": "FOOTING",
                                                                      "date": "2026-11-25"},
                      contractor["token"]).json_body
    url = f"/staff/inspections/{booked['inspection_id']}/result"
    early = api.post(url, {"result": "PASSED"}, staff_token)
    assert early.status_code == 409 and problem_slug(early) == "inspection-not-yet-due"
    clock.advance(days=1)
    assert api.post(url, {"result": "PASSED"}, fresh_staff_token(api)).status_code == 200


def test_finished_permits_leave_the_dashboard_but_search_pages_reach_them(api, contractor, staff_token):
    cid, token = contractor["contractor_id"], contractor["token"]
    for n in range(1, 6):
        make_permit(api, staff_token, cid, permit_no=f"RES15-{n:04d}", status="FINALED")
    active_permit(api, staff_token, cid, permit_no="RES26-0001")
    dashboard = api.get("/dashboard", token).json_body
    assert [r["permit_no"] for r in dashboard["active_permits"]["items"]] == ["RES26-0001"]
    first = api.get("/permits?limit=2", token).json_body
    assert [p["permit_no"] for p in first["items"]] == ["RES26-0001", "RES15-0001"] and first["next_cursor"]
    seen = [p["permit_no"] for p in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = api.get(f"/permits?limit=2&cursor={cursor}", token).json_body
        seen += [p["permit_no"] for p in page["items"]]
        cursor = page["next_cursor"]
    assert seen == ["RES26-0001"] + [f"RES15-{n:04d}" for n in range(1, 6)]


def test_a_forged_or_foreign_cursor_is_a_400_never_another_companys_page(api, contractor, staff_token):
    from tests.conftest import complete_setup, register

    other_id, pin = register(api, staff_token, "LAKE CITY PLUMBING", "PLB2231", "office@lakecity.example")
    other_token = complete_setup(api, other_id, pin)
    for n in range(1, 4):
        make_permit(api, staff_token, other_id, permit_no=f"PLM26-{n:04d}")
    theirs = api.get("/permits?limit=1", other_token).json_body["next_cursor"]
    assert theirs
    foreign = api.get(f"/permits?limit=1&cursor={theirs}", contractor["token"])
    assert foreign.status_code == 400 and problem_slug(foreign) == "bad-cursor"
    for forged in ("not-a-cursor", "eyJrZXkiOiAxfQ", "%00", "A" * 3000):
        response = api.get(f"/permits?cursor={forged}", contractor["token"])
        assert response.status_code == 400, (forged, response.body)
    for bad_limit in ("0", "201", "-1", "x"):
        assert api.get(f"/permits?limit={bad_limit}", contractor["token"]).status_code == 400


def test_a_cancelled_permit_stays_on_the_dashboard_for_30_days_then_the_job_archives_it(api, contractor,
                                                                                        staff_token, clock):
    cid = contractor["contractor_id"]
    permit = make_permit(api, staff_token, cid, permit_no="RES16-0601")
    assert api.call("PATCH", "/staff/permits/RES16-0601", {"status": "CANCELLED"}, staff_token).status_code == 200
    assert [r["permit_no"] for r in api.get("/dashboard", contractor["token"]).json_body["active_permits"]["items"]] \
        == [permit["permit_no"]]
    clock.advance(days=31)
    assert api.post("/staff/jobs/flag-expired", {}, fresh_staff_token(api)).status_code == 200
    token = fresh_token(api, cid)
    assert api.get("/dashboard", token).json_body["active_permits"]["items"] == []
    assert [p["permit_no"] for p in api.get("/permits?status=CANCELLED", token).json_body["items"]] == ["RES16-0601"]
