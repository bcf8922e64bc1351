"""The demo data (`make run`) shows exactly the county guide's first dashboard."""

from __future__ import annotations

from tests.conftest import CONTRACTOR_PASSWORD


def _demo_token(api, clock) -> tuple[str, dict]:
    from localdev.seed import seed_demo

    report = seed_demo(clock)
    rich = report.contractor_ids["RICH CONTRACTOR"]
    token = api.post("/auth/login", {"contractor_id": rich, "password": report.pins["RICH CONTRACTOR"]}).json_body[
        "token"]
    response = api.post("/auth/setup", {
        "security_question": "CAR", "secret_answer": "Corvette", "secret_answer_confirm": "Corvette",
        "password": CONTRACTOR_PASSWORD, "password_confirm": CONTRACTOR_PASSWORD}, token)
    assert response.status_code == 200, response.body
    return response.json_body["token"], report.contractor_ids


def test_demo_dashboard_is_the_guides_first_dashboard(api, clock):
    token, ids = _demo_token(api, clock)
    body = api.get("/dashboard", token).json_body
    assert body["contractor"] == {"contractor_id": ids["RICH CONTRACTOR"], "company_name": "RICH CONTRACTOR"}
    rows = [(r["permit_no"], r["type"], r["status"], r["inspection_request"], r["fees_due"])
            for r in body["active_permits"]["items"]]
    assert body["active_permits"]["total"] == 10
    assert rows == [
        ("RES16-0304", "RESIDENTIAL", "ACTIVE", True, "0.00"),
        ("RES16-0308", "RESIDENTIAL", "ACTIVE", True, "0.00"),
        ("RES16-0314", "RESIDENTIAL", "ACTIVE", True, "0.00"),
        ("RES16-0686", "RESIDENTIAL", "ACTIVE", True, "0.00"),
        ("RES16-0688", "RESIDENTIAL", "READY TO ISSUE", False, "1023.98"),
        ("RES17-0150", "RESIDENTIAL", "IN REVIEW", False, "572.43"),
        ("RES17-0156", "RESIDENTIAL", "PENDING APPROVAL", False, "1567.25"),
        ("RES17-0163", "RESIDENTIAL", "SUBMITTED", False, "35.00"),
        ("RES17-0167", "RESIDENTIAL", "SUBMITTED", False, "82.00"),
        ("WEB17-0002", "MECHANICAL", "SUBMITTED", False, "0.00"),
    ]
    addresses = [r["address"] for r in body["active_permits"]["items"]]
    guide_prefixes = ["1502 E FAL", "1635 E LAD", "8050 W SPR", "2917 S SCH", "1968 E DOD", "34554", "1234 W KEV",
                      "", "", "12451 N CH"]
    assert all(a.startswith(p) for a, p in zip(addresses, guide_prefixes, strict=True))
    assert addresses[4] == "1968 E DODD RD" and addresses[5] == "34554 CLUE RD"
    assert addresses[7] == addresses[8] == ""

    assert body["active_inspections"]["total"] == 1
    (inspection,) = body["active_inspections"]["items"]
    assert {k: inspection[k] for k in ("rec_no", "rec_type", "rec_status", "address", "inspection")} == {
        "rec_no": "RES17-0150", "rec_type": "PERMIT", "rec_status": "IN REVIEW", "address": "34554 CLUE RD",
        "inspection": "ADDRESSING"}
    assert inspection["date"] > "2026-11-24"

    assert body["expired_permits"]["total"] == 3
    expired = body["expired_permits"]["items"]
    assert [(r["permit_no"], r["type"], r["status"], r["fees_due"]) for r in expired] == [
        ("RES16-0310", "RESIDENTIAL", "ACTIVE", "0.00"),
        ("RES16-0689", "RESIDENTIAL", "ACTIVE", "0.00"),
        ("RES16-0690", "RESIDENTIAL", "ACTIVE", "0.00"),
    ]
    assert [r["address"][:10] for r in expired] == ["3010 E RIV", "4255 S BOI", "33124 N BR"]
    assert all(r["expired"] < "2026-11-24" for r in expired)


def test_demo_res16_0688_carries_the_guides_six_fee_lines(api, clock):
    token, _ = _demo_token(api, clock)
    detail = api.get("/permits/RES16-0688", token).json_body
    assert detail["address"] == "1968 E DODD RD"
    assert [(f["description"], f["amount"], f["status"]) for f in detail["fees"]] == [
        ("MECHANICAL PERMIT", "96.00", "DUE"),
        ("PLAN REVIEW FEE BALANCE", "65.08", "DUE"),
        ("BUILDING PERMIT FEE", "650.75", "DUE"),
        ("PLANNING", "35.00", "DUE"),
        ("RES/GAR/ADD PARTIAL PLAN REVIEW FEE", "130.15", "DUE"),
        ("FIRE DISTRICT INSPECTION FEE", "47.00", "DUE"),
    ]
    assert detail["fees_due"] == "1023.98"


def test_demo_active_permits_expire_in_the_future_and_the_other_business_has_its_own(api, clock):
    token, ids = _demo_token(api, clock)
    staff_token = api.post("/auth/staff-login", {"username": "admin", "password": "DemoAdmin1"}).json_body["token"]
    for row in api.get("/permits?status=ACTIVE", token).json_body["items"]:
        assert (row["expires_date"] > "2026-11-24") != row["expired"], row
    lake = api.get("/staff/permits/RES26-0001", staff_token)  # generated for LAKE CITY PLUMBING
    assert lake.status_code == 200 and lake.json_body["contractor_id"] == ids["LAKE CITY PLUMBING"]
    assert api.get("/permits/RES26-0001", token).status_code == 404


def test_demo_places_put_the_guides_permits_on_the_map(api, clock):
    """Issue 14's demo: RES16-0688 on 1968 E DODD RD's parcel, on the map around Coeur d'Alene, in
    project P-2026-001 NORTHSHORE ESTATES with two more of RICH CONTRACTOR's permits."""
    token, _ = _demo_token(api, clock)
    (point,) = api.get("/geocode?q=1968%20E%20Dodd%20Road", token).json_body["items"]
    permit = api.get("/permits/RES16-0688", token).json_body
    assert (permit["parcel_no"], permit["lat"], permit["lon"]) == (point["parcel_no"], point["lat"], point["lon"])
    assert permit["project_no"] == "P-2026-001"
    view = f"{point['lon'] - 0.02},{point['lat'] - 0.02},{point['lon'] + 0.02},{point['lat'] + 0.02}"
    features = api.get(f"/map/features?layer=permits&bbox={view}", token).json_body["features"]
    assert "RES16-0688" in [f["properties"]["id"] for f in features]
    project = api.get("/projects/P-2026-001", token).json_body
    assert project["name"] == "NORTHSHORE ESTATES" and len(project["permits"]) == 3
    assert project["fees_due"] == "3163.66"  # 1023.98 + 572.43 + 1567.25
    parcels = api.get(f"/map/features?layer=properties&bbox={view}", token).json_body["features"]
    assert len(parcels) > 50
    assert api.get(f"/map/streets?bbox={view}", token).json_body["features"]
