"""A company's users as records of their own (issue 13): the USER# items, the sign-in that counts its
attempt and reads the user in one request, per-user sessions, and the idempotent migration of tables
written when the first user lived on the company's PROFILE item. Each test runs over moto and over
MemoryItems (the `new_uow` fixture, tests/store/conftest.py)."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.domain.accounts import Role, Session, User, UserRole, UserStatus, named_user_id
from chalicelib.store import keys
from chalicelib.store.items import Put
from tests.store.test_account_repository import NOW, raw, registered


def legacy_profile(contractor_id: str, **user: object) -> dict[str, object]:
    """A PROFILE item as tables before named users held it: the company with its first user."""
    return {**keys.contractor(contractor_id), "contractor_id": contractor_id, "company_name": f"CO {contractor_id}",
            "license_no": f"L-{contractor_id}", "email": f"{contractor_id}@example.com", "GSI3PK": keys.DIRECTORY,
            "GSI3SK": keys.directory_sort_key(f"CO {contractor_id}", contractor_id), "version": 3,
            "user_version": 2, "password_hash": "$2b$pw", "security_question": "FIRST CAR",
            "secret_answer_hash": "$2b$answer", "setup_complete": True, **user}


def test_the_migration_gives_each_company_its_first_admin_once_and_keeps_their_secrets(new_uow):
    uow = new_uow()
    uow.items.write([Put(legacy_profile("c-old"))])
    uow.items.write([Put(legacy_profile("c-pin", password_hash=None, setup_complete=False, pin_hash="$2b$pin",
                                        pin_expires_at=int((NOW + timedelta(days=3)).timestamp())))])
    registered(new_uow, "c-new", "AEC0200")  # written by this release: nothing to move

    assert new_uow().accounts.migrate_first_users() == 2
    profile = raw(new_uow, keys.contractor("c-old"))
    assert profile is not None
    assert not {"password_hash", "secret_answer_hash", "security_question", "setup_complete",
                "user_version"} & set(profile)
    assert profile["version"] == 3 and profile["company_name"] == "CO c-old"
    user = new_uow().accounts.user("c-old")
    assert user is not None
    assert (user.user_id, user.role, user.status, user.email) == ("c-old", UserRole.ADMIN, UserStatus.ACTIVE,
                                                                  "c-old@example.com")
    assert (user.password_hash, user.secret_answer_hash, user.security_question, user.setup_complete) == (
        "$2b$pw", "$2b$answer", "FIRST CAR", True)
    assert user.company_name == "CO c-old" and user.version == 2
    pin_holder = new_uow().accounts.user("c-pin")
    assert pin_holder is not None and pin_holder.pin_hash == "$2b$pin" and not pin_holder.setup_complete
    assert pin_holder.pin_expires_at == NOW + timedelta(days=3)

    before = raw(new_uow, keys.first_user("c-old"))
    assert new_uow().accounts.migrate_first_users() == 0  # idempotent
    assert raw(new_uow, keys.first_user("c-old")) == before


def test_a_sign_in_claim_counts_the_attempt_and_reads_the_user_in_one_request(new_uow):
    registered(new_uow)
    uow = new_uow()
    requests_before = len(getattr(uow.items, "requests", []))
    user, attempt, _ = uow.accounts.claim_sign_in("c-1", "c-1", NOW, 5, 900)
    assert user is not None and user.email == "CONTRACTOR@ONLINE.COM" and attempt == 1
    if hasattr(uow.items, "requests"):
        assert uow.items.requests[requests_before:] == ["UpdateItem"]
    for expected in (2, 3, 4, 5):
        assert uow.accounts.claim_sign_in("c-1", "c-1", NOW, 5, 900)[1] == expected
    locked_user, refused, _ = uow.accounts.claim_sign_in("c-1", "c-1", NOW, 5, 900)
    assert locked_user is not None and refused is None  # at the limit: refused, but the user exists
    missing, none, _ = uow.accounts.claim_sign_in("c-1", "u-nobody", NOW, 5, 900)
    assert missing is None and none is None
    assert raw(new_uow, keys.user("c-1", "u-nobody")) is None  # a claim never creates a user
    assert "ttl" not in (raw(new_uow, keys.first_user("c-1")) or {})  # a user item must never expire


def test_a_session_opens_only_while_the_user_is_active_and_revoking_one_user_keeps_the_others(new_uow):
    company, _ = registered(new_uow)
    uow = new_uow()
    named = User(named_user_id("c-1", "pat@example.com"), "c-1", "pat@example.com", UserRole.FIELD, name="Pat",
                 status=UserStatus.ACTIVE, password_hash="$2b$x", setup_complete=True)
    uow.accounts.add_user(named)
    uow.commit()

    def session(token: str, user_id: str) -> Session:
        return Session(token, Role.CONTRACTOR, "c-1", company.company_name, NOW, NOW, NOW + timedelta(hours=12),
                       user_id=user_id, user_role="field")

    accounts = new_uow().accounts
    assert accounts.open_session(session("h-admin", "c-1")) == "opened"
    assert accounts.open_session(session("h-pat", named.user_id)) == "opened"
    assert accounts.revoke_sessions(Role.CONTRACTOR, "c-1", user_id=named.user_id) == 1
    assert accounts.session("h-pat") is None and accounts.session("h-admin") is not None

    uow = new_uow()
    pat = uow.accounts.user("c-1", named.user_id)
    assert pat is not None
    pat.set_disabled(True)
    uow.accounts.save_user(pat)
    uow.commit()
    assert new_uow().accounts.open_session(session("h-pat2", named.user_id)) == "inactive"
    assert new_uow().accounts.session("h-pat2") is None  # nothing written
