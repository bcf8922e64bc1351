"""Rules real DynamoDB enforces and moto does not, emulated with botocore hooks on the app's client.

- Key size: a partition key value over 2,048 bytes (sort key over 1,024) is a ValidationException on
  GetItem, Query, UpdateItem, ... (moto answers them normally). An id from a URL must never reach a key
  unbounded, or a long URL is a 500.
- Read-after-write: an eventually consistent GetItem may be answered by a replica that has not seen a write
  made a moment ago (moto always answers from the latest state). Reads that decide who is signed in, or that
  show what the same request just wrote, must be strongly consistent.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from tests.conftest import CONTRACTOR_PASSWORD, complete_setup, register

_HASH_KEY_MAX, _RANGE_KEY_MAX = 2048, 1024


def _body(params: dict[str, Any]) -> dict[str, Any]:
    raw = params.get("body") or b"{}"
    return json.loads(raw.decode() if isinstance(raw, bytes) else raw)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "S":
                yield v
            else:
                yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _refuse_oversized_keys(params: dict[str, Any], model: Any, **_: Any) -> None:
    """What DynamoDB answers when a key value is too big (keys and key-condition values)."""
    body = _body(params)
    keys = [body.get("Key", {})]
    for request in body.get("RequestItems", {}).values():
        keys += request.get("Keys", []) if isinstance(request, dict) else []
    too_big = any(len(s.encode()) > (_RANGE_KEY_MAX if "SK" in name else _HASH_KEY_MAX)
                  for key in keys for name, value in key.items() for s in _strings(value))
    if "KeyConditionExpression" in body:
        too_big = too_big or any(len(s.encode()) > _HASH_KEY_MAX
                                 for s in _strings(body.get("ExpressionAttributeValues", {})))
    if too_big:
        raise ClientError({"Error": {"Code": "ValidationException", "Message": (
            "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
            f"limit of{_HASH_KEY_MAX} bytes")}}, model.name)


class _FrozenReplica:
    """Answers eventually consistent GetItems from the table as it was when it was made: it has not seen
    any write since (items written are missing, items deleted or changed still show as they were)."""

    def __init__(self, plain_client: Any, table_name: str) -> None:
        items = plain_client.scan(TableName=table_name, ConsistentRead=True)["Items"]  # test set-up only
        self.items = {(i["PK"]["S"], i["SK"]["S"]): i for i in items}

    def __call__(self, params: dict[str, Any], **_: Any) -> Any:
        body = _body(params)
        if body.get("ConsistentRead"):
            return None  # strongly consistent: the real answer
        item = self.items.get((body["Key"]["PK"]["S"], body["Key"]["SK"]["S"]))
        http = AWSResponse("https://dynamodb.local", 200, {}, None)
        return http, {**({"Item": copy.deepcopy(item)} if item else {}),  # boto3 decodes it in place
                "ResponseMetadata": {"HTTPStatusCode": 200}}


@pytest.fixture
def app_client(aws: Any) -> Any:
    from chalicelib import bootstrap

    return bootstrap.table().meta.client


@pytest.fixture
def key_size_limits(app_client: Any) -> Iterator[None]:
    app_client.meta.events.register("before-call.dynamodb", _refuse_oversized_keys, unique_id="real-key-size")
    yield
    app_client.meta.events.unregister("before-call.dynamodb", unique_id="real-key-size")


@pytest.fixture
def stale_replicas(aws: Any, app_client: Any) -> Iterator[None]:
    """From here on, eventually consistent GetItems see the table as it is now."""
    from chalicelib import bootstrap

    replica = _FrozenReplica(aws, bootstrap.table().name)
    app_client.meta.events.register("before-call.dynamodb.GetItem", replica, unique_id="stale")
    yield
    app_client.meta.events.unregister("before-call.dynamodb.GetItem", unique_id="stale")


# --- key size -------------------------------------------------------------------------------------

LONG = "RES26-" + "9" * 3000


def test_the_emulation_refuses_what_dynamodb_refuses(table, key_size_limits):
    with pytest.raises(ClientError, match="ValidationException"):
        table.get_item(Key={"PK": "PERMIT#" + LONG, "SK": "PERMIT"})


def test_a_contractor_asking_for_an_absurdly_long_permit_number_gets_404_not_500(api, contractor, key_size_limits):
    assert api.get(f"/permits/{LONG}", contractor["token"]).status_code == 404
    request = {"inspection_type": "FOOTING", "date": "2026-11-30"}
    assert api.post(f"/permits/{LONG}/inspections", request, contractor["token"]).status_code == 404


def test_staff_asking_for_an_absurdly_long_permit_number_gets_404_not_500(api, staff_token, key_size_limits):
    assert api.get(f"/staff/permits/{LONG}", staff_token).status_code == 404
    assert api.post(f"/staff/permits/{LONG}/issue", None, staff_token).status_code == 404
    fee = {"description": "PLANNING", "amount": "35.00"}
    assert api.post(f"/staff/permits/{LONG}/fees", fee, staff_token).status_code == 404


def test_a_pin_for_an_absurdly_long_contractor_id_is_404_not_500(api, staff_token, key_size_limits):
    assert api.post(f"/staff/contractors/{'c-' + 'f' * 3000}/pin", None, staff_token).status_code == 404


# --- read-after-write -----------------------------------------------------------------------------


def test_a_fresh_session_works_on_the_very_next_request(api, staff_token, stale_replicas):
    contractor_id, pin = register(api, staff_token)
    token = complete_setup(api, contractor_id, pin)
    assert api.get("/profile", token).status_code == 200
    login = api.post("/auth/login", {"contractor_id": contractor_id, "password": CONTRACTOR_PASSWORD})
    assert api.get("/dashboard", login.json_body["token"]).status_code == 200


def test_a_session_logged_out_is_refused_at_once(api, contractor, stale_replicas):
    assert api.post("/auth/logout", None, contractor["token"]).status_code == 204
    assert api.get("/dashboard", contractor["token"]).status_code == 401


def test_a_profile_update_answers_with_what_it_just_wrote(api, contractor, stale_replicas):
    body = {"address": "1502 E FALLS AVE", "city": "Coeur d'Alene", "state": "ID", "zip": "83814",
            "email": "office@rich.example", "phone": "208-555-0101",
            "current_password": CONTRACTOR_PASSWORD}  # a new e-mail is confirmed with the password
    response = api.put("/profile", body, contractor["token"])
    assert response.status_code == 200, response.body
    assert response.json_body["email"] == "office@rich.example"
