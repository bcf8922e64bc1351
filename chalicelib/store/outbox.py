"""The sandbox outbox: mail that a local or test portal "sent", kept in the table for a week."""

from __future__ import annotations

import secrets
from datetime import datetime

from chalicelib.clock import rfc3339
from chalicelib.store import keys
from chalicelib.store.common import to_epoch
from chalicelib.store.items import ItemStore, Put

_WEEK = 7 * 86400


class OutboxStore:
    def __init__(self, items: ItemStore) -> None:
        self.items = items

    def add(self, to: str, subject: str, body: str, sent_at: datetime) -> None:
        sort_key = f"{rfc3339(sent_at)}#{sent_at.microsecond:06d}#{secrets.token_hex(4)}"
        self.items.write([Put({
            "PK": keys.outbox_partition(to), "SK": sort_key,
            "GSI1PK": keys.OUTBOX_ALL, "GSI1SK": sort_key,
            "to": to, "subject": subject, "body": body, "sent_at": rfc3339(sent_at),
            "ttl": (to_epoch(sent_at) or 0) + _WEEK,
        })])

    def list(self, to: str | None, limit: int = 50) -> list[dict[str, str]]:
        """Newest first; one Query on the address's partition (or on GSI1 for all mail)."""
        if to:
            page = self.items.query(keys.outbox_partition(to), forward=False, limit=limit)
        else:
            page = self.items.query(keys.OUTBOX_ALL, index="GSI1", forward=False, limit=limit)
        return [{"to": i["to"], "subject": i["subject"], "body": i["body"], "sent_at": i["sent_at"]}
                for i in page.items]
