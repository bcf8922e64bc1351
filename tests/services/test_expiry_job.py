"""The daily job: flags what expired, idempotently and without a Scan; reminds once per expiry date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bench.counting import counting
from tests.services.permit_helpers import (
    active_permit,
    fresh_staff_token,
    fresh_token,
    mails,
    make_permit,
)

MAIL = "contractor@online.com"


def run_job(as_of: date | None = None):
    from chalicelib import bootstrap

    return bootstrap.expiry_job().run(as_of)


def test_a_permit_is_flagged_the_day_after_its_expiry_date_and_keeps_its_status(api, contractor, staff_token,
                                                                                  clock, table):
    permit = active_permit(api, staff_token, contractor["contractor_id"])  # expires 2027-05-23
    clock.advance(days=180)  # 2027-05-23: the last valid day
    assert run_job().flagged == 0
    clock.advance(days=1)
    assert run_job().flagged == 1
    token = fresh_token(api, contractor["contractor_id"])
    body = api.get("/dashboard", token).json_body
    assert body["active_permits"]["total"] == 0
    assert body["expired_permits"]["items"] == [{
        "permit_no": permit["permit_no"], "address": "1502 E FALLS AVE", "type": "RESIDENTIAL", "status": "ACTIVE",
        "expired": "2027-05-23", "fees_due": "0.00", "fees_held": "0.00", "payment_pending_until": None}]
    item = table.get_item(Key={"PK": f"PERMIT#{permit['permit_no']}", "SK": "PERMIT"})["Item"]
    assert item["expired"] is True and "GSI2PK" not in item and "GSI2SK" not in item


def test_the_job_is_idempotent(api, contractor, staff_token):
    for _ in range(3):
        active_permit(api, staff_token, contractor["contractor_id"])
    later = date(2027, 6, 1)
    assert run_job(later).flagged == 3
    assert run_job(later).flagged == 0
    assert run_job(later + timedelta(days=30)).flagged == 0


def test_the_job_reads_only_what_falls_due_and_never_scans(api, contractor, staff_token, table):
    cid = contractor["contractor_id"]
    for n in range(1, 4):  # due: expired 3, 2 and 1 days before the run
        make_permit(api, staff_token, cid, status="ACTIVE", issued_date="2026-05-01",
                    expires_date=(date(2026, 11, 24) - timedelta(days=n)).isoformat())
    for _ in range(5):  # not due: expiring months from now
        active_permit(api, staff_token, cid)
    make_permit(api, staff_token, cid)  # no expiry date at all
    with counting(table) as tally:
        result = run_job()
    assert result.flagged == 3 and result.reminded == 0
    assert "Scan" not in tally.operations
    assert tally.operations["Query"] == 2  # the expiry entries due, the reminders due: one page each
    assert tally.operations["UpdateItem"] == 3
    assert tally.items_read == 3
    with counting(table) as tally:
        assert run_job().flagged == 0
    assert tally.items_read == 0 and "Scan" not in tally.operations


def test_the_scheduled_function_runs_the_job(client, api, contractor, staff_token, clock):
    from app import app

    active_permit(api, staff_token, contractor["contractor_id"])
    clock.advance(days=200)
    # No Chalice schedule: EventBridge Scheduler (infra/template.json) invokes the function on county time.
    assert not [h for h in app.event_sources if getattr(h, "name", "") == "flag_expired_permits"]
    answer = client.lambda_.invoke("flag_expired_permits", {})
    assert answer.payload == {"flagged": 1, "reminded": 0}
    token = fresh_token(api, contractor["contractor_id"])
    assert api.get("/dashboard", token).json_body["expired_permits"]["total"] == 1


def test_the_function_reruns_the_job_for_a_date_and_refuses_a_bad_one(client, api, contractor, staff_token):
    active_permit(api, staff_token, contractor["contractor_id"])  # expires 2027-05-23
    assert client.lambda_.invoke("flag_expired_permits", {"as_of": "2027-05-23"}).payload["flagged"] == 0
    assert client.lambda_.invoke("flag_expired_permits", {"as_of": "2027-05-24"}).payload["flagged"] == 1
    with pytest.raises(ValueError, match="as_of"):
        client.lambda_.invoke("flag_expired_permits", {"as_of": "tomorrow"})


def test_the_staff_route_runs_the_job_as_of_a_date(api, contractor, staff_token):
    active_permit(api, staff_token, contractor["contractor_id"])
    response = api.post("/staff/jobs/flag-expired", {"as_of": "2027-05-24"}, staff_token)
    assert response.status_code == 200 and response.json_body["flagged"] == 1
    bad = api.post("/staff/jobs/flag-expired", {"as_of": "tomorrow"}, staff_token)
    assert bad.status_code == 400 and bad.json_body["errors"][0]["field"] == "as_of"


def test_a_reminder_goes_out_fourteen_days_before_expiry_once(api, contractor, staff_token, clock):
    permit = active_permit(api, staff_token, contractor["contractor_id"])  # expires 2027-05-23
    clock.advance(days=165)  # 2027-05-08: fifteen days before
    assert run_job().reminded == 0
    clock.advance(days=1)  # 2027-05-09: fourteen days before
    assert run_job().reminded == 1
    assert run_job().reminded == 0
    clock.advance(days=3)
    assert run_job().reminded == 0
    (mail,) = mails(api, MAIL, f"Permit {permit['permit_no']} expires")
    assert "5/23/2027" in mail["body"] and "in 14 days" in mail["body"]


def test_a_new_expiry_date_gets_its_own_reminder_and_an_old_one_never_repeats(api, contractor, staff_token, clock):
    permit = active_permit(api, staff_token, contractor["contractor_id"])
    no = permit["permit_no"]
    clock.advance(days=166)  # reminded for 2027-05-23
    assert run_job().reminded == 1
    staff = fresh_staff_token(api)
    api.call("PATCH", f"/staff/permits/{no}", {"expires_date": "2027-06-30"}, staff)
    assert run_job().reminded == 0
    api.call("PATCH", f"/staff/permits/{no}", {"expires_date": "2027-05-23"}, staff)  # back: already reminded
    assert run_job().reminded == 0
    api.call("PATCH", f"/staff/permits/{no}", {"expires_date": "2027-06-30"}, staff)
    clock.advance(days=38)  # 2027-06-16: fourteen days before 2027-06-30
    assert run_job().reminded == 1
    assert len(mails(api, MAIL, f"Permit {no} expires")) == 2


def test_a_reminder_whose_day_was_missed_is_sent_late_but_not_after_expiry(api, contractor, staff_token):
    cid = contractor["contractor_id"]
    soon = make_permit(api, staff_token, cid, status="ACTIVE", issued_date="2026-06-01", expires_date="2026-11-30")
    gone = make_permit(api, staff_token, cid, status="ACTIVE", issued_date="2026-05-01", expires_date="2026-11-20")
    result = run_job()
    assert (result.flagged, result.reminded) == (1, 1)
    assert mails(api, MAIL, f"Permit {soon['permit_no']} expires")
    assert not mails(api, MAIL, f"Permit {gone['permit_no']} expires")


def test_the_reminder_lead_time_is_configurable(api, contractor, staff_token, clock, monkeypatch):
    monkeypatch.setenv("EXPIRY_REMINDER_DAYS", "30")
    active_permit(api, staff_token, contractor["contractor_id"])  # expires 2027-05-23
    clock.advance(days=149)  # 2027-04-22: thirty-one days before
    assert run_job().reminded == 0
    clock.advance(days=1)
    assert run_job().reminded == 1


def test_finished_permits_never_expire_nor_get_reminders(api, contractor, staff_token, table):
    cid = contractor["contractor_id"]
    finaled = make_permit(api, staff_token, cid, status="FINALED", issued_date="2026-01-01",
                          expires_date="2026-06-30")  # long past
    closing = active_permit(api, staff_token, cid)  # expires 2027-05-23, reminder armed for 2027-05-09
    no = closing["permit_no"]
    assert api.call("PATCH", f"/staff/permits/{no}", {"status": "CLOSED"}, staff_token).status_code == 200
    result = run_job(date(2027, 6, 1))
    assert result.flagged == 0 and result.reminded == 0
    assert not mails(api, MAIL, f"Permit {no} expires")
    body = api.get("/dashboard", fresh_token(api, cid)).json_body
    assert body["expired_permits"]["total"] == 0 and body["active_permits"]["total"] == 0
    for permit_no in (finaled["permit_no"], no):
        item = table.get_item(Key={"PK": f"PERMIT#{permit_no}", "SK": "PERMIT"})["Item"]
        assert "GSI2PK" not in item  # not in the sparse expiry index at all


def test_a_changed_reminder_lead_time_applies_to_permits_already_issued(api, contractor, staff_token, monkeypatch):
    permit = active_permit(api, staff_token, contractor["contractor_id"])  # expires 2027-05-23, armed at 14 days
    monkeypatch.setenv("EXPIRY_REMINDER_DAYS", "30")
    assert run_job(date(2027, 4, 22)).reminded == 0  # 31 days before
    assert run_job(date(2027, 4, 23)).reminded == 1  # 30 days before
    (mail,) = mails(api, MAIL, f"Permit {permit['permit_no']} expires")
    assert "in 30 days" in mail["body"]
