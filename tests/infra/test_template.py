"""The one packaged stack: resources, parameters, IAM scoping, headers, the schedule and alarms."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from serve_web import build_csp  # noqa: E402

FUNCTIONS = ("APIHandler", "FlagExpiredPermits")


def of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in resources.items() if v["Type"] == kind}


def test_one_template_with_the_api_the_job_and_the_table(resources):
    assert resources["RestAPI"]["Type"] == "AWS::Serverless::Api"
    for name in FUNCTIONS:
        assert resources[name]["Type"] == "AWS::Serverless::Function"
    table = resources["PortalTable"]
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    props = table["Properties"]
    assert props["DeletionProtectionEnabled"] is True
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert [i["IndexName"] for i in props["GlobalSecondaryIndexes"]] == ["GSI1", "GSI2", "GSI3", "GSI4", "GSI5"]


def test_county_values_are_parameters(packaged):
    params = packaged["Parameters"]
    for name in ("DomainName", "CertificateArn", "MailFrom", "StaffEmail", "CountyTimeZone", "AlarmEmail",
                 "PaymentProvider"):
        assert name in params
    assert params["CountyTimeZone"]["Default"] == "America/Los_Angeles"
    assert params["PaymentProvider"]["Default"] == "none"
    example = json.loads((ROOT / "infra" / "parameters.example.json").read_text())
    assert set(example) <= set(params)
    assert {k for k, v in params.items() if "Default" not in v} <= set(example)


def test_nothing_county_specific_in_chalice_config():
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for stage in ("dev", "prod"):
        env = config["stages"][stage].get("environment_variables", {})
        assert not {"MAIL_FROM", "STAFF_EMAIL", "CORS_ALLOW_ORIGIN", "SITE_BASE_URL", "TABLE_NAME"} & set(env)
    for policy in (ROOT / ".chalice").glob("policy-*.json"):
        assert "example.gov" not in policy.read_text()


def test_function_environment_comes_from_the_stack(resources):
    for name in FUNCTIONS:
        env = resources[name]["Properties"]["Environment"]["Variables"]
        assert env["TABLE_NAME"]["Fn::If"][2] == {"Ref": "PortalTable"}
        assert env["MAIL_FROM"] == {"Ref": "MailFrom"}
        assert env["STAFF_EMAIL"] == {"Ref": "StaffEmail"}
        assert env["SITE_BASE_URL"] == {"Fn::Sub": "https://${DomainName}"}
        assert env["COUNTY_TIME_ZONE"] == {"Ref": "CountyTimeZone"}
        assert env["PAYMENT_SECRET_ARN"] == {"Ref": "PaymentSecret"}
        assert env["PAYMENT_PROVIDER"] == {"Ref": "PaymentProvider"}
        assert env["DOCUMENTS_BUCKET"] == {"Ref": "DocumentsBucket"}
        assert (env["NOTIFIER"], env["STAGE"]) == ("ses", "prod")
        assert env["POWERTOOLS_SERVICE_NAME"] == "contractor-portal"
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == "ContractorPortal"
        assert "CORS_ALLOW_ORIGIN" not in env
        assert resources[name]["Properties"]["Tracing"] == "Active"
    assert resources["APIHandler"]["Properties"]["ReservedConcurrentExecutions"] == {"Ref": "ApiReservedConcurrency"}


def test_iam_names_every_resource(resources):
    roles = {k: v for k, v in of_type(resources, "AWS::IAM::Role").items() if k.endswith("Role")
             and k.startswith(("ApiHandler", "FlagExpired"))}
    assert set(roles) == {"ApiHandlerRole", "FlagExpiredPermitsRole"}
    for role in roles.values():
        statements = [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]
        by_sid = {s["Sid"]: s for s in statements}
        for s in statements:
            actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
            if any(a.split(":")[0] in ("dynamodb", "ses", "secretsmanager", "s3", "logs") for a in actions):
                assert s["Resource"] != "*" and "*" not in s["Resource"], s
        table = json.dumps(by_sid["PortalTable"]["Resource"])
        assert '"PortalTable", "Arn"' in table and "${PortalTable.Arn}/index/*" in table
        assert "identity/${MailDomain}" in json.dumps(by_sid["Mail"]["Resource"])
        assert by_sid["PaymentSecret"]["Action"] == ["secretsmanager:GetSecretValue"]
        assert by_sid["PaymentSecret"]["Resource"] == [{"Ref": "PaymentSecret"}]
        assert "xray:PutTraceSegments" in by_sid["Tracing"]["Action"]


def test_site_headers_match_local(resources):
    config = resources["SiteHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    # Same-origin unless the map's base map has a tile server (MapTileOrigin): then serve_web.py's policy
    # with that origin, for images and fetch, exactly.
    condition, with_tiles, same_origin = config["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::If"]
    assert condition == "HasMapTileOrigin"
    assert same_origin == build_csp(None)
    assert with_tiles == {"Fn::Sub": build_csp(None, "${MapTileOrigin}")}
    assert "connect-src 'self';" in same_origin
    assert "img-src 'self' data:;" in same_origin
    assert "frame-ancestors 'none'" in same_origin
    assert config["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert config["ContentTypeOptions"] == {"Override": True}
    assert config["FrameOptions"]["FrameOption"] == "DENY"
    assert config["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
    custom = {i["Header"]: i["Value"] for i in
              resources["SiteHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["CustomHeadersConfig"]["Items"]}
    assert custom["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(self)"  # the map's Use my location


def test_the_map_tile_origin_is_a_parameter_that_only_widens_the_csp_when_set(packaged):
    param = packaged["Parameters"]["MapTileOrigin"]
    assert param["Default"] == ""
    assert packaged["Conditions"]["HasMapTileOrigin"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "MapTileOrigin"}, ""]}]}


def test_site_is_private_behind_cloudfront_with_api_same_origin(resources):
    bucket = resources["SiteBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert "BucketEncryption" in bucket
    statement = resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert "AWS:SourceArn" in statement["Condition"]["StringEquals"]
    dist = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert dist["Aliases"] == [{"Ref": "DomainName"}]
    assert dist["ViewerCertificate"]["AcmCertificateArn"] == {"Ref": "CertificateArn"}
    origins = {o["Id"]: o for o in dist["Origins"]}
    assert "OriginAccessControlId" in origins["site"]
    assert origins["api"]["DomainName"] == {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.amazonaws.com"}
    assert "OriginPath" not in origins["api"]
    assert dist["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {"Ref": "SiteHeadersPolicy"}
    (api,) = dist["CacheBehaviors"]
    assert api["PathPattern"] == "/api/*" and api["TargetOriginId"] == "api"
    assert api["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    assert api["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # AllViewerExceptHostHeader
    assert {"POST", "PUT", "PATCH", "DELETE"} <= set(api["AllowedMethods"])


def test_documents_bucket(resources):
    props = resources["DocumentsBucket"]["Properties"]
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert "BucketEncryption" in props
    rules = props["LifecycleConfiguration"]["Rules"]
    assert any(r.get("Prefix") == "uploads/" and r.get("ExpirationInDays") for r in rules)
    assert any("AbortIncompleteMultipartUpload" in r for r in rules)
    assert props["CorsConfiguration"]["CorsRules"][0]["AllowedOrigins"] == [{"Fn::Sub": "https://${DomainName}"}]


def test_schedule_runs_on_county_time_with_retries_and_dead_letters(resources):
    (schedule,) = of_type(resources, "AWS::Scheduler::Schedule").values()
    props = schedule["Properties"]
    assert props["ScheduleExpression"] == "cron(30 0 * * ? *)"
    assert props["ScheduleExpressionTimezone"] == {"Ref": "CountyTimeZone"}
    target = props["Target"]
    assert target["Arn"] == {"Fn::GetAtt": ["FlagExpiredPermits", "Arn"]}
    assert "RetryPolicy" in target
    assert target["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": ["JobDeadLetterQueue", "Arn"]}
    role = resources["JobSchedulerRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    invoke = [s for s in role if "lambda:InvokeFunction" in s["Action"]]
    assert invoke[0]["Resource"] == [{"Fn::GetAtt": ["FlagExpiredPermits", "Arn"]}]


def test_log_groups_with_retention(resources):
    groups = of_type(resources, "AWS::Logs::LogGroup")
    names = {json.dumps(g["Properties"]["LogGroupName"]) for g in groups.values()}
    for fn in FUNCTIONS:
        assert json.dumps({"Fn::Sub": f"/aws/lambda/${{{fn}}}"}) in names
    assert all(g["Properties"]["RetentionInDays"] for g in groups.values())
    api = resources["RestAPI"]["Properties"]
    assert api["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    assert api["TracingEnabled"] is True
    assert api["MethodSettings"][0]["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRate"}


def test_alarms(resources):
    alarms = of_type(resources, "AWS::CloudWatch::Alarm").values()
    metrics = {(a["Properties"]["Namespace"], a["Properties"]["MetricName"]): a["Properties"] for a in alarms}
    for key in [("AWS/ApiGateway", "5XXError"), ("AWS/Lambda", "Errors"), ("AWS/DynamoDB", "ReadThrottleEvents"),
                ("AWS/DynamoDB", "WriteThrottleEvents"), ("ContractorPortal", "MailFailed"),
                ("ContractorPortal", "PaymentRefundRequired"), ("AWS/SQS", "ApproximateNumberOfMessagesVisible")]:
        assert key in metrics
    job = metrics[("ContractorPortal", "ExpiryJobCompleted")]
    assert (job["Period"], job["ComparisonOperator"], job["TreatMissingData"]) == (
        86400, "LessThanThreshold", "breaching")
    assert job["Dimensions"] == [{"Name": "service", "Value": "contractor-portal"}]
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms)
    assert sum(1 for a in alarms if a["Properties"]["MetricName"] == "Errors") == 2


def test_outputs(packaged):
    for name in ("SiteUrl", "DistributionId", "DistributionDomainName", "SiteBucketName", "AlarmTopicArn",
                 "DkimRecord1", "DkimRecord2", "DkimRecord3"):
        assert name in packaged["Outputs"]


def test_no_cors_mock_integrations(resources):
    if "cors" in (ROOT / "app.py").read_text():
        pytest.skip("app.py still sets app.api.cors (being removed in issue 10)")
    paths = resources["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    assert not [p for p, ops in paths.items() if "options" in ops]


def test_cloudfront_proves_itself_to_the_api_with_the_origin_secret(resources):
    """The API believes CloudFront-Viewer-Address only with this header (chalicelib/api/http.py)."""
    origins = resources["SiteDistribution"]["Properties"]["DistributionConfig"]["Origins"]
    [api_origin] = [o for o in origins if o["Id"] == "api"]
    [header] = api_origin["OriginCustomHeaders"]
    assert header["HeaderName"] == "X-Origin-Verify"
    assert header["HeaderValue"] == {"Fn::Sub": "{{resolve:secretsmanager:${OriginSecret}:SecretString}}"}
    assert resources["APIHandler"]["Properties"]["Environment"]["Variables"]["ORIGIN_SECRET_ARN"] == {
        "Ref": "OriginSecret"}
    statements = resources["ApiHandlerRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert {"Sid": "OriginSecret", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
            "Resource": [{"Ref": "OriginSecret"}]} in statements
