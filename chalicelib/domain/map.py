"""The map's layers and limits (GET /meta/rules "map"), and a feature as every layer shows it."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.geo import CELL_PRECISION, MAX_CELLS, BBox, cover

LAYERS = ("permits", "inspections", "projects", "properties")
COMPANY_LAYERS = frozenset({"permits", "inspections", "projects"})
MAX_FEATURES = 1000
MAX_BBOX_DEGREES = 0.05
"""The widest view (either side, degrees) the county layers (parcels, streets) are read for: ~4 km."""
NEAREST_RADIUS_M = 2000


@dataclass(frozen=True)
class MapFeature:
    layer: str
    id: str
    lat: float
    lon: float
    label: str
    address: str
    status: str | None
    permit_no: str | None = None


def parse_layer(text: object) -> str:
    layer = str(text or "").strip().lower()
    if layer not in LAYERS:
        raise InvalidInput(f"layer must be one of {', '.join(LAYERS)}.",
                           [FieldProblem("layer", f"must be one of {', '.join(LAYERS)}")], slug="bad-layer")
    return layer


def county_cells(box: BBox) -> list[str]:
    """The geohash-5 cells of a view of the county layers; 400 `bbox-too-large` past MAX_BBOX_DEGREES."""
    cells = cover(box, CELL_PRECISION, MAX_CELLS)
    if box.width > MAX_BBOX_DEGREES or box.height > MAX_BBOX_DEGREES or cells is None:
        raise InvalidInput(f"The view is wider than {MAX_BBOX_DEGREES} degrees: zoom in to see parcels.",
                           [FieldProblem("bbox", f"must be at most {MAX_BBOX_DEGREES} degrees wide and high")],
                           slug="bbox-too-large")
    return cells


def company_prefixes(box: BBox) -> list[str]:
    """Geohash prefixes covering a view of a company's layer: the finest precision (5 down to 1) whose
    cover is at most MAX_CELLS cells, so any zoom is a handful of ranges of the company's partition."""
    for precision in range(CELL_PRECISION, 0, -1):
        cells = cover(box, precision, MAX_CELLS)
        if cells is not None:
            return cells
    return [""]  # the whole world: every feature of the company's layer
