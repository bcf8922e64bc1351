"""The AWS services besides DynamoDB, under moto: Secrets Manager (the payment and origin secrets, read
through Powertools' cached parameters client) and SES (the deployed notifier), and what a request does
when either misbehaves."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.exceptions import TransformParameterError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib import config
from chalicelib.notifier import SesNotifier
from chalicelib.payments.provider import build_callback_body
from chalicelib.payments.signature import sign
from chalicelib.services.mail import send_quietly
from tests.conftest import seed_permit
from tests.test_metrics import emf, values

REGION = "us-west-2"
SENDER = "permits@kootenai.example.gov"


@pytest.fixture(autouse=True)
def _fresh_parameter_cache() -> Any:
    parameters.clear_caches()  # a value another test cached must not answer for this one's secret
    yield
    parameters.clear_caches()


def secret(aws: Any, name: str, value: str) -> str:
    return boto3.client("secretsmanager", region_name=REGION).create_secret(Name=name, SecretString=value)["ARN"]


def rotate(arn: str, value: str) -> None:
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(SecretId=arn, SecretString=value)


def sent_messages() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def stage_env(api: Any, monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    """One of the local stage's variables for this test (the Chalice test client lays them over os.environ)."""
    stages = api.client.http._config._config_from_disk["stages"]
    monkeypatch.setitem(stages["local"]["environment_variables"], name, value)


# --- Secrets Manager --------------------------------------------------------------------------------

def test_the_payment_secret_is_read_once_and_kept_until_the_cache_is_cleared(aws: Any) -> None:
    arn = secret(aws, "portal/payment", json.dumps({"webhook_secret": "whsec-one", "api_key": "sk_one"}))
    assert config.payment_secret(arn) == {"webhook_secret": "whsec-one", "api_key": "sk_one"}

    rotate(arn, json.dumps({"webhook_secret": "whsec-two", "api_key": "sk_two"}))
    assert config.payment_secret(arn)["webhook_secret"] == "whsec-one"  # cached: no call per request
    parameters.clear_caches()  # what SECRET_MAX_AGE seconds do on their own
    assert config.payment_secret(arn) == {"webhook_secret": "whsec-two", "api_key": "sk_two"}


@pytest.mark.parametrize("value", ['"just a string"', "[1, 2]", "not json"])
def test_a_payment_secret_that_is_not_a_json_object_raises(aws: Any, value: str) -> None:
    arn = secret(aws, "portal/payment", value)
    with pytest.raises((ValueError, TransformParameterError)):  # ours for a non-object; Powertools' for non-JSON
        config.payment_secret(arn)


def test_the_origin_secret_must_be_long_enough(aws: Any) -> None:
    assert config.origin_secret(secret(aws, "portal/origin", "x" * 32)) == "x" * 32
    with pytest.raises(ValueError):
        config.origin_secret(secret(aws, "portal/short", "short"))


def test_callbacks_are_verified_with_the_webhook_secret_kept_in_secrets_manager(
        api: Any, contractor: dict[str, str], table: Any, clock: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    arn = secret(api, "portal/payment", json.dumps({"webhook_secret": "whsec-county", "api_key": "sk_x"}))
    stage_env(api, monkeypatch, "PAYMENT_SECRET_ARN", arn)
    seed_permit(table, contractor["contractor_id"], "RES16-0688")
    assert api.post("/cart/items", {"permit_no": "RES16-0688"}, contractor["token"]).status_code == 200
    payment = api.post("/checkout", {"payment_method": "credit_card"}, contractor["token"]).json_body

    def callback(webhook_secret: str) -> Any:
        raw = build_callback_body(payment["payment_id"], "approved", "TX-SM", Decimal(payment["total_due"]))
        header = sign(webhook_secret, raw, int(clock.now().timestamp()))
        return api.call("POST", "/payments/callback", raw=raw, headers={"X-Payment-Signature": header})

    public = callback(config.SANDBOX_WEBHOOK_SECRET)  # the repository's secret proves nothing here
    assert public.status_code == 400 and public.json_body["type"].endswith("/bad-signature"), public.body
    assert callback("whsec-county").status_code == 200
    assert api.get(f"/payments/{payment['payment_id']}", contractor["token"]).json_body["status"] == "PAID"


# --- SES ----------------------------------------------------------------------------------------------

def test_the_ses_notifier_sends_plain_text_from_the_countys_address(aws: Any) -> None:
    ses = boto3.client("ses", region_name=REGION)
    ses.verify_email_identity(EmailAddress=SENDER)
    SesNotifier(ses, SENDER).send("contractor@example.com", "Your receipt", "Amount paid: $1,023.98")

    [message] = sent_messages()
    assert message.source == SENDER and message.destinations["ToAddresses"] == ["contractor@example.com"]
    assert message.subject == "Your receipt" and message.body == "Amount paid: $1,023.98"


def test_a_message_ses_refuses_is_counted_not_raised(aws: Any, capsys: Any) -> None:
    from chalicelib import metrics

    metrics.discard()
    ses = boto3.client("ses", region_name=REGION)  # the sender was never verified: SES refuses
    assert send_quietly(SesNotifier(ses, SENDER), "contractor@example.com", "Your receipt", "...") is False
    assert sent_messages() == []
    metrics.flush()
    [line] = emf(capsys)
    assert values(line, "MailFailed") == [1.0]


def test_a_payment_stands_when_ses_refuses_its_receipt(api: Any, contractor: dict[str, str], table: Any,
                                                       clock: Any, capsys: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    stage_env(api, monkeypatch, "NOTIFIER", "ses")
    stage_env(api, monkeypatch, "MAIL_FROM", SENDER)  # not verified in SES
    seed_permit(table, contractor["contractor_id"], "RES16-0688")
    api.post("/cart/items", {"permit_no": "RES16-0688"}, contractor["token"])
    payment = api.post("/checkout", {"payment_method": "credit_card"}, contractor["token"]).json_body
    capsys.readouterr()

    raw = build_callback_body(payment["payment_id"], "approved", "TX-SES", Decimal(payment["total_due"]))
    header = sign(config.SANDBOX_WEBHOOK_SECRET, raw, int(clock.now().timestamp()))
    response = api.call("POST", "/payments/callback", raw=raw, headers={"X-Payment-Signature": header})

    assert response.status_code == 200, response.body  # the money is recorded; the mail is what failed
    assert api.get(f"/payments/{payment['payment_id']}", contractor["token"]).json_body["status"] == "PAID"
    counted = [values(e, "MailFailed") for e in emf(capsys) if "MailFailed" in e]
    assert counted and sum(sum(v) for v in counted) >= 1
    assert sent_messages() == []
