"""Security probe (issue 8), item 6: every date the API accepts is bounded, so none reaches date
arithmetic that overflows (a 500 after half the writes were made)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_http_errors import assert_problem
from tests.services.permit_helpers import active_permit, make_permit

FAR_FUTURE = "9999-12-31"  # a Friday: a business day, so only a date bound can refuse it


def table_snapshot(aws: Any) -> list[dict[str, Any]]:
    """Every item in the table, as the test's own (unhooked) client scans it."""
    import os

    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": os.environ["TABLE_NAME"], "ConsistentRead": True}
    while True:
        page = aws.scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return sorted(items, key=lambda i: (i["PK"]["S"], i["SK"]["S"]))
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def field_errors(response: Any, status: int = 400) -> set[str]:
    return {e["field"] for e in assert_problem(response, status).get("errors", [])}


@pytest.mark.parametrize("as_of", [FAR_FUTURE, "2028-01-01", "2025-11-01", "0001-01-01"])
def test_the_job_refuses_an_as_of_beyond_a_year_before_writing_anything(api, aws, contractor, staff_token, as_of):
    for _ in range(2):
        active_permit(api, staff_token, contractor["contractor_id"])  # expire 2027-05-23: due as of 9999
    make_permit(api, staff_token, contractor["contractor_id"], status="ACTIVE", issued_date="2026-01-05",
                expires_date="2026-07-04")  # already due: today's run would flag it
    before = table_snapshot(aws)
    response = api.post("/staff/jobs/flag-expired", {"as_of": as_of}, staff_token)
    assert field_errors(response) == {"as_of"}
    assert table_snapshot(aws) == before  # nothing flagged, no reminder claimed


def test_the_job_still_runs_as_of_a_date_within_the_year(api, contractor, staff_token):
    """A guard: the bound leaves the job's rehearsal use alone."""
    active_permit(api, staff_token, contractor["contractor_id"])
    response = api.post("/staff/jobs/flag-expired", {"as_of": "2027-11-24"}, staff_token)  # a year from today
    assert response.status_code == 200 and response.json_body["flagged"] == 1


@pytest.mark.parametrize("field", ["issued_date", "expires_date", "applied_date"])
@pytest.mark.parametrize("value", [FAR_FUTURE, "2100-01-01", "1899-12-31", "0001-01-01"])
def test_creating_a_permit_with_an_out_of_range_date_is_a_400_naming_it(api, aws, contractor, staff_token,
                                                                         field, value):
    before = table_snapshot(aws)
    response = api.post("/staff/permits", {"contractor_id": contractor["contractor_id"], "address": "1 MAIN ST",
                                           "type": "RESIDENTIAL", "status": "ACTIVE", field: value}, staff_token)
    assert field_errors(response) == {field}
    assert table_snapshot(aws) == before


@pytest.mark.parametrize("field", ["issued_date", "expires_date", "applied_date"])
def test_patching_a_permit_with_a_far_future_date_is_a_400_and_changes_nothing(api, aws, contractor, staff_token,
                                                                              field):
    permit = active_permit(api, staff_token, contractor["contractor_id"])
    before = table_snapshot(aws)
    response = api.call("PATCH", f"/staff/permits/{permit['permit_no']}", {field: FAR_FUTURE}, staff_token)
    assert field_errors(response) == {field}
    assert table_snapshot(aws) == before


def test_dates_inside_the_horizon_are_still_accepted(api, contractor, staff_token):
    """A guard: 1900-01-01 and 20 years from today are inside the range."""
    permit = make_permit(api, staff_token, contractor["contractor_id"], status="ACTIVE", applied_date="1900-01-01",
                         issued_date="2045-06-01")
    assert permit["issued_date"] == "2045-06-01" and permit["expires_date"] == "2045-11-28"  # + 180 days


def test_staff_cannot_book_an_inspection_that_could_never_get_a_result(api, aws, contractor, staff_token):
    permit = active_permit(api, staff_token, contractor["contractor_id"])
    before = table_snapshot(aws)
    response = api.post(f"/staff/permits/{permit['permit_no']}/inspections",
                        {"inspection_type": "FOOTING", "date": FAR_FUTURE}, staff_token)
    assert field_errors(response) == {"date"}
    assert table_snapshot(aws) == before


def test_a_far_future_inspection_already_stored_gets_a_409_result_not_a_500(api, contractor, staff_token, table):
    """One booked before the bound existed: PASSED would move the expiry past date.max."""
    permit = active_permit(api, staff_token, contractor["contractor_id"])
    booked = api.post(f"/staff/permits/{permit['permit_no']}/inspections",
                      {"inspection_type": "FOOTING", "date": "2026-11-30"}, staff_token).json_body
    items = table.query(KeyConditionExpression="PK = :pk", ExpressionAttributeValues={
        ":pk": f"PERMIT#{permit['permit_no']}"})["Items"]
    (item,) = [i for i in items if i["SK"] == f"INSPECTION#{booked['inspection_id']}"]
    table.put_item(Item={**item, "date": FAR_FUTURE})
    url = f"/staff/inspections/{booked['inspection_id']}/result"
    assert_problem(api.post(url, {"result": "PASSED"}, staff_token), 409)
    assert api.post(url, {"result": "CANCELLED"}, staff_token).status_code == 200  # it can still be closed


def test_a_review_dated_far_in_the_future_is_a_400(api, contractor, staff_token):
    permit = active_permit(api, staff_token, contractor["contractor_id"])
    response = api.post(f"/staff/permits/{permit['permit_no']}/reviews",
                        {"department": "BUILDING", "status": "APPROVED", "date": FAR_FUTURE}, staff_token)
    assert field_errors(response) == {"date"}


def test_a_contractor_request_for_a_far_future_date_is_a_400(api, contractor, staff_token):
    """A guard: the request rules (at most 30 days ahead) already refuse it; keep it a 400."""
    permit = active_permit(api, staff_token, contractor["contractor_id"])
    response = api.post(f"/permits/{permit['permit_no']}/inspections",
                        {"inspection_type": "FOOTING", "date": FAR_FUTURE}, contractor["token"])
    assert field_errors(response) == {"date"}
