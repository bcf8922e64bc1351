"""The sandbox outbox: mail that a local or test portal "sent", kept in the table for a week."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Key

from chalicelib.clock import rfc3339
from chalicelib.store import keys
from chalicelib.store.common import to_epoch

_WEEK = 7 * 86400


class OutboxStore:
    def __init__(self, table: Any) -> None:
        self.table = table

    def add(self, to: str, subject: str, body: str, sent_at: datetime) -> None:
        sort_key = f"{rfc3339(sent_at)}#{sent_at.microsecond:06d}#{secrets.token_hex(4)}"
        self.table.put_item(Item={
            "PK": keys.outbox_partition(to), "SK": sort_key,
            "GSI1PK": keys.OUTBOX_ALL, "GSI1SK": sort_key,
            "to": to, "subject": subject, "body": body, "sent_at": rfc3339(sent_at),
            "ttl": to_epoch(sent_at) + _WEEK,
        })

    def list(self, to: str | None, limit: int = 50) -> list[dict[str, str]]:
        """Newest first; one Query on the address's partition (or on GSI1 for all mail)."""
        if to:
            condition = {"KeyConditionExpression": Key("PK").eq(keys.outbox_partition(to))}
        else:
            condition = {"IndexName": "GSI1",
                         "KeyConditionExpression": Key("GSI1PK").eq(keys.OUTBOX_ALL)}
        items = self.table.query(ScanIndexForward=False, Limit=limit, **condition).get("Items", [])
        return [{"to": i["to"], "subject": i["subject"], "body": i["body"], "sent_at": i["sent_at"]}
                for i in items]
