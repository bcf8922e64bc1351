"""The back office's lists (docs/back-office.md "Lists"): contractors, permits, the day's inspections,
the refund queue and "awaiting issue". Read only: nothing here changes a record, so nothing is audited.

Every list is a Query of a key made for it (chalicelib/store/keys.py, "the back office's lists"), or a
GetItem; never a Scan. Rows name the contractor's company: one BatchGetItem of the page's companies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalicelib.domain.accounts import Company, User
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.domain.inspections import Inspection
from chalicelib.domain.permits import (
    Permit,
    PermitStatus,
    address_search_form,
    is_valid_permit_no,
    parse_permit_no,
    parse_permit_status,
)

MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class PermitList:
    permits: list[Permit]
    company_names: dict[str, str]
    next_cursor: str | None = None


@dataclass(frozen=True)
class ContractorFile:
    company: Company
    user: User
    permits: PermitList


@dataclass(frozen=True)
class DayInspection:
    inspection: Inspection
    address: str
    company_name: str


def _query_text(q: str | None, field: str = "q") -> str:
    text = " ".join((q or "").split())
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"The search text is longer than {MAX_QUERY_LENGTH} characters.",
                           [FieldProblem(field, f"must be at most {MAX_QUERY_LENGTH} characters")])
    return text


class StaffLists:
    """What the back office lists and searches. `uow` is only read; `clock` gives "now" for FEES DUE."""

    def __init__(self, uow: Any, clock: Any) -> None:
        self.uow = uow
        self.clock = clock

    def now(self) -> datetime:
        return self.clock.now()

    def company_names(self, contractor_ids: list[str]) -> dict[str, str]:
        """contractor id → company name, for the rows of one page (one BatchGetItem per hundred)."""
        return {i: c.company_name for i, c in self.uow.accounts.companies_by_id(contractor_ids).items()}

    # --- contractors --------------------------------------------------------------------------------

    def contractors(self, q: str | None, limit: int,
                    cursor: str | None = None) -> tuple[list[tuple[Company, User]], str | None]:
        """Companies whose name starts with `q` (any case), by name; on the first page the holder of the
        license `q` comes first when there is one (a GetItem of its claim)."""
        text = _query_text(q)
        found, next_cursor = self.uow.accounts.search_companies(text, limit, cursor)
        if text and not cursor:
            holder = self.uow.accounts.contractor_of_license(text)
            if holder is not None and all(c.contractor_id != holder for c, _ in found):
                account = self.uow.accounts.company_and_user(holder)
                if account is not None:
                    found = [account, *found]
        return found, next_cursor

    def contractor(self, contractor_id: str, limit: int, cursor: str | None = None) -> ContractorFile:
        """One company, its first user, and a page of its permits (active, then the archive)."""
        account = self.uow.accounts.company_and_user(contractor_id) if 0 < len(contractor_id) <= 64 else None
        if account is None:
            raise NotFound(f"No contractor {contractor_id[:64]}.")
        company, user = account
        page = self.uow.permits.page_of_contractor(company.contractor_id, limit, cursor)
        return ContractorFile(company, user, PermitList(page.permits, {company.contractor_id: company.company_name},
                                                        page.next_cursor))

    # --- permits ------------------------------------------------------------------------------------

    def permits(self, q: str | None, status: str | None, limit: int, cursor: str | None = None) -> PermitList:
        """Permits by number (`q` a permit number), or by the start of their address, of one status or all."""
        text = _query_text(q)
        wanted = parse_permit_status(status, "status") if status else None
        if text and is_valid_permit_no(text):
            permit = self.uow.permits.get(str(parse_permit_no(text)))
            permits = [permit] if permit is not None and (wanted is None or permit.status is wanted) else []
            if permits:
                return self._rows(permits, None)
            # (nothing by that number: its text may still start an address, so search addresses too)
        page = self.uow.permits.search_page(wanted, address_search_form(text), limit, cursor)
        return self._rows(page.permits, page.next_cursor)

    def awaiting_issue(self) -> PermitList:
        """READY TO ISSUE with every fee paid: the clerk's "fees paid, awaiting issue", by address."""
        now = self.now()
        return self._rows([p for p in self.uow.permits.of_status(PermitStatus.READY_TO_ISSUE) if p.awaits_issue(now)],
                          None)

    def _rows(self, permits: list[Permit], next_cursor: str | None) -> PermitList:
        return PermitList(permits, self.company_names([p.contractor_id for p in permits]), next_cursor)

    # --- inspections --------------------------------------------------------------------------------

    def inspections_on(self, day: date) -> list[DayInspection]:
        """Every inspection of the day across permits, by address then time window (AM, PM, ANY)."""
        found = self.uow.permits.inspections_on(day)
        names = self.company_names([i.contractor_id for i, _ in found])
        return [DayInspection(i, address, names.get(i.contractor_id, "")) for i, address in found]

