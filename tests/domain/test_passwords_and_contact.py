"""The password policy, contact formats and credential hashing, without AWS."""

from __future__ import annotations

import pytest

from chalicelib.domain import credentials
from chalicelib.domain.contact import normalise_email, normalise_phone, normalise_state, normalise_zip, validate_profile
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.passwords import PasswordPolicy, common_passwords


class TestPasswordPolicy:
    policy = PasswordPolicy()

    @pytest.mark.parametrize("password", ["zq9xk2", "Build2Last", "x" * 24 + "1", "Ünïcødé9", "a1b2c3d4e5f"])
    def test_county_rules_accept(self, password):
        assert self.policy.problems(password) == []

    def test_boundaries_six_and_twenty_five(self):
        assert self.policy.problems("abcd5") and not self.policy.problems("abcde5")
        assert not self.policy.problems("a" * 24 + "5") and self.policy.problems("a" * 25 + "5")

    def test_common_passwords_are_refused_case_insensitively(self):
        assert "password1" in common_passwords()
        assert [p.message for p in self.policy.problems("PassWord1")] == [
            "is too common; choose a password others would not guess"]

    def test_policy_is_configurable(self):
        strict = PasswordPolicy(min_length=10, reject_common=False)
        assert [p.message for p in strict.problems("password1")] == ["must be at least 10 characters"]

    def test_rules_text_matches_the_guide(self):
        assert self.policy.rules()[:3] == ["Minimum of 6 characters", "Maximum of 25 characters",
                                           "At least one letter and 1 number"]

    def test_check_new_raises_with_every_problem(self):
        with pytest.raises(InvalidInput) as caught:
            self.policy.check_new("abc", "abd")
        fields = [(p.field, p.message) for p in caught.value.errors]
        assert ("password_confirm", "does not match the password") in fields
        assert ("password", "must contain at least one number") in fields


class TestCredentials:
    def test_hash_and_verify(self):
        hashed = credentials.hash_secret("Build2Last", 4)
        assert hashed.startswith("$2b$04$")
        assert credentials.verify_secret("Build2Last", hashed, 4)
        assert not credentials.verify_secret("build2last", hashed, 4)

    def test_no_truncation_past_72_bytes(self):
        base = "é" * 40  # 80 bytes in UTF-8
        hashed = credentials.hash_secret(base + "1", 4)
        assert not credentials.verify_secret(base + "2", hashed, 4)

    def test_missing_or_corrupt_hash_is_a_failed_check(self):
        assert not credentials.verify_secret("x", None, 4)
        assert not credentials.verify_secret("x", "not-a-bcrypt-hash", 4)

    def test_answers_are_normalised(self):
        normalise = credentials.normalise_answer
        assert normalise("  Corvette   Stingray ") == normalise("corvette stingray") == "corvette stingray"

    def test_tokens_are_256_bit_and_stored_as_digests(self):
        token = credentials.new_token()
        assert len(token) >= 43 and credentials.new_token() != token
        assert len(credentials.token_digest(token)) == 64 and token not in credentials.token_digest(token)

    def test_pins_and_codes_are_numeric_and_random(self):
        pins = {credentials.new_pin() for _ in range(50)}
        assert all(len(p) == 8 and p.isdigit() for p in pins) and len(pins) > 45
        assert credentials.new_reset_code().isdigit()


class TestContact:
    @pytest.mark.parametrize("raw", ["(208) 555-0134", "208.555.0134", "208 555 0134", "2085550134",
                                     "+1 208 555 0134", "1-208-555-0134", "208/555-0134"])
    def test_usual_phone_spellings_normalise(self, raw):
        assert normalise_phone(raw) == "208-555-0134"

    @pytest.mark.parametrize("raw", ["555-0134", "208-555-013", "2085550134x", "(208) 055-0134", "٢٠٨٥٥٥٠١٣٤"])
    def test_bad_phones_are_refused(self, raw):
        with pytest.raises(ValueError):
            normalise_phone(raw)

    def test_zip_forms(self):
        assert normalise_zip("83814") == "83814"
        assert normalise_zip("838141234") == "83814-1234"
        assert normalise_zip("83814 1234") == "83814-1234"
        with pytest.raises(ValueError):
            normalise_zip("8381A")

    def test_state_codes(self):
        assert normalise_state(" id ") == "ID"
        assert normalise_state("PR") == "PR"
        with pytest.raises(ValueError):
            normalise_state("Idaho")

    @pytest.mark.parametrize("raw", ["CONTRACTOR@ONLINE.COM", "a.b+c@sub.example.org"])
    def test_good_emails(self, raw):
        assert normalise_email(raw) == raw

    @pytest.mark.parametrize("raw", ["plain", "a@b", "a b@example.com", "a@example..com", "@example.com"])
    def test_bad_emails(self, raw):
        with pytest.raises(ValueError):
            normalise_email(raw)

    def test_validate_profile_names_every_bad_field(self):
        with pytest.raises(InvalidInput) as caught:
            validate_profile({"address": "", "city": "Hayden", "state": "ZZ", "zip": "1", "email": "x",
                              "phone": "1", "fax": "2"})
        assert {p.field for p in caught.value.errors} == {"address", "state", "zip", "email", "phone", "fax"}


def test_only_ascii_digits_count():
    assert [p.message for p in PasswordPolicy().problems("abcdef²")] == ["must contain at least one number"]
    with pytest.raises(ValueError):
        normalise_zip("٨٣٨١٤")
