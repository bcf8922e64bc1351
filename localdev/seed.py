"""Demo data for `make run`: the demo staff user, the guide's RICH CONTRACTOR and a few others.

Seeding goes through the same services the API uses, so demo accounts obey the same rules.
Permits, fees and inspections for the guide's dashboard come from `localdev.demo_permits`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from chalicelib import bootstrap
from chalicelib.clock import Clock
from chalicelib.domain.accounts import StaffRole, StaffUser
from chalicelib.domain.credentials import hash_secret
from chalicelib.services.accounts import NewContractor
from chalicelib.store import keys

log = logging.getLogger(__name__)

RICH = NewContractor(
    company_name="RICH CONTRACTOR", license_no="AEC0119", email="CONTRACTOR@ONLINE.COM",
    address="1200 N GOVERNMENT WAY", city="COEUR D ALENE", state="ID", zip="83814", phone="208-555-0119",
)
OTHERS = (
    NewContractor(company_name="LAKE CITY PLUMBING", license_no="PLB2231", email="office@lakecityplumbing.example",
                  address="410 W APPLEWAY AVE", city="COEUR D ALENE", state="ID", zip="83814",
                  phone="208-555-0142"),
    NewContractor(company_name="NORTHWEST MECHANICAL LLC", license_no="HVC0457", email="desk@nwmech.example",
                  address="88 E SELTICE WAY", city="POST FALLS", state="ID", zip="83854", phone="208-555-0187"),
    NewContractor(company_name="BLUE RIBBON HOMES", license_no="RCE3310", email="build@blueribbon.example",
                  address="5 MAIN ST", city="HAYDEN", state="ID", zip="83835", phone="208-555-0163"),
)


@dataclass
class SeedReport:
    seeded: bool
    staff_user: str = "admin"
    staff_password: str = ""
    pins: dict[str, str] = field(default_factory=dict)  # company name -> PIN
    contractor_ids: dict[str, str] = field(default_factory=dict)


def seed_demo(clock: Clock) -> SeedReport:
    """Seed the settings' table when empty; leave a table that already has the demo staff user alone.

    Through `bootstrap`, the services a request uses: demo accounts obey the same rules."""
    bootstrap.use_clock(clock)
    settings = bootstrap.settings()
    if not settings.seeds_demo_data:  # the demo's published password never reaches a county's table
        raise RuntimeError(f"the demo data (and its staff password) is only for the local and demo stages, "
                           f"not {settings.stage!r}: make the first supervisor with `make first-supervisor`")
    uow = bootstrap.uow()
    if uow.items.get(keys.staff("admin")):
        return SeedReport(seeded=False)
    accounts = bootstrap.accounts()
    staff_password = os.environ.get("DEMO_STAFF_PASSWORD", "DemoAdmin1")
    # The demo's desk account is a supervisor (API.md Part 2); a deployed stage has no default staff.
    uow.accounts.put_staff(StaffUser("admin", "Permit Desk", settings.staff_email,
                                     hash_secret(staff_password, settings.bcrypt_cost), StaffRole.SUPERVISOR))
    report = SeedReport(seeded=True, staff_password=staff_password)
    for new in (RICH, *OTHERS):
        contractor_id, pin = accounts.register_contractor(new)
        if new is RICH:
            pin = accounts.issue_pin(contractor_id, os.environ.get("DEMO_CONTRACTOR_PIN", "123456"))
        report.pins[new.company_name] = pin
        report.contractor_ids[new.company_name] = contractor_id
    try:
        from localdev import demo_permits
    except ImportError:  # the permits feature is not there yet
        return report
    demo_permits.seed(report.contractor_ids)
    from localdev import demo_places

    demo_places.seed(report.contractor_ids)  # parcels, streets, the permits on them, a project
    return report
