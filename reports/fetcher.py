"""The only URLs WeasyPrint may load: the app's own static files, the report's charts and `data:` URLs."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional
from urllib.parse import unquote, urlparse

from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_SCHEME = "static"
#: `chart:NAME`, a chart of the report, waited for while the pages are laid out.
CHART_SCHEME = "chart"
MIME_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2",
              ".ttf": "font/ttf"}


class RefusedURL(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serves `static:NAME` from the app's static folder, `chart:NAME` from `charts` (the SVG of the report's chart
    of that name, or None) and `data:` URLs; refuses file:, http:, https: and the rest, so that nothing a
    facilitator types can make the report read the server's files or the network."""

    def __init__(self, static_folder: str | Path, charts: Callable[[str], Optional[str]] = lambda _name: None):
        super().__init__(allowed_protocols={"data"})
        self.root = Path(static_folder).resolve()
        self.charts = charts

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parsed = urlparse(url)
        if parsed.scheme == CHART_SCHEME:
            svg = self.charts(parsed.path)
            if svg is None:
                raise RefusedURL(f"no chart {parsed.path!r}")
            return URLFetcherResponse(url, svg.encode("utf-8"), {"Content-Type": "image/svg+xml"})
        if parsed.scheme == STATIC_SCHEME:
            path = (self.root / unquote(parsed.path).lstrip("/")).resolve()
            if self.root in path.parents and path.is_file():
                return URLFetcherResponse(url, path.read_bytes(),
                                          {"Content-Type": MIME_TYPES.get(path.suffix, "application/octet-stream")})
            raise RefusedURL(f"no static file {parsed.path!r}")
        raise RefusedURL(f"the report may not load {url!r}: only the app's static files and data: URLs")
