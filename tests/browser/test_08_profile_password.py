"""View/Edit Profile: Change Password and Security Question, then log in with the new password."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import field, log_in, log_in_to_dashboard

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Profile2go8"


def test_change_password_and_security_question_from_the_profile(page: Page, portal, console_errors) -> None:
    log_in_to_dashboard(page, portal)
    current = portal.password
    page.goto(portal.web + "/profile.html")
    expect(page.locator("#company_name")).to_have_text("RICH CONTRACTOR")

    form = page.locator("#profile-form")
    pw = form.locator("fieldset").filter(has_text="Change Password")
    pw.get_by_label("Current Password").fill(current)
    pw.get_by_label("Password", exact=True).fill("short")
    expect(page.locator('[data-rule="min"]')).to_have_attribute("data-met", "false")
    pw.get_by_label("Confirm Password").fill("short")
    page.get_by_role("button", name="SAVE").click()
    # The API names each broken rule beside the password field.
    expect(pw.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")

    pw.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    pw.get_by_label("Confirm Password").fill(NEW_PASSWORD)
    sq = form.locator("fieldset").filter(has_text="Security Question")
    sq.get_by_label("Current Password").fill(NEW_PASSWORD)
    sq.get_by_label("Enter Current Secret Answer").fill(portal.secret_answer)
    sq.get_by_label("Enter New Security Question").fill("FIRST DOG")
    sq.get_by_label("Enter Secret Answer").fill("Rex")
    sq.get_by_label("Re-enter New Secret Answer").fill("Rex")
    page.get_by_role("button", name="SAVE").click()
    expect(page.get_by_text(re.compile(r"Saved: your profile, password, security question"))).to_be_visible()
    portal.password = NEW_PASSWORD
    portal.secret_answer = "Rex"
    portal.secret_question = "FIRST DOG"
    expect(page.locator("#current_question")).to_have_text("FIRST DOG")

    page.get_by_role("button", name="LOG OUT").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    log_in(page, portal.web, current)
    expect(page.get_by_text("The business name or password is not correct.").first).to_be_visible()
    log_in(page, portal.web, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
    expect(field(page, "Password or PIN")).to_have_count(0)
