"""PIN login -> first-login set-up -> the guide's dashboard.

Order-independent: staff issue a fresh PIN first, so the journey works whatever ran before it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    PASSWORD,
    SECRET_ANSWER,
    SECRET_QUESTION,
    assert_accessible,
    business_field,
    field,
    log_in,
    money_cell,
)

pytestmark = pytest.mark.browser

ACTIVE = [
    ("RES16-0304", "ACTIVE", "$0.00"),
    ("RES16-0308", "ACTIVE", "$0.00"),
    ("RES16-0314", "ACTIVE", "$0.00"),
    ("RES16-0686", "ACTIVE", "$0.00"),
    ("RES16-0688", "READY TO ISSUE", "$1,023.98"),
    ("RES17-0150", "IN REVIEW", "$572.43"),
    ("RES17-0156", "PENDING APPROVAL", "$1,567.25"),
    ("RES17-0163", "SUBMITTED", "$35.00"),
    ("RES17-0167", "SUBMITTED", "$82.00"),
    ("WEB17-0002", "SUBMITTED", "$0.00"),
]
EXPIRED = ["RES16-0310", "RES16-0689", "RES16-0690"]


def test_pin_login_then_setup_then_the_guides_dashboard(page: Page, portal, console_errors, screenshots_dir) -> None:
    # Staff issue a fresh PIN (through the API), as for a contractor who lost theirs: sessions end
    # and set-up must be done again, whatever other journeys did before this one.
    portal.issue_new_pin()
    page.goto(portal.web + "/")
    expect(page.get_by_role("heading", name="Contractor Login")).to_be_visible()
    expect(business_field(page)).to_be_visible()  # the list has loaded
    assert_accessible(page, "login")

    log_in(page, portal.web, portal.pin)
    expect(page).to_have_url(re.compile(r"/setup\.html$"))
    expect(page.get_by_text("Minimum of 6 characters")).to_be_visible()
    assert_accessible(page, "setup")

    field(page, "Security Question").fill(SECRET_QUESTION)
    field(page, "Secret Answer").fill(SECRET_ANSWER)
    field(page, "Re-enter Secret Answer").fill(SECRET_ANSWER)
    password = field(page, "Password")
    password.fill("abc")
    # The rules are checked as the user types.
    expect(page.locator('[data-rule="min"]')).to_have_attribute("data-met", "false")
    expect(page.locator('[data-rule="mix"]')).to_have_attribute("data-met", "false")
    password.fill(PASSWORD)
    expect(page.locator('[data-rule="min"]')).to_have_attribute("data-met", "true")
    expect(page.locator('[data-rule="mix"]')).to_have_attribute("data-met", "true")
    field(page, "Confirm Password").fill(PASSWORD)
    expect(page.locator('[data-rule="match"]')).to_have_attribute("data-met", "true")
    page.get_by_role("button", name="CONTINUE").click()

    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
    portal.password = PASSWORD
    portal.secret_question = SECRET_QUESTION
    portal.secret_answer = SECRET_ANSWER
    expect(page.get_by_text("Hello RICH CONTRACTOR.")).to_be_visible()
    expect(page.locator("#logged-in-as")).to_have_text("RICH CONTRACTOR")
    for name in ["HOME", "DASHBOARD", "VIEW/EDIT PROFILE", "VIEW CART"]:
        expect(page.get_by_role("navigation", name="Main").get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_role("button", name="LOG OUT")).to_be_visible()

    expect(page.locator("#active-permits-count")).to_have_text("10 total record(s)")
    expect(page.locator("#active-inspections-count")).to_have_text("1 total record(s)")
    expect(page.locator("#expired-permits-count")).to_have_text("3 total record(s)")
    rows = page.locator("#active-permits-table tbody tr")
    expect(rows).to_have_count(10)
    for i, (permit_no, status, fees) in enumerate(ACTIVE):
        row = rows.nth(i)
        expect(row.locator("th")).to_have_text(permit_no)
        expect(row).to_contain_text(status)
        # A journey that ran earlier may have paid a permit's fees (e.g. RES16-0688 in test_02).
        expect(money_cell(page, permit_no)).to_have_text("$0.00" if permit_no in portal.paid else fees)
    for permit_no in ["RES16-0304", "RES16-0308", "RES16-0314", "RES16-0686"]:
        expect(page.get_by_role("link", name=f"Request an inspection for {permit_no}")).to_be_visible()
    expect(page.get_by_role("link", name="Request an inspection for RES16-0688")).to_have_count(0)

    inspections = page.locator("#active-inspections-table tbody tr")
    expect(inspections).to_have_count(1)
    expect(inspections.first).to_contain_text("RES17-0150")
    expect(inspections.first).to_contain_text("ADDRESSING")
    expect(inspections.first).to_contain_text("IN REVIEW")
    expect(inspections.first.locator("td").last).to_have_text(re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"))

    expired = page.locator("#expired-permits-table tbody tr")
    expect(expired).to_have_count(3)
    for i, permit_no in enumerate(EXPIRED):
        expect(expired.nth(i).locator("th")).to_have_text(permit_no)
    assert_accessible(page, "dashboard")
    page.screenshot(path=str(screenshots_dir / "dashboard.png"), full_page=True)

    # A single click on a permit number opens the permit.
    page.get_by_role("link", name="RES16-0688", exact=True).click()
    expect(page).to_have_url(re.compile(r"/permit\.html\?permit_no=RES16-0688$"))
    expect(page.get_by_role("heading", name="Permit RES16-0688")).to_be_visible()
    expect(page.locator("#fees")).to_contain_text("BUILDING PERMIT FEE")
    expect(page.locator("#fees")).to_contain_text("$650.75")
    assert_accessible(page, "permit")

    page.get_by_role("button", name="LOG OUT").click()
    expect(page).to_have_url(re.compile(r"/index\.html\?reason=logout$"))
    expect(page.get_by_text("You have logged out.")).to_be_visible()

    # The PIN no longer works.
    log_in(page, portal.web, portal.pin)
    expect(page.get_by_text("The business name or password is not correct.").first).to_be_visible()


def test_a_revoked_session_sends_the_user_back_to_log_in_with_a_message(page: Page, portal, console_errors) -> None:
    log_in(page, portal.web, portal.ensure_setup())
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
    expect(page.get_by_text("Hello RICH CONTRACTOR.")).to_be_visible()
    page.wait_for_load_state("networkidle")  # no request of the page is still on its way with the good token
    page.evaluate(
        """() => { const s = JSON.parse(sessionStorage.getItem('portal.session'));
                   s.token = 'not-a-valid-token'; sessionStorage.setItem('portal.session', JSON.stringify(s)); }"""
    )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="VIEW/EDIT PROFILE").click()
    expect(page).to_have_url(re.compile(r"/index\.html\?reason=expired"))
    expect(page.get_by_text("Your session has ended. Please log in again.")).to_be_visible()
