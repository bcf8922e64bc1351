"""Every page: axe (WCAG 2.1 A/AA), the guide's header and side menu, keyboard use, phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, business_field, log_in_to_dashboard

pytestmark = pytest.mark.browser

SIGNED_IN_PAGES = [
    "dashboard.html",
    "permit.html?permit_no=RES16-0304",
    "profile.html",
    "cart.html",
    "checkout.html",
    "pay-all.html",
    "paid-items.html",
    "inspections.html",
    "schedule.html",
    "search.html?q=RES16",
    "map.html",
    "properties.html?q=DODD",
    "projects.html",
    "project.html?project_no=P-2026-001",
]
PUBLIC_PAGES = ["index.html", "forgot-password.html"]


def test_public_pages_pass_axe(page: Page, portal, console_errors) -> None:
    for path in PUBLIC_PAGES:
        page.goto(f"{portal.web}/{path}")
        expect(page.locator("main h1")).to_be_visible()
        assert_accessible(page, path)


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_page_passes_axe_and_has_the_guides_header(page: Page, portal, console_errors, path: str) -> None:
    log_in_to_dashboard(page, portal)
    page.goto(f"{portal.web}/{path}")
    expect(page.locator("main h1")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    for name in ["HOME", "DASHBOARD", "VIEW/EDIT PROFILE", "VIEW CART"]:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name="LOG OUT")).to_be_visible()
    expect(nav).to_contain_text("LOGGED IN AS: RICH CONTRACTOR")
    side = page.get_by_role("navigation", name="Side menu")
    for name in [
        "Search Permit",
        "Pay Fees",
        "Schedule",
        "Scheduled",
        "Pay All Fees",
        "Paid Items",
    ]:
        expect(side.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Loading…")
    assert_accessible(page, path)


def test_keyboard_only_login_and_opening_a_permit(page: Page, portal, console_errors) -> None:
    password = portal.ensure_setup()
    page.goto(f"{portal.web}/index.html")
    expect(business_field(page)).to_be_visible()  # the list has loaded
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('role')") == "combobox":
            break
    expect(business_field(page)).to_be_focused()
    page.keyboard.type("rich con")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(business_field(page)).to_have_value("RICH CONTRACTOR")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Clear the select contents")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password or PIN")).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))

    link = page.get_by_role("link", name="RES16-0686", exact=True)
    # Past the header and the whole side menu (issue 14 added Projects, Properties, Map and View on Map).
    for _ in range(90):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "RES16-0686":
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Permit RES16-0686")).to_be_visible()


PHONE = {"width": 375, "height": 740}
# Every AMOUNT cell of the cart / Checkout Summary / receipt tables: where it is, and whether it or its
# table's container is cut off (a scrolling region hides what is past its edge).
AMOUNT_CELLS = """() => [...document.querySelectorAll('table.portal-cart-table td.portal-num')].map((td) => {
  const r = td.getBoundingClientRect();
  const wrap = td.closest('.usa-table-container--scrollable');
  const w = wrap ? wrap.getBoundingClientRect() : null;
  return {text: td.textContent.trim(), left: r.left, right: r.right, width: r.width,
          clipped: td.scrollWidth > td.clientWidth + 1,
          wrapLeft: w ? w.left : 0, wrapRight: w ? w.right : window.innerWidth,
          wrapScrolls: wrap ? wrap.scrollWidth > wrap.clientWidth + 1 : false};
})"""


def assert_no_sideways_scrolling(page: Page, path: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at phone width"


def assert_amounts_fully_visible(page: Page, path: str) -> None:
    expect(page.locator("table.portal-cart-table td.portal-num").first).to_be_visible()
    cells = page.evaluate(AMOUNT_CELLS)
    assert cells, f"{path}: no AMOUNT cells"
    for cell in cells:
        where = f"{path}: AMOUNT {cell['text']!r} at {cell['left']:.0f}..{cell['right']:.0f}px"
        assert cell["text"].startswith("$"), where
        inside = cell["width"] > 0 and cell["left"] >= 0 and cell["right"] <= PHONE["width"]
        assert inside, f"{where} is outside the viewport"
        in_table = cell["left"] >= cell["wrapLeft"] - 1 and cell["right"] <= cell["wrapRight"] + 1
        assert in_table, f"{where} is scrolled out of its table"
        assert not cell["clipped"], f"{where} is clipped"
        assert not cell["wrapScrolls"], f"{path}: the table scrolls sideways"


def test_phone_width_has_no_sideways_scrolling(page: Page, portal, console_errors, screenshots_dir) -> None:
    page.set_viewport_size(PHONE)
    log_in_to_dashboard(page, portal)
    for path in [
        "dashboard.html",
        "checkout.html",
        "profile.html",
        "permit.html?permit_no=RES16-0688",
    ]:
        page.goto(f"{portal.web}/{path}")
        expect(page.locator("main h1")).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert_no_sideways_scrolling(page, path)

    # The cart, the Checkout Summary and a receipt with fee lines: AMOUNT stays readable.
    token = portal.token()
    portal.call("POST", "/cart/items", {"permit_no": "RES17-0167"}, token=token)
    for path in ["cart.html", "checkout.html"]:
        page.goto(f"{portal.web}/{path}")
        expect(page.locator("table.portal-cart-table")).to_contain_text("PERMIT (RES17-0167)")
        if path == "checkout.html":
            expect(page.locator("#total-due")).to_have_text("$84.46")
        page.wait_for_load_state("networkidle")
        assert_no_sideways_scrolling(page, path)
        assert_amounts_fully_visible(page, path)
    # Checking out empties the cart; declining leaves the fees due, as the other journeys expect.
    payment = portal.call("POST", "/checkout", {"payment_method": "echeck"}, token=token)
    portal.call("POST", f"/sandbox/payments/{payment['payment_id']}", {"outcome": "declined"}, token=token)
    page.goto(f"{portal.web}/receipt.html?payment_id={payment['payment_id']}")
    expect(page.locator("#payment-items")).to_contain_text("PERMIT (RES17-0167)")
    page.wait_for_load_state("networkidle")
    assert_no_sideways_scrolling(page, "receipt.html")
    assert_amounts_fully_visible(page, "receipt.html")
    page.screenshot(path=str(screenshots_dir / "receipt-phone.png"), full_page=True)
