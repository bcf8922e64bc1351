"""Projects: a company's permits grouped (a subdivision, a development), with what is due on them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.money import sum_money
from chalicelib.domain.permits import Permit

PROJECT_NO = re.compile(r"^[A-Z0-9][A-Z0-9\-]{0,39}$")


class ProjectStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


@dataclass
class Project:
    project_no: str
    name: str
    contractor_id: str
    status: ProjectStatus = ProjectStatus.ACTIVE
    parcel_no: str | None = None
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    version: int = 0


def parse_project_no(text: object, field: str = "project_no") -> str:
    no = str(text or "").strip().upper()
    if not PROJECT_NO.match(no):
        raise InvalidInput("A project number is letters, digits and dashes, at most 40.",
                           [FieldProblem(field, "must be letters, digits and dashes")])
    return no


def generated_project_no(year: int, seq: int) -> str:
    """`P-<yyyy>-<nnn>`: the county's numbering for projects."""
    return f"P-{year}-{seq:03d}"


def project_fees_due(permits: list[Permit], now: datetime) -> Decimal:
    """Every fee due now on the project's permits: each permit's own `fees_due`, summed as money."""
    return sum_money(p.fees_due(now) for p in permits)
