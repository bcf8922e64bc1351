"""Properties and the map in a county of 20,000 parcels: the import through the service (time and
requests), a map view holding 50 of a company's permits (among 1,000 across the county), and an address
search (requests and items read ∝ its matches, not the county's parcels).

Permits are written with the store's own item functions (`permit_items`), so they carry exactly the map
index attributes the API writes; the parcels go through the import service itself.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from typing import Any

from bench.counting import Row, call, counting, portal
from bench.permits import _contractor

PARCELS = 20_000
COLUMNS = 200
"""The county as a 200 × 100 grid of parcels, 0.0025° apart: about 0.5° by 0.25° around Coeur d'Alene."""
STREETS = ("E SHERMAN AVE", "N GOVERNMENT WAY", "W APPLEWAY AVE", "E DODD RD", "N 4TH ST", "W KATHLEEN AVE",
           "N RAMSEY RD", "E SELTICE WAY")
WEST, SOUTH, STEP = -117.03, 47.55, 0.0025
VIEW = (-116.80, 47.66, -116.775, 47.685)
"""A view of about 2 km by 3 km (a zoomed-in street map) holding the company's 50 permits in view."""


def _parcels() -> list[dict[str, Any]]:
    d = STEP * 0.4
    features = []
    for n in range(PARCELS):
        lon, lat = WEST + (n % COLUMNS) * STEP, SOUTH + (n // COLUMNS) * STEP
        ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
        features.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                         "properties": {"parcel_no": f"K-{n // COLUMNS:04d}-{n % COLUMNS:04d}",
                                        "address": f"{100 + n % 4900} {STREETS[n % len(STREETS)]}",
                                        "city": "COEUR D'ALENE", "state": "ID", "zip": "83814"}})
    return features


def _permits(contractor_id: str) -> list[dict[str, Any]]:
    from chalicelib.domain.permits import Permit, PermitStatus
    from chalicelib.store.permits import permit_items

    items = []
    created = datetime(2026, 6, 1, tzinfo=UTC)
    for n in range(1_000):
        if n < 50:  # in view
            lon = VIEW[0] + 0.002 + (n % 10) * 0.002
            lat = VIEW[1] + 0.002 + (n // 10) * 0.004
        else:  # across the county, out of that view
            lon, lat = WEST + (n * 37 % COLUMNS) * STEP, SOUTH + 0.2 + (n * 11 % 20) * STEP
        permit = Permit(f"MAP26-{n:04d}", contractor_id, f"{100 + n} E DODD RD", "RESIDENTIAL",
                        PermitStatus.SUBMITTED, applied_date=date(2026, 10, 1), created_at=created, version=1,
                        lat=round(lat, 6), lon=round(lon, 6), parcel_no=f"K-{n:04d}")
        items += permit_items(permit)
    return items


def run() -> list[Row]:
    from chalicelib import bootstrap

    rows: list[Row] = []
    with portal() as (client, table, _clock):
        collection = {"type": "FeatureCollection", "features": _parcels()}
        with counting(table) as tally:
            started = time.perf_counter()
            result = bootstrap.properties().import_parcels(collection)
            seconds = time.perf_counter() - started
        assert result.imported == PARCELS, result
        rows.append(Row("properties", f"import of {PARCELS:,} parcels (make import-parcels, the service)", tally,
                        goal=f"{seconds:.1f} s here (moto); BatchGetItem per 100 + BatchWriteItem per 25 items "
                             "(each parcel: its item, its APN entry, one per address word)"))
        with counting(table) as tally:
            started = time.perf_counter()
            again = bootstrap.properties().import_parcels(collection)
            seconds = time.perf_counter() - started
        assert again.unchanged == PARCELS, again
        rows.append(Row("properties", f"the same {PARCELS:,} parcels again (idempotent)", tally,
                        goal=f"{seconds:.1f} s; reads only: nothing written"))

        contractor_id, token = _contractor(client, "BENCH MAP BUILDER", "BM00001")
        with table.batch_writer() as writer:
            for item in _permits(contractor_id):
                writer.put_item(Item=item)
        call(client, "GET", "/dashboard", token=token)  # a fresh session: no last-seen write below

        def measure(what: str, path: str, goal: str) -> Any:
            with counting(table) as tally:
                body = call(client, "GET", path, token=token)
            rows.append(Row("properties", what, tally, goal=goal))
            return body

        bbox = ",".join(str(v) for v in VIEW)
        body = measure("GET /map/features?layer=permits (a view holding 50 of 1,000 permits)",
                       f"/map/features?layer=permits&bbox={bbox}",
                       "≈ 50 items read: 1 Query of the company's layer per covering cell, + session and user")
        assert len(body["features"]) == 50, len(body["features"])
        body = measure("GET /map/features?layer=properties (the same view: ~100 of 20,000 parcels)",
                       f"/map/features?layer=properties&bbox={bbox}",
                       "items read ∝ parcels in the view's geohash-5 cells, not the county's")
        assert body["features"]
        body = measure("GET /properties?q=4319 E DODD (1 of 20,000)", "/properties?q=4319%20E%20DODD",
                       "1 Query of the token partition (begins_with 4319) + 1 of the APN partition; "
                       "items read ∝ the token's matches")
        assert body["items"], body
        body = measure("GET /properties?q=kathleen (2,500 matches, first page)", "/properties?q=kathleen&limit=50",
                       "items read = the matches (2,500): the cost follows the matches")
        assert len(body["items"]) == 50
        measure("GET /geocode?q=4319 e dodd", "/geocode?q=4319%20e%20dodd", "as the search: ∝ matches")
    return rows
