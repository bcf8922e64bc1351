"""Every list route pages with `limit` and an opaque `cursor` (API.md Part 2); Part 1's shape stays
for a client that asks for no page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import register


def every_page(api: Any, path: str, token: str | None = None) -> tuple[list[dict[str, Any]], int]:
    items, pages, cursor = [], 0, None
    while True:
        sep = "&" if "?" in path else "?"
        url = f"{path}{sep}cursor={cursor}" if cursor else path
        body = api.get(url, token).json_body
        items += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            return items, pages


def test_the_directory_pages_by_name_and_keeps_part_1s_shape_unasked(api, staff_token):
    for name, licence in (("ZETA ROOFING", "RF001"), ("ALPHA ELECTRIC", "EL002"), ("MIDDLE MASONRY", "MS003")):
        register(api, staff_token, name, licence, f"{licence}@example.com")
    whole = api.get("/contractors").json_body
    assert set(whole) == {"total", "items"} and whole["total"] == 3
    items, pages = every_page(api, "/contractors?limit=2")
    assert [i["company_name"] for i in items] == ["ALPHA ELECTRIC", "MIDDLE MASONRY", "ZETA ROOFING"]
    assert pages == 2


def test_scheduled_inspections_page_soonest_first(api, contractor, staff_token):
    from tests.services.permit_helpers import active_permit

    no = active_permit(api, staff_token, contractor["contractor_id"])["permit_no"]
    for day in ("2026-11-30", "2026-11-25", "2026-11-27"):
        assert api.post(f"/permits/{no}/inspections", {"inspection_type": "FOOTING", "date": day},
                        contractor["token"]).status_code == 201
    items, pages = every_page(api, "/inspections/scheduled?limit=1", contractor["token"])
    assert [i["date"] for i in items] == ["2026-11-25", "2026-11-27", "2026-11-30"] and pages == 3


@pytest.mark.parametrize("path", ["/contractors", "/payments", "/inspections/scheduled", "/permits"])
def test_a_malformed_cursor_or_limit_is_a_400_on_every_list(api, contractor, path):
    for query in ("cursor=%%%", "cursor=bm90LWpzb24", "limit=0", "limit=1000", "limit=ten"):
        response = api.get(f"{path}?{query}", contractor["token"])
        assert response.status_code == 400, (path, query, response.body)
        assert response.headers["Content-Type"] == "application/problem+json"


def test_paid_items_page_newest_first_in_dynamodb(api, contractor, staff_token, table):
    """Each page is its own GSI1 Query of about the page's size, newest first, unapplied approvals kept."""
    from bench.counting import counting
    from tests.conftest import seed_permit

    token = contractor["token"]
    made = []  # three pending payments (a checkout stays pending until the portal answers)
    for n in range(3):
        no = f"RES16-{n + 1:04d}"
        seed_permit(table, contractor["contractor_id"], no, fees=(("PLANNING", "35.00"),))
        assert api.post("/cart/items", {"permit_no": no}, token).status_code == 200
        made.append(api.post("/checkout", {"payment_method": "echeck"}, token).json_body["payment_id"])
    whole = api.get("/payments", token).json_body
    first = api.get("/payments?limit=2", token).json_body
    with counting(table) as tally:
        second = api.get(f"/payments?limit=2&cursor={first['next_cursor']}", token).json_body
    assert [p["payment_id"] for p in first["items"] + second["items"]] == [p["payment_id"] for p in whole["items"]]
    assert second["next_cursor"] is None and tally.operations["Query"] == 1
    assert api.get(f"/payments?cursor={first['next_cursor']}", contractor_token_of_another(api, staff_token)
                   ).status_code == 400


def contractor_token_of_another(api: Any, staff_token: str) -> str:
    from tests.conftest import complete_setup

    other, pin = register(api, staff_token, "LAKE CITY PLUMBING", "PLB2231", "office@lakecity.example")
    return complete_setup(api, other, pin)
