"""The business field at county scale: a USWDS combo box over the native select (type-ahead by
contains, any case; chosen with the keyboard; axe clean with the list open), and a plain select without
JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import COMPANY, assert_accessible, business_field

pytestmark = pytest.mark.browser

LABEL = "Locate your business name"


def suggestions(page: Page):
    return page.get_by_role("listbox", name=LABEL).get_by_role("option")


def test_typing_part_of_a_name_in_any_case_filters_by_contains(page: Page, portal, console_errors) -> None:
    every = [i["company_name"] for i in portal.call("GET", "/contractors")["items"]]
    page.goto(f"{portal.web}/index.html")
    field = business_field(page)
    field.click()
    field.press_sequentially("pLuMb")  # inside the name, not its start
    expect(field).to_have_attribute("aria-expanded", "true")
    wanted = [name for name in every if "plumb" in name.lower()]
    assert wanted and len(wanted) < len(every)
    expect(suggestions(page)).to_have_text(wanted)
    expect(page.get_by_role("status")).to_have_text(f"{len(wanted)} result{'' if len(wanted) == 1 else 's'} available.")

    field.fill("")
    field.press_sequentially("zzz no such business")
    expect(page.get_by_role("status")).to_have_text("No results.")
    expect(page.get_by_role("listbox", name=LABEL)).to_contain_text("No results found")


def test_the_keyboard_chooses_a_business_and_signs_in(page: Page, portal, console_errors) -> None:
    password = portal.ensure_setup()
    page.goto(f"{portal.web}/index.html")
    field = business_field(page)
    field.focus()
    page.keyboard.type("contractor")
    page.keyboard.press("ArrowDown")
    option = page.get_by_role("option", name=COMPANY, exact=True)
    # Focus stays in the input; the highlighted option is named by aria-activedescendant.
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-activedescendant", option.get_attribute("id") or "?")
    expect(option).to_have_class(re.compile(r"usa-combo-box__list-option--focused"))
    page.keyboard.press("Enter")  # chooses; does not submit the form
    expect(field).to_have_value(COMPANY)
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("listbox", name=LABEL)).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/index\.html$"))

    page.get_by_label("Password or PIN").fill(password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))


def test_escape_keeps_the_choice_and_an_unmatched_text_is_not_a_choice(page: Page, portal, console_errors) -> None:
    page.goto(f"{portal.web}/index.html")
    field = business_field(page)
    field.click()
    field.press_sequentially("rich")
    page.get_by_role("option", name=COMPANY, exact=True).click()
    field.press_sequentially(" typo")
    page.keyboard.press("Escape")
    expect(field).to_have_value(COMPANY)  # back to what was chosen

    field.fill("")
    field.press_sequentially("not a business")
    page.get_by_label("Password or PIN").click()  # leaving the field
    expect(field).to_have_value(COMPANY)
    page.get_by_role("button", name="Clear the select contents").click()
    expect(field).to_have_value("")
    page.get_by_label("Password or PIN").fill("whatever1")
    page.get_by_role("button", name="LOG IN").click()
    # The required check marks the field the person sees, not the hidden select.
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    expect(page.get_by_text("Your business name is required.")).to_be_visible()


def test_axe_finds_nothing_with_the_list_open(page: Page, portal, console_errors) -> None:
    page.goto(f"{portal.web}/index.html")
    field = business_field(page)
    field.click()
    field.press_sequentially("co")
    page.keyboard.press("ArrowDown")
    expect(suggestions(page).first).to_be_visible()
    assert_accessible(page, "login, business list open")


def test_without_javascript_the_field_is_the_native_select(browser, portal) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{portal.web}/index.html")
        field = page.get_by_label(LABEL)
        expect(field).to_be_visible()
        assert field.evaluate("el => el.tagName") == "SELECT"
        expect(page.get_by_role("combobox", name=LABEL).and_(page.locator("input"))).to_have_count(0)
    finally:
        context.close()
