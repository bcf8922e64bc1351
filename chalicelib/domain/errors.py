"""Errors the county's rules raise, each naming the HTTP status it maps to.

The domain and services raise these; the API layer turns them into RFC 9457 problem details.
They carry no framework types so the rules stay testable without Chalice.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input field, e.g. ("password", "must contain at least one number")."""

    field: str
    message: str


class PortalError(Exception):
    """Base of every expected failure. `status` is the HTTP status; `title` its reason phrase."""

    status = 500
    title = "Internal Server Error"

    def __init__(self, detail: str, errors: list[FieldProblem] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class InvalidInput(PortalError):
    status = 400
    title = "Bad Request"


class Unauthenticated(PortalError):
    status = 401
    title = "Unauthorized"


class Forbidden(PortalError):
    status = 403
    title = "Forbidden"


class NotFound(PortalError):
    status = 404
    title = "Not Found"


class Conflict(PortalError):
    status = 409
    title = "Conflict"


class PayloadTooLarge(PortalError):
    status = 413
    title = "Content Too Large"


class Unavailable(PortalError):
    """A feature this deployment has not been set up for (e.g. no payment portal configured)."""

    status = 503
    title = "Service Unavailable"


class TooManyAttempts(PortalError):
    """Raised while an account is locked after repeated failures; `retry_after` is in seconds."""

    status = 429
    title = "Too Many Requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class TemporarilyUnavailable(Unavailable):
    """The data store is throttling or unreachable even after the bounded retries: nothing the client
    did wrong, so a 503 with `Retry-After` (seconds) rather than a 500."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
