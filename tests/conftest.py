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


# --- DynamoDB: boto3 handles made once per process, a fresh moto account and table for every test ----
#
# What a test costs is mostly boto3, not DynamoDB: a new boto3 Session loads and parses botocore's
# service model (~0.1-0.2 s) and the old fixture paid that twice per test (its own client, and the
# app's handle after `dynamo.reset_cache()`). Now both handles are made once per process (once per
# xdist worker) and kept; each test still gets everything it had before:
# - `mock_aws()` per test resets every moto backend (an empty account: no table, no items, nothing
#   from another service), then the table is created from infra/ as before (~13 ms in all);
# - the request checks of tests/aws_rules.py stay installed on the app's client;
# - after each test, `_Pristine` checks that the test left both clients as it found them (no event
#   hook left registered, no attribute left patched, no retry quota spent); if not, the handle is
#   dropped and the next test builds a new one, as every test used to.


class _Pristine:
    """What a test could leave behind on a long-lived botocore client, recorded so it can be checked."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.attributes = dict(vars(client))
        self.state = self._state()

    def _state(self) -> Any:
        """Every registered event handler (by event and identity), the unique ids, and what is left
        of the standard-mode retry quota (a retry spends it; the next test must not inherit that)."""
        emitter = self.client.meta.events
        emitter = getattr(emitter, "_emitter", emitter)  # EventAliaser -> HierarchicalEmitter
        handlers: list[tuple[str, tuple[int, ...]]] = []
        quotas: list[Any] = []

        def walk(node: dict[str, Any], path: str) -> None:
            for handler in (h for section in node["values"] or () for h in section):
                owner = getattr(handler, "__self__", None)
                if hasattr(owner, "_quota"):  # botocore.retries.standard.RetryQuotaChecker
                    quotas.append((owner._quota.available_capacity, owner._last_amount_acquired))
            if node["values"] is not None:
                handlers.append((path, tuple(id(h) for section in node["values"] for h in section)))
            for chunk, child in node["children"].items():
                walk(child, f"{path}.{chunk}")

        walk(emitter._handlers._root, "")
        return handlers, sorted(emitter._unique_id_handlers), quotas

    def intact(self) -> bool:
        """Whether the client is as recorded. monkeypatch's undo leaves the original bound method as
        an instance attribute; that is the same thing, so it is removed and not counted."""
        attributes = vars(self.client)
        for name in set(attributes) - set(self.attributes):
            original = getattr(type(self.client), name, None)
            if callable(original) and attributes[name] == original.__get__(self.client):
                del attributes[name]
        same = attributes.keys() == self.attributes.keys() and all(
            attributes[k] is v for k, v in self.attributes.items())
        return same and self._state() == self.state


@pytest.fixture(scope="session")
def _dynamodb_handles() -> Iterator[dict[str, Any]]:
    """This process's low-level client for tests (what `aws` yields); the app's own handle is
    chalicelib.store.dynamo's cache, which is kept between tests unless a test dirtied it."""
    import boto3
    import moto  # noqa: F401  # before any client exists: moto hooks every botocore client made after it

    from chalicelib.store import dynamo

    dynamo.reset_cache()  # nothing made before moto was imported is kept
    handles = {"test": boto3.session.Session().client("dynamodb", region_name="us-west-2")}
    yield handles
    dynamo.reset_cache()


@pytest.fixture
def aws(_dynamodb_handles: dict[str, Any]) -> Iterator[Any]:
    """A fresh in-process DynamoDB holding the portal's (empty) table."""
    from moto import mock_aws

    from chalicelib import bootstrap
    from chalicelib.store import dynamo
    from localdev.table import create_table
    from tests import aws_rules

    client = _dynamodb_handles["test"]
    with mock_aws():  # resets every moto backend on entry and on exit
        create_table(client, os.environ["TABLE_NAME"])
        app_client = bootstrap.table().meta.client
        aws_rules.install(app_client)  # what real DynamoDB refuses fails the test, not only prod
        kept = _Pristine(client), _Pristine(app_client)
        yield client
    test_side, app_side = kept
    if not test_side.intact():
        import boto3

        _dynamodb_handles["test"] = boto3.session.Session().client("dynamodb", region_name="us-west-2")
    if not app_side.intact():
        dynamo.reset_cache()


@pytest.fixture
def clock() -> Iterator[Any]:
    """The clock every service in the app reads; starts at a fixed weekday morning."""
    from chalicelib import bootstrap
    from chalicelib.clock import FixedClock, SystemClock

    fixed = FixedClock(datetime(2026, 11, 24, 17, 0, tzinfo=UTC))  # Tue 09:00 in Idaho's Pacific zone
    bootstrap.use_clock(fixed)
    yield fixed
    bootstrap.use_clock(SystemClock())


@pytest.fixture
def table(aws: Any) -> Any:
    from chalicelib import bootstrap

    return bootstrap.table()


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
    from chalicelib import bootstrap
    from chalicelib.domain.accounts import StaffUser
    from chalicelib.domain.credentials import hash_secret

    bootstrap.uow().accounts.put_staff(
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
