"""Fixtures the payment-path API tests share (a module may still define its own of the same name)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import seed_permit


@pytest.fixture
def rich(api: Any, contractor: dict[str, str], table: Any) -> dict[str, str]:
    """The contractor, with the guide's RES16-0688 ($1,023.98 due) in the cart."""
    seed_permit(table, contractor["contractor_id"], "RES16-0688")
    api.post("/cart/items", {"permit_no": "RES16-0688"}, contractor["token"])
    return contractor


@pytest.fixture
def pending(api: Any, rich: dict[str, str]) -> dict[str, Any]:
    """A checkout of RES16-0688 by credit card ($1,054.70), not paid yet."""
    response = api.post("/checkout", {"payment_method": "credit_card"}, rich["token"])
    assert response.status_code == 201, response.body
    return response.json_body
