"""GET /contractors at county scale: the whole list in one cacheable answer (strong ETag, 304), read from
GSI3's small entries in a request or two; paging with limit/cursor still works."""

from __future__ import annotations

from typing import Any

from tests.conftest import register

COUNTY = 2_600  # more than the 200 a page held, and than a GSI1 page of full items would


def seed_directory(table: Any, count: int) -> None:
    """`count` businesses as registration stores them, written in batches (a transaction each is slow)."""
    from chalicelib.domain.accounts import Company
    from chalicelib.store.accounts import company_item

    with table.batch_writer() as batch:
        for i in range(count):
            batch.put_item(Item=company_item(Company(
                contractor_id=f"c-{i:05d}", company_name=f"BUILDER {i:05d} CONSTRUCTION LLC",
                license_no=f"L{i:05d}", email=f"office{i}@example.com", address=f"{i} MAIN ST",
                city="HAYDEN", state="ID", zip="83835", phone="208-555-0100", version=1)))


def test_the_whole_list_is_one_cacheable_answer_with_a_strong_etag(api, staff_token):
    register(api, staff_token)
    first = api.get("/contractors")
    assert first.status_code == 200
    assert set(first.json_body) == {"total", "items"} and first.json_body["total"] == 1
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert api.get("/contractors").headers["ETag"] == etag  # unchanged while the directory is

    again = api.call("GET", "/contractors", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.body in (b"", "")
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "public, max-age=60"
    assert api.call("GET", "/contractors", headers={"If-None-Match": f'W/{etag}, "other"'}).status_code == 304
    assert api.call("GET", "/contractors", headers={"If-None-Match": '"stale"'}).status_code == 200


def test_the_etag_changes_when_a_business_is_added(api, staff_token):
    register(api, staff_token)
    before = api.get("/contractors").headers["ETag"]
    register(api, staff_token, "ACME HOMES", "AH001", "acme@example.com")
    after = api.get("/contractors")
    assert after.headers["ETag"] != before
    assert api.call("GET", "/contractors", headers={"If-None-Match": before}).status_code == 200
    assert [i["company_name"] for i in after.json_body["items"]] == ["ACME HOMES", "RICH CONTRACTOR"]


def test_a_county_sized_list_is_complete_from_a_couple_of_small_queries(api, table):
    from bench.counting import counting

    seed_directory(table, COUNTY)
    with counting(table) as tally:
        response = api.get("/contractors")
    body = response.json_body
    assert body["total"] == COUNTY and "next_cursor" not in body
    assert [i["contractor_id"] for i in body["items"]] == [f"c-{i:05d}" for i in range(COUNTY)]
    assert set(body["items"][0]) == {"contractor_id", "company_name"}
    # GSI3 holds only ids and names: about 150 bytes an entry, 2,600 are one 1 MB page (6,000 are two: make bench).
    assert set(tally.operations) == {"Query"} and tally.requests == 1
    assert tally.items_read == COUNTY


def test_the_index_entries_carry_only_the_id_and_the_name(table):
    seed_directory(table, 1)
    entry = table.query(IndexName="GSI3", KeyConditionExpression="GSI3PK = :d",
                        ExpressionAttributeValues={":d": "DIRECTORY"})["Items"][0]
    assert set(entry) == {"PK", "SK", "GSI3PK", "GSI3SK", "contractor_id", "company_name"}


def test_pages_still_follow_the_cursor_at_county_scale(api, table):
    seed_directory(table, 450)
    ids, cursor, pages = [], None, 0
    while True:
        body = api.get(f"/contractors?limit=200{f'&cursor={cursor}' if cursor else ''}").json_body
        ids += [i["contractor_id"] for i in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert ids == [f"c-{i:05d}" for i in range(450)] and pages == 3
