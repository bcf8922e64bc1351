"""GET /permits/{permit_no} and GET /permits: a contractor's own permits only."""

from __future__ import annotations

from tests.services.permit_helpers import active_permit, add_fee, make_permit, second_contractor


def test_permit_detail_has_fees_reviews_attachments_and_inspections(api, contractor, staff_token):
    permit = make_permit(api, staff_token, contractor["contractor_id"], permit_no="RES17-0150",
                         address="34554 n clue rd", status="IN REVIEW", description="New house",
                         applied_date="2026-10-01")
    no = permit["permit_no"]
    add_fee(api, staff_token, no, "building permit fee", "412.43")
    add_fee(api, staff_token, no, "PLAN REVIEW FEE", "160.00")
    assert api.post(f"/staff/permits/{no}/reviews", {"department": "BUILDING", "status": "APPROVED",
                                                     "date": "2026-11-20", "comments": "ok"},
                    staff_token).status_code == 201
    assert api.post(f"/staff/permits/{no}/attachments", {"name": "SITE PLAN.pdf"}, staff_token).status_code == 201
    made = api.post(f"/staff/permits/{no}/inspections", {"inspection_type": "ADDRESSING", "date": "2026-11-30"},
                    staff_token).json_body

    response = api.get("/permits/res17-0150", contractor["token"])
    assert response.status_code == 200
    body = response.json_body
    assert {k: body[k] for k in ("permit_no", "address", "type", "status", "inspection_request", "fees_due",
                                 "description", "applied_date", "issued_date", "expires_date", "expired")} == {
        "permit_no": "RES17-0150", "address": "34554 N CLUE RD", "type": "RESIDENTIAL", "status": "IN REVIEW",
        "inspection_request": False, "fees_due": "572.43", "description": "New house",
        "applied_date": "2026-10-01", "issued_date": None, "expires_date": None, "expired": False}
    assert [(f["fee_id"], f["description"], f["amount"], f["status"]) for f in body["fees"]] == [
        ("RES17-0150-F001", "BUILDING PERMIT FEE", "412.43", "DUE"),
        ("RES17-0150-F002", "PLAN REVIEW FEE", "160.00", "DUE")]
    assert [{k: r[k] for k in ("department", "status", "date", "comments")} for r in body["reviews"]] == [
        {"department": "BUILDING", "status": "APPROVED", "date": "2026-11-20", "comments": "ok"}]
    assert [(a["name"], a["uploaded_at"]) for a in body["attachments"]] == [("SITE PLAN.pdf", "2026-11-24T17:00:00Z")]
    # The contractor sees the booking as staff made it, without the staff-only record of who recorded what.
    staff_only = {"recorded_at", "recorded_by", "history"}
    assert body["inspections"] == [{k: v for k, v in made.items() if k not in staff_only}]
    assert body["inspection_types"][0] == "FOOTING"


def test_another_contractors_permit_is_not_found(api, contractor, staff_token):
    other = second_contractor(api, staff_token)
    make_permit(api, staff_token, other["contractor_id"], permit_no="RES16-0999")
    response = api.get("/permits/RES16-0999", contractor["token"])
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json_body["detail"] == api.get("/permits/RES16-0000", contractor["token"]).json_body["detail"] \
        .replace("RES16-0000", "RES16-0999")
    assert api.get("/permits/RES16-0999", other["token"]).status_code == 200


def test_permit_detail_is_one_query_after_the_session(api, contractor, staff_token):
    from bench.counting import counting
    from chalicelib import bootstrap

    permit = active_permit(api, staff_token, contractor["contractor_id"])
    add_fee(api, staff_token, permit["permit_no"], "REINSPECTION FEE", "10.00")
    api.get("/dashboard", contractor["token"])
    with counting(bootstrap.table()) as tally:
        api.get(f"/permits/{permit['permit_no']}", contractor["token"])
    assert dict(tally.operations) == {"GetItem": 1, "Query": 1}


def test_search_by_number_or_address_fragment_and_status(api, contractor, staff_token):
    cid = contractor["contractor_id"]
    make_permit(api, staff_token, cid, permit_no="RES16-0304", address="1502 E FALLS AVE")
    make_permit(api, staff_token, cid, permit_no="RES16-0688", address="1968 E DODD RD", status="READY TO ISSUE")
    active_permit(api, staff_token, cid, permit_no="RES16-0686", address="2917 S SCHOOLHOUSE LN")
    other = second_contractor(api, staff_token)
    make_permit(api, staff_token, other["contractor_id"], permit_no="RES16-0999", address="1 DODD RD")
    token = contractor["token"]

    def numbers(query: str) -> list[str]:
        response = api.get(f"/permits{query}", token)
        assert response.status_code == 200, response.body
        assert response.json_body["total"] == len(response.json_body["items"])
        return [r["permit_no"] for r in response.json_body["items"]]

    assert numbers("") == ["RES16-0304", "RES16-0686", "RES16-0688"]
    assert numbers("?q=dodd") == ["RES16-0688"]
    assert numbers("?q=0304") == ["RES16-0304"]
    assert numbers("?status=ACTIVE") == ["RES16-0686"]
    assert numbers("?status=ready%20to%20issue&q=1968") == ["RES16-0688"]
    row = api.get("/permits?q=0686", token).json_body["items"][0]
    assert row["expires_date"] == "2027-05-23" and row["expired"] is False and row["inspection_request"] is True


def test_search_with_an_unknown_status_is_a_problem(api, contractor):
    response = api.get("/permits?status=DONE", contractor["token"])
    assert response.status_code == 400
    assert response.json_body["errors"][0]["field"] == "status"
