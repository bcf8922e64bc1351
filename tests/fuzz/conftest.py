"""The fuzz pass: the real local portal (scripts/run_local.py on free ports, a fresh emulator with demo
data, started as the browser journeys start it), its /openapi.json loaded into schemathesis."""

from __future__ import annotations

import os

import pytest
import schemathesis

from tests.browser.conftest import launch_portal

STATS = {"operations": set(), "requests": 0, "server_errors": 0}


@pytest.fixture(scope="session")
def fuzz_portal(tmp_path_factory: pytest.TempPathFactory):
    log_path = tmp_path_factory.mktemp("fuzz-portal") / "run_local.log"
    with launch_portal(__import__("tests.browser.conftest", fromlist=["ROOT"]).ROOT, log_path,
                       os.environ.get("DEMO_CONTRACTOR_PIN", "246810")) as running:
        contractor = running.new_contractor()
        running.notes["contractor"] = contractor
        running.notes["staff_token"] = running.staff_token()
        yield running


@pytest.fixture(scope="session")
def api_schema(fuzz_portal):
    return schemathesis.openapi.from_url(fuzz_portal.api + "/openapi.json")


def pytest_terminal_summary(terminalreporter) -> None:
    if STATS["requests"]:
        terminalreporter.write_line(
            f"schemathesis: {len(STATS['operations'])} operations, {STATS['requests']} requests, "
            f"{STATS['server_errors']} server errors")
