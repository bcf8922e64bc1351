"""The back office (web/staff/): staff sign in with their own account and see the menu of their role."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import STAFF
from tests.browser.helpers import assert_accessible

pytestmark = pytest.mark.browser


def staff_sign_in(page: Page, portal, username: str, password: str) -> None:
    page.goto(portal.web + "/staff/index.html")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


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
