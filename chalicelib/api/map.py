"""The map: features in view by layer, street centre lines, and where the map opens (API.md Part 2)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import ok, route
from chalicelib.api.place_views import feature_collection, street_collection
from chalicelib.domain.geo import parse_bbox
from chalicelib.domain.map import COMPANY_LAYERS, parse_layer

bp = Blueprint(__name__)


@route(bp, "/map/features", methods=["GET"])
def map_features() -> object:
    query: dict[str, str] = dict(bp.current_request.query_params or {})
    layer = parse_layer(query.get("layer"))
    box = parse_bbox(query.get("bbox"))
    if layer in COMPANY_LAYERS:
        from chalicelib.domain.accounts import CompanyDuty

        contractor_id: str | None = guard.contractor(bp.current_request, CompanyDuty.PERMITS).principal_id
    else:
        contractor_id = guard.reader(bp.current_request)
    features, truncated = bootstrap.map_features().features(layer, box, contractor_id)
    return ok(feature_collection(features, truncated))


@route(bp, "/map/streets", methods=["GET"])
def map_streets() -> object:
    guard.reader(bp.current_request)
    box = parse_bbox(dict(bp.current_request.query_params or {}).get("bbox"))
    return ok(street_collection(bootstrap.properties().streets(box)))


def map_config() -> dict[str, object]:
    """MAP_* settings as the site needs them; a malformed MAP_CENTER falls back to Coeur d'Alene's."""
    s = bootstrap.settings()
    try:
        lon, lat = (float(v) for v in s.map_center.split(","))
    except ValueError:
        lon, lat = -116.78, 47.68
    kind = s.map_basemap if s.map_basemap in ("none", "xyz", "pmtiles") else "none"
    basemap: dict[str, object] = {"kind": kind}
    if kind != "none" and s.map_tile_url:
        basemap["url"] = s.map_tile_url
    if kind != "none" and s.map_attribution:
        basemap["attribution"] = s.map_attribution
    if kind != "none" and "url" not in basemap:
        basemap = {"kind": "none"}  # a tile server without its URL: draw our own layers instead
    return {"center": [lon, lat], "zoom": s.map_zoom, "basemap": basemap}


@route(bp, "/map/config", methods=["GET"])
def get_map_config() -> object:
    return ok(map_config())
