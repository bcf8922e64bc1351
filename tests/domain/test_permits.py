"""Permit rules: statuses, the active list, the 180-day rule, request blockers, numbers, types."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chalicelib.domain.errors import Conflict, InvalidInput
from chalicelib.domain.permits import (
    CLOSED_STATUSES,
    PermitNo,
    PermitNumbersExhausted,
    PermitStatus,
    can_expire,
    can_request_inspection,
    default_inspection_types,
    expiry_date,
    format_permit_no,
    has_lapsed,
    inspection_request_blockers,
    is_closed,
    is_listed_active,
    is_listed_expired,
    is_valid_permit_no,
    known_permit_types,
    parse_permit_no,
    parse_permit_status,
    parse_permit_type,
    prefix_for_type,
)

TODAY = date(2026, 3, 4)
LATER = date(2026, 6, 30)
ZERO = Decimal("0.00")

# --- statuses ------------------------------------------------------------------------------------


def test_status_values_are_the_countys_exact_strings() -> None:
    assert [s.value for s in PermitStatus] == [
        "SUBMITTED",
        "IN REVIEW",
        "PENDING APPROVAL",
        "READY TO ISSUE",
        "ACTIVE",
        "FINALED",
        "CLOSED",
        "CANCELLED",
    ]


@pytest.mark.parametrize("status", list(PermitStatus))
def test_parse_status_accepts_every_county_string(status: PermitStatus) -> None:
    assert parse_permit_status(status.value) is status
    assert parse_permit_status(status) is status


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in review", PermitStatus.IN_REVIEW),
        ("  Ready To Issue ", PermitStatus.READY_TO_ISSUE),
        ("PENDING  APPROVAL", PermitStatus.PENDING_APPROVAL),
    ],
)
def test_parse_status_forgives_case_and_spacing(text: str, expected: PermitStatus) -> None:
    assert parse_permit_status(text) is expected


@pytest.mark.parametrize("bad", ["ISSUED", "IN_REVIEW", "", "   ", None, 3, ["ACTIVE"]])
def test_parse_status_refuses_unknown_values_naming_the_allowed_ones(bad: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_permit_status(bad)
    assert caught.value.status == 400
    assert repr(bad) in caught.value.detail
    assert "IN REVIEW" in caught.value.detail
    assert [p.field for p in caught.value.errors] == ["status"]


def test_parse_status_names_the_callers_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_permit_status("NOPE", field="rec_status")
    assert caught.value.errors[0].field == "rec_status"


def test_only_finaled_and_closed_are_closed() -> None:
    assert {PermitStatus.FINALED, PermitStatus.CLOSED} == CLOSED_STATUSES
    assert [s for s in PermitStatus if is_closed(s)] == [PermitStatus.FINALED, PermitStatus.CLOSED]
    assert is_closed("FINALED")
    assert not is_closed("CANCELLED")


@pytest.mark.parametrize("status", [s for s in PermitStatus if s not in CLOSED_STATUSES])
def test_unexpired_open_permits_are_listed_active(status: PermitStatus) -> None:
    assert is_listed_active(status, expired_flag=False)
    assert is_listed_active(status.value, expired_flag=False)


@pytest.mark.parametrize("status", list(PermitStatus))
def test_expired_permits_never_list_as_active(status: PermitStatus) -> None:
    assert not is_listed_active(status, expired_flag=True)


@pytest.mark.parametrize("status", ["FINALED", "CLOSED"])
def test_closed_permits_leave_the_active_list(status: str) -> None:
    assert not is_listed_active(status, expired_flag=False)


def test_cancelled_stays_on_the_active_list_as_in_the_guides_second_dashboard() -> None:
    assert is_listed_active("CANCELLED", expired_flag=False)


def test_guides_dashboard_rows_land_in_the_right_list() -> None:
    active_rows = ["ACTIVE"] * 4 + ["READY TO ISSUE", "IN REVIEW", "PENDING APPROVAL"]
    active_rows += ["SUBMITTED"] * 3
    assert all(is_listed_active(s, expired_flag=False) for s in active_rows)
    # "My Expired Permits": status still ACTIVE, moved by the flag alone.
    assert not any(is_listed_active("ACTIVE", expired_flag=True) for _ in range(3))


# --- the 180-day rule (IRC R105.5) ---------------------------------------------------------------


def test_expiry_without_inspection_is_issue_plus_180_days() -> None:
    assert expiry_date(date(2026, 3, 4)) == date(2026, 8, 31)


def test_expiry_counts_the_leap_day() -> None:
    assert expiry_date(date(2024, 1, 1)) == date(2024, 6, 29)
    assert expiry_date(date(2023, 1, 1)) == date(2023, 6, 30)


def test_a_passed_inspection_restarts_the_180_days() -> None:
    issued = date(2026, 1, 5)
    assert expiry_date(issued, date(2026, 5, 1)) == date(2026, 10, 28)


def test_an_inspection_on_the_issue_day_changes_nothing() -> None:
    issued = date(2026, 1, 5)
    assert expiry_date(issued, issued) == expiry_date(issued)


def test_an_earlier_inspection_never_shortens_the_validity() -> None:
    issued = date(2026, 1, 5)
    # e.g. a pre-issue ADDRESSING inspection passed before the permit was issued
    assert expiry_date(issued, date(2025, 12, 1)) == date(2026, 7, 4)


def test_the_later_of_the_two_wins_by_one_day() -> None:
    issued = date(2026, 1, 5)
    assert expiry_date(issued, date(2026, 1, 6)) == date(2026, 7, 5)


def test_validity_days_is_configurable() -> None:
    assert expiry_date(date(2026, 1, 1), validity_days=365) == date(2027, 1, 1)
    assert expiry_date(date(2026, 1, 1), date(2026, 2, 1), validity_days=1) == date(2026, 2, 2)


@pytest.mark.parametrize("days", [0, -180])
def test_validity_days_must_be_positive(days: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        expiry_date(date(2026, 1, 1), validity_days=days)


@pytest.mark.parametrize(
    ("expires", "lapsed"),
    [
        (date(2026, 3, 3), True),  # yesterday
        (date(2026, 3, 4), False),  # today: still valid today
        (date(2026, 3, 5), False),  # tomorrow
        (date(2025, 3, 4), True),
    ],
)
def test_has_lapsed_only_once_the_expiry_date_is_behind_us(expires: date, lapsed: bool) -> None:
    assert has_lapsed(expires, TODAY) is lapsed


# --- inspection-request blockers -----------------------------------------------------------------


def test_an_active_unexpired_permit_with_nothing_due_has_no_blockers() -> None:
    assert inspection_request_blockers("ACTIVE", False, LATER, TODAY, ZERO) == []
    assert can_request_inspection(PermitStatus.ACTIVE, False, LATER, TODAY, ZERO)


@pytest.mark.parametrize("status", [s for s in PermitStatus if s is not PermitStatus.ACTIVE])
def test_any_status_but_active_blocks_and_the_sentence_names_it(status: PermitStatus) -> None:
    blockers = inspection_request_blockers(status, False, LATER, TODAY, ZERO)
    assert len(blockers) == 1
    assert f"status is {status.value}," in blockers[0]
    ended = status in {PermitStatus.FINALED, PermitStatus.CLOSED, PermitStatus.CANCELLED}
    assert ("is no longer active" if ended else "has not been issued") in blockers[0]
    assert blockers[0].endswith(".")
    assert not can_request_inspection(status, False, LATER, TODAY, ZERO)


def test_the_expired_flag_blocks_even_before_the_date_passes() -> None:
    blockers = inspection_request_blockers("ACTIVE", True, LATER, TODAY, ZERO)
    assert blockers == [
        "The permit has expired (its expiry date is 6/30/2026), so inspections can no longer "
        "be requested on it."
    ]


def test_a_lapsed_date_blocks_before_the_nightly_job_flags_it() -> None:
    blockers = inspection_request_blockers("ACTIVE", False, date(2026, 3, 3), TODAY, ZERO)
    assert len(blockers) == 1
    assert "expired" in blockers[0]
    assert "3/3/2026" in blockers[0]


def test_a_permit_expiring_today_can_still_get_an_inspection_request() -> None:
    assert can_request_inspection("ACTIVE", False, TODAY, TODAY, ZERO)


def test_a_flagged_permit_without_a_date_still_says_it_expired() -> None:
    assert inspection_request_blockers("ACTIVE", True, None, TODAY, ZERO) == [
        "The permit has been flagged expired, so inspections can no longer be requested on it."
    ]


def test_no_expiry_date_and_no_flag_is_not_expired() -> None:
    assert can_request_inspection("ACTIVE", False, None, TODAY, ZERO)


def test_fees_due_block_and_the_sentence_shows_the_amount_as_money() -> None:
    blockers = inspection_request_blockers("ACTIVE", False, LATER, TODAY, Decimal("1023.98"))
    assert blockers == [
        "Fees of $1,023.98 are due on this permit; pay them before requesting an inspection."
    ]


@pytest.mark.parametrize(
    ("due", "shown"),
    [
        (Decimal("65"), "$65.00"),
        (Decimal("0.01"), "$0.01"),
        (Decimal("1234567.8"), "$1,234,567.80"),
        (Decimal("0.005"), "$0.01"),  # half-up to the cent
        (7, "$7.00"),
    ],
)
def test_fee_amounts_are_formatted_like_the_guide(due: Decimal, shown: str) -> None:
    [blocker] = inspection_request_blockers("ACTIVE", False, LATER, TODAY, due)
    assert f"Fees of {shown} are due" in blocker


@pytest.mark.parametrize("due", [Decimal("0"), Decimal("0.00"), Decimal("0.004"), Decimal("-5.00")])
def test_nothing_due_to_the_cent_or_a_credit_does_not_block(due: Decimal) -> None:
    assert can_request_inspection("ACTIVE", False, LATER, TODAY, due)


def test_fees_due_must_not_be_a_float() -> None:
    with pytest.raises(TypeError):
        inspection_request_blockers("ACTIVE", False, LATER, TODAY, 65.0)  # type: ignore[arg-type]


def test_all_blockers_are_reported_in_a_fixed_order() -> None:
    blockers = inspection_request_blockers(
        "READY TO ISSUE", True, date(2026, 1, 1), TODAY, Decimal("1023.98")
    )
    assert len(blockers) == 3
    assert "status is READY TO ISSUE" in blockers[0]
    assert "expired" in blockers[1] and "1/1/2026" in blockers[1]
    assert "$1,023.98" in blockers[2]


def test_two_blockers_keep_their_relative_order() -> None:
    blockers = inspection_request_blockers("SUBMITTED", False, None, TODAY, Decimal("35"))
    assert len(blockers) == 2
    assert "SUBMITTED" in blockers[0]
    assert "$35.00" in blockers[1]
    blockers = inspection_request_blockers("ACTIVE", True, None, TODAY, Decimal("35"))
    assert "expired" in blockers[0]
    assert "$35.00" in blockers[1]


@pytest.mark.parametrize(
    ("status", "due", "request_link"),
    [
        ("ACTIVE", "0.00", True),  # RES16-0304
        ("READY TO ISSUE", "1023.98", False),  # RES16-0688
        ("IN REVIEW", "572.43", False),  # RES17-0150
        ("SUBMITTED", "0.00", False),  # WEB17-0002
        ("ACTIVE", "65.00", False),  # RES16-0686 on the guide's second dashboard
        ("CANCELLED", "0.00", False),  # RES16-0601
    ],
)
def test_guides_request_links(status: str, due: str, request_link: bool) -> None:
    assert can_request_inspection(status, False, LATER, TODAY, Decimal(due)) is request_link


# --- permit numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "year", "seq", "expected"),
    [
        ("RES", 17, 150, "RES17-0150"),
        ("RES", 2017, 150, "RES17-0150"),
        ("WEB", 2017, 2, "WEB17-0002"),
        ("MEC", 2026, 1, "MEC26-0001"),
        ("RES", 2000, 9999, "RES00-9999"),
        ("RES", 5, 10, "RES05-0010"),
        ("res", 2026, 42, "RES26-0042"),
        ("AB", 26, 1, "AB26-0001"),
        ("ABCD", 26, 1, "ABCD26-0001"),
    ],
)
def test_format_permit_no(prefix: str, year: int, seq: int, expected: str) -> None:
    assert format_permit_no(prefix, year, seq) == expected
    assert parse_permit_no(expected) == PermitNo(prefix.upper(), year % 100, seq)


def test_a_sequence_past_9999_is_refused_not_widened() -> None:
    with pytest.raises(PermitNumbersExhausted) as caught:
        format_permit_no("RES", 2026, 10000)
    assert isinstance(caught.value, Conflict)
    assert caught.value.status == 409
    assert "RES26-9999" in caught.value.detail
    assert "10000" in caught.value.detail


@pytest.mark.parametrize("seq", [0, -1])
def test_sequences_start_at_one(seq: int) -> None:
    with pytest.raises(ValueError, match="start at 1"):
        format_permit_no("RES", 2026, seq)


@pytest.mark.parametrize("prefix", ["R", "RESID", "R3S", "", "  ", "RE-S", "ÉÉÉ", None])
def test_format_refuses_a_bad_prefix(prefix: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        format_permit_no(prefix, 2026, 1)  # type: ignore[arg-type]
    assert caught.value.errors[0].field == "prefix"
    assert "2 to 4 letters" in caught.value.detail


@pytest.mark.parametrize("year", [100, 999, -1, 10000])
def test_format_refuses_a_year_that_is_neither_two_digits_nor_a_calendar_year(year: int) -> None:
    with pytest.raises(ValueError, match="year"):
        format_permit_no("RES", year, 1)


@pytest.mark.parametrize(("year", "seq"), [(True, 1), (26, True), ("26", 1), (26, 1.0)])
def test_format_refuses_non_integers(year: object, seq: object) -> None:
    with pytest.raises(TypeError):
        format_permit_no("RES", year, seq)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "number",
    [
        "RES16-0304",
        "RES16-0688",
        "RES17-0150",
        "RES17-0167",
        "WEB17-0002",
        "RES16-0310",
        "RES16-0601",
    ],
)
def test_the_guides_permit_numbers_parse_and_round_trip(number: str) -> None:
    assert is_valid_permit_no(number)
    assert str(parse_permit_no(number)) == number


def test_parse_splits_the_parts() -> None:
    parsed = parse_permit_no("RES17-0150")
    assert parsed == PermitNo(prefix="RES", year=17, seq=150)
    assert (parsed.prefix, parsed.year, parsed.seq) == ("RES", 17, 150)


def test_parse_forgives_case_and_surrounding_whitespace() -> None:
    assert str(parse_permit_no("  res17-0150\n")) == "RES17-0150"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "RES17-150",  # three-digit sequence
        "RES17-01500",  # five-digit sequence
        "RES1-0150",  # one-digit year
        "RES170-0150",
        "RES170150",  # no dash
        "RES17_0150",
        "RES 17-0150",
        "R17-0150",  # one-letter prefix
        "RESID17-0150",  # five-letter prefix
        "17-0150",
        "RES17-0000",  # numbering starts at 0001
        "RES17-0150X",
        "RES17-0150 RES17-0151",
        "RES17-01\n50",
        "RES١٧-0150",  # Arabic-Indic digits
        "RÉS17-0150",
        None,
        170150,
    ],
)
def test_parse_refuses_malformed_numbers(bad: object) -> None:
    assert not is_valid_permit_no(bad)
    with pytest.raises(InvalidInput) as caught:
        parse_permit_no(bad)
    assert caught.value.status == 400
    assert "RES17-0150" in caught.value.detail
    assert caught.value.errors[0].field == "permit_no"


@pytest.mark.parametrize(
    ("permit_type", "prefix"),
    [("RESIDENTIAL", "RES"), ("MECHANICAL", "MEC"), (" residential ", "RES"), ("COMMERCIAL", "COM"),
     ("ELECTRICAL", "ELE"), ("PLUMBING", "PLM"), ("DEMOLITION", "DEM")],
)
def test_prefix_for_type(permit_type: str, prefix: str) -> None:
    assert prefix_for_type(permit_type) == prefix


def test_staff_may_choose_the_prefix_as_the_guides_web_permit_shows() -> None:
    assert prefix_for_type("MECHANICAL", "WEB") == "WEB"
    assert prefix_for_type("MECHANICAL", "web") == "WEB"
    assert format_permit_no(prefix_for_type("MECHANICAL", "WEB"), 2017, 2) == "WEB17-0002"


def test_a_chosen_prefix_must_still_be_letters() -> None:
    with pytest.raises(InvalidInput):
        prefix_for_type("MECHANICAL", "W3B")


@pytest.mark.parametrize("permit_type", ["SPACESHIP", "", "RES", None])
def test_unknown_permit_type_is_refused_naming_the_known_ones(permit_type: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        prefix_for_type(permit_type)  # type: ignore[arg-type]
    assert "RESIDENTIAL" in caught.value.detail
    assert caught.value.errors[0].field == "type"


# --- default inspection types --------------------------------------------------------------------


def test_residential_default_inspections_in_construction_order() -> None:
    assert default_inspection_types("RESIDENTIAL") == [
        "FOOTING",
        "FOUNDATION",
        "UNDERGROUND PLUMBING",
        "FRAMING",
        "ROUGH ELECTRICAL",
        "ROUGH PLUMBING",
        "ROUGH MECHANICAL",
        "INSULATION",
        "DRYWALL",
        "FINAL",
    ]


def test_mechanical_default_inspections() -> None:
    assert default_inspection_types("mechanical") == ["ROUGH MECHANICAL", "GAS LINE", "FINAL"]


def test_every_known_type_ends_with_a_final_inspection() -> None:
    assert known_permit_types() == ["COMMERCIAL", "DEMOLITION", "ELECTRICAL", "MECHANICAL", "PLUMBING", "RESIDENTIAL"]
    for permit_type in known_permit_types():
        assert default_inspection_types(permit_type)[-1] == "FINAL"


def test_default_inspection_list_is_a_fresh_copy() -> None:
    first = default_inspection_types("MECHANICAL")
    first.append("ADDRESSING")
    assert "ADDRESSING" not in default_inspection_types("MECHANICAL")


def test_default_inspections_for_an_unknown_type_are_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        default_inspection_types("SIGN")
    assert "SIGN" in caught.value.detail


def test_parse_permit_type_normalises_and_refuses_unknown_types() -> None:
    assert parse_permit_type(" electrical ") == "ELECTRICAL"
    with pytest.raises(InvalidInput) as caught:
        parse_permit_type("SPACESHIP")
    assert caught.value.errors[0].field == "type"


@pytest.mark.parametrize(("status", "expired", "listed"), [
    ("ACTIVE", True, True), ("ACTIVE", False, False), ("FINALED", True, False), ("CLOSED", True, False),
    ("CANCELLED", True, True),
])
def test_finished_permits_never_list_as_expired(status: str, expired: bool, listed: bool) -> None:
    assert is_listed_expired(status, expired) is listed
    assert can_expire(status) is (status not in ("FINALED", "CLOSED"))
