"""View/Edit Profile: a bad ZIP is refused beside the field, a good one is saved."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, field, log_in_to_dashboard

pytestmark = pytest.mark.browser


def test_profile_bad_zip_then_good_zip(page: Page, portal, console_errors) -> None:
    log_in_to_dashboard(page, portal)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="VIEW/EDIT PROFILE").click()
    expect(page).to_have_url(re.compile(r"/profile\.html$"))
    expect(page.locator("#company_name")).to_have_text("RICH CONTRACTOR")
    expect(page.locator("#license_no")).to_have_text("AEC0119")
    expect(field(page, "Email")).to_have_value(re.compile("CONTRACTOR@ONLINE.COM", re.I))
    # Company name and license are shown, not editable.
    expect(page.locator("input#company_name, input[name=company_name], input[name=license_no]")).to_have_count(0)
    assert_accessible(page, "profile")

    field(page, "Address").fill("1968 E DODD RD")
    field(page, "City").fill("COEUR D'ALENE")
    field(page, "State").fill("ID")
    field(page, "Phone").fill("208-555-0100")
    field(page, "Zip").fill("ABCDE")
    page.get_by_role("button", name="SAVE").click()

    zip_field = field(page, "Zip")
    expect(zip_field).to_have_attribute("aria-invalid", "true")
    zip_group = page.locator(".usa-form-group").filter(has=zip_field)
    expect(zip_group).to_have_class(re.compile("usa-form-group--error"))
    expect(zip_group.locator(".usa-error-message")).to_be_visible()
    expect(zip_field).to_be_focused()
    assert_accessible(page, "profile with an error")

    zip_field.fill("83815")
    page.get_by_role("button", name="SAVE").click()
    expect(page.get_by_text("Saved: your profile is updated.")).to_be_visible()
    expect(zip_field).not_to_have_attribute("aria-invalid", "true")

    page.reload()
    expect(field(page, "Zip")).to_have_value("83815")
    expect(field(page, "Address")).to_have_value("1968 E DODD RD")


def test_changing_the_email_asks_for_the_password(page: Page, portal, console_errors) -> None:
    log_in_to_dashboard(page, portal)
    page.goto(f"{portal.web}/profile.html")
    email = field(page, "Email")
    expect(email).to_have_value(re.compile("CONTRACTOR@ONLINE.COM", re.I))
    confirm = page.get_by_label("Password to confirm the new e-mail")
    expect(confirm).to_be_hidden()  # nothing to confirm while the address is the one on file

    email.fill("office@rich.example.com")
    expect(confirm).to_be_visible()
    page.get_by_role("button", name="SAVE").click()
    expect(confirm).to_have_attribute("aria-invalid", "true")
    expect(confirm).to_be_focused()
    assert_accessible(page, "profile, e-mail change without the password")

    confirm.fill(portal.password)
    page.get_by_role("button", name="SAVE").click()
    expect(page.get_by_text("Saved: your profile is updated.")).to_be_visible()
    expect(confirm).to_be_hidden()

    email.fill("CONTRACTOR@ONLINE.COM")  # put it back for the journeys after this one
    page.get_by_label("Password to confirm the new e-mail").fill(portal.password)
    page.get_by_role("button", name="SAVE").click()
    expect(page.get_by_text("Saved: your profile is updated.")).to_be_visible()
