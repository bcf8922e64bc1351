"""The refund queue's end: money that paid nothing (a payment approved after another had paid its fees)
is on Today and the payment's page as "Refund required"; a supervisor gives it back in the payment
portal and records the refund's reference; the payment leaves the queue, the refund stays on record."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import STAFF
from tests.browser.helpers import assert_accessible
from tests.browser.test_20_back_office import staff_sign_in

pytestmark = pytest.mark.browser


def contractor_token(portal, made) -> str:
    return portal.call("POST", "/auth/login", {"contractor_id": made.contractor_id, "password": made.password})["token"]


def checkout(portal, made) -> dict:
    token = contractor_token(portal, made)
    portal.call("POST", "/cart/items", {"permit_no": made.permit_no}, token=token)
    return {"token": token, **portal.call("POST", "/checkout", {"payment_method": "echeck"}, token=token)}


def test_a_supervisor_records_a_refund_and_the_payment_leaves_the_queue(page: Page, portal, console_errors) -> None:
    made = portal.new_contractor()
    first = checkout(portal, made)
    try:
        # A day later the first hold has run out: the fees are paid by a second payment, and then the
        # portal approves the first one too. That money paid nothing.
        portal.call("PUT", "/sandbox/clock", {"days": 1})
        second = checkout(portal, made)
        portal.call("POST", f"/sandbox/payments/{second['payment_id']}", {"outcome": "approved"},
                    token=second["token"])
        portal.call("POST", f"/sandbox/payments/{first['payment_id']}", {"outcome": "approved"},
                    token=second["token"])
    finally:
        portal.call("PUT", "/sandbox/clock", {"days": 0})
    queue = portal.call("GET", "/staff/payments?refund_required=true&limit=200", token=portal.staff_token())
    owed = next(p for p in queue["items"] if p["payment_id"] == first["payment_id"])
    amount = owed["refund_amount"]

    staff_sign_in(page, portal, *STAFF)
    expect(page).to_have_url(re.compile(r"/staff/dashboard\.html$"))
    page.goto(f"{portal.web}/staff/payment.html?payment_id={first['payment_id']}")
    expect(page.get_by_text("Refund required", exact=True)).to_be_visible()
    form = page.locator("#refund-form")
    form.get_by_role("button", name="Record refund").click()
    expect(form.get_by_label("Payment portal refund reference")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "a payment with a refund due")
    form.get_by_label("Payment portal refund reference").fill("RF-2026-0042")
    form.get_by_role("button", name="Record refund").click()
    expect(page.locator("#page-message")).to_contain_text("the payment has left the refund queue")
    refunds = page.get_by_role("table", name="Refunds recorded")
    expect(refunds).to_contain_text("RF-2026-0042")
    expect(refunds).to_contain_text(STAFF[0])
    expect(page.locator("#refund-form")).to_have_count(0)
    assert_accessible(page, "a refunded payment")

    queue = portal.call("GET", "/staff/payments?refund_required=true&limit=200", token=portal.staff_token())
    assert first["payment_id"] not in [p["payment_id"] for p in queue["items"]]
    detail = portal.call("GET", f"/staff/payments/{first['payment_id']}", token=portal.staff_token())
    assert [(r["reference"], r["amount"]) for r in detail["refunds"]] == [("RF-2026-0042", amount)]
