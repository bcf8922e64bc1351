"""Checkout Summary payment types from the API, a keyboard-only payment, refund states, TRY AGAIN.

These journeys use a contractor of their own (portal.new_contractor), so RICH CONTRACTOR's guide
figures stay as the other journeys expect them, in any order.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.helpers import assert_accessible, choose, log_in

pytestmark = pytest.mark.browser


def log_in_as(page: Page, portal, contractor) -> None:
    log_in(page, portal.web, contractor.password, company=contractor.company)
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
    expect(page.get_by_text(f"Hello {contractor.company}.")).to_be_visible()


def tab_until(page: Page, script: str, limit: int = 80) -> None:
    """Press Tab until `script` (a JS expression about document.activeElement) is true."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return Boolean({script}); }}"):
            return
    raise AssertionError(f"Tab never reached an element where {script}")


def contractor_token(portal, contractor) -> str:
    body = {"contractor_id": contractor.contractor_id, "password": contractor.password}
    return portal.call("POST", "/auth/login", body)["token"]


def declined_payment(portal, contractor) -> dict:
    """A real payment of the contractor's permit, checked out and declined through the API."""
    token = contractor_token(portal, contractor)
    portal.call("POST", "/cart/items", {"permit_no": contractor.permit_no}, token=token)
    payment = portal.call("POST", "/checkout", {"payment_method": "echeck"}, token=token)
    portal.call("POST", f"/sandbox/payments/{payment['payment_id']}", {"outcome": "declined"}, token=token)
    return portal.call("GET", f"/payments/{payment['payment_id']}", token=token)


def test_payment_types_come_from_the_api_and_the_first_is_chosen(page: Page, portal, console_errors) -> None:
    contractor = portal.new_contractor(fees="65.00")
    offered = {
        "total": 2,
        "convenience_fee_label": "Access Idaho Fee",
        "items": [
            {"payment_method": "echeck", "label": "Electronic Check (test label from the API)"},
            {"payment_method": "credit_card", "label": "Credit Card (test label from the API)"},
        ],
    }

    def payment_methods(route: Route) -> None:
        route.fulfill(
            status=200,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": "*"},
            body=json.dumps(offered),
        )

    page.route(re.compile(r"/checkout/payment-methods$"), payment_methods)
    log_in_as(page, portal, contractor)
    page.get_by_role("button", name=f"Pay $65.00 fees due for {contractor.permit_no}").click()
    expect(page).to_have_url(re.compile(r"/checkout\.html$"))

    group = page.get_by_role("group", name="Payment type")
    expect(group.get_by_role("radio")).to_have_count(2)
    expect(page.locator("#payment-methods label.usa-radio__label")).to_have_text(
        ["Electronic Check (test label from the API)", "Credit Card (test label from the API)"]
    )
    expect(page.locator("fieldset")).not_to_contain_text("Credit Card - 3%")
    # The first offered type is chosen, and its figures (from GET /checkout/summary) are shown.
    expect(page.get_by_label("Electronic Check (test label from the API)")).to_be_checked()
    expect(page.locator("#convenience-fee")).to_have_text("$1.50")
    expect(page.locator("#total-due")).to_have_text("$66.50")
    choose(page, "Credit Card (test label from the API)")
    expect(page.locator("#convenience-fee")).to_have_text("$1.95")
    expect(page.locator("#total-due")).to_have_text("$66.95")
    assert_accessible(page, "checkout with the API's payment types")


def test_keyboard_only_payment_from_fees_due_to_approval(page: Page, portal, console_errors) -> None:
    contractor = portal.new_contractor(fees="65.00")
    log_in_as(page, portal, contractor)

    # Dashboard: Tab to the FEES DUE amount, Enter.
    tab_until(page, f"el.getAttribute('aria-label') === 'Pay $65.00 fees due for {contractor.permit_no}'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/checkout\.html$"))
    expect(page.locator("#summary-table")).to_contain_text(f"PERMIT ({contractor.permit_no})")
    expect(page.locator("#total-due")).to_have_text("$66.95")  # Credit Card, chosen first

    # Tab into the payment types (focus lands on the chosen one), arrow to Electronic Check.
    tab_until(page, "el.name === 'payment_method'")
    expect(page.get_by_label("Credit Card - 3%", exact=True)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Electronic Check - $1.50", exact=True)).to_be_checked()
    expect(page.get_by_label("Electronic Check - $1.50", exact=True)).to_be_focused()
    expect(page.locator("#convenience-fee")).to_have_text("$1.50")
    expect(page.locator("#total-due")).to_have_text("$66.50")

    # PROCEED TO PAYMENT by keyboard.
    tab_until(page, "el.id === 'proceed-button'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/sandbox-pay\.html\?payment_id="))
    expect(page.locator("#amount")).to_have_text("$66.50")
    expect(page.get_by_role("button", name="Approve")).to_be_visible()

    # The sandbox portal: Tab to Approve, Space.
    tab_until(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Approve'")
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"/payment-return\.html\?payment_id="))
    expect(page.get_by_role("heading", name="Payment approved")).to_be_visible()
    expect(page.locator("#payment-status")).to_have_text("PAID")
    expect(page.locator("#payment-total-due")).to_have_text("$66.50")

    # Back to the dashboard by keyboard: nothing is due any more.
    tab_until(page, "el.textContent.trim() === 'MY DASHBOARD'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
    row = page.locator("#active-permits-table tbody tr").filter(has_text=contractor.permit_no)
    expect(row.locator("td").last).to_have_text("$0.00")


def test_refunds_are_shown_on_the_return_page_receipt_and_paid_items(page: Page, portal, console_errors) -> None:
    contractor = portal.new_contractor(fees="65.00")
    real = declined_payment(portal, contractor)
    payment_id = real["payment_id"]
    override: dict = {}

    def one_payment(route: Route) -> None:
        if route.request.method != "GET":
            route.continue_()
            return
        response = route.fetch()
        body = response.json()
        body.update(override)
        route.fulfill(response=response, json=body)

    def payment_list(route: Route) -> None:
        if route.request.method != "GET":
            route.continue_()
            return
        response = route.fetch()
        body = response.json()
        for item in body["items"]:
            if item["payment_id"] == payment_id:
                item.update(override)
        route.fulfill(response=response, json=body)

    page.route(re.compile(rf"/payments/{re.escape(payment_id)}$"), one_payment)
    page.route(re.compile(r"/payments$"), payment_list)
    log_in_as(page, portal, contractor)

    # 1. A late approval recorded PAID with refund_required: received, not applied, to be refunded.
    override.update(
        status="PAID",
        applied=False,
        refund_required=True,
        unapplied_transactions=[],
        transaction_id="SBX-LATE-APPROVAL",
        paid_at=real["created_at"],
    )
    page.goto(f"{portal.web}/payment-return.html?payment_id={payment_id}")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile("received but not applied", re.I))
    message = page.locator("#page-message")
    expect(message).to_contain_text("was received")
    expect(message).to_contain_text("could not be applied")
    expect(message).to_contain_text("Community Development will refund")
    expect(message).not_to_contain_text("the fees are paid")
    expect(page.locator("#payment-refund")).to_contain_text("$66.50")
    expect(page.get_by_role("button", name="TRY AGAIN")).to_have_count(0)
    assert_accessible(page, "payment return: refund required")

    page.goto(f"{portal.web}/receipt.html?payment_id={payment_id}")
    expect(page.get_by_role("heading", name="Payment to be refunded")).to_be_visible()
    expect(page.locator("#page-message")).to_contain_text("Community Development will refund")
    expect(page.locator("#page-message")).not_to_contain_text("the fees are paid")
    expect(page.locator("#payment-refund")).to_contain_text("$66.50")
    assert_accessible(page, "receipt: refund required")

    page.goto(f"{portal.web}/paid-items.html")
    row = page.locator("#payments-table tbody tr").filter(has_text=contractor.permit_no)
    expect(row).to_contain_text("REFUND DUE")
    expect(row.get_by_role("link")).to_have_text("Details")

    # 2. A declined payment that the portal approved afterwards: money received, to be refunded.
    override.clear()
    override.update(
        refund_required=True,
        unapplied_transactions=[{"transaction_id": "SBX-AFTER-DECLINE", "amount": "66.50"}],
    )
    page.goto(f"{portal.web}/payment-return.html?payment_id={payment_id}")
    expect(page.locator("#payment-status")).to_have_text("DECLINED")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("money received will be refunded", re.I))
    message = page.locator("#page-message")
    expect(message).to_contain_text("$66.50")
    expect(message).to_contain_text("SBX-AFTER-DECLINE")
    expect(message).to_contain_text("Community Development will refund")
    expect(page.locator("#payment-refund")).to_contain_text("$66.50")
    assert_accessible(page, "payment return: declined, money to refund")

    page.goto(f"{portal.web}/receipt.html?payment_id={payment_id}")
    expect(page.locator("#page-message")).to_contain_text("will be refunded")
    expect(page.locator("#payment-refund")).to_contain_text("SBX-AFTER-DECLINE")

    # The fees are still due: TRY AGAIN puts them back in the (emptied) cart and opens the summary.
    page.get_by_role("button", name="TRY AGAIN").click()
    expect(page).to_have_url(re.compile(r"/checkout\.html$"))
    expect(page.locator("#summary-table")).to_contain_text(f"PERMIT ({contractor.permit_no})")
    expect(page.locator("#total-fees")).to_have_text("$65.00")


def test_try_again_after_cancel_skips_a_permit_with_nothing_due(page: Page, portal, console_errors) -> None:
    contractor = portal.new_contractor(fees="40.00")
    token = contractor_token(portal, contractor)
    portal.call("POST", "/cart/items", {"permit_no": contractor.permit_no}, token=token)
    payment = portal.call("POST", "/checkout", {"payment_method": "credit_card"}, token=token)
    portal.call("POST", f"/sandbox/payments/{payment['payment_id']}", {"outcome": "cancelled"}, token=token)
    log_in_as(page, portal, contractor)

    # Meanwhile the fees were paid by another payment: TRY AGAIN finds nothing due (409) and says so.
    portal.call("POST", "/cart/items", {"permit_no": contractor.permit_no}, token=token)
    paid = portal.call("POST", "/checkout", {"payment_method": "echeck"}, token=token)
    portal.call("POST", f"/sandbox/payments/{paid['payment_id']}", {"outcome": "approved"}, token=token)

    page.goto(f"{portal.web}/payment-return.html?payment_id={payment['payment_id']}")
    expect(page.get_by_role("heading", name="Payment cancelled")).to_be_visible()
    expect(page.locator("#page-message")).to_contain_text("No fees were paid")
    page.get_by_role("button", name="TRY AGAIN").click()
    expect(page.locator("#retry-message")).to_contain_text("no longer due")
    expect(page).to_have_url(re.compile(r"/payment-return\.html"))
    assert portal.call("GET", "/cart", token=token)["items"] == []
