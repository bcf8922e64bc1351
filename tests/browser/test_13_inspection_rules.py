"""The site follows the inspection rules it reads from the API (issue 11).

The request form appears only where the API says a request is possible now (elsewhere its reason);
the date picker's bounds are GET /meta/rules' dates; cancelling asks first, in the page; Scheduled
names each inspection's address and time window.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, choose, log_in_to_dashboard

pytestmark = pytest.mark.browser

ALLOWED = "RES16-0314"  # ACTIVE, nothing due, 8050 W SPRUCE ST; no other journey books on it
ADDRESS = "8050 W SPRUCE ST"
WIDTHS = pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}],
                                 ids=["390", "1280"])


@WIDTHS
def test_a_permit_that_cannot_have_a_request_shows_why_instead_of_the_form(page: Page, portal, console_errors,
                                                                             viewport: dict) -> None:
    page.set_viewport_size(viewport)
    log_in_to_dashboard(page, portal)
    page.goto(f"{portal.web}/permit.html?permit_no=RES16-0688")
    expect(page.get_by_role("heading", name="Permit RES16-0688")).to_be_visible()
    reason = page.locator("#request-note")
    # The API's own reason: what its 409 would say (READY TO ISSUE is not issued; fees may be paid by now).
    expect(reason).to_contain_text("An inspection cannot be requested on RES16-0688.")
    expect(reason).to_contain_text("its status is READY TO ISSUE")
    shown = portal.call("GET", "/permits/RES16-0688", token=portal.token())["inspection_request_detail"]
    expect(reason).to_have_text(shown["reason"])
    expect(page.get_by_role("button", name="REQUEST INSPECTION")).to_have_count(0)
    expect(page.get_by_label("Inspection date")).to_be_hidden()  # the form is hidden: out of the accessibility tree
    assert_accessible(page, "permit without a request form")

    # A permit that does not exist (or is not ours): no form either.
    page.goto(f"{portal.web}/permit.html?permit_no=RES99-9999")
    expect(page.get_by_text("Permit RES99-9999 was not found among your permits.")).to_be_visible()
    expect(page.get_by_role("button", name="REQUEST INSPECTION")).to_have_count(0)
    assert_accessible(page, "unknown permit")

    # Schedule lists it with the reason, not a Request link.
    page.goto(f"{portal.web}/schedule.html")
    row = page.locator("#schedule-table tbody tr").filter(has_text="RES16-0688")
    expect(row).to_contain_text("its status is READY TO ISSUE")
    expect(row.get_by_role("link", name="Request an inspection for RES16-0688")).to_have_count(0)
    expect(page.get_by_role("link", name=f"Request an inspection for {ALLOWED}")).to_be_visible()
    assert_accessible(page, "schedule with reasons")


@WIDTHS
def test_the_date_picker_offers_the_rules_dates(page: Page, portal, console_errors, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    rules = portal.call("GET", "/meta/rules")["inspections"]
    log_in_to_dashboard(page, portal)
    page.goto(f"{portal.web}/permit.html?permit_no={ALLOWED}")
    when = page.get_by_label("Inspection date")
    expect(when).to_be_visible()
    expect(when).to_have_attribute("min", rules["earliest_date"])
    expect(when).to_have_attribute("max", rules["latest_date"])
    # The cut-off is written as the server writes it (3:00 PM), never 15:00.
    hour, minute = (int(x) for x in rules["request_cutoff"].split(":"))
    cutoff = f"{hour % 12 or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
    expect(when).to_have_accessible_description(re.compile(rf"Requests after {re.escape(cutoff)} cannot"))
    assert_accessible(page, "permit with the request form")


def test_cancelling_asks_first_and_scheduled_shows_where_and_when(page: Page, portal, console_errors) -> None:
    rules = portal.call("GET", "/meta/rules")["inspections"]
    day = rules["request_dates"][min(2, len(rules["request_dates"]) - 1)]
    y, m, d = (int(x) for x in day.split("-"))
    county_date = f"{m}/{d}/{y}"
    log_in_to_dashboard(page, portal)
    page.goto(f"{portal.web}/permit.html?permit_no={ALLOWED}")
    kinds = page.get_by_label("Inspection type").locator("option:not([value=''])")
    expect(kinds.first).to_be_attached()
    kind = kinds.first.get_attribute("value")
    page.get_by_label("Inspection type").select_option(kind)
    page.get_by_label("Inspection date").fill(day)
    choose(page, "PM")
    page.get_by_role("button", name="REQUEST INSPECTION").click()
    expect(page.get_by_text(f"Your {kind} inspection is requested for {county_date} (Afternoon (PM))")).to_be_visible()

    page.goto(f"{portal.web}/inspections.html")
    row = page.locator("#scheduled-table tbody tr").filter(has_text=ALLOWED).filter(has_text=county_date)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(ADDRESS)
    expect(row).to_contain_text("Afternoon (PM)")
    assert_accessible(page, "scheduled inspections with addresses")

    # No keeps it: nothing is sent, the row stays, focus is back on the Cancel button.
    cancel = row.get_by_role("button", name=re.compile("^Cancel the"))
    cancel.click()
    dialog = page.get_by_role("dialog", name="Cancel this inspection?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"{kind} inspection of {county_date}")
    assert_accessible(page, "cancel confirmation")
    dialog.get_by_role("button", name="No, keep it").click()
    expect(dialog).to_have_count(0)
    expect(cancel).to_be_focused()
    expect(row).to_contain_text("SCHEDULED")
    scheduled = portal.call("GET", "/inspections/scheduled", token=portal.token())["items"]
    assert any(i["permit_no"] == ALLOWED and i["date"] == day for i in scheduled)

    # Escape is No as well.
    cancel.click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(row).to_have_count(1)

    # Yes cancels.
    cancel.click()
    dialog.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_text(f"The {kind} inspection of {county_date} is cancelled.")).to_be_visible()
    expect(page.locator("#scheduled-table tbody tr").filter(has_text=ALLOWED).filter(has_text=county_date)) \
        .to_have_count(0)
