"""Stripe Checkout: the hosted payment page, and the webhook events that report its outcome.

`StripeCheckout.checkout_url` creates a Checkout Session (`POST /v1/checkout/sessions`, form-encoded,
the secret key as Bearer auth, `Idempotency-Key` = our payment id, so a retried checkout cannot open two
sessions) for one line item of the payment's frozen `total_due` in cents, and returns the session's
`url`, where the contractor pays. Plain `urllib` with a timeout: the stripe SDK would add megabytes to
the Lambda zip for one POST. Any failure (timeout, network, a Stripe error) is `ProviderUnavailable`,
the 503 the checkout path answers when the portal cannot be reached.

Stripe reports the outcome to `POST /payments/stripe/webhook`, signed in `Stripe-Signature` with the
same `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` scheme as our callback
(chalicelib/payments/signature.py). `parse_event` reads the event into the same `CallbackBody` the
callback produces, so both go through one service path (exactly once, replays change nothing):

- `checkout.session.completed` with `payment_status` "paid", `checkout.session.async_payment_succeeded`
  → approved (transaction id = the session's `payment_intent`);
- `checkout.session.async_payment_failed` → declined; `checkout.session.expired` → cancelled;
- anything else (other types, a completed session still "unpaid") → None: answered 200 and ignored,
  since Stripe retries every non-2xx answer for days.
"""

from __future__ import annotations

import base64
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from chalicelib.domain.errors import FieldProblem, InvalidInput, TemporarilyUnavailable
from chalicelib.payments.provider import CallbackBody, CallbackOutcome, _check_id, _is_id

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Stripe-Signature"
DEFAULT_API_BASE = "https://api.stripe.com"
DEFAULT_TIMEOUT = 10.0
CURRENCY = "usd"
SESSION_MINUTES = 31
"""Stripe refuses a session that expires sooner than 30 minutes after it is made; one more minute
covers the clocks' difference. A payment approved after our own 30-minute hold is handled as any late
approval (fees still due are paid; otherwise it is kept for a refund)."""

_CENT = Decimal("0.01")
_MAX_RESPONSE = 1 << 20


RETRY_AFTER = 30
"""Seconds the 503 for an unreachable portal tells the client to wait."""


class ProviderUnavailable(TemporarilyUnavailable):
    """The payment portal could not be reached or refused to open a payment: 503 with Retry-After."""


@dataclass(frozen=True)
class StripeCheckout:
    """`PAYMENT_PROVIDER=stripe`: the secret key comes from the payment secret (`api_key`)."""

    api_key: str
    api_base: str = DEFAULT_API_BASE
    timeout: float = DEFAULT_TIMEOUT
    product_name: str = "Permit fees"
    name: str = field(default="stripe", init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.api_key, str) or not self.api_key.strip():
            raise ValueError("the Stripe secret key (api_key of the payment secret) is not configured")
        parts = urlsplit(self.api_base) if isinstance(self.api_base, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"api_base must be an http(s) URL, not {self.api_base!r}")
        object.__setattr__(self, "api_base", self.api_base.rstrip("/"))
        if isinstance(self.timeout, bool) or not isinstance(self.timeout, int | float) or self.timeout <= 0:
            raise ValueError("timeout must be a positive number of seconds")

    def session_form(self, payment_id: str, total_due: Decimal, return_url: str, now: float) -> dict[str, str]:
        """The Checkout Session's fields, form-encoded as Stripe's API takes them."""
        _check_id("payment_id", payment_id)
        return {
            "mode": "payment",
            "client_reference_id": payment_id,
            "metadata[payment_id]": payment_id,
            "payment_intent_data[metadata][payment_id]": payment_id,
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": CURRENCY,
            "line_items[0][price_data][unit_amount]": str(to_cents(total_due)),
            "line_items[0][price_data][product_data][name]": self.product_name,
            "success_url": return_url,
            "cancel_url": return_url,
            "expires_at": str(int(now) + SESSION_MINUTES * 60),
        }

    def checkout_url(self, payment_id: str, total_due: Decimal, return_url: str) -> str:
        form = self.session_form(payment_id, total_due, return_url, time.time())
        request = urllib.request.Request(  # noqa: S310 (api_base is checked to be http(s))
            f"{self.api_base}/v1/checkout/sessions", data=urlencode(form).encode("ascii"), method="POST",
            headers={"Authorization": f"Bearer {self.api_key}", "Idempotency-Key": payment_id,
                     "Content-Type": "application/x-www-form-urlencoded", "Stripe-Version": "2024-06-20"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (http(s) only)
                session = json.loads(response.read(_MAX_RESPONSE))
        except urllib.error.HTTPError as error:
            log.error("Stripe refused the checkout session for payment %s: HTTP %s %s", payment_id, error.code,
                      _stripe_error(error))
            raise _unavailable() from None
        except (OSError, ValueError) as error:  # URLError, timeouts, a body that is not JSON
            log.error("Stripe could not be reached for payment %s: %s", payment_id, error)
            raise _unavailable() from None
        url = session.get("url") if isinstance(session, dict) else None
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            log.error("Stripe's checkout session for payment %s has no url", payment_id)
            raise _unavailable()
        log.info("Stripe checkout session %s for payment %s", session.get("id"), payment_id)
        return url


def _unavailable() -> ProviderUnavailable:
    return ProviderUnavailable("The payment portal cannot be reached right now; no payment was taken. "
                               "Try again in a few minutes.", RETRY_AFTER)


def _stripe_error(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read(_MAX_RESPONSE))
        detail = body.get("error", {})
        return f"{detail.get('type')}: {detail.get('code')}"  # never the message: it may echo request data
    except Exception:
        return "(no error body)"


def to_cents(amount: Decimal) -> int:
    """An amount of dollars as integer cents, exactly; anything finer than a cent is a bug."""
    cents = Decimal(amount) * 100
    if not cents.is_finite() or cents != cents.to_integral_value() or cents <= 0:
        raise ValueError(f"{amount!r} is not a positive amount in whole cents")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(_CENT)


_APPROVED = "approved"
_OUTCOMES = {
    "checkout.session.completed": _APPROVED,  # when payment_status is "paid"
    "checkout.session.async_payment_succeeded": _APPROVED,
    "checkout.session.async_payment_failed": CallbackOutcome.DECLINED,
    "checkout.session.expired": CallbackOutcome.CANCELLED,
}


def parse_event(raw_body: bytes) -> CallbackBody | None:
    """A verified Stripe event as our callback; None for an event that reports no outcome (ignored).
    Anything off in an event we act on is InvalidInput (400), so it never moves money."""
    try:
        event = json.loads(bytes(raw_body).decode("utf-8"), parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput("The Stripe event is not valid JSON.") from exc
    if not isinstance(event, dict):
        raise InvalidInput("The Stripe event must be a JSON object.")
    kind = event.get("type")
    if kind not in _OUTCOMES:
        return None
    data = event.get("data")
    session = data.get("object") if isinstance(data, dict) else None
    if not isinstance(session, dict):
        raise _problem("data.object", "must be the checkout session")
    if kind == "checkout.session.completed" and session.get("payment_status") != "paid":
        return None  # an async payment method: its own succeeded/failed event follows
    metadata = session.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
    payment_id = session.get("client_reference_id") or metadata.get("payment_id")
    if not _is_id(payment_id):
        raise _problem("client_reference_id", "must name the payment")
    amount = session.get("amount_total")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise _problem("amount_total", "must be the amount in cents")
    if str(session.get("currency", "")).lower() != CURRENCY:
        raise _problem("currency", f"must be {CURRENCY}")
    outcome = _OUTCOMES[kind]
    transaction_id = session.get("payment_intent")
    if isinstance(transaction_id, dict):  # an expanded payment intent
        transaction_id = transaction_id.get("id")
    if outcome == _APPROVED:
        if not _is_id(transaction_id):
            raise _problem("payment_intent", "is required for a paid session")
        return CallbackBody(payment_id, CallbackOutcome.APPROVED, transaction_id, from_cents(amount))
    return CallbackBody(payment_id, CallbackOutcome(outcome), transaction_id if _is_id(transaction_id) else None,
                        from_cents(amount))


def _problem(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(f"The Stripe event's {field_name} {message}.", [FieldProblem(field_name, message)])


def session_auth_ok(header: str | None, api_key: str) -> bool:
    """Whether an Authorization header carries `api_key` as Bearer or Basic auth (for fakes and tests)."""
    if not header:
        return False
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value == api_key
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value).decode().partition(":")[0] == api_key
        except ValueError:
            return False
    return False
