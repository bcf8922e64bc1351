"""AccountService and ProfileService on the in-memory unit of work: no moto, no HTTP, milliseconds.

Each call gets a new unit of work over one `MemoryItems`, as each request gets one over the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.clock import FixedClock
from chalicelib.domain import credentials
from chalicelib.domain.accounts import Principal, Role, ThrottleKind
from chalicelib.domain.errors import Conflict, Forbidden, InvalidInput, StaleRecord, TooManyAttempts, Unauthenticated
from chalicelib.services.accounts import AccountService, AuthConfig, NewContractor
from chalicelib.services.profile import ProfileService
from chalicelib.store.items import MemoryItems
from chalicelib.store.unit_of_work import UnitOfWork

PASSWORD = "Build2Last"
ANSWER = "Corvette"
PROFILE = {"address": "1200 N Government Way", "city": "Coeur d'Alene", "state": "ID", "zip": "83814",
           "email": "office@rich.example", "phone": "208-555-0119"}


@dataclass
class Mailbox:
    """A notifier that keeps what it is given; `refuse` makes it raise like SES refusing a message."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)
    refuse: bool = False

    def send(self, to: str, subject: str, body: str) -> None:
        if self.refuse:
            raise RuntimeError("MessageRejected")
        self.sent.append((to, subject, body))

    def subjects(self, to: str) -> list[str]:
        return [s for t, s, _ in self.sent if t.lower() == to.lower()]

    def reset_code(self) -> str:
        body = [b for _, s, b in self.sent if s == "Your password reset code"][-1]
        return re.search(r"code is (\d{6})", body).group(1)  # type: ignore[union-attr]


class Portal:
    """One in-memory table, a clock and a mailbox; a fresh unit of work per service, as per request."""

    def __init__(self, config: AuthConfig | None = None) -> None:
        self.items = MemoryItems()
        self.clock = FixedClock(datetime(2026, 11, 24, 17, 0, tzinfo=UTC))
        self.mail = Mailbox()
        self.config = config or AuthConfig(bcrypt_cost=4)

    def accounts(self) -> AccountService:
        return AccountService(UnitOfWork(self.items), self.clock, self.mail, self.config)

    def profiles(self) -> ProfileService:
        return ProfileService(UnitOfWork(self.items), self.clock, self.mail, self.config)

    def register(self, name: str = "RICH CONTRACTOR", license_no: str = "AEC0119",
                 email: str = "CONTRACTOR@ONLINE.COM") -> tuple[str, str]:
        return self.accounts().register_contractor(NewContractor(name, license_no, email))

    def principal(self, token: str) -> Principal:
        return self.accounts().authenticate(token)

    def set_up(self, contractor_id: str, pin: str, password: str = PASSWORD) -> str:
        setup = self.principal(self.accounts().login(contractor_id, pin).token)
        return self.accounts().complete_setup(setup, "FIRST CAR", ANSWER, ANSWER, password, password).token

    def contractor(self) -> tuple[str, str]:
        """A registered business that finished set-up: (contractor_id, token)."""
        contractor_id, pin = self.register()
        return contractor_id, self.set_up(contractor_id, pin)


@pytest.fixture
def portal() -> Portal:
    return Portal()


# --- registering, the PIN and set-up -----------------------------------------------------------


def test_a_registered_business_signs_in_with_its_pin_to_a_setup_only_session(portal):
    contractor_id, pin = portal.register()
    signed_in = portal.accounts().login(contractor_id, pin)
    assert signed_in.role is Role.CONTRACTOR and signed_in.must_complete_setup
    principal = portal.principal(signed_in.token)
    assert principal.setup_only and principal.principal_id == contractor_id
    assert principal.user_id == contractor_id  # the first user, the PIN holder
    assert principal.display_name == "RICH CONTRACTOR"


def test_setup_sets_the_password_retires_the_pin_and_mails_a_notice(portal):
    contractor_id, pin = portal.register()
    token = portal.set_up(contractor_id, pin)
    assert not portal.principal(token).setup_only
    with pytest.raises(Unauthenticated):
        portal.accounts().login(contractor_id, pin)
    assert not portal.accounts().login(contractor_id, PASSWORD).must_complete_setup
    assert portal.mail.subjects("contractor@online.com") == ["Your portal password was changed"]
    user = UnitOfWork(portal.items).accounts.user(contractor_id)
    assert user is not None and user.setup_complete and user.pin_hash is None


def test_setup_revokes_the_pin_session(portal):
    contractor_id, pin = portal.register()
    setup_token = portal.accounts().login(contractor_id, pin).token
    setup = portal.principal(setup_token)
    portal.accounts().complete_setup(setup, "FIRST CAR", ANSWER, ANSWER, PASSWORD, PASSWORD)
    with pytest.raises(Unauthenticated):
        portal.principal(setup_token)


def test_a_pin_completes_setup_once_even_with_a_stale_session(portal):
    contractor_id, pin = portal.register()
    setup = portal.principal(portal.accounts().login(contractor_id, pin).token)
    portal.accounts().complete_setup(setup, "FIRST CAR", ANSWER, ANSWER, PASSWORD, PASSWORD)
    with pytest.raises(Conflict) as refused:  # a principal resolved before the first set-up landed
        portal.accounts().complete_setup(setup, "FIRST CAR", ANSWER, ANSWER, "Other2Pass", "Other2Pass")
    assert refused.value.slug == "setup-complete"


def test_a_license_is_registered_once(portal):
    portal.register()
    with pytest.raises(Conflict) as refused:
        portal.register("OTHER", "aec0119", "o@example.com")
    assert refused.value.slug == "license-taken"
    assert [c.company_name for c in portal.accounts().directory()] == ["RICH CONTRACTOR"]


def test_the_directory_lists_companies_by_name(portal):
    portal.register("ZEBRA BUILDERS", "ZB100", "z@example.com")
    portal.register()
    portal.register("ACME HOMES", "AH200", "a@example.com")
    assert [c.company_name for c in portal.accounts().directory()] == ["ACME HOMES", "RICH CONTRACTOR",
                                                                       "ZEBRA BUILDERS"]


def test_an_expired_pin_does_not_sign_in(portal):
    contractor_id, pin = portal.register()
    portal.clock.advance(days=30, seconds=1)
    with pytest.raises(Unauthenticated):
        portal.accounts().login(contractor_id, pin)


# --- passwords and the lock-out ----------------------------------------------------------------


def test_the_password_signs_in_with_one_claim_that_reads_the_user_and_one_transaction(portal):
    """The claim counts the attempt on the user's item and answers with the user; the transaction opens
    the session while the user is active and the source is not locked out."""
    contractor_id, _ = portal.contractor()
    portal.items.requests.clear()
    signed_in = portal.accounts().login(contractor_id, PASSWORD, source="203.0.113.9")
    assert not signed_in.must_complete_setup
    assert signed_in.expires_at == portal.clock.now() + timedelta(minutes=30)
    assert portal.items.requests == ["UpdateItem", "TransactWriteItems"]


def test_five_failures_lock_the_sign_in_with_a_retry_after(portal):
    contractor_id, _ = portal.contractor()
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            portal.accounts().login(contractor_id, "Wrong1234")
    with pytest.raises(TooManyAttempts) as locked:
        portal.accounts().login(contractor_id, PASSWORD)
    assert locked.value.status == 429 and 0 < locked.value.retry_after <= 15 * 60
    portal.clock.advance(minutes=15, seconds=1)
    assert portal.accounts().login(contractor_id, PASSWORD).token


def test_a_missing_business_is_answered_and_throttled_alike(portal):
    for _ in range(5):
        with pytest.raises(Unauthenticated) as wrong:
            portal.accounts().login("c-nobody", "Wrong1234")
        assert wrong.value.slug == "wrong-credentials"
    with pytest.raises(TooManyAttempts):
        portal.accounts().login("c-nobody", "Wrong1234")


def test_a_success_clears_the_failure_count(portal):
    contractor_id, _ = portal.contractor()
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            portal.accounts().login(contractor_id, "Wrong1234")
    portal.accounts().login(contractor_id, PASSWORD)
    assert UnitOfWork(portal.items).accounts.sign_in_throttle(contractor_id, contractor_id).failures == 0


def test_attempts_claimed_and_still_in_flight_refuse_the_next_one_even_if_right(portal):
    """Five guesses claimed together (counted before their secrets are checked) leave no room for a
    sixth, the right one included; the claims of requests that died stop counting after a lock-out."""
    contractor_id, _ = portal.contractor()
    repo, now = UnitOfWork(portal.items).accounts, portal.clock.now()
    claims = [repo.claim_sign_in(contractor_id, contractor_id, now, 5, 900)[1] for _ in range(5)]
    assert claims == [1, 2, 3, 4, 5]
    with pytest.raises(TooManyAttempts) as refused:
        portal.accounts().login(contractor_id, PASSWORD)
    assert refused.value.retry_after == 15 * 60  # the lock the fifth failure is about to set
    portal.clock.advance(minutes=15)
    assert portal.accounts().login(contractor_id, PASSWORD).token


def test_the_fifth_failure_of_claims_in_flight_locks(portal):
    contractor_id, _ = portal.contractor()
    repo, now = UnitOfWork(portal.items).accounts, portal.clock.now()
    claims = [repo.claim_attempt(ThrottleKind.SIGN_IN, contractor_id, now, 5, 900) for _ in range(5)]
    for number in claims:  # their checks all fail, in any order
        repo.fail_attempt(ThrottleKind.SIGN_IN, contractor_id, number, now, 5, 900)
    throttle = repo.throttle(ThrottleKind.SIGN_IN, contractor_id)
    assert throttle.retry_after(now) == 900


def test_a_source_failing_across_accounts_is_refused_and_others_are_not():
    portal = Portal(AuthConfig(bcrypt_cost=4, source_max_failed_attempts=3))
    contractor_id, _ = portal.contractor()
    for victim in ("c-one", "c-two", "c-three"):
        with pytest.raises(Unauthenticated):
            portal.accounts().login(victim, "Wrong9999", source="203.0.113.9")
    with pytest.raises(TooManyAttempts):
        portal.accounts().login(contractor_id, PASSWORD, source="203.0.113.9")
    assert portal.accounts().login(contractor_id, PASSWORD, source="198.51.100.7").token


def test_logout_ends_the_session(portal):
    _, token = portal.contractor()
    principal = portal.principal(token)
    portal.accounts().logout(principal)
    with pytest.raises(Unauthenticated):
        portal.principal(token)


def test_sessions_end_after_idle_minutes_and_touches_keep_them(portal):
    _, token = portal.contractor()
    portal.clock.advance(minutes=29)
    portal.principal(token)
    portal.clock.advance(minutes=29)
    portal.principal(token)
    portal.clock.advance(minutes=30, seconds=1)
    with pytest.raises(Unauthenticated):
        portal.principal(token)


# --- forgotten password ------------------------------------------------------------------------


def test_the_reset_code_is_mailed_with_the_configured_lifetime_and_traded_once():
    portal = Portal(AuthConfig(bcrypt_cost=4, reset_code_valid=timedelta(minutes=10)))
    contractor_id, _ = portal.contractor()
    portal.accounts().start_reset(contractor_id)
    body = next(b for _, s, b in portal.mail.sent if s == "Your password reset code")
    assert "for 10 minutes" in body
    code = portal.mail.reset_code()
    token, question = portal.accounts().verify_reset(contractor_id, code)
    assert question == "FIRST CAR"
    with pytest.raises(InvalidInput) as reused:
        portal.accounts().verify_reset(contractor_id, code)
    assert reused.value.slug == "wrong-reset-code"
    portal.accounts().reset_password(token, "  corvette ", "NewPass42", "NewPass42")
    assert portal.accounts().login(contractor_id, "NewPass42").token
    with pytest.raises(Unauthenticated):
        portal.accounts().login(contractor_id, PASSWORD)


def test_a_reset_revokes_sessions_and_its_token_works_once(portal):
    contractor_id, session_token = portal.contractor()
    portal.accounts().start_reset(contractor_id)
    token, _ = portal.accounts().verify_reset(contractor_id, portal.mail.reset_code())
    portal.accounts().reset_password(token, ANSWER, "NewPass42", "NewPass42")
    with pytest.raises(Unauthenticated):
        portal.principal(session_token)
    with pytest.raises(InvalidInput) as used:
        portal.accounts().reset_password(token, ANSWER, "Again42xx", "Again42xx")
    assert used.value.slug == "reset-link-expired"
    assert portal.mail.subjects("contractor@online.com").count("Your portal password was changed") == 2


def test_a_reset_token_read_by_two_requests_changes_the_password_once(portal):
    contractor_id, _ = portal.contractor()
    portal.accounts().start_reset(contractor_id)
    token, _ = portal.accounts().verify_reset(contractor_id, portal.mail.reset_code())
    first, second = portal.accounts(), portal.accounts()
    found = second.accounts.reset_token(credentials.token_digest(token))
    # The second request read the token before the first used it.
    second.accounts.reset_token = lambda _digest: found  # type: ignore[method-assign]
    first.reset_password(token, ANSWER, "FirstWin42", "FirstWin42")
    with pytest.raises(InvalidInput) as lost:
        second.reset_password(token, ANSWER, "Second42x", "Second42x")
    assert lost.value.slug == "reset-link-expired"
    assert portal.accounts().login(contractor_id, "FirstWin42").token


def test_a_wrong_code_is_counted_and_new_codes_buy_no_more_guesses(portal):
    contractor_id, _ = portal.contractor()
    outcomes = []
    for _ in range(2):
        portal.accounts().start_reset(contractor_id)
        for _ in range(5):
            try:
                portal.accounts().verify_reset(contractor_id, "123456x")
                outcomes.append("ok")
            except InvalidInput:
                outcomes.append("wrong")
            except TooManyAttempts:
                outcomes.append("429")
    assert outcomes == ["wrong"] * 5 + ["429"] * 5


def test_wrong_secret_answers_count_against_signing_in(portal):
    contractor_id, _ = portal.contractor()
    portal.accounts().start_reset(contractor_id)
    token, _ = portal.accounts().verify_reset(contractor_id, portal.mail.reset_code())
    for _ in range(5):
        with pytest.raises(InvalidInput) as wrong:
            portal.accounts().reset_password(token, "Pinto", "NewPass42", "NewPass42")
        assert wrong.value.slug == "wrong-secret-answer"
    with pytest.raises(TooManyAttempts):
        portal.accounts().reset_password(token, ANSWER, "NewPass42", "NewPass42")
    with pytest.raises(TooManyAttempts):
        portal.accounts().login(contractor_id, PASSWORD)


def test_at_most_three_codes_are_mailed_an_hour_and_nothing_for_unknown_businesses(portal):
    contractor_id, _ = portal.contractor()
    portal.mail.sent.clear()
    portal.accounts().start_reset("c-unknown")
    for _ in range(5):
        portal.accounts().start_reset(contractor_id)
    assert len(portal.mail.sent) == 3
    portal.clock.advance(hours=1)
    portal.accounts().start_reset(contractor_id)
    assert len(portal.mail.sent) == 4


def test_a_refused_reset_mail_does_not_fail_the_request(portal, caplog):
    contractor_id, _ = portal.contractor()
    portal.mail.refuse = True
    portal.accounts().start_reset(contractor_id)  # no exception
    assert "could not send mail 'Your password reset code'" in caplog.text


# --- profile -----------------------------------------------------------------------------------


def test_changing_the_email_needs_the_current_password_and_tells_the_old_address(portal):
    _, token = portal.contractor()
    principal = portal.principal(token)
    with pytest.raises(InvalidInput) as missing:
        portal.profiles().update(principal, PROFILE)
    assert missing.value.errors[0].field == "current_password"
    with pytest.raises(InvalidInput) as wrong:
        portal.profiles().update(principal, PROFILE, "Wrong9999")
    assert wrong.value.slug == "wrong-current-password"
    company, _ = portal.profiles().get(principal)
    assert company.email == "CONTRACTOR@ONLINE.COM"
    company, user = portal.profiles().update(principal, PROFILE, PASSWORD)
    assert company.email == user.email == "office@rich.example"
    notice = [b for t, s, b in portal.mail.sent if s == "Your portal e-mail address was changed"]
    assert len(notice) == 1 and "o***@rich.example" in notice[0]
    assert portal.mail.subjects("contractor@online.com")[-1] == "Your portal e-mail address was changed"


def test_other_profile_fields_change_without_the_password_and_keep_the_secrets(portal):
    contractor_id, token = portal.contractor()
    company, user = portal.profiles().update(portal.principal(token), {**PROFILE, "email": "contractor@online.com"})
    assert company.city == "Coeur d'Alene" and company.phone == "208-555-0119"
    assert user.security_question == "FIRST CAR"
    assert portal.accounts().login(contractor_id, PASSWORD).token  # the user's attributes were not touched


def test_wrong_passwords_on_the_email_change_count_towards_the_lock(portal):
    _, token = portal.contractor()
    principal = portal.principal(token)
    for _ in range(5):
        with pytest.raises(InvalidInput):
            portal.profiles().update(principal, PROFILE, "Wrong9999")
    with pytest.raises(TooManyAttempts):
        portal.profiles().update(principal, PROFILE, PASSWORD)


def test_a_profile_changed_meanwhile_is_refused_not_overwritten(portal):
    _, token = portal.contractor()
    principal = portal.principal(token)
    slow = portal.profiles()
    read = slow.get(principal)
    slow.get = lambda _principal: read  # type: ignore[method-assign]  # it read before the other change landed
    portal.profiles().update(principal, {**PROFILE, "email": "contractor@online.com", "city": "Hayden"})
    with pytest.raises(StaleRecord):
        slow.update(principal, {**PROFILE, "email": "contractor@online.com", "city": "Post Falls"})
    assert portal.profiles().get(principal)[0].city == "Hayden"


def test_a_password_change_does_not_refuse_a_profile_edit_read_before_it(portal):
    """Company and user save their own attributes under their own versions."""
    contractor_id, token = portal.contractor()
    principal = portal.principal(token)
    slow = portal.profiles()
    read = slow.get(principal)
    slow.get = lambda _principal: read  # type: ignore[method-assign]
    portal.accounts().change_password(principal, PASSWORD, "Fresh2026x", "Fresh2026x")
    slow.update(principal, {**PROFILE, "email": "contractor@online.com"})
    assert portal.accounts().login(contractor_id, "Fresh2026x").token


def test_a_password_change_keeps_this_session_and_ends_the_others(portal):
    contractor_id, token = portal.contractor()
    other = portal.accounts().login(contractor_id, PASSWORD).token
    portal.accounts().change_password(portal.principal(token), PASSWORD, "Fresh2026x", "Fresh2026x")
    assert portal.principal(token)
    with pytest.raises(Unauthenticated):
        portal.principal(other)


def test_the_security_question_changes_with_the_password_and_the_current_answer(portal):
    _, token = portal.contractor()
    principal = portal.principal(token)
    with pytest.raises(InvalidInput) as wrong:
        portal.accounts().change_security_question(principal, PASSWORD, "Pinto", "FIRST PET", "Rex", "rex")
    assert wrong.value.errors[0].field == "current_secret_answer"
    portal.accounts().change_security_question(principal, PASSWORD, ANSWER, "FIRST PET", "Rex", "rex")
    assert portal.profiles().get(principal)[1].security_question == "FIRST PET"


# --- staff: PINs -------------------------------------------------------------------------------


def test_a_new_pin_revokes_sessions_stops_the_password_and_forces_setup(portal):
    contractor_id, token = portal.contractor()
    new_pin = portal.accounts().issue_pin(contractor_id)
    with pytest.raises(Unauthenticated):
        portal.principal(token)
    with pytest.raises(Unauthenticated):
        portal.accounts().login(contractor_id, PASSWORD)
    assert portal.accounts().login(contractor_id, new_pin).must_complete_setup


def test_a_new_pin_clears_the_lock(portal):
    contractor_id, _ = portal.contractor()
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            portal.accounts().login(contractor_id, "Wrong1234")
    pin = portal.accounts().issue_pin(contractor_id, "24681357")
    assert portal.accounts().login(contractor_id, pin).must_complete_setup


def test_staff_complete_no_setup_and_unknown_businesses_get_no_pin(portal):
    from chalicelib.domain.errors import NotFound

    with pytest.raises(NotFound):
        portal.accounts().issue_pin("c-none")
    staff = Principal(Role.STAFF, "admin", "Permit Desk", "hash", setup_only=True)
    with pytest.raises(Forbidden):
        portal.accounts().complete_setup(staff, "Q", "A", "A", PASSWORD, PASSWORD)
