"""Demo places for `make run`: a made-up parcel fabric and street grid around Coeur d'Alene, Idaho (Kootenai
County), the demo permits placed on the parcels of their addresses, and RICH CONTRACTOR's project
P-2026-001 NORTHSHORE ESTATES. Every parcel number, address and shape here is invented (no owner data at
all); it goes through the same import service as `make import-parcels`, and the permits are placed through
the staff service (PATCH /staff/permits/{no}'s), so the demo obeys the API's rules.
"""

from __future__ import annotations

from typing import Any

from chalicelib import bootstrap

CENTER = (-116.78, 47.68)
WEST, EAST = -116.800, -116.750
SLOTS = 17
"""Parcels on each side of an east-west street (a slot is 0.0029° of longitude, about 220 m)."""

#: east-west streets (name, latitude); the demo permits' streets among them
EAST_WEST = (
    ("E DODD RD", 47.692), ("W APPLEWAY AVE", 47.688), ("E FALLS AVE", 47.684), ("E LADYBUG LN", 47.680),
    ("W SPRUCE ST", 47.676), ("E RIVERVIEW DR", 47.672), ("CLUE RD", 47.668), ("W KEVIN CT", 47.664),
    ("E HAYDEN AVE", 47.696),
)
#: north-south streets (name, longitude)
NORTH_SOUTH = (
    ("N GOVERNMENT WAY", -116.780), ("N 4TH ST", -116.772), ("S SCHOOLHOUSE LN", -116.764),
    ("N CHASE RD", -116.756), ("S BOISE AVE", -116.788), ("N BRANDON LN", -116.796),
)
#: the demo permits' addresses (localdev/demo_permits.py), each given a parcel on its street
PERMIT_ADDRESSES = (
    "1968 E DODD RD", "1502 E FALLS AVE", "1635 E LADYBUG LN", "8050 W SPRUCE ST", "2917 S SCHOOLHOUSE LN",
    "34554 CLUE RD", "1234 W KEVIN CT", "12451 N CHASE RD", "3010 E RIVERVIEW DR", "4255 S BOISE AVE",
    "33124 N BRANDON LN", "410 W APPLEWAY AVE", "2250 N 4TH ST", "77 E HAYDEN AVE",
)
PROJECT_NO = "P-2026-001"
PROJECT_NAME = "NORTHSHORE ESTATES"
PROJECT_PERMITS = ("RES16-0688", "RES17-0150", "RES17-0156")


def _box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _feature(parcel_no: str, address: str, geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry,
            "properties": {"parcel_no": parcel_no, "address": address, "city": "COEUR D'ALENE", "state": "ID",
                           "zip": "83814"}}


def parcels() -> list[dict[str, Any]]:
    """About 300 rectangular parcels along the east-west streets, and one on each demo permit's street."""
    width = (EAST - WEST) / SLOTS
    by_street = {name: [a for a in PERMIT_ADDRESSES if a.endswith(" " + name) or a.split(" ", 1)[1] == name]
                 for name, _ in (*EAST_WEST, *NORTH_SOUTH)}
    features: list[dict[str, Any]] = []
    for street_no, (name, lat) in enumerate(EAST_WEST, 1):
        wanted = list(by_street[name])
        for side, (south, north) in enumerate(((lat + 0.0001, lat + 0.0012), (lat - 0.0012, lat - 0.0001))):
            for slot in range(SLOTS):
                west = WEST + slot * width
                address = f"{1000 + 20 * slot + side} {name}"
                if side == 0 and slot == 5 and wanted:  # the demo permit's parcel, mid-street
                    address = wanted.pop(0)
                features.append(_feature(f"C-{street_no:04d}-{side}00-{slot:04d}", address,
                                         _box(west + 0.0001, south, west + width - 0.0001, north)))
    for street_no, (name, lon) in enumerate(NORTH_SOUTH, 51):
        for index, address in enumerate(by_street[name]):
            lat = EAST_WEST[index][1] + 0.002  # between two east-west rows
            features.append(_feature(f"C-{street_no:04d}-900-{index:04d}", address,
                                     _box(lon + 0.0002, lat - 0.0006, lon + 0.0014, lat + 0.0006)))
    return features


def streets() -> list[dict[str, Any]]:
    """The grid's centre lines."""
    south, north = min(lat for _, lat in EAST_WEST) - 0.002, max(lat for _, lat in EAST_WEST) + 0.002
    lines = [(name, [[WEST - 0.002, lat], [EAST + 0.002, lat]]) for name, lat in EAST_WEST]
    lines += [(name, [[lon, south], [lon, north]]) for name, lon in NORTH_SOUTH]
    return [{"type": "Feature", "properties": {"name": name, "street_id": f"demo-{i:02d}"},
             "geometry": {"type": "LineString", "coordinates": coords}} for i, (name, coords) in enumerate(lines)]


def seed(contractor_ids: dict[str, str]) -> None:
    """Import the demo parcels and streets, place every demo permit with an address on its parcel, and
    group three of RICH CONTRACTOR's permits in project P-2026-001."""
    from localdev.demo_permits import RICH

    places = bootstrap.properties()
    places.import_parcels({"type": "FeatureCollection", "features": parcels()})
    places.import_streets({"type": "FeatureCollection", "features": streets()})
    by_address = {f["properties"]["address"]: f["properties"]["parcel_no"] for f in parcels()}
    staff = bootstrap.staff_permits()
    for contractor_id in contractor_ids.values():
        for permit in bootstrap.uow().permits.page_of_contractor(contractor_id, 200).permits:
            parcel_no = by_address.get(permit.address)
            if parcel_no:
                staff.update(permit.permit_no, {"parcel_no": parcel_no})
    rich = contractor_ids.get(RICH)
    if rich is None:
        return
    bootstrap.projects().create(PROJECT_NAME, rich, PROJECT_NO, by_address["1968 E DODD RD"])
    for permit_no in PROJECT_PERMITS:
        staff.update(permit_no, {"project_no": PROJECT_NO})
