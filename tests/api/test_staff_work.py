"""The back office's work routes (docs/back-office.md "Work"): PIN letters, moving a permit along its
lifecycle with a timeline, voiding and adjusting fees, correcting a recorded result. Each is audited."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.accounts import StaffRole
from tests.conftest import complete_setup, register, sign_in_as
from tests.services.permit_helpers import active_permit, add_fee, fresh_staff_token, make_permit, mails

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
    contractor_id, old_pin = register(api, staff_token)
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
