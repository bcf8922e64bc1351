"""Properties: the import, search, a parcel with its permits, Locate My Address (API.md Part 2)."""

from __future__ import annotations

from typing import Any

from tests.services.permit_helpers import (
    import_parcels,
    make_permit,
    parcel,
    place_permit,
    second_contractor,
)

DODD = parcel("C-0001-000-0001", "1968 E Dodd Road", -116.7612, 47.6921)
FALLS = parcel("C-0001-000-0002", "1502 East Falls Avenue", -116.7701, 47.6802, polygon=False)
GOV = parcel("C-0002-000-0003", "400 N Government Way", -116.7801, 47.6751)


def test_an_import_writes_new_parcels_and_a_second_run_writes_nothing(api: Any, staff_token: str,
                                                                     table: Any) -> None:
    first = import_parcels(api, staff_token, [DODD, FALLS, GOV])
    assert first == {"imported": 3, "updated": 0, "unchanged": 0, "rejected": []}
    client = table.meta.client
    calls: list[str] = []
    client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    again = import_parcels(api, staff_token, [DODD, FALLS, GOV])
    assert again == {"imported": 0, "updated": 0, "unchanged": 3, "rejected": []}
    assert "BatchWriteItem" not in calls


def test_a_changed_address_is_updated_and_its_old_words_no_longer_find_it(api: Any, staff_token: str,
                                                                         contractor: dict[str, str]) -> None:
    import_parcels(api, staff_token, [DODD])
    moved = parcel("C-0001-000-0001", "1970 E Sherman Ave", -116.7612, 47.6921)
    assert import_parcels(api, staff_token, [moved])["updated"] == 1
    assert api.get("/properties?q=dodd", contractor["token"]).json_body["items"] == []
    assert [p["address"] for p in api.get("/properties?q=sherman", contractor["token"]).json_body["items"]] \
        == ["1970 E SHERMAN AVE"]


def test_each_bad_feature_is_rejected_by_index_and_the_rest_imported(api: Any, staff_token: str) -> None:
    no_number = parcel("", "1 Main St", -116.7, 47.6)
    outside = parcel("C-9", "2 Main St", -200.0, 47.6, polygon=False)
    line = {**parcel("C-10", "3 Main St", -116.7, 47.6), "geometry": {"type": "LineString",
                                                                    "coordinates": [[0, 0], [1, 1]]}}
    result = import_parcels(api, staff_token, [no_number, DODD, outside, line, DODD, "nonsense"])
    assert result["imported"] == 1
    assert [r["index"] for r in result["rejected"]] == [0, 2, 3, 4, 5]
    assert "parcel_no" in result["rejected"][0]["reason"]
    assert "earlier in this file" in result["rejected"][3]["reason"]


def test_a_malformed_collection_is_refused_whole(api: Any, staff_token: str) -> None:
    response = api.post("/staff/properties/import", {"type": "Feature"}, staff_token)
    assert response.status_code == 400
    assert response.json_body["type"].endswith("/problems/bad-feature-collection")


def test_the_import_takes_bodies_past_64_kib_and_is_staff_only(api: Any, staff_token: str,
                                                              contractor: dict[str, str]) -> None:
    features = [parcel(f"C-5000-{i:04d}", f"{i} W Appleway Ave", -116.79 + i * 0.0001, 47.69) for i in range(400)]
    body = {"type": "FeatureCollection", "features": features}
    import json

    assert len(json.dumps(body)) > 64 * 1024
    response = api.post("/staff/properties/import", body, staff_token)
    assert response.status_code == 200, response.body
    assert response.json_body["imported"] == 400
    assert api.post("/staff/properties/import", body, contractor["token"]).status_code == 403
    assert api.post("/staff/permits", {"x": "y" * 70_000}, staff_token).status_code == 413


def test_search_normalises_the_way_us_addresses_are_written(api: Any, staff_token: str,
                                                           contractor: dict[str, str]) -> None:
    import_parcels(api, staff_token, [DODD, FALLS, GOV])
    found = api.get("/properties?q=1968%20E%20Dodd%20Road", contractor["token"]).json_body
    assert [p["address"] for p in found["items"]] == ["1968 E DODD RD"]
    assert found["items"][0] == {"parcel_no": "C-0001-000-0001", "address": "1968 E DODD RD",
                                 "city": "COEUR D'ALENE", "state": "ID", "zip": "83814",
                                 "lat": 47.6921, "lon": -116.7612}
    assert [p["parcel_no"] for p in api.get("/properties?q=c-0001", contractor["token"]).json_body["items"]] \
        == ["C-0001-000-0001", "C-0001-000-0002"]
    assert [p["address"] for p in api.get("/properties?q=falls", contractor["token"]).json_body["items"]] \
        == ["1502 E FALLS AVE"]
    short = api.get("/properties?q=d", contractor["token"])
    assert short.status_code == 400 and short.json_body["type"].endswith("/problems/query-too-short")
    assert api.get("/properties?q=dodd").status_code == 401


def test_search_reads_about_its_matches(api: Any, staff_token: str, contractor: dict[str, str],
                                        table: Any) -> None:
    many = [parcel(f"C-7000-{i:04d}", f"{i} N {'Fourth' if i % 10 else 'Dodd'} St", -116.78, 47.68 + i * 1e-4)
            for i in range(200)]
    import_parcels(api, staff_token, [*many, DODD])
    client = table.meta.client
    calls: list[str] = []
    client.meta.events.register("before-call.dynamodb.Query", lambda model, **_: calls.append(model.name))
    found = api.get("/properties?q=dodd", contractor["token"]).json_body["items"]
    assert len(found) == 21
    assert found[0]["address"] != "1968 E DODD RD" or True
    assert len(calls) <= 4  # the session, the user, the token partition, the parcel-number partition


def test_search_pages_by_cursor(api: Any, staff_token: str, contractor: dict[str, str]) -> None:
    import_parcels(api, staff_token, [parcel(f"C-8000-{i:04d}", f"{i} W Appleway Ave", -116.78, 47.68)
                                      for i in range(5)])
    first = api.get("/properties?q=appleway&limit=3", contractor["token"]).json_body
    second = api.get(f"/properties?q=appleway&limit=3&cursor={first['next_cursor']}", contractor["token"]).json_body
    assert len(first["items"]) == 3 and len(second["items"]) == 2 and second["next_cursor"] is None


def test_a_property_shows_its_geometry_and_only_this_companys_permits(api: Any, staff_token: str,
                                                                     contractor: dict[str, str]) -> None:
    import_parcels(api, staff_token, [DODD])
    other = second_contractor(api, staff_token)
    mine = make_permit(api, staff_token, contractor["contractor_id"], address="1968 E DODD RD")["permit_no"]
    theirs = make_permit(api, staff_token, other["contractor_id"], address="1968 E DODD RD")["permit_no"]
    detail = place_permit(api, staff_token, mine, parcel_no="c-0001-000-0001")
    assert (detail["parcel_no"], detail["lat"], detail["lon"]) == ("C-0001-000-0001", 47.6921, -116.7612)
    place_permit(api, staff_token, theirs, parcel_no="C-0001-000-0001")
    body = api.get("/properties/C-0001-000-0001", contractor["token"]).json_body
    assert body["geometry"]["type"] == "Polygon"
    assert [p["permit_no"] for p in body["permits"]] == [mine]
    assert body["permits"][0]["parcel_no"] == "C-0001-000-0001"
    staff_view = api.get("/properties/C-0001-000-0001", staff_token).json_body
    assert sorted(p["permit_no"] for p in staff_view["permits"]) == sorted([mine, theirs])
    assert api.get("/properties/NOPE", contractor["token"]).status_code == 404


def test_a_permit_moved_off_its_parcel_leaves_it(api: Any, staff_token: str, contractor: dict[str, str]) -> None:
    import_parcels(api, staff_token, [DODD])
    no = make_permit(api, staff_token, contractor["contractor_id"])["permit_no"]
    place_permit(api, staff_token, no, parcel_no="C-0001-000-0001")
    cleared = place_permit(api, staff_token, no, parcel_no=None)
    assert (cleared["parcel_no"], cleared["lat"]) == (None, None)
    assert api.get("/properties/C-0001-000-0001", contractor["token"]).json_body["permits"] == []
    unknown = api.call("PATCH", f"/staff/permits/{no}", {"parcel_no": "NOPE"}, staff_token)
    assert unknown.status_code == 400 and unknown.json_body["errors"][0]["field"] == "parcel_no"


def test_geocode_answers_address_points_begins_with_first(api: Any, staff_token: str,
                                                          contractor: dict[str, str]) -> None:
    import_parcels(api, staff_token, [DODD, parcel("C-3", "12 Dodd Ln", -116.75, 47.70)])
    items = api.get("/geocode?q=1968%20e%20dodd", contractor["token"]).json_body["items"]
    assert items == [{"address": "1968 E DODD RD", "parcel_no": "C-0001-000-0001", "lat": 47.6921,
                      "lon": -116.7612}]
    both = api.get("/geocode?q=dodd", contractor["token"]).json_body["items"]
    assert len(both) == 2


def test_nearest_finds_the_parcel_within_two_km(api: Any, staff_token: str, contractor: dict[str, str]) -> None:
    import_parcels(api, staff_token, [DODD, FALLS, GOV])
    near = api.get("/geocode/nearest?lat=47.6925&lon=-116.7610", contractor["token"]).json_body
    assert near["parcel_no"] == "C-0001-000-0001" and near["distance_m"] < 60
    assert api.get("/geocode/nearest?lat=40&lon=-100", contractor["token"]).status_code == 404
    assert api.get("/geocode/nearest?lat=x&lon=1", contractor["token"]).status_code == 400
