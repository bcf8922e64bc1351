"""The convenience-fee schedule: the guide's figures, rounding once on the total, configuration."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.fees import (
    ConvenienceFeeRule,
    FeeSchedule,
    PaymentMethod,
    Quote,
)
from chalicelib.domain.money import sum_money, to_cents

D = Decimal
GUIDE_FEE_LINES = [D("96.00"), D("65.08"), D("650.75"), D("35.00"), D("130.15"), D("47.00")]


@pytest.fixture
def schedule() -> FeeSchedule:
    return FeeSchedule.default()


class TestTheGuidesCheckoutSummary:
    def test_guide_fee_lines_total_1023_98(self) -> None:
        assert sum_money(GUIDE_FEE_LINES) == D("1023.98")

    def test_credit_card_is_30_72_and_total_due_1054_70(self, schedule: FeeSchedule) -> None:
        quote = schedule.quote(PaymentMethod.CREDIT_CARD, D("1023.98"))
        assert quote == Quote(
            total_fees=D("1023.98"),
            convenience_fee=D("30.72"),
            total_due=D("1054.70"),
            label="Access Idaho Fee",
            method=PaymentMethod.CREDIT_CARD,
        )

    def test_echeck_is_1_50_and_total_due_1025_48(self, schedule: FeeSchedule) -> None:
        quote = schedule.quote(PaymentMethod.ECHECK, D("1023.98"))
        assert (quote.convenience_fee, quote.total_due) == (D("1.50"), D("1025.48"))

    def test_egov_express_is_three_percent(self, schedule: FeeSchedule) -> None:
        quote = schedule.quote(PaymentMethod.EGOV_EXPRESS, D("1023.98"))
        assert (quote.convenience_fee, quote.total_due) == (D("30.72"), D("1054.70"))

    def test_quote_json_is_the_api_summary_shape(self, schedule: FeeSchedule) -> None:
        from chalicelib.api.payment_views import quote_json

        body = quote_json(schedule.quote(PaymentMethod.CREDIT_CARD, D("1023.98")))
        assert body == {
            "total_fees": "1023.98",
            "payment_method": "credit_card",
            "convenience_fee": {"label": "Access Idaho Fee", "amount": "30.72"},
            "total_due": "1054.70",
        }
        json.dumps(body)  # plain JSON types only: no Decimal, no float

    def test_method_values_are_the_apis(self) -> None:
        assert [m.value for m in PaymentMethod] == ["credit_card", "echeck", "egov_express"]

    def test_default_label_and_methods(self, schedule: FeeSchedule) -> None:
        assert schedule.label == "Access Idaho Fee"
        assert schedule.methods == tuple(PaymentMethod)


class TestRounding:
    @pytest.mark.parametrize(
        ("total", "fee"),
        [
            ("0.50", "0.02"),  # 0.015 -> up
            ("16.50", "0.50"),  # 0.495 -> up
            ("10.05", "0.30"),  # 0.3015 -> down
            ("0.01", "0.00"),  # 0.0003
            ("0.17", "0.01"),  # 0.0051
            ("65.00", "1.95"),
            ("1023.98", "30.72"),  # 30.7194
        ],
    )
    def test_three_percent_rounds_half_up_to_the_cent(
        self, schedule: FeeSchedule, total: str, fee: str
    ) -> None:
        result = schedule.convenience_fee(PaymentMethod.CREDIT_CARD, D(total))
        assert result == D(fee)
        assert result.as_tuple().exponent == -2

    def test_percentage_is_taken_on_the_total_not_per_line(self, schedule: FeeSchedule) -> None:
        lines = [D("0.50")] * 3  # 3% of each line is 0.015 -> 0.02; three lines -> 0.06
        per_line = sum(to_cents(x * 3 / 100) for x in lines)
        on_total = schedule.convenience_fee(PaymentMethod.CREDIT_CARD, sum_money(lines))
        assert per_line == D("0.06")
        assert on_total == D("0.05")  # 3% of 1.50 = 0.045 -> 0.05

    def test_flat_is_added_before_rounding_once(self) -> None:
        rule = ConvenienceFeeRule(percent=D("2.5"), flat=D("0.25"))
        assert rule.fee_for(D("10.10")) == D("0.50")  # 0.2525 + 0.25 = 0.5025 -> 0.50
        assert rule.fee_for(D("10.30")) == D("0.51")  # 0.2575 + 0.25 = 0.5075 -> 0.51

    def test_flat_fee_does_not_depend_on_the_total(self, schedule: FeeSchedule) -> None:
        for total in ["0.01", "65.00", "1023.98", "9999999.99"]:
            assert schedule.convenience_fee(PaymentMethod.ECHECK, D(total)) == D("1.50")

    def test_nothing_to_pay_means_no_fee(self, schedule: FeeSchedule) -> None:
        for method in PaymentMethod:
            quote = schedule.quote(method, D("0.00"))
            assert (quote.convenience_fee, quote.total_due) == (D("0.00"), D("0.00"))


class TestMinimumAndCap:
    def test_minimum_raises_a_small_fee(self) -> None:
        rule = ConvenienceFeeRule(percent=D(3), minimum=D("1.00"))
        assert rule.fee_for(D("10.00")) == D("1.00")  # 0.30 -> minimum
        assert rule.fee_for(D("33.33")) == D("1.00")  # 0.9999 -> 1.00 by rounding
        assert rule.fee_for(D("50.00")) == D("1.50")  # above minimum: untouched

    def test_cap_lowers_a_large_fee(self) -> None:
        rule = ConvenienceFeeRule(percent=D(3), cap=D("25.00"))
        assert rule.fee_for(D("1023.98")) == D("25.00")
        assert rule.fee_for(D("833.33")) == D("25.00")  # 24.9999 rounds to 25.00
        assert rule.fee_for(D("800.00")) == D("24.00")

    def test_minimum_and_cap_together(self) -> None:
        rule = ConvenienceFeeRule(percent=D(3), flat=D("0.30"), minimum=D("1.00"), cap=D("20.00"))
        assert rule.fee_for(D("5.00")) == D("1.00")
        assert rule.fee_for(D("100.00")) == D("3.30")
        assert rule.fee_for(D("5000.00")) == D("20.00")

    def test_minimum_equal_to_cap_is_a_fixed_fee(self) -> None:
        rule = ConvenienceFeeRule(percent=D(3), minimum=D("2.00"), cap=D("2.00"))
        assert rule.fee_for(D("1.00")) == rule.fee_for(D("9000.00")) == D("2.00")

    def test_schedule_applies_the_rule_of_the_chosen_method(self) -> None:
        schedule = FeeSchedule(
            rules={
                PaymentMethod.CREDIT_CARD: ConvenienceFeeRule(percent=D(3), cap=D("10.00")),
                PaymentMethod.ECHECK: ConvenienceFeeRule(flat=D("1.50"), minimum=D("2.00")),
            }
        )
        assert schedule.quote(PaymentMethod.CREDIT_CARD, D("1023.98")).total_due == D("1033.98")
        assert schedule.quote(PaymentMethod.ECHECK, D("1023.98")).total_due == D("1025.98")


class TestRuleValidation:
    @pytest.mark.parametrize(
        "kwargs",
        [
            {"percent": D(-1)},
            {"percent": D("100.01")},
            {"flat": D("-0.01")},
            {"flat": D("0.001")},
            {"minimum": D("-1.00")},
            {"cap": D("0.005")},
            {"minimum": D("5.00"), "cap": D("4.99")},
            {"percent": D("NaN")},
            {"flat": D("Infinity")},
            {"flat": D("1E+30")},
        ],
    )
    def test_invalid_rules_are_refused_when_built(self, kwargs: dict[str, Decimal]) -> None:
        with pytest.raises(ValueError):
            ConvenienceFeeRule(**kwargs)

    @pytest.mark.parametrize("kwargs", [{"percent": 3.0}, {"flat": 1.5}, {"cap": "25.00"}])
    def test_floats_and_strings_are_refused(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(TypeError):
            ConvenienceFeeRule(**kwargs)  # type: ignore[arg-type]

    def test_whole_ints_become_decimals(self) -> None:
        rule = ConvenienceFeeRule(percent=3, flat=1)  # type: ignore[arg-type]
        assert (rule.percent, rule.flat) == (D(3), D(1))
        assert isinstance(rule.percent, Decimal)

    def test_rules_are_frozen(self) -> None:
        rule = ConvenienceFeeRule(percent=D(3))
        with pytest.raises(AttributeError):
            rule.percent = D(4)  # type: ignore[misc]

    def test_schedule_rules_cannot_be_changed_after_start_up(self, schedule: FeeSchedule) -> None:
        with pytest.raises(TypeError):
            schedule.rules[PaymentMethod.CREDIT_CARD] = ConvenienceFeeRule()  # type: ignore[index]

    def test_schedule_keeps_its_own_copy_of_the_rules(self) -> None:
        rules = {PaymentMethod.CREDIT_CARD: ConvenienceFeeRule(percent=D(3))}
        schedule = FeeSchedule(rules=rules)
        rules[PaymentMethod.CREDIT_CARD] = ConvenienceFeeRule(percent=D(50))
        assert schedule.convenience_fee(PaymentMethod.CREDIT_CARD, D("100.00")) == D("3.00")
        assert hash(schedule) == hash(FeeSchedule(rules=dict(schedule.rules)))

    @pytest.mark.parametrize("total", [D("-1.00"), D("0.005"), D("NaN"), D("1E+20")])
    def test_totals_must_be_whole_non_negative_cents(
        self, schedule: FeeSchedule, total: Decimal
    ) -> None:
        with pytest.raises(ValueError):
            schedule.convenience_fee(PaymentMethod.CREDIT_CARD, total)

    def test_total_must_be_a_decimal(self, schedule: FeeSchedule) -> None:
        with pytest.raises(TypeError):
            schedule.convenience_fee(PaymentMethod.CREDIT_CARD, 1023.98)  # type: ignore[arg-type]

    def test_schedule_needs_a_label_and_a_method(self) -> None:
        with pytest.raises(ValueError):
            FeeSchedule(label=" ")
        with pytest.raises(ValueError):
            FeeSchedule(rules={})


class TestParseMethod:
    @pytest.mark.parametrize("value", ["credit_card", "echeck", "egov_express"])
    def test_known_methods(self, schedule: FeeSchedule, value: str) -> None:
        assert schedule.parse_method(value) == PaymentMethod(value)

    @pytest.mark.parametrize(
        "value", ["bitcoin", "", "Credit Card - 3%", "CREDIT_CARD", " echeck", None, 1, ["echeck"]]
    )
    def test_unknown_method_is_400_naming_the_allowed_ones(
        self, schedule: FeeSchedule, value: object
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            schedule.parse_method(value)
        error = caught.value
        assert error.status == 400
        assert "credit_card, echeck, egov_express" in error.detail
        assert error.errors[0].field == "payment_method"
        assert error.errors[0].message == "must be one of credit_card, echeck, egov_express"

    def test_detail_names_the_bad_value_but_not_at_length(self, schedule: FeeSchedule) -> None:
        with pytest.raises(InvalidInput) as caught:
            schedule.parse_method("x" * 5000)
        assert len(caught.value.detail) < 200

    def test_method_not_offered_by_this_county_is_refused(self) -> None:
        schedule = FeeSchedule(rules={PaymentMethod.CREDIT_CARD: ConvenienceFeeRule(percent=D(3))})
        with pytest.raises(InvalidInput) as caught:
            schedule.parse_method("echeck")
        assert caught.value.errors[0].message == "must be one of credit_card"
        with pytest.raises(InvalidInput):
            schedule.quote(PaymentMethod.ECHECK, D("10.00"))

    def test_quote_accepts_the_plain_string_value(self, schedule: FeeSchedule) -> None:
        quote = schedule.quote("echeck", D("10.00"))  # type: ignore[arg-type]
        assert quote.method is PaymentMethod.ECHECK


class TestFromJson:
    def test_the_documented_example(self) -> None:
        schedule = FeeSchedule.from_json(
            '{"label": "Access Idaho Fee",'
            ' "methods": {"credit_card": {"percent": "3"}, "echeck": {"flat": "1.50"}}}'
        )
        assert schedule.label == "Access Idaho Fee"
        assert schedule.methods == (PaymentMethod.CREDIT_CARD, PaymentMethod.ECHECK)
        assert schedule.quote(PaymentMethod.CREDIT_CARD, D("1023.98")).total_due == D("1054.70")
        assert schedule.quote(PaymentMethod.ECHECK, D("1023.98")).total_due == D("1025.48")

    def test_default_equals_its_json_form(self) -> None:
        text = json.dumps(
            {
                "label": "Access Idaho Fee",
                "methods": {
                    "credit_card": {"percent": "3"},
                    "echeck": {"flat": "1.50"},
                    "egov_express": {"percent": "3"},
                },
            }
        )
        assert FeeSchedule.from_json(text) == FeeSchedule.default()

    def test_all_keys_and_a_custom_label(self) -> None:
        schedule = FeeSchedule.from_json(
            '{"label": " County Fee ", "methods": {"egov_express":'
            ' {"percent": "2.65", "flat": "0.25", "minimum": "1.00", "cap": "40"}}}'
        )
        assert schedule.label == "County Fee"
        rule = schedule.rules[PaymentMethod.EGOV_EXPRESS]
        assert rule == ConvenienceFeeRule(
            percent=D("2.65"), flat=D("0.25"), minimum=D("1.00"), cap=D("40")
        )
        quote = schedule.quote(PaymentMethod.EGOV_EXPRESS, D("1023.98"))
        assert quote.convenience_fee == D("27.39")  # 27.13547 + 0.25 = 27.38547 -> 27.39

    def test_label_defaults_and_whole_int_numbers_are_fine(self) -> None:
        schedule = FeeSchedule.from_json('{"methods": {"credit_card": {"percent": 3}}}')
        assert schedule.label == "Access Idaho Fee"
        assert schedule.rules[PaymentMethod.CREDIT_CARD].percent == D(3)

    @pytest.mark.parametrize(
        ("text", "complaint"),
        [
            ('{"methods": {"credit_card": {"percent": 2.9}}}', "strings"),
            ('{"methods": {"echeck": {"flat": 1.5}}}', "strings"),
            ('{"methods": {"echeck": {"flat": NaN}}}', "NaN"),
            ('{"methods": {"echeck": {"flat": Infinity}}}', "Infinity"),
            ('{"methods": {"echeck": {"flat": "Infinity"}}}', "finite"),
            ('{"methods": {"echeck": {"flat": "one fifty"}}}', "not a number"),
            ('{"methods": {"echeck": {"flat": true}}}', "string"),
            ('{"methods": {"echeck": {"flat": null}}}', "string"),
            ('{"methods": {"echeck": {"flat": "1.505"}}}', "cents"),
            ('{"methods": {"echeck": {"flat": "-1.50"}}}', "negative"),
            ('{"methods": {"credit_card": {"percent": "300"}}}', "between 0 and 100"),
            ('{"methods": {"credit_card": {"percent": "3", "minimum": "5", "cap": "1"}}}', "cap"),
            ('{"methods": {"paypal": {"percent": "3"}}}', "unknown payment method 'paypal'"),
            ('{"methods": {"echeck": {"flat_fee": "1.50"}}}', "unknown key(s) 'flat_fee'"),
            ('{"methods": {"echeck": "1.50"}}', "must be an object"),
            ('{"methods": {}}', "non-empty"),
            ('{"methods": []}', "non-empty"),
            ('{"label": "X"}', "non-empty"),
            ('{"label": 5, "methods": {"echeck": {}}}', "label"),
            ('{"label": "", "methods": {"echeck": {}}}', "label"),
            ('{"lable": "X", "methods": {"echeck": {}}}', "unknown key(s) 'lable'"),
            ('["credit_card"]', "JSON object"),
            ("", "not valid JSON"),
            ("{'methods': {}}", "not valid JSON"),
            ('{"methods": {"echeck": {"flat": "1.50"}}', "not valid JSON"),
        ],
    )
    def test_bad_configuration_is_refused_with_a_sentence(self, text: str, complaint: str) -> None:
        with pytest.raises(ValueError) as caught:
            FeeSchedule.from_json(text)
        assert complaint in str(caught.value)
        assert not isinstance(caught.value, InvalidInput)  # a config error is not the user's 400

    def test_non_text_is_refused(self) -> None:
        with pytest.raises(ValueError):
            FeeSchedule.from_json(None)  # type: ignore[arg-type]


class TestMethodLabels:
    def test_the_defaults_read_as_the_guide(self) -> None:
        schedule = FeeSchedule.default()
        assert [schedule.method_label(m) for m in schedule.methods] == [
            "Credit Card - 3%", "Electronic Check - $1.50", "eGov - Express Checkout for Repeat Customers"]

    def test_labels_follow_a_configured_schedule(self) -> None:
        schedule = FeeSchedule.from_json('{"methods": {"credit_card": {"percent": "2.5", "flat": "0.30", '
                                         '"minimum": "1.00"}, "echeck": {"flat": "0.95", "cap": "5.00"}}}')
        assert [schedule.method_label(m) for m in schedule.methods] == [
            "Credit Card - 2.5% + $0.30 (minimum $1.00)", "Electronic Check - $0.95 (at most $5.00)"]
