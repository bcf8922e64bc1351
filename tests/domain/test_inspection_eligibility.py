"""May an inspection be requested on this permit now? One answer for the permit's JSON and the POST.

`inspection_request_eligibility` gives the refusal's whole sentence and the problem slug the request
endpoint answers with; `Permit.request_inspection` raises exactly that, so the screen and the 409 agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.errors import Conflict
from chalicelib.domain.inspections import Inspection, InspectionCalendar
from chalicelib.domain.permits import Permit, PermitStatus, RequestEligibility, inspection_request_eligibility

TODAY = date(2026, 3, 4)
LATER = date(2026, 6, 30)
ZERO = Decimal("0.00")
NOW = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)  # 09:00 in Los Angeles
CALENDAR = InspectionCalendar(tz=ZoneInfo("America/Los_Angeles"))


def test_an_issued_paid_permit_may_have_an_inspection_requested() -> None:
    assert inspection_request_eligibility("RES16-0304", "ACTIVE", False, LATER, TODAY, ZERO) == \
        RequestEligibility(True, "", None)


def test_res16_0688_is_refused_for_its_status_and_fees_with_the_general_type() -> None:
    got = inspection_request_eligibility("RES16-0688", "READY TO ISSUE", False, None, TODAY, Decimal("1023.98"))
    assert not got.allowed and got.slug == "inspection-not-allowed"
    assert got.reason == (
        "An inspection cannot be requested on RES16-0688. The permit has not been issued: its status is READY TO "
        "ISSUE, and inspections can be requested only on an ACTIVE (issued) permit. Fees of $1,023.98 are due on "
        "this permit; pay them before requesting an inspection.")


@pytest.mark.parametrize(
    ("status", "expired", "expires", "due", "held", "slug"),
    [
        ("ACTIVE", False, LATER, "65.00", "0", "fees-due"),  # only fees due
        ("ACTIVE", False, LATER, "0", "65.00", "fees-held"),  # only a payment in progress
        ("ACTIVE", False, LATER, "65.00", "10.00", "inspection-not-allowed"),  # both: no single slug
        ("ACTIVE", True, LATER, "0", "0", "inspection-not-allowed"),  # flagged expired
        ("ACTIVE", False, date(2026, 3, 3), "0", "0", "inspection-not-allowed"),  # lapsed yesterday
        ("IN REVIEW", False, None, "0", "0", "inspection-not-allowed"),
        ("CANCELLED", False, None, "0", "0", "inspection-not-allowed"),
    ],
)
def test_each_refusal_names_the_problem_type_the_request_would_get(
        status: str, expired: bool, expires: date, due: str, held: str, slug: str) -> None:
    got = inspection_request_eligibility("RES16-0686", status, expired, expires, TODAY, Decimal(due),
                                         fees_held=Decimal(held))
    assert (got.allowed, got.slug) == (False, slug)
    assert got.reason.startswith("An inspection cannot be requested on RES16-0686. ")


def test_the_expiry_date_in_the_reason_is_written_the_countys_way() -> None:
    got = inspection_request_eligibility("RES16-0310", "ACTIVE", False, date(2026, 3, 3), TODAY, ZERO)
    assert "its expiry date is 3/3/2026" in got.reason and "2026-03-03" not in got.reason


def _permit(status: PermitStatus, fee: str | None = None) -> Permit:
    permit = Permit("RES16-0688", "c-1", "1968 E DODD RD", "RESIDENTIAL", status, expires_date=LATER,
                    inspection_types=["FOOTING"])
    if fee:
        permit.add_fee("MECHANICAL PERMIT", Decimal(fee))
    return permit


@pytest.mark.parametrize(("status", "fee"), [(PermitStatus.READY_TO_ISSUE, "1023.98"),
                                              (PermitStatus.ACTIVE, "65.00"), (PermitStatus.SUBMITTED, None)])
def test_the_request_is_refused_with_exactly_the_eligibility_the_view_shows(status: PermitStatus,
                                                                             fee: str | None) -> None:
    permit = _permit(status, fee)
    shown = permit.request_eligibility(TODAY, NOW)
    wanted = Inspection("RES16-0688-0000abcd", permit.permit_no, "c-1", "FOOTING", TODAY + timedelta(days=6))
    with pytest.raises(Conflict) as caught:
        permit.request_inspection(wanted, CALENDAR, NOW)
    assert (caught.value.detail, caught.value.slug) == (shown.reason, shown.slug)
    assert not shown.allowed and permit.inspections == []


def test_an_allowed_permit_books_the_request() -> None:
    permit = _permit(PermitStatus.ACTIVE)
    assert permit.request_eligibility(TODAY, NOW).allowed
    wanted = Inspection("RES16-0688-0000abcd", permit.permit_no, "c-1", "FOOTING", date(2026, 3, 10))
    permit.request_inspection(wanted, CALENDAR, NOW)
    assert permit.inspections == [wanted]
