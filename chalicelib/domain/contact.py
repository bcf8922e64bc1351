"""Contact details as the county accepts them: USPS state codes, ZIP or ZIP+4, e-mail, US phones.

Each function validates one value and returns it normalised for storage, or raises ValueError with
the message shown next to the field.
"""

from __future__ import annotations

import re

from chalicelib.domain.errors import FieldProblem, InvalidInput

# USPS codes: the states, DC, the territories and the military "states".
USPS_STATE_CODES = frozenset(
    [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
        "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
        "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
        "WI", "WY", "DC", "AS", "GU", "MP", "PR", "VI", "UM", "AA", "AE", "AP",
    ]
)

_ZIP = re.compile(r"^([0-9]{5})(?:[-\s]?([0-9]{4}))?$")  # ASCII digits only: \d would take ٨٣٨١٤
# Practical e-mail shape: one @, a dotted domain, no spaces; RFC 5321 length limits.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]")


def normalise_state(value: str) -> str:
    code = value.strip().upper()
    if code not in USPS_STATE_CODES:
        raise ValueError("must be a two-letter USPS state code, e.g. ID")
    return code


def normalise_zip(value: str) -> str:
    """'83814', '83814-1234', '83814 1234' and '838141234' are accepted; stored as 83814 or 83814-1234."""
    match = _ZIP.match(value.strip())
    if not match:
        raise ValueError("must be a 5-digit ZIP code or ZIP+4, e.g. 83814 or 83814-1234")
    five, four = match.groups()
    return f"{five}-{four}" if four else five


def normalise_email(value: str) -> str:
    address = value.strip()
    if len(address) > 254 or not _EMAIL.match(address) or len(address.split("@")[0]) > 64:
        raise ValueError("must be an e-mail address like name@example.com")
    return address  # kept as typed: the county's records show addresses the way contractors wrote them


def normalise_phone(value: str) -> str:
    """A 10-digit North American number in any usual spelling, stored as 208-555-0134.

    Accepts (208) 555-0134, 208.555.0134, 208 555 0134, 2085550134, +1 208 555 0134, 1-208-555-0134.
    """
    digits = _PHONE_PUNCTUATION.sub("", value.strip())
    if digits.startswith("+1"):
        digits = digits[2:]
    elif digits.startswith("1") and len(digits) == 11:
        digits = digits[1:]
    if not digits.isdigit() or len(digits) != 10 or not digits.isascii():
        raise ValueError("must be a 10-digit US phone number, e.g. (208) 555-0134")
    if digits[0] in "01" or digits[3] in "01":
        raise ValueError("is not a valid US phone number (area code and exchange start with 2-9)")
    return f"{digits[0:3]}-{digits[3:6]}-{digits[6:]}"


PROFILE_REQUIRED = ("address", "city", "state", "zip", "email", "phone")
PROFILE_OPTIONAL = ("cell_phone", "fax")
_NORMALISERS = {
    "state": normalise_state, "zip": normalise_zip, "email": normalise_email,
    "phone": normalise_phone, "cell_phone": normalise_phone, "fax": normalise_phone,
}


def validate_profile(fields: dict[str, str]) -> dict[str, str]:
    """The guide's "Edit Information" form: required fields (*) present, each value well formed.

    Returns the values normalised for storage; raises InvalidInput naming every bad field at once.
    Optional fields may be blank to clear them.
    """
    clean: dict[str, str] = {}
    problems: list[FieldProblem] = []
    for name in PROFILE_REQUIRED + PROFILE_OPTIONAL:
        value = " ".join((fields.get(name) or "").split())
        if not value:
            if name in PROFILE_REQUIRED:
                problems.append(FieldProblem(name, "is required"))
            clean[name] = ""
            continue
        try:
            clean[name] = _NORMALISERS.get(name, str)(value)
        except ValueError as error:
            problems.append(FieldProblem(name, str(error)))
    if problems:
        raise InvalidInput("The profile was not saved: correct the fields below.", problems)
    return clean
