"""Staff are told (docs/back-office.md, "Notices"): a contractor requesting or cancelling an inspection, or
paying, leaves a notice in the change's own transaction and mails the staff mailbox once; staff read the
queue newest first and mark notices read (audited).

The `clock` fixture stands on Tuesday 2026-11-24 09:00 in America/Los_Angeles.
"""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.accounts import StaffRole
from tests.api.test_payments import post_callback
from tests.conftest import sign_in_as
from tests.services.permit_helpers import active_permit, add_fee, outbox

STAFF_MAIL = "permits-staff@example.gov"


def request(api: Any, token: str, permit_no: str = "RES16-0304", day: str = "2026-11-25", kind: str = "FOOTING") -> Any:
    return api.post(f"/permits/{permit_no}/inspections", {"inspection_type": kind, "date": day, "time_window": "AM"},
                    token)


def notices(api: Any, token: str, query: str = "") -> Any:
    response = api.get(f"/staff/notices{query}", token)
    assert response.status_code == 200, response.body
    return response.json_body


@pytest.fixture
def permit(api: Any, contractor: dict[str, str], staff_token: str) -> dict[str, Any]:
    return active_permit(api, staff_token, contractor["contractor_id"], permit_no="RES16-0304")


@pytest.fixture
def inspector(api: Any) -> str:
    return sign_in_as(api, StaffRole.INSPECTOR, "ipat")


def test_an_inspection_request_leaves_an_unread_notice_and_mails_the_staff_mailbox(
        api: Any, contractor: dict[str, str], permit: dict[str, Any], inspector: str) -> None:
    assert notices(api, inspector, "?unread=true")["items"] == []
    booked = request(api, contractor["token"])
    assert booked.status_code == 201, booked.body
    (notice,) = notices(api, inspector, "?unread=true")["items"]
    assert {k: notice[k] for k in ("kind", "permit_no", "contractor_id", "read", "inspection_id")} == {
        "kind": "inspection-requested", "permit_no": "RES16-0304", "contractor_id": contractor["contractor_id"],
        "read": False, "inspection_id": booked.json_body["inspection_id"]}
    assert notice["summary"] == "Inspection requested: Footing on RES16-0304 for Wednesday 11/25/2026"
    assert notice["at"] == "2026-11-24T17:00:00Z"
    (mail,) = outbox(api, STAFF_MAIL)
    assert mail["subject"] == notice["summary"]
    assert "RICH CONTRACTOR" in mail["body"] and "1502 E FALLS AVE" in mail["body"]
    assert booked.json_body["inspection_id"] in mail["body"] and "morning" in mail["body"]


def test_a_cancellation_leaves_its_own_notice_listed_newest_first(
        api: Any, contractor: dict[str, str], permit: dict[str, Any], inspector: str, clock: Any) -> None:
    inspection_id = request(api, contractor["token"]).json_body["inspection_id"]
    clock.advance(minutes=5)
    assert api.delete(f"/inspections/{inspection_id}", contractor["token"]).status_code == 204
    items = notices(api, inspector)["items"]
    assert [n["kind"] for n in items] == ["inspection-cancelled", "inspection-requested"]
    assert items[0]["summary"] == "Inspection cancelled: Footing on RES16-0304 for Wednesday 11/25/2026"
    assert items[0]["inspection_id"] == inspection_id
    assert [m["subject"] for m in outbox(api, STAFF_MAIL)] == [items[0]["summary"], items[1]["summary"]]


def test_a_refused_request_leaves_no_notice_and_no_mail(
        api: Any, contractor: dict[str, str], permit: dict[str, Any], staff_token: str, inspector: str) -> None:
    add_fee(api, staff_token, "RES16-0304", "REINSPECTION FEE", "65.00")
    assert request(api, contractor["token"]).status_code == 409  # fees due: nothing booked
    assert notices(api, inspector)["items"] == []
    assert outbox(api, STAFF_MAIL) == []


def test_a_payment_leaves_one_notice_and_one_staff_mail(
        api: Any, rich: dict[str, str], pending: dict[str, Any], clock: Any) -> None:
    clerk = sign_in_as(api, StaffRole.CLERK)
    paid = api.post(f"/sandbox/payments/{pending['payment_id']}", {"outcome": "approved"}, rich["token"])
    assert paid.status_code == 200 and paid.json_body["status"] == "PAID"
    (notice,) = notices(api, clerk, "?unread=true")["items"]
    assert (notice["kind"], notice["payment_id"], notice["permit_no"]) == ("payment", pending["payment_id"],
                                                                           "RES16-0688")
    assert notice["summary"] == "Fees paid: RES16-0688"
    (mail,) = outbox(api, STAFF_MAIL)  # the notice is the staff mail: never a second one
    assert mail["subject"] == notice["summary"] and mail["body"] == notice["details"]
    assert "$1,023.98" in mail["body"] and "READY TO ISSUE" in mail["body"]
    # A replay of the approval changes nothing, so tells nobody again.
    assert post_callback(api, clock, pending["payment_id"], "approved", "1054.70",
                         paid.json_body["transaction_id"]).status_code == 200
    assert len(notices(api, clerk)["items"]) == 1 and len(outbox(api, STAFF_MAIL)) == 1


def test_a_declined_payment_tells_staff_nothing_but_money_after_it_is_a_refund_notice(
        api: Any, rich: dict[str, str], pending: dict[str, Any], clock: Any) -> None:
    clerk = sign_in_as(api, StaffRole.CLERK)
    assert post_callback(api, clock, pending["payment_id"], "declined", "1054.70", None).status_code == 200
    assert notices(api, clerk)["items"] == [] and outbox(api, STAFF_MAIL) == []
    assert post_callback(api, clock, pending["payment_id"], "approved", "1054.70", "TX-LATE").status_code == 200
    (notice,) = notices(api, clerk)["items"]
    assert notice["kind"] == "payment" and notice["summary"] == f"Refund due: payment {pending['payment_id']}"
    assert [m["subject"] for m in outbox(api, STAFF_MAIL)] == [notice["summary"]]


def test_marking_a_notice_read_takes_it_off_the_unread_queue_and_is_audited(
        api: Any, contractor: dict[str, str], permit: dict[str, Any], inspector: str, clock: Any) -> None:
    request(api, contractor["token"])
    (notice,) = notices(api, inspector, "?unread=true")["items"]
    clock.advance(minutes=3)
    response = api.post(f"/staff/notices/{notice['notice_id']}/read", None, inspector)
    assert response.status_code == 200, response.body
    read = response.json_body
    assert read["read"] is True and read["read_by"] == "ipat" and read["read_at"] == "2026-11-24T17:03:00Z"
    assert {k: read[k] for k in ("notice_id", "kind", "summary")} == {
        k: notice[k] for k in ("notice_id", "kind", "summary")}
    assert notices(api, inspector, "?unread=true")["items"] == []
    assert [n["read"] for n in notices(api, inspector)["items"]] == [True]  # still in the whole list
    # Read again: the same answer (who read it first), and nothing more in the trail.
    clock.advance(minutes=1)
    other = sign_in_as(api, StaffRole.SUPERVISOR, "sue")
    again = api.post(f"/staff/notices/{notice['notice_id']}/read", None, other)
    assert again.status_code == 200 and again.json_body == read
    trail = api.get(f"/staff/audit?subject=notice:{notice['notice_id']}", other).json_body["items"]
    assert [(e["action"], e["by"], e["before"], e["after"]) for e in trail] == [
        ("notice.read", "ipat", {"read": False}, {"read": True})]


def test_the_queue_pages_newest_first(api: Any, contractor: dict[str, str], permit: dict[str, Any],
                                      inspector: str, clock: Any) -> None:
    for day in ("2026-11-25", "2026-11-26", "2026-11-27"):
        assert request(api, contractor["token"], day=day).status_code == 201
        clock.advance(seconds=1)
    first = notices(api, inspector, "?unread=true&limit=2")
    assert [n["summary"][-10:] for n in first["items"]] == ["11/27/2026", "11/26/2026"]
    assert first["next_cursor"]
    second = notices(api, inspector, f"?unread=true&limit=2&cursor={first['next_cursor']}")
    assert [n["summary"][-10:] for n in second["items"]] == ["11/25/2026"] and second["next_cursor"] is None


@pytest.mark.parametrize(("path", "field"), [
    ("/staff/notices?unread=maybe", "unread"),
    ("/staff/notices?limit=0", "limit"),
    ("/staff/notices?cursor=bm90LWEtY3Vyc29y", "cursor"),
    ("/staff/notices?unread=true&cursor=bm90LWEtY3Vyc29y", "cursor"),
])
def test_malformed_queries_are_refused_naming_the_parameter(api: Any, inspector: str, path: str, field: str) -> None:
    response = api.get(path, inspector)
    assert response.status_code == 400, response.body
    assert [e["field"] for e in response.json_body["errors"]] == [field]


def test_an_unknown_notice_is_404(api: Any, inspector: str) -> None:
    for notice_id in ("0123456789abcdef0123", "not-a-notice", "x" * 300):
        response = api.post(f"/staff/notices/{notice_id}/read", None, inspector)
        assert response.status_code == 404, (notice_id, response.body)


def test_a_contractor_cannot_read_the_staff_queue(api: Any, contractor: dict[str, str]) -> None:
    assert api.get("/staff/notices", contractor["token"]).status_code == 403
