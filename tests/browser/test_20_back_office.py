"""The back office (web/staff/): staff sign in with their own account and see the menu of their role."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import STAFF, ApiError
from tests.browser.helpers import assert_accessible

pytestmark = pytest.mark.browser


def staff_sign_in(page: Page, portal, username: str, password: str) -> None:
    page.goto(portal.web + "/staff/index.html")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def staff_sign_out(page: Page) -> None:
    """Sign out, and wait for the sign-out's own navigation to the signed-out page, so the test's next
    `goto` cannot race it (the later navigation would land on the sign-in page instead)."""
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/staff/index\.html\?reason=logout$"))


def test_a_supervisor_signs_in_and_sees_every_part_of_the_back_office(page: Page, portal, console_errors) -> None:
    page.goto(portal.web + "/staff/index.html")
    assert_accessible(page, "staff sign-in")
    staff_sign_in(page, portal, STAFF[0], "not the password")
    expect(page.get_by_text(re.compile("The user name or password is not correct"))).to_be_visible()
    staff_sign_in(page, portal, *STAFF)
    expect(page).to_have_url(re.compile(r"/staff/dashboard\.html$"))
    menu = page.get_by_role("navigation", name="Main")
    for entry in ("Today", "Contractors", "Permits", "Inspections", "Payments", "Staff accounts", "Audit trail"):
        expect(menu.get_by_role("link", name=entry, exact=True)).to_be_attached()
    assert_accessible(page, "staff dashboard")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def back_office_pages() -> list[str]:
    from tests.browser.helpers import ROOT

    return sorted(p.name for p in (ROOT / "web" / "staff").glob("*.html"))


# Pages that show one record, and how the walk gets one to show.
RECORD_PAGES = {"permit.html": "permit_no", "contractor.html": "contractor_id", "payment.html": "payment_id"}


@pytest.mark.parametrize("width", [1280, 390])
def test_every_back_office_page_passes_axe_for_a_supervisor(page: Page, portal, console_errors, width: int) -> None:
    """Every page in web/staff/ (found on disk, so a new page is walked too), desktop and phone width."""
    made = portal.new_contractor()
    records = {"permit_no": made.permit_no, "contractor_id": made.contractor_id}
    try:
        payments = portal.call("GET", "/staff/payments?limit=1", token=portal.staff_token())
    except ApiError:
        payments = {}
    if payments.get("items"):
        records["payment_id"] = payments["items"][0]["payment_id"]
    page.set_viewport_size({"width": width, "height": 900})
    staff_sign_in(page, portal, *STAFF)
    expect(page).to_have_url(re.compile(r"/staff/dashboard\.html$"))
    for name in back_office_pages():
        if name in ("index.html", "accept.html"):
            continue  # the signed-out pages: checked below
        query = ""
        if name in RECORD_PAGES:
            key = RECORD_PAGES[name]
            if key not in records:
                continue
            query = f"?{key}={records[key]}"
        page.goto(f"{portal.web}/staff/{name}{query}")
        expect(page.locator("h1")).to_be_visible()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_text("Loading…")).to_have_count(0)
        assert_accessible(page, f"back office {name}{query} at {width}px")
    if width < 1024:
        page.get_by_role("button", name="Menu").click()
    staff_sign_out(page)
    for name in ("index.html", "accept.html"):
        if name in back_office_pages():
            page.goto(f"{portal.web}/staff/{name}")
            assert_accessible(page, f"back office {name} at {width}px")
