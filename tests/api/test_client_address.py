"""Failed sign-ins are counted per source; behind CloudFront the source is the viewer's own address, which
is believed only with the origin secret CloudFront adds (chalicelib/api/http.py `client_address`)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from tests.conftest import CONTRACTOR_PASSWORD

ORIGIN_SECRET = "s3cr3t-origin-value-0123456789abcdef"


@pytest.fixture
def behind_cloudfront(aws: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    from aws_lambda_powertools.utilities import parameters

    arn = boto3.client("secretsmanager", region_name="us-west-2").create_secret(
        Name="origin-secret", SecretString=ORIGIN_SECRET)["ARN"]
    monkeypatch.setenv("ORIGIN_SECRET_ARN", arn)
    monkeypatch.setenv("SOURCE_MAX_FAILED_ATTEMPTS", "3")
    parameters.clear_caches()
    yield arn
    parameters.clear_caches()


def login(api: Any, contractor_id: str, password: str, headers: dict[str, str]) -> Any:
    return api.call("POST", "/auth/login", {"contractor_id": contractor_id, "password": password}, headers=headers)


def via_cloudfront(viewer: str, secret: str = ORIGIN_SECRET) -> dict[str, str]:
    return {"CloudFront-Viewer-Address": viewer, "X-Origin-Verify": secret}


def test_each_viewer_behind_cloudfront_is_its_own_source(api, contractor, behind_cloudfront):
    for victim in ("c-one", "c-two", "c-three"):
        assert login(api, victim, "Wrong9999", via_cloudfront("203.0.113.9:50123")).status_code == 401
    # That viewer is held up...
    assert login(api, contractor["contractor_id"], CONTRACTOR_PASSWORD,
                 via_cloudfront("203.0.113.9:50999")).status_code == 429
    # ...but not another contractor behind the same CloudFront edge (IPv6: the port after the last colon).
    assert login(api, contractor["contractor_id"], CONTRACTOR_PASSWORD,
                 via_cloudfront("2001:db8::7:443")).status_code == 200


def test_a_forged_viewer_address_is_not_believed(api, contractor, behind_cloudfront):
    # Straight to API Gateway with a made-up header and no (or a wrong) origin secret: each new address
    # would otherwise escape the source limit; all count against the connection's own sourceIp.
    for n, secret in enumerate(("", "guess", ORIGIN_SECRET[:-1])):
        headers = via_cloudfront(f"198.51.100.{n}:1000", secret)
        assert login(api, f"c-victim-{n}", "Wrong9999", headers).status_code == 401
    assert login(api, contractor["contractor_id"], CONTRACTOR_PASSWORD,
                 via_cloudfront("198.51.100.99:1000", "guess")).status_code == 429


def test_without_the_origin_secret_configured_the_header_is_ignored(api, contractor, monkeypatch):
    monkeypatch.setenv("SOURCE_MAX_FAILED_ATTEMPTS", "3")
    for n in range(3):
        assert login(api, f"c-victim-{n}", "Wrong9999",
                     via_cloudfront(f"198.51.100.{n}:1000")).status_code == 401
    assert login(api, contractor["contractor_id"], CONTRACTOR_PASSWORD,
                 via_cloudfront("198.51.100.99:1000")).status_code == 429
