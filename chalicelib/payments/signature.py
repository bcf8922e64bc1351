"""Signatures on the payment portal's callback (`POST /payments/callback`), as in API.md.

Header: `X-Payment-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.

- The MAC covers the timestamp, so an old callback cannot be replayed under a fresh `t`; a `t`
  more than `tolerance` (300) seconds from now, in either direction, is refused.
- It covers the raw request bytes exactly as received: re-serialised JSON may differ in spacing
  or key order, so never verify a re-serialisation.
- Several `v1=` entries may be sent while the secret is rotated (one per secret); any one
  matching passes. Entries of other schemes (`v0=`...) are ignored, so the portal can add one.
- Signatures are compared in constant time (`hmac.compare_digest`).

Every refusal is an InvalidInput (400) whose sentence says which check failed, and nothing about
the expected signature.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from chalicelib.domain.errors import FieldProblem, InvalidInput

SIGNATURE_HEADER = "X-Payment-Signature"
DEFAULT_TOLERANCE = 300
"""Seconds a callback's timestamp may differ from our clock (API.md: more than 300 s -> 400)."""

_MAX_HEADER_LENGTH = 4096  # room for a handful of rotated signatures; anything longer is not ours
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits; 12 digits reach beyond the year 30000
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def sign(secret: str, raw_body: bytes, timestamp: int) -> str:
    """The `X-Payment-Signature` value for `raw_body` sent at `timestamp`: "t=<t>,v1=<hex>".

    Used by the sandbox portal and by tests; a real portal computes the same on its side.
    """
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError("timestamp must be non-negative unix seconds (an int)")
    return f"t={timestamp},v1={_mac(secret, raw_body, timestamp)}"


def verify(
    secret: str,
    raw_body: bytes,
    header: str | None,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE,
    header_name: str = SIGNATURE_HEADER,
) -> None:
    """Pass only if `header` signs `raw_body` with `secret`, within `tolerance` seconds of `now`.

    Returns None for an authentic callback; raises InvalidInput (400) for a missing or malformed
    header, a stale or future timestamp, or a signature that does not match. An empty secret is a
    configuration error (ValueError), never a pass. `header_name` is the header refusals name
    (Stripe's webhooks send the same scheme in `Stripe-Signature`).
    """
    _check_secret(secret)
    timestamp, candidates = _parse_header(header, header_name)
    if abs(now - timestamp) > tolerance:
        raise _refused(
            f"The payment callback's timestamp is more than {tolerance} seconds from our clock.",
            "timestamp is outside the allowed window", header_name,
        )
    expected = _mac(secret, raw_body, timestamp)
    matched = False
    for candidate in candidates:  # no early exit: every candidate costs the same
        matched |= hmac.compare_digest(expected, candidate.lower())
    if not matched:
        raise _refused("The payment callback's signature does not match.", "does not match", header_name)


def _check_secret(secret: str) -> None:
    if not isinstance(secret, str) or not secret:
        raise ValueError("the payment webhook secret is not configured")


def _mac(secret: str, raw_body: bytes, timestamp: int) -> str:
    _check_secret(secret)
    if not isinstance(raw_body, bytes | bytearray):
        raise TypeError("sign the raw request bytes, not a str or parsed JSON")
    message = str(timestamp).encode("ascii") + b"." + bytes(raw_body)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _parse_header(header: str | None, header_name: str = SIGNATURE_HEADER) -> tuple[int, list[str]]:
    if header is None or not header.strip():
        raise _refused(f"The {header_name} header is missing.", "is required", header_name)
    malformed = _refused(
        f"The {header_name} header is malformed: expected t=<unix seconds>,v1=<hex>.",
        "must look like t=<unix seconds>,v1=<hex signature>", header_name,
    )
    if len(header) > _MAX_HEADER_LENGTH:
        raise malformed
    timestamps: list[str] = []
    candidates: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep or not key or not value:
            raise malformed
        if key == "t":
            timestamps.append(value)
        elif key == "v1":
            if not _HEX_SHA256.fullmatch(value):
                raise malformed
            candidates.append(value)
        # entries of other schemes are ignored (see the module docstring)
    if len(timestamps) != 1 or not _TIMESTAMP.fullmatch(timestamps[0]) or not candidates:
        raise malformed
    return int(timestamps[0]), candidates


def _refused(detail: str, message: str, header_name: str = SIGNATURE_HEADER) -> InvalidInput:
    return InvalidInput(detail, [FieldProblem(header_name, message)], slug="bad-signature")
