"""`make run`: the whole portal on loopback, in the foreground, until SIGINT or SIGTERM.

- DynamoDB: moto's server mode on DYNAMODB_PORT (default 8001), unless AWS_ENDPOINT_URL_DYNAMODB
  names an endpoint to use instead; the table is created from the PortalTable of infra/template.json when missing.
- Demo data on an empty table (localdev.seed).
- The API: `chalice local --no-autoreload` on API_PORT (default 8000), stage local.
- The static site: scripts/serve_web.py on WEB_PORT (default 8080), serving the API under /api on
  the site's own origin as CloudFront does when deployed (web/config.js: API_BASE_URL = "/api").
Every child runs in its own process group, and every group is stopped on the way out.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"

children: list[subprocess.Popen[bytes]] = []


def log(message: str) -> None:
    print(f"[run] {message}", flush=True)


def start(name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(argv, cwd=ROOT, env=env, start_new_session=True)
    children.append(process)
    log(f"started {name} (pid {process.pid})")
    return process


def stop_all(*_: object) -> None:
    for process in reversed(children):
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in children:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    children.clear()


def ensure_free(port: int, what: str) -> None:
    with socket.socket() as probe:
        if probe.connect_ex((HOST, port)) == 0:
            raise SystemExit(f"[run] port {port} ({what}) is already in use: stop what holds it or set another port")


def wait_for_port(port: int, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        for process in children:
            if process.poll() is not None:
                raise SystemExit(f"[run] a child exited early (code {process.returncode}) while waiting for {what}")
        time.sleep(0.2)
    raise SystemExit(f"[run] {what} did not open port {port} within {timeout:.0f} s")


def wait_for_health(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"[run] {url} did not answer 200 within {timeout:.0f} s")


def stage_environment() -> dict[str, str]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return {**config.get("environment_variables", {}),
            **config["stages"]["local"].get("environment_variables", {})}


def main() -> None:
    api_port = int(os.environ.get("API_PORT", "8000"))
    web_port = int(os.environ.get("WEB_PORT", "8080"))
    dynamodb_port = int(os.environ.get("DYNAMODB_PORT", "8001"))
    api_url, site_url = f"http://{HOST}:{api_port}", f"http://{HOST}:{web_port}"

    env = dict(os.environ)
    env.setdefault("AWS_ACCESS_KEY_ID", "local")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    env.setdefault("AWS_DEFAULT_REGION", "us-west-2")
    env.setdefault("AWS_REGION", env["AWS_DEFAULT_REGION"])
    env.update(stage_environment())  # chalice local applies the local stage's variables; match them
    env.setdefault("SITE_BASE_URL", site_url)
    env["PYTHONUNBUFFERED"] = "1"

    ensure_free(api_port, "API_PORT")
    ensure_free(web_port, "WEB_PORT")
    if not env.get("AWS_ENDPOINT_URL_DYNAMODB"):
        ensure_free(dynamodb_port, "DYNAMODB_PORT")

    signal.signal(signal.SIGTERM, lambda *_: (stop_all(), sys.exit(0)))
    signal.signal(signal.SIGINT, lambda *_: (stop_all(), sys.exit(0)))

    if not env.get("AWS_ENDPOINT_URL_DYNAMODB"):
        start("DynamoDB emulator (moto server)",
              [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(dynamodb_port)], env)
        wait_for_port(dynamodb_port, "the DynamoDB emulator")
        env["AWS_ENDPOINT_URL_DYNAMODB"] = f"http://{HOST}:{dynamodb_port}"
    os.environ.update(env)  # the seeding below talks to the same endpoint and table

    import boto3

    from chalicelib.clock import SystemClock
    from localdev.seed import seed_demo
    from localdev.table import create_table
    from scripts.migrate import migrate

    client = boto3.client("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL_DYNAMODB"],
                          region_name=env["AWS_REGION"])
    if create_table(client, env["TABLE_NAME"]):
        log(f"created table {env['TABLE_NAME']} from infra/template.json")
    report = seed_demo(SystemClock())
    migrated = migrate()  # a table from an earlier release (a kept emulator volume) catches up
    if migrated["first_users"]:
        log(f"migrated {migrated['first_users']} compan(y/ies) to named users (their first admin)")

    (ROOT / "web").mkdir(exist_ok=True)
    # The site calls the API on its own origin, under /api, as it does behind CloudFront.
    (ROOT / "web" / "config.js").write_text('export const API_BASE_URL = "/api";\n')
    start("API (chalice local)",
          [str(Path(sys.executable).parent / "chalice"), "local", "--no-autoreload", "--stage", "local",
           "--host", HOST, "--port", str(api_port)], env)
    start("static site", [sys.executable, str(ROOT / "scripts" / "serve_web.py"), "--host", HOST,
                          "--port", str(web_port), "--root", "web", "--api-upstream", api_url], env)
    wait_for_health(f"{api_url}/health")
    wait_for_port(web_port, "the static site")

    log("the portal is up")
    log(f"  site: {site_url}")
    log(f"  back office (staff): {site_url}/staff/index.html")
    log(f"  API:  {api_url}  (try {api_url}/contractors); the site calls it as {site_url}/api")
    log(f"  DynamoDB endpoint: {env['AWS_ENDPOINT_URL_DYNAMODB']}  table {env['TABLE_NAME']}")
    if report.seeded:
        log(f"  staff:  admin / {report.staff_password}   (the demo supervisor; invite clerks and inspectors from "
            "Staff accounts)")
        for company, pin in report.pins.items():
            log(f"  contractor {company}: first-login PIN {pin}")
    else:
        log("  demo data was already there; PINs were printed when it was seeded")
    log("Ctrl-C stops everything.")
    parent = os.getppid()
    while True:
        if os.getppid() != parent:  # whoever started us (make) is gone: do not outlive it
            log("the parent process went away; stopping")
            stop_all()
            sys.exit(0)
        for process in children:
            if process.poll() is not None:
                log(f"a child exited (pid {process.pid}, code {process.returncode}); stopping")
                stop_all()
                sys.exit(1)
        time.sleep(0.5)


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_all()
