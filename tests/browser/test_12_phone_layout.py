"""Phone first: the Menu button and its drawer, tables that fit at 320/390 px, the side menu before the
content, focus after the payment portal; axe at phone and desktop widths."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, log_in_to_dashboard

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
TABLE_PAGES = ["dashboard.html", "paid-items.html", "cart.html", "inspections.html", "schedule.html",
               "search.html?q=RES16", "permit.html?permit_no=RES16-0688",
               # issue 14's pages with tables: Search Property, Search Projects, a project
               "properties.html?q=DODD", "projects.html", "project.html?project_no=P-2026-001"]

# Every table cell in the page's content: whether its text is cut off (scroll width past its box),
# whether it sticks out of the viewport, and whether its table scrolls sideways.
CELLS = """() => [...document.querySelectorAll('main table th, main table td')]
  .filter((cell) => cell.getClientRects().length)
  .map((cell) => {
    const r = cell.getBoundingClientRect();
    const wrap = cell.closest('.usa-table-container--scrollable');
    return {text: cell.textContent.trim().slice(0, 40), label: cell.dataset.label || '',
            clipped: cell.scrollWidth > cell.clientWidth + 1, left: r.left, right: r.right,
            wrapScrolls: wrap ? wrap.scrollWidth > wrap.clientWidth + 1 : false};
  })"""


@pytest.fixture
def some_payment(portal) -> Iterator[str]:
    """A declined payment, so Paid Items has a row, and RES17-0163 in the cart while the test runs
    (declining leaves every fee due, and the cart is emptied after, as the other journeys expect)."""
    token = portal.token()
    portal.call("POST", "/cart/items", {"permit_no": "RES17-0163"}, token=token)
    payment = portal.call("POST", "/checkout", {"payment_method": "credit_card"}, token=token)
    portal.call("POST", f"/sandbox/payments/{payment['payment_id']}", {"outcome": "declined"}, token=token)
    portal.call("POST", "/cart/items", {"permit_no": "RES17-0163"}, token=token)
    yield payment["payment_id"]
    portal.call("DELETE", "/cart/items/RES17-0163", token=token)


def assert_tables_fit(page: Page, path: str, viewport: dict) -> None:
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).not_to_contain_text("Loading…")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {viewport['width']} px"
    cells = page.evaluate(CELLS)
    assert cells, f"{path}: no table"
    for cell in cells:
        where = f"{path} at {viewport['width']} px: {cell['label'] or 'cell'} {cell['text']!r}"
        assert not cell["clipped"], f"{where} is cut off"
        assert cell["left"] >= -1 and cell["right"] <= viewport["width"] + 1, f"{where} is outside the page"
        assert not cell["wrapScrolls"], f"{where}: its table scrolls sideways"


@pytest.mark.parametrize("viewport", [SMALL_PHONE, PHONE, DESKTOP], ids=["320", "390", "1280"])
def test_no_table_cell_is_cut_off_and_axe_is_clean(page: Page, portal, console_errors, some_payment,
                                                   viewport: dict) -> None:
    page.set_viewport_size(viewport)
    log_in_to_dashboard(page, portal)
    for path in TABLE_PAGES:
        page.goto(f"{portal.web}/{path}")
        expect(page.locator("main h1")).to_be_visible()
        assert_tables_fit(page, path, viewport)
        if viewport is not SMALL_PHONE:
            assert_accessible(page, f"{path} at {viewport['width']} px")


def test_the_menu_button_opens_the_guides_menu_at_phone_width(page: Page, portal, console_errors) -> None:
    page.set_viewport_size(PHONE)
    log_in_to_dashboard(page, portal)
    menu = page.get_by_role("button", name="Menu", exact=True)
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="VIEW CART")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Side menu")).to_be_hidden()  # it lives in the drawer here

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="HOME")).to_be_focused()
    for name in ["DASHBOARD", "VIEW/EDIT PROFILE", "VIEW CART", "Search Permit", "Pay Fees", "Schedule",
                 "Scheduled", "Pay All Fees", "Paid Items"]:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name="LOG OUT")).to_be_visible()
    expect(nav).to_contain_text("LOGGED IN AS: RICH CONTRACTOR")
    assert_accessible(page, "the open menu at 390 px")
    # The page behind the drawer is out of reach while it is open.
    assert page.evaluate("document.querySelector('main').closest('[inert]') !== null")

    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(nav.get_by_role("link", name="VIEW CART")).to_be_hidden()
    assert page.evaluate("document.querySelector('main').closest('[inert]') === null")

    menu.click()
    page.get_by_role("button", name="Close the menu").click()
    expect(menu).to_have_attribute("aria-expanded", "false")

    menu.click()
    nav.get_by_role("link", name="Scheduled", exact=True).click()
    expect(page).to_have_url(re.compile(r"/inspections\.html$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_at_desktop_width_the_bar_and_side_menu_show_without_a_menu_button(page: Page, portal, console_errors) -> None:
    page.set_viewport_size(DESKTOP)
    log_in_to_dashboard(page, portal)
    expect(page.get_by_role("button", name="Menu", exact=True)).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="VIEW CART")).to_be_visible()
    side = page.get_by_role("navigation", name="Side menu")
    expect(side.get_by_role("link", name="Paid Items")).to_be_visible()
    # First in reading order, and on the left.
    assert page.evaluate("""() => {
      const side = document.querySelector('nav[aria-label="Side menu"]');
      const main = document.querySelector('main');
      return Boolean(side.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert side.bounding_box()["x"] < page.locator("main").bounding_box()["x"]
    # Tabbing from the side menu's last link goes into the content (its first link: the tables' data in).
    expect(page.get_by_role("link", name="RES16-0304", exact=True)).to_be_visible()
    # The last link is the Company section's (issue 13), after the guide's Shopping Cart.
    side.get_by_role("link", name="Company activity").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)"), page.evaluate(
        "document.activeElement.outerHTML.slice(0, 200)")


def test_back_from_the_payment_portal_focus_is_on_the_outcome(page: Page, portal, console_errors,
                                                              some_payment: str) -> None:
    log_in_to_dashboard(page, portal)
    page.goto(f"{portal.web}/payment-return.html?payment_id={some_payment}")
    heading = page.get_by_role("heading", level=1)
    expect(heading).not_to_have_text("Payment result")
    expect(heading).to_be_focused()
