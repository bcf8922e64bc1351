"""Payment portals behind one small interface, and the callback body they send back.

`POST /checkout` asks the configured provider where to send the contractor (`checkout_url`); the
portal later reports the outcome to `POST /payments/callback` with a body shaped like
`build_callback_body`'s, signed as `chalicelib.payments.signature` describes. A county's real
portal (Access Idaho, a card processor) implements `PaymentProvider` the way `SandboxProvider`
does and is registered in `provider_for`.

`SandboxProvider`, the default of `make run` and the tests, sends the contractor to a page of our
own static site (`sandbox-pay.html`) showing the amount with Approve / Decline / Cancel; that page
calls `POST /sandbox/payments/{payment_id}`, which builds and signs the callback with the helpers
here. Nothing leaves the machine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, TypeGuard, runtime_checkable
from urllib.parse import quote, urlsplit

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.money import format_money, parse_money

_MAX_ID_LENGTH = 200


@runtime_checkable
class PaymentProvider(Protocol):
    """Where to send a contractor to pay; `name` is the configuration value that selects it."""

    name: str

    def checkout_url(self, payment_id: str, total_due: Decimal, return_url: str) -> str:
        """The portal's payment page for this payment; the contractor is redirected there."""
        ...


@dataclass(frozen=True)
class SandboxProvider:
    """The local stand-in portal: a page of our static site at `portal_base_url`.

    The page reads the payment (amount, status) from the API by its id, so only the id is in the
    URL: an amount in the URL could be edited by hand and would prove nothing.
    """

    portal_base_url: str
    name: str = field(default="sandbox", init=False)

    def __post_init__(self) -> None:
        url = self.portal_base_url
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"portal_base_url must be an http(s) URL, not {url!r}")
        if parts.query or parts.fragment:
            raise ValueError(f"portal_base_url must not have a query or fragment: {url!r}")
        object.__setattr__(self, "portal_base_url", url.rstrip("/"))

    def checkout_url(self, payment_id: str, total_due: Decimal, return_url: str) -> str:
        """`<portal_base_url>/sandbox-pay.html?payment_id=<id>`.

        `total_due` and `return_url` stay out of the URL: the page reads the payment from the API.
        """
        _check_id("payment_id", payment_id)
        return f"{self.portal_base_url}/sandbox-pay.html?payment_id={quote(payment_id, safe='')}"


_PROVIDERS: dict[str, type[Any]] = {"sandbox": SandboxProvider}
_BUILT_IN = {"stripe": "chalicelib.payments.stripe:StripeCheckout"}
"""Built-in providers imported only when configured (Stripe Checkout: chalicelib/payments/stripe.py)."""


def provider_for(name: str, **settings: Any) -> PaymentProvider:
    """The provider configuration names, e.g. `provider_for("sandbox", portal_base_url=...)`.

    `name` is a built-in provider ("sandbox", "stripe") or a county's own class as "package.module:ClassName",
    imported here, so plugging in a real portal needs no change to this code: ship the module with
    the app, set PAYMENT_PROVIDER to its path and PAYMENT_PROVIDER_SETTINGS to its keyword arguments.
    An unknown name or missing/unexpected settings raise ValueError, so a misconfigured stage
    fails loudly rather than charging anyone.
    """
    key = name.strip() if isinstance(name, str) else ""
    built_in = _BUILT_IN.get(key.lower())
    cls = _PROVIDERS.get(key.lower()) or (_import_provider(built_in or key) if built_in or ":" in key else None)
    if cls is None:
        known = ", ".join(sorted({*_PROVIDERS, *_BUILT_IN}))
        raise ValueError(f"unknown payment provider {name!r}; known: {known}, or a 'module:Class' path")
    try:
        provider = cls(**settings)
    except TypeError as exc:
        raise ValueError(f"payment provider {key!r}: {exc}") from exc
    if not isinstance(provider, PaymentProvider):
        raise ValueError(f"payment provider {key!r} lacks name or checkout_url")
    return provider


def _import_provider(path: str) -> type[Any] | None:
    import importlib

    module_name, _, class_name = path.partition(":")
    try:
        return getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ValueError(f"payment provider {path!r} cannot be loaded: {exc}") from exc


class CallbackOutcome(StrEnum):
    """What the portal reports: paid, refused by the bank, or abandoned by the contractor."""

    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class CallbackBody:
    """A payment portal's callback, read strictly from its raw JSON body."""

    payment_id: str
    outcome: CallbackOutcome
    transaction_id: str | None
    amount: Decimal


def build_callback_body(
    payment_id: str,
    outcome: CallbackOutcome | str,
    transaction_id: str | None,
    amount: Decimal,
) -> bytes:
    """The raw callback body the sandbox signs and sends: compact JSON, amount as a string.

    `{"payment_id":"...","outcome":"approved","transaction_id":"...","amount":"1054.70"}`.
    These exact bytes are what gets signed: send them as they are, never a re-serialisation.
    Bad arguments raise ValueError/TypeError (a bug in the caller, not user input).
    """
    _check_id("payment_id", payment_id)
    if transaction_id is not None:
        _check_id("transaction_id", transaction_id)
    body = {
        "payment_id": payment_id,
        "outcome": CallbackOutcome(outcome).value,
        "transaction_id": transaction_id,
        "amount": format_money(amount),
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def parse_callback_body(raw_body: bytes) -> CallbackBody:
    """Read a callback body strictly, after its signature is verified; anything off -> 400.

    Unknown or missing fields, an amount sent as a JSON number instead of a string, an unknown
    outcome, or an approval without a transaction id are refused (InvalidInput), so a malformed
    callback never moves money.
    """
    try:
        text = bytes(raw_body).decode("utf-8")
        # No field is a number: integers are kept unconverted (`_JsonInteger`), so a 5,000-digit one
        # cannot hit Python's int-string conversion limit, and the field check below names the field.
        data = json.loads(text, parse_int=_JsonInteger, parse_float=_refuse_number,
                          parse_constant=_refuse_number)
    except (ValueError, RecursionError) as exc:  # ValueError covers JSONDecodeError, UnicodeDecodeError
        raise InvalidInput(f"The payment callback body is not valid JSON: {_shorten(str(exc))}.") from exc
    if not isinstance(data, dict):
        raise InvalidInput("The payment callback body must be a JSON object.")

    expected = {"payment_id", "outcome", "transaction_id", "amount"}
    problems = [FieldProblem(key, "is not allowed") for key in sorted(set(data) - expected)]
    problems += [FieldProblem(key, "is required") for key in sorted(expected - set(data))]
    if problems:
        raise InvalidInput("The payment callback body has unknown or missing fields.", problems)

    payment_id, transaction_id = data["payment_id"], data["transaction_id"]
    if not _is_id(payment_id):
        raise _callback_problem("payment_id", "must be a non-empty string")
    try:
        outcome = CallbackOutcome(data["outcome"])
    except ValueError:
        allowed = ", ".join(o.value for o in CallbackOutcome)
        raise _callback_problem("outcome", f"must be one of {allowed}") from None
    if transaction_id is not None and not _is_id(transaction_id):
        raise _callback_problem("transaction_id", "must be a non-empty string or null")
    if outcome is CallbackOutcome.APPROVED and transaction_id is None:
        raise _callback_problem("transaction_id", "is required when the outcome is approved")
    if not isinstance(data["amount"], str):
        raise _callback_problem("amount", 'must be a string with two decimals, like "12.50"')
    # No payment limit here: the amount need only equal the payment's frozen total due, and a pending
    # payment stored above MAX_AMOUNT (made before checkout refused such totals) must still be
    # cancellable. parse_money's text-length bound keeps the number small.
    amount = parse_money(data["amount"], "amount", maximum=_ANY_AMOUNT)
    return CallbackBody(payment_id, outcome, transaction_id, amount)


_ANY_AMOUNT = Decimal("1E+40")
"""Above any amount parse_money can read (its text is at most 32 characters)."""
_MAX_ERROR_TEXT = 200


class _NumberInBody(ValueError):
    pass


class _JsonInteger:
    """An integer in the callback body, left as text: it is refused as a wrong type, never converted."""

    __slots__ = ("digits",)

    def __init__(self, text: str) -> None:
        self.digits = len(text)  # only its size is kept, for the repr

    def __repr__(self) -> str:
        return f"<integer of {self.digits} digits>"


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_ERROR_TEXT else text[:_MAX_ERROR_TEXT] + "..."


def _refuse_number(text: str) -> Decimal:
    raise _NumberInBody(f"amounts must be strings with two decimals, not the number {text}")


def _is_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and 0 < len(value) <= _MAX_ID_LENGTH and value.strip() == value


def _check_id(name: str, value: object) -> None:
    if not _is_id(value):
        raise ValueError(f"{name} must be a non-empty string of up to {_MAX_ID_LENGTH} characters")


def _callback_problem(field_name: str, message: str) -> InvalidInput:
    detail = f"The payment callback's {field_name} {message}."
    return InvalidInput(detail, [FieldProblem(field_name, message)])
