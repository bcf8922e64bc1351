"""Strict request models: unknown fields, wrong types and oversized strings are 400s."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Lengths below are generous bounds against abuse; the real rules (password policy, contact
    formats) are checked by the domain, so their messages are the county's."""

    model_config = ConfigDict(extra="forbid", strict=True)


class LoginRequest(Strict):
    contractor_id: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


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


class ResetVerifyRequest(Strict):
    contractor_id: str = Field(min_length=1, max_length=64)
    code: str = Field(min_length=1, max_length=20)


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
