"""RES16-0688's fees: dashboard -> Checkout Summary -> sandbox portal -> Paid Items -> $0.00."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, choose, log_in_to_dashboard, money_cell

pytestmark = pytest.mark.browser

GUIDE_FEES = [
    ("MECHANICAL PERMIT", "$96.00"),
    ("PLAN REVIEW FEE BALANCE", "$65.08"),
    ("BUILDING PERMIT FEE", "$650.75"),
    ("PLANNING", "$35.00"),
    ("RES/GAR/ADD PARTIAL PLAN REVIEW FEE", "$130.15"),
    ("FIRE DISTRICT INSPECTION FEE", "$47.00"),
]


def test_paying_res16_0688_through_the_sandbox_portal(page: Page, portal, console_errors, screenshots_dir) -> None:
    log_in_to_dashboard(page, portal)
    fees_due = money_cell(page, "RES16-0688")
    expect(fees_due).to_have_text("$1,023.98")
    fees_due.get_by_role("button").click()

    # The Checkout Summary opens with the guide's six fee lines.
    expect(page).to_have_url(re.compile(r"/checkout\.html$"))
    expect(page.get_by_role("heading", name="Checkout Summary")).to_be_visible()
    summary = page.locator("#summary-table")
    expect(summary).to_contain_text("PERMIT (RES16-0688)")
    expect(summary).to_contain_text("1968 E DODD RD")
    for description, amount in GUIDE_FEES:
        row = summary.locator("tr").filter(has_text=description).first
        expect(row).to_contain_text(amount)
    expect(page.locator("#total-fees")).to_have_text("$1,023.98")

    # The payment types are the API's, in its order; the first is chosen and its figures shown at once
    # (the guide's Checkout Summary opens with Credit Card: Access Idaho Fee $30.72, Total Due $1,054.70).
    offered = portal.call("GET", "/checkout/payment-methods")
    labels = page.locator("#payment-methods label.usa-radio__label")
    expect(labels).to_have_text([m["label"] for m in offered["items"]])
    expect(page.get_by_role("group", name="Payment type").get_by_role("radio")).to_have_count(offered["total"])
    expect(page.get_by_label(offered["items"][0]["label"], exact=True)).to_be_checked()
    expect(page.locator("#convenience-label")).to_have_text(f"{offered['convenience_fee_label']}:")
    expect(page.locator("#convenience-fee")).to_have_text("$30.72")
    expect(page.locator("#total-due")).to_have_text("$1,054.70")

    choose(page, "Electronic Check - $1.50")
    expect(page.locator("#convenience-label")).to_have_text("Access Idaho Fee:")
    expect(page.locator("#convenience-fee")).to_have_text("$1.50")
    expect(page.locator("#total-due")).to_have_text("$1,025.48")

    choose(page, "Credit Card - 3%")
    expect(page.locator("#convenience-fee")).to_have_text("$30.72")
    expect(page.locator("#total-due")).to_have_text("$1,054.70")
    assert_accessible(page, "checkout summary")
    page.screenshot(path=str(screenshots_dir / "checkout-summary.png"), full_page=True)

    # BACK TO SHOPPING CART shows the cart, which leads back here.
    page.get_by_role("link", name="BACK TO SHOPPING CART").click()
    expect(page).to_have_url(re.compile(r"/cart\.html$"))
    expect(page.locator("#cart")).to_contain_text("PERMIT (RES16-0688)")
    expect(page.locator("#total-fees")).to_have_text("$1,023.98")
    assert_accessible(page, "cart")
    page.get_by_role("link", name="CHECKOUT").click()
    expect(page).to_have_url(re.compile(r"/checkout\.html$"))
    choose(page, "Credit Card - 3%")
    expect(page.locator("#total-due")).to_have_text("$1,054.70")

    page.get_by_role("button", name="PROCEED TO PAYMENT").click()
    expect(page).to_have_url(re.compile(r"/sandbox-pay\.html\?payment_id="))
    expect(page.locator("#amount")).to_have_text("$1,054.70")
    assert_accessible(page, "sandbox payment portal")
    page.get_by_role("button", name="Approve").click()

    expect(page).to_have_url(re.compile(r"/payment-return\.html\?payment_id="))
    expect(page.get_by_role("heading", name="Payment approved")).to_be_visible()
    expect(page.locator("#payment-status")).to_have_text("PAID")
    portal.paid.add("RES16-0688")
    expect(page.locator("#page-message")).to_contain_text("the fees are paid")
    expect(page.locator("#payment-refund")).to_have_count(0)
    expect(page.get_by_role("button", name="TRY AGAIN")).to_have_count(0)
    expect(page.locator("#payment-total-due")).to_have_text("$1,054.70")
    assert_accessible(page, "payment return")

    page.get_by_role("main").get_by_role("link", name="PAID ITEMS").click()
    expect(page).to_have_url(re.compile(r"/paid-items\.html$"))
    row = page.locator("#payments-table tbody tr").filter(has_text="RES16-0688").first
    expect(row).to_contain_text("$1,054.70")
    expect(row).to_contain_text("PAID")
    expect(row).to_contain_text("Credit Card")
    assert_accessible(page, "paid items")

    row.get_by_role("link", name=re.compile("Receipt")).click()
    expect(page).to_have_url(re.compile(r"/receipt\.html\?payment_id="))
    expect(page.get_by_role("heading", name="Receipt")).to_be_visible()
    expect(page.locator("#payment")).to_contain_text("BUILDING PERMIT FEE")
    expect(page.locator("#payment-total-due")).to_have_text("$1,054.70")
    expect(page.get_by_role("button", name="PRINT RECEIPT")).to_be_visible()
    assert_accessible(page, "receipt")
    page.emulate_media(media="print")
    expect(page.locator(".portal-header")).to_be_hidden()
    page.emulate_media(media="screen")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="DASHBOARD").click()
    expect(money_cell(page, "RES16-0688")).to_have_text("$0.00")


def test_pay_all_fees_fills_the_cart_with_every_permit_due(page: Page, portal, console_errors) -> None:
    log_in_to_dashboard(page, portal)
    page.get_by_role("navigation", name="Side menu").get_by_role("link", name="Pay All Fees").click()
    expect(page).to_have_url(re.compile(r"/pay-all\.html$"))
    expect(page.locator("#permits-due")).to_contain_text("RES17-0150")
    assert_accessible(page, "pay all fees")
    page.get_by_role("button", name="PAY ALL FEES").click()
    expect(page).to_have_url(re.compile(r"/checkout\.html$"))
    for permit_no in ["RES17-0150", "RES17-0156", "RES17-0163", "RES17-0167"]:
        expect(page.locator("#summary-table")).to_contain_text(f"PERMIT ({permit_no})")
    choose(page, "Electronic Check - $1.50")
    expect(page.locator("#convenience-fee")).to_have_text("$1.50")
    # Leave the cart empty for the other journeys.
    page.get_by_role("link", name="BACK TO SHOPPING CART").click()
    for permit_no in ["RES17-0150", "RES17-0156", "RES17-0163", "RES17-0167"]:
        page.get_by_role("button", name=f"Remove {permit_no} from the cart").click()
        expect(page.get_by_text(f"{permit_no} was removed from the cart.")).to_be_visible()
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()


def test_a_declined_payment_leaves_the_fees_due(page: Page, portal, console_errors) -> None:
    log_in_to_dashboard(page, portal)
    money_cell(page, "RES17-0163").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/checkout\.html$"))
    expect(page.locator("#summary-table")).to_contain_text("PERMIT (RES17-0163)")
    # Credit Card is chosen already, with its figures.
    expect(page.get_by_label("Credit Card - 3%", exact=True)).to_be_checked()
    expect(page.locator("#total-due")).to_have_text("$36.05")
    choose(page, "Electronic Check - $1.50")
    expect(page.locator("#total-due")).to_have_text("$36.50")
    page.get_by_role("button", name="PROCEED TO PAYMENT").click()
    expect(page).to_have_url(re.compile(r"/sandbox-pay\.html\?payment_id="))
    expect(page.locator("#amount")).to_have_text("$36.50")
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_role("heading", name="Payment declined")).to_be_visible()
    expect(page.locator("#payment-status")).to_have_text("DECLINED")
    message = page.locator("#page-message")
    expect(message).to_contain_text("No fees were paid")
    expect(message).not_to_contain_text("from your cart")  # checkout emptied the cart
    expect(page.locator("#payment-refund")).to_have_count(0)
    assert_accessible(page, "declined payment")

    # TRY AGAIN puts the permit's fees back in the cart and opens the Checkout Summary.
    page.get_by_role("button", name="TRY AGAIN").click()
    expect(page).to_have_url(re.compile(r"/checkout\.html$"))
    expect(page.locator("#summary-table")).to_contain_text("PERMIT (RES17-0163)")
    expect(page.locator("#total-fees")).to_have_text("$35.00")
    expect(page.get_by_label("Credit Card - 3%", exact=True)).to_be_checked()
    expect(page.locator("#total-due")).to_have_text("$36.05")
    cart = portal.call("GET", "/cart", token=portal.token())
    assert [item["permit_no"] for item in cart["items"]] == ["RES17-0163"]

    # Leave the cart empty for the other journeys.
    page.get_by_role("link", name="BACK TO SHOPPING CART").click()
    page.get_by_role("button", name="Remove RES17-0163 from the cart").click()
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="DASHBOARD").click()
    expect(money_cell(page, "RES17-0163")).to_have_text("$35.00")
