"""HTTP for tests and benchmarks: a CSRF token read off a page, an app served on loopback, a free port, a browser
without JavaScript (its own cookies, no redirects followed), and the Chromium settings of the browser tests."""
from __future__ import annotations

import contextlib
import http.cookiejar
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request

from flask import g, has_app_context
from werkzeug.serving import make_server

from assessment.db import db

PHONE = {"width": 375, "height": 667}
#: Flags for a closed network: no background connections, no sandbox as root, no GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def fresh_context_per_request(app):
    """The fixtures keep one app context pushed for the whole test, and Flask reuses it for every request, so
    `g` (where Flask-Login keeps the signed-in user and Flask-WTF the CSRF token) would outlive a request and
    leak from one client to the next. In production each request has its own context; empty `g` after each
    request to behave the same."""
    @app.teardown_request
    def forget_request_globals(_exc):
        for name in list(vars(g)):
            delattr(g, name)


def csrf_from(html: bytes | str) -> str:
    text = html.decode() if isinstance(html, bytes) else html
    for tag in re.findall(r"<input[^>]*>", text):
        if 'name="csrf_token"' in tag:
            return re.search(r'value="([^"]+)"', tag).group(1)
    raise AssertionError("the page holds no CSRF token")


@contextlib.contextmanager
def live_server(app):
    """Serve `app` over real HTTP on a free loopback port, one thread per request; yields the base URL. What the
    test set up is committed first (when there is an app context to commit in): the server's threads read the
    database through sessions of their own."""
    if has_app_context():
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One respondent's browser: its own cookies, no redirects followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self._NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
