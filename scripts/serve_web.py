"""Serve the static contractor site (web/) on loopback with strict security headers.

A small standard-library server for local use and the browser tests; in production the
site sits behind a CDN that sends the same headers.

    python scripts/serve_web.py --host 127.0.0.1 --port 8080 --root web \
        --api-origin http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import functools
import io
import logging
import mimetypes
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


def build_csp(api_origin: str | None) -> str:
    """The Content-Security-Policy: only our own files, and fetch() to the API's origin."""
    connect = "'self'" + (f" {api_origin}" if api_origin else "")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


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
    """Static files with fixed content types and security headers; no directory listings."""

    csp: str = build_csp(None)
    server_version = "portal-web"
    sys_version = ""

    api_origin: str | None = None

    def current_csp(self) -> str:
        """Use --api-origin; without it, the origin named in the site's config.js."""
        if self.api_origin:
            return self.csp
        return build_csp(api_origin_from_config(Path(self.directory) / "config.js"))

    def send_head(self):  # type: ignore[override]
        """Answer /config.js from --api-origin when given, so two portals in one tree never mix."""
        if self.api_origin and urlsplit(self.path).path == "/config.js":
            body = f'export const API_BASE_URL = "{self.api_origin}";\n'.encode()
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPES[".js"])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        if any(part.startswith(".") for part in urlsplit(self.path).path.split("/")):
            self.send_error(404, "Not Found")
            return None
        return super().send_head()

    def guess_type(self, path: str) -> str:  # type: ignore[override]
        suffix = Path(str(path)).suffix.lower()
        return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(str(path))[0] or ("application/octet-stream")

    def list_directory(self, path):  # type: ignore[override]
        self.send_error(404, "Not Found")
        return None

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.current_csp())
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # config.js changes with every `make run`; pages change while developing.
        path = urlsplit(self.path).path
        if path.endswith((".html", "/", "config.js")) or path.startswith("/js/"):
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt: str, *args) -> None:  # type: ignore[override]
        log.info("%s %s", self.address_string(), fmt % args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--root", default="web", help="folder to serve")
    parser.add_argument(
        "--api-origin",
        type=origin_of,
        default=None,
        help="origin the pages may fetch() from, e.g. http://127.0.0.1:8000",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s web %(message)s")

    root = Path(args.root).resolve()
    if not (root / "index.html").is_file():
        parser.error(f"{root} has no index.html")
    handler = type(
        "Handler",
        (SiteHandler,),
        {"csp": build_csp(args.api_origin), "api_origin": args.api_origin},
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
