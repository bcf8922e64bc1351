"""Request an inspection on an ACTIVE permit, see it, cancel it; refused requests say why."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    assert_accessible,
    business_days_ahead,
    choose,
    log_in_to_dashboard,
    next_saturday,
)

pytestmark = pytest.mark.browser


def first_type(page: Page) -> str:
    select = page.get_by_label("Inspection type")
    options = select.locator("option:not([value=''])")
    expect(options.first).to_be_attached()
    return options.first.get_attribute("value")


def test_request_an_inspection_then_cancel_it(page: Page, portal, console_errors) -> None:
    log_in_to_dashboard(page, portal)
    page.get_by_role("link", name="Request an inspection for RES16-0304").click()
    expect(page).to_have_url(re.compile(r"/permit\.html\?permit_no=RES16-0304#request-inspection$"))
    expect(page.get_by_role("heading", name="Request an inspection")).to_be_visible()
    assert_accessible(page, "permit with request form")

    kind = first_type(page)
    when = business_days_ahead(date.today(), 7)
    page.get_by_label("Inspection type").select_option(kind)
    page.get_by_label("Inspection date").fill(when.isoformat())
    choose(page, "AM")
    page.get_by_label("Notes for the inspector (optional)").fill("Gate code 1234")
    page.get_by_role("button", name="REQUEST INSPECTION").click()

    county_date = f"{when.month}/{when.day}/{when.year}"
    expect(page.get_by_text(f"Your {kind} inspection is requested for {county_date}")).to_be_visible()
    row = page.locator("#inspections-table tbody tr").filter(has_text=county_date).filter(has_text="SCHEDULED")
    expect(row).to_have_count(1)

    # It is listed under Scheduled inspections, and is cancelled from there.
    page.get_by_role("navigation", name="Side menu").get_by_role("link", name="Scheduled").click()
    expect(page).to_have_url(re.compile(r"/inspections\.html$"))
    scheduled = page.locator("#scheduled-table tbody tr").filter(has_text="RES16-0304").filter(has_text=county_date)
    expect(scheduled).to_have_count(1)
    assert_accessible(page, "scheduled inspections")
    scheduled.get_by_role("button", name=re.compile("^Cancel the")).click()
    page.get_by_role("dialog", name="Cancel this inspection?").get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_text(f"The {kind} inspection of {county_date} is cancelled.")).to_be_visible()
    expect(
        page.locator("#scheduled-table tbody tr").filter(has_text="RES16-0304").filter(has_text=county_date)
    ).to_have_count(0)

    page.goto(f"{portal.web}/permit.html?permit_no=RES16-0304")
    row = page.locator("#inspections-table tbody tr").filter(has_text=county_date)
    expect(row.first).to_contain_text("CANCELLED")


def test_a_refused_inspection_request_shows_why(page: Page, portal, console_errors) -> None:
    log_in_to_dashboard(page, portal)

    # A weekend date: the API's reason appears beside the date field.
    page.goto(f"{portal.web}/permit.html?permit_no=RES16-0308")
    kind = first_type(page)
    page.get_by_label("Inspection type").select_option(kind)
    page.get_by_label("Inspection date").fill(next_saturday(date.today()).isoformat())
    page.get_by_role("button", name="REQUEST INSPECTION").click()
    date_group = page.locator(".usa-form-group").filter(has=page.get_by_label("Inspection date"))
    expect(date_group.locator(".usa-error-message")).to_be_visible()
    expect(page.get_by_label("Inspection date")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "permit with a refused request")

    # A permit that is not issued and has fees due: no form, and the API's reasons instead, every one of them
    # (chalicelib/domain/permits.py inspection_request_eligibility, the same the request's 409 gives).
    page.goto(f"{portal.web}/permit.html?permit_no=RES17-0156")
    expect(page.get_by_role("heading", name="Permit RES17-0156")).to_be_visible()
    expect(page.get_by_role("button", name="REQUEST INSPECTION")).to_have_count(0)
    reason = page.locator("#request-note")
    expect(reason).to_contain_text("An inspection cannot be requested on RES17-0156.")
    expect(reason).to_contain_text("The permit has not been issued: its status is PENDING APPROVAL")
    expect(reason).to_contain_text("Fees of $1,567.25 are due on this permit; pay them before requesting an "
                                   "inspection.")
