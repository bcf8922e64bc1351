"""The back office's work routes (docs/back-office.md "Work"): PIN letters, moving a permit along its
lifecycle with a timeline, voiding and adjusting fees, correcting a recorded result. Each is audited."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.accounts import StaffRole
from tests.conftest import register, sign_in_as
from tests.services.permit_helpers import (
    active_permit,
    add_fee,
    fresh_staff_token,
    fresh_token,
    mails,
    make_permit,
)

MAIL = "contractor@online.com"


def slug(response: Any) -> str:
    assert response.headers["Content-Type"] == "application/problem+json", response.body
    return str(response.json_body["type"]).rsplit("/problems/", 1)[-1]


def audit(api: Any, token: str, subject: str) -> list[dict[str, Any]]:
    return api.get(f"/staff/audit?subject={subject}", token).json_body["items"]


# --- the PIN letter ------------------------------------------------------------------------------


def test_registering_answers_the_pin_letter_a_contractor_needs_to_sign_in(api, staff_token):
    response = api.post("/staff/contractors", {"company_name": "rich contractor", "license_no": "aec0119",
                                               "email": "contractor@online.com"}, staff_token)
    assert response.status_code == 201, response.body
    body = response.json_body
    letter = body["letter"]
    assert letter["subject"] == "Your Contractor Portal PIN for RICH CONTRACTOR"
    for needed in (body["pin"], "RICH CONTRACTOR", "AEC0119", "http://127.0.0.1:8080/", "drop-down",
                   "security question", "PIN will no longer work", "Minimum of 6 characters", "12/24/2026"):
        assert needed in letter["body"], needed
    # The letter's PIN is the one that signs in.
    assert api.post("/auth/login", {"contractor_id": body["contractor_id"], "password": body["pin"]}).status_code == 200


def test_a_new_pin_comes_with_its_letter_and_is_mailed_only_when_asked(api, staff_token):
    contractor_id, _ = register(api, staff_token)
    plain = api.post(f"/staff/contractors/{contractor_id}/pin", None, staff_token)
    assert plain.status_code == 200, plain.body
    assert plain.json_body["pin"] in plain.json_body["letter"]["body"] and "mailed_to" not in plain.json_body
    assert mails(api, MAIL, "Your Contractor Portal PIN") == []
    mailed = api.post(f"/staff/contractors/{contractor_id}/pin", {"mail_letter": True}, staff_token)
    assert mailed.status_code == 200, mailed.body
    assert mailed.json_body["mailed_to"].lower() == MAIL
    (mail,) = mails(api, MAIL, "Your Contractor Portal PIN")
    assert mail["body"] == mailed.json_body["letter"]["body"] and mailed.json_body["pin"] in mail["body"]
    assert mailed.json_body["pin"] != plain.json_body["pin"]  # the earlier PIN no longer works
    assert api.post("/auth/login", {"contractor_id": contractor_id, "password": plain.json_body["pin"]}).status_code \
        == 401
    actions = [e["action"] for e in audit(api, staff_token, f"contractor:{contractor_id}")]
    assert actions.count("contractor.pin-issued") == 2 and actions.count("contractor.pin-letter-sent") == 1
    sent = next(e for e in audit(api, staff_token, f"contractor:{contractor_id}")
                if e["action"] == "contractor.pin-letter-sent")
    assert sent["after"] == {"mailed_to": mailed.json_body["mailed_to"]} and mailed.json_body["pin"] not in str(sent)


def test_a_new_pin_refuses_bad_bodies_and_unknown_contractors(api, staff_token):
    contractor_id, _ = register(api, staff_token)
    bad = api.post(f"/staff/contractors/{contractor_id}/pin", {"mail_letter": "yes"}, staff_token)
    assert bad.status_code == 400 and bad.json_body["errors"][0]["field"] == "mail_letter"
    assert api.post("/staff/contractors/c-nobody/pin", {"mail_letter": True}, staff_token).status_code == 404
    assert mails(api, MAIL, "Your Contractor Portal PIN") == []


# --- the lifecycle and its timeline --------------------------------------------------------------


def test_status_moves_along_the_lifecycle_and_the_timeline_keeps_who_when_and_why(api, contractor, staff_token,
                                                                                   clock):
    from tests.api.test_payments import post_callback

    clerk = sign_in_as(api, StaffRole.CLERK, "cpat")
    no = make_permit(api, clerk, contractor["contractor_id"])["permit_no"]
    url = f"/staff/permits/{no}/status"
    moved = api.post(url, {"status": "in review", "comments": "  Plans   received "}, clerk)
    assert moved.status_code == 200, moved.body
    assert moved.json_body["status"] == "IN REVIEW"
    add_fee(api, clerk, no, "PLANNING", "35.00")
    assert api.post(url, {"status": "READY TO ISSUE"}, clerk).status_code == 200
    api.post("/cart/items", {"permit_no": no}, contractor["token"])
    payment = api.post("/checkout", {"payment_method": "echeck"}, contractor["token"]).json_body
    assert post_callback(api, clock, payment["payment_id"], "approved", payment["total_due"]).status_code == 200
    issued = api.post(url, {"status": "ACTIVE", "comments": "Counter pick-up"}, clerk).json_body
    assert (issued["status"], issued["issued_date"], issued["expires_date"]) == ("ACTIVE", "2026-11-24", "2027-05-23")
    steps = [(s["status"], s["by"], s["comments"]) for s in issued["timeline"]]
    assert steps == [("SUBMITTED", "cpat", "Entered"), ("IN REVIEW", "cpat", "Plans received"),
                     ("READY TO ISSUE", "cpat", ""), ("ACTIVE", "cpat", "Counter pick-up")]
    assert all(s["at"] == "2026-11-24T17:00:00Z" for s in issued["timeline"])
    # The staff detail keeps it; the contractor's detail answers as before, without it.
    assert api.get(f"/staff/permits/{no}", clerk).json_body["timeline"] == issued["timeline"]
    theirs = api.get(f"/permits/{no}", contractor["token"]).json_body
    assert "timeline" not in theirs and theirs["status"] == "ACTIVE"
    entries = audit(api, staff_token, f"permit:{no}")
    status_entries = [e for e in entries if e["action"] == "permit.status"]
    assert len(status_entries) == 3 and all(e["by"] == "cpat" for e in status_entries)
    assert {"status": "ACTIVE", "comments": "Counter pick-up"}.items() <= status_entries[0]["after"].items()


def test_a_move_the_lifecycle_refuses_is_a_409_naming_where_it_may_go(api, contractor, staff_token):
    no = make_permit(api, staff_token, contractor["contractor_id"], status="FINALED")["permit_no"]
    url = f"/staff/permits/{no}/status"
    back = api.post(url, {"status": "IN REVIEW"}, staff_token)
    assert back.status_code == 409 and slug(back) == "status-transition"
    assert "from FINALED it may go to CLOSED" in back.json_body["detail"]
    reissue = api.post(url, {"status": "ACTIVE"}, staff_token)
    assert reissue.status_code == 409 and slug(reissue) == "status-transition"
    same = api.post(url, {"status": "FINALED"}, staff_token)
    assert same.status_code == 409 and "already FINALED" in same.json_body["detail"]
    assert api.post(url, {"status": "DONE"}, staff_token).status_code == 400
    assert api.post(url, {}, staff_token).json_body["errors"][0]["field"] == "status"
    assert api.post("/staff/permits/RES26-0404/status", {"status": "CLOSED"}, staff_token).status_code == 404
    detail = api.get(f"/staff/permits/{no}", staff_token).json_body
    assert detail["status"] == "FINALED" and [s["status"] for s in detail["timeline"]] == ["FINALED"]


def test_active_is_issuing_and_refused_while_fees_are_due(api, contractor, staff_token):
    no = make_permit(api, staff_token, contractor["contractor_id"], status="READY TO ISSUE")["permit_no"]
    add_fee(api, staff_token, no, "PLANNING", "35.00")
    refused = api.post(f"/staff/permits/{no}/status", {"status": "ACTIVE"}, staff_token)
    assert refused.status_code == 409 and slug(refused) == "fees-due" and "$35.00" in refused.json_body["detail"]
    detail = api.get(f"/staff/permits/{no}", staff_token).json_body
    assert (detail["status"], detail["issued_date"], len(detail["timeline"])) == ("READY TO ISSUE", None, 1)


def test_ready_to_issue_needs_fees_assessed(api, contractor, staff_token):
    """API.md: a permit nobody has priced is not READY TO ISSUE (nor in "fees paid, awaiting issue")."""
    no = make_permit(api, staff_token, contractor["contractor_id"], status="IN REVIEW")["permit_no"]
    url = f"/staff/permits/{no}/status"
    refused = api.post(url, {"status": "READY TO ISSUE"}, staff_token)
    assert refused.status_code == 409 and slug(refused) == "fees-not-assessed"
    assert api.get(f"/staff/permits/{no}", staff_token).json_body["status"] == "IN REVIEW"
    fee = add_fee(api, staff_token, no, "PLANNING", "35.00")
    void = api.post(f"/staff/permits/{no}/fees/{fee['fee_id']}/void", {"reason": "entered twice"}, staff_token)
    assert void.status_code == 200
    assert slug(api.post(url, {"status": "READY TO ISSUE"}, staff_token)) == "fees-not-assessed"  # a void is no fee
    add_fee(api, staff_token, no, "PLANNING", "35.00")
    moved = api.post(url, {"status": "READY TO ISSUE"}, staff_token)
    assert moved.status_code == 200 and moved.json_body["status"] == "READY TO ISSUE"


def test_an_inspector_may_not_move_a_permit(api, contractor, staff_token):
    no = make_permit(api, staff_token, contractor["contractor_id"])["permit_no"]
    inspector = sign_in_as(api, StaffRole.INSPECTOR)
    response = api.post(f"/staff/permits/{no}/status", {"status": "IN REVIEW"}, inspector)
    assert response.status_code == 403 and slug(response) == "staff-role"


# --- voiding and adjusting fees ------------------------------------------------------------------


def test_a_voided_fee_is_never_due_nor_in_a_cart_but_is_still_listed(api, contractor, staff_token):
    no = make_permit(api, staff_token, contractor["contractor_id"], status="READY TO ISSUE")["permit_no"]
    kept = add_fee(api, staff_token, no, "PLANNING", "35.00")
    wrong = add_fee(api, staff_token, no, "BUILDING PERMIT FEE", "650.75")
    clerk = sign_in_as(api, StaffRole.CLERK)
    url = f"/staff/permits/{no}/fees/{wrong['fee_id']}/void"
    assert api.post(url, {"reason": "Duplicate"}, clerk).status_code == 403  # supervisors only (voids)
    voided = api.post(url, {"reason": " Assessed   twice "}, staff_token)
    assert voided.status_code == 200, voided.body
    assert {k: voided.json_body[k] for k in ("fee_id", "status", "void_reason", "voided_at", "voided_by")} == {
        "fee_id": wrong["fee_id"], "status": "VOIDED", "void_reason": "Assessed twice",
        "voided_at": "2026-11-24T17:00:00Z", "voided_by": "admin"}
    token = contractor["token"]
    row = api.get("/dashboard", token).json_body["active_permits"]["items"][0]
    assert row["fees_due"] == "35.00"
    detail = api.get(f"/permits/{no}", token).json_body
    assert [(f["fee_id"], f["status"]) for f in detail["fees"]] == [(kept["fee_id"], "DUE"),
                                                                    (wrong["fee_id"], "VOIDED")]
    assert detail["fees"][1]["void_reason"] == "Assessed twice" and "voided_by" not in detail["fees"][1]
    cart = api.post("/cart/items", {"permit_no": no}, token).json_body
    assert [f["fee_id"] for item in cart["items"] for f in item["fees"]] == [kept["fee_id"]]
    assert cart["total_fees"] == "35.00"
    again = api.post(url, {"reason": "Again"}, staff_token)
    assert again.status_code == 409 and slug(again) == "fee-not-voidable"
    (entry,) = [e for e in audit(api, staff_token, f"permit:{no}") if e["action"] == "fee.voided"]
    assert entry["by"] == "admin" and entry["after"]["void_reason"] == "Assessed twice"


def test_a_permit_whose_only_due_fee_is_voided_can_be_issued(api, contractor, staff_token):
    no = make_permit(api, staff_token, contractor["contractor_id"], status="READY TO ISSUE")["permit_no"]
    fee = add_fee(api, staff_token, no, "PLANNING", "35.00")
    assert api.post(f"/staff/permits/{no}/issue", None, staff_token).status_code == 409
    api.post(f"/staff/permits/{no}/fees/{fee['fee_id']}/void", {"reason": "Waived"}, staff_token)
    assert api.post("/cart/items", {"permit_no": no}, contractor["token"]).status_code == 409  # nothing due
    issued = api.post(f"/staff/permits/{no}/issue", None, staff_token)
    assert issued.status_code == 200 and issued.json_body["status"] == "ACTIVE"


def test_paid_and_held_fees_are_not_voidable(api, contractor, staff_token):
    no = make_permit(api, staff_token, contractor["contractor_id"], status="READY TO ISSUE")["permit_no"]
    fee = add_fee(api, staff_token, no, "PLANNING", "35.00")
    token = contractor["token"]
    api.post("/cart/items", {"permit_no": no}, token)
    payment = api.post("/checkout", {"payment_method": "echeck"}, token).json_body
    url = f"/staff/permits/{no}/fees/{fee['fee_id']}/void"
    held = api.post(url, {"reason": "Waived"}, staff_token)
    assert held.status_code == 409 and slug(held) == "fee-not-voidable" and "in progress" in held.json_body["detail"]
    adjust = api.post(f"/staff/permits/{no}/fees/{fee['fee_id']}/adjust", {"amount": "30.00", "reason": "x"},
                      staff_token)
    assert adjust.status_code == 409 and slug(adjust) == "fee-not-voidable"
    paid = api.post(f"/sandbox/payments/{payment['payment_id']}", {"outcome": "approved"}, token)
    assert paid.status_code == 200, paid.body
    refused = api.post(url, {"reason": "Waived"}, staff_token)
    assert refused.status_code == 409 and "paid" in refused.json_body["detail"]
    assert api.get(f"/staff/permits/{no}", staff_token).json_body["fees"][0]["status"] == "PAID"
    assert api.post(f"/staff/permits/{no}/fees/{no}-F099/void", {"reason": "x"}, staff_token).status_code == 404
    assert api.post(url, {"reason": "   "}, staff_token).json_body["errors"][0]["field"] == "reason"


def test_a_payment_approved_after_its_fee_was_voided_pays_nothing_and_is_kept_for_a_refund(api, contractor,
                                                                                           staff_token, clock):
    no = make_permit(api, staff_token, contractor["contractor_id"], status="READY TO ISSUE")["permit_no"]
    fee = add_fee(api, staff_token, no, "PLANNING", "35.00")
    token = contractor["token"]
    api.post("/cart/items", {"permit_no": no}, token)
    payment = api.post("/checkout", {"payment_method": "echeck"}, token).json_body
    clock.advance(minutes=31)  # the hold has ended: the fee reads DUE again, and may be voided
    supervisor = fresh_staff_token(api)
    assert api.post(f"/staff/permits/{no}/fees/{fee['fee_id']}/void", {"reason": "Waived"},
                    supervisor).status_code == 200
    late = api.post(f"/sandbox/payments/{payment['payment_id']}", {"outcome": "approved"},
                    fresh_token(api, contractor["contractor_id"]))
    assert late.status_code == 200, late.body
    assert late.json_body["refund_required"] is True and late.json_body["applied"] is False
    detail = api.get(f"/staff/permits/{no}", supervisor).json_body
    assert detail["fees"][0]["status"] == "VOIDED" and detail["fees_due"] == "0.00"


def test_adjusting_a_fee_adds_a_new_line_and_voids_the_old_with_its_replacement(api, contractor, staff_token):
    no = make_permit(api, staff_token, contractor["contractor_id"], status="READY TO ISSUE")["permit_no"]
    old = add_fee(api, staff_token, no, "BUILDING PERMIT FEE", "650.75")
    url = f"/staff/permits/{no}/fees/{old['fee_id']}/adjust"
    new = api.post(url, {"amount": "600.00", "reason": "Valuation corrected"}, staff_token)
    assert new.status_code == 201, new.body
    assert {k: new.json_body[k] for k in ("fee_id", "description", "amount", "status")} == {
        "fee_id": f"{no}-F002", "description": "BUILDING PERMIT FEE", "amount": "600.00", "status": "DUE"}
    detail = api.get(f"/staff/permits/{no}", staff_token).json_body
    first, _ = detail["fees"]
    assert (first["status"], first["replaced_by"], first["void_reason"]) == ("VOIDED", f"{no}-F002",
                                                                             "Valuation corrected")
    assert detail["fees_due"] == "600.00"
    described = api.post(f"/staff/permits/{no}/fees/{no}-F002/adjust",
                         {"amount": "610.00", "reason": "Fee schedule", "description": "building permit fee 2026"},
                         staff_token).json_body
    assert described["description"] == "BUILDING PERMIT FEE 2026"
    for bad in ({"amount": "-1.00", "reason": "x"}, {"amount": "1.005", "reason": "x"}, {"amount": "1.00"}):
        response = api.post(f"/staff/permits/{no}/fees/{described['fee_id']}/adjust", bad, staff_token)
        assert response.status_code == 400, bad
    (entry, _) = [e for e in audit(api, staff_token, f"permit:{no}") if e["action"] == "fee.adjusted"]
    assert entry["before"]["amount"] in ("600.00", "600", 600) and entry["after"]["fee_id"] == f"{no}-F003"


# --- correcting a result -------------------------------------------------------------------------


def _passed_inspection(api, contractor, staff_token, clock) -> tuple[str, str, str]:
    no = active_permit(api, staff_token, contractor["contractor_id"])["permit_no"]
    booked = api.post(f"/permits/{no}/inspections", {"inspection_type": "FOOTING", "date": "2026-12-15"},
                      contractor["token"]).json_body
    clock.advance(days=21)
    inspector = sign_in_as(api, StaffRole.INSPECTOR, "ipat")
    recorded = api.post(f"/staff/inspections/{booked['inspection_id']}/result", {"result": "PASSED", "notes": "OK"},
                        inspector)
    assert recorded.status_code == 200
    assert recorded.json_body["recorded_by"] == "ipat" and recorded.json_body["history"] == []
    return no, booked["inspection_id"], inspector


def test_a_correction_keeps_the_earlier_result_and_moves_expiry_back(api, contractor, staff_token, clock):
    no, inspection_id, inspector = _passed_inspection(api, contractor, staff_token, clock)
    assert api.get(f"/staff/permits/{no}", inspector).json_body["expires_date"] == "2027-06-13"
    supervisor = fresh_staff_token(api)
    corrected = api.post(f"/staff/inspections/{inspection_id}/correction",
                         {"result": "failed", "notes": "Rebar spacing wrong; entered as a pass"}, supervisor)
    assert corrected.status_code == 200, corrected.body
    body = corrected.json_body
    assert (body["status"], body["result_notes"], body["recorded_by"]) == (
        "FAILED", "Rebar spacing wrong; entered as a pass", "admin")
    assert [(h["result"], h["notes"], h["recorded_by"]) for h in body["history"]] == [("PASSED", "OK", "ipat")]
    detail = api.get(f"/staff/permits/{no}", supervisor).json_body
    assert detail["expires_date"] == "2027-05-23"  # back to issue + 180 days
    assert detail["inspections"][0]["history"] == body["history"]
    (mail,) = mails(api, MAIL, "Inspection result corrected")
    assert "FAILED" in mail["body"] and "PASSED" in mail["body"]
    (entry,) = [e for e in audit(api, supervisor, f"permit:{no}") if e["action"] == "inspection.correction"]
    assert entry["by"] == "admin" and (entry["before"]["result"], entry["after"]["result"]) == ("PASSED", "FAILED")
    assert (entry["before"]["expires_date"], entry["after"]["expires_date"]) == ("2027-06-13", "2027-05-23")
    # Corrected back to a pass: the 180 days run from the inspection's date again.
    again = api.post(f"/staff/inspections/{inspection_id}/correction", {"result": "PASSED", "notes": "Re-checked"},
                     inspector).json_body
    assert [h["result"] for h in again["history"]] == ["PASSED", "FAILED"]
    assert api.get(f"/staff/permits/{no}", inspector).json_body["expires_date"] == "2027-06-13"


def test_a_pass_corrected_away_after_its_restart_was_needed_flags_the_permit_expired(api, contractor, staff_token,
                                                                                     clock):
    no, inspection_id, _ = _passed_inspection(api, contractor, staff_token, clock)
    clock.advance(days=200)  # past issue + 180 days, within the pass's 180 days
    supervisor = fresh_staff_token(api)
    api.post(f"/staff/inspections/{inspection_id}/correction", {"result": "FAILED", "notes": "Wrong permit"},
             supervisor)
    detail = api.get(f"/staff/permits/{no}", supervisor).json_body
    assert (detail["expires_date"], detail["expired"]) == ("2027-05-23", True)


def test_only_a_recorded_result_can_be_corrected(api, contractor, staff_token):
    no = active_permit(api, staff_token, contractor["contractor_id"])["permit_no"]
    booked = api.post(f"/permits/{no}/inspections", {"inspection_type": "FOOTING", "date": "2026-11-25"},
                      contractor["token"]).json_body
    url = f"/staff/inspections/{booked['inspection_id']}/correction"
    scheduled = api.post(url, {"result": "PASSED", "notes": ""}, staff_token)
    assert scheduled.status_code == 409 and slug(scheduled) == "inspection-no-result"
    api.delete(f"/inspections/{booked['inspection_id']}", contractor["token"])  # the contractor's cancellation
    cancelled = api.post(url, {"result": "PASSED", "notes": ""}, staff_token)
    assert cancelled.status_code == 409 and slug(cancelled) == "inspection-no-result"
    assert api.post(url, {"result": "SCHEDULED", "notes": ""}, staff_token).status_code == 400
    assert api.post(url, {"result": "PASSED"}, staff_token).json_body["errors"][0]["field"] == "notes"
    assert api.post("/staff/inspections/RES26-0001-deadbeef/correction", {"result": "PASSED", "notes": ""},
                    staff_token).status_code == 404
    clerk = sign_in_as(api, StaffRole.CLERK)
    assert api.post(url, {"result": "PASSED", "notes": ""}, clerk).status_code == 403


def test_the_contractor_site_still_reads_a_permit_as_before(api, contractor, staff_token):
    """The contractor's detail gains no staff fields: no timeline, no recorded_by, no voided_by."""
    no = active_permit(api, staff_token, contractor["contractor_id"])["permit_no"]
    theirs = api.get(f"/permits/{no}", contractor["token"]).json_body
    assert not {"timeline", "recorded_by", "history"} & set(theirs)
