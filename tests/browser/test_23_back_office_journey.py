"""Issue 12's day at the counter and in the field, end to end, as the people do it in their browsers:

a supervisor invites a clerk and an inspector; the clerk accepts, registers a company and prints its
PIN letter; the contractor completes set-up on the contractor site with that PIN; the clerk creates a
permit with two fees; the contractor pays them; the clerk finds the permit under "Fees paid, awaiting
issue" and issues it; the contractor requests an inspection; the staff mailbox gets the notice; on the
inspection's day the inspector sees it in the day's queue and records PASSED; the permit's expiry has
moved; and the supervisor's audit trail names each step's person.

Nothing is skipped: every route and page it uses must be there. The sandbox clock reaches the
inspection's day and is always put back.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from itertools import count

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import STAFF
from tests.browser.helpers import SECRET_ANSWER, SECRET_QUESTION, business_days_ahead, choose, field, log_in, money_cell
from tests.browser.test_20_back_office import staff_sign_in, staff_sign_out

pytestmark = pytest.mark.browser

STAFF_MAILBOX = "permits-staff@example.gov"  # STAFF_EMAIL of the local stage
CLERK_PASSWORD = "Counter-Journey-2026"
INSPECTOR_PASSWORD = "Field-Journey-2026"
CONTRACTOR_PASSWORD = "Journey2go7"
_SEQ = count(1)


def newest_mail(portal, to: str) -> dict:
    mails = portal.call("GET", f"/sandbox/outbox?to={to}")["items"]
    assert mails, f"nothing was mailed to {to}"
    return mails[0]


def invitation_code(portal, email: str) -> str:
    """The code in the invitation e-mail, as the invited person reads it."""
    body = newest_mail(portal, email)["body"]
    found = re.search(r"code(?:=|:\s*|\s+is\s+)([A-Za-z0-9-]{4,})", body, re.IGNORECASE)
    assert found, f"no invitation code in:\n{body}"
    return found.group(1)


def invite(page: Page, username: str, name: str, email: str, role: str) -> None:
    form = page.locator("#invite-form")
    form.get_by_label("User name").fill(username)
    form.get_by_label("Full name").fill(name)
    form.get_by_label("E-mail").fill(email)
    form.get_by_label("Role", exact=True).select_option(label=role)
    form.get_by_role("button", name="Send invitation").click()
    expect(form.get_by_text(f"invited as {role}: the invitation is on its way to {email}")).to_be_visible()


def accept(page: Page, portal, username: str, email: str, password: str) -> None:
    """The invited person follows the e-mailed link, types the code and a password of their own."""
    page.goto(f"{portal.web}/staff/accept.html?username={username}")
    page.get_by_label("Invitation code").fill(invitation_code(portal, email))
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm Password").fill(password)
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page).to_have_url(re.compile(r"/staff/dashboard\.html$"))


def staff_as(page: Page, portal, username: str, password: str) -> None:
    staff_sign_in(page, portal, username, password)
    expect(page).to_have_url(re.compile(r"/staff/dashboard\.html$"))


def audit_rows(page: Page, portal, subject: str):
    page.goto(f"{portal.web}/staff/audit.html")
    expect(page.get_by_text("Loading…")).to_have_count(0)
    page.get_by_label("Record", exact=True).fill(subject)
    page.get_by_role("button", name="Show", exact=True).click()
    return page.get_by_role("table", name=re.compile(f"What staff did to {re.escape(subject)}"))


def test_a_day_in_the_back_office_from_invitation_to_a_passed_inspection(page: Page, portal, console_errors) -> None:
    n = f"{os.getpid() % 10000:04d}{next(_SEQ)}"
    clerk, clerk_email = f"jclerk{n}", f"jclerk{n}@county.example.gov"
    inspector, inspector_email = f"jinsp{n}", f"jinsp{n}@county.example.gov"
    company, license_no, company_email = f"JOURNEY HOMES {n}", f"JH{n}", f"office{n}@journeyhomes.example.com"
    contractor_site = page.context.new_page()  # the contractor, in a tab of their own

    # 1. The supervisor invites a clerk and an inspector.
    staff_as(page, portal, *STAFF)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff accounts", exact=True).click()
    expect(page).to_have_url(re.compile(r"/staff/users\.html$"))
    invite(page, clerk, f"Casey Counter {n}", clerk_email, "Clerk")
    invite(page, inspector, f"Ines Field {n}", inspector_email, "Inspector")
    staff_sign_out(page)

    # 2. Both accept from their e-mail; the clerk's menu has no supervisor entries.
    accept(page, portal, inspector, inspector_email, INSPECTOR_PASSWORD)
    staff_sign_out(page)
    accept(page, portal, clerk, clerk_email, CLERK_PASSWORD)
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Contractors", exact=True)).to_be_attached()
    expect(menu.get_by_role("link", name="Staff accounts", exact=True)).to_have_count(0)

    # 3. The clerk registers the company; the PIN is shown once and its letter printed.
    menu.get_by_role("link", name="Contractors", exact=True).click()
    form = page.locator("#register-form")
    form.get_by_label("Company name").fill(company)
    form.get_by_label("License number").fill(license_no)
    form.get_by_label("E-mail").fill(company_email)
    form.get_by_role("button", name="Register contractor").click()
    expect(page.get_by_role("heading", name=f"{company} is registered")).to_be_visible()
    pin = page.locator(".staff-pin").inner_text().strip()
    contractor_id = page.locator("#registered").get_by_role("link").first.inner_text().strip()
    letter = page.locator("#pin-letter")
    expect(letter).to_contain_text(pin)
    expect(letter).to_contain_text(company)
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print PIN letter").click()
    assert page.evaluate("() => window.printed") == 1

    # 4. The contractor signs in with the PIN from the letter and completes set-up.
    log_in(contractor_site, portal.web, pin, company)
    expect(contractor_site).to_have_url(re.compile(r"/setup\.html$"))
    field(contractor_site, "Security Question").fill(SECRET_QUESTION)
    field(contractor_site, "Secret Answer").fill(SECRET_ANSWER)
    field(contractor_site, "Re-enter Secret Answer").fill(SECRET_ANSWER)
    field(contractor_site, "Password").fill(CONTRACTOR_PASSWORD)
    field(contractor_site, "Confirm Password").fill(CONTRACTOR_PASSWORD)
    contractor_site.get_by_role("button", name="CONTINUE").click()
    expect(contractor_site).to_have_url(re.compile(r"/dashboard\.html$"))
    expect(contractor_site.get_by_text(f"Hello {company}.")).to_be_visible()

    # 5. The clerk creates a permit with two fees for the company.
    page.goto(f"{portal.web}/staff/permits.html?contractor_id={contractor_id}")
    create = page.locator("#create-form")
    create.get_by_label("Address").fill("77 JOURNEY LN")
    create.get_by_label("Type").select_option("RESIDENTIAL")
    create.get_by_label("Status").select_option("READY TO ISSUE")
    create.get_by_role("group", name="Fee 1").get_by_label("Fee description").fill("BUILDING PERMIT FEE")
    create.get_by_role("group", name="Fee 1").get_by_label("Amount").fill("412.43")
    create.get_by_role("button", name="Add another fee").click()
    create.get_by_role("group", name="Fee 2").get_by_label("Fee description").fill("PLAN REVIEW FEE")
    create.get_by_role("group", name="Fee 2").get_by_label("Amount").fill("160.00")
    create.get_by_role("button", name="Create permit").click()
    expect(page).to_have_url(re.compile(r"/staff/permit\.html\?no=RES"))
    permit_no = re.search(r"no=([^&]+)", page.url).group(1)
    expect(page.locator("#fees")).to_contain_text("Fees due: $572.43")

    # 6. The contractor pays both fees through the payment portal.
    contractor_site.reload()
    fees_due = money_cell(contractor_site, permit_no)
    expect(fees_due).to_have_text("$572.43")
    fees_due.get_by_role("button").click()
    expect(contractor_site).to_have_url(re.compile(r"/checkout\.html$"))
    choose(contractor_site, "Electronic Check - $1.50")
    contractor_site.get_by_role("button", name="PROCEED TO PAYMENT").click()
    contractor_site.get_by_role("button", name="Approve").click()
    expect(contractor_site.get_by_role("heading", name="Payment approved")).to_be_visible()

    # 7. The clerk sees it under "Fees paid, awaiting issue" on Today, and issues it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today", exact=True).click()
    awaiting = page.get_by_role("region", name=re.compile(r"^Fees paid, awaiting issue")).first
    awaiting.get_by_role("link", name=permit_no, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/staff/permit\.html\?no={permit_no}$"))
    expect(page.locator("#fees")).to_contain_text("Fees due: $0.00")
    page.get_by_role("button", name="Issue permit").click()
    expect(page.locator("#page-message")).to_contain_text(f"Permit {permit_no} is issued: ACTIVE until")
    issued = portal.call("GET", f"/staff/permits/{permit_no}", token=portal.staff_token())
    assert issued["status"] == "ACTIVE"
    first_expiry = date.fromisoformat(issued["expires_date"])
    staff_sign_out(page)

    # 8. The contractor requests an inspection; staff are told, in the back office and by mail.
    contractor_site.get_by_role("navigation", name="Main").get_by_role("link", name="DASHBOARD").click()
    contractor_site.get_by_role("link", name=f"Request an inspection for {permit_no}").click()
    kinds = contractor_site.get_by_label("Inspection type").locator("option:not([value=''])")
    expect(kinds.first).to_be_attached()
    kind = kinds.first.get_attribute("value")
    today = date.fromisoformat(portal.call("GET", "/staff/inspections", token=portal.staff_token())["date"])
    day = business_days_ahead(today, 7)
    contractor_site.get_by_label("Inspection type").select_option(kind)
    contractor_site.get_by_label("Inspection date").fill(day.isoformat())
    choose(contractor_site, "AM")
    contractor_site.get_by_role("button", name="REQUEST INSPECTION").click()
    expect(contractor_site.get_by_text(re.compile(f"Your {re.escape(kind)} inspection is requested"))).to_be_visible()
    told = newest_mail(portal, STAFF_MAILBOX)
    assert permit_no in f"{told['subject']}\n{told['body']}", told

    try:
        # 9. On the inspection's day the inspector finds it in the day's queue and records PASSED.
        portal.call("PUT", "/sandbox/clock", {"days": (day - today).days})
        staff_as(page, portal, inspector, INSPECTOR_PASSWORD)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Inspections", exact=True).click()
        expect(page.get_by_label("Day", exact=True)).to_have_value(day.isoformat())
        card = page.get_by_role("article").filter(has=page.get_by_role("link", name=permit_no, exact=True))
        expect(card).to_contain_text(company)
        expect(card).to_contain_text(kind)
        card.get_by_label("Result", exact=True).select_option("PASSED")
        card.get_by_label("Notes", exact=True).fill("All to plan")
        card.get_by_role("button", name="Record result").click()
        expect(card.get_by_role("status")).to_contain_text(f"Recorded PASSED for the {kind} inspection")

        # 10. The permit's expiry moved: 180 days from the inspection (IRC R105.5).
        page.goto(f"{portal.web}/staff/permit.html?no={permit_no}")
        moved = day + timedelta(days=180)
        expect(page.get_by_role("main")).to_contain_text(f"{moved.month}/{moved.day}/{moved.year}")
        after = portal.call("GET", f"/staff/permits/{permit_no}", token=portal.staff_token())
        assert date.fromisoformat(after["expires_date"]) == moved != first_expiry
        staff_sign_out(page)

        # 11. The supervisor's audit trail names each step's person.
        staff_as(page, portal, *STAFF)
        trail = audit_rows(page, portal, f"staff:{clerk}")
        expect(trail.get_by_role("row").filter(has_text="staff.invited")).to_contain_text(STAFF[0])
        expect(trail.get_by_role("row").filter(has_text="staff.joined")).to_contain_text(clerk)
        trail = audit_rows(page, portal, f"contractor:{contractor_id}")
        expect(trail.get_by_role("row").filter(has_text="contractor.registered")).to_contain_text(clerk)
        trail = audit_rows(page, portal, f"permit:{permit_no}")
        for action, person in (("permit.created", clerk), ("permit.issued", clerk),
                               ("inspection.result", inspector)):
            expect(trail.get_by_role("row").filter(has_text=action).first).to_contain_text(person)
        expect(trail.get_by_role("row").filter(has_text="fee.added")).to_have_count(2)
        expect(trail).to_contain_text("result: PASSED")
    finally:
        portal.call("PUT", "/sandbox/clock", {"days": 0})
