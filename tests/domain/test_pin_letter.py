"""The PIN letter says what the guide's contractor needs to sign in the first time, and nothing it should not."""

from __future__ import annotations

from datetime import date

from chalicelib.domain.passwords import PasswordPolicy
from chalicelib.domain.pin_letter import pin_letter


def test_the_letter_names_the_business_pin_address_and_the_guides_steps():
    letter = pin_letter("  RICH   CONTRACTOR ", "AEC0119", "K7QM2XD9", "https://permits.kcgov.us/",
                        valid_until=date(2026, 12, 24), password_rules=PasswordPolicy().rules())
    assert letter.subject == "Your Contractor Portal PIN for RICH CONTRACTOR"
    body = letter.body
    assert "PIN: K7QM2XD9" in body and "State license: AEC0119" in body
    steps = ["1. Go to https://permits.kcgov.us/", "\"Contractor\"", "RICH CONTRACTOR, in the drop-down",
             "PIN above as the password", "security question", "PIN will no longer work"]
    assert [body.index(s) for s in steps] == sorted(body.index(s) for s in steps)  # in the guide's order
    assert "12/24/2026" in body and "Minimum of 6 characters" in body and "At least one letter and 1 number" in body


def test_a_letter_without_license_or_expiry_leaves_those_lines_out():
    body = pin_letter("ACME", "", "PIN12345", "http://127.0.0.1:8080/").body
    assert "State license" not in body and "works until" not in body and "Password rules" not in body
    assert body.startswith("To: ACME\n\nYour Contractor Portal PIN")
