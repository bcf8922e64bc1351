"""Points, bounding boxes and the geohash cells that cover them (the map's index: DESIGN.md, "map view").

A geohash interleaves longitude and latitude bits into base-32 characters; a cell of precision 5 is about
4.9 km by 4.9 km, of 9 about 5 m. A map view (bbox) is read as the precision-5 cells it touches: each is one
Query, so a view costs what is in it. Written here (about forty lines) rather than depended on: the small
PyPI packages for it are either unmaintained or pull in numpy, and we need encode and a cover only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from chalicelib.domain.errors import FieldProblem, InvalidInput

_BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
CELL_PRECISION = 5
POINT_PRECISION = 9
MAX_CELLS = 16
"""A view needing more precision-5 cells than this is refused (bbox-too-large): 16 cells is ~20 km across."""


def encode(lat: float, lon: float, precision: int = POINT_PRECISION) -> str:
    """The geohash of a point, `precision` characters."""
    lat_range, lon_range = [-90.0, 90.0], [-180.0, 180.0]
    out: list[str] = []
    bits, value, even = 0, 0, True
    while len(out) < precision:
        rng, coord = (lon_range, lon) if even else (lat_range, lat)
        mid = (rng[0] + rng[1]) / 2
        if coord >= mid:
            value = value * 2 + 1
            rng[0] = mid
        else:
            value *= 2
            rng[1] = mid
        even = not even
        bits += 1
        if bits == 5:
            out.append(_BASE32[value])
            bits, value = 0, 0
    return "".join(out)


def cell_size(precision: int) -> tuple[float, float]:
    """(height in degrees of latitude, width in degrees of longitude) of a cell of `precision`."""
    lon_bits = math.ceil(precision * 5 / 2)
    lat_bits = precision * 5 // 2
    return 180.0 / 2**lat_bits, 360.0 / 2**lon_bits


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    @property
    def width(self) -> float:
        return self.east - self.west

    @property
    def height(self) -> float:
        return self.north - self.south

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


def parse_bbox(text: object) -> BBox:
    """`w,s,e,n` in degrees (WGS84): 400 `bad-bbox` unless four finite numbers in range with w ≤ e, s ≤ n."""
    parts = str(text or "").split(",")
    try:
        if len(parts) != 4:
            raise ValueError(text)
        w, s, e, n = (float(p) for p in parts)
        if not all(math.isfinite(v) for v in (w, s, e, n)):
            raise ValueError(text)
    except ValueError:
        raise InvalidInput("bbox must be four numbers: west,south,east,north (degrees).",
                           [FieldProblem("bbox", "must be west,south,east,north")], slug="bad-bbox") from None
    if not (-180 <= w <= e <= 180 and -90 <= s <= n <= 90):
        raise InvalidInput("bbox is outside longitude -180..180 and latitude -90..90, or west > east or south > "
                           "north.", [FieldProblem("bbox", "is not a valid box")], slug="bad-bbox")
    return BBox(w, s, e, n)


def cover(box: BBox, precision: int = CELL_PRECISION, max_cells: int = MAX_CELLS) -> list[str] | None:
    """The geohash cells of `precision` that together cover `box`, or None when more than `max_cells`."""
    height, width = cell_size(precision)
    rows = int(math.floor((min(box.north, 90 - 1e-9) + 90) / height) - math.floor((box.south + 90) / height)) + 1
    cols = int(math.floor((min(box.east, 180 - 1e-9) + 180) / width) - math.floor((box.west + 180) / width)) + 1
    if rows * cols > max_cells:
        return None
    cells: list[str] = []
    for r in range(rows):
        lat = min(box.south + r * height, box.north)
        for c in range(cols):
            lon = min(box.west + c * width, box.east)
            cells.append(encode(lat, lon, precision))
    # Stepping by a cell from the south-west corner meets every cell once; the corner cells close the edges.
    cells += [encode(box.north, box.east, precision), encode(box.north, box.west, precision),
              encode(box.south, box.east, precision)]
    return sorted(set(cells))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, a)))


def centroid(rings: list[list[list[float]]]) -> tuple[float, float]:
    """(lat, lon) of a polygon's outer ring (the area-weighted centroid; the mean of its points if degenerate)."""
    ring = rings[0]
    ox, oy = ring[0][0], ring[0][1]  # relative to the first point: a parcel is tiny next to its coordinates
    area = cx = cy = 0.0
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        x0, y0, x1, y1 = a[0] - ox, a[1] - oy, b[0] - ox, b[1] - oy
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-15:
        return sum(p[1] for p in ring) / len(ring), sum(p[0] for p in ring) / len(ring)
    return oy + cy / (3 * area), ox + cx / (3 * area)
