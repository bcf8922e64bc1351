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
    # The map's "Use my location" may ask for this origin's pages only; camera and microphone never.
    assert headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(self)"


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


# --- The map's base map and the CSP (MAP_BASEMAP / MAP_TILE_URL, the settings the API reads) ---


def test_basemap_none_keeps_the_policy_same_origin() -> None:
    module = load_module()
    assert module.tile_origin_from_env({}) is None
    tiles = "https://tiles.example.gov/{z}/{x}/{y}.png"
    assert module.tile_origin_from_env({"MAP_BASEMAP": "none", "MAP_TILE_URL": tiles}) is None
    csp = module.build_csp(None, None)
    assert "img-src 'self' data:;" in csp
    assert "connect-src 'self';" in csp


@pytest.mark.parametrize("kind", ["xyz", "pmtiles", "XYZ"])
def test_a_tile_basemap_adds_its_origin_to_images_and_fetch(kind: str) -> None:
    module = load_module()
    env = {"MAP_BASEMAP": kind, "MAP_TILE_URL": "https://tiles.example.gov:8443/county/{z}/{x}/{y}.png"}
    origin = module.tile_origin_from_env(env)
    assert origin == "https://tiles.example.gov:8443"
    csp = module.build_csp(None, origin)
    assert "img-src 'self' data: https://tiles.example.gov:8443;" in csp
    assert "connect-src 'self' https://tiles.example.gov:8443;" in csp
    assert "unsafe-inline" not in csp and "script-src 'self';" in csp  # nothing else is widened


def test_a_tile_url_with_a_host_placeholder_is_refused() -> None:
    module = load_module()
    with pytest.raises(Exception, match="literal"):
        module.tile_origin_from_env({"MAP_BASEMAP": "xyz", "MAP_TILE_URL": "https://{s}.tiles.example.gov/{z}/{x}.png"})


def test_the_served_policy_carries_the_tile_origin(site, tmp_path: Path) -> None:
    module = load_module()
    handler = type("T", (module.SiteHandler,), {"csp": module.build_csp(None, "https://tiles.example.gov"),
                                                "api_upstream": "http://127.0.0.1:8000",
                                                "tile_origin": "https://tiles.example.gov"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _, headers, _ = fetch(f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
    assert "img-src 'self' data: https://tiles.example.gov;" in headers["Content-Security-Policy"]


# --- Compression and caching, as CloudFront does (Compress: true, CachingOptimized) ---

CSS = ".usa-button{color:#005ea2}\n" * 200  # 5,400 bytes: worth compressing


def get(url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:  # urllib reports 304 as an error
        return err.code, err.headers, err.read()


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    (tmp_path / "vendor" / "uswds" / "css").mkdir(parents=True)
    (tmp_path / "vendor" / "uswds" / "css" / "uswds.min.css").write_text(CSS)
    (tmp_path / "vendor" / "font.woff2").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "page.html").write_text("<!doctype html><title>p</title>" + "<p>Dashboard</p>" * 100)
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "small.js").write_text("export {};")
    return tmp_path


def test_text_is_gzipped_when_accepted_and_plain_otherwise(site, assets: Path) -> None:
    import gzip

    base = site(None)
    status, headers, body = get(base + "/vendor/uswds/css/uswds.min.css", {"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Vary"] == "Accept-Encoding"
    assert headers["Content-Type"].startswith("text/css")
    assert int(headers["Content-Length"]) == len(body) < len(CSS) // 10
    assert gzip.decompress(body).decode() == CSS

    status, headers, body = get(base + "/vendor/uswds/css/uswds.min.css")  # no Accept-Encoding
    assert status == 200
    assert headers["Content-Encoding"] is None
    assert headers["Vary"] == "Accept-Encoding"  # a cache must keep the two forms apart
    assert body.decode() == CSS
    # gzip refused explicitly, pages compressed too, fonts (already compressed) and tiny files never.
    assert get(base + "/vendor/uswds/css/uswds.min.css", {"Accept-Encoding": "gzip;q=0"})[1]["Content-Encoding"] is None
    assert get(base + "/page.html", {"Accept-Encoding": "gzip"})[1]["Content-Encoding"] == "gzip"
    (assets / "index.html").write_text("<!doctype html><title>i</title>" + "<p>Log in</p>" * 100)
    assert get(base + "/", {"Accept-Encoding": "gzip"})[1]["Content-Encoding"] == "gzip"
    font = get(base + "/vendor/font.woff2", {"Accept-Encoding": "gzip"})
    assert font[1]["Content-Encoding"] is None and font[2] == bytes(range(256)) * 20
    assert get(base + "/js/small.js", {"Accept-Encoding": "gzip"})[1]["Content-Encoding"] is None


def test_etag_answers_304_for_each_form_and_changes_with_the_file(site, assets: Path) -> None:
    base = site(None)
    url = base + "/vendor/uswds/css/uswds.min.css"
    _, plain, _ = get(url)
    _, packed, _ = get(url, {"Accept-Encoding": "gzip"})
    assert plain["ETag"].startswith('"') and packed["ETag"].startswith('"')
    assert plain["ETag"] != packed["ETag"]  # two representations, two tags

    status, headers, body = get(url, {"Accept-Encoding": "gzip", "If-None-Match": packed["ETag"]})
    assert (status, body) == (304, b"")
    assert headers["ETag"] == packed["ETag"]
    assert headers["Cache-Control"] == "public, max-age=31536000"
    assert get(url, {"If-None-Match": f'"other", W/{plain["ETag"]}'})[0] == 304
    assert get(url, {"If-None-Match": '"other"'})[0] == 200
    assert get(url, {"Accept-Encoding": "gzip", "If-None-Match": plain["ETag"]})[0] == 200  # not the form it gets

    (assets / "vendor" / "uswds" / "css" / "uswds.min.css").write_text(CSS + ".x{}")
    status, headers, body = get(url, {"If-None-Match": plain["ETag"]})
    assert status == 200 and headers["ETag"] != plain["ETag"] and body.decode().endswith(".x{}")
    # HEAD tells the same without the body.
    status, headers, body = get(url, {"Accept-Encoding": "gzip"}, method="HEAD")
    assert status == 200 and body == b"" and headers["Content-Encoding"] == "gzip" and headers["ETag"]


@pytest.mark.parametrize(
    ("path", "cache"),
    [
        ("/vendor/uswds/css/uswds.min.css", "public, max-age=31536000"),
        ("/vendor/font.woff2", "public, max-age=31536000"),
        ("/page.html", "no-cache"),
        ("/", "no-cache"),
        ("/js/small.js", "no-cache"),
        ("/config.js", "no-cache"),
    ],
)
def test_cache_control_long_for_vendor_and_revalidate_for_pages(site, assets: Path, path: str, cache: str) -> None:
    status, headers, _ = get(site("http://127.0.0.1:8000") + path, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == cache
    assert headers["ETag"]
    assert headers["Content-Security-Policy"]  # the security headers stay on every file


def test_config_js_answers_304(site) -> None:
    url = site("http://127.0.0.1:8123") + "/config.js"
    _, headers, _ = get(url)
    status, again, body = get(url, {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    assert again["Cache-Control"] == "no-cache"
