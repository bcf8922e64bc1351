"""The map: GET /map/features per layer, streets, the config, and the import script (API.md Part 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.services.permit_helpers import import_parcels, make_permit, parcel, place_permit, second_contractor

DODD = parcel("C-0001-000-0001", "1968 E Dodd Road", -116.7612, 47.6921)
FAR = parcel("C-0009-000-0009", "1 W Far Away Rd", -116.60, 47.80)
VIEW = "-116.80,47.66,-116.74,47.70"
SMALL = "-116.785,47.67,-116.745,47.70"  # within map.max_bbox_degrees: the county layers


def _ids(body: dict[str, Any]) -> list[str]:
    return [f["properties"]["id"] for f in body["features"]]


def test_permits_layer_shows_this_companys_permits_in_view(api: Any, staff_token: str,
                                                           contractor: dict[str, str]) -> None:
    import_parcels(api, staff_token, [DODD, FAR])
    other = second_contractor(api, staff_token)
    mine = make_permit(api, staff_token, contractor["contractor_id"], address="1968 E DODD RD")["permit_no"]
    away = make_permit(api, staff_token, contractor["contractor_id"], address="1 W FAR AWAY RD")["permit_no"]
    theirs = make_permit(api, staff_token, other["contractor_id"])["permit_no"]
    for no, parcel_no in ((mine, "C-0001-000-0001"), (away, "C-0009-000-0009"), (theirs, "C-0001-000-0001")):
        place_permit(api, staff_token, no, parcel_no=parcel_no)
    body = api.get(f"/map/features?layer=permits&bbox={VIEW}", contractor["token"]).json_body
    assert body["type"] == "FeatureCollection" and body["truncated"] is False
    assert body["features"] == [{
        "type": "Feature", "id": f"permits:{mine}",
        "geometry": {"type": "Point", "coordinates": [-116.7612, 47.6921]},
        "properties": {"layer": "permits", "id": mine, "label": f"{mine} · 1968 E DODD RD",
                       "address": "1968 E DODD RD", "status": "SUBMITTED",
                       "link": f"permit.html?permit_no={mine}"}}]
    county = api.get("/map/features?layer=permits&bbox=-117.5,47.0,-116.0,48.5", contractor["token"]).json_body
    assert sorted(_ids(county)) == sorted([mine, away])


def test_inspections_layer_shows_scheduled_inspections(api: Any, staff_token: str,
                                                       contractor: dict[str, str]) -> None:
    import_parcels(api, staff_token, [DODD])
    no = make_permit(api, staff_token, contractor["contractor_id"], status="ACTIVE", issued_date="2026-11-20",
                     inspection_types=["FOOTING"])["permit_no"]
    place_permit(api, staff_token, no, parcel_no="C-0001-000-0001")
    booked = api.post(f"/staff/permits/{no}/inspections", {"inspection_type": "FOOTING", "date": "2026-11-26"},
                      staff_token)
    assert booked.status_code == 201, booked.body
    body = api.get(f"/map/features?layer=inspections&bbox={VIEW}", contractor["token"]).json_body
    assert _ids(body) == [booked.json_body["inspection_id"]]
    assert body["features"][0]["properties"]["link"] == f"permit.html?permit_no={no}#inspections"


def test_properties_layer_is_every_parcel_in_a_small_view(api: Any, staff_token: str,
                                                          contractor: dict[str, str]) -> None:
    import_parcels(api, staff_token, [DODD, FAR])
    body = api.get(f"/map/features?layer=properties&bbox={SMALL}", contractor["token"]).json_body
    assert _ids(body) == ["C-0001-000-0001"]
    assert body["features"][0]["properties"]["link"] == "property.html?parcel_no=C-0001-000-0001"
    wide = api.get("/map/features?layer=properties&bbox=-117,47,-116,48", contractor["token"])
    assert wide.status_code == 400 and wide.json_body["type"].endswith("/problems/bbox-too-large")


def test_bad_layers_and_boxes_are_400s(api: Any, contractor: dict[str, str]) -> None:
    for query, slug in (("layer=roads&bbox=" + VIEW, "bad-layer"), ("layer=permits&bbox=1,2,3", "bad-bbox"),
                        ("layer=permits&bbox=10,0,5,1", "bad-bbox"), ("layer=permits", "bad-bbox")):
        response = api.get(f"/map/features?{query}", contractor["token"])
        assert response.status_code == 400, query
        assert response.json_body["type"].endswith(f"/problems/{slug}")
    assert api.get(f"/map/features?layer=permits&bbox={VIEW}").status_code == 401


def test_more_than_the_limit_is_truncated(api: Any, staff_token: str, contractor: dict[str, str],
                                          monkeypatch: Any) -> None:
    from chalicelib.services import map_features

    monkeypatch.setattr(map_features, "MAX_FEATURES", 2)
    import_parcels(api, staff_token, [parcel(f"C-6-{i}", f"{i} N 4th St", -116.78 + i * 1e-4, 47.68)
                                      for i in range(3)])
    body = api.get(f"/map/features?layer=properties&bbox={SMALL}", contractor["token"]).json_body
    assert len(body["features"]) == 2 and body["truncated"] is True


def test_a_view_reads_about_what_is_in_it(api: Any, staff_token: str, contractor: dict[str, str],
                                          table: Any) -> None:
    import_parcels(api, staff_token, [DODD])
    no = make_permit(api, staff_token, contractor["contractor_id"])["permit_no"]
    place_permit(api, staff_token, no, parcel_no="C-0001-000-0001")
    counted: list[int] = []
    table.meta.client.meta.events.register(
        "after-call.dynamodb.Query", lambda parsed, **_: counted.append(int(parsed.get("Count", 0))))
    api.get(f"/map/features?layer=permits&bbox={VIEW}", contractor["token"])
    assert sum(counted) <= 3  # the user, the session's company... and the one permit


def test_streets_and_config(api: Any, staff_token: str, contractor: dict[str, str], tmp_path: Path,
                            capsys: Any) -> None:
    from scripts import import_parcels as script

    streets = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "East Dodd Road"},
         "geometry": {"type": "LineString", "coordinates": [[-116.77, 47.692], [-116.75, 47.692]]}},
        {"type": "Feature", "properties": {"name": "Nowhere"}, "geometry": {"type": "Point",
                                                                            "coordinates": [0, 0]}}]}
    path = tmp_path / "streets.geojson"
    path.write_text(json.dumps(streets))
    assert script.main(["--streets", str(path)]) == 0
    out = capsys.readouterr().out
    assert "imported 1" in out and "feature 1:" in out
    assert script.main(["--streets", str(path)]) == 0
    assert "unchanged 1" in capsys.readouterr().out
    body = api.get(f"/map/streets?bbox={SMALL}", contractor["token"]).json_body
    assert [f["properties"]["name"] for f in body["features"]] == ["E DODD RD"]
    assert body["features"][0]["geometry"]["type"] == "LineString"
    config = api.get("/map/config").json_body
    assert config == {"center": [-116.78, 47.68], "zoom": 13, "basemap": {"kind": "none"}}
    assert api.get("/meta/rules").json_body["map"] == {
        "layers": ["permits", "inspections", "projects", "properties"], "max_bbox_degrees": 0.05,
        "max_features": 1000}


def test_config_follows_the_map_settings(api: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("MAP_BASEMAP", "xyz")
    monkeypatch.setenv("MAP_TILE_URL", "https://tiles.example.gov/{z}/{x}/{y}.png")
    monkeypatch.setenv("MAP_ATTRIBUTION", "Kootenai County GIS")
    monkeypatch.setenv("MAP_CENTER", "-116.5,47.5")
    assert api.get("/map/config").json_body == {
        "center": [-116.5, 47.5], "zoom": 13,
        "basemap": {"kind": "xyz", "url": "https://tiles.example.gov/{z}/{x}/{y}.png",
                    "attribution": "Kootenai County GIS"}}


def test_the_import_script_takes_parcels(tmp_path: Path, capsys: Any, aws: Any) -> None:
    from scripts import import_parcels as script

    path = tmp_path / "parcels.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [DODD]}))
    assert script.main([str(path)]) == 0
    assert "imported 1" in capsys.readouterr().out
    path.write_text("{}")
    assert script.main([str(path)]) == 1
