"""GET /dashboard: the guide's three tables, from the session and one Query."""

from __future__ import annotations

from tests.services.permit_helpers import active_permit, add_fee, make_permit, second_contractor


def test_dashboard_needs_a_contractor_session(api, staff_token):
    assert api.get("/dashboard").status_code == 401
    response = api.get("/dashboard", staff_token)
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/problem+json"


def test_empty_dashboard_greets_the_business_by_name(api, contractor):
    body = api.get("/dashboard", contractor["token"]).json_body
    assert body == {
        "contractor": {"contractor_id": contractor["contractor_id"], "company_name": "RICH CONTRACTOR"},
        "active_permits": {"total": 0, "items": []},
        "active_inspections": {"total": 0, "items": []},
        "expired_permits": {"total": 0, "items": []},
    }


def test_rows_are_sorted_by_number_and_show_request_and_fees_due(api, contractor, staff_token):
    cid = contractor["contractor_id"]
    make_permit(api, staff_token, cid, permit_no="RES17-0163", address="", status="SUBMITTED")
    active_permit(api, staff_token, cid, permit_no="RES16-0304")
    ready = make_permit(api, staff_token, cid, permit_no="RES16-0688", address="1968 E DODD RD",
                        status="READY TO ISSUE")
    add_fee(api, staff_token, ready["permit_no"], "MECHANICAL PERMIT", "96.00")
    add_fee(api, staff_token, ready["permit_no"], "PLAN REVIEW FEE BALANCE", "65.08")
    body = api.get("/dashboard", contractor["token"]).json_body
    added = ("inspection_request_detail", "fees_held", "payment_pending_until",  # asserted in their own tests
             "parcel_no", "project_no", "lat", "lon")
    rows = [{k: v for k, v in row.items() if k not in added} for row in body["active_permits"]["items"]]
    assert rows == [
        {"permit_no": "RES16-0304", "address": "1502 E FALLS AVE", "type": "RESIDENTIAL", "status": "ACTIVE",
         "inspection_request": True, "fees_due": "0.00"},
        {"permit_no": "RES16-0688", "address": "1968 E DODD RD", "type": "RESIDENTIAL", "status": "READY TO ISSUE",
         "inspection_request": False, "fees_due": "161.08"},
        {"permit_no": "RES17-0163", "address": "", "type": "RESIDENTIAL", "status": "SUBMITTED",
         "inspection_request": False, "fees_due": "0.00"},
    ]


def test_an_active_permit_with_fees_due_offers_no_request(api, contractor, staff_token):
    permit = active_permit(api, staff_token, contractor["contractor_id"])
    add_fee(api, staff_token, permit["permit_no"], "REINSPECTION FEE", "65.00")
    (row,) = api.get("/dashboard", contractor["token"]).json_body["active_permits"]["items"]
    assert row["status"] == "ACTIVE" and row["fees_due"] == "65.00" and row["inspection_request"] is False


def test_finaled_and_closed_permits_leave_the_dashboard_but_cancelled_stays(api, contractor, staff_token):
    cid = contractor["contractor_id"]
    for no, status in (("RES16-0601", "CANCELLED"), ("RES16-0602", "FINALED"), ("RES16-0603", "CLOSED")):
        make_permit(api, staff_token, cid, permit_no=no, status=status)
    rows = api.get("/dashboard", contractor["token"]).json_body["active_permits"]["items"]
    assert [(r["permit_no"], r["status"]) for r in rows] == [("RES16-0601", "CANCELLED")]


def test_held_fees_do_not_count_as_due(api, contractor, staff_token):
    from datetime import timedelta

    from chalicelib import bootstrap
    from chalicelib.store import keys

    permit = make_permit(api, staff_token, contractor["contractor_id"])
    fee = add_fee(api, staff_token, permit["permit_no"], "PLANNING", "35.00")
    add_fee(api, staff_token, permit["permit_no"], "BUILDING PERMIT FEE", "100.00")
    hold_until = int((bootstrap.clock().now() + timedelta(minutes=30)).timestamp())
    bootstrap.table().update_item(Key={"PK": keys.permit_partition(permit["permit_no"]), "SK": f"FEE#{fee['fee_id']}"},
                             UpdateExpression="SET held_by = :p, hold_expires_at = :t",
                             ExpressionAttributeValues={":p": "pay-1", ":t": hold_until})
    (row,) = api.get("/dashboard", contractor["token"]).json_body["active_permits"]["items"]
    assert row["fees_due"] == "100.00"
    detail = api.get(f"/permits/{permit['permit_no']}", contractor["token"]).json_body
    assert [f["status"] for f in detail["fees"]] == ["PENDING", "DUE"]


def test_scheduled_inspections_are_listed_with_their_permit(api, contractor, staff_token):
    permit = make_permit(api, staff_token, contractor["contractor_id"], permit_no="RES17-0150",
                         address="34554 N CLUE RD", status="IN REVIEW")
    made = api.post(f"/staff/permits/{permit['permit_no']}/inspections",
                    {"inspection_type": "ADDRESSING", "date": "2026-11-30"}, staff_token)
    assert made.status_code == 201, made.body
    body = api.get("/dashboard", contractor["token"]).json_body
    assert body["active_inspections"] == {"total": 1, "items": [
        {"inspection_id": made.json_body["inspection_id"], "rec_no": "RES17-0150", "rec_type": "PERMIT",
         "rec_status": "IN REVIEW", "address": "34554 N CLUE RD", "inspection": "ADDRESSING", "date": "2026-11-30",
         "time_window": "ANY"}]}


def test_a_contractor_sees_only_their_own_permits(api, contractor, staff_token):
    other = second_contractor(api, staff_token)
    make_permit(api, staff_token, other["contractor_id"], permit_no="RES16-0999")
    make_permit(api, staff_token, contractor["contractor_id"], permit_no="RES16-0304")
    rows = api.get("/dashboard", contractor["token"]).json_body["active_permits"]["items"]
    assert [r["permit_no"] for r in rows] == ["RES16-0304"]


def test_dashboard_costs_the_session_read_and_one_query(api, contractor, staff_token):
    from bench.counting import counting
    from chalicelib import bootstrap

    for n in range(1, 6):
        permit = active_permit(api, staff_token, contractor["contractor_id"], permit_no=f"RES16-{n:04d}")
        add_fee(api, staff_token, permit["permit_no"], "REINSPECTION FEE", "10.00")
    api.get("/dashboard", contractor["token"])  # the session's last-seen time is now fresh
    with counting(bootstrap.table()) as tally:
        assert api.get("/dashboard", contractor["token"]).status_code == 200
    assert dict(tally.operations) == {"GetItem": 1, "Query": 1}
