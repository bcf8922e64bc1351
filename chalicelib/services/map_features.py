"""The map's features in a view (GET /map/features): a company's permits, upcoming inspections and projects,
or the county's parcels. Reads the view's geohash cells only (cost ∝ what is in view), at most
MAX_FEATURES (then `truncated`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.clock import Clock
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.geo import BBox
from chalicelib.domain.map import COMPANY_LAYERS, MAX_FEATURES, MapFeature, company_prefixes, county_cells

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork


class MapFeatureService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    def features(self, layer: str, box: BBox, contractor_id: str | None) -> tuple[list[MapFeature], bool]:
        """`contractor_id`: the signed-in company (None: staff, who see the county's layer only)."""
        if layer in COMPANY_LAYERS:
            if contractor_id is None:
                raise Forbidden("The permits, inspections and projects layers are a company's own.")
            return self.uow.map.features(layer, contractor_id, company_prefixes(box), box, MAX_FEATURES)
        return self.uow.map.features(layer, None, county_cells(box), box, MAX_FEATURES)
