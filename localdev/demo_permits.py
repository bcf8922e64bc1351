"""Demo permits for `make run`: RICH CONTRACTOR's dashboard is the county guide's first dashboard.

Ten active permits (four ACTIVE with `Request`, fees due 0.00, 0.00, 0.00, 0.00, 1023.98, 572.43,
1567.25, 35.00, 82.00, 0.00), the ADDRESSING inspection on RES17-0150, and three expired permits that
keep their ACTIVE status. RES16-0688 carries the six fee lines of the guide's checkout summary.
The guide's dates are from 2016-17; here they are moved relative to today so the demo makes sense:
active permits expire in the future, the expired ones in the past (and the expiry job flags them).
Everything goes through the staff service and the job, so the demo obeys the same rules as the API.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib import bootstrap
from chalicelib.services.staff_permits import StaffPermitService

RICH = "RICH CONTRACTOR"
LAKE_CITY = "LAKE CITY PLUMBING"

#: permit no, address, type, status, days since issue (ACTIVE ones), fee lines
RICH_ACTIVE: tuple[tuple[str, str, str, str, int | None, tuple[tuple[str, str], ...]], ...] = (
    ("RES16-0304", "1502 E FALLS AVE", "RESIDENTIAL", "ACTIVE", 40, ()),
    ("RES16-0308", "1635 E LADYBUG LN", "RESIDENTIAL", "ACTIVE", 75, ()),
    ("RES16-0314", "8050 W SPRUCE ST", "RESIDENTIAL", "ACTIVE", 120, ()),
    ("RES16-0686", "2917 S SCHOOLHOUSE LN", "RESIDENTIAL", "ACTIVE", 20, ()),
    ("RES16-0688", "1968 E DODD RD", "RESIDENTIAL", "READY TO ISSUE", None, (
        ("MECHANICAL PERMIT", "96.00"),
        ("PLAN REVIEW FEE BALANCE", "65.08"),
        ("BUILDING PERMIT FEE", "650.75"),
        ("PLANNING", "35.00"),
        ("RES/GAR/ADD PARTIAL PLAN REVIEW FEE", "130.15"),
        ("FIRE DISTRICT INSPECTION FEE", "47.00"),
    )),
    ("RES17-0150", "34554 CLUE RD", "RESIDENTIAL", "IN REVIEW", None, (
        ("BUILDING PERMIT FEE", "412.43"),
        ("PLAN REVIEW FEE", "160.00"),
    )),
    ("RES17-0156", "1234 W KEVIN CT", "RESIDENTIAL", "PENDING APPROVAL", None, (
        ("BUILDING PERMIT FEE", "1204.50"),
        ("PLAN REVIEW FEE", "362.75"),
    )),
    ("RES17-0163", "", "RESIDENTIAL", "SUBMITTED", None, (("PLANNING", "35.00"),)),
    ("RES17-0167", "", "RESIDENTIAL", "SUBMITTED", None, (("PLAN REVIEW DEPOSIT", "82.00"),)),
    ("WEB17-0002", "12451 N CHASE RD", "MECHANICAL", "SUBMITTED", None, ()),
)

#: permit no, address, days since it expired (the guide's three, oldest first)
RICH_EXPIRED = (
    ("RES16-0310", "3010 E RIVERVIEW DR", 45),
    ("RES16-0689", "4255 S BOISE AVE", 20),
    ("RES16-0690", "33124 N BRANDON LN", 3),
)


def seed(contractor_ids: dict[str, str]) -> None:
    """Seed the guide's permits for RICH CONTRACTOR and a few for LAKE CITY PLUMBING (bootstrap's clock)."""
    staff = bootstrap.staff_permits()
    today = staff.config.calendar.local_today(bootstrap.clock().now())
    rich = contractor_ids[RICH]

    for no, address, kind, status, issued_ago, fees in RICH_ACTIVE:
        fields: dict[str, Any] = {"contractor_id": rich, "address": address, "type": kind, "status": status,
                                  "applied_date": (today - timedelta(days=(issued_ago or 0) + 30)).isoformat()}
        if issued_ago is not None:
            fields["issued_date"] = (today - timedelta(days=issued_ago)).isoformat()
        staff.create(fields, permit_no=no)
        for description, amount in fees:
            staff.add_fee(no, description, amount)

    for no, address, expired_ago in RICH_EXPIRED:
        expires = today - timedelta(days=expired_ago)
        issued = expires - timedelta(days=180)
        staff.create({"contractor_id": rich, "address": address, "type": "RESIDENTIAL", "status": "ACTIVE",
                      "applied_date": (issued - timedelta(days=21)).isoformat(), "issued_date": issued.isoformat(),
                      "expires_date": expires.isoformat()}, permit_no=no)

    # RES17-0150: the guide's one active inspection, with its reviews and plans.
    staff.schedule("RES17-0150", "ADDRESSING", _business_day_after(staff, today))
    staff.add_review("RES17-0150", "BUILDING", "APPROVED", today - timedelta(days=6), "Plans meet the IRC.")
    staff.add_review("RES17-0150", "PLANNING", "IN REVIEW", today - timedelta(days=2),
                     "Address assignment pending the ADDRESSING inspection.")
    staff.add_attachment("RES17-0150", "SITE PLAN.pdf")
    staff.add_attachment("RES17-0150", "FLOOR PLAN.pdf")
    staff.add_review("RES16-0688", "BUILDING", "APPROVED", today - timedelta(days=9), "")
    staff.add_attachment("RES16-0688", "PLOT PLAN.pdf")

    if LAKE_CITY in contractor_ids:
        lake = contractor_ids[LAKE_CITY]
        staff.create({"contractor_id": lake, "address": "410 W APPLEWAY AVE", "type": "MECHANICAL",
                      "status": "ACTIVE", "issued_date": (today - timedelta(days=10)).isoformat(),
                      "description": "Replace gas furnace and water heater"})
        pending = staff.create({"contractor_id": lake, "address": "2250 N 4TH ST", "type": "RESIDENTIAL",
                                "status": "SUBMITTED", "description": "Bathroom remodel, re-pipe"})
        staff.add_fee(pending.permit_no, "PLUMBING PERMIT", "120.00")
        staff.create({"contractor_id": lake, "address": "77 E HAYDEN AVE", "type": "RESIDENTIAL",
                      "status": "FINALED", "issued_date": (today - timedelta(days=90)).isoformat()})

    bootstrap.expiry_job().run()  # flags the three expired permits, as the daily job would have


def _business_day_after(staff: StaffPermitService, today: date) -> date:
    return staff.config.calendar.next_business_day(today + timedelta(days=2))
