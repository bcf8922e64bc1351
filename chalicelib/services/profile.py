"""The guide's "View/Edit Profile": the business's contact details.

Company name and state license belong to the county's records: staff set them, the contractor
only sees them.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.clock import Clock
from chalicelib.domain.accounts import Contractor
from chalicelib.domain.contact import validate_profile
from chalicelib.domain.errors import NotFound
from chalicelib.store.accounts import AccountStore


@dataclass(frozen=True)
class Profile:
    company_name: str
    license_no: str
    address: str
    city: str
    state: str
    zip: str
    email: str
    phone: str
    cell_phone: str
    fax: str
    security_question: str

    @classmethod
    def of(cls, c: Contractor) -> Profile:
        return cls(c.company_name, c.license_no, c.address, c.city, c.state, c.zip, c.email, c.phone,
                   c.cell_phone, c.fax, c.security_question)


class ProfileService:
    def __init__(self, store: AccountStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def get(self, contractor_id: str) -> Profile:
        contractor = self.store.get_contractor(contractor_id)
        if contractor is None:
            raise NotFound("No such contractor.")
        return Profile.of(contractor)

    def update(self, contractor_id: str, fields: dict[str, str]) -> Profile:
        clean = validate_profile(fields)
        changes = {**{k: v or None for k, v in clean.items()},
                   "updated_at": int(self.clock.now().timestamp())}
        if not self.store.update_contractor(contractor_id, changes):
            raise NotFound("No such contractor.")
        return self.get(contractor_id)
