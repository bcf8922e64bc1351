"""The JSON shapes of properties, projects and the map (API.md Part 2, "Properties, projects and the map")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chalicelib.api.permit_views import permit_row
from chalicelib.domain.map import MapFeature
from chalicelib.domain.money import format_money
from chalicelib.domain.permits import Permit
from chalicelib.domain.projects import Project, project_fees_due
from chalicelib.domain.properties import Property, Street


def _coord(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def property_json(prop: Property, *, geometry: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {"parcel_no": prop.parcel_no, "address": prop.address, "city": prop.city,
                            "state": prop.state, "zip": prop.zip, "lat": _coord(prop.lat), "lon": _coord(prop.lon)}
    if geometry and prop.geometry is not None:
        view["geometry"] = prop.geometry
    return view


def property_detail(prop: Property, permits: list[Permit], now: datetime, today: date) -> dict[str, Any]:
    return {**property_json(prop, geometry=True), "permits": [permit_row(p, now, today) for p in permits]}


def address_point(prop: Property) -> dict[str, Any]:
    return {"address": prop.address, "parcel_no": prop.parcel_no, "lat": _coord(prop.lat), "lon": _coord(prop.lon)}


def project_json(project: Project) -> dict[str, Any]:
    return {"project_no": project.project_no, "name": project.name, "status": project.status.value,
            "parcel_no": project.parcel_no, "lat": _coord(project.lat), "lon": _coord(project.lon)}


def project_detail(project: Project, permits: list[Permit], now: datetime, today: date) -> dict[str, Any]:
    return {**project_json(project), "permits": [permit_row(p, now, today) for p in permits],
            "fees_due": format_money(project_fees_due(permits, now))}


def feature_link(feature: MapFeature) -> str:
    """The site's page that opens the record (relative to the site)."""
    if feature.layer == "permits":
        return f"permit.html?permit_no={feature.id}"
    if feature.layer == "inspections":
        return f"permit.html?permit_no={feature.permit_no}#inspections"
    if feature.layer == "projects":
        return f"project.html?project_no={feature.id}"
    return f"property.html?parcel_no={feature.id}"


def feature_collection(features: list[MapFeature], truncated: bool) -> dict[str, Any]:
    return {"type": "FeatureCollection", "truncated": truncated, "features": [
        {"type": "Feature", "id": f"{f.layer}:{f.id}",
         "geometry": {"type": "Point", "coordinates": [_coord(f.lon), _coord(f.lat)]},
         "properties": {"layer": f.layer, "id": f.id, "label": f.label, "address": f.address,
                        "status": f.status, "link": feature_link(f)}} for f in features]}


def street_collection(streets: list[Street]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": f"streets:{s.street_id}",
         "geometry": ({"type": "LineString", "coordinates": s.lines[0]} if len(s.lines) == 1
                      else {"type": "MultiLineString", "coordinates": s.lines}),
         "properties": {"name": s.name}} for s in sorted(streets, key=lambda s: (s.name, s.street_id))]}
