"""Forgotten password: code by e-mail (the sandbox outbox), security question, new password."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import EMAIL, assert_accessible, choose_business, field, log_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Reset2go9"


def code_from(body: str) -> str:
    """The one-time code in the e-mail body."""
    match = re.search(r"code[^A-Za-z0-9]{0,40}?\b([A-Z0-9]{4,12})\b", body, re.I) or re.search(r"\b(\d{4,10})\b", body)
    assert match, f"no code in the e-mail: {body!r}"
    return match.group(1)


def test_forgotten_password_end_to_end(page: Page, portal, console_errors) -> None:
    portal.ensure_setup()
    before = portal.call("GET", f"/sandbox/outbox?to={EMAIL}")["total"]

    page.goto(portal.web + "/index.html")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_url(re.compile(r"/forgot-password\.html$"))
    assert_accessible(page, "forgot password")
    choose_business(page, "RICH CONTRACTOR")
    page.get_by_role("button", name="E-MAIL ME A CODE").click()
    expect(page.get_by_role("heading", name="Step 2 of 3: enter the code")).to_be_visible()

    outbox = portal.call("GET", f"/sandbox/outbox?to={EMAIL}")
    assert outbox["total"] > before
    code = code_from(outbox["items"][0]["body"])

    page.get_by_label("Code from the e-mail").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="VERIFY CODE").click()
    expect(page.get_by_label("Code from the e-mail")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Code from the e-mail").fill(code)
    page.get_by_role("button", name="VERIFY CODE").click()
    expect(page.get_by_role("heading", name=re.compile("Step 3 of 3"))).to_be_visible()
    expect(page.locator("#security-question")).to_have_text(portal.secret_question)
    assert_accessible(page, "forgot password step 3")

    field(page, "Secret Answer").fill(f"  {portal.secret_answer.lower()} ")  # trimmed, case-insensitive
    field(page, "Password").fill(NEW_PASSWORD)
    field(page, "Confirm Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="CHANGE PASSWORD").click()

    expect(page).to_have_url(re.compile(r"/index\.html\?reason=reset$"))
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
    portal.password = NEW_PASSWORD

    log_in(page, portal.web, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
    expect(page.get_by_text("Hello RICH CONTRACTOR.")).to_be_visible()
