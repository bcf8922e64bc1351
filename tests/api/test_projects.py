"""Projects: staff create them, permits join them, the company sees them with fees due and pays them in one step."""

from __future__ import annotations

from typing import Any

from tests.services.permit_helpers import (
    add_fee,
    import_parcels,
    make_permit,
    parcel,
    place_permit,
    second_contractor,
)


def _project(api: Any, staff_token: str, **body: Any) -> Any:
    return api.post("/staff/projects", body, staff_token)


def test_a_project_groups_permits_and_sums_their_fees_due(api: Any, staff_token: str,
                                                          contractor: dict[str, str]) -> None:
    cid = contractor["contractor_id"]
    import_parcels(api, staff_token, [parcel("C-1", "1968 E Dodd Rd", -116.7612, 47.6921)])
    created = _project(api, staff_token, project_no="P-2026-001", name="Northshore Estates", contractor_id=cid,
                       parcel_no="C-1")
    assert created.status_code == 201, created.body
    assert created.json_body == {"project_no": "P-2026-001", "name": "NORTHSHORE ESTATES", "status": "ACTIVE",
                                 "parcel_no": "C-1", "lat": 47.6921, "lon": -116.7612, "permits": [],
                                 "fees_due": "0.00"}
    a = make_permit(api, staff_token, cid, status="READY TO ISSUE")["permit_no"]
    b = make_permit(api, staff_token, cid, status="READY TO ISSUE")["permit_no"]
    make_permit(api, staff_token, cid)  # not in the project
    add_fee(api, staff_token, a, "PLANNING", "35.10")
    add_fee(api, staff_token, b, "BUILDING PERMIT FEE", "650.75")
    assert place_permit(api, staff_token, a, project_no="p-2026-001")["project_no"] == "P-2026-001"
    place_permit(api, staff_token, b, project_no="P-2026-001")
    body = api.get("/projects/P-2026-001", contractor["token"]).json_body
    assert [p["permit_no"] for p in body["permits"]] == sorted([a, b])
    assert body["fees_due"] == "685.85"
    listed = api.get("/projects?q=north", contractor["token"]).json_body
    assert listed == {"items": [{"project_no": "P-2026-001", "name": "NORTHSHORE ESTATES", "status": "ACTIVE",
                                 "parcel_no": "C-1", "lat": 47.6921, "lon": -116.7612, "fees_due": "685.85"}],
                      "next_cursor": None}
    assert api.get("/projects?q=zzz", contractor["token"]).json_body["items"] == []
    on_map = api.get("/map/features?layer=projects&bbox=-116.8,47.66,-116.74,47.7", contractor["token"]).json_body
    assert [f["properties"]["link"] for f in on_map["features"]] == ["project.html?project_no=P-2026-001"]


def test_numbers_are_generated_and_never_reused(api: Any, staff_token: str, contractor: dict[str, str]) -> None:
    cid = contractor["contractor_id"]
    first = _project(api, staff_token, name="One", contractor_id=cid).json_body["project_no"]
    second = _project(api, staff_token, name="Two", contractor_id=cid).json_body["project_no"]
    assert (first, second) == ("P-2026-001", "P-2026-002")
    taken = _project(api, staff_token, project_no=first, name="Again", contractor_id=cid)
    assert taken.status_code == 409 and taken.json_body["type"].endswith("/problems/project-exists")
    assert _project(api, staff_token, name="X", contractor_id="nobody").status_code == 400
    assert _project(api, staff_token, name="X", contractor_id=cid, parcel_no="NOPE").status_code == 400
    assert _project(api, staff_token, name="X", contractor_id=cid, project_no="bad no!").status_code == 400
    assert api.post("/staff/projects", {"name": "X", "contractor_id": cid}, contractor["token"]).status_code == 403


def test_another_companys_project_is_not_found_and_cannot_take_my_permits(api: Any, staff_token: str,
                                                                          contractor: dict[str, str]) -> None:
    other = second_contractor(api, staff_token)
    theirs = _project(api, staff_token, name="Lakeside", contractor_id=other["contractor_id"]).json_body
    assert api.get(f"/projects/{theirs['project_no']}", contractor["token"]).status_code == 404
    assert api.get("/projects", contractor["token"]).json_body["items"] == []
    assert api.post(f"/cart/projects/{theirs['project_no']}", None, contractor["token"]).status_code == 404
    mine = make_permit(api, staff_token, contractor["contractor_id"])["permit_no"]
    refused = api.call("PATCH", f"/staff/permits/{mine}", {"project_no": theirs["project_no"]}, staff_token)
    assert refused.status_code == 400 and refused.json_body["errors"][0]["field"] == "project_no"
    unknown = api.call("PATCH", f"/staff/permits/{mine}", {"project_no": "P-1999-999"}, staff_token)
    assert unknown.status_code == 400


def test_pay_fees_puts_every_fee_due_on_the_project_in_the_cart(api: Any, staff_token: str,
                                                                contractor: dict[str, str]) -> None:
    cid = contractor["contractor_id"]
    no = _project(api, staff_token, name="Northshore", contractor_id=cid).json_body["project_no"]
    empty = api.post(f"/cart/projects/{no}", None, contractor["token"])
    assert empty.status_code == 409 and empty.json_body["type"].endswith("/problems/no-fees-due")
    a = make_permit(api, staff_token, cid, status="READY TO ISSUE")["permit_no"]
    b = make_permit(api, staff_token, cid, status="READY TO ISSUE")["permit_no"]
    nothing_due = make_permit(api, staff_token, cid)["permit_no"]
    add_fee(api, staff_token, a, "PLANNING", "35.00")
    add_fee(api, staff_token, b, "MECHANICAL PERMIT", "96.00")
    for permit_no in (a, b, nothing_due):
        place_permit(api, staff_token, permit_no, project_no=no)
    cart = api.post(f"/cart/projects/{no}", None, contractor["token"])
    assert cart.status_code == 200, cart.body
    assert sorted(p["permit_no"] for p in cart.json_body["items"]) == sorted([a, b])
    assert cart.json_body["total_fees"] == "131.00"
    assert api.get("/cart", contractor["token"]).json_body == cart.json_body
    again = api.post(f"/cart/projects/{no}", None, contractor["token"])
    assert again.status_code == 200 and again.json_body == cart.json_body
