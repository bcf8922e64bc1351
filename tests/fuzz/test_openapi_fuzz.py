"""schemathesis against the running portal, from its own /openapi.json: no 5xx, every response
conforming to its documented status codes and schema. Bounded: 10 derandomized examples an operation.

Token-revoking operations never see the shared tokens: `POST /auth/logout` gets a fresh token of its
own for every case (the others that revoke sessions need a secret the fuzzer cannot guess)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.fuzz.conftest import STATS

pytestmark = pytest.mark.fuzz



def _token(portal, path: str) -> str:
    contractor = portal.notes["contractor"]
    if path.startswith("/staff/"):
        return portal.notes["staff_token"]
    if path == "/auth/logout":  # revokes what it is given: never the shared token
        return portal.call("POST", "/auth/login", {"contractor_id": contractor.contractor_id,
                                                    "password": contractor.password})["token"]
    if "contractor_token" not in portal.notes:
        body = {"contractor_id": contractor.contractor_id, "password": contractor.password}
        portal.notes["contractor_token"] = portal.call("POST", "/auth/login", body)["token"]
    return portal.notes["contractor_token"]


def test_api(fuzz_portal, api_schema) -> None:
    """Each operation in turn (schemathesis's own pytest loader does not run under pytest 9)."""
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=10, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case) -> None:
            STATS["operations"].add(f"{case.method} {case.path}")
            headers = {"Authorization": f"Bearer {_token(fuzz_portal, case.path)}"}
            STATS["requests"] += 1
            response = case.call(base_url=fuzz_portal.api, headers=headers)
            if response.status_code >= 500:
                STATS["server_errors"] += 1
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance,
                                                     status_code_conformance])

        run()
