"""Errors the county's rules raise, each naming the HTTP status it maps to and a stable problem type.

The domain and services raise these; the API layer turns them into RFC 9457 problem details whose
`type` is `<site>/problems/<slug>`. Clients branch on the slug, never on the English `detail`, so
every slug here is part of the API (README.md, "Problem types", lists them). A class gives its
default slug; a raise site names a more precise one (`Conflict(..., slug="fees-due")`).
They carry no framework types so the rules stay testable without Chalice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input field, e.g. ("password", "must contain at least one number")."""

    field: str
    message: str


class PortalError(Exception):
    """Base of every expected failure. `status` is the HTTP status; `title` its reason phrase;
    `slug` the problem type's last path segment; `extensions` extra members of the problem
    (RFC 9457 §3.2), e.g. `attempts_left` after a wrong secret."""

    status = 500
    title = "Internal Server Error"
    slug: str | None = "internal-error"

    def __init__(self, detail: str, errors: list[FieldProblem] | None = None, *, slug: str | None = None,
                 extensions: Mapping[str, int | str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.extensions = dict(extensions or {})
        if slug is not None:
            self.slug = slug


class InvalidInput(PortalError):
    status = 400
    title = "Bad Request"
    slug = None  # a plain HTTP error: about:blank


class Unauthenticated(PortalError):
    status = 401
    title = "Unauthorized"
    slug = None  # a plain HTTP error: about:blank


class Forbidden(PortalError):
    status = 403
    title = "Forbidden"
    slug = None  # a plain HTTP error: about:blank


class NotFound(PortalError):
    status = 404
    title = "Not Found"
    slug = "not-found"


class Conflict(PortalError):
    status = 409
    title = "Conflict"
    slug = "conflict"


class PayloadTooLarge(PortalError):
    status = 413
    title = "Content Too Large"
    slug = None  # a plain HTTP error: about:blank


class Unavailable(PortalError):
    """A feature this deployment has not been set up for (e.g. no payment portal configured)."""

    status = 503
    title = "Service Unavailable"
    slug: str | None = "not-set-up"


class TooManyAttempts(PortalError):
    """Raised while an account is locked after repeated failures; `retry_after` is in seconds."""

    status = 429
    title = "Too Many Requests"
    slug = "too-many-attempts"

    def __init__(self, detail: str, retry_after: int, *, slug: str | None = None) -> None:
        super().__init__(detail, slug=slug)
        self.retry_after = retry_after


class TemporarilyUnavailable(Unavailable):
    """The data store is throttling or unreachable even after the bounded retries: nothing the client
    did wrong, so a 503 with `Retry-After` (seconds) rather than a 500."""

    slug = None  # plain HTTP: 503 with Retry-After says all a client needs, and names nothing internal

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


#: Every problem type the API answers with, slug → what it means. A slug is never renamed or reused;
#: `tests/api/test_problem_types.py` holds the code to this list and README.md lists it for clients.
PROBLEM_TYPES: dict[str, str] = {
    # The classes' defaults. A body that is not JSON or breaks the request model, a missing token, a
    # role that may not call the route and a body over the size limit are plain HTTP errors:
    # `about:blank`, with `errors` naming each field.
    "not-found": "No such record, or not one of yours.",
    "conflict": "The request contradicts the record's current state.",
    "not-set-up": "This deployment has not been set up for the feature (e.g. no payment portal).",
    "too-many-attempts": "Locked after repeated failures, or a rate limit; see Retry-After.",
    "internal-error": "A bug; it has been logged.",
    "bad-cursor": "The `cursor` is not one this list gave out (malformed, forged, or another list's).",
    # Signing in and secrets.
    "wrong-credentials": "The business (or user name) or password is not correct.",
    "session-ended": "The session has ended or was revoked: sign in again.",
    "setup-required": "A PIN session: finish first-login set-up before anything else.",
    "staff-role": "A staff account whose role (clerk, inspector, supervisor) does not include this work.",
    "role-forbidden": "A company user whose role (admin, office, field) does not include this (GET /me's `may`).",
    "setup-complete": "Set-up is already complete (or the PIN was replaced).",
    "wrong-current-password": "The current password given to confirm a change is not correct.",
    "wrong-secret-answer": "The secret answer does not match the one on file.",
    "wrong-reset-code": "The password-reset code is not correct or has expired.",
    "reset-link-expired": "The password-reset token is unknown, used or expired.",
    "password-rules": "The new password breaks the password rules (GET /meta/rules).",
    "license-taken": "A contractor with this state license is already registered.",
    # Permits and their lifecycle.
    "status-transition": "The permit's lifecycle does not allow this change of status.",
    "fees-due": "Fees are unpaid (due or held by a payment in progress).",
    "changed-meanwhile": "The record changed between reading and writing: read it again.",
    "too-many-changes": "One request would change more records than can be changed together; do it in parts.",
    "permit-numbers-exhausted": "Every number of this prefix and year is used.",
    # Inspections.
    "inspection-not-allowed": "The permit does not allow an inspection request now (each reason in `detail`).",
    "inspection-slot-taken": "This permit already has this inspection type on that day.",
    "inspection-date-not-allowed": (
        "The date is not one the inspection calendar offers (cut-off, business day, horizon)."),
    "inspection-too-late-to-cancel": "The cancel cut-off on the inspection's day has passed.",
    "inspection-not-scheduled": "The inspection is no longer scheduled (cancelled or resulted).",
    "inspection-not-yet-due": "A result cannot be recorded before the inspection's date.",
    "inspection-no-result": "The inspection has no recorded result to correct (record one instead).",
    # Cart, checkout and payments.
    "no-fees-due": "The permit has no fees due.",
    "fees-held": "The fees are held by a payment in progress.",
    "cart-empty": "The cart is empty.",
    "payment-limit": "More than one payment may carry.",
    "payment-ended": "The payment has already ended.",
    "payment-pending": "The payment is still pending: its outcome has not been recorded yet.",
    "payment-amount-mismatch": "The callback's amount is not the payment's total due.",
    "bad-signature": "The callback's signature is missing, wrong or too old.",
    # Staff accounts.
    "staff-username-taken": "A staff account with this user name exists.",
    "invalid-invitation": "The invitation code (staff or company user) is not correct, has expired or was used.",
    "last-supervisor": "The last active supervisor cannot be demoted or disabled.",
    "staff-disabled": "The staff account is disabled: enable it first.",
    # A company's users.
    "user-exists": "The e-mail is already a user of the company (or its first admin's): resend or enable instead.",
    "last-admin": "The last active admin of the company cannot be demoted or disabled.",
    "refund-not-due": "The payment has no refund due: nothing it received is left to give back.",
    "fees-not-assessed": "The permit has no fees assessed: it cannot be READY TO ISSUE until they are added.",
    "fee-not-voidable": "The fee is paid, held by a payment in progress, or already voided: it cannot be voided.",
    # Properties, projects and the map.
    "query-too-short": "A search needs at least 2 characters (`q`).",
    "bad-bbox": "`bbox` is not west,south,east,north in degrees within range (w <= e, s <= n).",
    "bbox-too-large": "The view is wider than GET /meta/rules map.max_bbox_degrees for parcels and streets: zoom in.",
    "bad-layer": "`layer` is not one of GET /meta/rules map.layers.",
    "bad-feature-collection": "The import is not a GeoJSON FeatureCollection (or is too large): nothing written.",
    "project-exists": "A project with this number exists.",
}


class StaleRecord(Conflict):
    """What an operation read changed before its writes landed (an optimistic version check failed):
    nothing was written. Services may read again and retry; otherwise the client does."""

    slug = "changed-meanwhile"


class TooManyChanges(Conflict):
    """One operation would change more items than one DynamoDB transaction can hold (100 actions, 4 MB)."""

    slug = "too-many-changes"
