"""Money: `Decimal` end to end, rounded half-up to the cent, never a float.

The county's amounts are exact cents. Floats cannot hold 0.10 exactly, so a float anywhere (a JSON
number with a fraction, a float in DynamoDB) silently changes a fee; this module refuses them at the
edges and keeps one rounding rule (ROUND_HALF_UP, as people and the county's guide round: 0.015 ->
0.02) in one place.

In the API, money is a JSON string with exactly two decimals ("1023.98"): `parse_money` reads one,
`format_money` writes one; `display_money` is for people ("$1,023.98").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999.99")
"""The largest amount one payment may carry, and so the largest amount anyone may enter (a fee line).

One limit for the whole payment path: a fee above it is refused when entered (`parse_money`'s default
`maximum`), and a cart or checkout total above it is refused before any fee is held (`check_payable`).
Anything bigger is a typo or an attack, or fees to be paid in parts; a payment the portal and our
callback were never meant to carry must not be created, or it could be neither paid nor cancelled.
"""

# ASCII digits only (`\d` would also accept Arabic-Indic and other digits), at most two decimals,
# no exponent, no thousands separators, no currency sign; used with `fullmatch`, so a trailing
# newline is refused too.
_MONEY_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]{1,2})?")
_TOO_PRECISE_TEXT = re.compile(r"-?[0-9]+\.[0-9]{3,}")
_MAX_TEXT_LENGTH = 32


def to_cents(value: Decimal | int) -> Decimal:
    """Round to the cent, half-up (0.015 -> 0.02, 0.0149 -> 0.01): the portal's one rounding rule.

    Floats are refused with TypeError: they are a programming error here, not user input.
    """
    amount = _as_decimal(value)
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return ZERO if cents.is_zero() else cents  # no "-0.00"


def parse_money(
    value: object,
    field: str = "amount",
    *,
    allow_zero: bool = True,
    allow_negative: bool = False,
    maximum: Decimal = MAX_AMOUNT,
) -> Decimal:
    """Read an amount from request input: a string like "1023.98", an int, or a Decimal.

    Returns a Decimal with exactly two decimals. Raises InvalidInput (400) naming `field` for a
    float, a bool, NaN/Infinity, more than two decimals, a negative (unless `allow_negative`), zero
    (unless `allow_zero`), or an amount above `maximum` in size. Nothing is ever rounded: an amount
    the user did not type is never stored.
    """
    if isinstance(value, bool):  # bool is an int subclass; True is not one dollar
        raise _money_problem(field, 'must be an amount like "12.50", not true or false')
    if isinstance(value, float):
        raise _money_problem(
            field,
            'must be a string with two decimals, like "12.50", not a JSON number with a fraction',
        )
    if isinstance(value, str):
        amount = _parse_money_text(value, field)
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise _money_problem(field, "must be a finite amount")
        amount = value
    else:
        raise _money_problem(field, 'must be an amount written as a string, like "12.50"')

    if abs(amount) > maximum:
        raise _money_problem(field, f"must not be more than {format_money(maximum)}")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise _money_problem(field, "must have at most two decimal places")
    if amount < 0 and not allow_negative:
        raise _money_problem(field, "must not be negative")
    if amount.is_zero() and not allow_zero:
        raise _money_problem(field, "must be more than 0.00")
    return to_cents(amount)


def check_payable(total: Decimal, what: str) -> None:
    """Refuse (409) a `total` one payment may not carry; `what` names it, e.g. "this cart's fees".

    A 409 rather than a 400: the request is well formed, the fees are real, but they must be paid in
    more than one payment (the cart holds permits, so: one permit, or a few, at a time).
    """
    if to_cents(total) > MAX_AMOUNT:
        raise Conflict(
            f"One payment can carry at most {display_money(MAX_AMOUNT)}, and {what} would be "
            f"{display_money(total)}. Pay the permits in separate payments, a few at a time; for a "
            "single permit whose fees alone are more than that, contact Community Development."
        )


def format_money(value: Decimal | int) -> str:
    """The API's JSON form of an amount: exactly two decimals, no separators ("1023.98").

    Sub-cent values are rounded half-up first, so the string matches what `to_cents` stores.
    """
    return f"{to_cents(value):f}"


def display_money(value: Decimal | int) -> str:
    """An amount for people, as the county's screens show it: "$1,023.98" (negative: "-$5.00")."""
    cents = to_cents(value)
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents):,.2f}"


def sum_money(values: Iterable[Decimal | int]) -> Decimal:
    """Add amounts exactly; Decimal("0.00") for none. Floats are refused (TypeError)."""
    total = ZERO
    for value in values:
        total += _as_decimal(value)
    return to_cents(total)


def _as_decimal(value: Decimal | int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"money must be a Decimal or an int, not {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"money must be finite, not {amount}")
    return amount


def _parse_money_text(text: str, field: str) -> Decimal:
    stripped = text.strip()
    if not stripped:
        raise _money_problem(field, "must not be empty")
    if len(stripped) > _MAX_TEXT_LENGTH:
        raise _money_problem(field, f"must not be more than {format_money(MAX_AMOUNT)}")
    if _TOO_PRECISE_TEXT.fullmatch(stripped):
        raise _money_problem(field, "must have at most two decimal places")
    if not _MONEY_TEXT.fullmatch(stripped):
        raise _money_problem(
            field, 'must be a number with at most two decimal places, like "12.50" (no $ or commas)'
        )
    try:
        return Decimal(stripped)
    except InvalidOperation as exc:  # unreachable after the pattern; never let it become a 500
        raise _money_problem(field, 'must be a number like "12.50"') from exc


def _money_problem(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"The {field} {message}.", [FieldProblem(field, message)])
