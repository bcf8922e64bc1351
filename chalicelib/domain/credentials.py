"""Hashing of passwords, PINs and secret answers; random tokens, PINs and codes.

bcrypt reads at most 72 bytes and bcrypt 5 raises on more. A 25-character password in UTF-8 can be
100 bytes, so every secret is first digested (SHA-256, base64: 44 ASCII bytes) and the digest is
bcrypt-hashed. Nothing is truncated and no input length makes bcrypt fail.

Session and reset tokens are 256-bit random values stored only as SHA-256 hex digests: a leaked
table does not yield usable tokens, and lookup stays a single GetItem on the digest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

import bcrypt


def _digest(secret: str) -> bytes:
    return base64.b64encode(hashlib.sha256(secret.encode("utf-8")).digest())


def hash_secret(secret: str, cost: int) -> str:
    """bcrypt hash of the secret's digest at the given cost (12 in production, 4 in tests)."""
    return bcrypt.hashpw(_digest(secret), bcrypt.gensalt(rounds=cost)).decode("ascii")


def verify_secret(secret: str, hashed: str | None, cost: int) -> bool:
    """True when `secret` matches. With no stored hash it still spends one bcrypt verification,
    so a missing account answers in about the same time as a wrong password."""
    if not hashed:
        bcrypt.checkpw(_digest(secret), _dummy_hash(cost))
        return False
    try:
        return bcrypt.checkpw(_digest(secret), hashed.encode("ascii"))
    except ValueError:  # a corrupt stored hash is a failed check, never a 500
        return False


@lru_cache(maxsize=4)
def _dummy_hash(cost: int) -> bytes:
    return bcrypt.hashpw(b"no-such-account", bcrypt.gensalt(rounds=cost))


def normalise_answer(answer: str) -> str:
    """Secret answers match trimmed, case-insensitively, with inner runs of spaces folded."""
    return " ".join(answer.split()).casefold()


def new_token() -> str:
    """A 256-bit random bearer token, URL-safe."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the table stores for a token: its SHA-256 hex digest."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_pin(digits: int = 8) -> str:
    """A random numeric PIN, as Community Development hands out."""
    return "".join(str(secrets.randbelow(10)) for _ in range(digits))


def new_reset_code(digits: int = 6) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(digits))


#: Invitation codes are typed from an e-mail: no 0/O, 1/I/L, so none is misread.
INVITATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_invitation_code(groups: int = 4, size: int = 4) -> str:
    """A staff invitation's one-time code, e.g. `K7QM-2XRP-9DHT-W4NA` (16 of 31 symbols: ~79 bits)."""
    return "-".join("".join(secrets.choice(INVITATION_ALPHABET) for _ in range(size)) for _ in range(groups))


def normalise_invitation_code(code: str) -> str:
    """As typed or pasted: case, spaces and dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_digest(scope: str, code: str) -> str:
    """Short-lived, attempt-limited codes are keyed-digested, not bcrypt-hashed, so checking a code
    costs the same whether or not the account exists."""
    return hmac.new(scope.encode("utf-8"), code.strip().encode("utf-8"), hashlib.sha256).hexdigest()


def same_digest(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii"), b.encode("ascii"))
