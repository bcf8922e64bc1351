"""Issue 13's companies with named users, end to end, as the people do it in their browsers:

the first admin of a new company signs in (a new tab of theirs is signed in too), invites an office
user and a field user from Users; each accepts from the code in their mail, in a browser of their
own, and signs in with company, e-mail and password; the field user sees no payment screens, the
cart page says why, and the cart API answers 403 to their token; the office user pays the company's
fee; the admin disables the field user, whose open tab is sent to the login on its next request;
and the admin's Company activity shows the office user's payment. axe finds nothing on the new pages,
at desktop and phone width.

Written against API.md Part 2 "Companies and their users" (the routes GET /me, /company/users,
/company/activity, POST /auth/invitations/accept).
"""

from __future__ import annotations

import os
import re
from itertools import count
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ApiError
from tests.browser.helpers import assert_accessible, business_field, choose, choose_business, field

pytestmark = pytest.mark.browser

OFFICE_PASSWORD = "Office-Desk-2026"
FIELD_PASSWORD = "Field-Truck-2026"
PHONE = {"width": 390, "height": 844}
_SEQ = count(1)


def accessible_at_both_widths(page: Page, label: str) -> None:
    """axe at the desktop width the test runs at, then at 390 px, then back."""
    size = page.viewport_size
    assert_accessible(page, f"{label} (desktop)")
    page.set_viewport_size(PHONE)
    assert_accessible(page, f"{label} (390 px)")
    page.set_viewport_size(size)


def newest_mail(portal, to: str) -> dict:
    mails = portal.call("GET", f"/sandbox/outbox?to={to}")["items"]
    assert mails, f"nothing was mailed to {to}"
    return mails[0]


def invitation(portal, email: str) -> tuple[str, str]:
    """The one-time code and the accept page's query string, as the invited person reads their mail."""
    mail = newest_mail(portal, email)
    assert mail["subject"] == "You are invited to the contractor portal", mail
    code = re.search(r"code is ([A-Z0-9-]+)", mail["body"])
    assert code, f"no one-time code in:\n{mail['body']}"
    link = re.search(r"accept-invitation\.html\?([^\s\"'<>]+)", mail["body"])
    assert link, f"no invitation link in:\n{mail['body']}"
    return code.group(1), link.group(1).rstrip(".,;:)")  # not the sentence's full stop


def side_menu(page: Page):
    return page.get_by_role("navigation", name="Side menu")


def main_menu(page: Page):
    return page.get_by_role("navigation", name="Main")


def sign_in(page: Page, web: str, company: str, email: str, password: str) -> None:
    """The login page: the guide's business and password, and the named user's e-mail."""
    page.goto(f"{web}/index.html")
    choose_business(page, company)
    page.get_by_label("Password or PIN").fill(password)
    page.get_by_label("Your e-mail (optional)").fill(email)
    page.get_by_role("button", name="LOG IN").click()
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))


def invite(page: Page, email: str, name: str, role: str) -> None:
    form = page.get_by_role("region", name="Invite a user")
    form.get_by_label("E-mail", exact=True).fill(email)
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Role", exact=True).select_option(label=role)
    form.get_by_role("button", name="Send invitation").click()
    expect(form.get_by_text(f"{name} is invited as {role}: the invitation is on its way to {email}.")).to_be_visible()


def user_row(page: Page, email: str):
    return page.get_by_role("table", name="Your company's users").get_by_role("row").filter(has_text=email)


def accept(page: Page, portal, company: str, email: str, name: str, password: str, *, check_axe: bool = False) -> None:
    """The invited person follows the e-mailed link and joins with a password of their own."""
    code, query = invitation(portal, email)
    sent = parse_qs(query)
    assert sent.get("email") == [email], query
    page.goto(f"{portal.web}/accept-invitation.html?{query}")
    expect(page.get_by_role("heading", name="Accept your invitation")).to_be_visible()
    expect(business_field(page)).to_have_value(company)  # from the link, editable
    expect(field(page, "Your e-mail")).to_have_value(email)
    if check_axe:
        expect(page.get_by_text("Loading the password rules…")).to_have_count(0)
        accessible_at_both_widths(page, "accept invitation")
    field(page, "One-time code").fill(code)
    field(page, "Your name").fill(name)
    field(page, "Security Question").fill("FIRST TRUCK")
    field(page, "Secret Answer").fill("Red Pickup")
    field(page, "Re-enter Secret Answer").fill("Red Pickup")
    field(page, "Password").fill(password)
    field(page, "Confirm Password").fill(password)
    page.get_by_role("button", name="ACCEPT AND LOG IN").click()
    expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
    expect(page.get_by_text(f"Hello {company}.")).to_be_visible()


def session_token(page: Page) -> str:
    return page.evaluate("() => JSON.parse(sessionStorage.getItem('portal.session')).token")


def test_an_admin_invites_an_office_and_a_field_user_who_each_do_what_their_role_may(
    page: Page, browser: Browser, portal, console_errors
) -> None:
    n = f"{os.getpid() % 10000:04d}{next(_SEQ)}"
    contractor = portal.new_contractor(fees="123.45")  # its first admin, set up, and a permit with a fee due
    company, permit_no = contractor.company, contractor.permit_no
    office_email, office_name = f"olive{n}@office.example.com", f"Olive Office {n}"
    field_email, field_name = f"fred{n}@field.example.com", f"Fred Field {n}"
    contexts = []

    def own_browser() -> Page:
        context = browser.new_context()
        contexts.append(context)
        return context.new_page()

    try:
        # 1. The first admin signs in as the guide says (no e-mail); a new tab of theirs is signed in too.
        page.goto(f"{portal.web}/index.html")
        choose_business(page, company)
        page.get_by_label("Password or PIN").fill(contractor.password)
        page.get_by_role("button", name="LOG IN").click()
        expect(page).to_have_url(re.compile(r"/dashboard\.html$"))
        expect(main_menu(page)).to_contain_text(f"LOGGED IN AS: {company}")
        tab = page.context.new_page()
        tab.goto(f"{portal.web}/dashboard.html")
        expect(tab).to_have_url(re.compile(r"/dashboard\.html$"))
        expect(tab.get_by_text(f"Hello {company}.")).to_be_visible()
        tab.close()

        # 2. Users: the admin invites an office user and a field user; the same address twice is refused.
        for name in ["Users", "My notifications", "Company activity"]:
            expect(side_menu(page).get_by_role("link", name=name, exact=True)).to_be_visible()
        side_menu(page).get_by_role("link", name="Users", exact=True).click()
        expect(page).to_have_url(re.compile(r"/users\.html$"))
        expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
        invite(page, office_email, office_name, "Office")
        invite(page, field_email, field_name, "Field")
        expect(user_row(page, office_email)).to_contain_text("INVITED")
        resend = user_row(page, field_email).get_by_role("button", name=f"Resend invitation to {field_name}")
        expect(resend).to_be_visible()
        form = page.get_by_role("region", name="Invite a user")
        form.get_by_label("E-mail", exact=True).fill(office_email)
        form.get_by_label("Name", exact=True).fill(office_name)
        form.get_by_label("Role", exact=True).select_option(label="Office")
        form.get_by_role("button", name="Send invitation").click()
        expect(form.get_by_label("E-mail", exact=True)).to_have_attribute("aria-invalid", "true")  # 409 user-exists
        accessible_at_both_widths(page, "users")

        # The only admin cannot disable themselves (409 last-admin), said beside that control.
        me_row = page.get_by_role("table", name="Your company's users").get_by_role("row").filter(has_text="(you)")
        me_row.get_by_role("button", name=re.compile(r"^Disable ")).click()
        expect(me_row.get_by_role("alert")).to_be_visible()

        # 3. Each accepts from the code in their mail, in a browser of their own.
        office = own_browser()
        accept(office, portal, company, office_email, office_name, OFFICE_PASSWORD, check_axe=True)
        field_user = own_browser()
        accept(field_user, portal, company, field_email, field_name, FIELD_PASSWORD)
        page.reload()
        expect(user_row(page, office_email)).to_contain_text("ACTIVE")
        expect(user_row(page, field_email)).to_contain_text("ACTIVE")

        # 4. Each signs in again on the login page with company, e-mail and password.
        people = ((office, office_email, OFFICE_PASSWORD), (field_user, field_email, FIELD_PASSWORD))
        for who, email, password in people:
            main_menu(who).get_by_role("button", name="LOG OUT").click()
            expect(who.get_by_text("You have logged out.")).to_be_visible()
            sign_in(who, portal.web, company, email, password)
        expect(main_menu(field_user)).to_contain_text(f"LOGGED IN AS: {company}")
        expect(main_menu(field_user)).to_contain_text(field_name)

        # 5. The field user sees no payment screens; the cart page says why without asking the API,
        # and the cart API answers their token with 403.
        cart_calls = []
        api_cart = re.compile(r"/api/(cart|checkout|payments)\b")  # the site calls the API under /api

        def note_cart_call(request) -> None:
            if api_cart.search(request.url):
                cart_calls.append(request.url)

        field_user.on("request", note_cart_call)
        expect(main_menu(field_user).get_by_role("link", name="VIEW CART", exact=True)).to_have_count(0)
        for name in ["Pay Fees", "Pay All Fees", "Paid Items", "Users", "Company activity"]:
            expect(side_menu(field_user).get_by_role("link", name=name, exact=True)).to_have_count(0)
        for name in ["Search Permit", "Schedule", "Scheduled", "My notifications"]:
            expect(side_menu(field_user).get_by_role("link", name=name, exact=True)).to_be_visible()
        expect(side_menu(field_user)).not_to_contain_text("Shopping Cart")
        row = field_user.get_by_role("table", name=re.compile("My Active Permits")).get_by_role("row").filter(
            has=field_user.get_by_role("link", name=permit_no, exact=True))
        expect(row).to_contain_text("$123.45")
        expect(row.get_by_role("button")).to_have_count(0)
        field_user.goto(f"{portal.web}/cart.html")
        refusal = "Your role (Field) cannot pay fees. Ask your company's administrator."
        expect(field_user.get_by_text(refusal)).to_be_visible()
        field_user.goto(f"{portal.web}/permit.html?permit_no={permit_no}")
        expect(field_user.get_by_role("heading", name=f"Permit {permit_no}")).to_be_visible()
        expect(field_user.get_by_role("button", name=re.compile("^PAY FEES"))).to_have_count(0)
        assert not cart_calls, cart_calls
        with pytest.raises(ApiError) as refused:
            portal.call("GET", "/cart", token=session_token(field_user))
        assert refused.value.status == 403

        # My notifications: everyone's own choices.
        side_menu(field_user).get_by_role("link", name="My notifications", exact=True).click()
        expect(field_user).to_have_url(re.compile(r"/notifications\.html$"))
        choices = field_user.get_by_role("group", name="E-mail me about")
        expect(choices.get_by_role("checkbox")).to_have_count(4)
        accessible_at_both_widths(field_user, "my notifications")
        first = portal.call("GET", "/meta/rules")["notifications"][0]["label"]  # the choices' labels are the API's
        was = field_user.get_by_label(first, exact=True).is_checked()
        choices.get_by_text(first, exact=True).click()  # a person presses the label of USWDS's checkbox
        expect(field_user.get_by_label(first, exact=True)).to_be_checked(checked=not was)
        field_user.get_by_role("button", name="SAVE").click()
        expect(field_user.get_by_text("Saved: your notification choices are updated.")).to_be_visible()
        field_user.reload()
        expect(field_user.get_by_label(first, exact=True)).to_be_checked(checked=not was)

        # 6. The office user pays the company's fee: dashboard, Checkout Summary, the sandbox portal.
        expect(main_menu(office).get_by_role("link", name="VIEW CART", exact=True)).to_be_visible()
        expect(side_menu(office).get_by_role("link", name="Users", exact=True)).to_have_count(0)
        office.get_by_role("button", name=f"Pay $123.45 fees due for {permit_no}").click()
        expect(office).to_have_url(re.compile(r"/checkout\.html$"))
        choose(office, "Electronic Check - $1.50")
        office.get_by_role("button", name="PROCEED TO PAYMENT").click()
        expect(office).to_have_url(re.compile(r"/sandbox-pay\.html\?payment_id="))
        office.get_by_role("button", name="Approve").click()
        expect(office.get_by_role("heading", name="Payment approved")).to_be_visible()

        # 7. The admin disables the field user; the field user's open tab is signed out on its next request.
        page.reload()
        user_row(page, field_email).get_by_role("button", name=f"Disable {field_name}").click()
        expect(user_row(page, field_email)).to_contain_text("DISABLED")
        expect(user_row(page, field_email).get_by_role("button", name=f"Enable {field_name}")).to_be_visible()
        side_menu(field_user).get_by_role("link", name="Search Permit", exact=True).click()
        expect(field_user).to_have_url(re.compile(r"/index\.html\?reason=expired"))
        expect(field_user.get_by_text("Your session has ended. Please log in again.")).to_be_visible()

        # 8. The admin's Company activity shows the office user's payment.
        side_menu(page).get_by_role("link", name="Company activity", exact=True).click()
        expect(page).to_have_url(re.compile(r"/activity\.html$"))
        activity = page.get_by_role("table", name="Company activity")
        payment = activity.get_by_role("row").filter(has_text="Payment").filter(has_text=office_email)
        expect(payment.first).to_be_visible()
        expect(payment.first).to_contain_text(office_name)
        accessible_at_both_widths(page, "company activity")

        # 9. Logging out in one tab logs out every tab of that browser.
        other = office.context.new_page()
        other.goto(f"{portal.web}/dashboard.html")
        expect(other.get_by_text(f"Hello {company}.")).to_be_visible()
        main_menu(office).get_by_role("button", name="LOG OUT").click()
        expect(other).to_have_url(re.compile(r"/index\.html\?reason=logout$"))
        expect(other.get_by_text("You have logged out.")).to_be_visible()
    finally:
        for context in contexts:
            context.close()
