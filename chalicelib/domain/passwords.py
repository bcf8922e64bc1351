"""The county's password rules as one policy object.

The guide: "Minimum of 6 characters, Maximum of 25 characters, At least one letter and 1 number,
Password is case sensitive". On top of that a password found in a shipped list of common passwords
is refused. A password is never truncated: hashing pre-digests it (see `credentials.py`), so the
25-character maximum is the county's rule, not bcrypt's 72-byte limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chalicelib.domain.errors import FieldProblem, InvalidInput

_COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list, lower-cased; loaded on first use, not at import."""
    lines = _COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and line[0] != "#")


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 6
    max_length: int = 25
    require_letter: bool = True
    require_digit: bool = True
    reject_common: bool = True

    def rules(self) -> list[str]:
        """The rules as the guide lists them, for screens and error pages."""
        rules = [
            f"Minimum of {self.min_length} characters",
            f"Maximum of {self.max_length} characters",
        ]
        if self.require_letter and self.require_digit:
            rules.append("At least one letter and 1 number")
        if self.reject_common:
            rules.append("Not a commonly used password")
        rules.append("Note: Password is case sensitive")
        return rules

    def problems(self, password: str, field: str = "password") -> list[FieldProblem]:
        """Every rule the password breaks, each as a field problem; empty when it passes."""
        found: list[FieldProblem] = []
        length = len(password)
        if length < self.min_length:
            found.append(FieldProblem(field, f"must be at least {self.min_length} characters"))
        if length > self.max_length:
            found.append(FieldProblem(field, f"must be at most {self.max_length} characters"))
        if self.require_letter and not any(ch.isalpha() for ch in password):
            found.append(FieldProblem(field, "must contain at least one letter"))
        if self.require_digit and not any("0" <= ch <= "9" for ch in password):  # "²".isdigit() is True
            found.append(FieldProblem(field, "must contain at least one number"))
        if self.reject_common and password.lower() in common_passwords():
            found.append(FieldProblem(field, "is too common; choose a password others would not guess"))
        return found

    def check_new(self, password: str, confirmation: str, field: str = "password") -> None:
        """Raise InvalidInput naming each broken rule, or a mismatched confirmation."""
        found = self.problems(password, field)
        if password != confirmation:
            found.append(FieldProblem(f"{field}_confirm", "does not match the password"))
        if found:
            raise InvalidInput("The password does not meet the password rules.", found, slug="password-rules")
