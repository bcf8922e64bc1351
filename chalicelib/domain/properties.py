"""Properties (parcels), street centre lines, and what a county GIS export must look like to be imported.

A parcel is public county record: its number (APN), situs address in the county's written form
(`domain.addresses.normalise_address`), city, state, zip, a point and optionally its polygon (GeoJSON,
WGS84). An import is a GeoJSON FeatureCollection; the collection itself must be well formed (else 400,
nothing written), and each feature that is not a parcel is rejected by index with a reason and skipped.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.addresses import normalise_address, normalise_parcel_no
from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.geo import centroid

MAX_FEATURES = 50_000
"""The most features one import takes (a county of 20,000 parcels fits twice over)."""
MAX_GEOMETRY_BYTES = 300_000
"""A parcel's polygon as stored (one item: well inside DynamoDB's 400 KB)."""
PARCEL_NO_MAX = 40


@dataclass(frozen=True)
class Property:
    parcel_no: str
    address: str
    city: str
    state: str
    zip: str
    lat: float
    lon: float
    geometry: dict[str, Any] | None = None


@dataclass(frozen=True)
class Street:
    street_id: str
    name: str
    lines: list[list[list[float]]]
    """One or more LineStrings' coordinates ([lon, lat] pairs)."""


@dataclass(frozen=True)
class Rejected:
    index: int
    reason: str


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def features_of(collection: object) -> list[Any]:
    """The features of a GeoJSON FeatureCollection; 400 `bad-feature-collection` for anything else."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" \
            or not isinstance(collection.get("features"), list):
        raise InvalidInput("The body must be a GeoJSON FeatureCollection with a features list.",
                           [FieldProblem("features", "must be a list of GeoJSON features")],
                           slug="bad-feature-collection")
    features = collection["features"]
    if len(features) > MAX_FEATURES:
        raise InvalidInput(f"At most {MAX_FEATURES} features can be imported at once.",
                           [FieldProblem("features", f"must be at most {MAX_FEATURES}")],
                           slug="bad-feature-collection")
    return features


def _position(value: object) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) < 2 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value[:2]):
        raise ValueError("a coordinate is not [longitude, latitude]")
    lon, lat = float(value[0]), float(value[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError("a coordinate is outside WGS84 longitude/latitude")
    return lon, lat


def _ring(value: object) -> list[list[float]]:
    if not isinstance(value, list) or len(value) < 4:
        raise ValueError("a polygon ring needs at least four positions")
    return [list(_position(p)) for p in value]


def _text(props: dict[str, Any], name: str, limit: int, required: bool = True) -> str:
    value = props.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(f"properties.{name} is required")
        return ""
    if not isinstance(value, str | int):
        raise ValueError(f"properties.{name} must be text")
    text = " ".join(str(value).split())
    if len(text) > limit:
        raise ValueError(f"properties.{name} is longer than {limit} characters")
    return text


def parse_parcel(feature: object) -> Property:
    """A parcel from one GeoJSON feature; ValueError naming what is wrong with it."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError("not a GeoJSON Feature")
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise ValueError("properties is missing")
    parcel_no = normalise_parcel_no(_text(props, "parcel_no", PARCEL_NO_MAX))
    if any(c in parcel_no for c in "#/?&") or not parcel_no.isprintable():
        raise ValueError("properties.parcel_no may not contain #, /, ? or &")
    address = normalise_address(_text(props, "address", 200))
    if not address:
        raise ValueError("properties.address is required")
    city = _text(props, "city", 80, required=False).upper()
    state = _text(props, "state", 2, required=False).upper()
    zip_code = _text(props, "zip", 10, required=False)
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        raise ValueError("geometry is missing")
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    shape: dict[str, Any] | None = None
    if kind == "Point":
        lon, lat = _position(coords)
    elif kind == "Polygon":
        if not isinstance(coords, list) or not coords:
            raise ValueError("a Polygon needs rings")
        rings = [_ring(r) for r in coords]
        lat, lon = centroid(rings)
        shape = {"type": "Polygon", "coordinates": rings}
    elif kind == "MultiPolygon":
        if not isinstance(coords, list) or not coords or not all(isinstance(p, list) and p for p in coords):
            raise ValueError("a MultiPolygon needs polygons")
        polygons = [[_ring(r) for r in polygon] for polygon in coords]
        lat, lon = centroid(max(polygons, key=lambda p: len(p[0])))
        shape = {"type": "MultiPolygon", "coordinates": polygons}
    else:
        raise ValueError("geometry must be a Point, Polygon or MultiPolygon")
    if shape is not None and len(json.dumps(shape)) > MAX_GEOMETRY_BYTES:
        raise ValueError(f"geometry is larger than {MAX_GEOMETRY_BYTES // 1000} KB")
    return Property(parcel_no, address, city, state, zip_code, round(lat, 6), round(lon, 6), shape)


def parse_street(feature: object) -> Street:
    """A street centre line (LineString or MultiLineString with `properties.name`); ValueError if not."""
    import hashlib

    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError("not a GeoJSON Feature")
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise ValueError("properties is missing")
    name = normalise_address(_text(props, "name", 120))
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        raise ValueError("geometry is missing")
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "LineString":
        raw = [coords]
    elif kind == "MultiLineString" and isinstance(coords, list):
        raw = coords
    else:
        raise ValueError("geometry must be a LineString or MultiLineString")
    lines: list[list[list[float]]] = []
    for line in raw:
        if not isinstance(line, list) or len(line) < 2:
            raise ValueError("a line needs at least two positions")
        lines.append([[round(x, 6) for x in _position(p)] for p in line])
    if len(json.dumps(lines)) > MAX_GEOMETRY_BYTES:
        raise ValueError(f"geometry is larger than {MAX_GEOMETRY_BYTES // 1000} KB")
    given = _text(props, "street_id", 40, required=False)
    street_id = given or hashlib.sha256(json.dumps([name, lines]).encode()).hexdigest()[:16]
    return Street(street_id, name, lines)
