"""Strict request models: unknown fields, wrong types, oversized strings, control characters and
dates outside the portal's range are 400s."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

# --- text --------------------------------------------------------------------------------------

#: Free text typed into a <textarea> (inspection notes, review comments, a permit's description):
#: the only fields where a line break or a tab is part of the text. Named here, not per model, so
#: every model's field of that name (in any blueprint) is treated alike.
MULTI_LINE_FIELDS = frozenset({"description", "notes", "comments"})

# Never text in a request: C0 and C1 controls and DEL (NUL truncates in other systems, ESC drives
# terminals that read the logs), U+2028/U+2029 (line breaks to JavaScript), and the bidi marks,
# embeddings, overrides and isolates (U+202E makes a name read differently from what is stored).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_NOT_TEXT = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
_NOT_MULTI_LINE_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


class Strict(BaseModel):
    """Lengths below are generous bounds against abuse; the real rules (password policy, contact
    formats) are checked by the domain, so their messages are the county's."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any, info: ValidationInfo) -> Any:
        """Every string field of every model (and every string in a list field): no control or bidi
        characters; line breaks and tabs only in the multi-line fields."""
        multi_line = info.field_name in MULTI_LINE_FIELDS
        pattern = _NOT_MULTI_LINE_TEXT if multi_line else _NOT_TEXT
        for text in _strings(value):
            if found := pattern.search(text):
                what = "control or bidirectional formatting characters"
                raise PydanticCustomError(
                    "control_character", "must not contain {what} (found U+{code})",
                    {"what": what if multi_line else f"line breaks, tabs, {what}", "code": f"{ord(found.group()):04X}"})
        return value


# --- dates -------------------------------------------------------------------------------------

#: The one range every date the API accepts must fall in: from EARLIEST_DATE to DATE_HORIZON_YEARS
#: after the county's today. Wide enough for any permit's history and life; narrow enough that date
#: arithmetic on an accepted date (expiry = issued + 180 days, reminders 14 days before, a slot kept
#: a while after an inspection) stays far inside what `date` can hold.
EARLIEST_DATE = date(1900, 1, 1)
DATE_HORIZON_YEARS = 20

_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def latest_date(today: date) -> date:
    """today + DATE_HORIZON_YEARS, the same day of the year (29 February becomes the 28th)."""
    try:
        return today.replace(year=today.year + DATE_HORIZON_YEARS)
    except ValueError:
        return today.replace(year=today.year + DATE_HORIZON_YEARS, day=28)


def date_range_problem(value: date, today: date) -> str | None:
    """Why `value` is outside the portal's date range, or None."""
    if value < EARLIEST_DATE:
        return f"must be on or after {EARLIEST_DATE.isoformat()}"
    latest = latest_date(today)
    if value > latest:
        return f"must be on or before {latest.isoformat()} ({DATE_HORIZON_YEARS} years from today)"
    return None


def _parse_date(value: Any) -> date:
    if not isinstance(value, str) or not _DATE_TEXT.fullmatch(value):
        raise PydanticCustomError("date_format", "must be a date in YYYY-MM-DD form")
    try:
        return date.fromisoformat(value)
    except ValueError:  # 2026-02-30
        raise PydanticCustomError("date_format", "must be a real date in YYYY-MM-DD form") from None


def _in_range(value: date, info: ValidationInfo) -> date:
    # parse_body passes the county's today; a model validated without it (a script) uses the host's.
    today = (info.context or {}).get("today") or date.today()
    problem = date_range_problem(value, today)
    if problem:
        raise PydanticCustomError("date_range", problem)
    return value


#: A YYYY-MM-DD date in a request body, as a `date`, within the portal's date range.
ApiDate = Annotated[date, BeforeValidator(_parse_date), AfterValidator(_in_range)]


class LoginRequest(Strict):
    contractor_id: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=254)  # a named user of the company; none: its first admin


class StaffLoginRequest(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class SetupRequest(Strict):
    security_question: str = Field(max_length=200)
    secret_answer: str = Field(max_length=200)
    secret_answer_confirm: str = Field(max_length=200)
    password: str = Field(max_length=200)
    password_confirm: str = Field(max_length=200)


class ResetStartRequest(Strict):
    contractor_id: str = Field(min_length=1, max_length=64)
    email: str = Field(default="", max_length=254)


class ResetVerifyRequest(Strict):
    contractor_id: str = Field(min_length=1, max_length=64)
    code: str = Field(min_length=1, max_length=20)
    email: str = Field(default="", max_length=254)


class ResetRequest(Strict):
    reset_token: str = Field(min_length=1, max_length=200)
    secret_answer: str = Field(max_length=200)
    password: str = Field(max_length=200)
    password_confirm: str = Field(max_length=200)


class ProfileUpdate(Strict):
    address: str = Field(max_length=200)
    city: str = Field(max_length=100)
    state: str = Field(max_length=20)
    zip: str = Field(max_length=20)
    email: str = Field(max_length=254)
    phone: str = Field(max_length=40)
    cell_phone: str = Field(default="", max_length=40)
    fax: str = Field(default="", max_length=40)
    # Needed only when the e-mail changes: reset codes go there, so it is as sensitive as the password.
    current_password: str = Field(default="", max_length=200)


class PasswordChange(Strict):
    current_password: str = Field(max_length=200)
    password: str = Field(max_length=200)
    password_confirm: str = Field(max_length=200)


class SecurityQuestionChange(Strict):
    current_password: str = Field(max_length=200)
    current_secret_answer: str = Field(max_length=200)
    security_question: str = Field(max_length=200)
    secret_answer: str = Field(max_length=200)
    secret_answer_confirm: str = Field(max_length=200)


class NewContractorRequest(Strict):
    company_name: str = Field(min_length=1, max_length=120)
    license_no: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")
    email: str = Field(max_length=254)
    address: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    state: str = Field(default="", max_length=20)
    zip: str = Field(default="", max_length=20)
    phone: str = Field(default="", max_length=40)
