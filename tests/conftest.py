"""Shared fixtures: moto in-process DynamoDB with the table from infra/, the Chalice test client,
a clock tests can move, and helpers that sign people in."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

# Before anything imports boto3: dummy credentials, a region, and fast bcrypt for tests.
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-west-2", "AWS_REGION": "us-west-2",
    "TABLE_NAME": "contractor-portal-local", "BCRYPT_COST": "4", "NOTIFIER": "sandbox",
})
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_ENDPOINT_URL", None)

STAFF_PASSWORD = "StaffPass9"
CONTRACTOR_PASSWORD = "Build2Last"
SECRET_ANSWER = "Corvette"


@pytest.fixture
def aws() -> Iterator[Any]:
    """A fresh in-process DynamoDB holding the portal's (empty) table."""
    from moto import mock_aws

    from chalicelib.store import dynamo
    from localdev.table import create_table

    with mock_aws():
        dynamo.reset_cache()
        import boto3

        client = boto3.client("dynamodb", region_name="us-west-2")
        create_table(client, os.environ["TABLE_NAME"])
        from chalicelib.api import deps
        from tests import aws_rules

        aws_rules.install(deps.table().meta.client)  # what real DynamoDB refuses fails the test, not only prod
        yield client
        dynamo.reset_cache()


@pytest.fixture
def clock() -> Iterator[Any]:
    """The clock every service in the app reads; starts at a fixed weekday morning."""
    from chalicelib.api import deps
    from chalicelib.clock import FixedClock, SystemClock

    fixed = FixedClock(datetime(2026, 11, 24, 17, 0, tzinfo=UTC))  # Tue 09:00 in Idaho's Pacific zone
    deps.use_clock(fixed)
    yield fixed
    deps.use_clock(SystemClock())


@pytest.fixture
def table(aws: Any) -> Any:
    from chalicelib.api import deps

    return deps.table()


@pytest.fixture
def client(aws: Any, clock: Any) -> Any:
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client


class Api:
    """Thin JSON helpers over the Chalice test client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def call(self, method: str, path: str, body: Any = None, token: str | None = None,
             raw: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        return self.client.http.request(method, path, headers=sent, body=data)

    def get(self, path: str, token: str | None = None) -> Any:
        return self.call("GET", path, token=token)

    def post(self, path: str, body: Any = None, token: str | None = None) -> Any:
        return self.call("POST", path, body if body is not None else {}, token)

    def put(self, path: str, body: Any, token: str | None = None) -> Any:
        return self.call("PUT", path, body, token)

    def delete(self, path: str, token: str | None = None) -> Any:
        return self.call("DELETE", path, token=token)


@pytest.fixture
def api(client: Any) -> Api:
    return Api(client)


@pytest.fixture
def staff_token(api: Api) -> str:
    from chalicelib.api import deps
    from chalicelib.domain.accounts import StaffUser
    from chalicelib.domain.credentials import hash_secret
    from chalicelib.store.accounts import AccountStore

    AccountStore(deps.table()).put_staff(
        StaffUser("admin", "Permit Desk", "desk@example.gov", hash_secret(STAFF_PASSWORD, 4)))
    response = api.post("/auth/staff-login", {"username": "admin", "password": STAFF_PASSWORD})
    assert response.status_code == 200, response.body
    return response.json_body["token"]


def register(api: Api, staff_token: str, name: str = "RICH CONTRACTOR", license_no: str = "AEC0119",
             email: str = "CONTRACTOR@ONLINE.COM") -> tuple[str, str]:
    response = api.post("/staff/contractors", {"company_name": name, "license_no": license_no,
                                               "email": email}, staff_token)
    assert response.status_code == 201, response.body
    return response.json_body["contractor_id"], response.json_body["pin"]


def complete_setup(api: Api, contractor_id: str, pin: str, password: str = CONTRACTOR_PASSWORD) -> str:
    setup_token = api.post("/auth/login", {"contractor_id": contractor_id, "password": pin}).json_body["token"]
    response = api.post("/auth/setup", {
        "security_question": "FIRST CAR", "secret_answer": SECRET_ANSWER, "secret_answer_confirm": SECRET_ANSWER,
        "password": password, "password_confirm": password}, setup_token)
    assert response.status_code == 200, response.body
    return response.json_body["token"]


@pytest.fixture
def contractor(api: Api, staff_token: str) -> dict[str, str]:
    """RICH CONTRACTOR, registered by staff, set-up finished; with a live token."""
    contractor_id, pin = register(api, staff_token)
    token = complete_setup(api, contractor_id, pin)
    return {"contractor_id": contractor_id, "token": token, "pin": pin}


# --- permits with fees, written straight into the table (cart, checkout and payment tests) ----------

GUIDE_FEES = (("MECHANICAL PERMIT", "96.00"), ("PLAN REVIEW FEE BALANCE", "65.08"), ("BUILDING PERMIT FEE", "650.75"),
              ("PLANNING", "35.00"), ("RES/GAR/ADD PARTIAL PLAN REVIEW FEE", "130.15"),
              ("FIRE DISTRICT INSPECTION FEE", "47.00"))
"""RES16-0688's six fee lines from the guide's Checkout Summary: 1023.98 in all."""


def seed_permit(table: Any, contractor_id: str, permit_no: str, fees: Any = GUIDE_FEES,
                address: str = "1968 E DODD RD", status: str = "READY TO ISSUE") -> list[str]:
    """A permit item and its DUE fee items, as the permits feature stores them; returns the fee ids."""
    from decimal import Decimal

    from chalicelib.domain.fee_lines import FeeLine
    from chalicelib.store.fees import fee_item

    no = permit_no.upper()
    table.put_item(Item={"PK": f"PERMIT#{no}", "SK": "PERMIT", "GSI1PK": f"CONTRACTOR#{contractor_id}",
                         "GSI1SK": f"PERMIT#{no}", "permit_no": no, "contractor_id": contractor_id,
                         "address": address, "type": "RESIDENTIAL", "status": status})
    fee_ids = []
    for index, (description, amount) in enumerate(fees):
        fee_id = f"{no}-F{index:02d}"
        line = FeeLine(fee_id, no, contractor_id, description, Decimal(amount))
        table.put_item(Item=fee_item(line, datetime(2026, 11, 1, tzinfo=UTC)))
        fee_ids.append(fee_id)
    return fee_ids


@pytest.fixture
def atomic_requests(table: Any, monkeypatch: Any) -> None:
    """Make each DynamoDB request atomic, as DynamoDB's are, for tests that race threads.

    moto's in-memory table is not safe for concurrent requests ("dictionary changed size during
    iteration"); serialising single requests keeps every interleaving *between* requests — which is
    where the races under test live — and removes only moto's own.
    """
    import threading

    client = table.meta.client
    lock = threading.Lock()
    make_api_call = client._make_api_call

    def serialised(operation: str, params: Any) -> Any:
        with lock:
            return make_api_call(operation, params)

    monkeypatch.setattr(client, "_make_api_call", serialised)
