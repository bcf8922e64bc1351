"""Shared steps of the browser journeys."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "web" / "vendor" / "axe-core" / "axe.min.js"
AXE_FALLBACK = ROOT / "node_modules" / "axe-core" / "axe.min.js"
COMPANY = "RICH CONTRACTOR"
EMAIL = "CONTRACTOR@ONLINE.COM"
PASSWORD = "Permit2go7"
SECRET_QUESTION = "CAR"
SECRET_ANSWER = "Blue Truck"
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source() -> str:
    path = AXE if AXE.exists() else AXE_FALLBACK
    return path.read_text(encoding="utf-8")


def assert_accessible(page: Page, label: str = "") -> None:
    """Inject axe-core with page.evaluate and require zero WCAG 2.1 A/AA violations."""
    page.wait_for_load_state("networkidle")
    if not page.evaluate("() => Boolean(window.axe)"):
        # Evaluated through the DevTools protocol, not a <script> element: the strict CSP stays on.
        page.evaluate(axe_source())
    result = page.evaluate(
        """tags => window.axe.run(document, {runOnly: {type: 'tag', values: tags},
              resultTypes: ['violations']})""",
        WCAG21_AA,
    )
    violations = result["violations"]
    if violations:
        lines = [f"axe on {label or page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
            for node in v["nodes"][:5]:
                lines.append(f"    {node['target']}: {node['failureSummary'][:300]}")
        raise AssertionError("\n".join(lines))


def business_field(page: Page):
    """The "Locate your business name" combo box, once the list has loaded and enhanced it (a native
    <select> is a combobox too: the text input is what the enhancement adds)."""
    return page.get_by_role("combobox", name="Locate your business name").and_(page.locator("input"))


def choose_business(page: Page, company: str) -> None:
    """As a person does: type part of the name, then pick it from the suggestions."""
    field = business_field(page)
    field.click()
    field.press_sequentially(company[: max(4, len(company) // 2)].lower())
    page.get_by_role("listbox", name="Locate your business name").get_by_role(
        "option", name=company, exact=True).click()
    expect(field).to_have_value(company)


def log_in(page: Page, web: str, password: str, company: str = "RICH CONTRACTOR") -> None:
    page.goto(f"{web}/index.html")
    choose_business(page, company)
    page.get_by_label("Password or PIN").fill(password)
    page.get_by_role("button", name="LOG IN").click()


def log_in_to_dashboard(page: Page, portal) -> None:
    log_in(page, portal.web, portal.ensure_setup())
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
    expect(page.get_by_text("Below is a Dashboard of your current activities.")).to_be_visible()


def money_cell(page: Page, permit_no: str):
    """The FEES DUE cell of a permit's row in My Active Permits."""
    row = page.locator("#active-permits-table tbody tr").filter(
        has=page.get_by_role("link", name=permit_no, exact=True)
    )
    return row.locator("td").last


def business_days_ahead(start: date, days: int) -> date:
    """A Monday-to-Friday date at least `days` calendar days after start (skips Dec 24 - Jan 1)."""
    day = start + timedelta(days=days)
    while day.weekday() >= 5 or (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1):
        day += timedelta(days=1)
    return day


def next_saturday(start: date) -> date:
    day = start + timedelta(days=3)
    while day.weekday() != 5:
        day += timedelta(days=1)
    return day


def field(page: Page, label: str):
    """A form field by its visible label, whether or not the label carries the required '*'."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def choose(page: Page, label: str) -> None:
    """Pick a USWDS radio button the way a person does: by its (visible) label."""
    page.locator("label.usa-radio__label").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).click()
    expect(page.get_by_label(label, exact=True)).to_be_checked()
