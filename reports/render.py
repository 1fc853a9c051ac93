"""Plotly figures to SVG through kaleido and Debian's Chromium.

Chromium is started once per process (kaleido's sync server) and each report's charts are rendered in one
batch. When Chromium is missing or fails, `render` returns no SVG for the charts it could not draw, and the
report shows a visible note and the chart's table instead.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Optional

import plotly.graph_objects as go

log = logging.getLogger(__name__)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
_lock = threading.Lock()
_server_browser: Optional[str] = None


def find_browser(configured: Optional[str] = None) -> Optional[str]:
    """The browser to use: the configured path when given (and it must exist), else the first on PATH."""
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return next((path for path in map(shutil.which, BROWSER_NAMES) if path), None)


def warm_up(browser: Optional[str]) -> None:
    """Start Chromium in the background (kaleido's server thread), so that it boots while the round is scored."""
    if browser is None:
        return
    with _lock:
        try:
            _ensure_server(browser)
        except Exception as exc:  # noqa: BLE001 - render() reports the failure where it matters
            log.warning("Chromium could not be started: %s", exc)


def _ensure_server(browser: str) -> None:
    import kaleido

    global _server_browser
    if _server_browser == browser:
        return
    if _server_browser is not None:
        kaleido.stop_sync_server(silence_warnings=True)
    kaleido.start_sync_server(n=1, path=browser, mathjax=False, timeout=60, silence_warnings=True)
    _server_browser = browser


def render(figures: dict[str, go.Figure], browser: Optional[str]) -> tuple[dict[str, str], Optional[str]]:
    """SVG text per figure name, and a reason when some or all could not be drawn."""
    if browser is None:
        return {}, "Chromium is not installed on this server, so charts are shown as tables only."
    import kaleido

    with _lock, tempfile.TemporaryDirectory(prefix="continuum-charts-") as folder:
        specs = [{"fig": fig, "path": Path(folder) / f"{name}.svg",
                  "opts": {"format": "svg", "width": fig.layout.width, "height": fig.layout.height}}
                 for name, fig in figures.items()]
        try:
            _ensure_server(browser)
            kaleido.write_fig_from_object_sync(specs, cancel_on_error=True)
        except Exception as exc:  # noqa: BLE001 - any failure of the browser leaves the report readable
            log.warning("charts could not be rendered: %s", exc)
            return {}, f"The charts could not be drawn ({type(exc).__name__}); they are shown as tables only."
        svgs = {}
        for spec, name in zip(specs, figures):
            if spec["path"].exists():
                svgs[name] = spec["path"].read_text(encoding="utf-8")
        missing = set(figures) - set(svgs)
        return svgs, (f"Some charts could not be drawn: {', '.join(sorted(missing))}." if missing else None)
