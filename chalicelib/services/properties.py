"""Properties: importing the county's parcels and streets, searching and geocoding them, a parcel's permits.

An import validates the collection first (malformed → 400, nothing written), then each feature: a bad one
is rejected by its index with the reason and skipped, a parcel number seen twice in one file is rejected
the second time. The parcels are read back in groups (BatchGetItem) and only new or changed ones written
(BatchWriteItem, 25 a request): importing the same file twice writes nothing the second time.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

from chalicelib.clock import Clock
from chalicelib.domain.addresses import begins_with
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.domain.geo import BBox, cover, distance_m
from chalicelib.domain.map import NEAREST_RADIUS_M, county_cells
from chalicelib.domain.permits import Permit
from chalicelib.domain.properties import (
    ImportResult,
    Property,
    Rejected,
    Street,
    features_of,
    parse_parcel,
    parse_street,
)

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

IMPORT_GROUP = 500
"""Parcels read and written together (5 BatchGetItems, then their new items 25 a BatchWriteItem)."""
GEOCODE_LIMIT = 10
MIN_QUERY = 2


def check_query(q: object) -> str:
    text = " ".join(str(q or "").split())
    if len(text) < MIN_QUERY:
        raise InvalidInput(f"Type at least {MIN_QUERY} characters to search.",
                           [FieldProblem("q", f"must be at least {MIN_QUERY} characters")], slug="query-too-short")
    return text[:200]


class PropertyService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    # imports

    def import_parcels(self, collection: object) -> ImportResult:
        features = features_of(collection)
        result = ImportResult()
        seen: set[str] = set()
        group: list[Property] = []
        for index, feature in enumerate(features):
            try:
                prop = parse_parcel(feature)
            except ValueError as reason:
                result.rejected.append(Rejected(index, str(reason)))
                continue
            if prop.parcel_no in seen:
                result.rejected.append(Rejected(index, f"parcel_no {prop.parcel_no} appears earlier in this file"))
                continue
            seen.add(prop.parcel_no)
            group.append(prop)
            if len(group) == IMPORT_GROUP:
                self._save_parcels(group, result)
                group = []
        self._save_parcels(group, result)
        log.info("parcels imported", extra={"imported": result.imported, "updated": result.updated,
                                             "unchanged": result.unchanged, "rejected": len(result.rejected)})
        return result

    def _save_parcels(self, group: list[Property], result: ImportResult) -> None:
        if group:
            self._count(self.uow.properties.save_parcels(group), result)

    def import_streets(self, collection: object) -> ImportResult:
        features = features_of(collection)
        result = ImportResult()
        streets: dict[str, Street] = {}
        for index, feature in enumerate(features):
            try:
                street = parse_street(feature)
            except ValueError as reason:
                result.rejected.append(Rejected(index, str(reason)))
                continue
            if street.street_id in streets:
                result.rejected.append(Rejected(index, f"street {street.street_id} appears earlier in this file"))
                continue
            streets[street.street_id] = street
        ordered = list(streets.values())
        for begin in range(0, len(ordered), IMPORT_GROUP):
            self._count(self.uow.properties.save_streets(ordered[begin:begin + IMPORT_GROUP]), result)
        return result

    @staticmethod
    def _count(outcomes: list[str], result: ImportResult) -> None:
        result.imported += outcomes.count("imported")
        result.updated += outcomes.count("updated")
        result.unchanged += outcomes.count("unchanged")

    # reads

    def search(self, q: object) -> list[Property]:
        return self.uow.properties.search(check_query(q))

    def geocode(self, q: object) -> list[Property]:
        """At most ten address points, those that begin with the query first."""
        text = check_query(q)
        found = self.uow.properties.search(text)
        return sorted(found, key=lambda p: not begins_with(text, p.address))[:GEOCODE_LIMIT]

    def property(self, parcel_no: str, contractor_id: str | None) -> tuple[Property, list[Permit]]:
        """The parcel and its permits: the company's own (`contractor_id`), or all (staff: None)."""
        prop = self.uow.properties.get(parcel_no)
        if prop is None:
            raise NotFound(f"Parcel {parcel_no[:64]} was not found.")
        permits: list[Permit] = []
        for permit_no, owner in self.uow.permits.linked_to_parcel(prop.parcel_no):
            if contractor_id is not None and owner != contractor_id:
                continue  # another company's permit on the parcel: absent
            permit = self.uow.permits.get(permit_no)
            if permit is not None and permit.parcel_no == prop.parcel_no and (
                    contractor_id is None or permit.contractor_id == contractor_id):
                permits.append(permit)
        return prop, sorted(permits, key=lambda p: p.permit_no)

    def nearest(self, lat: float, lon: float) -> tuple[Property, float]:
        """The parcel whose point is nearest, within NEAREST_RADIUS_M; 404 when none is."""
        dlat = NEAREST_RADIUS_M / 111_320
        dlon = dlat / max(0.01, abs(math.cos(math.radians(lat))))
        box = BBox(max(-180.0, lon - dlon), max(-90.0, lat - dlat), min(180.0, lon + dlon), min(90.0, lat + dlat))
        cells = cover(box, 5, 16) or []
        best: tuple[Property, float] | None = None
        for prop in self.uow.properties.in_view(box, cells, 100_000)[0]:
            distance = distance_m(lat, lon, prop.lat, prop.lon)
            if distance <= NEAREST_RADIUS_M and (best is None or distance < best[1]):
                best = (prop, distance)
        if best is None:
            raise NotFound("No parcel is within 2 km of that point.")
        return best

    def streets(self, box: BBox) -> list[Street]:
        return self.uow.properties.streets_in_view(county_cells(box))
