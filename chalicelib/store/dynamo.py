"""The boto3 table handle, made once per process and endpoint, lazily; and what counts as DynamoDB
trouble that is not the caller's fault.

A Lambda container reuses it across invocations; nothing touches boto3 at import time, which keeps
cold starts and `app.py`'s import short.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

_lock = threading.Lock()

# Bounded retries and short timeouts: botocore's defaults for DynamoDB (legacy mode, 10 retries, a
# 60-second read timeout) turned an emulator crash into a 500 after 25 s, close to the gateway's 29-s
# limit. Standard mode retries throttling, 5xx and connection errors with jittered back-off; three
# attempts of at most 2 s to connect and 5 s to read end well inside the Lambda's 30 s.
MAX_ATTEMPTS = 3
CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 5
#: What a 503 for a busy or unreachable DynamoDB tells the client to wait, in seconds.
RETRY_AFTER_SECONDS = 2

#: Error codes for DynamoDB being busy or unwell rather than the request being wrong.
TRANSIENT_CODES = frozenset({
    "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
    "InternalServerError", "ServiceUnavailable", "ThrottlingError",
})


@lru_cache(maxsize=8)
def _resource(endpoint: str | None, region: str) -> Any:
    import boto3  # imported here: boto3 costs ~100 ms to import and only requests need it
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
                    connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=READ_TIMEOUT_SECONDS)
    with _lock:  # boto3 sessions are not thread-safe to create
        session = boto3.session.Session()
        return session.resource("dynamodb", region_name=region, endpoint_url=endpoint, config=config)


def table(table_name: str, endpoint: str | None, region: str) -> Any:
    """The `Table` resource for the portal's table (client reachable as `.meta.client`)."""
    return _resource(endpoint, region).Table(table_name)


def reset_cache() -> None:
    """Forget cached handles (tests start each case with a fresh moto backend)."""
    _resource.cache_clear()


def is_transient(error: BaseException) -> bool:
    """True for throttling, DynamoDB's own 5xx and a connection that failed or timed out: worth a
    retry later, and never the client's fault. Anything else (a validation error is our bug) is not."""
    import botocore.exceptions as aws  # loaded already whenever a DynamoDB call has failed

    if isinstance(error, aws.ConnectionError | aws.HTTPClientError):  # refused, closed, timed out
        return True
    if not isinstance(error, aws.ClientError):
        return False
    code = error.response.get("Error", {}).get("Code", "")
    if code in TRANSIENT_CODES:
        return True
    if code == "TransactionCanceledException":  # a transaction is throttled per item, as a cancellation
        reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
        return any(r in TRANSIENT_CODES for r in reasons) and all(r in TRANSIENT_CODES | {"None", None}
                                                                  for r in reasons)
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)) >= 500
