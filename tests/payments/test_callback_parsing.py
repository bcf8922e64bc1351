"""Signed callbacks with malformed or oversized values (issue 8, item 7): always a 400 problem, never a 500.

The signature is genuine (the sandbox secret, signed as the portal signs), so each request reaches the body
parser; whatever a field holds, the answer is a problem detail and the table is left as it was.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.payments.signature import sign
from tests.api.test_payments import SECRET, table_snapshot
from tests.conftest import seed_permit

FIELDS = ("payment_id", "outcome", "transaction_id", "amount")
HUGE_INT = "9" * 5000  # beyond Python's 4,300-digit int-string conversion limit


@pytest.fixture
def pending(api: Any, contractor: dict[str, str], table: Any) -> dict[str, Any]:
    seed_permit(table, contractor["contractor_id"], "RES16-0688")
    assert api.post("/cart/items", {"permit_no": "RES16-0688"}, contractor["token"]).status_code == 200
    response = api.post("/checkout", {"payment_method": "credit_card"}, contractor["token"])
    assert response.status_code == 201, response.body
    return response.json_body


def body_with(payment_id: str, field: str, literal: str) -> bytes:
    """A genuine approval body whose `field` holds the raw JSON `literal` instead of its value."""
    values = {"payment_id": json.dumps(payment_id), "outcome": '"approved"', "transaction_id": '"TX1"',
              "amount": '"1054.70"'}
    values[field] = literal
    return ("{" + ",".join(f'"{name}":{values[name]}' for name in FIELDS) + "}").encode("ascii")


def post_signed(api: Any, clock: Any, raw: bytes) -> Any:
    header = sign(SECRET, raw, int(clock.now().timestamp()))
    return api.call("POST", "/payments/callback", raw=raw, headers={"X-Payment-Signature": header})


def assert_refused_and_unchanged(response: Any, table: Any, before: list[Any]) -> None:
    assert response.status_code == 400, response.body
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json_body["status"] == 400 and "Traceback" not in response.body.decode()
    assert table_snapshot(table) == before


@pytest.mark.parametrize("field", FIELDS)
def test_a_5000_digit_integer_in_any_field_is_a_400(api: Any, pending: dict[str, Any], table: Any, clock: Any,
                                                   field: str) -> None:
    before = table_snapshot(table)
    response = post_signed(api, clock, body_with(pending["payment_id"], field, HUGE_INT))
    assert_refused_and_unchanged(response, table, before)
    assert [e["field"] for e in response.json_body.get("errors", [])] in ([field], [])


@pytest.mark.parametrize("literal", [
    HUGE_INT, "-" + HUGE_INT, json.dumps(HUGE_INT), HUGE_INT + ".00", "1e999999", "[" + HUGE_INT + "]",
    '{"n":' + HUGE_INT + "}", "12", "true", "null",
])
@pytest.mark.parametrize("field", FIELDS)
def test_any_malformed_or_oversized_value_is_a_400(api: Any, pending: dict[str, Any], table: Any, clock: Any,
                                                  field: str, literal: str) -> None:
    before = table_snapshot(table)
    response = post_signed(api, clock, body_with(pending["payment_id"], field, literal))
    assert_refused_and_unchanged(response, table, before)


def test_a_5000_digit_integer_in_an_extra_field_is_a_400(api: Any, pending: dict[str, Any], table: Any,
                                                        clock: Any) -> None:
    before = table_snapshot(table)
    raw = body_with(pending["payment_id"], "amount", '"1054.70"')[:-1] + b',"extra":' + HUGE_INT.encode() + b"}"
    assert_refused_and_unchanged(post_signed(api, clock, raw), table, before)


def test_the_genuine_body_still_pays(api: Any, pending: dict[str, Any], clock: Any) -> None:
    """The control: the same construction with nothing replaced is accepted."""
    response = post_signed(api, clock, body_with(pending["payment_id"], "amount", '"1054.70"'))
    assert response.status_code == 200, response.body
    assert response.json_body["status"] == "PAID"
