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
# Most of what the old fixture cost was boto3, not DynamoDB: every new boto3 Session loads and parses
# botocore's service model (~0.1-0.2 s), and each test paid that twice (the test's own client, and the
# app's handle after `dynamo.reset_cache()`). Both handles are now made once per process (once per
# pytest-xdist worker) and kept; each test still starts from exactly what it had before:
# - `mock_aws()` per test resets every moto backend on the way in and out (an empty account: no
#   table, no items, nothing in any other service), then the table is created from infra/ (~13 ms);
# - the request checks of tests/aws_rules.py stay installed on the app's client;
# - after each test `_Pristine.intact()` checks that the test left both clients as they were made
#   (no event hook still registered, no attribute still patched, no retry quota spent); if not, that
#   handle is dropped and the next test gets a new one, as every test used to.


class _Pristine:
    """A long-lived botocore client as it was when made, so a test's leftovers on it can be found."""

    LAZY = frozenset({"_exceptions"})  # what botocore itself fills in on first use (`client.exceptions`)

    def __init__(self, client: Any) -> None:
        self.client = client
        self.attributes = self._attributes()
        self.state = self._state()

    def _attributes(self) -> dict[str, Any]:
        return {name: value for name, value in vars(self.client).items() if name not in self.LAZY}

    def _state(self) -> Any:
        """Every registered event handler (by event name and identity), the unique ids, and what is
        left of the standard-mode retry quota (retries spend it, and a later test must not inherit that)."""
        emitter = self.client.meta.events
        emitter = getattr(emitter, "_emitter", emitter)  # botocore's EventAliaser wraps the real emitter
        handlers: list[tuple[str, tuple[int, ...]]] = []
        quotas: list[Any] = []
        nodes = [("", emitter._handlers._root)]
        while nodes:
            path, node = nodes.pop()
            found = [h for section in node["values"] or () for h in section]
            if found:  # (unregistering leaves an empty node behind: the same as none)
                handlers.append((path, tuple(map(id, found))))
                quotas += [(h.__self__._quota.available_capacity, h.__self__._last_amount_acquired)
                           for h in found if hasattr(getattr(h, "__self__", None), "_quota")]
            nodes += [(f"{path}.{chunk}", child) for chunk, child in node["children"].items()]
        return sorted(handlers), sorted(emitter._unique_id_handlers), sorted(quotas)

    def intact(self) -> bool:
        """Whether the client is as recorded. monkeypatch's undo leaves the original bound method
        behind as an instance attribute: that is the same method, so it is removed, not counted."""
        for name in set(vars(self.client)) - set(self.attributes) - self.LAZY:
            original = getattr(type(self.client), name, None)
            if callable(original) and vars(self.client)[name] == original.__get__(self.client):
                delattr(self.client, name)
        attributes = self._attributes()
        same = attributes.keys() == self.attributes.keys() and all(
            attributes[name] is value for name, value in self.attributes.items())
        return same and self._state() == self.state


def _test_client() -> Any:
    import boto3

    return boto3.session.Session().client("dynamodb", region_name="us-west-2")


@pytest.fixture(scope="session")
def _dynamodb_handles() -> Iterator[dict[str, Any]]:
    """This process's kept handles: "test" is the low-level client `aws` yields; "app" records the
    app's own client (chalicelib.store.dynamo's cache, kept between tests unless a test dirtied it)."""
    import moto  # noqa: F401  # first: moto hooks every botocore client made after it is imported

    from chalicelib.store import dynamo

    dynamo.reset_cache()  # nothing made before moto was imported is kept
    client = _test_client()
    handles: dict[str, Any] = {"test": _Pristine(client), "app": None}
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

    handles = _dynamodb_handles
    client = handles["test"].client
    with mock_aws():  # every moto backend starts empty, and is emptied again on the way out
        create_table(client, os.environ["TABLE_NAME"])
        app_client = bootstrap.table().meta.client  # made here on first use, or after a test dirtied it
        if handles["app"] is not None and handles["app"].client is not app_client:
            dynamo.reset_cache()  # a test emptied the cache itself: what it made since is not kept
            app_client = bootstrap.table().meta.client
        aws_rules.install(app_client)  # what real DynamoDB refuses fails the test, not only prod
        if handles["app"] is None or handles["app"].client is not app_client:
            handles["app"] = _Pristine(app_client)
        yield client
    if not handles["test"].intact():
        handles["test"] = _Pristine(_test_client())
    if not handles["app"].intact():
        dynamo.reset_cache()
        handles["app"] = None


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


def sign_in_as(api: Api, role: Any, name: str = "") -> str:
    """A staff member of `role` (a StaffRole), put straight into the table, signed in: their token."""
    from chalicelib import bootstrap
    from chalicelib.domain.accounts import StaffUser
    from chalicelib.domain.credentials import hash_secret

    name = name or f"{role.value}1"
    bootstrap.uow().accounts.put_staff(StaffUser(name, f"A {role.value}", f"{name}@example.gov",
                                                 hash_secret(STAFF_PASSWORD, 4), role))
    response = api.post("/auth/staff-login", {"username": name, "password": STAFF_PASSWORD})
    assert response.status_code == 200, response.body
    return str(response.json_body["token"])


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
