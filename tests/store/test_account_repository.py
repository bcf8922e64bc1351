"""The account repository's items and conditions: the same on moto's DynamoDB as on MemoryItems.

Every test runs twice, over `DynamoItems` (moto, with the table from infra/ and real DynamoDB's
request rules) and over `MemoryItems` (what the service tests use), so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.accounts import Company, Role, Session, StaffUser, ThrottleKind, User
from chalicelib.domain.errors import StaleRecord
from chalicelib.store import keys
from chalicelib.store.unit_of_work import UnitOfWork

NOW = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
SIGN_IN = ThrottleKind.SIGN_IN


def company_and_user(contractor_id: str = "c-1", license_no: str = "AEC0119") -> tuple[Company, User]:
    company = Company(contractor_id, "RICH CONTRACTOR", license_no, "CONTRACTOR@ONLINE.COM", city="HAYDEN",
                      created_at=NOW, updated_at=NOW)
    user = User(contractor_id, contractor_id, "CONTRACTOR@ONLINE.COM", pin_hash="$2b$pin",
                pin_expires_at=NOW + timedelta(days=30))
    return company, user


def registered(new_uow: Callable[[], UnitOfWork], contractor_id: str = "c-1",
               license_no: str = "AEC0119") -> tuple[Company, User]:
    uow = new_uow()
    company, user = company_and_user(contractor_id, license_no)
    uow.accounts.add_company(company, user)
    uow.commit()
    return company, user


def raw(new_uow: Callable[[], UnitOfWork], key: dict[str, str]) -> dict[str, Any] | None:
    return new_uow().items.get(key)


# --- the PROFILE item: company and first user ------------------------------------------------


def test_a_new_company_and_its_first_user_are_two_items_of_the_companys_partition(new_uow):
    registered(new_uow)
    item = raw(new_uow, keys.contractor("c-1"))
    assert item is not None
    assert set(item) == {"PK", "SK", "GSI3PK", "GSI3SK", "contractor_id", "company_name", "license_no", "email",
                         "city", "created_at", "updated_at", "version"}
    assert (item["PK"], item["SK"], item["GSI3PK"], item["GSI3SK"]) == (
        "CONTRACTOR#c-1", "PROFILE", "DIRECTORY", "RICH CONTRACTOR#c-1")
    user_item = raw(new_uow, keys.first_user("c-1"))
    assert user_item is not None and (user_item["PK"], user_item["SK"]) == ("CONTRACTOR#c-1", "USER#c-1")
    assert {"user_id", "contractor_id", "email", "role", "status", "pin_hash", "pin_expires_at", "setup_complete",
            "notifications", "version"} <= set(user_item)
    assert "GSI1PK" not in user_item and "GSI3PK" not in user_item and "ttl" not in user_item
    assert user_item["pin_expires_at"] == int((NOW + timedelta(days=30)).timestamp())
    assert user_item["setup_complete"] is False and user_item["role"] == "admin"
    assert raw(new_uow, keys.license_claim("aec0119"))["contractor_id"] == "c-1"
    company, user = new_uow().accounts.company_and_user("c-1")
    assert (company.company_name, company.city, company.version) == ("RICH CONTRACTOR", "HAYDEN", 1)
    assert (user.user_id, user.email, user.pin_hash, user.version) == ("c-1", "CONTRACTOR@ONLINE.COM", "$2b$pin", 1)
    assert user.pin_expires_at == NOW + timedelta(days=30)


def test_the_company_and_a_user_are_read_in_one_batch(new_uow):
    registered(new_uow)
    uow = new_uow()
    before = len(getattr(uow.items, "requests", []))
    account = uow.accounts.company_and_user("c-1")
    assert account is not None and account[0].contractor_id == account[1].contractor_id == "c-1"
    if hasattr(uow.items, "requests"):
        assert uow.items.requests[before:] == ["BatchGetItem"]
    assert uow.accounts.company_and_user("c-none") is None
    assert uow.accounts.company_and_user("c-1", "u-nobody") is None


def test_a_license_is_claimed_once_and_a_refused_registration_writes_nothing(new_uow):
    registered(new_uow)
    uow = new_uow()
    uow.accounts.add_company(*company_and_user("c-2", "aec0119"))
    with pytest.raises(StaleRecord):
        uow.commit()
    assert new_uow().accounts.company("c-2") is None


def test_saves_touch_only_their_own_attributes_under_their_own_versions(new_uow):
    registered(new_uow)
    first, second = new_uow(), new_uow()
    company, _ = first.accounts.company_and_user("c-1")
    _, user = second.accounts.company_and_user("c-1")
    company.update_profile({"city": "POST FALLS", "fax": ""}, NOW)
    first.accounts.save_company(company)
    first.commit()
    user.change_password("Build2Last", 4)
    user.setup_complete = True
    second.accounts.save_user(user)
    second.commit()  # the company changed meanwhile, the user did not: not refused
    item, user_item = raw(new_uow, keys.contractor("c-1")), raw(new_uow, keys.first_user("c-1"))
    assert (item["city"], item["version"], user_item["version"]) == ("POST FALLS", 2, 2)
    assert user_item["password_hash"] == user.password_hash and user_item["setup_complete"] is True
    assert "password_hash" not in item


def test_a_stale_company_or_user_is_refused_and_nothing_is_written(new_uow):
    registered(new_uow)
    stale_company, stale_user = new_uow().accounts.company_and_user("c-1")
    fresh = new_uow()
    company, user = fresh.accounts.company_and_user("c-1")
    company.update_profile({"city": "POST FALLS"}, NOW)
    user.security_question = "FIRST CAR"
    fresh.accounts.save_account(company, user)
    fresh.commit()
    stale_company.email = "thief@example.net"
    stale_user.security_question = "FIRST PET"
    for save, record in (("save_company", stale_company), ("save_user", stale_user)):
        uow = new_uow()
        getattr(uow.accounts, save)(record)
        with pytest.raises(StaleRecord):
            uow.commit()
    item, user_item = raw(new_uow, keys.contractor("c-1")), raw(new_uow, keys.first_user("c-1"))
    assert (item["city"], item["email"], user_item["security_question"]) == (
        "POST FALLS", "CONTRACTOR@ONLINE.COM", "FIRST CAR")


def test_saving_never_creates_a_missing_account(new_uow):
    company, user = company_and_user()
    for save, record in (("save_company", company), ("save_user", user)):
        uow = new_uow()
        getattr(uow.accounts, save)(record)
        with pytest.raises(StaleRecord):
            uow.commit()
    assert raw(new_uow, keys.contractor("c-1")) is None


def test_an_item_written_before_versions_saves_at_version_zero(new_uow):
    new_uow().items.put_many([{**keys.contractor("c-old"), "GSI1PK": "DIRECTORY", "GSI1SK": "OLD CO#c-old",
                               "contractor_id": "c-old", "company_name": "OLD CO", "license_no": "OLD1",
                               "email": "old@example.com"}])
    uow = new_uow()
    company = uow.accounts.company("c-old")
    assert company is not None and company.version == 0
    uow.accounts.save_company(company)
    uow.commit()
    item = raw(new_uow, keys.contractor("c-old"))
    assert item["version"] == 1
    # A save moves an entry of the old directory (full items on GSI1) to GSI3's.
    assert "GSI1PK" not in item and "GSI1SK" not in item
    assert (item["GSI3PK"], item["GSI3SK"]) == ("DIRECTORY", "OLD CO#c-old")
    assert [c.contractor_id for c in new_uow().accounts.directory()] == ["c-old"]


def test_the_backfill_moves_the_old_directory_to_gsi3_once(new_uow):
    registered(new_uow)
    new_uow().items.put_many([{**keys.contractor(f"c-old{i}"), "GSI1PK": "DIRECTORY", "GSI1SK": f"OLD CO {i}#c-old{i}",
                               "contractor_id": f"c-old{i}", "company_name": f"OLD CO {i}", "license_no": f"OLD{i}",
                               "email": "old@example.com"} for i in range(3)])
    assert [c.contractor_id for c in new_uow().accounts.directory()] == ["c-1"]  # before: not listed
    assert new_uow().accounts.backfill_directory() == 3
    assert [c.contractor_id for c in new_uow().accounts.directory()] == ["c-old0", "c-old1", "c-old2", "c-1"]
    assert new_uow().accounts.backfill_directory() == 0  # idempotent
    item = raw(new_uow, keys.contractor("c-old1"))
    assert "GSI1PK" not in item and item["email"] == "old@example.com"  # nothing else touched


def test_the_directory_is_sorted_and_leaves_damaged_items_out(new_uow):
    registered(new_uow, "c-2", "ZB1")
    uow = new_uow()
    company, user = company_and_user("c-1", "AH1")
    company.company_name = "ACME HOMES"
    uow.accounts.add_company(company, user)
    uow.commit()
    new_uow().items.put_many([{**keys.contractor("c-bad"), "GSI3PK": "DIRECTORY", "GSI3SK": "#c-bad",
                               "contractor_id": "c-bad"}])
    assert [(c.contractor_id, c.company_name) for c in new_uow().accounts.directory()] == [
        ("c-1", "ACME HOMES"), ("c-2", "RICH CONTRACTOR")]


# --- throttles and rate windows --------------------------------------------------------------


def test_attempts_are_claimed_up_to_the_limit_and_stale_claims_expire(new_uow):
    repo = new_uow().accounts
    assert [repo.claim_attempt(SIGN_IN, "C-1", NOW, 5, 900) for _ in range(6)] == [1, 2, 3, 4, 5, None]
    later = NOW + timedelta(seconds=900)
    assert repo.claim_attempt(SIGN_IN, "c-1", later, 5, 900) == 6  # nobody checked those five: stale
    item = raw(new_uow, keys.throttle("contractor", "c-1"))
    assert (item["claimed_at"], item["ttl"]) == (int(later.timestamp()), int(later.timestamp()) + 86400)


def test_the_limitth_failure_locks_and_the_lock_refuses_claims_until_it_ends(new_uow):
    repo = new_uow().accounts
    for number in [repo.claim_attempt(SIGN_IN, "c-1", NOW, 5, 900) for _ in range(5)]:
        repo.fail_attempt(SIGN_IN, "c-1", number, NOW, 5, 900)
    assert repo.throttle(SIGN_IN, "c-1").retry_after(NOW) == 900
    assert repo.claim_attempt(SIGN_IN, "c-1", NOW + timedelta(seconds=899), 5, 900) is None
    assert repo.claim_attempt(SIGN_IN, "c-1", NOW + timedelta(seconds=900), 5, 900) == 1


def test_a_failure_after_a_cleared_count_does_not_recreate_the_throttle(new_uow):
    repo = new_uow().accounts
    repo.claim_attempt(SIGN_IN, "c-1", NOW, 1, 900)
    repo.clear_throttles((SIGN_IN, "c-1"))
    repo.fail_attempt(SIGN_IN, "c-1", 1, NOW, 1, 900)
    assert raw(new_uow, keys.throttle("contractor", "c-1")) is None


def test_failures_recorded_after_the_fact_lock_at_the_limit(new_uow):
    repo = new_uow().accounts
    assert [repo.record_failure(SIGN_IN, "c-1", NOW, 3, 900).failures for _ in range(2)] == [1, 2]
    assert repo.record_failure(SIGN_IN, "c-1", NOW, 3, 900).retry_after(NOW) == 900
    assert repo.throttle(SIGN_IN, "c-1").retry_after(NOW) == 900


def test_a_window_counts_uses_up_to_its_limit(new_uow):
    repo = new_uow().accounts
    assert [repo.take_from_window("reset-mail", "c-1", 3600, 3) for _ in range(4)] == [True, True, True, False]
    assert repo.take_from_window("reset-mail", "c-1", 7200, 3)


# --- sessions --------------------------------------------------------------------------------


def session(token_hash: str, principal_id: str = "c-1") -> Session:
    return Session(token_hash, Role.CONTRACTOR, principal_id, "RICH CONTRACTOR", NOW, NOW, NOW + timedelta(hours=12),
                   user_id=principal_id)


def test_a_session_its_index_entry_and_the_cleared_count_are_one_write(new_uow):
    registered(new_uow)
    repo = new_uow().accounts
    repo.claim_attempt(SIGN_IN, "c-1", NOW, 5, 900)
    repo.open_session(session("h1"), clear_throttle=(SIGN_IN, "c-1"))
    assert raw(new_uow, keys.throttle("contractor", "c-1")) is None
    assert raw(new_uow, keys.session_index_entry("contractor", "c-1", "h1"))["ttl"] == int(
        (NOW + timedelta(hours=12)).timestamp())
    found = repo.session("h1")
    assert found is not None and (found.principal_id, found.user_id, found.setup_only) == ("c-1", "c-1", False)


def test_revoking_keeps_the_one_asked_for_and_touching_never_resurrects(new_uow):
    registered(new_uow)
    registered(new_uow, "c-2", "AEC0200")
    repo = new_uow().accounts
    for token_hash in ("h1", "h2", "h3"):
        repo.open_session(session(token_hash))
    repo.open_session(session("other", "c-2"))
    assert repo.revoke_sessions(Role.CONTRACTOR, "c-1", keep="h2") == 2
    assert [h for h in ("h1", "h2", "h3", "other") if repo.session(h)] == ["h2", "other"]
    repo.touch_session("h1", NOW + timedelta(minutes=5))
    assert repo.session("h1") is None
    repo.end_session(Role.CONTRACTOR, "c-1", "h2")
    assert repo.session("h2") is None and raw(new_uow, keys.session_index_entry("contractor", "c-1", "h2")) is None


# --- staff and reset codes -------------------------------------------------------------------


def test_staff_users_are_read_with_a_throttle(new_uow):
    repo = new_uow().accounts
    repo.put_staff(StaffUser("Admin", "Permit Desk", "desk@example.gov", "$2b$x"))
    staff, throttle = repo.staff_with_throttle("admin", ThrottleKind.SOURCE, "-#1")
    assert staff == StaffUser("admin", "Permit Desk", "desk@example.gov", "$2b$x") and throttle.failures == 0


def test_a_reset_code_is_traded_for_a_token_once(new_uow):
    repo = new_uow().accounts
    repo.put_reset_code("c-1", "digest-1", NOW + timedelta(minutes=15))
    code = repo.reset_code("c-1")
    assert code is not None and code.expires_at == NOW + timedelta(minutes=15)
    assert repo.trade_reset_code("c-1", "digest-1", "t1", NOW + timedelta(minutes=15))
    assert not repo.trade_reset_code("c-1", "digest-1", "t2", NOW + timedelta(minutes=15))  # raced: lost
    assert repo.reset_code("c-1") is None and repo.reset_token("t2") is None
    token = repo.reset_token("t1")
    assert token is not None and token.contractor_id == "c-1"


def test_a_replaced_code_cannot_be_traded(new_uow):
    repo = new_uow().accounts
    repo.put_reset_code("c-1", "digest-1", NOW + timedelta(minutes=15))
    repo.put_reset_code("c-1", "digest-2", NOW + timedelta(minutes=15))
    assert not repo.trade_reset_code("c-1", "digest-1", "t1", NOW + timedelta(minutes=15))


def test_a_reset_token_is_used_with_the_password_change_or_not_at_all(new_uow):
    registered(new_uow)
    repo = new_uow().accounts
    repo.put_reset_code("c-1", "d", NOW + timedelta(minutes=15))
    repo.trade_reset_code("c-1", "d", "t1", NOW + timedelta(minutes=15))
    for attempt in range(2):
        uow = new_uow()
        user = uow.accounts.user("c-1")
        user.change_password(f"Pass{attempt}word", 4)
        uow.accounts.use_reset_token("t1")
        uow.accounts.save_user(user, clear_sign_in=True)
        uow.accounts.forget_throttles((ThrottleKind.RESET_CODE, "c-1"))
        if attempt == 0:
            uow.commit()
            continue
        with pytest.raises(StaleRecord):  # the token is gone: the second change writes nothing
            uow.commit()
    assert not new_uow().accounts.reset_token_exists("t1")
    assert raw(new_uow, keys.first_user("c-1"))["version"] == 2
