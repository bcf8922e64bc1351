"""Staff accounts per person (docs/back-office.md, "Staff accounts"): a supervisor invites by e-mail, the
person accepts the one-time code once and chooses a password under the staff policy, supervisors change
and disable accounts (sessions end at once; the last supervisor stays), everyone changes their own
password, and every step is in the audit trail."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chalicelib.domain.accounts import StaffRole
from tests.conftest import STAFF_PASSWORD, Api, sign_in_as

NEW_PASSWORD = "Counter2Desk9x"  # 14 characters: the staff minimum is 12


def invite(api: Api, token: str, username: str = "jclerk", role: str = "clerk",
           email: str = "jclerk@example.gov", name: str = "Jo Clerk") -> Any:
    return api.post("/staff/users", {"username": username, "name": name, "email": email, "role": role}, token)


def mailed_code(api: Api, email: str) -> str:
    """The one-time code of the newest invitation mailed to `email` (the sandbox outbox)."""
    items = api.get(f"/sandbox/outbox?to={email}").json_body["items"]
    mail = next(i for i in items if i["subject"] == "Your Community Development back-office account")
    return re.search(r"one-time code is ([A-Z0-9-]+)\.", mail["body"]).group(1)  # type: ignore[union-attr]


def accept(api: Api, username: str, code: str, password: str = NEW_PASSWORD) -> Any:
    return api.post("/auth/staff-invitations/accept",
                    {"username": username, "code": code, "password": password, "password_confirm": password})


def staff_login(api: Api, username: str, password: str) -> Any:
    return api.post("/auth/staff-login", {"username": username, "password": password})


def joined(api: Api, supervisor: str, username: str = "jclerk", role: str = "clerk") -> str:
    """Invite and accept: the new person's token."""
    assert invite(api, supervisor, username, role, f"{username}@example.gov").status_code == 201
    response = accept(api, username, mailed_code(api, f"{username}@example.gov"))
    assert response.status_code == 200, response.body
    return str(response.json_body["token"])


def problem_slug(response: Any) -> str:
    return str(response.json_body["type"]).rsplit("/", 1)[-1]


def trail(api: Api, token: str, username: str) -> list[dict[str, Any]]:
    return api.get(f"/staff/audit?subject=staff:{username}", token).json_body["items"]


# --- inviting and accepting ---------------------------------------------------------------------


def test_an_invited_person_gets_a_mailed_code_that_works_once_and_signs_them_in(api, staff_token, clock):
    response = invite(api, staff_token)
    assert response.status_code == 201, response.body
    view = response.json_body
    assert view == {"username": "jclerk", "name": "Jo Clerk", "email": "jclerk@example.gov", "role": "clerk",
                    "status": "INVITED", "invited_at": "2026-11-24T17:00:00Z"}
    body = api.get("/sandbox/outbox?to=jclerk@example.gov").json_body["items"][0]["body"]
    assert "http://127.0.0.1:8080/staff/accept.html?username=jclerk" in body and "jclerk" in body
    code = mailed_code(api, "jclerk@example.gov")
    # Invited: no password yet, so no sign-in.
    assert staff_login(api, "jclerk", NEW_PASSWORD).status_code == 401

    clock.advance(hours=71)
    signed_in = accept(api, "jclerk", code.lower().replace("-", " "))  # as typed: case and dashes aside
    assert signed_in.status_code == 200, signed_in.body
    assert set(signed_in.json_body) == {"token", "expires_at", "role", "must_complete_setup"}
    assert signed_in.json_body["role"] == "staff" and signed_in.json_body["must_complete_setup"] is False
    me = api.get("/staff/me", signed_in.json_body["token"]).json_body
    assert me["username"] == "jclerk" and me["email"] == "jclerk@example.gov" and me["role"] == "clerk"

    again = accept(api, "jclerk", code, "Another4Password")
    assert again.status_code == 400 and problem_slug(again) == "invalid-invitation"
    assert staff_login(api, "jclerk", "Another4Password").status_code == 401
    assert staff_login(api, "jclerk", NEW_PASSWORD).status_code == 200
    supervisor = staff_login(api, "admin", STAFF_PASSWORD).json_body["token"]  # 71 hours on: a new session
    listed = api.get("/staff/users", supervisor).json_body["items"]
    clerk = next(u for u in listed if u["username"] == "jclerk")
    assert clerk["status"] == "ACTIVE" and clerk["last_sign_in_at"] == "2026-11-27T16:00:00Z"
    entries = trail(api, supervisor, "jclerk")
    assert [e["action"] for e in entries] == ["staff.joined", "staff.invited"]
    assert [e["by"] for e in entries] == ["jclerk", "admin"]


def test_a_code_stored_is_only_its_digest(api, staff_token, table):
    invite(api, staff_token)
    code = mailed_code(api, "jclerk@example.gov")
    item = table.get_item(Key={"PK": "STAFF#jclerk", "SK": "PROFILE"})["Item"]
    stored = " ".join(str(v) for v in item.values())
    assert code not in stored and code.replace("-", "") not in stored
    assert "password_hash" not in item


def test_a_code_expires_after_72_hours(api, staff_token, clock):
    invite(api, staff_token)
    code = mailed_code(api, "jclerk@example.gov")
    clock.advance(hours=72, seconds=1)
    response = accept(api, "jclerk", code)
    assert response.status_code == 400 and problem_slug(response) == "invalid-invitation"


def test_wrong_codes_and_unknown_names_answer_alike_and_are_throttled_like_sign_in(api, staff_token):
    invite(api, staff_token)
    code = mailed_code(api, "jclerk@example.gov")
    unknown = accept(api, "nobody", code)
    assert unknown.status_code == 400 and problem_slug(unknown) == "invalid-invitation"
    for left in (4, 3, 2, 1, 0):
        wrong = accept(api, "jclerk", "AAAA-BBBB-CCCC-DDDD")
        assert wrong.status_code == 400 and problem_slug(wrong) == "invalid-invitation"
        assert wrong.json_body["attempts_left"] == left
    locked = accept(api, "jclerk", code)  # the right code, too late: locked out
    assert locked.status_code == 429 and "Retry-After" in locked.headers


def test_the_staff_password_policy_has_a_longer_minimum_and_meta_rules_says_so(api, staff_token):
    rules = api.get("/meta/rules").json_body
    assert rules["staff_password"]["min_length"] == 12 > rules["password"]["min_length"]
    assert "Minimum of 12 characters" in rules["staff_password"]["rules"]
    invite(api, staff_token)
    code = mailed_code(api, "jclerk@example.gov")
    short = accept(api, "jclerk", code, "Build2Last")  # fine for a contractor, too short for staff
    assert short.status_code == 400 and problem_slug(short) == "password-rules"
    assert short.json_body["errors"][0]["field"] == "password"
    assert accept(api, "jclerk", code).status_code == 200  # the code was not spent by the refusal


def test_a_new_invitation_replaces_the_code(api, staff_token, clock):
    invite(api, staff_token)
    old = mailed_code(api, "jclerk@example.gov")
    clock.advance(minutes=1)  # the outbox lists the newest first
    response = api.post("/staff/users/jclerk/invitation", None, staff_token)
    assert response.status_code == 200 and response.json_body["status"] == "INVITED"
    new = mailed_code(api, "jclerk@example.gov")
    assert new != old
    assert problem_slug(accept(api, "jclerk", old)) == "invalid-invitation"
    assert accept(api, "jclerk", new).status_code == 200
    assert api.post("/staff/users/nobody/invitation", None, staff_token).status_code == 404


def test_names_are_unique_and_fields_are_checked(api, staff_token):
    assert invite(api, staff_token).status_code == 201
    taken = invite(api, staff_token, username="JClerk", email="other@example.gov")
    assert taken.status_code == 409 and problem_slug(taken) == "staff-username-taken"
    bad = invite(api, staff_token, username="9 lives", email="not-an-address")
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json_body["errors"]} == {"username", "email"}
    wrong_role = api.post("/staff/users", {"username": "x1", "name": "X", "email": "x@example.gov",
                                           "role": "admin"}, staff_token)
    assert wrong_role.status_code == 400


# --- the list ------------------------------------------------------------------------------------


def test_the_list_is_by_user_name_paged_and_one_query(api, staff_token, table):
    for name in ("zoe", "bob", "mia"):
        assert invite(api, staff_token, username=name, email=f"{name}@example.gov").status_code == 201
    calls: list[str] = []
    events = table.meta.client.meta.events

    def record(model: Any, **_: Any) -> None:
        calls.append(model.name)

    events.register("before-call.dynamodb", record)
    try:
        first = api.get("/staff/users?limit=2", staff_token).json_body
    finally:
        events.unregister("before-call.dynamodb", record)
    assert "Scan" not in calls and calls.count("Query") == 1
    assert [u["username"] for u in first["items"]] == ["admin", "bob"]
    second = api.get(f"/staff/users?limit=2&cursor={first['next_cursor']}", staff_token).json_body
    assert [u["username"] for u in second["items"]] == ["mia", "zoe"]
    assert all("password_hash" not in u and "invitation_digest" not in u for u in first["items"] + second["items"])
    assert api.get("/staff/users?cursor=bm9wZQ", staff_token).status_code == 400


def test_only_supervisors_manage_staff(api, staff_token):
    clerk = sign_in_as(api, StaffRole.CLERK, "kclerk")
    assert api.get("/staff/users", clerk).status_code == 403
    assert invite(api, clerk).status_code == 403
    assert api.call("PATCH", "/staff/users/kclerk", {"role": "supervisor"}, clerk).status_code == 403


# --- changing and disabling ----------------------------------------------------------------------


def test_disabling_ends_sessions_at_once_and_refuses_sign_in_until_enabled(api, staff_token):
    token = joined(api, staff_token)
    assert api.get("/staff/me", token).status_code == 200
    response = api.call("PATCH", "/staff/users/jclerk", {"disabled": True}, staff_token)
    assert response.status_code == 200 and response.json_body["status"] == "DISABLED"
    assert api.get("/staff/me", token).status_code == 401
    assert staff_login(api, "jclerk", NEW_PASSWORD).status_code == 401
    refused = api.post("/staff/users/jclerk/invitation", None, staff_token)
    assert refused.status_code == 409 and problem_slug(refused) == "staff-disabled"

    enabled = api.call("PATCH", "/staff/users/jclerk", {"disabled": False}, staff_token)
    assert enabled.json_body["status"] == "ACTIVE"
    assert staff_login(api, "jclerk", NEW_PASSWORD).status_code == 200
    changes = [e for e in trail(api, staff_token, "jclerk") if e["action"] == "staff.changed"]
    assert [c["after"] for c in changes] == [{"status": "ACTIVE"}, {"status": "DISABLED"}]
    assert changes[1]["before"] == {"status": "ACTIVE"} and changes[1]["by"] == "admin"


def test_a_new_role_and_name_take_effect_on_the_next_sign_in(api, staff_token):
    token = joined(api, staff_token)
    response = api.call("PATCH", "/staff/users/jclerk", {"role": "inspector", "name": "Jo Inspector"}, staff_token)
    assert response.status_code == 200
    assert response.json_body["role"] == "inspector" and response.json_body["name"] == "Jo Inspector"
    assert api.get("/staff/me", token).status_code == 401  # the old role's session is gone
    me = api.get("/staff/me", staff_login(api, "jclerk", NEW_PASSWORD).json_body["token"]).json_body
    assert me["role"] == "inspector" and me["name"] == "Jo Inspector" and "inspections" in me["duties"]
    assert api.call("PATCH", "/staff/users/nobody", {"name": "X"}, staff_token).status_code == 404
    assert api.call("PATCH", "/staff/users/jclerk", {"role": "boss"}, staff_token).status_code == 400


def test_the_last_active_supervisor_cannot_be_demoted_or_disabled(api, staff_token):
    for change in ({"role": "clerk"}, {"disabled": True}):
        refused = api.call("PATCH", "/staff/users/admin", change, staff_token)
        assert refused.status_code == 409 and problem_slug(refused) == "last-supervisor"
    # An invited supervisor is not yet one: still the last.
    invite(api, staff_token, username="sup2", role="supervisor", email="sup2@example.gov")
    assert problem_slug(api.call("PATCH", "/staff/users/admin", {"role": "clerk"}, staff_token)) == "last-supervisor"
    accept(api, "sup2", mailed_code(api, "sup2@example.gov"))
    demoted = api.call("PATCH", "/staff/users/admin", {"role": "clerk"}, staff_token)
    assert demoted.status_code == 200 and demoted.json_body["role"] == "clerk"
    sup2 = staff_login(api, "sup2", NEW_PASSWORD).json_body["token"]
    last = api.call("PATCH", "/staff/users/sup2", {"disabled": True}, sup2)
    assert last.status_code == 409 and problem_slug(last) == "last-supervisor"
    assert api.get("/staff/me", sup2).status_code == 200  # a refused change leaves everything as it was
    reinvited = api.post("/staff/users/sup2/invitation", None, sup2)  # would leave nobody supervising
    assert reinvited.status_code == 409 and problem_slug(reinvited) == "last-supervisor"


def test_two_supervisors_cannot_both_step_down_at_once(api, staff_token):
    """Each demotion is committed on condition that another supervisor is still active: when both
    read "two supervisors" before either lands, the second is refused."""
    from chalicelib import bootstrap
    from chalicelib.domain.errors import StaleRecord

    sign_in_as(api, StaffRole.SUPERVISOR, "sup2")
    first, second = bootstrap.staff_accounts(), bootstrap.staff_accounts()
    first.change("admin", by="admin", role="clerk")
    # `second` read the list before `first` landed: it still sees admin as the other supervisor.
    stale = [first.staff_user("sup2"), _as_read_before("admin")]
    second.accounts.active_supervisors = lambda: stale  # type: ignore[method-assign]
    with pytest.raises(StaleRecord):
        second.change("sup2", by="sup2", role="clerk")
    assert bootstrap.staff_accounts().staff_user("sup2").role is StaffRole.SUPERVISOR


def _as_read_before(username: str) -> Any:
    from chalicelib.domain.accounts import StaffUser

    return StaffUser(username, username, f"{username}@example.gov", "x", StaffRole.SUPERVISOR)


def test_a_disabled_account_opens_no_session_even_when_its_password_was_checked_first(api, staff_token):
    """The sign-in's session is written on condition that the account is still active."""
    from chalicelib import bootstrap
    from chalicelib.domain.accounts import Role, Session

    sign_in_as(api, StaffRole.CLERK, "kclerk")
    assert api.call("PATCH", "/staff/users/kclerk", {"disabled": True}, staff_token).status_code == 200
    now = bootstrap.clock().now()
    late = Session("h" * 64, Role.STAFF, "kclerk", "K", now, now, now, staff_role="clerk")
    assert bootstrap.uow().accounts.open_session(late) == "inactive"
    assert bootstrap.uow().accounts.session("h" * 64) is None


# --- one's own password --------------------------------------------------------------------------


def test_staff_change_their_own_password_and_their_other_sessions_end(api, staff_token):
    inspector = sign_in_as(api, StaffRole.INSPECTOR, "ipat")
    other = staff_login(api, "ipat", STAFF_PASSWORD).json_body["token"]
    body = {"current_password": STAFF_PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    response = api.put("/staff/me/password", body, inspector)
    assert response.status_code == 204, response.body
    assert api.get("/staff/me", inspector).status_code == 200
    assert api.get("/staff/me", other).status_code == 401
    assert staff_login(api, "ipat", STAFF_PASSWORD).status_code == 401
    assert staff_login(api, "ipat", NEW_PASSWORD).status_code == 200
    assert [e["action"] for e in trail(api, staff_token, "ipat")] == ["staff.password-changed"]
    mail = api.get("/sandbox/outbox?to=ipat@example.gov").json_body["items"]
    assert [m["subject"] for m in mail] == ["Your back-office password was changed"]


@pytest.mark.parametrize(("body", "slug"), [
    ({"current_password": "Wrong1pass", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
     "wrong-current-password"),
    ({"current_password": STAFF_PASSWORD, "password": "Short1pass", "password_confirm": "Short1pass"},
     "password-rules"),
    ({"current_password": STAFF_PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD + "x"},
     "password-rules"),
])
def test_a_password_change_is_refused_with_its_reason(api, staff_token, body, slug):
    response = api.put("/staff/me/password", body, staff_token)
    assert response.status_code == 400 and problem_slug(response) == slug
    assert staff_login(api, "admin", STAFF_PASSWORD).status_code == 200


def test_the_sign_in_is_recorded(api, staff_token, clock):
    clock.advance(minutes=20)
    staff_login(api, "admin", STAFF_PASSWORD)
    admin = next(u for u in api.get("/staff/users", staff_token).json_body["items"] if u["username"] == "admin")
    assert admin["last_sign_in_at"] == "2026-11-24T17:20:00Z"
