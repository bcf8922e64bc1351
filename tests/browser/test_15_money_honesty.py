"""Honest about money: a payment in progress is shown as such (dashboard, permit, cart) in the
county's clock; a declined payment offers no receipt; an approved one has a receipt in the county's
terms (Amount paid, the county's name, the contractor's licence, the short receipt number) that
prints on one page.

Each journey pays a contractor of its own (portal.new_contractor), so RICH CONTRACTOR's guide
figures stay as the other journeys expect them.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def log_in_as(page: Page, portal, contractor) -> None:
    log_in(page, portal.web, contractor.password, company=contractor.company)
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
    expect(page.get_by_text(f"Hello {contractor.company}.")).to_be_visible()


def contractor_token(portal, contractor) -> str:
    body = {"contractor_id": contractor.contractor_id, "password": contractor.password}
    return portal.call("POST", "/auth/login", body)["token"]


def start_checkout(portal, contractor, token: str) -> dict:
    """The contractor's permit in the cart, checked out: a PENDING payment holding its fees."""
    portal.call("POST", "/cart/items", {"permit_no": contractor.permit_no}, token=token)
    return portal.call("POST", "/checkout", {"payment_method": "credit_card"}, token=token)


def county_clock(instant: str, zone: str) -> str:
    """What the page must say: the instant on the county's clock, 12-hour ("3:42 PM")."""
    local = datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
    return f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


def test_a_pending_payment_is_shown_then_a_declined_one_offers_no_receipt(page: Page, portal, console_errors) -> None:
    contractor = portal.new_contractor(fees="65.00")
    token = contractor_token(portal, contractor)
    payment = start_checkout(portal, contractor, token)
    zone = portal.call("GET", "/meta/rules")["county"]["time_zone"]
    note = f"Payment in progress — until {county_clock(payment['expires_at'], zone)}"
    payment_page = re.compile(rf"payment-return\.html\?payment_id={payment['payment_id']}$")

    # The dashboard: FEES DUE is not a bare $0.00 but says a payment holds the fees, linked to it.
    log_in_as(page, portal, contractor)
    row = page.locator("#active-permits-table tbody tr").filter(
        has=page.get_by_role("link", name=contractor.permit_no, exact=True))
    fees_cell = row.locator("td").last
    expect(fees_cell).to_contain_text(note)
    link = fees_cell.get_by_role("link", name=re.compile(rf"^{re.escape(note)}"))
    expect(link).to_have_attribute("href", payment_page)
    assert_accessible(page, "dashboard with a payment in progress")
    # On a phone the note wraps inside its card: nothing of it is cut off.
    page.set_viewport_size(PHONE)
    expect(fees_cell).to_contain_text(note)
    assert fees_cell.evaluate("cell => cell.scrollWidth <= cell.clientWidth + 1"), "FEES DUE is cut off at 390 px"
    assert_accessible(page, "dashboard with a payment in progress at 390 px")
    page.set_viewport_size(DESKTOP)

    # The permit page says the same beside Fees due.
    page.get_by_role("link", name=contractor.permit_no, exact=True).click()
    expect(page.get_by_role("heading", name=f"Permit {contractor.permit_no}")).to_be_visible()
    expect(page.locator("#permit-summary")).to_contain_text(note)
    summary_link = page.locator("#permit-summary").get_by_role("link", name=re.compile(rf"^{re.escape(note)}"))
    expect(summary_link).to_have_attribute("href", payment_page)

    # The cart: empty (checkout took the fees out), with the payment in progress and its link.
    page.goto(f"{portal.web}/cart.html")
    pending = page.get_by_role("region", name="Payments in progress")
    expect(pending).to_contain_text(note)
    expect(pending).to_contain_text(contractor.permit_no)
    expect(pending).to_contain_text(f"${payment['total_due']}")  # $65.00 and the card fee
    expect(pending.get_by_role("link", name=re.compile(rf"^{re.escape(note)}"))).to_have_attribute("href", payment_page)
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()
    expect(page.get_by_role("link", name="CHECKOUT")).to_have_count(0)  # nothing in the cart to pay
    assert_accessible(page, "cart with a payment in progress")

    # Declined: the hold ends, nothing was paid, and nothing anywhere offers a receipt for it.
    portal.call("POST", f"/sandbox/payments/{payment['payment_id']}", {"outcome": "declined"}, token=token)
    page.goto(f"{portal.web}/cart.html")
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()
    expect(page.get_by_text("Payment in progress")).to_have_count(0)
    page.goto(f"{portal.web}/dashboard.html")
    expect(fees_cell).to_have_text("$65.00")

    page.goto(f"{portal.web}/paid-items.html")
    row = page.locator("#payments-table tbody tr").filter(has_text=contractor.permit_no)
    expect(row).to_contain_text("DECLINED")
    expect(row.get_by_role("link", name=re.compile(r"^Details"))).to_be_visible()
    expect(row.get_by_role("link", name=re.compile(r"^Receipt"))).to_have_count(0)
    assert_accessible(page, "paid items with a declined payment")

    page.goto(f"{portal.web}/payment-return.html?payment_id={payment['payment_id']}")
    expect(page.locator("#payment-status")).to_have_text("DECLINED")
    expect(page.get_by_role("link", name="PRINTABLE RECEIPT")).to_have_count(0)
    expect(page.get_by_role("button", name="TRY AGAIN")).to_be_visible()

    page.goto(f"{portal.web}/receipt.html?payment_id={payment['payment_id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment record: declined")
    expect(page.get_by_role("button", name="PRINT RECORD")).to_be_visible()
    expect(page.locator("#payment")).to_contain_text("Total Due:")
    expect(page.locator("#payment")).not_to_contain_text("Amount paid")
    assert_accessible(page, "record of a declined payment")


def test_an_approved_payment_has_a_receipt_in_the_countys_terms(page: Page, portal, console_errors,
                                                               screenshots_dir) -> None:
    contractor = portal.new_contractor(fees="65.00")
    token = contractor_token(portal, contractor)
    payment = start_checkout(portal, contractor, token)
    portal.call("POST", f"/sandbox/payments/{payment['payment_id']}", {"outcome": "approved"}, token=token)
    paid = portal.call("GET", f"/payments/{payment['payment_id']}", token=token)
    assert paid["receipt_available"] is True
    county = portal.call("GET", "/meta/rules")["county"]
    license_no = portal.call("GET", "/profile", token=token)["license_no"]
    zone_name = datetime.fromisoformat(paid["paid_at"].replace("Z", "+00:00")).astimezone(
        ZoneInfo(county["time_zone"])).strftime("%Z")

    log_in_as(page, portal, contractor)
    page.goto(f"{portal.web}/payment-return.html?payment_id={payment['payment_id']}")
    expect(page.get_by_role("link", name="PRINTABLE RECEIPT")).to_be_visible()

    page.goto(f"{portal.web}/paid-items.html")
    row = page.locator("#payments-table tbody tr").filter(has_text=contractor.permit_no)
    expect(row.get_by_role("link", name=re.compile(r"^Details"))).to_have_count(0)
    row.get_by_role("link", name=re.compile(r"^Receipt")).click()

    expect(page).to_have_url(re.compile(r"/receipt\.html\?payment_id="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Receipt")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Amount paid:")
    expect(main).not_to_contain_text("Total Due")
    expect(page.locator("#payment-total-due")).to_have_text(f"${paid['total_due']}")
    expect(main).to_contain_text(county["name"])
    for line in county["address"]:
        expect(main).to_contain_text(line)
    expect(main).to_contain_text(contractor.company)
    expect(page.locator("#receipt-license")).to_have_text(license_no)
    expect(page.locator("#payment-receipt-no")).to_have_text(paid["receipt_no"])
    expect(main).not_to_contain_text(payment["payment_id"])  # the short number, not the 32-digit id
    # Times on the county's clock with its zone's name: "12/3/2026 3:42 PM PST".
    expect(main).to_contain_text(re.compile(rf"\d{{1,2}}/\d{{1,2}}/\d{{4}} \d{{1,2}}:\d{{2}} [AP]M {zone_name}"))
    expect(page.get_by_role("button", name="PRINT RECEIPT")).to_be_visible()
    assert_accessible(page, "receipt")

    # On paper: no header, menu, footer or buttons, and the whole receipt on one page.
    page.emulate_media(media="print")
    expect(page.locator(".portal-header")).to_be_hidden()
    expect(page.get_by_role("button", name="PRINT RECEIPT")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Side menu")).to_be_hidden()
    expect(page.get_by_text(county["name"])).to_be_visible()
    page.screenshot(path=str(screenshots_dir / "receipt-print.png"), full_page=True)
    pdf = page.pdf(format="Letter", print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the printed receipt takes {pages} pages"
    page.emulate_media(media="screen")


COUNTY_TIMES = [
    # (instant, zone, countyClock, countyTimestamp): the county's clock, whatever the browser's zone.
    ("2026-12-03T23:42:00Z", "America/Los_Angeles", "3:42 PM", "12/3/2026 3:42 PM PST"),
    ("2026-07-04T19:05:00Z", "America/Los_Angeles", "12:05 PM", "7/4/2026 12:05 PM PDT"),
    ("2026-12-04T07:30:00Z", "America/Boise", "12:30 AM", "12/4/2026 12:30 AM MST"),
    ("2026-12-04T06:30:00Z", "America/Boise", "11:30 PM", "12/3/2026 11:30 PM MST"),
]


def test_times_are_shown_on_the_countys_clock_not_the_browsers(page: Page, portal) -> None:
    page.goto(portal.web + "/index.html")
    result = page.evaluate(
        """async (cases) => {
             const f = await import('/js/format.js');
             return cases.map(([at, zone]) => [f.countyClock(at, zone), f.countyTimestamp(at, zone),
                                               f.paymentInProgress(at, zone)]);
           }""",
        [[at, zone] for at, zone, _, _ in COUNTY_TIMES],
    )
    assert result == [[clock, stamp, f"Payment in progress — until {clock}"] for _, _, clock, stamp in COUNTY_TIMES]
