"""Helpers shared by the store modules: time conversion, batched reads and writes."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from chalicelib.domain.errors import TemporarilyUnavailable
from chalicelib.store.dynamo import RETRY_AFTER_SECONDS
from chalicelib.store.expressions import BATCH_GET_LIMIT, BATCH_WRITE_LIMIT, chunked


def to_epoch(at: datetime | None) -> int | None:
    return None if at is None else int(at.timestamp())


def from_epoch(value: Decimal | int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(int(value), UTC)


def batch_get(table: Any, keys: list[dict[str, str]], consistent: bool = False) -> list[dict[str, Any]]:
    """BatchGetItem in chunks of 100, retrying unprocessed keys; items in no particular order."""
    client = table.meta.client
    found: list[dict[str, Any]] = []
    for chunk in chunked(keys, BATCH_GET_LIMIT):
        request = {table.name: {"Keys": chunk, "ConsistentRead": consistent}}
        for attempt in range(8):
            response = client.batch_get_item(RequestItems=request)
            found.extend(response.get("Responses", {}).get(table.name, []))
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
            time.sleep(min(0.05 * 2**attempt, 1.0))
        else:
            # Unprocessed keys are DynamoDB throttling the batch: a 503 the client may retry, not a 500.
            raise TemporarilyUnavailable("The permit records are busy right now; try again in a moment.",
                                         retry_after=RETRY_AFTER_SECONDS)
    return found


def batch_delete(table: Any, keys: list[dict[str, str]]) -> None:
    """Delete items in batches of 25 (boto3's batch writer retries unprocessed items)."""
    for chunk in chunked(keys, BATCH_WRITE_LIMIT):
        with table.batch_writer() as writer:
            for key in chunk:
                writer.delete_item(Key=key)


def query_all(table: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """Every page of a Query (one request while the result fits in 1 MB)."""
    items: list[dict[str, Any]] = []
    while True:
        response = table.query(**kwargs)
        items.extend(response.get("Items", []))
        last = response.get("LastEvaluatedKey")
        if not last:
            return items
        kwargs["ExclusiveStartKey"] = last
