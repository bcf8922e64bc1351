"""Stripe Checkout end to end: POST /checkout against a fake Stripe API (a real HTTP server on 127.0.0.1),
then Stripe's signed webhook events at POST /payments/stripe/webhook, checked through the contractor's API.

The fake implements the one call the adapter makes (`POST /v1/checkout/sessions`): it checks the Bearer
key, records the form and the Idempotency-Key, and answers a session with its `url`, or fails as told
(HTTP 500, a dropped connection, a session without `url`). Nothing leaves the machine.

Settings are read per request. Chalice's test client lays the stage's environment variables from
.chalice/config.json over os.environ on every request, so PAYMENT_PROVIDER (which the local stage sets to
"sandbox") is changed in the stage's variables (`stage_env`); the others are not set by the stage, and
are plain `monkeypatch.setenv`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from chalicelib.domain.errors import PROBLEM_TYPES, InvalidInput
from chalicelib.payments.provider import CallbackBody, CallbackOutcome
from chalicelib.payments.stripe import StripeCheckout, from_cents, parse_event, to_cents
from tests.conftest import GUIDE_FEES, seed_permit

WEBHOOK_SECRET = "whsec_flow_test_0123456789abcdef"
API_KEY = "sk_test_flow_4eC39HqLyjWDarjtT1zdp7dc"
PERMIT = "RES16-0688"
TOTAL_FEES = "1023.98"  # GUIDE_FEES
TOTAL_DUE = "1054.70"  # with the credit card's 3% (30.72)
TOTAL_CENTS = 105470
WEBHOOK = "/payments/stripe/webhook"


# --- the fake Stripe API ------------------------------------------------------------------------------


@dataclass
class SessionRequest:
    """One POST /v1/checkout/sessions as the fake received it."""

    path: str
    authorization: str | None
    idempotency_key: str | None
    content_type: str | None
    form: dict[str, str]


@dataclass
class FakeStripe:
    """State shared with the server's handler threads. `mode`: "ok", "error" (HTTP 500), "close" (the
    connection is dropped without an answer) or "no-url" (200 with a session that has no url)."""

    api_key: str
    base: str = ""
    mode: str = "ok"
    requests: list[SessionRequest] = field(default_factory=list)
    sessions: dict[str, dict[str, str]] = field(default_factory=dict)  # by Idempotency-Key, as Stripe keeps them
    lock: threading.Lock = field(default_factory=threading.Lock)

    def session_for(self, payment_id: str) -> dict[str, str]:
        return self.sessions[payment_id]


class _StripeHandler(BaseHTTPRequestHandler):
    server: _StripeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest's output clean

    def do_POST(self) -> None:
        fake = self.server.fake
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/v1/checkout/sessions":
            self._json(404, {"error": {"type": "invalid_request_error", "code": "resource_missing"}})
            return
        if self.headers.get("Authorization") != f"Bearer {fake.api_key}":
            self._json(401, {"error": {"type": "invalid_request_error", "code": "api_key_invalid"}})
            return
        form = {key: values[0] for key, values in parse_qs(body.decode("ascii"), strict_parsing=True).items()}
        key = self.headers.get("Idempotency-Key")
        with fake.lock:
            fake.requests.append(SessionRequest(self.path, self.headers.get("Authorization"), key,
                                                self.headers.get("Content-Type"), form))
            mode = fake.mode
            if mode == "ok":
                if key not in fake.sessions:  # a retry with the same key gets the same session
                    number = len(fake.sessions) + 1
                    fake.sessions[key or f"no-key-{number}"] = {
                        "id": f"cs_test_{number:04d}", "object": "checkout.session",
                        "url": f"https://checkout.stripe.test/c/pay/cs_test_{number:04d}"}
                session = fake.sessions[key or f"no-key-{len(fake.sessions)}"]
        if mode == "error":
            self._json(500, {"error": {"type": "api_error", "message": "Something went wrong on Stripe's end."}})
        elif mode == "close":
            self.close_connection = True  # no status line at all: the client sees the connection drop
        elif mode == "no-url":
            self._json(200, {"id": "cs_test_nourl", "object": "checkout.session", "url": None})
        else:
            self._json(200, session)

    def _json(self, status: int, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _StripeServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeStripe


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    """A fake Stripe API on 127.0.0.1 (a free port), served from a thread for the test's length."""
    server = _StripeServer(("127.0.0.1", 0), _StripeHandler)
    fake = FakeStripe(api_key=API_KEY, base=f"http://127.0.0.1:{server.server_address[1]}")
    server.fake = fake
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- configuration --------------------------------------------------------------------------------------


def stage_env(api: Any, monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    """Set one of the local stage's environment variables (.chalice/config.json) for this test: the
    Chalice test client lays them over os.environ on every request, so monkeypatch.setenv cannot."""
    stages = api.client.http._config._config_from_disk["stages"]
    monkeypatch.setitem(stages["local"]["environment_variables"], name, value)


@pytest.fixture
def stripe_mode(api: Any, fake_stripe: FakeStripe, monkeypatch: pytest.MonkeyPatch) -> FakeStripe:
    """PAYMENT_PROVIDER=stripe against the fake, with a webhook secret of the stage's own."""
    stage_env(api, monkeypatch, "PAYMENT_PROVIDER", "stripe")
    monkeypatch.setenv("STRIPE_API_BASE", fake_stripe.base)
    monkeypatch.setenv("PAYMENT_API_KEY", API_KEY)
    monkeypatch.setenv("PAYMENT_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # never through a proxy, should the machine have one
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    return fake_stripe


@pytest.fixture
def rich(api: Any, contractor: dict[str, str], table: Any) -> dict[str, str]:
    """The contractor with RES16-0688's six fees (1023.98) in the cart."""
    seed_permit(table, contractor["contractor_id"], PERMIT)
    response = api.post("/cart/items", {"permit_no": PERMIT}, contractor["token"])
    assert response.status_code == 200, response.body
    assert response.json_body["total_fees"] == TOTAL_FEES
    return contractor


# --- helpers ----------------------------------------------------------------------------------------------


def checkout(api: Any, token: str) -> Any:
    return api.post("/checkout", {"payment_method": "credit_card"}, token)


def checked_out(api: Any, token: str) -> dict[str, Any]:
    response = checkout(api, token)
    assert response.status_code == 201, response.body
    return response.json_body


def session_event(kind: str, payment_id: str, amount_total: int = TOTAL_CENTS, *, payment_status: str = "paid",
                  payment_intent: str | None = "pi_3QflowTestIntent0001", currency: str = "usd",
                  event_id: str = "evt_1QflowTest0001") -> bytes:
    """A Stripe event whose `data.object` is a Checkout Session, as Stripe sends it (raw bytes)."""
    event = {
        "id": event_id, "object": "event", "api_version": "2024-06-20", "created": 1795539600,
        "livemode": False, "type": kind,
        "data": {"object": {
            "id": "cs_test_0001", "object": "checkout.session", "mode": "payment",
            "client_reference_id": payment_id, "metadata": {"payment_id": payment_id},
            "amount_subtotal": amount_total, "amount_total": amount_total, "currency": currency,
            "payment_status": payment_status, "status": "complete" if payment_status == "paid" else "open",
            "payment_intent": payment_intent,
        }},
    }
    return json.dumps(event, indent=2).encode()  # Stripe's own spacing: the MAC is over these exact bytes


def stripe_signature(raw: bytes, timestamp: int, secret: str = WEBHOOK_SECRET) -> str:
    """Stripe's `Stripe-Signature`, computed here independently of chalicelib.payments.signature."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + raw, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def now_seconds(clock: Any) -> int:
    return int(clock.now().timestamp())


def post_event(api: Any, raw: bytes, signature: str | None) -> Any:
    headers = {"Stripe-Signature": signature} if signature is not None else {}
    return api.call("POST", WEBHOOK, raw=raw, headers=headers)


def signed_post(api: Any, clock: Any, raw: bytes) -> Any:
    return post_event(api, raw, stripe_signature(raw, now_seconds(clock)))


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    body = json.loads(response.body)
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.body.decode()
    return body


def problem_slug(body: dict[str, Any]) -> str:
    slug = body["type"].rsplit("/problems/", 1)[-1]
    assert slug in PROBLEM_TYPES, body
    return slug


def fees_due(api: Any, token: str) -> str:
    rows = api.get("/dashboard", token).json_body["active_permits"]["items"]
    return next(row["fees_due"] for row in rows if row["permit_no"] == PERMIT)


def fee_statuses(api: Any, token: str) -> list[str]:
    return [fee["status"] for fee in api.get(f"/permits/{PERMIT}", token).json_body["fees"]]


def payments(api: Any, token: str) -> list[dict[str, Any]]:
    response = api.get("/payments", token)
    assert response.status_code == 200, response.body
    return response.json_body["items"]


def snapshot(api: Any, token: str) -> tuple[Any, ...]:
    """Everything the contractor sees of the payment and the fees (the clock is fixed, so it is stable)."""
    return (payments(api, token), api.get(f"/permits/{PERMIT}", token).json_body, fees_due(api, token),
            api.get("/cart", token).json_body)


def receipts(api: Any) -> list[dict[str, Any]]:
    return [m for m in api.get("/sandbox/outbox").json_body["items"] if m["subject"].startswith("Payment receipt")]


# --- 1, 2: the whole flow, and a replay -----------------------------------------------------------------


def test_checkout_opens_a_stripe_session_and_the_paid_event_pays_the_fees(
        api: Any, rich: dict[str, str], stripe_mode: FakeStripe, clock: Any) -> None:
    token = rich["token"]
    assert fees_due(api, token) == TOTAL_FEES
    body = checked_out(api, token)
    payment_id = body["payment_id"]
    assert body["status"] == "PENDING" and body["total_due"] == TOTAL_DUE
    # The contractor is sent to the session the fake opened for this payment.
    assert body["redirect_url"] == stripe_mode.session_for(payment_id)["url"]
    assert body["redirect_url"].startswith("https://checkout.stripe.test/c/pay/cs_test_")
    [sent] = stripe_mode.requests
    assert sent.authorization == f"Bearer {API_KEY}"
    assert sent.idempotency_key == payment_id
    assert sent.content_type == "application/x-www-form-urlencoded"
    assert sent.form["mode"] == "payment"
    assert sent.form["client_reference_id"] == payment_id
    assert sent.form["metadata[payment_id]"] == payment_id
    assert sent.form["line_items[0][quantity]"] == "1"
    assert sent.form["line_items[0][price_data][currency]"] == "usd"
    assert sent.form["line_items[0][price_data][unit_amount]"] == str(TOTAL_CENTS)
    assert int(sent.form["line_items[0][price_data][unit_amount]"]) == int(Decimal(body["total_due"]) * 100)
    assert sent.form["success_url"].endswith(f"/payment-return.html?payment_id={payment_id}")
    assert fees_due(api, token) == "0.00"  # held while the contractor is at Stripe
    assert set(fee_statuses(api, token)) == {"PENDING"}

    response = signed_post(api, clock, session_event("checkout.session.completed", payment_id))
    assert response.status_code == 200, response.body
    assert response.json_body == {"payment_id": payment_id, "status": "PAID", "refund_required": False}

    [paid] = payments(api, token)
    assert paid["payment_id"] == payment_id
    assert paid["status"] == "PAID" and paid["applied"] is True and paid["refund_required"] is False
    assert paid["transaction_id"] == "pi_3QflowTestIntent0001"
    assert paid["paid_at"] == "2026-11-24T17:00:00Z"
    assert api.get(f"/payments/{payment_id}", token).json_body["status"] == "PAID"
    assert fee_statuses(api, token) == ["PAID"] * len(GUIDE_FEES)
    assert fees_due(api, token) == "0.00"
    assert api.post("/cart/items", {"permit_no": PERMIT}, token).status_code == 409  # nothing left to pay
    assert len(receipts(api)) == 1


def test_a_replayed_event_changes_nothing(api: Any, rich: dict[str, str], stripe_mode: FakeStripe,
                                          clock: Any) -> None:
    token = rich["token"]
    payment_id = checked_out(api, token)["payment_id"]
    raw = session_event("checkout.session.completed", payment_id)
    header = stripe_signature(raw, now_seconds(clock))
    assert post_event(api, raw, header).status_code == 200
    before = snapshot(api, token)
    mails_before = receipts(api)

    clock.advance(seconds=90)  # Stripe retries the same delivery (same bytes, same signature) ...
    again = post_event(api, raw, header)
    assert again.status_code == 200, again.body
    assert again.json_body == {"payment_id": payment_id, "status": "PAID", "refund_required": False}
    resigned = signed_post(api, clock, raw)  # ... or sends it again freshly signed
    assert resigned.status_code == 200 and resigned.json_body["refund_required"] is False

    assert snapshot(api, token) == before
    assert [p["status"] for p in payments(api, token)] == ["PAID"]
    assert fee_statuses(api, token) == ["PAID"] * len(GUIDE_FEES)
    assert receipts(api) == mails_before and len(mails_before) == 1  # the receipt is sent once


def test_a_second_paid_session_for_a_paid_payment_is_kept_for_a_refund(
        api: Any, rich: dict[str, str], stripe_mode: FakeStripe, clock: Any) -> None:
    token = rich["token"]
    payment_id = checked_out(api, token)["payment_id"]
    assert signed_post(api, clock, session_event("checkout.session.completed", payment_id)).status_code == 200
    other = session_event("checkout.session.completed", payment_id, payment_intent="pi_3QflowTestIntent0002",
                          event_id="evt_1QflowTest0002")
    response = signed_post(api, clock, other)
    assert response.status_code == 200, response.body
    assert response.json_body == {"payment_id": payment_id, "status": "PAID", "refund_required": True}
    [paid] = payments(api, token)
    assert paid["transaction_id"] == "pi_3QflowTestIntent0001" and paid["applied"] is True
    assert paid["unapplied_transactions"] == [{"transaction_id": "pi_3QflowTestIntent0002", "amount": TOTAL_DUE}]
    assert fee_statuses(api, token) == ["PAID"] * len(GUIDE_FEES)  # paid once, by the first
    assert len(receipts(api)) == 1


# --- 3, 4, 5: refused events move nothing ------------------------------------------------------------------


@pytest.mark.parametrize("amount_total", [TOTAL_CENTS - 1, TOTAL_CENTS + 100, 102398, 0])
def test_an_event_for_another_amount_is_refused(api: Any, rich: dict[str, str], stripe_mode: FakeStripe,
                                                clock: Any, amount_total: int) -> None:
    token = rich["token"]
    payment_id = checked_out(api, token)["payment_id"]
    before = snapshot(api, token)
    response = signed_post(api, clock, session_event("checkout.session.completed", payment_id, amount_total))
    body = problem_of(response, 400)
    assert problem_slug(body) == "payment-amount-mismatch"
    assert body["errors"] == [{"field": "amount", "message": "does not match the payment's total due"}]
    assert snapshot(api, token) == before
    assert payments(api, token)[0]["status"] == "PENDING" and set(fee_statuses(api, token)) == {"PENDING"}
    assert receipts(api) == []
    # The right amount still pays: the refusal left the payment as it was.
    assert signed_post(api, clock, session_event("checkout.session.completed", payment_id)).status_code == 200
    assert fee_statuses(api, token) == ["PAID"] * len(GUIDE_FEES)


def test_an_event_in_another_currency_is_refused(api: Any, rich: dict[str, str], stripe_mode: FakeStripe,
                                                 clock: Any) -> None:
    token = rich["token"]
    payment_id = checked_out(api, token)["payment_id"]
    before = snapshot(api, token)
    response = signed_post(api, clock, session_event("checkout.session.completed", payment_id, currency="eur"))
    assert problem_of(response, 400)["errors"] == [{"field": "currency", "message": "must be usd"}]
    assert snapshot(api, token) == before


def _tampered(raw: bytes) -> bytes:
    return raw.replace(b'"payment_intent": "pi_3QflowTestIntent0001"', b'"payment_intent": "pi_3QforgedIntent00"')


@pytest.mark.parametrize("case", ["wrong secret", "body changed after signing", "missing", "malformed",
                                  "v0 only", "sandbox secret"])
def test_an_event_without_a_good_signature_is_refused(api: Any, rich: dict[str, str], stripe_mode: FakeStripe,
                                                      clock: Any, case: str) -> None:
    token = rich["token"]
    payment_id = checked_out(api, token)["payment_id"]
    raw = session_event("checkout.session.completed", payment_id)
    now = now_seconds(clock)
    sent, header = raw, stripe_signature(raw, now)
    if case == "wrong secret":
        header = stripe_signature(raw, now, "whsec_someone_else")
    elif case == "body changed after signing":
        sent = _tampered(raw)
        assert sent != raw
    elif case == "missing":
        header = None
    elif case == "malformed":
        header = f"t={now} v1={header.rpartition('v1=')[2]}"
    elif case == "v0 only":
        header = header.replace("v1=", "v0=")
    elif case == "sandbox secret":
        header = stripe_signature(raw, now, "sandbox-secret")
    before = snapshot(api, token)
    body = problem_of(post_event(api, sent, header), 400)
    assert problem_slug(body) == "bad-signature"
    assert [e["field"] for e in body["errors"]] == ["Stripe-Signature"]
    assert snapshot(api, token) == before
    assert payments(api, token)[0]["status"] == "PENDING"


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_an_event_signed_outside_the_tolerance_is_refused(api: Any, rich: dict[str, str], stripe_mode: FakeStripe,
                                                          clock: Any, offset: int) -> None:
    token = rich["token"]
    payment_id = checked_out(api, token)["payment_id"]
    raw = session_event("checkout.session.completed", payment_id)
    before = snapshot(api, token)
    body = problem_of(post_event(api, raw, stripe_signature(raw, now_seconds(clock) + offset)), 400)
    assert problem_slug(body) == "bad-signature"
    assert body["errors"] == [{"field": "Stripe-Signature", "message": "timestamp is outside the allowed window"}]
    assert snapshot(api, token) == before


@pytest.mark.parametrize("offset", [-300, 300])
def test_an_event_signed_at_the_edge_of_the_tolerance_is_accepted(
        api: Any, rich: dict[str, str], stripe_mode: FakeStripe, clock: Any, offset: int) -> None:
    token = rich["token"]
    payment_id = checked_out(api, token)["payment_id"]
    raw = session_event("checkout.session.completed", payment_id)
    response = post_event(api, raw, stripe_signature(raw, now_seconds(clock) + offset))
    assert response.status_code == 200, response.body
    assert fee_statuses(api, token) == ["PAID"] * len(GUIDE_FEES)


def test_without_a_webhook_secret_of_its_own_stripe_events_are_refused(
        api: Any, rich: dict[str, str], stripe_mode: FakeStripe, clock: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The public sandbox secret proves nothing: with Stripe configured and no secret set, nothing verifies."""
    token = rich["token"]
    payment_id = checked_out(api, token)["payment_id"]
    monkeypatch.delenv("PAYMENT_WEBHOOK_SECRET")
    raw = session_event("checkout.session.completed", payment_id)
    before = snapshot(api, token)
    body = problem_of(post_event(api, raw, stripe_signature(raw, now_seconds(clock), "sandbox-secret")), 503)
    assert problem_slug(body) == "not-set-up"
    assert snapshot(api, token) == before


# --- 6: the session expires, or the payment fails --------------------------------------------------------


def test_an_expired_session_cancels_the_payment_and_frees_the_fees(
        api: Any, rich: dict[str, str], stripe_mode: FakeStripe, clock: Any) -> None:
    token = rich["token"]
    payment_id = checked_out(api, token)["payment_id"]
    assert fees_due(api, token) == "0.00"
    clock.advance(minutes=10)  # the contractor leaves the page; Stripe expires the session
    raw = session_event("checkout.session.expired", payment_id, payment_status="unpaid", payment_intent=None,
                        event_id="evt_1QflowExpired")
    response = signed_post(api, clock, raw)
    assert response.status_code == 200, response.body
    assert response.json_body == {"payment_id": payment_id, "status": "CANCELLED", "refund_required": False}
    [cancelled] = payments(api, token)
    assert cancelled["status"] == "CANCELLED" and cancelled["paid_at"] is None
    assert fees_due(api, token) == TOTAL_FEES  # due again at once, not after the 30-minute hold
    assert set(fee_statuses(api, token)) == {"DUE"}
    assert signed_post(api, clock, raw).status_code == 200  # a replay changes nothing
    assert payments(api, token)[0]["status"] == "CANCELLED"
    # The contractor can pay them again straight away.
    assert api.post("/cart/items", {"permit_no": PERMIT}, token).json_body["total_fees"] == TOTAL_FEES
    second = checked_out(api, token)
    assert second["payment_id"] != payment_id
    assert [r.idempotency_key for r in stripe_mode.requests] == [payment_id, second["payment_id"]]
    assert signed_post(api, clock, session_event("checkout.session.completed", second["payment_id"],
                                                 event_id="evt_1QflowSecond")).status_code == 200
    assert fee_statuses(api, token) == ["PAID"] * len(GUIDE_FEES)


def test_a_failed_async_payment_declines_and_frees_the_fees(
        api: Any, rich: dict[str, str], stripe_mode: FakeStripe, clock: Any) -> None:
    token = rich["token"]
    payment_id = checked_out(api, token)["payment_id"]
    # A bank debit: the session completes unpaid (ignored), and the outcome follows as its own event.
    unpaid = signed_post(api, clock, session_event("checkout.session.completed", payment_id,
                                                   payment_status="unpaid"))
    assert unpaid.status_code == 200 and unpaid.json_body == {"ignored": True}
    assert payments(api, token)[0]["status"] == "PENDING" and fees_due(api, token) == "0.00"
    failed = signed_post(api, clock, session_event("checkout.session.async_payment_failed", payment_id,
                                                   payment_status="unpaid", event_id="evt_1QflowFailed"))
    assert failed.status_code == 200, failed.body
    assert failed.json_body["status"] == "DECLINED"
    assert payments(api, token)[0]["status"] == "DECLINED"
    assert fees_due(api, token) == TOTAL_FEES


def test_a_succeeded_async_payment_pays_the_fees(api: Any, rich: dict[str, str], stripe_mode: FakeStripe,
                                                 clock: Any) -> None:
    token = rich["token"]
    payment_id = checked_out(api, token)["payment_id"]
    unpaid = signed_post(api, clock, session_event("checkout.session.completed", payment_id,
                                                   payment_status="unpaid"))
    assert unpaid.json_body == {"ignored": True}
    assert fee_statuses(api, token) == ["PENDING"] * len(GUIDE_FEES)
    succeeded = signed_post(api, clock, session_event("checkout.session.async_payment_succeeded", payment_id,
                                                      event_id="evt_1QflowSucceeded"))
    assert succeeded.status_code == 200 and succeeded.json_body["status"] == "PAID"
    assert payments(api, token)[0]["transaction_id"] == "pi_3QflowTestIntent0001"
    assert fee_statuses(api, token) == ["PAID"] * len(GUIDE_FEES)


# --- 7: Stripe cannot open a session -------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["error", "close", "no-url", "wrong-key", "unreachable"])
def test_a_provider_failure_is_a_503_and_holds_nothing(api: Any, rich: dict[str, str], stripe_mode: FakeStripe,
                                                       clock: Any, monkeypatch: pytest.MonkeyPatch,
                                                       mode: str) -> None:
    token = rich["token"]
    if mode == "wrong-key":
        monkeypatch.setenv("PAYMENT_API_KEY", "sk_test_revoked")
    elif mode == "unreachable":
        free = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
        port = free.server_address[1]
        free.server_close()  # nothing listens there now: connection refused
        monkeypatch.setenv("STRIPE_API_BASE", f"http://127.0.0.1:{port}")
    else:
        stripe_mode.mode = mode
    response = checkout(api, token)
    body = problem_of(response, 503)
    assert response.headers["Retry-After"] == "30"
    assert body["type"] == "about:blank"
    assert "no payment was taken" in body["detail"]
    if mode in ("error", "close", "no-url"):
        [sent] = stripe_mode.requests  # it was asked, and failed
        failed_id = sent.idempotency_key
    else:
        assert stripe_mode.requests == []
        failed_id = None
    # Nothing is held: the fees are due, not PENDING, and the abandoned payment reads CANCELLED.
    assert fees_due(api, token) == TOTAL_FEES
    assert set(fee_statuses(api, token)) == {"DUE"}
    [abandoned] = payments(api, token)
    assert abandoned["status"] == "CANCELLED"
    assert failed_id is None or abandoned["payment_id"] == failed_id

    # The cart is as it was, so once Stripe answers again the contractor just checks out again and pays.
    cart = api.get("/cart", token).json_body
    assert [i["permit_no"] for i in cart["items"]] == [PERMIT] and cart["total_fees"] == TOTAL_FEES
    monkeypatch.setenv("PAYMENT_API_KEY", API_KEY)
    monkeypatch.setenv("STRIPE_API_BASE", stripe_mode.base)
    stripe_mode.mode = "ok"
    second = checked_out(api, token)
    assert second["redirect_url"] == stripe_mode.session_for(second["payment_id"])["url"]
    assert set(fee_statuses(api, token)) == {"PENDING"}
    assert signed_post(api, clock, session_event("checkout.session.completed", second["payment_id"])).status_code == 200
    assert fee_statuses(api, token) == ["PAID"] * len(GUIDE_FEES)
    statuses = {p["payment_id"]: p["status"] for p in payments(api, token)}
    assert statuses == {abandoned["payment_id"]: "CANCELLED", second["payment_id"]: "PAID"}


def test_a_late_event_for_a_payment_abandoned_at_checkout_is_refunded_not_applied(
        api: Any, rich: dict[str, str], stripe_mode: FakeStripe, clock: Any) -> None:
    """Stripe made the session but its answer was lost: should the contractor somehow pay it, the money
    is kept for a refund, since the fees were released (and may have been paid by another payment)."""
    token = rich["token"]
    stripe_mode.mode = "close"
    assert checkout(api, token).status_code == 503
    [sent] = stripe_mode.requests
    response = signed_post(api, clock, session_event("checkout.session.completed", sent.idempotency_key or ""))
    assert response.status_code == 200, response.body
    assert response.json_body == {"payment_id": sent.idempotency_key, "status": "CANCELLED", "refund_required": True}
    assert set(fee_statuses(api, token)) == {"DUE"}
    assert payments(api, token)[0]["unapplied_transactions"] == [
        {"transaction_id": "pi_3QflowTestIntent0001", "amount": TOTAL_DUE}]


# --- 8, 9: the route outside stripe mode, and events that report nothing --------------------------------------


@pytest.mark.parametrize("provider", ["sandbox", "none"])
def test_the_webhook_is_absent_unless_the_provider_is_stripe(api: Any, rich: dict[str, str], clock: Any,
                                                             monkeypatch: pytest.MonkeyPatch, provider: str) -> None:
    token = rich["token"]
    payment_id = api.post("/checkout", {"payment_method": "credit_card"}, token).json_body["payment_id"]  # sandbox
    monkeypatch.setenv("PAYMENT_WEBHOOK_SECRET", WEBHOOK_SECRET)
    stage_env(api, monkeypatch, "PAYMENT_PROVIDER", provider)
    raw = session_event("checkout.session.completed", payment_id)
    before = snapshot(api, token)
    body = problem_of(signed_post(api, clock, raw), 404)
    assert problem_slug(body) == "not-found"
    assert snapshot(api, token) == before
    assert payments(api, token)[0]["status"] == "PENDING"


@pytest.mark.parametrize("kind", ["customer.created", "payment_intent.succeeded", "charge.refunded",
                                  "checkout.session.async_payment_succeeded.v2"])
def test_an_unrelated_event_is_answered_200_and_ignored(api: Any, rich: dict[str, str], stripe_mode: FakeStripe,
                                                        clock: Any, kind: str) -> None:
    token = rich["token"]
    payment_id = checked_out(api, token)["payment_id"]
    before = snapshot(api, token)
    if kind == "customer.created":
        raw = json.dumps({"id": "evt_1QflowCustomer", "object": "event", "type": kind,
                          "data": {"object": {"id": "cus_Q1", "object": "customer"}}}).encode()
    else:  # shaped like a paid session for this payment: the type alone says it is not an outcome
        raw = session_event(kind, payment_id)
    response = signed_post(api, clock, raw)
    assert response.status_code == 200, response.body
    assert response.json_body == {"ignored": True}
    assert snapshot(api, token) == before
    assert payments(api, token)[0]["status"] == "PENDING"


def test_an_unrelated_event_still_needs_a_good_signature(api: Any, stripe_mode: FakeStripe, clock: Any) -> None:
    raw = json.dumps({"id": "evt_1", "object": "event", "type": "customer.created", "data": {"object": {}}}).encode()
    body = problem_of(post_event(api, raw, stripe_signature(raw, now_seconds(clock), "whsec_wrong")), 400)
    assert problem_slug(body) == "bad-signature"


def test_an_event_for_an_unknown_payment_is_404(api: Any, stripe_mode: FakeStripe, clock: Any) -> None:
    body = problem_of(signed_post(api, clock, session_event("checkout.session.completed", "no-such-payment")), 404)
    assert problem_slug(body) == "not-found"


# --- units: parse_event, to_cents, the session form -------------------------------------------------------------


class TestParseEvent:
    def test_a_paid_session_is_an_approval_in_dollars(self) -> None:
        body = parse_event(session_event("checkout.session.completed", "pay-1", 105470))
        assert body == CallbackBody("pay-1", CallbackOutcome.APPROVED, "pi_3QflowTestIntent0001", Decimal("1054.70"))

    def test_an_expanded_payment_intent_gives_its_id(self) -> None:
        event = json.loads(session_event("checkout.session.async_payment_succeeded", "pay-1", 150))
        event["data"]["object"]["payment_intent"] = {"id": "pi_expanded", "object": "payment_intent"}
        body = parse_event(json.dumps(event).encode())
        assert body is not None and body.transaction_id == "pi_expanded" and body.amount == Decimal("1.50")

    def test_the_metadata_names_the_payment_without_a_client_reference(self) -> None:
        event = json.loads(session_event("checkout.session.expired", "pay-7", payment_intent=None))
        event["data"]["object"]["client_reference_id"] = None
        body = parse_event(json.dumps(event).encode())
        assert body == CallbackBody("pay-7", CallbackOutcome.CANCELLED, None, Decimal("1054.70"))

    def test_a_failed_async_payment_is_a_decline(self) -> None:
        body = parse_event(session_event("checkout.session.async_payment_failed", "pay-1", payment_status="unpaid"))
        assert body is not None and body.outcome is CallbackOutcome.DECLINED

    @pytest.mark.parametrize("raw", [
        session_event("checkout.session.completed", "pay-1", payment_status="unpaid"),
        session_event("checkout.session.completed", "pay-1", payment_status="no_payment_required"),
        b'{"type": "customer.created", "data": {}}',
        b'{"type": "invoice.paid"}',
        b"{}",
    ])
    def test_events_without_an_outcome_are_none(self, raw: bytes) -> None:
        assert parse_event(raw) is None

    @pytest.mark.parametrize(("change", "field_name"), [
        ({"amount_total": "1054.70"}, "amount_total"),
        ({"amount_total": 1054.70}, "amount_total"),
        ({"amount_total": -1}, "amount_total"),
        ({"amount_total": True}, "amount_total"),
        ({"amount_total": None}, "amount_total"),
        ({"currency": "eur"}, "currency"),
        ({"payment_intent": None}, "payment_intent"),
        ({"payment_intent": ""}, "payment_intent"),
        ({"client_reference_id": None, "metadata": {}}, "client_reference_id"),
        ({"client_reference_id": " pay-1"}, "client_reference_id"),
    ])
    def test_a_paid_session_that_is_off_is_refused(self, change: dict[str, Any], field_name: str) -> None:
        event = json.loads(session_event("checkout.session.completed", "pay-1"))
        event["data"]["object"].update(change)
        with pytest.raises(InvalidInput) as refused:
            parse_event(json.dumps(event).encode())
        assert [p.field for p in refused.value.errors] == [field_name]

    @pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'"event"', b"\xff\xfe",
                                     b'{"type": "checkout.session.completed", "data": {"object": []}}'])
    def test_a_body_that_is_not_an_event_is_refused(self, raw: bytes) -> None:
        with pytest.raises(InvalidInput):
            parse_event(raw)


class TestCents:
    @pytest.mark.parametrize(("dollars", "cents"), [("1054.70", 105470), ("0.01", 1), ("1", 100), ("30.72", 3072),
                                                    ("999999.99", 99999999)])
    def test_dollars_to_cents_and_back(self, dollars: str, cents: int) -> None:
        assert to_cents(Decimal(dollars)) == cents
        assert from_cents(cents) == Decimal(dollars)
        assert str(from_cents(cents)) == str(Decimal(dollars).quantize(Decimal("0.01")))

    @pytest.mark.parametrize("dollars", ["0.001", "10.005", "0", "-1.00", "NaN", "Infinity"])
    def test_anything_but_positive_whole_cents_is_refused(self, dollars: str) -> None:
        with pytest.raises(ValueError):
            to_cents(Decimal(dollars))


class TestStripeCheckout:
    def test_the_session_form(self) -> None:
        form = StripeCheckout(API_KEY).session_form("pay-1", Decimal("1054.70"), "https://x.test/r", 1_800_000_000.7)
        assert form["client_reference_id"] == form["metadata[payment_id]"] == "pay-1"
        assert form["payment_intent_data[metadata][payment_id]"] == "pay-1"
        assert form["line_items[0][price_data][unit_amount]"] == "105470"
        assert form["success_url"] == form["cancel_url"] == "https://x.test/r"
        assert form["expires_at"] == str(1_800_000_000 + 31 * 60)  # Stripe refuses less than 30 minutes

    @pytest.mark.parametrize("settings", [{"api_key": ""}, {"api_key": "  "}, {"api_key": API_KEY, "api_base": "ftp://x"},
                                          {"api_key": API_KEY, "api_base": "api.stripe.com"},
                                          {"api_key": API_KEY, "timeout": 0}, {"api_key": API_KEY, "timeout": True}])
    def test_a_misconfiguration_fails_loudly(self, settings: dict[str, Any]) -> None:
        with pytest.raises(ValueError):
            StripeCheckout(**settings)

    def test_it_talks_to_the_fake_directly(self, fake_stripe: FakeStripe) -> None:
        provider = StripeCheckout(API_KEY, api_base=fake_stripe.base + "/", timeout=5)
        first = provider.checkout_url("pay-direct", Decimal("12.50"), "https://x.test/r")
        again = provider.checkout_url("pay-direct", Decimal("12.50"), "https://x.test/r")
        assert first == again == fake_stripe.session_for("pay-direct")["url"]  # the same key, the same session
        assert [r.form["line_items[0][price_data][unit_amount]"] for r in fake_stripe.requests] == ["1250", "1250"]
        assert {r.path for r in fake_stripe.requests} == {"/v1/checkout/sessions"}
