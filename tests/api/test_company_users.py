"""Companies with named users (API.md Part 2, "Companies and their users"): the first admin invites users
by e-mail, each accepts a one-time code once and signs in with company, e-mail and password; roles decide
what each may do (checked in one place); disabling ends a user's sessions at once; the last active admin
stays; each user has their own password, lock-out, reset and notifications; the company's activity says
who did what."""

from __future__ import annotations

import re
from typing import Any

from chalicelib.domain.accounts import named_user_id
from tests.api.test_payments import post_callback
from tests.conftest import CONTRACTOR_PASSWORD, SECRET_ANSWER, Api, seed_permit
from tests.services.permit_helpers import active_permit, mails

USER_PASSWORD = "Field2Work"
INVITATION_SUBJECT = "You are invited to the contractor portal"


def slug(response: Any) -> str:
    return str(response.json_body["type"]).rsplit("/", 1)[-1]


def invite(api: Api, token: str, email: str, role: str, name: str = "") -> Any:
    return api.post("/company/users", {"email": email, "name": name or email.split("@")[0].title(), "role": role},
                    token)


def mailed_code(api: Api, email: str) -> str:
    items = api.get(f"/sandbox/outbox?to={email}").json_body["items"]
    mail = next(i for i in items if i["subject"] == INVITATION_SUBJECT)
    return re.search(r"one-time code is ([A-Z0-9-]+)\.", mail["body"]).group(1)  # type: ignore[union-attr]


def accept(api: Api, contractor_id: str, email: str, code: str, password: str = USER_PASSWORD,
           name: str = "Pat Field") -> Any:
    return api.post("/auth/invitations/accept", {
        "contractor_id": contractor_id, "email": email, "code": code, "name": name,
        "security_question": "FIRST DOG", "secret_answer": SECRET_ANSWER, "secret_answer_confirm": SECRET_ANSWER,
        "password": password, "password_confirm": password})


def login(api: Api, contractor_id: str, email: str = "", password: str = USER_PASSWORD) -> Any:
    body = {"contractor_id": contractor_id, "password": password}
    if email:
        body["email"] = email
    return api.post("/auth/login", body)


def joined(api: Api, contractor: dict[str, str], email: str, role: str, name: str = "Pat Field") -> str:
    """Invited by the first admin and accepted: the new user's token."""
    assert invite(api, contractor["token"], email, role).status_code == 201
    response = accept(api, contractor["contractor_id"], email, mailed_code(api, email), name=name)
    assert response.status_code == 200, response.body
    return str(response.json_body["token"])


# --- inviting, accepting, signing in ----------------------------------------------------------------


def test_an_invited_user_accepts_the_mailed_code_once_and_signs_in_with_company_email_and_password(
        api, contractor):
    cid = contractor["contractor_id"]
    response = invite(api, contractor["token"], "pat@field.example.com", "field", "Pat Field")
    assert response.status_code == 201, response.body
    assert response.json_body["status"] == "INVITED" and response.json_body["role"] == "field"
    assert response.json_body["user_id"] == named_user_id(cid, "pat@field.example.com")
    code = mailed_code(api, "pat@field.example.com")
    mail = api.get("/sandbox/outbox?to=pat@field.example.com").json_body["items"][0]
    assert f"accept-invitation.html?contractor={cid}&email=pat%40field.example.com" in mail["body"]

    accepted = accept(api, cid, "Pat@Field.example.com", code)  # the e-mail as typed: case does not matter
    assert accepted.status_code == 200, accepted.body
    assert accepted.json_body["must_complete_setup"] is False
    assert accept(api, cid, "pat@field.example.com", code).status_code == 400  # once

    signed_in = login(api, cid, "pat@field.example.com")
    assert signed_in.status_code == 200, signed_in.body
    me = api.get("/me", signed_in.json_body["token"]).json_body
    assert me["email"] == "pat@field.example.com" and me["name"] == "Pat Field" and me["role"] == "field"
    assert me["company_name"] == "RICH CONTRACTOR" and me["contractor_id"] == cid and not me["first_admin"]
    assert me["may"] == ["permits", "inspections"]
    # Without the e-mail the same password is not the first admin's: the guide's login is the first admin's.
    assert login(api, cid).status_code == 401


def test_the_first_admin_signs_in_as_before_and_also_with_the_e_mail_on_file(api, contractor):
    cid = contractor["contractor_id"]
    me = api.get("/me", contractor["token"]).json_body
    assert me["first_admin"] and me["role"] == "admin" and me["user_id"] == cid
    assert me["may"] == ["permits", "inspections", "payments", "profile", "edit-profile", "users", "activity",
                         "applications"]
    assert login(api, cid, password=CONTRACTOR_PASSWORD).status_code == 200
    assert login(api, cid, "contractor@online.com", CONTRACTOR_PASSWORD).status_code == 200


def test_a_wrong_expired_or_someone_elses_code_is_refused_and_writes_nothing(api, contractor, clock):
    cid = contractor["contractor_id"]
    invite(api, contractor["token"], "ann@office.example.com", "office")
    invite(api, contractor["token"], "bo@office.example.com", "office")
    ann_code, bo_code = mailed_code(api, "ann@office.example.com"), mailed_code(api, "bo@office.example.com")
    wrong = accept(api, cid, "ann@office.example.com", "AAAA-BBBB-CCCC-DDDD")
    assert wrong.status_code == 400 and slug(wrong) == "invalid-invitation"
    assert wrong.json_body["errors"][0]["field"] == "code"
    assert accept(api, cid, "ann@office.example.com", bo_code).status_code == 400  # bo's code is not ann's
    assert accept(api, cid, "nobody@office.example.com", ann_code).status_code == 400
    clock.advance(hours=72, seconds=1)
    assert accept(api, cid, "ann@office.example.com", ann_code).status_code == 400
    admin = login(api, cid, password=CONTRACTOR_PASSWORD).json_body["token"]  # the clock moved: sessions ended
    users = {u["email"]: u for u in api.get("/company/users", admin).json_body["items"]}
    assert users["ann@office.example.com"]["status"] == "INVITED"
    # A new invitation sends a new code; the old one stays dead.
    resent = api.post(f"/company/users/{users['ann@office.example.com']['user_id']}/invitation", None, admin)
    assert resent.status_code == 200, resent.body
    clock.advance(minutes=1)  # the outbox lists the newest first
    new_code = mailed_code(api, "ann@office.example.com")
    assert new_code != ann_code
    assert accept(api, cid, "ann@office.example.com", new_code).status_code == 200


def test_an_invitation_breaking_the_password_rules_names_each_field(api, contractor):
    cid = contractor["contractor_id"]
    invite(api, contractor["token"], "ann@office.example.com", "office")
    response = accept(api, cid, "ann@office.example.com", mailed_code(api, "ann@office.example.com"), "short")
    assert response.status_code == 400
    assert slug(response) == "password-rules"
    assert {e["field"] for e in response.json_body["errors"]} == {"password"}


def test_inviting_an_existing_user_or_the_first_admin_is_409_and_bad_fields_400(api, contractor):
    assert invite(api, contractor["token"], "ann@office.example.com", "office").status_code == 201
    again = invite(api, contractor["token"], "ANN@office.example.com", "field")
    assert again.status_code == 409 and slug(again) == "user-exists"
    first = invite(api, contractor["token"], "contractor@online.com", "office")
    assert first.status_code == 409 and slug(first) == "user-exists"
    assert invite(api, contractor["token"], "not-an-email", "office").status_code == 400
    assert invite(api, contractor["token"], "x@example.com", "owner").status_code == 400


# --- roles, checked in one place ------------------------------------------------------------------


def test_a_field_user_reads_permits_and_books_inspections_but_never_pays_or_sees_the_profile(
        api, contractor, table):
    seed_permit(table, contractor["contractor_id"], "RES16-0688")
    field = joined(api, contractor, "pat@field.example.com", "field")
    assert api.get("/dashboard", field).status_code == 200
    assert api.get("/permits/RES16-0688", field).status_code == 200
    for method, path, body in (("GET", "/cart", None), ("POST", "/cart/items", {"permit_no": "RES16-0688"}),
                               ("GET", "/checkout/summary", None), ("POST", "/checkout", {"payment_method": "ach"}),
                               ("GET", "/payments", None), ("GET", "/profile", None),
                               ("PUT", "/profile", {"address": "x"}), ("GET", "/company/users", None),
                               ("GET", "/company/activity", None)):
        response = api.call(method, path, body, field)
        assert response.status_code == 403, (method, path, response.status_code)
        assert slug(response) == "role-forbidden"
    assert api.delete("/inspections/RES16-0688-nope", field).status_code == 404  # allowed, just not found
    # Every user keeps their own password.
    changed = api.call("PUT", "/profile/password", {"current_password": USER_PASSWORD, "password": "Field3Work",
                                                    "password_confirm": "Field3Work"}, field)
    assert changed.status_code == 204, changed.body


def test_an_office_user_pays_and_reads_the_profile_but_does_not_edit_it_or_the_users(api, contractor, table):
    seed_permit(table, contractor["contractor_id"], "RES16-0688")
    office = joined(api, contractor, "ann@office.example.com", "office")
    assert api.post("/cart/items", {"permit_no": "RES16-0688"}, office).status_code == 200
    assert api.get("/profile", office).json_body["security_question"] == "FIRST DOG"  # the user's own
    assert api.call("PUT", "/profile", {"address": "1 Main", "city": "Post Falls", "state": "ID", "zip": "83854",
                                        "email": "contractor@online.com", "phone": "208-555-0100"},
                    office).status_code == 403
    assert api.get("/company/users", office).status_code == 403


# --- disabling, roles and the last admin --------------------------------------------------------------


def test_disabling_a_user_ends_their_sessions_at_once_and_enabling_lets_them_back(api, contractor):
    cid = contractor["contractor_id"]
    field = joined(api, contractor, "pat@field.example.com", "field")
    user_id = named_user_id(cid, "pat@field.example.com")
    disabled = api.call("PATCH", f"/company/users/{user_id}", {"disabled": True}, contractor["token"])
    assert disabled.status_code == 200 and disabled.json_body["status"] == "DISABLED"
    assert api.get("/dashboard", field).status_code == 401
    assert login(api, cid, "pat@field.example.com").status_code == 401
    assert api.get("/dashboard", contractor["token"]).status_code == 200  # the others go on
    enabled = api.call("PATCH", f"/company/users/{user_id}", {"disabled": False}, contractor["token"])
    assert enabled.json_body["status"] == "ACTIVE"
    assert login(api, cid, "pat@field.example.com").status_code == 200


def test_a_new_role_takes_effect_at_the_users_next_sign_in(api, contractor):
    cid = contractor["contractor_id"]
    field = joined(api, contractor, "pat@field.example.com", "field")
    user_id = named_user_id(cid, "pat@field.example.com")
    assert api.call("PATCH", f"/company/users/{user_id}", {"role": "office"}, contractor["token"]).status_code == 200
    assert api.get("/me", field).status_code == 401  # the session carried the old role
    token = login(api, cid, "pat@field.example.com").json_body["token"]
    assert api.get("/me", token).json_body["role"] == "office"
    assert api.get("/cart", token).status_code == 200


def test_the_last_active_admin_cannot_be_demoted_or_disabled(api, contractor):
    cid = contractor["contractor_id"]
    for change in ({"role": "office"}, {"disabled": True}):
        response = api.call("PATCH", f"/company/users/{cid}", change, contractor["token"])
        assert response.status_code == 409 and slug(response) == "last-admin"
    assert api.get("/me", contractor["token"]).json_body["role"] == "admin"
    second = joined(api, contractor, "boss@rich.example.com", "admin")
    assert api.call("PATCH", f"/company/users/{cid}", {"role": "office"}, second).status_code == 200
    # Now the second admin is the last one.
    boss = named_user_id(cid, "boss@rich.example.com")
    assert api.call("PATCH", f"/company/users/{boss}", {"disabled": True}, second).status_code == 409


def test_another_companys_user_is_not_found(api, contractor, staff_token):
    other = api.post("/staff/contractors", {"company_name": "OTHER CO", "license_no": "AEC0999",
                                            "email": "other@example.com"}, staff_token).json_body["contractor_id"]
    response = api.call("PATCH", f"/company/users/{other}", {"disabled": True}, contractor["token"])
    assert response.status_code == 404
    assert api.call("PATCH", "/company/users/u-nobody", {"role": "field"}, contractor["token"]).status_code == 404


# --- each user's own secrets --------------------------------------------------------------------------


def test_lock_out_is_per_user(api, contractor):
    cid = contractor["contractor_id"]
    joined(api, contractor, "pat@field.example.com", "field")
    for _ in range(5):
        assert login(api, cid, "pat@field.example.com", "Wrong1pass").status_code == 401
    locked = login(api, cid, "pat@field.example.com")
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert login(api, cid, password=CONTRACTOR_PASSWORD).status_code == 200  # the first admin is not locked


def test_a_named_users_reset_code_goes_to_their_own_address(api, contractor):
    cid = contractor["contractor_id"]
    joined(api, contractor, "pat@field.example.com", "field")
    assert api.post("/auth/password-reset/start", {"contractor_id": cid,
                                                   "email": "pat@field.example.com"}).status_code == 202
    mail = next(i for i in api.get("/sandbox/outbox?to=pat@field.example.com").json_body["items"]
                if i["subject"] == "Your password reset code")
    code = re.search(r"code is (\d+)", mail["body"]).group(1)  # type: ignore[union-attr]
    assert api.post("/auth/password-reset/verify", {"contractor_id": cid, "code": code}).status_code == 400
    verified = api.post("/auth/password-reset/verify", {"contractor_id": cid, "code": code,
                                                        "email": "pat@field.example.com"})
    assert verified.status_code == 200 and verified.json_body["security_question"] == "FIRST DOG"
    reset = api.post("/auth/password-reset", {"reset_token": verified.json_body["reset_token"],
                                              "secret_answer": SECRET_ANSWER, "password": "Field9New",
                                              "password_confirm": "Field9New"})
    assert reset.status_code == 204
    assert login(api, cid, "pat@field.example.com", "Field9New").status_code == 200
    assert login(api, cid, password=CONTRACTOR_PASSWORD).status_code == 200  # the admin's is unchanged


# --- notifications and activity ------------------------------------------------------------------------


def test_notifications_are_each_users_choice(api, contractor):
    me = api.call("PUT", "/me/notifications", {"inspection_results": False, "payments": True,
                                               "expiry_reminders": False, "application_updates": True},
                  contractor["token"])
    assert me.status_code == 200
    assert me.json_body["notifications"] == {"inspection_results": False, "payments": True,
                                             "expiry_reminders": False, "application_updates": True}
    assert api.get("/me", contractor["token"]).json_body["notifications"]["inspection_results"] is False
    assert api.call("PUT", "/me/notifications", {"payments": True}, contractor["token"]).status_code == 400


def test_a_receipt_goes_to_whoever_paid_and_to_users_who_asked_and_the_activity_names_the_payer(
        api, contractor, table, clock):
    cid = contractor["contractor_id"]
    seed_permit(table, cid, "RES16-0688")
    office = joined(api, contractor, "ann@office.example.com", "office", "Ann Office")
    joined(api, contractor, "pat@field.example.com", "field")
    api.call("PUT", "/me/notifications", {"inspection_results": True, "payments": False, "expiry_reminders": True,
                                          "application_updates": True}, office)  # ann pays: she still gets hers
    api.post("/cart/items", {"permit_no": "RES16-0688"}, office)
    payment = api.post("/checkout", {"payment_method": "credit_card"}, office).json_body
    assert post_callback(api, clock, payment["payment_id"], "approved", payment["total_due"]).status_code == 200
    receipts = {address: [m for m in api.get(f"/sandbox/outbox?to={address}").json_body["items"]
                          if m["subject"].startswith("Payment receipt")]
                for address in ("ann@office.example.com", "contractor@online.com", "pat@field.example.com")}
    assert len(receipts["ann@office.example.com"]) == 1
    assert len(receipts["contractor@online.com"]) == 1  # the first admin asked for receipts (the default)
    assert receipts["pat@field.example.com"] == []  # a field user pays nothing and is sent no receipts

    activity = api.get("/company/activity", contractor["token"]).json_body["items"]
    paid = next(a for a in activity if a["action"] == "payment")
    assert paid["user_email"] == "ann@office.example.com" and paid["user_name"] == "Ann Office"
    assert paid["subject"].startswith("payment ") and "$1,054.70" in paid["detail"]
    assert activity[0]["action"] == "payment"  # newest first
    assert [a["action"] for a in activity].count("invitation-accepted") == 2


def test_activity_is_paged_newest_first(api, contractor):
    for n in range(5):
        invite(api, contractor["token"], f"u{n}@example.com", "field")
    first = api.get("/company/activity?limit=2", contractor["token"]).json_body
    assert [a["subject"] for a in first["items"]] == ["user u4@example.com", "user u3@example.com"]
    second = api.get(f"/company/activity?limit=2&cursor={first['next_cursor']}", contractor["token"]).json_body
    assert [a["subject"] for a in second["items"]] == ["user u2@example.com", "user u1@example.com"]
    assert api.get("/company/activity?cursor=garbage", contractor["token"]).status_code == 400


def test_inspection_requests_record_who_asked_and_mail_only_those_who_want_them(api, contractor, staff_token):
    active_permit(api, staff_token, contractor["contractor_id"], permit_no="RES16-0304")
    field = joined(api, contractor, "pat@field.example.com", "field", "Pat Field")
    api.call("PUT", "/me/notifications", {"inspection_results": False, "payments": True, "expiry_reminders": True,
                                          "application_updates": True}, contractor["token"])
    booked = api.post("/permits/RES16-0304/inspections",
                      {"inspection_type": "FOOTING", "date": "2026-11-25", "time_window": "AM"}, field)
    assert booked.status_code == 201, booked.body
    activity = api.get("/company/activity", contractor["token"]).json_body["items"]
    assert activity[0]["action"] == "inspection-requested" and activity[0]["user_email"] == "pat@field.example.com"
    assert activity[0]["subject"] == "permit RES16-0304" and activity[0]["user_name"] == "Pat Field"
    assert len(mails(api, "pat@field.example.com", "Inspection requested")) == 1
    assert mails(api, "contractor@online.com", "Inspection requested") == []  # the first admin turned them off

    assert api.delete(f"/inspections/{booked.json_body['inspection_id']}", field).status_code == 204
    assert api.get("/company/activity", contractor["token"]).json_body["items"][0]["action"] == \
        "inspection-cancelled"
