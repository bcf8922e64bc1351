"""Serve the static contractor site (web/) on loopback with strict security headers, and the API
under /api on the same origin.

A small standard-library server for local use and the browser tests. Deployed, CloudFront does the
same: the site from S3 with these headers (infra/template.json's response-headers policy), and
/api/* forwarded to API Gateway. The pages therefore call the API on their own origin (config.js:
API_BASE_URL = "/api"), CORS is never needed, and nothing about the county's domain is baked in.

Static files are sent as CloudFront sends them (infra/template.json: Compress: true, the managed
CachingOptimized policy): gzip for text types when the browser accepts it (Vary: Accept-Encoding),
an ETag answered with 304 Not Modified on If-None-Match, and Cache-Control — long-lived for
vendor/ (USWDS, axe-core: they change only with `make web-assets`), no-cache (revalidate, cheap
with the ETag) for pages, config.js and the site's own JS and CSS.

    python scripts/serve_web.py --host 127.0.0.1 --port 8080 --root web \
        --api-upstream http://127.0.0.1:8000

With MAP_BASEMAP=xyz or pmtiles in the environment, MAP_TILE_URL's origin is added to the policy's
img-src and connect-src (the map's tiles); with the default `none` the policy stays same-origin.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import http.client
import io
import logging
import mimetypes
import os
import re
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger("serve_web")

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".txt": "text/plain; charset=utf-8",
}


# Compressed when the client accepts gzip, as CloudFront compresses them (it skips files under 1,000 bytes).
COMPRESSIBLE = ("text/", "application/json", "image/svg+xml")
MIN_COMPRESS_BYTES = 1000
VENDOR_CACHE = "public, max-age=31536000"  # a year, CloudFront's longest; rebuilt only by make web-assets
IMAGE_CACHE = "public, max-age=86400"
REVALIDATE = "no-cache"  # may be stored, but asked about (If-None-Match) before each use

API_PREFIX = "/api"
# Not forwarded either way: they describe one hop, not the request.
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
               "transfer-encoding", "upgrade", "host", "content-length"}


# The map's base map (GET /map/config): `none` draws the county's own streets and parcels from the API
# and needs nothing more; `xyz` (the county's tile server) and `pmtiles` (one self-hosted file) load from
# MAP_TILE_URL's origin, which the policy then allows for images (tiles) and fetch() (a PMTiles range read).
TILE_BASEMAPS = ("xyz", "pmtiles")


def tile_origin_from_env(environ: dict[str, str] | None = None) -> str | None:
    """MAP_TILE_URL's origin when MAP_BASEMAP is xyz or pmtiles (the settings the API reads), else None.
    A URL template's placeholders ({z}/{x}/{y}) are in its path, so the origin is literal; an unusable
    URL is refused loudly rather than silently leaving the map without its tiles."""
    env = os.environ if environ is None else environ
    if env.get("MAP_BASEMAP", "none").strip().lower() not in TILE_BASEMAPS:
        return None
    url = env.get("MAP_TILE_URL", "").strip()
    if not url:
        return None
    origin = origin_of(url)
    if "{" in origin or "}" in origin:
        raise argparse.ArgumentTypeError(f"MAP_TILE_URL's host must be literal (no {{s}} placeholder): {url!r}")
    return origin


def build_csp(api_origin: str | None = None, tile_origin: str | None = None) -> str:
    """The Content-Security-Policy: only our own files, and fetch() to our own origin (the API is
    served under /api on it). `api_origin` adds another origin, for a site pointed at a remote API;
    `tile_origin` the map's tile server (images and fetch), for a basemap other than `none`."""
    connect = "'self'" + (f" {api_origin}" if api_origin else "") + (f" {tile_origin}" if tile_origin else "")
    img = "'self' data:" + (f" {tile_origin}" if tile_origin else "")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {img}",
            "font-src 'self'",
            f"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def cache_control(path: str) -> str:
    """Cache-Control for a site path: vendor assets long-lived, pages/config/own JS and CSS revalidated."""
    if path.startswith("/vendor/"):
        return VENDOR_CACHE
    if path.startswith("/img/"):
        return IMAGE_CACHE
    return REVALIDATE


def accepts_gzip(accept_encoding: str | None) -> bool:
    """True if Accept-Encoding allows gzip (or *) with a q-value above zero."""
    allowed: dict[str, float] = {}
    for part in (accept_encoding or "").split(","):
        name, _, params = part.strip().partition(";")
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        allowed[name.strip().lower()] = q
    if "gzip" in allowed:
        return allowed["gzip"] > 0
    return allowed.get("*", 0) > 0


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match's weak comparison: any listed tag (W/ ignored) equal to ours, or *."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags


@functools.lru_cache(maxsize=256)
def _representations(path: str, mtime_ns: int, size: int, compressible: bool) -> tuple[bytes, str, bytes | None]:
    """A file's bytes, its ETag and its gzip form (None when not worth it), cached until it changes."""
    body = Path(path).read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:32]
    packed = None
    if compressible and len(body) >= MIN_COMPRESS_BYTES:
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        if len(packed) >= len(body):
            packed = None
    return body, digest, packed


def origin_of(url: str) -> str:
    """Reduce a URL to scheme://host[:port]; refuse anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(f"not an http(s) origin: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


_CONFIG_URL = re.compile(r"API_BASE_URL\s*=\s*[\"']([^\"']+)[\"']")


def api_origin_from_config(config: Path) -> str | None:
    """The origin of API_BASE_URL in web/config.js (written by `make run`), if readable."""
    try:
        match = _CONFIG_URL.search(config.read_text(encoding="utf-8"))
        return origin_of(match.group(1)) if match else None
    except (OSError, argparse.ArgumentTypeError):
        return None


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files with fixed content types and security headers; no directory listings; /api/*
    passed to the API (`api_upstream`) as CloudFront does when deployed."""

    csp: str = build_csp()
    tile_origin: str | None = None
    server_version = "portal-web"
    sys_version = ""

    api_upstream: str | None = None
    _proxied = False

    def current_csp(self) -> str:
        """Same-origin API: 'self'; a site without an upstream follows the origin its config.js names."""
        if self.api_upstream:
            return self.csp
        return build_csp(api_origin_from_config(Path(self.directory) / "config.js"), self.tile_origin)

    def _is_api(self) -> bool:
        path = urlsplit(self.path).path
        return bool(self.api_upstream) and (path == API_PREFIX or path.startswith(API_PREFIX + "/"))

    def send_head(self):  # type: ignore[override]
        """Answer /config.js with the same-origin API base, so two portals in one tree never mix;
        send files compressed and cacheable as CloudFront does."""
        path = urlsplit(self.path).path
        if self.api_upstream and path == "/config.js":
            body = f'export const API_BASE_URL = "{API_PREFIX}";\n'.encode()
            digest = hashlib.sha256(body).hexdigest()[:32]
            return self._send_representation(body, digest, None, CONTENT_TYPES[".js"], REVALIDATE)
        if any(part.startswith(".") for part in path.split("/")):
            self.send_error(404, "Not Found")
            return None
        local = self.translate_path(self.path)
        if os.path.isdir(local) and path.endswith("/"):
            local = os.path.join(local, "index.html")
        if not os.path.isfile(local):
            return super().send_head()  # a folder's redirect to its slash form, or 404
        content_type = self.guess_type(local)
        try:
            stat = os.stat(local)
            body, digest, packed = _representations(
                local, stat.st_mtime_ns, stat.st_size, content_type.startswith(COMPRESSIBLE))
        except OSError:
            self.send_error(404, "File not found")
            return None
        return self._send_representation(body, digest, packed, content_type, cache_control(path),
                                         last_modified=stat.st_mtime)

    def _send_representation(self, body: bytes, digest: str, packed: bytes | None, content_type: str,
                             cache: str, last_modified: float | None = None) -> io.BytesIO | None:
        """200 with the gzip form if the client accepts it (else the bytes as they are), or 304
        when If-None-Match names the ETag of the form it would get."""
        use_gzip = packed is not None and accepts_gzip(self.headers.get("Accept-Encoding"))
        etag = f'"{digest}-gzip"' if use_gzip else f'"{digest}"'
        payload = packed if use_gzip and packed is not None else body
        not_modified = etag_matches(self.headers.get("If-None-Match"), etag)
        self.send_response(304 if not_modified else 200)
        self.send_header("Content-Type", content_type)
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", cache)
        if packed is not None:
            self.send_header("Vary", "Accept-Encoding")
        if last_modified is not None:
            self.send_header("Last-Modified", self.date_time_string(int(last_modified)))
        if not_modified:
            self.end_headers()
            return None
        if use_gzip:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        return io.BytesIO(payload)

    def _proxy(self) -> None:
        """Forward this request to the API with /api taken off, and its answer back unchanged."""
        upstream = urlsplit(str(self.api_upstream))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        headers["X-Forwarded-For"] = self.client_address[0]
        path = self.path[len(API_PREFIX):] or "/"
        connection = http.client.HTTPConnection(upstream.hostname or "127.0.0.1", upstream.port, timeout=60)
        try:
            connection.request(self.command, path, body=body, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
        except OSError as exc:
            self._proxied = True
            self.send_error(502, "The API did not answer", str(exc))
            return
        finally:
            connection.close()
        self._proxied = True
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in _HOP_BY_HOP and name.lower() not in ("server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def do_GET(self) -> None:
        self._proxy() if self._is_api() else super().do_GET()

    def do_HEAD(self) -> None:
        self._proxy() if self._is_api() else super().do_HEAD()

    def _api_only(self) -> None:
        if self._is_api():
            self._proxy()
        else:
            self.send_error(405, "Method Not Allowed")

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _api_only

    def guess_type(self, path: str) -> str:  # type: ignore[override]
        suffix = Path(str(path)).suffix.lower()
        return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(str(path))[0] or ("application/octet-stream")

    def list_directory(self, path):  # type: ignore[override]
        self.send_error(404, "Not Found")
        return None

    def end_headers(self) -> None:
        if self._proxied:  # the API's answer keeps its own headers
            super().end_headers()
            return
        self.send_header("Content-Security-Policy", self.current_csp())
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        # The map's "Use my location" asks this origin's pages for the browser's position; nothing else may.
        self.send_header("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        super().end_headers()

    def log_message(self, fmt: str, *args) -> None:  # type: ignore[override]
        log.info("%s %s", self.address_string(), fmt % args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--root", default="web", help="folder to serve")
    parser.add_argument(
        "--api-upstream",
        type=origin_of,
        default=None,
        help="the API to serve under /api on this origin, e.g. http://127.0.0.1:8000",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s web %(message)s")

    root = Path(args.root).resolve()
    if not (root / "index.html").is_file():
        parser.error(f"{root} has no index.html")
    try:
        tile_origin = tile_origin_from_env()
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    handler = type(
        "Handler",
        (SiteHandler,),
        {"csp": build_csp(None, tile_origin), "api_upstream": args.api_upstream, "tile_origin": tile_origin},
    )
    server = ThreadingHTTPServer((args.host, args.port), functools.partial(handler, directory=str(root)))
    server.daemon_threads = True
    log.info("serving %s on http://%s:%d", root, args.host, args.port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
