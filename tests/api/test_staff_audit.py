"""The audit trail: every staff change is kept with who made it, when, and what it was before and after;
a refused change leaves no entry; only supervisors read it."""

from __future__ import annotations

from chalicelib.domain.accounts import StaffRole
from tests.conftest import sign_in_as
from tests.services.permit_helpers import add_fee, make_permit


def trail(api, token, subject: str = "", **params: str):
    query = "&".join(f"{k}={v}" for k, v in {"subject": subject, **params}.items() if v)
    response = api.get(f"/staff/audit?{query}", token)
    assert response.status_code == 200, response.body
    return response.json_body


def test_each_change_is_kept_under_the_name_of_who_made_it(api, contractor, staff_token):
    clerk = sign_in_as(api, StaffRole.CLERK, "jclerk")
    permit = make_permit(api, clerk, contractor["contractor_id"], address="12 main st")
    no = permit["permit_no"]
    add_fee(api, clerk, no, "plan review", "65.08")
    assert api.call("PATCH", f"/staff/permits/{no}", {"address": "14 main st"}, clerk).status_code == 200

    entries = trail(api, staff_token, f"permit:{no}")["items"]
    assert [e["action"] for e in entries] == ["permit.changed", "fee.added", "permit.created"]  # newest first
    assert {e["by"] for e in entries} == {"jclerk"}
    changed = entries[0]
    assert changed["before"] == {"address": "12 MAIN ST"} and changed["after"] == {"address": "14 MAIN ST"}
    assert entries[1]["after"]["description"] == "PLAN REVIEW" and entries[1]["after"]["amount"] == "65.08"
    assert entries[2]["after"]["status"] == "SUBMITTED" and entries[2]["at"].endswith("Z")


def test_the_whole_trail_is_newest_first_across_records_and_pages(api, contractor, staff_token):
    first = make_permit(api, staff_token, contractor["contractor_id"])["permit_no"]
    second = make_permit(api, staff_token, contractor["contractor_id"])["permit_no"]
    everything = trail(api, staff_token)["items"]
    subjects = [e["subject"] for e in everything]
    assert subjects[:2] == [f"permit:{second}", f"permit:{first}"]
    assert f"contractor:{contractor['contractor_id']}" in subjects  # its registration
    page = trail(api, staff_token, limit="1")
    assert len(page["items"]) == 1 and page["next_cursor"]
    after = trail(api, staff_token, limit="1", cursor=page["next_cursor"])
    assert after["items"][0]["subject"] == f"permit:{first}"


def test_a_refused_change_leaves_no_entry(api, contractor, staff_token):
    no = make_permit(api, staff_token, contractor["contractor_id"])["permit_no"]
    add_fee(api, staff_token, no, "building permit fee", "650.75")
    assert api.post(f"/staff/permits/{no}/issue", None, staff_token).status_code == 409  # fees due
    assert [e["action"] for e in trail(api, staff_token, f"permit:{no}")["items"]] == ["fee.added", "permit.created"]


def test_running_the_job_is_kept_with_its_counts(api, staff_token):
    assert api.post("/staff/jobs/flag-expired", {}, staff_token).status_code == 200
    entry = trail(api, staff_token, "job:flag-expired")["items"][0]
    assert entry["by"] == "admin" and entry["after"]["flagged"] == 0


def test_only_supervisors_read_the_trail_and_bad_input_is_a_400(api, contractor, staff_token):
    clerk = sign_in_as(api, StaffRole.CLERK)
    assert api.get("/staff/audit", clerk).json_body["type"].endswith("/staff-role")
    assert api.get("/staff/audit", contractor["token"]).status_code == 403
    assert api.get("/staff/audit?cursor=nonsense", staff_token).status_code == 400
    other = trail(api, staff_token, "permit:RES26-0001", limit="1")["next_cursor"]
    assert other is None
    assert api.get("/staff/audit?subject=" + "x" * 201, staff_token).status_code == 400

