"""A county changes its rules in the stage configuration, and the screens follow.

A second portal runs from a temporary copy of the project whose .chalice/config.json gives the
`local` stage PASSWORD_MIN_LENGTH=9 and INSPECTION_REQUEST_CUTOFF=13:30 (the tracked file is left
as it is). Nothing in web/ names a figure, so the set-up page and the inspection request form must
show the new ones, taken from GET /meta/rules.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, Portal, launch_portal
from tests.browser.helpers import COMPANY, PASSWORD, SECRET_ANSWER, SECRET_QUESTION, assert_accessible, field, log_in

pytestmark = pytest.mark.browser

COUNTY_SETTINGS = {"PASSWORD_MIN_LENGTH": "9", "INSPECTION_REQUEST_CUTOFF": "13:30"}
PROJECT = ["app.py", "chalicelib", "localdev", "infra", "scripts", "web", ".chalice"]


def copy_project(dest: Path, settings: dict[str, str]) -> Path:
    """The project's runnable parts in `dest`, the local stage's variables updated with `settings`."""
    dest.mkdir(parents=True, exist_ok=True)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "config.js")
    for name in PROJECT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=skip, symlinks=True)
        else:
            shutil.copy2(source, dest / name)
    config_path = dest / ".chalice" / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["stages"]["local"]["environment_variables"].update(settings)
    config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    if os.environ.get("PORTAL_WEB_URL"):
        pytest.skip("starts a portal of its own from a copy of the project")
    root = copy_project(tmp_path_factory.mktemp("county") / "project", COUNTY_SETTINGS)
    log_path = tmp_path_factory.mktemp("county-log") / "run_local.log"
    with launch_portal(root, log_path, "135790") as running:
        yield running


def test_the_stage_configuration_is_what_the_api_serves(county) -> None:
    rules = county.call("GET", "/meta/rules")
    assert rules["password"]["min_length"] == 9
    assert rules["password"]["rules"][0] == "Minimum of 9 characters"
    assert rules["inspections"]["request_cutoff"] == "13:30"
    # The tracked configuration still says nothing of either.
    tracked = (ROOT / ".chalice" / "config.json").read_text(encoding="utf-8")
    assert "PASSWORD_MIN_LENGTH" not in tracked and "INSPECTION_REQUEST_CUTOFF" not in tracked


def test_set_up_and_the_request_form_show_the_countys_figures(page: Page, county, console_errors) -> None:
    rules = county.call("GET", "/meta/rules")["inspections"]

    # First login: the rule list is the county's, and the check as the user types uses its figure.
    log_in(page, county.web, county.pin, company=COMPANY)
    expect(page).to_have_url(re.compile(r"/setup\.html$"))
    minimum = page.get_by_role("list").get_by_role("listitem").filter(has_text="Minimum of 9 characters")
    expect(minimum).to_be_visible()
    expect(page.get_by_text("Minimum of 6 characters")).to_have_count(0)
    expect(field(page, "Password")).to_have_accessible_description(re.compile("Minimum of 9 characters"))
    field(page, "Password").fill("Permit2g")  # 8 characters: enough for the guide, not for this county
    expect(minimum).to_contain_text("(not met)")
    field(page, "Password").fill("Permit2go")
    expect(minimum).to_contain_text("(met)")
    assert_accessible(page, "setup with the county's rules")

    field(page, "Security Question").fill(SECRET_QUESTION)
    field(page, "Secret Answer").fill(SECRET_ANSWER)
    field(page, "Re-enter Secret Answer").fill(SECRET_ANSWER)
    field(page, "Password").fill(PASSWORD)
    field(page, "Confirm Password").fill(PASSWORD)
    page.get_by_role("button", name="CONTINUE").click()
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))

    # The request form: the hint names the county's cut-off the county's way, and the date picker
    # offers the calendar's dates only.
    page.get_by_role("link", name="Request an inspection for RES16-0304").click()
    expect(page.get_by_role("heading", name="Request an inspection")).to_be_visible()
    when = page.get_by_label("Inspection date")
    expect(when).to_have_accessible_description(
        re.compile(r"at most 30 days ahead\. Requests after 1:30 PM cannot be for the next business day\.")
    )
    expect(page.get_by_text("Requests after 3:00 PM")).to_have_count(0)
    expect(when).to_have_attribute("min", rules["earliest_date"])
    expect(when).to_have_attribute("max", rules["latest_date"])
    assert_accessible(page, "request form with the county's cut-off")

    # A date before the earliest the calendar allows is refused in the page, naming that date.
    kinds = page.get_by_label("Inspection type").locator("option:not([value=''])")
    expect(kinds.first).to_be_attached()
    kind = kinds.first.get_attribute("value")
    page.get_by_label("Inspection type").select_option(kind)
    earliest = date.fromisoformat(rules["earliest_date"])
    when.fill((earliest - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="REQUEST INSPECTION").click()
    expect(when).to_have_attribute("aria-invalid", "true")
    county_date = f"{earliest.month}/{earliest.day}/{earliest.year}"
    expect(when).to_have_accessible_description(
        re.compile(rf"The earliest date you can request now is {re.escape(county_date)}\.")
    )
    # The first date it offers is booked.
    when.fill(rules["request_dates"][0])
    page.get_by_role("button", name="REQUEST INSPECTION").click()
    expect(page.get_by_text(f"Your {kind} inspection is requested for {county_date}")).to_be_visible()
