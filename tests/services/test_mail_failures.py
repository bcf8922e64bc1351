"""Amazon SES can refuse a message (MessageRejected for an unverified or suppressed address, throttling);
the sandbox outbox and moto never do. A refused mail must not turn a write already made into a 500
(the caller would retry and book twice), nor stop the daily job's other reminders."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.permit_helpers import active_permit, make_permit

BOUNCING = "contractor@online.com"  # RICH CONTRACTOR's address


@pytest.fixture
def ses_refuses(monkeypatch: Any) -> list[str]:
    """SES refuses mail to BOUNCING; everything else goes to the outbox."""
    from chalicelib.notifier import OutboxNotifier

    refused: list[str] = []
    real_send = OutboxNotifier.send

    def send(self: Any, to: str, subject: str, body: str) -> None:
        if to.lower() == BOUNCING:
            refused.append(subject)
            raise ClientError({"Error": {"Code": "MessageRejected", "Message": "Email address is not verified."}},
                              "SendEmail")
        real_send(self, to, subject, body)

    monkeypatch.setattr(OutboxNotifier, "send", send)
    return refused


def test_an_inspection_is_booked_once_even_when_its_confirmation_bounces(api, contractor, staff_token, ses_refuses):
    active_permit(api, staff_token, contractor["contractor_id"], permit_no="RES16-0304")
    response = api.post("/permits/RES16-0304/inspections", {"inspection_type": "FOOTING", "date": "2026-11-25"},
                        contractor["token"])
    assert response.status_code == 201, response.body
    assert ses_refuses == ["Inspection requested: Footing on RES16-0304"]


def test_staff_scheduling_and_results_stand_when_the_notice_bounces(api, contractor, staff_token, ses_refuses):
    active_permit(api, staff_token, contractor["contractor_id"], permit_no="RES16-0304")
    booked = api.post("/staff/permits/RES16-0304/inspections", {"inspection_type": "FOOTING", "date": "2026-11-24"},
                      staff_token)  # today: a result is recorded from the inspection's day on
    assert booked.status_code == 201, booked.body
    result = api.post(f"/staff/inspections/{booked.json_body['inspection_id']}/result", {"result": "FAILED"},
                      staff_token)
    assert result.status_code == 200, result.body


def test_one_bouncing_reminder_does_not_stop_the_others(api, contractor, staff_token, ses_refuses):
    from tests.conftest import complete_setup, register
    from tests.services.test_expiry_job import run_job

    other_id, pin = register(api, staff_token, "LAKE CITY PLUMBING", "PLB2231", "office@lakecity.example")
    complete_setup(api, other_id, pin)
    cid = contractor["contractor_id"]
    make_permit(api, staff_token, cid, status="ACTIVE", issued_date="2026-06-01", expires_date="2026-11-30")
    make_permit(api, staff_token, other_id, status="ACTIVE", issued_date="2026-06-01", expires_date="2026-12-01")
    assert run_job().reminded == 1
    assert any(s.endswith("expires on 11/30/2026") for s in ses_refuses)
    mail = api.get("/sandbox/outbox?to=office@lakecity.example").json_body["items"]
    assert any(m["subject"].endswith("expires on 12/1/2026") for m in mail)


def test_first_login_set_up_answers_with_its_session_when_the_notice_bounces(api, staff_token, ses_refuses):
    from tests.conftest import CONTRACTOR_PASSWORD, SECRET_ANSWER, register

    contractor_id, pin = register(api, staff_token)
    setup_token = api.post("/auth/login", {"contractor_id": contractor_id, "password": pin}).json_body["token"]
    response = api.post("/auth/setup", {
        "security_question": "FIRST CAR", "secret_answer": SECRET_ANSWER, "secret_answer_confirm": SECRET_ANSWER,
        "password": CONTRACTOR_PASSWORD, "password_confirm": CONTRACTOR_PASSWORD}, setup_token)
    assert response.status_code == 200, response.body
    assert api.get("/dashboard", response.json_body["token"]).status_code == 200
    assert ses_refuses == ["Your portal password was changed"]


def test_a_reset_start_still_answers_202_when_the_code_bounces(api, contractor, ses_refuses):
    response = api.post("/auth/password-reset/start", {"contractor_id": contractor["contractor_id"]})
    assert response.status_code == 202
    assert ses_refuses == ["Your password reset code"]
