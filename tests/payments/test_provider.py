"""The payment-provider interface, the sandbox portal and the callback body it sends."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.payments.provider import (
    CallbackBody,
    CallbackOutcome,
    PaymentProvider,
    SandboxProvider,
    build_callback_body,
    parse_callback_body,
    provider_for,
)
from chalicelib.payments.signature import sign, verify

D = Decimal
BASE = "http://127.0.0.1:8080"


class TestSandboxProvider:
    def test_checkout_url_is_the_local_sandbox_page(self) -> None:
        provider = SandboxProvider(BASE)
        url = provider.checkout_url("pay_123", D("1054.70"), f"{BASE}/cart.html")
        assert url == f"{BASE}/sandbox-pay.html?payment_id=pay_123"

    def test_payment_id_is_url_encoded(self) -> None:
        url = SandboxProvider(BASE).checkout_url("a b&c=d/é#", D("1.00"), BASE)
        assert url == f"{BASE}/sandbox-pay.html?payment_id=a%20b%26c%3Dd%2F%C3%A9%23"
        assert parse_qs(urlsplit(url).query) == {"payment_id": ["a b&c=d/é#"]}

    def test_amount_is_not_in_the_url(self) -> None:
        url = SandboxProvider(BASE).checkout_url("pay_1", D("1054.70"), BASE)
        assert "1054" not in url

    @pytest.mark.parametrize(
        ("base", "expected"),
        [
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("https://permits.example.gov/portal", "https://permits.example.gov/portal"),
            ("https://permits.example.gov/portal/", "https://permits.example.gov/portal"),
        ],
    )
    def test_base_url_keeps_its_path_without_a_trailing_slash(
        self, base: str, expected: str
    ) -> None:
        provider = SandboxProvider(base)
        assert provider.portal_base_url == expected
        assert provider.checkout_url("p", D(1), base).startswith(f"{expected}/sandbox-pay.html?")

    @pytest.mark.parametrize(
        "base",
        ["", "127.0.0.1:8080", "ftp://host", "javascript:alert(1)", "http://", "http://h?x=1"],
    )
    def test_base_url_must_be_http(self, base: str) -> None:
        with pytest.raises(ValueError):
            SandboxProvider(base)

    @pytest.mark.parametrize("payment_id", ["", " pay", "x" * 201, None])
    def test_payment_id_must_be_a_plain_string(self, payment_id: object) -> None:
        with pytest.raises(ValueError):
            SandboxProvider(BASE).checkout_url(payment_id, D(1), BASE)  # type: ignore[arg-type]

    def test_satisfies_the_protocol(self) -> None:
        provider = SandboxProvider(BASE)
        assert isinstance(provider, PaymentProvider)
        assert provider.name == "sandbox"


class TestProviderFor:
    def test_sandbox(self) -> None:
        provider = provider_for("sandbox", portal_base_url=BASE)
        assert provider == SandboxProvider(BASE)
        assert provider.name == "sandbox"

    def test_name_is_case_and_space_insensitive(self) -> None:
        assert provider_for(" Sandbox ", portal_base_url=BASE).name == "sandbox"

    @pytest.mark.parametrize("name", ["paypal", "", "access-idaho", None])
    def test_unknown_provider_is_a_value_error_listing_the_known(self, name: object) -> None:
        with pytest.raises(ValueError) as caught:
            provider_for(name, portal_base_url=BASE)  # type: ignore[arg-type]
        assert "known: sandbox" in str(caught.value)

    def test_missing_or_unexpected_settings_are_value_errors(self) -> None:
        with pytest.raises(ValueError):
            provider_for("sandbox")
        with pytest.raises(ValueError):
            provider_for("sandbox", portal_base_url=BASE, api_key="x")
        with pytest.raises(ValueError):
            provider_for("sandbox", portal_base_url="not a url")


class TestCallbackBody:
    def test_compact_json_in_api_order_with_a_string_amount(self) -> None:
        body = build_callback_body("pay_123", CallbackOutcome.APPROVED, "tx_9", D("1054.7"))
        assert body == (
            b'{"payment_id":"pay_123","outcome":"approved",'
            b'"transaction_id":"tx_9","amount":"1054.70"}'
        )

    def test_outcome_may_be_the_plain_string(self) -> None:
        body = build_callback_body("pay_1", "declined", None, D("1.50"))
        assert json.loads(body) == {
            "payment_id": "pay_1",
            "outcome": "declined",
            "transaction_id": None,
            "amount": "1.50",
        }

    def test_non_ascii_ids_are_escaped_so_the_bytes_are_stable(self) -> None:
        body = build_callback_body("pay_é", "cancelled", None, D("0"))
        assert b"\\u00e9" in body
        body.decode("ascii")

    @pytest.mark.parametrize(
        ("args", "error"),
        [
            (("pay_1", "refunded", "tx", D(1)), ValueError),
            (("", "approved", "tx", D(1)), ValueError),
            (("pay_1", "approved", "", D(1)), ValueError),
            (("pay_1", "approved", "tx", 1.5), TypeError),
        ],
    )
    def test_bad_arguments(self, args: tuple[object, ...], error: type[Exception]) -> None:
        with pytest.raises(error):
            build_callback_body(*args)  # type: ignore[arg-type]

    def test_signed_body_round_trip(self) -> None:
        body = build_callback_body("pay_123", "approved", "tx_9", D("1054.70"))
        header = sign("sandbox-secret", body, 1_700_000_000)
        verify("sandbox-secret", body, header, now=1_700_000_100)
        assert parse_callback_body(body) == CallbackBody(
            "pay_123", CallbackOutcome.APPROVED, "tx_9", D("1054.70")
        )

    @pytest.mark.parametrize("outcome", list(CallbackOutcome))
    def test_every_outcome_round_trips(self, outcome: CallbackOutcome) -> None:
        body = build_callback_body("pay_1", outcome, "tx_1", D("30.72"))
        parsed = parse_callback_body(body)
        assert parsed.outcome is outcome
        assert parsed.amount == D("30.72")

    def test_decline_without_a_transaction_id_is_fine(self) -> None:
        parsed = parse_callback_body(build_callback_body("pay_1", "declined", None, D("1.00")))
        assert parsed.transaction_id is None


class TestParseCallbackBody:
    def _body(self, **overrides: object) -> bytes:
        data: dict[str, object] = {
            "payment_id": "pay_1",
            "outcome": "approved",
            "transaction_id": "tx_1",
            "amount": "1054.70",
        }
        data.update(overrides)
        return json.dumps(data).encode()

    def test_accepts_spaced_json(self) -> None:
        assert parse_callback_body(self._body()).amount == D("1054.70")

    @pytest.mark.parametrize(
        "raw",
        [
            b'{"payment_id":"p","outcome":"approved","transaction_id":"t","amount":1054.70}',
            b'{"payment_id":"p","outcome":"approved","transaction_id":"t","amount":NaN}',
            b"not json",
            b"\xff\xfe",
            b'["payment_id"]',
        ],
    )
    def test_unreadable_bodies(self, raw: bytes) -> None:
        with pytest.raises(InvalidInput) as caught:
            parse_callback_body(raw)
        assert caught.value.status == 400

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"amount": 1054}, "amount"),  # a JSON number, even whole, is not money here
            ({"amount": "1054.705"}, "amount"),
            ({"amount": "-1.00"}, "amount"),
            ({"outcome": "refunded"}, "outcome"),
            ({"outcome": None}, "outcome"),
            ({"payment_id": ""}, "payment_id"),
            ({"payment_id": 7}, "payment_id"),
            ({"transaction_id": None}, "transaction_id"),  # approved needs one
            ({"transaction_id": 5}, "transaction_id"),
            ({"extra": "x"}, "extra"),
        ],
    )
    def test_bad_fields_are_400_naming_the_field(
        self, overrides: dict[str, object], field: str
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            parse_callback_body(self._body(**overrides))
        assert [e.field for e in caught.value.errors] == [field]

    def test_missing_fields_are_all_named(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            parse_callback_body(b'{"payment_id": "pay_1"}')
        assert sorted(e.field for e in caught.value.errors) == [
            "amount",
            "outcome",
            "transaction_id",
        ]


class ExamplePortal:
    """What a county's own provider looks like: a name, a checkout URL, its own settings."""

    name = "example"

    def __init__(self, merchant_id: str = "M-1", base: str = "https://pay.example.gov") -> None:
        self.merchant_id = merchant_id
        self.base = base

    def checkout_url(self, payment_id: str, total_due: Decimal, return_url: str) -> str:
        return f"{self.base}/pay?merchant={self.merchant_id}&ref={payment_id}&amount={total_due}"


class TestPluggedInProviders:
    def test_a_module_class_path_loads_the_countys_provider_with_its_settings(self) -> None:
        provider = provider_for("tests.payments.test_provider:ExamplePortal", merchant_id="M-42")
        assert provider.name == "example"
        assert provider.checkout_url("p1", Decimal("10.00"), "https://x") == (
            "https://pay.example.gov/pay?merchant=M-42&ref=p1&amount=10.00")

    @pytest.mark.parametrize("path", ["tests.payments.nope:Portal", "tests.payments.test_provider:Nope",
                                      "tests.payments.test_provider:Decimal"])
    def test_a_bad_path_or_class_is_a_configuration_error(self, path: str) -> None:
        with pytest.raises(ValueError):
            provider_for(path)

    def test_unexpected_settings_are_a_configuration_error(self) -> None:
        with pytest.raises(ValueError):
            provider_for("tests.payments.test_provider:ExamplePortal", api_key="x")
