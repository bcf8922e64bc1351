"""`?limit=` and `?cursor=` of every list route (API.md Part 2), read and checked in one place."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from chalicelib.domain.errors import FieldProblem, InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def page_params(query: Mapping[str, str] | None, default: int = DEFAULT_LIMIT) -> tuple[int, str | None]:
    """(limit, cursor) from the query string; 400 naming the parameter when malformed."""
    query = query or {}
    raw = query.get("limit")
    limit = default
    if raw is not None:
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
            raise InvalidInput(f"limit must be a whole number from 1 to {MAX_LIMIT}.",
                               [FieldProblem("limit", f"must be from 1 to {MAX_LIMIT}")])
        limit = int(raw)
    cursor = query.get("cursor") or None
    if cursor is not None and len(cursor) > 2048:
        raise _bad_cursor()
    return limit, cursor


def paging_asked(query: Mapping[str, str] | None) -> bool:
    """Whether the client asked for a page (Part 2) rather than the list (Part 1's shape)."""
    return query is not None and ("limit" in query or "cursor" in query)


def _bad_cursor() -> InvalidInput:
    return InvalidInput("The cursor is not valid: use the next_cursor of the previous page.",
                        [FieldProblem("cursor", "is not a cursor this list gave out")], slug="bad-cursor")


def page_of[T](items: Sequence[T], limit: int, cursor: str | None,
               position: Callable[[T], str], *, descending: bool = False) -> tuple[list[T], str | None]:
    """A page of a list already read whole (its cost is the read's, not the page's): items after the
    cursor's position, in the list's order (`descending`: newest first). The cursor names the last
    item's position, so it stays right when items come and go between pages."""
    after = _decode(cursor) if cursor else None
    rest = [i for i in items if after is None or (position(i) < after if descending else position(i) > after)]
    page = rest[:limit]
    more = len(rest) > limit
    return page, (_encode(position(page[-1])) if more and page else None)


def _encode(position: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": position}).encode()).decode().rstrip("=")


def _decode(cursor: str) -> str:
    try:
        state: Any = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor() from None
    if not isinstance(state, dict) or not isinstance(state.get("after"), str):
        raise _bad_cursor()
    return state["after"]
