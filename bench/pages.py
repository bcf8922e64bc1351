"""Page weight: for the login page, the Dashboard and the Checkout Summary, the bytes a first visit
transfers (compressed, headers included, empty cache) and its request count, measured with Playwright
and Debian's Chromium; and Lighthouse's mobile performance score for each (Lighthouse 12 from npm,
its default mobile preset: Moto G Power, slow 4G, simulated throttling).

The portal runs as `make run` runs it (scripts/run_local.py: emulator, API, the static server with
gzip and caching) on free loopback ports, with RICH CONTRACTOR signed in through the API and
RES16-0688 in the cart. Pages behind sign-in read the session from sessionStorage (web/js/session.js),
so each browser gets it by an init script before the page's own scripts run.

Set BENCH_PAGES_ROOT to measure another checkout of the portal (e.g. an older one, for a before/after).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.counting import Row

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse"
BUDGET_BYTES = 150_000
SCORE_GOAL, SCORE_AIM = 90, 95
PERMIT = "RES16-0688"  # the guide's permit with fees due: what the Checkout Summary shows
PAGES = (
    ("login", "index.html", False),
    ("dashboard", "dashboard.html", True),
    ("checkout summary", "checkout.html", True),
)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Lighthouse through its Node API, with puppeteer-core (Lighthouse's own dependency) driving Chromium,
# so the session can be put into sessionStorage before the page loads. Prints one JSON line per page.
LIGHTHOUSE_JS = r"""
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";
const { chromium, flags, pages, key, session } = JSON.parse(process.env.BENCH_LIGHTHOUSE);
for (const { name, url, signedIn } of pages) {
  const browser = await puppeteer.launch({ executablePath: chromium, args: flags, headless: true });
  try {
    const page = await browser.newPage();
    if (signedIn) await page.evaluateOnNewDocument((k, v) => sessionStorage.setItem(k, v), key, session);
    const options = { output: "json", onlyCategories: ["performance"], logLevel: "error" };
    const result = await lighthouse(url, options, undefined, page);
    const lhr = result.lhr;
    const audit = (id) => lhr.audits[id]?.numericValue;
    console.log(JSON.stringify({
      name, finalUrl: lhr.finalDisplayedUrl, score: lhr.categories.performance.score,
      bytes: audit("total-byte-weight"), fcp: audit("first-contentful-paint"), lcp: audit("largest-contentful-paint"),
      tbt: audit("total-blocking-time"), cls: audit("cumulative-layout-shift"),
      shifts: (lhr.audits["layout-shifts"]?.details?.items || []).slice(0, 3).map((item) => ({
        score: item.score, node: item.node?.selector || item.node?.snippet || "",
        causes: (item.subItems?.items || []).map((c) => c.cause),
      })),
      error: lhr.runtimeError?.message || null,
    }));
  } catch (error) {
    console.log(JSON.stringify({ name, error: String(error?.message || error) }));
  } finally {
    await browser.close();
  }
}
"""


@dataclass
class Load:
    bytes: int
    requests: int
    url: str


def _session_key(root: Path) -> str:
    text = (root / "web" / "js" / "session.js").read_text(encoding="utf-8")
    match = re.search(r"""const KEY\s*=\s*["']([^"']+)["']""", text)
    return match.group(1) if match else "portal.session"


@contextlib.contextmanager
def _portal(root: Path) -> Iterator[object]:
    """scripts/run_local.py on free ports, started and stopped as the browser tests do."""
    from tests.browser.conftest import launch_portal

    with (tempfile.TemporaryDirectory() as folder,
          launch_portal(root, Path(folder) / "run_local.log", pin="246810") as portal):
        yield portal


def _sign_in(portal) -> str:
    """RICH CONTRACTOR signed in (set-up done through the API), RES16-0688's fees in the cart; the
    session as web/js/session.js keeps it."""
    from tests.browser.helpers import COMPANY

    cid = portal.contractor_id()
    login = portal.call("POST", "/auth/login", {"contractor_id": cid, "password": portal.ensure_setup()})
    portal.call("POST", "/cart/items", {"permit_no": PERMIT}, token=login["token"])
    return json.dumps(
        {
            "token": login["token"],
            "expiresAt": login.get("expires_at"),
            "role": login.get("role"),
            "mustCompleteSetup": False,
            "company": COMPANY,
            "contractorId": cid,
        }
    )


def _first_loads(web: str, key: str, session: str) -> dict[str, Load]:
    """Each page in a fresh browser context (empty cache): every response's encoded length (headers and
    compressed body, what crossed the wire) until the network is idle."""
    from playwright.sync_api import sync_playwright

    loads: dict[str, Load] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for name, path, signed_in in PAGES:
                context = browser.new_context(viewport={"width": 390, "height": 844})
                if signed_in:
                    context.add_init_script(f"sessionStorage.setItem({json.dumps(key)}, {json.dumps(session)})")
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                finished: dict[str, int] = {}
                cdp.on(
                    "Network.loadingFinished",
                    lambda e, f=finished: f.__setitem__(e["requestId"], int(e["encodedDataLength"])),
                )
                cdp.on("Network.loadingFailed", lambda e, f=finished: f.setdefault(e["requestId"], 0))
                page.goto(f"{web}/{path}", wait_until="networkidle")
                page.wait_for_timeout(300)
                loads[name] = Load(sum(finished.values()), len(finished), page.url)
                context.close()
        finally:
            browser.close()
    return loads


def _lighthouse(web: str, key: str, session: str) -> dict[str, dict]:
    """{page: Lighthouse's figures or {"error": why}}; never raises."""
    if not (LIGHTHOUSE / "package.json").exists():
        return {name: {"error": "node_modules/lighthouse is missing (npm ci)"} for name, _, _ in PAGES}
    node = shutil.which("node")
    if node is None:
        return {name: {"error": "node is not installed"} for name, _, _ in PAGES}
    spec = {
        "chromium": CHROMIUM,
        "flags": CHROMIUM_FLAGS,
        "key": key,
        "session": session,
        "pages": [{"name": n, "url": f"{web}/{path}", "signedIn": s} for n, path, s in PAGES],
    }
    try:
        done = subprocess.run(
            [node, "--input-type=module", "-e", LIGHTHOUSE_JS],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "BENCH_LIGHTHOUSE": json.dumps(spec)},
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return {name: {"error": f"Lighthouse did not finish: {error}"} for name, _, _ in PAGES}
    results: dict[str, dict] = {}
    for line in done.stdout.splitlines():
        with contextlib.suppress(ValueError):
            item = json.loads(line)
            if isinstance(item, dict) and "name" in item:
                results[item["name"]] = item
    why = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1][:200]
    return {name: results.get(name, {"error": f"Lighthouse gave no result: {why}"}) for name, _, _ in PAGES}


def _kb(n: float) -> str:
    return f"{n / 1000:.1f} KB"


def run() -> list[Row]:
    root = Path(os.environ.get("BENCH_PAGES_ROOT", ROOT)).resolve()
    if not Path(CHROMIUM).exists():
        return [Row("pages", "first load and Lighthouse", value=f"{CHROMIUM} is missing", goal="`make browser`")]
    if not (root / "web" / "vendor" / "uswds" / "css" / "uswds.min.css").exists():
        return [Row("pages", "first load and Lighthouse", value="web/vendor is missing", goal="`make web-assets`")]
    rows: list[Row] = []
    try:
        with _portal(root) as portal:
            key, session = _session_key(root), _sign_in(portal)
            loads = _first_loads(portal.web, key, session)
            audits = _lighthouse(portal.web, key, session)
    except (Exception, pytest.fail.Exception) as error:  # a row says why (launch_portal fails as a test would)
        return [Row("pages", "first load and Lighthouse", value=f"could not run: {error}"[:300])]
    for name, path, _ in PAGES:
        load = loads[name]
        landed = "" if load.url.endswith("/" + path) else f" (landed on {load.url.rsplit('/', 1)[-1]})"
        rows.append(
            Row(
                "pages",
                f"{name}: first load{landed}",
                value=f"{_kb(load.bytes)}, {load.requests} requests",
                goal=f"<= {BUDGET_BYTES // 1000} KB compressed",
            )
        )
        audit = audits[name]
        if audit.get("error") or audit.get("score") is None:
            value = f"not measured: {audit.get('error') or 'no score'}"
        else:
            value = (
                f"{round(audit['score'] * 100)} (FCP {audit['fcp'] / 1000:.1f} s, LCP {audit['lcp'] / 1000:.1f} s, "
                f"TBT {audit['tbt']:.0f} ms, CLS {audit['cls']:.3f}; {_kb(audit['bytes'])} transferred)"
            )
        rows.append(
            Row(
                "pages",
                f"{name}: Lighthouse mobile performance",
                value=value,
                goal=f">= {SCORE_GOAL} (aim {SCORE_AIM})",
            )
        )
    return rows


if __name__ == "__main__":  # python -m bench.pages: this section alone
    for row in run():
        print(f"| {row.section} | {row.what} | {row.value} | {row.goal} |")
