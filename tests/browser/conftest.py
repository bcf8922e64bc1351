"""Browser journeys: the real portal (scripts/run_local.py: DynamoDB emulator, API, site) on
free loopback ports, driven by Debian's Chromium through Playwright.

Set PORTAL_WEB_URL and PORTAL_API_URL to run against a portal that is already running
instead (e.g. `make run`); then PORTAL_CONTRACTOR_PIN gives RICH CONTRACTOR's PIN.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import COMPANY, PASSWORD, SECRET_ANSWER, SECRET_QUESTION

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
DOCS = ROOT / "docs"
SETUP_BODY = {
    "security_question": SECRET_QUESTION,
    "secret_answer": SECRET_ANSWER,
    "secret_answer_confirm": SECRET_ANSWER,
    "password": PASSWORD,
    "password_confirm": PASSWORD,
}
STAFF = ("admin", os.environ.get("DEMO_STAFF_PASSWORD", "DemoAdmin1"))


# CI machines have two cores shared by the API, the emulator and Chromium: allow more than the
# default 5 s before a page or an assertion gives up, so a slow moment is not a failure.
expect.set_options(timeout=15_000)


def pytest_itemcollected(item: pytest.Item) -> None:
    """Every test that drives the browser or the started portal is a browser test, marked or not, so
    `make test-fast` (-m "not browser") never tries to start Chromium for a file that forgot its mark."""
    if {"page", "portal"} & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.browser)


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(20_000)
    return page


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium, never a downloaded browser build."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ApiError(Exception):
    def __init__(self, status: int, body: object) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


@dataclass
class Portal:
    """The running portal and what the tests know about RICH CONTRACTOR's account."""

    web: str
    api: str
    pin: str
    password: str | None = None  # set once set-up is done
    secret_question: str = SECRET_QUESTION
    secret_answer: str = SECRET_ANSWER
    notes: dict = field(default_factory=dict)
    paid: set = field(default_factory=set)  # RICH CONTRACTOR's permits whose fees a test paid

    def call(self, method: str, path: str, body: object = None, token: str | None = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.api + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw = resp.read()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as err:
            raw = err.read()
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw.decode(errors="replace")
            raise ApiError(err.code, parsed) from None

    def contractor_id(self) -> str:
        items = self.call("GET", "/contractors")["items"]
        return next(i["contractor_id"] for i in items if i["company_name"] == COMPANY)

    def staff_token(self) -> str:
        body = {"username": STAFF[0], "password": STAFF[1]}
        return self.call("POST", "/auth/staff-login", body)["token"]

    def issue_new_pin(self) -> str:
        """Staff issue RICH CONTRACTOR a fresh PIN: every session ends and set-up must be done again."""
        result = self.call("POST", f"/staff/contractors/{self.contractor_id()}/pin", token=self.staff_token())
        self.pin = result["pin"]
        self.password = None
        self.secret_question = SECRET_QUESTION  # what set-up (ensure_setup or the journey) will store
        self.secret_answer = SECRET_ANSWER
        return self.pin

    def new_contractor(self, fees: str = "65.00") -> Contractor:
        """A contractor of its own (set up, one READY TO ISSUE permit with a fee due), for journeys
        that pay fees and must not change RICH CONTRACTOR's guide figures."""
        staff = self.staff_token()
        n = f"{os.getpid() % 10000:04d}{next(_SEQ):02d}"
        company = f"KEYBOARD BUILDERS {n}"
        created = self.call(
            "POST",
            "/staff/contractors",
            {"company_name": company, "license_no": f"KB{n}", "email": f"kb{n}@example.com"},
            token=staff,
        )
        first = {"contractor_id": created["contractor_id"], "password": created["pin"]}
        login = self.call("POST", "/auth/login", first)
        self.call(
            "POST",
            "/auth/setup",
            SETUP_BODY,
            token=login["token"],
        )
        permit = self.call(
            "POST",
            "/staff/permits",
            {
                "contractor_id": created["contractor_id"],
                "address": "100 N MAIN ST",
                "type": "RESIDENTIAL",
                "status": "READY TO ISSUE",
            },
            token=staff,
        )
        self.call(
            "POST",
            f"/staff/permits/{permit['permit_no']}/fees",
            {"description": "BUILDING PERMIT FEE", "amount": fees},
            token=staff,
        )
        return Contractor(created["contractor_id"], company, PASSWORD, permit["permit_no"], fees)

    def ensure_setup(self) -> str:
        """Make sure RICH CONTRACTOR has finished set-up (through the API if no test did it)."""
        if self.password:
            return self.password
        cid = self.contractor_id()
        login = self.call("POST", "/auth/login", {"contractor_id": cid, "password": self.pin})
        if login["must_complete_setup"]:
            self.call(
                "POST",
                "/auth/setup",
                SETUP_BODY,
                token=login["token"],
            )
        self.password = PASSWORD
        return PASSWORD

    def token(self) -> str:
        cid = self.contractor_id()
        return self.call("POST", "/auth/login", {"contractor_id": cid, "password": self.ensure_setup()})["token"]


@dataclass
class Contractor:
    contractor_id: str
    company: str
    password: str
    permit_no: str
    fees: str


_SEQ = itertools.count(1)


def wait_for_health(api: str, proc: subprocess.Popen | None, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"run_local.py exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(api + "/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (OSError, urllib.error.URLError) as err:
            last = str(err)
        time.sleep(0.5)
    raise TimeoutError(f"the portal did not answer GET /health within {timeout:.0f}s ({last})")


def wait_for_site(web: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(web + "/", timeout=2) as resp:
            if resp.status == 200:
                return
        time.sleep(0.3)
    raise TimeoutError(f"the site at {web} did not answer")


@contextlib.contextmanager
def launch_portal(root: Path, log_path: Path, pin: str) -> Iterator[Portal]:
    """Start `root`'s scripts/run_local.py (its own .chalice/config.json, web/ and a fresh emulator)
    on free loopback ports; stop its whole process group on the way out."""
    script = root / "scripts" / "run_local.py"
    if not script.exists():
        pytest.fail("scripts/run_local.py is missing: the browser journeys need `make run`'s launcher")
    python = ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        python = Path(sys.executable)
    if not (root / "web" / "vendor" / "uswds" / "css" / "uswds.min.css").exists():
        pytest.fail("web/vendor/uswds is missing: run `make web-assets`")
    api_port, web_port, db_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "API_PORT": str(api_port),
        "WEB_PORT": str(web_port),
        "DYNAMODB_PORT": str(db_port),
        "DEMO_CONTRACTOR_PIN": pin,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)  # always a fresh emulator with fresh demo data
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(python), str(script)],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, killed as a whole below
        )
    api = f"http://127.0.0.1:{api_port}"
    web = f"http://127.0.0.1:{web_port}"
    try:
        try:
            wait_for_health(api, proc)
            wait_for_site(web)
        except (RuntimeError, TimeoutError) as err:
            tail = log_path.read_text(errors="replace")[-4000:]
            pytest.fail(f"{err}\n--- run_local.py output ---\n{tail}")
        yield Portal(web=web, api=api, pin=pin)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        # Children that outlived the leader (same group).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory):
    """The whole portal on free loopback ports, started once for the session."""
    if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
        # Split over pytest-xdist workers, each would start a portal of its own and the journeys, which
        # build on each other's state in file order, would fail at random. (xdist's --dist loadgroup
        # cannot keep them together under pytest 9: it renames items through an attribute pytest no
        # longer reads.) `make test` runs them in a pytest of their own.
        pytest.fail("the browser journeys share one portal and run in order: run them in one process "
                    "(`make test`, or `pytest -m browser`), not under pytest-xdist's -n")
    if os.environ.get("PORTAL_WEB_URL") and os.environ.get("PORTAL_API_URL"):
        api = os.environ["PORTAL_API_URL"].rstrip("/")
        web = os.environ["PORTAL_WEB_URL"].rstrip("/")
        wait_for_health(api, None, 10)
        yield Portal(web=web, api=api, pin=os.environ.get("PORTAL_CONTRACTOR_PIN", "123456"))
        return

    pin = os.environ.get("DEMO_CONTRACTOR_PIN", "246810")
    log_path = tmp_path_factory.mktemp("portal") / "run_local.log"
    with launch_portal(ROOT, log_path, pin) as running:
        yield running


@pytest.fixture
def console_errors(page, portal):
    """Fail a test whose page logs a CSP violation or an uncaught error, or misses a site file."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    def on_response(response) -> None:
        # The API is on the same origin under /api: its 4xx answers are the journeys' business.
        site_file = response.url.startswith(portal.web) and not response.url.startswith(portal.web + "/api/")
        if site_file and response.status >= 400:
            errors.append(f"{response.status} {response.url}")

    page.on("response", on_response)

    def on_console(msg) -> None:
        if msg.type == "error" and ("Content Security Policy" in msg.text or "Refused to" in msg.text):
            errors.append(msg.text)

    page.on("console", on_console)
    yield errors
    assert not errors, "\n".join(errors)


@pytest.fixture
def screenshots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """docs/ with UPDATE_SCREENSHOTS=1 (refreshing the README's pictures); otherwise a temporary
    folder, so a test run leaves every tracked file as it was."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        return DOCS
    return tmp_path_factory.mktemp("screenshots")
