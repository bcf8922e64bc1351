"""The convenience-fee schedule: what the payment portal adds to the permit fees, per method.

The county's guide shows it on the Checkout Summary as the "Access Idaho Fee": credit card 3% of the
total fees, electronic check a flat $1.50, eGov Express Checkout 3%. Counties and processors change
these, so the schedule is configuration (`FeeSchedule.from_json`, read once from an environment
variable), not code; these are its defaults.

The rule, in one place: percent of the TOTAL fees plus a flat amount, rounded half-up to the cent
once on the total (never per fee line, which would drift by cents), then raised to the minimum and
lowered to the cap, if any. The guide's own example: total fees 1023.98 -> credit card 30.72 (total
due 1054.70), e-check 1.50 (1025.48).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.money import CENT, MAX_AMOUNT, ZERO, display_money, to_cents

HUNDRED = Decimal(100)
DEFAULT_LABEL = "Access Idaho Fee"
MAX_TOTAL = Decimal("999999999999.99")
"""A sanity bound on the totals quoted; a payment itself carries at most MAX_AMOUNT (`check_payable`)."""


class PaymentMethod(StrEnum):
    """The guide's payment types; the value is the API's `payment_method`."""

    CREDIT_CARD = "credit_card"
    ECHECK = "echeck"
    EGOV_EXPRESS = "egov_express"


_BASE_NAMES: Mapping[PaymentMethod, str] = MappingProxyType(
    {
        PaymentMethod.CREDIT_CARD: "Credit Card",
        PaymentMethod.ECHECK: "Electronic Check",
        PaymentMethod.EGOV_EXPRESS: "eGov - Express Checkout for Repeat Customers",
    }
)


def base_name(method: PaymentMethod) -> str:
    """A method's name without its fee ("Credit Card"), as receipts and Paid Items show it."""
    return _BASE_NAMES[method]


@dataclass(frozen=True)
class ConvenienceFeeRule:
    """One method's fee: `percent` (3 means 3%) of the total + `flat`, within `minimum`..`cap`.

    Invalid rules (negative amounts, percent over 100, sub-cent amounts, minimum above cap, floats)
    raise ValueError/TypeError when built, so a bad configuration stops the app at start-up, not at
    a contractor's checkout.
    """

    percent: Decimal = Decimal(0)
    flat: Decimal = ZERO
    minimum: Decimal | None = None
    cap: Decimal | None = None

    def __post_init__(self) -> None:
        for name in ("percent", "flat", "minimum", "cap"):
            value = getattr(self, name)
            # A whole number is exact (3 means Decimal(3)); floats are still refused below.
            if isinstance(value, int) and not isinstance(value, bool):
                object.__setattr__(self, name, Decimal(value))
        _check_decimal("percent", self.percent)
        if not Decimal(0) <= self.percent <= HUNDRED:
            raise ValueError(f"percent must be between 0 and 100, not {self.percent}")
        for name in ("flat", "minimum", "cap"):
            value = getattr(self, name)
            if value is None:
                continue
            _check_decimal(name, value)
            if value < 0:
                raise ValueError(f"{name} must not be negative, not {value}")
            if value > MAX_AMOUNT or value != value.quantize(CENT):
                raise ValueError(
                    f"{name} must be a whole number of cents up to {MAX_AMOUNT}, not {value}"
                )
        if self.minimum is not None and self.cap is not None and self.minimum > self.cap:
            raise ValueError(f"minimum {self.minimum} must not be above cap {self.cap}")

    def describe(self) -> str:
        """The fee in words, as a radio label shows it: "3%", "$1.50", "2.5% + $0.30 (minimum $1.00)"."""
        parts = []
        if self.percent:
            parts.append(f"{self.percent.normalize():f}%")
        if self.flat or not parts:
            parts.append(display_money(self.flat))
        text = " + ".join(parts)
        bounds = []
        if self.minimum is not None:
            bounds.append(f"minimum {display_money(self.minimum)}")
        if self.cap is not None:
            bounds.append(f"at most {display_money(self.cap)}")
        return f"{text} ({', '.join(bounds)})" if bounds else text

    def fee_for(self, total_fees: Decimal) -> Decimal:
        """The fee on `total_fees` (whole cents): percent + flat, rounded once, then bounded.

        Nothing to pay means no fee: a total of 0.00 gives 0.00 even with a flat amount or a
        minimum.
        """
        _check_total(total_fees)
        if total_fees.is_zero():
            return ZERO
        fee = to_cents(total_fees * self.percent / HUNDRED + self.flat)
        if self.minimum is not None:
            fee = max(fee, self.minimum)
        if self.cap is not None:
            fee = min(fee, self.cap)
        return to_cents(fee)


@dataclass(frozen=True)
class Quote:
    """What the Checkout Summary shows and `POST /checkout` freezes (its JSON: `api.payment_views.quote_json`)."""

    total_fees: Decimal
    convenience_fee: Decimal
    total_due: Decimal
    label: str
    method: PaymentMethod


def _default_rules() -> Mapping[PaymentMethod, ConvenienceFeeRule]:
    return {
        PaymentMethod.CREDIT_CARD: ConvenienceFeeRule(percent=Decimal(3)),
        PaymentMethod.ECHECK: ConvenienceFeeRule(flat=Decimal("1.50")),
        PaymentMethod.EGOV_EXPRESS: ConvenienceFeeRule(percent=Decimal(3)),
    }


@dataclass(frozen=True)
class FeeSchedule:
    """The methods a county offers, each with its convenience fee, shown under `label`.

    Only the methods in `rules` are offered: a county that drops e-checks leaves `echeck` out of its
    configuration.
    """

    label: str = DEFAULT_LABEL
    rules: Mapping[PaymentMethod, ConvenienceFeeRule] = field(default_factory=_default_rules)

    def __post_init__(self) -> None:
        if not isinstance(self.label, str) or not self.label.strip():
            raise ValueError("the fee schedule's label must be a non-empty string")
        if not isinstance(self.rules, Mapping) or not self.rules:
            raise ValueError("the fee schedule must offer at least one payment method")
        for method, rule in self.rules.items():
            if not isinstance(method, PaymentMethod) or not isinstance(rule, ConvenienceFeeRule):
                raise TypeError("fee schedule rules map PaymentMethod to ConvenienceFeeRule")
        # Copy in the enum's order and freeze: one schedule serves every request of an instance.
        ordered = {m: self.rules[m] for m in PaymentMethod if m in self.rules}
        object.__setattr__(self, "rules", MappingProxyType(ordered))

    def __hash__(self) -> int:  # the frozen rules mapping is not hashable itself
        return hash((self.label, tuple(self.rules.items())))

    @classmethod
    def default(cls) -> FeeSchedule:
        """The guide's schedule: credit card 3%, e-check flat 1.50, eGov Express 3%."""
        return cls()

    @classmethod
    def from_json(cls, text: str) -> FeeSchedule:
        """Build a schedule from configuration JSON (an environment variable), for example

            {"label": "Access Idaho Fee",
             "methods": {"credit_card": {"percent": "3"}, "echeck": {"flat": "1.50"}}}

        Numbers are strings (or whole ints); a float such as 2.9 is refused, since it may not be the
        value meant. Each method takes "percent", "flat", "minimum", "cap"; unknown keys are refused
        so a typo cannot silently drop a fee. Methods left out are not offered. Raises ValueError
        with a sentence naming the problem.
        """
        try:
            data = json.loads(text, parse_float=_refuse_float, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            raise ValueError(f"fee schedule is not valid JSON: {exc}") from exc
        except _FloatInConfig as exc:
            raise ValueError(f"fee schedule: {exc}") from exc
        except TypeError as exc:
            raise ValueError("fee schedule must be JSON text") from exc

        if not isinstance(data, dict):
            raise ValueError('fee schedule must be a JSON object with "methods"')
        _refuse_unknown_keys("fee schedule", data, {"label", "methods"})
        label = data.get("label", DEFAULT_LABEL)
        if not isinstance(label, str):
            raise ValueError('fee schedule "label" must be a string')
        methods = data.get("methods")
        if not isinstance(methods, dict) or not methods:
            raise ValueError('fee schedule "methods" must be a non-empty object')

        rules: dict[PaymentMethod, ConvenienceFeeRule] = {}
        for name, spec in methods.items():
            try:
                method = PaymentMethod(name)
            except ValueError:
                raise ValueError(
                    f"fee schedule: unknown payment method {name!r}; known: {_names(PaymentMethod)}"
                ) from None
            where = f"fee schedule method {name!r}"
            if not isinstance(spec, dict):
                raise ValueError(f'{where} must be an object like {{"percent": "3"}}')
            _refuse_unknown_keys(where, spec, {"percent", "flat", "minimum", "cap"})
            values = {key: _config_decimal(where, key, raw) for key, raw in spec.items()}
            try:
                rules[method] = ConvenienceFeeRule(**values)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{where}: {exc}") from exc
        return cls(label=label.strip(), rules=rules)

    @property
    def methods(self) -> tuple[PaymentMethod, ...]:
        """The methods offered, in a stable order (the guide's)."""
        return tuple(self.rules)

    def parse_method(self, value: object, field: str = "payment_method") -> PaymentMethod:
        """Read a request's payment method; unknown or not offered -> 400 naming the allowed."""
        allowed = _names(self.methods)
        method: PaymentMethod | None = None
        if isinstance(value, str):
            try:
                method = PaymentMethod(value)
            except ValueError:
                method = None
        if method is None or method not in self.rules:
            message = f"must be one of {allowed}"
            if isinstance(value, str) and value:
                shown = value if len(value) <= 40 else value[:40] + "..."
                detail = f"Unknown payment method {shown!r}: choose one of {allowed}."
            else:
                detail = f"Choose a payment method: one of {allowed}."
            raise InvalidInput(detail, [FieldProblem(field, message)])
        return method

    def method_label(self, method: PaymentMethod) -> str:
        """The radio label of an offered method, its fee described from this schedule.

        For the defaults these are the guide's words ("Credit Card - 3%", "Electronic Check - $1.50";
        the guide shows eGov without its fee), and they follow a county's FEE_SCHEDULE.
        """
        base = _BASE_NAMES[method]
        if method is PaymentMethod.EGOV_EXPRESS:
            return base
        return f"{base} - {self.rules[self.parse_method(method)].describe()}"

    def convenience_fee(self, method: PaymentMethod, total_fees: Decimal) -> Decimal:
        """The convenience fee for paying `total_fees` (whole cents, not negative) with `method`.

        A method the schedule does not offer raises InvalidInput, as `parse_method` would.
        """
        return self.rules[self.parse_method(method)].fee_for(total_fees)

    def quote(self, method: PaymentMethod, total_fees: Decimal) -> Quote:
        """Total fees, convenience fee and total due for `method`, as the Checkout Summary shows."""
        fee = self.convenience_fee(method, total_fees)
        total = to_cents(total_fees)
        return Quote(
            total_fees=total,
            convenience_fee=fee,
            total_due=to_cents(total + fee),
            label=self.label,
            method=PaymentMethod(method),
        )


class _FloatInConfig(ValueError):
    pass


def _refuse_float(text: str) -> Decimal:
    raise _FloatInConfig(f'write numbers as strings, e.g. "{text}", not as the JSON number {text}')


def _refuse_constant(text: str) -> Decimal:
    raise _FloatInConfig(f"{text} is not an amount")


def _refuse_unknown_keys(where: str, data: dict[str, Any], known: set[str]) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(known))}"
        )


def _config_decimal(where: str, key: str, raw: object) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise ValueError(f'{where}: {key!r} must be a number written as a string, e.g. "1.50"')
    try:
        value = Decimal(raw.strip() if isinstance(raw, str) else raw)
    except InvalidOperation:
        raise ValueError(f"{where}: {key!r} is not a number: {raw!r}") from None
    if not value.is_finite():
        raise ValueError(f"{where}: {key!r} must be a finite number, not {raw!r}")
    return value


def _check_decimal(name: str, value: object) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{name} must be finite, not {value}")
    return value


def _check_total(value: object) -> None:
    total_fees = _check_decimal("total_fees", value)
    if total_fees < 0:
        raise ValueError(f"total_fees must not be negative, not {total_fees}")
    if total_fees > MAX_TOTAL:
        raise ValueError(f"total_fees {total_fees} is beyond any plausible cart")
    if total_fees != total_fees.quantize(CENT):
        raise ValueError(f"total_fees must be whole cents, not {total_fees}")


def _names(methods: Iterable[PaymentMethod]) -> str:
    return ", ".join(m.value for m in methods)
