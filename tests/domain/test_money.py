"""Money stays Decimal, rounds half-up to the cent, and refuses floats and odd input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.money import (
    CENT,
    MAX_AMOUNT,
    display_money,
    format_money,
    parse_money,
    sum_money,
    to_cents,
)

D = Decimal


class TestToCents:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (D("0.015"), D("0.02")),
            (D("0.025"), D("0.03")),  # banker's rounding would give 0.02
            (D("0.495"), D("0.50")),
            (D("0.3015"), D("0.30")),
            (D("0.0149"), D("0.01")),
            (D("30.7194"), D("30.72")),
            (D("-0.015"), D("-0.02")),  # half away from zero
            (D("7"), D("7.00")),
            (3, D("3.00")),
        ],
    )
    def test_rounds_half_up_to_the_cent(self, value: Decimal | int, expected: Decimal) -> None:
        result = to_cents(value)
        assert result == expected
        assert result.as_tuple().exponent == -2

    def test_negative_zero_becomes_plain_zero(self) -> None:
        assert str(to_cents(D("-0.001"))) == "0.00"

    @pytest.mark.parametrize("value", [0.1, True, "1.00", None])
    def test_refuses_floats_bools_and_strings(self, value: object) -> None:
        with pytest.raises(TypeError):
            to_cents(value)  # type: ignore[arg-type]

    def test_refuses_nan(self) -> None:
        with pytest.raises(ValueError):
            to_cents(D("NaN"))

    def test_cent_constant(self) -> None:
        assert D("0.01") == CENT


class TestParseMoney:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("1023.98", "1023.98"),
            ("65", "65.00"),
            ("65.5", "65.50"),
            ("0", "0.00"),
            ("0.00", "0.00"),
            (" 12.50 ", "12.50"),  # surrounding whitespace is trimmed
            ("12.50\n", "12.50"),
            ("9999999.99", "9999999.99"),
            (65, "65.00"),
            (0, "0.00"),
            (D("96.00"), "96.00"),
            (D("1.230"), "1.23"),  # the value has two decimals; trailing zeros are not precision
            (D("1E+2"), "100.00"),
        ],
    )
    def test_accepts_strings_ints_and_decimals(self, value: object, expected: str) -> None:
        result = parse_money(value)
        assert isinstance(result, Decimal)
        assert str(result) == expected

    @pytest.mark.parametrize("value", [1023.98, 0.1, 12.0, float("nan"), float("inf")])
    def test_refuses_floats_even_whole_ones(self, value: float) -> None:
        with pytest.raises(InvalidInput) as caught:
            parse_money(value, "amount")
        assert caught.value.status == 400
        assert caught.value.errors[0].field == "amount"
        assert "string" in caught.value.errors[0].message

    @pytest.mark.parametrize("value", [True, False])
    def test_refuses_bools(self, value: bool) -> None:
        with pytest.raises(InvalidInput):
            parse_money(value)

    @pytest.mark.parametrize(
        "value", [D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity"), "NaN", "Infinity", "inf"]
    )
    def test_refuses_nan_and_infinity(self, value: object) -> None:
        with pytest.raises(InvalidInput):
            parse_money(value)

    @pytest.mark.parametrize("value", ["1.234", "0.001", D("0.015"), D("1E-3")])
    def test_refuses_more_than_two_decimals_rather_than_rounding(self, value: object) -> None:
        with pytest.raises(InvalidInput) as caught:
            parse_money(value, "fee")
        assert caught.value.errors[0].field == "fee"

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "   ",
            "$12.50",
            "1,023.98",
            "1e3",
            "12.",
            ".50",
            "+5",
            "12.5.0",
            "abc",
            "١٢",
            "5 0",
            "0x10",
            "1_000",
        ],
    )
    def test_refuses_text_that_is_not_a_plain_amount(self, value: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            parse_money(value)
        assert caught.value.errors == [caught.value.errors[0]]
        assert isinstance(caught.value.errors[0], FieldProblem)

    @pytest.mark.parametrize("value", [None, [], {}, b"12.50", object()])
    def test_refuses_other_types(self, value: object) -> None:
        with pytest.raises(InvalidInput):
            parse_money(value)

    @pytest.mark.parametrize("value", ["-0.01", -5, D("-1.00")])
    def test_refuses_negatives_by_default(self, value: object) -> None:
        with pytest.raises(InvalidInput) as caught:
            parse_money(value)
        assert "negative" in caught.value.errors[0].message

    def test_allows_negatives_when_asked(self) -> None:
        assert parse_money("-5.25", allow_negative=True) == D("-5.25")

    def test_minus_zero_is_zero_not_negative(self) -> None:
        assert str(parse_money("-0.00")) == "0.00"

    def test_zero_refused_when_not_allowed(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            parse_money("0.00", "amount", allow_zero=False)
        assert "more than 0.00" in caught.value.errors[0].message
        assert parse_money("0.01", allow_zero=False) == D("0.01")

    @pytest.mark.parametrize(
        "value", ["10000000.00", "10000000", 10**7, D("1E+30"), "9" * 40, "-10000000.00"]
    )
    def test_refuses_absurd_sizes(self, value: object) -> None:
        with pytest.raises(InvalidInput):
            parse_money(value, allow_negative=True)

    def test_maximum_is_inclusive_and_adjustable(self) -> None:
        assert parse_money(str(MAX_AMOUNT)) == MAX_AMOUNT
        assert parse_money("100.00", maximum=D("100.00")) == D("100.00")
        with pytest.raises(InvalidInput):
            parse_money("100.01", maximum=D("100.00"))

    def test_error_detail_is_a_sentence_naming_the_field(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            parse_money("12.345", "amount")
        assert caught.value.detail == "The amount must have at most two decimal places."


class TestFormatting:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (D("1023.98"), "1023.98"),
            (D("1023.9"), "1023.90"),
            (D("5"), "5.00"),
            (0, "0.00"),
            (D("-0"), "0.00"),
            (D("-5"), "-5.00"),
            (D("1E+3"), "1000.00"),  # never scientific notation
            (D("0.005"), "0.01"),  # rounded half-up like to_cents
            (D("1234567.89"), "1234567.89"),  # no thousands separators in JSON
        ],
    )
    def test_format_money_is_the_api_json_form(self, value: Decimal | int, expected: str) -> None:
        assert format_money(value) == expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (D("1023.98"), "$1,023.98"),
            (D("1054.70"), "$1,054.70"),
            (D("65"), "$65.00"),
            (D("0"), "$0.00"),
            (D("1234567.8"), "$1,234,567.80"),
            (D("-5"), "-$5.00"),
        ],
    )
    def test_display_money_is_for_people(self, value: Decimal, expected: str) -> None:
        assert display_money(value) == expected

    def test_formatting_refuses_floats(self) -> None:
        with pytest.raises(TypeError):
            format_money(1.5)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            display_money(1.5)  # type: ignore[arg-type]

    def test_round_trip_parse_format(self) -> None:
        for text in ["0.00", "0.01", "96.00", "1023.98", "9999999.99"]:
            assert format_money(parse_money(text)) == text


class TestSumMoney:
    def test_empty_is_zero_with_two_decimals(self) -> None:
        assert str(sum_money([])) == "0.00"

    def test_sums_the_guides_fee_lines_exactly(self) -> None:
        lines = ["96.00", "65.08", "650.75", "35.00", "130.15", "47.00"]
        assert sum_money(D(x) for x in lines) == D("1023.98")

    def test_ten_dimes_are_a_dollar(self) -> None:
        assert sum_money([D("0.10")] * 10) == D("1.00")  # sum([0.1] * 10) != 1.0 with floats

    def test_refuses_a_float_among_decimals(self) -> None:
        with pytest.raises(TypeError):
            sum_money([D("1.00"), 0.1])  # type: ignore[list-item]
