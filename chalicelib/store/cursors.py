"""Opaque cursors of paged lists: the position of a page's last item, checked on the way back in.

A cursor is the DynamoDB key a page stopped at (plus the list's own state), base64url-encoded JSON.
It is not signed, so it is checked: a malformed one, or one whose partition is not the caller's, is
a 400 `bad-cursor` — never a 500 from DynamoDB, never a way into another contractor's partition.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.store.items import Item, Key

MAX_CURSOR_LENGTH = 2048


def encode_cursor(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def bad_cursor() -> InvalidInput:
    return InvalidInput("The cursor is not valid: use the next_cursor of the previous page.",
                        [FieldProblem("cursor", "is not a cursor this list gave out")], slug="bad-cursor")


def decode_cursor(cursor: str, partition: dict[str, str]) -> dict[str, Any]:
    """The state a cursor carries; 400 for one we did not make or that points at another partition."""
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError
        state = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_cursor() from None
    key = state.get("key") if isinstance(state, dict) else None
    if not isinstance(key, dict) or not all(isinstance(k, str) and isinstance(v, str) and 0 < len(v) <= 1024
                                            for k, v in key.items()):
        raise bad_cursor()
    for name, value in partition.items():
        if key.get(name) != value:  # another contractor's partition: never a way in
            raise bad_cursor()
    return state


def gsi1_key(item: Item) -> Key:
    """Where a GSI1 query stopped: the item's table key and its GSI1 key."""
    return {"PK": item["PK"], "SK": item["SK"], "GSI1PK": item["GSI1PK"], "GSI1SK": item["GSI1SK"]}
