"""The boto3 table handle, made once per process and endpoint, lazily.

A Lambda container reuses it across invocations; nothing touches boto3 at import time, which keeps
cold starts and `app.py`'s import short.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

_lock = threading.Lock()


@lru_cache(maxsize=8)
def _resource(endpoint: str | None, region: str) -> Any:
    import boto3  # imported here: boto3 costs ~100 ms to import and only requests need it

    with _lock:  # boto3 sessions are not thread-safe to create
        session = boto3.session.Session()
        return session.resource("dynamodb", region_name=region, endpoint_url=endpoint)


def table(table_name: str, endpoint: str | None, region: str) -> Any:
    """The `Table` resource for the portal's table (client reachable as `.meta.client`)."""
    return _resource(endpoint, region).Table(table_name)


def reset_cache() -> None:
    """Forget cached handles (tests start each case with a fresh moto backend)."""
    _resource.cache_clear()
