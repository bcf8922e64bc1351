"""Issue 11: honest password feedback and one error per failure.

Each test uses a business of its own, so the lock-out counts and passwords of RICH CONTRACTOR
(the guide's journeys) are not touched.
"""

from __future__ import annotations

import itertools
import os
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import PASSWORD, assert_accessible, field, log_in

pytestmark = pytest.mark.browser

_SEQ = itertools.count(1)
COMMON = "Password1"  # letters and a number, long enough: only the common-password list refuses it


def new_business(portal) -> tuple[str, str]:
    """A business registered by staff, still on its PIN; returns (company name, PIN)."""
    n = f"{os.getpid() % 10000:04d}{next(_SEQ):02d}"
    company = f"HONEST FEEDBACK {n}"
    created = portal.call("POST", "/staff/contractors",
                          {"company_name": company, "license_no": f"HF{n}", "email": f"hf{n}@example.com"},
                          token=portal.staff_token())
    return company, created["pin"]


def rule(page: Page, text: str):
    return page.locator("#password-rules li").filter(has_text=text)


def expect_neutral(page: Page) -> None:
    """No rule is judged: no ✓ or ✗, no "(met)" or "(not met)"."""
    items = page.locator("#password-rules li")
    expect(items.first).to_be_visible()
    expect(page.locator("#password-rules li[data-met]")).to_have_count(0)
    expect(page.locator("#password-rules")).not_to_contain_text("met)")
    expect(page.locator("#password-rules")).not_to_contain_text("✗")
    expect(page.locator("#password-rules")).not_to_contain_text("✓")


def test_setup_rules_start_neutral_and_a_common_password_is_refused_before_submit(
        page: Page, portal, console_errors) -> None:
    company, pin = new_business(portal)
    setups: list[str] = []
    page.on("request", lambda r: setups.append(r.url) if r.url.endswith("/api/auth/setup") else None)
    log_in(page, portal.web, pin, company=company)
    expect(page).to_have_url(re.compile(r"/setup\.html$"))
    # The rule is stated on the page, from the API's checklist.
    expect(rule(page, "Not a commonly used password")).to_be_visible()
    expect(rule(page, "Maximum of 25 characters")).to_be_visible()
    expect_neutral(page)
    assert_accessible(page, "setup before typing")

    field(page, "Security Question").fill("FIRST CAR")
    field(page, "Secret Answer").fill("Blue Truck")
    field(page, "Re-enter Secret Answer").fill("Blue Truck")
    field(page, "Password").fill(COMMON)
    field(page, "Confirm Password").fill(COMMON)
    expect(page.locator('[data-rule="min"]')).to_have_attribute("data-met", "true")
    expect(page.locator('[data-rule="mix"]')).to_have_attribute("data-met", "true")
    expect(page.locator('[data-rule="common"]')).to_have_attribute("data-met", "false")
    expect(rule(page, "Not a commonly used password")).to_contain_text("(not met)")
    page.get_by_role("button", name="CONTINUE").click()
    password = field(page, "Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile("Not a commonly used password"))
    expect(page.locator(".usa-error-message")).to_have_count(1)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert setups == [], "the common password was sent to the API"
    assert_accessible(page, "setup with a common password refused")

    # Emptied, the rules go back to neutral; a good password then goes through.
    password.fill("")
    field(page, "Confirm Password").fill("")
    expect_neutral(page)
    password.fill(PASSWORD)
    field(page, "Confirm Password").fill(PASSWORD)
    expect(page.locator('[data-rule="common"]')).to_have_attribute("data-met", "true")
    page.get_by_role("button", name="CONTINUE").click()
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))


def test_a_wrong_pin_shows_one_error_with_the_attempts_left(page: Page, portal, console_errors) -> None:
    company, pin = new_business(portal)
    wrong = "000000" if pin != "000000" else "111111"
    rules = portal.call("GET", "/meta/rules")
    log_in(page, portal.web, wrong, company=company)
    left = rules["max_failed_attempts"] - 1
    minutes = rules["lockout_minutes"]
    warning = f"{left} attempts left before the account is locked for {minutes} minutes."
    password = field(page, "Password or PIN")
    expect(password).to_have_accessible_description(
        re.compile(re.escape(f"The business name or password is not correct. {warning}")))
    expect(page.get_by_text("The business name or password is not correct.")).to_have_count(1)
    expect(page.locator(".usa-error-message")).to_have_count(1)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert_accessible(page, "login after a wrong PIN")
    # The next one counts down.
    page.get_by_role("button", name="LOG IN").click()
    expect(password).to_have_accessible_description(re.compile(f"{left - 1} attempts left"))
    expect(page.get_by_text("is not correct")).to_have_count(1)


def test_profile_shows_one_message_per_save_and_resets_the_rules(page: Page, portal, console_errors) -> None:
    business = portal.new_contractor()
    log_in(page, portal.web, business.password, company=business.company)
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
    page.goto(f"{portal.web}/profile.html")
    expect(page.locator("#company_name")).to_have_text(business.company)
    expect_neutral(page)
    form = page.locator("#profile-form")

    # A missing field: one error beside it, no summary, no success.
    page.get_by_role("button", name="SAVE").click()
    city = field(page, "City")
    expect(city).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Please correct the errors below")).to_have_count(0)
    expect(page.get_by_text(re.compile("^Saved:"))).to_have_count(0)

    for label, value in (("Address", "100 N MAIN ST"), ("City", "BOISE"), ("State", "ID"), ("Zip", "83702"),
                         ("Phone", "208-555-0134")):
        field(page, label).fill(value)
    pw = form.locator("fieldset").filter(has_text="Change Password")
    pw.get_by_label("Current Password").fill(business.password)
    pw.get_by_label("Password", exact=True).fill("Permit2go8")
    pw.get_by_label("Confirm Password").fill("Permit2go8")
    expect(page.locator('[data-rule="match"]')).to_have_attribute("data-met", "true")
    page.get_by_role("button", name="SAVE").click()
    saved = page.get_by_text("Saved: your profile, password are updated.")
    expect(saved).to_be_visible()
    expect(page.locator(".usa-error-message")).to_have_count(0)
    expect(page.get_by_text("Please correct the errors below")).to_have_count(0)
    # The fields are empty again, and so is the rules' verdict.
    expect(pw.get_by_label("Password", exact=True)).to_have_value("")
    expect_neutral(page)
    assert_accessible(page, "profile after a save")

    # The next failure replaces the success rather than sitting beside it.
    city.fill("")
    page.get_by_role("button", name="SAVE").click()
    expect(city).to_have_attribute("aria-invalid", "true")
    expect(saved).to_have_count(0)
    city.fill("BOISE")

    # A wrong current password: one error, beside it, with the attempts left; nothing "Saved".
    rules = portal.call("GET", "/meta/rules")
    pw.get_by_label("Current Password").fill("NotMine99")
    pw.get_by_label("Password", exact=True).fill("Permit2go9")
    pw.get_by_label("Confirm Password").fill("Permit2go9")
    page.get_by_role("button", name="SAVE").click()
    current = pw.get_by_label("Current Password")
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(current).to_have_accessible_description(
        re.compile(f"{rules['max_failed_attempts'] - 1} attempts left"))
    expect(page.locator(".usa-error-message")).to_have_count(1)
    expect(page.get_by_text(re.compile("^Saved:"))).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert_accessible(page, "profile with a wrong current password")

    # A common password is refused on the page before anything is saved.
    saves: list[str] = []
    page.on("request", lambda r: saves.append(r.url) if r.method == "PUT" else None)
    current.fill("Permit2go8")
    pw.get_by_label("Password", exact=True).fill("Welcome1")
    pw.get_by_label("Confirm Password").fill("Welcome1")
    page.get_by_role("button", name="SAVE").click()
    new = pw.get_by_label("Password", exact=True)
    expect(new).to_have_accessible_description(re.compile("Not a commonly used password"))
    expect(page.locator(".usa-error-message")).to_have_count(1)
    assert saves == []
