"""Properties (the county's parcels), Locate My Address, and the staff import (API.md Part 2)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import IMPORT_BODY_BYTES, county_today, ok, read_json, route
from chalicelib.api.paging import page_of, page_params
from chalicelib.api.place_views import address_point, property_detail, property_json
from chalicelib.domain.accounts import StaffDuty
from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.properties import ImportResult

bp = Blueprint(__name__)


def _query() -> Mapping[str, str]:
    return bp.current_request.query_params or {}


@route(bp, "/properties", methods=["GET"])
def search_properties() -> object:
    guard.reader(bp.current_request)
    query = _query()
    limit, cursor = page_params(query)
    found = bootstrap.properties().search(query.get("q", ""))
    # The matches are read whole (cost ∝ matches) and ranked; a cursor is the position in that ranking.
    page, next_cursor = page_of(list(enumerate(found)), limit, cursor, lambda pair: f"{pair[0]:08d}")
    return ok({"items": [property_json(p) for _, p in page], "next_cursor": next_cursor})


@route(bp, "/properties/{parcel_no}", methods=["GET"])
def get_property(parcel_no: str) -> object:
    contractor_id = guard.reader(bp.current_request)
    prop, permits = bootstrap.properties().property(parcel_no, contractor_id)
    return ok(property_detail(prop, permits, bootstrap.clock().now(), county_today()))


@route(bp, "/geocode", methods=["GET"])
def geocode() -> object:
    guard.reader(bp.current_request)
    return ok({"items": [address_point(p) for p in bootstrap.properties().geocode(_query().get("q", ""))]})


def _number(name: str, low: float, high: float) -> float:
    text = (_query().get(name) or "").strip()
    try:
        value = float(text)
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(text)
    except ValueError:
        raise InvalidInput(f"{name} must be a number from {low:g} to {high:g}.",
                           [FieldProblem(name, f"must be a number from {low:g} to {high:g}")]) from None
    return value


@route(bp, "/geocode/nearest", methods=["GET"])
def nearest() -> object:
    guard.reader(bp.current_request)
    lat, lon = _number("lat", -90, 90), _number("lon", -180, 180)
    prop, distance = bootstrap.properties().nearest(lat, lon)
    return ok({**address_point(prop), "distance_m": round(distance, 1)})


def import_json(result: ImportResult) -> dict[str, object]:
    return {"imported": result.imported, "updated": result.updated, "unchanged": result.unchanged,
            "rejected": [{"index": r.index, "reason": r.reason} for r in result.rejected]}


@route(bp, "/staff/properties/import", methods=["POST"])
def import_properties() -> object:
    """A county GIS export (GeoJSON FeatureCollection), up to 6 MB (http.BODY_LIMITS); larger files go
    through `make import-parcels FILE=...`."""
    guard.staff(bp.current_request, StaffDuty.PERMITS)
    collection = read_json(bp.current_request, IMPORT_BODY_BYTES)
    return ok(import_json(bootstrap.properties().import_parcels(collection)))
