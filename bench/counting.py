"""Counting DynamoDB requests and items read, with botocore's event hooks."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class Tally:
    operations: Counter[str] = field(default_factory=Counter)
    items_read: int = 0

    @property
    def requests(self) -> int:
        return sum(self.operations.values())

    def describe(self) -> str:
        return ", ".join(f"{op} {n}" for op, n in sorted(self.operations.items())) or "none"


@dataclass
class Row:
    section: str
    what: str
    tally: Tally | None = None
    value: str = ""  # for rows that are not request counts (import time)
    goal: str = ""


def _items_in(response: dict[str, Any]) -> int:
    if "Item" in response:
        return 1
    if "Items" in response:
        return len(response["Items"])
    if "Responses" in response and isinstance(response["Responses"], dict):
        return sum(len(v) for v in response["Responses"].values())
    if "Responses" in response and isinstance(response["Responses"], list):  # TransactGetItems
        return sum(1 for r in response["Responses"] if r.get("Item"))
    if "PK" in (response.get("Attributes") or {}):  # an UpdateItem answering with the whole item (ALL_NEW)
        return 1
    return 0


@contextmanager
def counting(table: Any) -> Iterator[Tally]:
    """Count every DynamoDB call made through the portal's client while the block runs."""
    tally = Tally()
    events = table.meta.client.meta.events

    def before(model: Any, **_: Any) -> None:
        tally.operations[model.name] += 1

    def after(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        tally.items_read += _items_in(parsed)

    events.register("before-call.dynamodb", before, unique_id="bench-before")
    events.register("after-call.dynamodb", after, unique_id="bench-after")
    try:
        yield tally
    finally:
        events.unregister("before-call.dynamodb", unique_id="bench-before")
        events.unregister("after-call.dynamodb", unique_id="bench-after")


def call(client: Any, method: str, path: str, body: Any = None, token: str | None = None,
         raw: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
    """One API call through the Chalice test client; a benchmark stops at the first failure."""
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    response = client.http.request(method, path, headers=sent, body=data)
    if response.status_code >= 300:
        raise RuntimeError(f"{method} {path} answered {response.status_code}: {response.body!r}")
    return response.json_body if response.body else None


@contextmanager
def portal() -> Iterator[Any]:
    """A fresh moto DynamoDB with the portal's table, a fixed clock, and a Chalice test client."""
    os.environ.update({
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-west-2",
        "AWS_REGION": "us-west-2", "TABLE_NAME": "contractor-portal-local", "BCRYPT_COST": "4",
    })
    os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib import bootstrap
    from chalicelib.clock import FixedClock, SystemClock
    from chalicelib.store import dynamo
    from localdev.table import create_table

    with mock_aws():
        dynamo.reset_cache()
        create_table(boto3.client("dynamodb", region_name="us-west-2"), os.environ["TABLE_NAME"])
        clock = FixedClock(datetime(2026, 11, 24, 17, 0, tzinfo=UTC))
        bootstrap.use_clock(clock)
        try:
            with Client(app, stage_name="local") as client:
                yield client, bootstrap.table(), clock
        finally:
            bootstrap.use_clock(SystemClock())
            dynamo.reset_cache()
