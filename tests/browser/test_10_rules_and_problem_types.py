"""The site takes its rules from GET /meta/rules and branches on problem types, never on English.

These journeys use contractors of their own, so RICH CONTRACTOR's account (its lock-out counter,
its password) stays as the other journeys expect it. Only the profile check uses RICH CONTRACTOR,
and it saves nothing.
"""

from __future__ import annotations

import itertools
import json
import os
import re

import pytest
from playwright.sync_api import Page, expect

from chalicelib.domain.credentials import normalise_answer
from tests.browser.conftest import ApiError
from tests.browser.helpers import (
    PASSWORD,
    SECRET_ANSWER,
    SECRET_QUESTION,
    assert_accessible,
    choose_business,
    field,
    log_in,
    log_in_to_dashboard,
)

pytestmark = pytest.mark.browser

_SEQ = itertools.count(1)


def rule(page: Page, text: str):
    """One item of the set-up / profile password rule list, by its text."""
    return page.get_by_role("list").get_by_role("listitem").filter(has_text=text)


def unset_contractor(portal) -> tuple[str, str, str, str]:
    """A contractor staff just registered: (contractor_id, company, e-mail, PIN); set-up not done."""
    n = f"{os.getpid() % 10000:04d}{next(_SEQ):02d}"
    company, email = f"RULES BUILDERS {n}", f"rules{n}@example.com"
    created = portal.call(
        "POST",
        "/staff/contractors",
        {"company_name": company, "license_no": f"RB{n}", "email": email},
        token=portal.staff_token(),
    )
    return created["contractor_id"], company, email, created["pin"]


def test_a_pin_session_opening_the_dashboard_lands_on_set_up(page: Page, portal, console_errors) -> None:
    """api.js sends a `setup-required` answer (403) to set-up: the session itself did not say so."""
    contractor_id, company, _, pin = unset_contractor(portal)
    login = portal.call("POST", "/auth/login", {"contractor_id": contractor_id, "password": pin})
    assert login["must_complete_setup"] is True
    with pytest.raises(ApiError) as refused:
        portal.call("GET", "/dashboard", token=login["token"])
    assert refused.value.status == 403
    assert refused.value.body["type"].endswith("/problems/setup-required")

    # A session the page takes for finished (as a tab signed in before staff issued a new PIN would).
    page.goto(f"{portal.web}/index.html")
    session = {"token": login["token"], "role": "contractor", "mustCompleteSetup": False, "company": company}
    page.evaluate("s => sessionStorage.setItem('portal.session', JSON.stringify(s))", session)
    page.goto(f"{portal.web}/dashboard.html")
    expect(page).to_have_url(re.compile(r"/setup\.html$"))
    expect(page.get_by_role("heading", name="Set up your login")).to_be_visible()
    expect(rule(page, "Minimum of 6 characters")).to_be_visible()
    assert_accessible(page, "setup after the redirect")

    field(page, "Security Question").fill(SECRET_QUESTION)
    field(page, "Secret Answer").fill(SECRET_ANSWER)
    field(page, "Re-enter Secret Answer").fill(f"  {SECRET_ANSWER.upper()}  ")  # the server's comparison
    field(page, "Password").fill(PASSWORD)
    field(page, "Confirm Password").fill(PASSWORD)
    page.get_by_role("button", name="CONTINUE").click()
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
    expect(page.get_by_text(f"Hello {company}.")).to_be_visible()


def test_the_forgotten_password_page_shows_a_wrong_secret_answer(page: Page, portal, console_errors) -> None:
    """The server answers 400 `wrong-secret-answer`; the page says so beside the Secret Answer."""
    contractor = portal.new_contractor(fees="10.00")
    page.goto(f"{portal.web}/forgot-password.html")
    expect(page.get_by_text(re.compile(r"The code is valid for \d+ minutes?\."))).to_be_visible()
    minutes = portal.call("GET", "/meta/rules")["reset_code_minutes"]
    expect(page.get_by_text(f"The code is valid for {minutes} minutes.")).to_be_visible()
    choose_business(page, contractor.company)
    page.get_by_role("button", name="E-MAIL ME A CODE").click()
    expect(page.get_by_role("heading", name="Step 2 of 3: enter the code")).to_be_visible()

    outbox = portal.call("GET", f"/sandbox/outbox?to={contractor_email(contractor)}")
    code = re.search(r"reset code is (\S+?)\.", outbox["items"][0]["body"]).group(1)
    page.get_by_label("Code from the e-mail").fill(code)
    page.get_by_role("button", name="VERIFY CODE").click()
    expect(page.get_by_role("heading", name=re.compile("Step 3 of 3"))).to_be_visible()

    field(page, "Secret Answer").fill("Red Sedan")
    field(page, "Password").fill("Forgot2go8")
    field(page, "Confirm Password").fill("Forgot2go8")
    page.get_by_role("button", name="CHANGE PASSWORD").click()
    answer = field(page, "Secret Answer")
    expect(answer).to_have_attribute("aria-invalid", "true")
    expect(answer).to_have_accessible_description(re.compile("The secret answer is not correct."))
    expect(page.get_by_text("The secret answer is not correct.")).to_be_visible()
    expect(answer).to_be_focused()
    assert_accessible(page, "forgot password with a wrong secret answer")

    # Inner spaces and case do not matter to the server; the same reset link still works.
    answer.fill("  blue   TRUCK ")
    page.get_by_role("button", name="CHANGE PASSWORD").click()
    expect(page).to_have_url(re.compile(r"/index\.html\?reason=reset$"))
    log_in(page, portal.web, "Forgot2go8", company=contractor.company)
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))


def contractor_email(contractor) -> str:
    """Portal.new_contractor registers kb<n>@example.com for KEYBOARD BUILDERS <n>."""
    return f"kb{contractor.company.rsplit(' ', 1)[-1]}@example.com"


def test_login_branches_on_wrong_credentials_and_too_many_attempts(page: Page, portal, console_errors) -> None:
    contractor = portal.new_contractor(fees="10.00")
    rules = portal.call("GET", "/meta/rules")
    log_in(page, portal.web, "Not2theRight1", company=contractor.company)
    expect(page.get_by_text("The business name or password is not correct.").first).to_be_visible()
    expect(field(page, "Password or PIN")).to_have_attribute("aria-invalid", "true")

    body = {"contractor_id": contractor.contractor_id, "password": "Not2theRight1"}
    for _ in range(rules["max_failed_attempts"] + 1):
        try:
            portal.call("POST", "/auth/login", body)
        except ApiError as err:
            if err.status == 429:
                assert err.body["type"].endswith("/problems/too-many-attempts")
                break
    else:
        pytest.fail("the account was never locked")
    log_in(page, portal.web, contractor.password, company=contractor.company)
    alert = page.locator("#login-form .form-message [role=alert]")
    expect(alert).to_have_text(re.compile(r"^Too many failed attempts\. Try again in \d+ minutes?\.$"))
    expect(page).to_have_url(re.compile(r"/index\.html$"))
    assert_accessible(page, "login while locked")


def test_the_password_checks_are_the_servers(page: Page, portal, console_errors) -> None:
    """Any Unicode letter counts as a letter, only 0-9 as a number, length in characters."""
    log_in_to_dashboard(page, portal)
    page.goto(f"{portal.web}/profile.html")
    pw = page.locator("#profile-form fieldset").filter(has_text="Change Password")
    password = pw.get_by_label("Password", exact=True)
    expect(rule(page, "Minimum of 6 characters")).to_be_visible()
    # Checked on the page from GET /meta/common-passwords: neutral until something is typed.
    expect(page.locator('[data-rule="common"]')).not_to_have_attribute("data-met", re.compile("."))
    expect(page.get_by_text("Note: Password is case sensitive.")).to_be_visible()
    mix = page.locator('[data-rule="mix"]')
    minimum = page.locator('[data-rule="min"]')
    for text, letter_and_number in [("été12345", True), ("Ωmega7", True), ("٣٤٥abcdef", False), ("abcdef²", False)]:
        password.fill(text)
        expect(mix).to_have_attribute("data-met", str(letter_and_number).lower())
    password.fill("𝒜𝒜𝒜12")  # 5 characters, 8 UTF-16 units
    expect(minimum).to_have_attribute("data-met", "false")
    expect(rule(page, "Minimum of 6 characters")).to_contain_text("(not met)")
    password.fill("𝒜𝒜𝒜123")
    expect(minimum).to_have_attribute("data-met", "true")
    expect(rule(page, "Minimum of 6 characters")).to_contain_text("(met)")
    assert_accessible(page, "profile password rules")


ANSWER_PAIRS = [
    (" Blue  Truck ", "blue truck"),
    ("Blue\tTruck", "BLUE TRUCK"),
    ("Blue\x1fTruck", "blue truck"),  # a separator Python splits on and JavaScript's \s does not
    ("Blue\u00a0Truck", "blue truck"),
    ("Blue\ufeffTruck", "blue truck"),  # not whitespace to Python
    ("Blue", "Red"),
    ("Straße", "STRASSE"),  # equal once case-folded: only the server can tell
    ("\u212aelvin", "kelvin"),  # KELVIN SIGN folds to k
]


def test_rules_module_formats_times_and_compares_answers_as_the_server(page: Page, portal) -> None:
    page.goto(f"{portal.web}/index.html")
    result = page.evaluate(
        """async (pairs) => {
             const r = await import('/js/rules.js');
             const api = await import('/js/api.js');
             const rules = await r.rules();
             return {
               times: ['15:00', '13:30', '06:00', '00:00', '12:05'].map(r.countyTime),
               answers: pairs.map(([a, b]) => r.sameSecretAnswer(a, b)),
               problems: [
                 api.problemIs({type: 'http://x/problems/setup-required'}, 'setup-required'),
                 api.problemIs({type: 'http://x/problems/setup-required'}, 'session-ended'),
                 api.problemIs({type: 'about:blank'}, 'about:blank'),
                 api.problemIs(new api.ApiError(403, {type: 'https://c.gov/problems/fees-due'}), 'x', 'fees-due'),
               ],
               same: (await r.rules()) === rules,
               cutoff: rules.inspections.request_cutoff,
             };
           }""",
        [list(pair) for pair in ANSWER_PAIRS],
    )
    assert result["times"] == ["3:00 PM", "1:30 PM", "6:00 AM", "12:00 AM", "12:05 PM"]
    assert result["problems"] == [True, False, False, True]
    assert result["same"] is True  # fetched once per page
    assert result["cutoff"] == portal.call("GET", "/meta/rules")["inspections"]["request_cutoff"]
    for (a, b), said in zip(ANSWER_PAIRS, result["answers"], strict=True):
        server = normalise_answer(a) == normalise_answer(b)
        # The browser either agrees with the server or leaves the comparison to it (null).
        assert said is None or said == server, (a, b, said, server)
    assert result["answers"][:6] == [True, True, True, True, None, False]
    assert json.dumps(result["answers"][6:]) == "[null, null]"
