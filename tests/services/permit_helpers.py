"""Helpers shared by the permit, inspection and job tests: staff-made permits through the real API."""

from __future__ import annotations

from typing import Any

TODAY = "2026-11-24"  # the `clock` fixture's county date (a Tuesday)


def make_permit(api: Any, staff_token: str, contractor_id: str, **fields: Any) -> dict[str, Any]:
    body = {"contractor_id": contractor_id, "address": "1502 E FALLS AVE", "type": "RESIDENTIAL",
            "status": "SUBMITTED", **fields}
    response = api.post("/staff/permits", body, staff_token)
    assert response.status_code == 201, response.body
    return response.json_body


def active_permit(api: Any, staff_token: str, contractor_id: str, **fields: Any) -> dict[str, Any]:
    """An issued permit: ACTIVE, issued today, expiring in 180 days, nothing due."""
    permit = make_permit(api, staff_token, contractor_id, **fields)
    response = api.post(f"/staff/permits/{permit['permit_no']}/issue", None, staff_token)
    assert response.status_code == 200, response.body
    return response.json_body


def add_fee(api: Any, staff_token: str, permit_no: str, description: str, amount: str) -> dict[str, Any]:
    response = api.post(f"/staff/permits/{permit_no}/fees", {"description": description, "amount": amount},
                        staff_token)
    assert response.status_code == 201, response.body
    return response.json_body


def outbox(api: Any, address: str) -> list[dict[str, str]]:
    return api.get(f"/sandbox/outbox?to={address}").json_body["items"]


def second_contractor(api: Any, staff_token: str) -> dict[str, str]:
    from tests.conftest import complete_setup, register

    contractor_id, pin = register(api, staff_token, "LAKE CITY PLUMBING", "PLB2231", "office@lakecity.example")
    return {"contractor_id": contractor_id, "token": complete_setup(api, contractor_id, pin)}


def mails(api: Any, address: str, subject_start: str) -> list[dict[str, str]]:
    """Mail to an address whose subject starts so (the fixed clock gives every mail the same time)."""
    return [m for m in outbox(api, address) if m["subject"].startswith(subject_start)]


def fresh_token(api: Any, contractor_id: str) -> str:
    """Sign in again (after the clock travelled past the session's idle expiry)."""
    from tests.conftest import CONTRACTOR_PASSWORD

    response = api.post("/auth/login", {"contractor_id": contractor_id, "password": CONTRACTOR_PASSWORD})
    assert response.status_code == 200, response.body
    return response.json_body["token"]


def fresh_staff_token(api: Any) -> str:
    from tests.conftest import STAFF_PASSWORD

    response = api.post("/auth/staff-login", {"username": "admin", "password": STAFF_PASSWORD})
    assert response.status_code == 200, response.body
    return response.json_body["token"]


def parcel(parcel_no: str, address: str, lon: float, lat: float, *, polygon: bool = True) -> dict[str, Any]:
    """A county GIS feature: a small square parcel around (lon, lat), or its point alone."""
    d = 0.0002
    geometry: dict[str, Any] = ({"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d],
                                                                      [lon + d, lat + d], [lon - d, lat + d],
                                                                      [lon - d, lat - d]]]}
                                if polygon else {"type": "Point", "coordinates": [lon, lat]})
    return {"type": "Feature", "geometry": geometry,
            "properties": {"parcel_no": parcel_no, "address": address, "city": "Coeur d'Alene", "state": "ID",
                           "zip": "83814"}}


def import_parcels(api: Any, staff_token: str, features: list[dict[str, Any]]) -> dict[str, Any]:
    response = api.post("/staff/properties/import", {"type": "FeatureCollection", "features": features},
                        staff_token)
    assert response.status_code == 200, response.body
    return response.json_body


def place_permit(api: Any, staff_token: str, permit_no: str, **fields: Any) -> dict[str, Any]:
    response = api.call("PATCH", f"/staff/permits/{permit_no}", fields, staff_token)
    assert response.status_code == 200, response.body
    return response.json_body
