"""Staff permit routes: create (numbers), edit, fees, issue, inspections and results, reviews, attachments."""

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


def test_staff_routes_need_staff(api, contractor):
    body = {"contractor_id": contractor["contractor_id"], "address": "", "type": "RESIDENTIAL", "status": "SUBMITTED"}
    assert api.post("/staff/permits", body).status_code == 401
    assert api.post("/staff/permits", body, contractor["token"]).status_code == 403
    assert api.post("/staff/jobs/flag-expired", {}, contractor["token"]).status_code == 403


def test_numbers_are_generated_in_the_guides_shape_per_type_and_year(api, contractor, staff_token):
    cid = contractor["contractor_id"]
    assert make_permit(api, staff_token, cid)["permit_no"] == "RES26-0001"
    assert make_permit(api, staff_token, cid)["permit_no"] == "RES26-0002"
    assert make_permit(api, staff_token, cid, type="MECHANICAL")["permit_no"] == "MEC26-0001"
    assert make_permit(api, staff_token, cid, type="MECHANICAL", prefix="web")["permit_no"] == "WEB26-0001"


def test_a_number_typed_in_is_kept_and_never_handed_out_again(api, contractor, staff_token):
    cid = contractor["contractor_id"]
    assert make_permit(api, staff_token, cid, permit_no="res26-0001")["permit_no"] == "RES26-0001"
    assert make_permit(api, staff_token, cid)["permit_no"] == "RES26-0002"
    duplicate = api.post("/staff/permits", {"permit_no": "RES26-0002", "contractor_id": cid, "address": "",
                                            "type": "RESIDENTIAL", "status": "SUBMITTED"}, staff_token)
    assert duplicate.status_code == 409


def test_new_permit_detail_defaults(api, contractor, staff_token):
    body = make_permit(api, staff_token, contractor["contractor_id"], address=" 1502  e falls ave ")
    assert body["address"] == "1502 E FALLS AVE"
    assert body["applied_date"] == "2026-11-24" and body["issued_date"] is None and body["expires_date"] is None
    assert body["inspection_types"][:2] == ["FOOTING", "FOUNDATION"] and body["fees"] == []
    active = make_permit(api, staff_token, contractor["contractor_id"], status="active",
                         inspection_types=["footing", "final"])
    assert active["status"] == "ACTIVE" and active["issued_date"] == "2026-11-24"
    assert active["expires_date"] == "2027-05-23" and active["inspection_types"] == ["FOOTING", "FINAL"]


@pytest.mark.parametrize(("change", "field"), [
    ({"status": "DONE"}, "status"),
    ({"type": "SPACESHIP"}, "type"),
    ({"contractor_id": "nobody"}, "contractor_id"),
    ({"permit_no": "RES-1"}, "permit_no"),
    ({"issued_date": "2026-13-01"}, "issued_date"),
    ({"inspection_types": []}, "inspection_types"),
    ({"colour": "red"}, "colour"),
])
def test_bad_permits_are_problem_details_naming_the_field(api, contractor, staff_token, change, field):
    body = {"contractor_id": contractor["contractor_id"], "address": "", "type": "RESIDENTIAL",
            "status": "SUBMITTED", **change}
    response = api.post("/staff/permits", body, staff_token)
    assert response.status_code == 400, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json_body.get("errors", [])] or field in response.json_body["detail"]


def test_fees_are_due_lines_and_amounts_are_strict_money(api, contractor, staff_token):
    permit = make_permit(api, staff_token, contractor["contractor_id"])
    fee = add_fee(api, staff_token, permit["permit_no"], "Building permit fee", "650.75")
    assert fee == {"fee_id": "RES26-0001-F001", "description": "BUILDING PERMIT FEE", "amount": "650.75",
                   "status": "DUE"}
    for amount in ("12.345", "-5.00", "0", "$5", 12.5):
        response = api.post(f"/staff/permits/{permit['permit_no']}/fees", {"description": "X", "amount": amount},
                            staff_token)
        assert response.status_code == 400, amount
        assert response.json_body["errors"][0]["field"] == "amount"
    assert api.post("/staff/permits/RES26-0099/fees", {"description": "X", "amount": "1.00"},
                    staff_token).status_code == 404


def test_fee_items_follow_the_shared_fee_schema(api, contractor, staff_token, table):
    from chalicelib.store.fees import fee_from_item, fee_key

    permit = make_permit(api, staff_token, contractor["contractor_id"])
    add_fee(api, staff_token, permit["permit_no"], "PLANNING", "35.00")
    item = table.get_item(Key=fee_key(permit["permit_no"], "RES26-0001-F001"))["Item"]
    assert item["GSI1PK"] == f"CONTRACTOR#{contractor['contractor_id']}"
    assert item["GSI1SK"] == "PERMIT#RES26-0001#FEE#RES26-0001-F001"
    assert item["status"] == "DUE" and str(item["amount"]) == "35.00"
    assert fee_from_item(item).contractor_id == contractor["contractor_id"]


def test_issuing_is_refused_while_fees_are_due(api, contractor, staff_token):
    permit = make_permit(api, staff_token, contractor["contractor_id"], status="READY TO ISSUE")
    add_fee(api, staff_token, permit["permit_no"], "PLANNING", "35.00")
    response = api.post(f"/staff/permits/{permit['permit_no']}/issue", None, staff_token)
    assert response.status_code == 409 and "$35.00" in response.json_body["detail"]


def test_issuing_makes_the_permit_active_for_180_days(api, contractor, staff_token, table):
    permit = make_permit(api, staff_token, contractor["contractor_id"], status="READY TO ISSUE")
    response = api.post(f"/staff/permits/{permit['permit_no']}/issue", None, staff_token)
    assert response.status_code == 200
    body = response.json_body
    assert (body["status"], body["issued_date"], body["expires_date"], body["expired"]) == (
        "ACTIVE", "2026-11-24", "2027-05-23", False)
    item = table.get_item(Key={"PK": "PERMIT#RES26-0001", "SK": "PERMIT"})["Item"]
    assert (item["GSI2PK"], item["GSI2SK"]) == ("EXPIRY", "2027-05-23#RES26-0001")
    again = api.post(f"/staff/permits/{permit['permit_no']}/issue", None, staff_token)
    assert again.status_code == 409


def test_patch_changes_fields_and_keeps_the_expiry_index_in_sync(api, contractor, staff_token, table):
    permit = active_permit(api, staff_token, contractor["contractor_id"])
    no = permit["permit_no"]
    response = api.call("PATCH", f"/staff/permits/{no}", {"expires_date": "2027-01-15", "description": "Deck"},
                        staff_token)
    assert response.status_code == 200, response.body
    assert response.json_body["expires_date"] == "2027-01-15" and response.json_body["description"] == "Deck"
    item = table.get_item(Key={"PK": f"PERMIT#{no}", "SK": "PERMIT"})["Item"]
    assert item["GSI2SK"] == f"2027-01-15#{no}"
    cleared = api.call("PATCH", f"/staff/permits/{no}", {"expires_date": None}, staff_token).json_body
    assert cleared["expires_date"] is None
    item = table.get_item(Key={"PK": f"PERMIT#{no}", "SK": "PERMIT"})["Item"]
    assert "GSI2PK" not in item and "GSI2SK" not in item
    bad = api.call("PATCH", f"/staff/permits/{no}", {"permit_no": "RES99-0001"}, staff_token)
    assert bad.status_code == 400
    assert api.call("PATCH", "/staff/permits/RES26-0999", {"address": "X"}, staff_token).status_code == 404


def test_reassigning_a_permit_moves_its_fees_and_inspections_to_the_new_dashboard(api, contractor, staff_token):
    other = second_contractor(api, staff_token)
    permit = make_permit(api, staff_token, contractor["contractor_id"], status="IN REVIEW")
    no = permit["permit_no"]
    add_fee(api, staff_token, no, "PLANNING", "35.00")
    api.post(f"/staff/permits/{no}/inspections", {"inspection_type": "ADDRESSING", "date": "2026-11-30"},
             staff_token)
    response = api.call("PATCH", f"/staff/permits/{no}", {"contractor_id": other["contractor_id"]}, staff_token)
    assert response.status_code == 200
    mine = api.get("/dashboard", contractor["token"]).json_body
    theirs = api.get("/dashboard", other["token"]).json_body
    assert mine["active_permits"]["total"] == 0 and mine["active_inspections"]["total"] == 0
    assert theirs["active_permits"]["items"][0]["fees_due"] == "35.00"
    assert theirs["active_inspections"]["total"] == 1
    assert api.get(f"/permits/{no}", contractor["token"]).status_code == 404


def test_staff_may_schedule_any_inspection_on_any_permit_on_business_days(api, contractor, staff_token):
    permit = make_permit(api, staff_token, contractor["contractor_id"], status="IN REVIEW")
    url = f"/staff/permits/{permit['permit_no']}/inspections"
    made = api.post(url, {"inspection_type": "addressing", "date": "2026-11-30"}, staff_token)
    assert made.status_code == 201 and made.json_body["inspection_type"] == "ADDRESSING"
    assert mails(api, MAIL, "Inspection scheduled")
    assert api.post(url, {"inspection_type": "ADDRESSING", "date": "2026-11-28"}, staff_token).status_code == 400
    assert api.post(url, {"inspection_type": "ADDRESSING", "date": "2026-11-20"}, staff_token).status_code == 400
    assert api.post("/staff/permits/RES26-0404/inspections", {"inspection_type": "X", "date": "2026-11-30"},
                    staff_token).status_code == 404


def test_a_passed_inspection_moves_expiry_to_its_date_plus_180_days(api, contractor, staff_token, clock):
    permit = active_permit(api, staff_token, contractor["contractor_id"])
    no = permit["permit_no"]
    booked = api.post(f"/permits/{no}/inspections", {"inspection_type": "FOOTING", "date": "2026-12-15"},
                      contractor["token"]).json_body
    clock.advance(days=21)
    staff = fresh_staff_token(api)
    response = api.post(f"/staff/inspections/{booked['inspection_id']}/result",
                        {"result": "passed", "notes": "Forms and rebar OK"}, staff)
    assert response.status_code == 200, response.body
    assert response.json_body["status"] == "PASSED" and response.json_body["result_notes"] == "Forms and rebar OK"
    detail = api.get(f"/staff/permits/{no}", staff).json_body
    assert detail["expires_date"] == "2027-06-13"  # 2026-12-15 + 180 days
    (mail,) = mails(api, MAIL, "Inspection result")
    assert "PASSED" in mail["subject"] and "Forms and rebar OK" in mail["body"]
    again = api.post(f"/staff/inspections/{booked['inspection_id']}/result", {"result": "FAILED"}, staff)
    assert again.status_code == 409


def test_a_failed_inspection_leaves_expiry_alone(api, contractor, staff_token, clock):
    permit = active_permit(api, staff_token, contractor["contractor_id"])
    booked = api.post(f"/permits/{permit['permit_no']}/inspections",
                      {"inspection_type": "FOOTING", "date": "2026-11-25"}, contractor["token"]).json_body
    clock.advance(days=1)  # a result is recorded from the inspection's day on
    response = api.post(f"/staff/inspections/{booked['inspection_id']}/result", {"result": "FAILED"},
                        fresh_staff_token(api))
    assert response.status_code == 200
    token = fresh_token(api, contractor["contractor_id"])
    assert api.get(f"/permits/{permit['permit_no']}", token).json_body["expires_date"] == "2027-05-23"


def test_results_must_be_known_and_inspections_must_exist(api, contractor, staff_token):
    permit = active_permit(api, staff_token, contractor["contractor_id"])
    booked = api.post(f"/permits/{permit['permit_no']}/inspections",
                      {"inspection_type": "FOOTING", "date": "2026-11-25"}, contractor["token"]).json_body
    bad = api.post(f"/staff/inspections/{booked['inspection_id']}/result", {"result": "SCHEDULED"}, staff_token)
    assert bad.status_code == 400 and bad.json_body["errors"][0]["field"] == "result"
    assert api.post("/staff/inspections/RES26-0001-deadbeef/result", {"result": "PASSED"},
                    staff_token).status_code == 404


def test_a_passed_inspection_revives_a_flagged_permit(api, contractor, staff_token, clock):
    permit = active_permit(api, staff_token, contractor["contractor_id"])
    no = permit["permit_no"]
    booked = api.post(f"/staff/permits/{no}/inspections", {"inspection_type": "FINAL", "date": "2027-05-21"},
                      staff_token).json_body
    clock.advance(days=182)
    staff = fresh_staff_token(api)
    assert api.post("/staff/jobs/flag-expired", {}, staff).json_body["flagged"] == 1
    assert api.get(f"/staff/permits/{no}", staff).json_body["expired"] is True
    api.post(f"/staff/inspections/{booked['inspection_id']}/result", {"result": "PASSED"}, staff)
    detail = api.get(f"/staff/permits/{no}", staff).json_body
    assert (detail["expires_date"], detail["expired"]) == ("2027-11-17", False)
    token = fresh_token(api, contractor["contractor_id"])
    assert api.get("/dashboard", token).json_body["expired_permits"]["total"] == 0


def test_reviews_and_attachments_are_added_to_the_permit(api, contractor, staff_token):
    permit = make_permit(api, staff_token, contractor["contractor_id"])
    no = permit["permit_no"]
    review = api.post(f"/staff/permits/{no}/reviews", {"department": "planning", "status": "in review"}, staff_token)
    assert review.status_code == 201
    assert {k: review.json_body[k] for k in ("department", "status", "date", "comments")} == {
        "department": "PLANNING", "status": "IN REVIEW", "date": "2026-11-24", "comments": ""}
    attachment = api.post(f"/staff/permits/{no}/attachments", {"name": "PLOT PLAN.pdf"}, staff_token)
    assert attachment.status_code == 201 and attachment.json_body["uploaded_at"] == "2026-11-24T17:00:00Z"
    detail = api.get(f"/permits/{no}", contractor["token"]).json_body
    assert [r["department"] for r in detail["reviews"]] == ["PLANNING"]
    assert [a["name"] for a in detail["attachments"]] == ["PLOT PLAN.pdf"]
    assert api.post(f"/staff/permits/{no}/reviews", {"department": "X"}, staff_token).status_code == 400
    assert api.post("/staff/permits/RES26-0404/attachments", {"name": "x"}, staff_token).status_code == 404


def test_a_permit_with_fees_held_by_a_pending_payment_is_not_reassigned(api, contractor, staff_token):
    other = second_contractor(api, staff_token)
    no = make_permit(api, staff_token, contractor["contractor_id"], status="READY TO ISSUE")["permit_no"]
    add_fee(api, staff_token, no, "PLANNING", "35.00")
    assert api.post("/cart/items", {"permit_no": no}, contractor["token"]).status_code == 200
    assert api.post("/checkout", {"payment_method": "echeck"}, contractor["token"]).status_code == 201
    response = api.call("PATCH", f"/staff/permits/{no}", {"contractor_id": other["contractor_id"]}, staff_token)
    assert response.status_code == 409
    assert api.get(f"/permits/{no}", contractor["token"]).status_code == 200  # nothing moved
    assert api.get("/dashboard", other["token"]).json_body["active_permits"]["total"] == 0


def test_adding_a_fee_bumps_the_permit_version_so_stale_decisions_fail(api, contractor, staff_token):
    from chalicelib import bootstrap
    from chalicelib.domain.errors import Conflict
    from chalicelib.domain.permits import PermitStatus

    no = make_permit(api, staff_token, contractor["contractor_id"], status="READY TO ISSUE")["permit_no"]
    uow = bootstrap.uow()
    stale = uow.permits.get(no)  # what an issue decided on before the fee arrived
    add_fee(api, staff_token, no, "PLANNING", "35.00")
    assert bootstrap.uow().permits.get(no).version == stale.version + 1
    stale.status = PermitStatus.ACTIVE
    uow.permits.save(stale)
    with pytest.raises(Conflict):
        uow.commit()
    assert api.get(f"/permits/{no}", contractor["token"]).json_body["status"] == "READY TO ISSUE"


def test_permit_types_are_one_rule_for_create_and_edit(api, contractor, staff_token):
    cid = contractor["contractor_id"]
    electrical = make_permit(api, staff_token, cid, type=" electrical ")
    assert electrical["permit_no"].startswith("ELE") and electrical["type"] == "ELECTRICAL"
    assert electrical["inspection_types"] == ["ROUGH ELECTRICAL", "SERVICE", "FINAL"]
    for body in ({"type": "SPACESHIP"}, {"type": ""}):
        response = api.call("PATCH", f"/staff/permits/{electrical['permit_no']}", body, staff_token)
        assert response.status_code == 400
        assert response.json_body["errors"][0]["field"] == "type"
    assert api.get(f"/staff/permits/{electrical['permit_no']}", staff_token).json_body["type"] == "ELECTRICAL"
