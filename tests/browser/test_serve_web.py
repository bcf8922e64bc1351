"""scripts/serve_web.py: content types, security headers and config.js (no browser needed)."""

from __future__ import annotations

import importlib.util
import threading
import urllib.error
import urllib.request
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_module():
    spec = importlib.util.spec_from_file_location("serve_web", ROOT / "scripts" / "serve_web.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def site(tmp_path: Path):
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>")
    (tmp_path / "app.mjs").write_text("export {};")
    (tmp_path / "f.woff2").write_bytes(b"wOF2")
    (tmp_path / "i.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / ".secret").write_text("no")
    (tmp_path / "sub").mkdir()
    module = load_module()

    def serve(api_upstream: str | None):
        handler = type(
            "H",
            (module.SiteHandler,),
            {"csp": module.build_csp(), "api_upstream": api_upstream},
        )
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(tmp_path)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    servers: list[ThreadingHTTPServer] = []
    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def fetch(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_root_serves_index_with_strict_security_headers(site) -> None:
    base = site("http://127.0.0.1:8000")
    status, headers, _ = fetch(base + "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self';" in csp
    assert "unsafe-inline" not in csp
    assert "connect-src 'self';" in csp  # the API is on this origin, under /api
    assert "img-src 'self' data:" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/app.mjs", "text/javascript"), ("/f.woff2", "font/woff2"), ("/i.svg", "image/svg+xml")],
)
def test_content_types(site, path: str, content_type: str) -> None:
    status, headers, _ = fetch(site(None) + path)
    assert status == 200
    assert headers["Content-Type"].startswith(content_type)


def test_config_js_names_the_same_origin_api(site) -> None:
    status, headers, body = fetch(site("http://127.0.0.1:8123") + "/config.js")
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert body.decode() == 'export const API_BASE_URL = "/api";\n'


@pytest.fixture
def api_upstream():
    """A stand-in API that echoes what reached it."""
    import json
    from http.server import BaseHTTPRequestHandler

    class Echo(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.dumps({"method": self.command, "path": self.path,
                               "auth": self.headers.get("Authorization"),
                               "body": self.rfile.read(length).decode()}).encode()
            self.send_response(201 if self.command == "POST" else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_api_is_served_under_api_on_the_same_origin(site, api_upstream) -> None:
    import json

    base = site(api_upstream)
    request = urllib.request.Request(base + "/api/cart/items?x=1", data=b'{"permit_no":"RES1"}', method="POST",
                                     headers={"Authorization": "Bearer t", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as resp:
        status, headers, body = resp.status, resp.headers, json.loads(resp.read())
    assert status == 201
    assert body == {"method": "POST", "path": "/cart/items?x=1", "auth": "Bearer t", "body": '{"permit_no":"RES1"}'}
    assert headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" not in headers  # the API's answer is passed on as it is
    assert fetch(base + "/api/health")[0] == 200
    # Only /api is forwarded: a page is never sent to the API, and the site takes no POST itself.
    assert fetch(base + "/apiary.html")[0] == 404
    assert urllib.request.urlopen(urllib.request.Request(base + "/api", method="DELETE"), timeout=5).status == 200


def test_no_listings_and_no_dotfiles(site) -> None:
    base = site(None)
    assert fetch(base + "/sub/")[0] == 404
    assert fetch(base + "/.secret")[0] == 404
    assert fetch(base + "/missing.js")[0] == 404


def test_without_an_upstream_the_csp_follows_config_js(site, tmp_path: Path) -> None:
    (tmp_path / "config.js").write_text('export const API_BASE_URL = "http://127.0.0.1:9001";\n')
    _, headers, _ = fetch(site(None) + "/")
    assert "connect-src 'self' http://127.0.0.1:9001" in headers["Content-Security-Policy"]
