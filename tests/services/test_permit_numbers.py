"""Permit numbers under concurrent creation: the atomic counter and the conditional put."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor


def test_concurrent_creation_never_hands_out_a_number_twice(api, contractor, staff_token, atomic_requests):
    from chalicelib import bootstrap

    service = bootstrap.staff_permits()
    fields = {"contractor_id": contractor["contractor_id"], "address": "1 MAIN ST", "type": "RESIDENTIAL",
              "status": "SUBMITTED"}
    service.create(fields, permit_no="RES26-0005")  # typed in by hand: the counter must step over it

    def create(_: int) -> str:
        return bootstrap.staff_permits().create(dict(fields)).permit_no

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(create, range(40)))
    assert len(set(numbers)) == 40
    assert "RES26-0005" not in numbers
    assert all(re.fullmatch(r"RES26-00[0-9]{2}", no) for no in numbers)
    # Numbers are unique because the put is conditional; a gap is allowed (moto's counter is not atomic
    # across threads the way DynamoDB's is, and a crash between counter and put also skips one).
    listed = api.get("/permits", contractor["token"]).json_body
    assert listed["total"] == 41
