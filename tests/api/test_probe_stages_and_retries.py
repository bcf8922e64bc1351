"""Security probe (issue 8), item 12: the public sandbox secret only ever verifies callbacks on the
local stage, and DynamoDB trouble that is not the client's fault is a bounded retry, then a 503."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from chalicelib.config import SANDBOX_WEBHOOK_SECRET
from tests.api.test_http_errors import assert_problem
from tests.conftest import seed_permit

STAGES = json.loads((Path(__file__).resolve().parents[2] / ".chalice" / "config.json").read_text())["stages"]


def stage_settings(stage: str, **extra: str) -> Any:
    """The settings a deployed Lambda of `stage` reads: the app-wide variables, then the stage's."""
    from chalicelib.config import get_settings

    config = json.loads((Path(__file__).resolve().parents[2] / ".chalice" / "config.json").read_text())
    env = {**config.get("environment_variables", {}), **STAGES[stage]["environment_variables"], **extra}
    with mock.patch.dict(os.environ, env):
        for name in set(os.environ) - set(env):
            if name.startswith(("PAYMENT_", "STAGE")):
                os.environ.pop(name)
        return get_settings()


def test_dev_refuses_the_public_sandbox_secret():
    dev = stage_settings("dev")
    assert dev.payment_webhook_secret == SANDBOX_WEBHOOK_SECRET  # nothing set: the public default
    assert dev.webhook_secret is None
    assert dev.payment_provider == "none"  # checkout answers 503 as prod's does, the sandbox route 404


def test_dev_with_a_secret_of_its_own_keeps_the_sandbox_portal():
    dev = stage_settings("dev", PAYMENT_WEBHOOK_SECRET="a-long-random-dev-secret")
    assert dev.webhook_secret == "a-long-random-dev-secret" and dev.payment_provider == "sandbox"


def test_prod_and_a_lambda_with_no_stage_named_refuse_the_public_secret_too():
    from chalicelib.config import get_settings

    assert stage_settings("prod").webhook_secret is None
    with mock.patch.dict(os.environ, {"PAYMENT_PROVIDER": "sandbox", "AWS_LAMBDA_FUNCTION_NAME": "portal-dev"}):
        os.environ.pop("STAGE", None)
        os.environ.pop("PAYMENT_WEBHOOK_SECRET", None)
        deployed = get_settings()
    assert deployed.webhook_secret is None and deployed.payment_provider == "none"  # never taken for local


def test_only_the_local_stage_accepts_the_public_secret():
    local = stage_settings("local")
    assert local.webhook_secret == SANDBOX_WEBHOOK_SECRET and local.payment_provider == "sandbox"


def test_a_forged_callback_to_dev_is_refused_and_checkout_is_503(api, contractor, table, clock, monkeypatch):
    from chalicelib import bootstrap
    from chalicelib.payments.provider import build_callback_body
    from chalicelib.payments.signature import sign

    seed_permit(table, contractor["contractor_id"], "RES16-0688")
    assert api.post("/cart/items", {"permit_no": "RES16-0688"}, contractor["token"]).status_code == 200
    local = bootstrap.settings()
    dev = stage_settings("dev")
    # dev's payment settings, on this test's table and outbox
    as_dev = replace(local, stage=dev.stage, payment_provider=dev.payment_provider)
    monkeypatch.setattr(bootstrap, "settings", lambda: as_dev)
    checkout = api.post("/checkout", {"payment_method": "credit_card"}, contractor["token"])
    assert_problem(checkout, 503)
    raw = build_callback_body("any-payment", "approved", "TX-FORGED", Decimal("1054.70"))
    forged = sign(SANDBOX_WEBHOOK_SECRET, raw, int(clock.now().timestamp()))
    response = api.call("POST", "/payments/callback", raw=raw, headers={"X-Payment-Signature": forged})
    assert_problem(response, 503)
    assert api.get("/cart", contractor["token"]).json_body["total_fees"] == "1023.98"  # nothing held


def test_the_dynamodb_client_retries_a_little_and_times_out_fast(aws):
    from chalicelib import bootstrap

    config = bootstrap.table().meta.client.meta.config
    assert config.retries["mode"] == "standard"
    assert 1 < config.retries["total_max_attempts"] <= 3
    assert config.connect_timeout <= 2 and config.read_timeout <= 5


def throttled(operation: str, _params: Any) -> Any:
    from botocore.exceptions import ClientError

    raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException",
                                 "Message": "Rate of requests exceeds the allowed throughput (table arn:aws:...)"},
                       "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)


def unreachable(_operation: str, _params: Any) -> Any:
    from botocore.exceptions import EndpointConnectionError

    raise EndpointConnectionError(endpoint_url="http://127.0.0.1:8001/")


def read_timeout(_operation: str, _params: Any) -> Any:
    from botocore.exceptions import ReadTimeoutError

    raise ReadTimeoutError(endpoint_url="http://127.0.0.1:8001/")


def server_error(code: str) -> Any:
    def fail(operation: str, _params: Any) -> Any:
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": code, "Message": "internal detail"},
                           "ResponseMetadata": {"HTTPStatusCode": 500}}, operation)

    return fail


@pytest.mark.parametrize("failure", [throttled, unreachable, read_timeout, server_error("InternalServerError"),
                                     server_error("ThrottlingException"), server_error("RequestLimitExceeded"),
                                     server_error("ServiceUnavailable")],
                         ids=["throughput", "endpoint", "read-timeout", "internal", "throttling", "limit",
                              "unavailable"])
@pytest.mark.parametrize(("method", "path"), [("GET", "/dashboard"), ("GET", "/contractors"),
                                              ("POST", "/auth/login")])
def test_dynamodb_trouble_is_a_503_problem_with_retry_after(api, contractor, table, monkeypatch, failure, method,
                                                           path):
    body = {"contractor_id": contractor["contractor_id"], "password": "Build2Last"} if method == "POST" else None
    monkeypatch.setattr(table.meta.client, "_make_api_call", failure)
    response = api.call(method, path, body, token=contractor["token"] if path == "/dashboard" else None)
    problem = assert_problem(response, 503)
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = response.body.decode()
    for internal in ("ProvisionedThroughput", "arn:", "127.0.0.1", "internal detail", "botocore", "Exception"):
        assert internal not in text
    assert "errors" not in problem


def test_a_client_error_that_is_the_callers_fault_is_not_turned_into_a_503(api, contractor, table, monkeypatch):
    from botocore.exceptions import ClientError

    def invalid(operation: str, _params: Any) -> Any:
        raise ClientError({"Error": {"Code": "ValidationException", "Message": "bad key"}}, operation)

    monkeypatch.setattr(table.meta.client, "_make_api_call", invalid)
    response = api.get("/dashboard", contractor["token"])
    assert_problem(response, 500)  # our bug, not DynamoDB's weather: no invitation to retry
    assert "bad key" not in response.body.decode()
    assert "Retry-After" not in response.headers
