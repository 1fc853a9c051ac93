"""Plotly figures to SVG through kaleido and Debian's Chromium.

Chromium is started once per process and kept in a background event loop; each report's charts are rendered
in one batch. When Chromium is missing or fails, `render` returns no SVG for the charts it could not draw, and
the report shows a visible note and the chart's table instead.
"""
from __future__ import annotations

import asyncio
import atexit
import logging
import os
import shutil
import threading
from concurrent.futures import Future
from typing import Optional

import plotly.graph_objects as go
from kaleido import Kaleido

log = logging.getLogger(__name__)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
RENDER_TIMEOUT = 120


class ReusingKaleido(Kaleido):
    """Kaleido 1.5 reloads its tab, and with it all of plotly.js, after every figure (about 0.25 s a chart; see
    plotly/Kaleido#400). A report draws a handful of small charts, so the tab is reloaded only every
    `RELOAD_EVERY` figures, which still bounds whatever plotly.js keeps between renders."""

    RELOAD_EVERY = 50

    async def _return_kaleido_tab(self, tab) -> None:
        self._since_reload = getattr(self, "_since_reload", 0) + 1
        if self._since_reload >= self.RELOAD_EVERY:
            self._since_reload = 0
            await tab.reload()
        await self.tabs_ready.put(tab)


class Engine:
    """One Chromium for the process, driven from its own thread and event loop."""

    def __init__(self, browser: str):
        self.browser = browser
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="kaleido", daemon=True).start()
        self.ready: Future = asyncio.run_coroutine_threadsafe(self._open(), self.loop)

    async def _open(self) -> Kaleido:
        kaleido = ReusingKaleido(n=1, path=self.browser, mathjax=False, timeout=60)
        await kaleido.open()
        return kaleido

    async def _render(self, figures: dict[str, go.Figure]) -> dict[str, str]:
        kaleido = await asyncio.wrap_future(self.ready)
        svgs = {}
        for name, fig in figures.items():
            opts = {"format": "svg", "width": fig.layout.width, "height": fig.layout.height}
            svgs[name] = (await kaleido.calc_fig(fig, opts=opts)).decode("utf-8")
        return svgs

    def render(self, figures: dict[str, go.Figure]) -> dict[str, str]:
        return asyncio.run_coroutine_threadsafe(self._render(figures), self.loop).result(RENDER_TIMEOUT)

    def close(self) -> None:
        async def shut():
            if self.ready.done() and not self.ready.exception():
                await self.ready.result().close()
        try:
            asyncio.run_coroutine_threadsafe(shut(), self.loop).result(30)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)


_lock = threading.Lock()
_engine: Optional[Engine] = None


def find_browser(configured: Optional[str] = None) -> Optional[str]:
    """The browser to use: the configured path when given (and it must exist), else the first on PATH."""
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return next((path for path in map(shutil.which, BROWSER_NAMES) if path), None)


def _engine_for(browser: str) -> Engine:
    global _engine
    with _lock:
        if _engine is None or _engine.browser != browser:
            if _engine is not None:
                _engine.close()
            _engine = Engine(browser)
        return _engine


def warm_up(browser: Optional[str]) -> None:
    """Start Chromium in the background, so that it boots while the round is scored."""
    if browser is not None:
        _engine_for(browser)


def render(figures: dict[str, go.Figure], browser: Optional[str]) -> tuple[dict[str, str], Optional[str]]:
    """SVG text per figure name, and a reason when the charts could not be drawn."""
    global _engine
    if browser is None:
        return {}, "Chromium is not installed on this server, so charts are shown as tables only."
    engine = _engine_for(browser)
    try:
        return engine.render(figures), None
    except Exception as exc:  # noqa: BLE001 - any failure of the browser leaves the report readable
        log.warning("charts could not be rendered: %s", exc)
        with _lock:  # start afresh next time
            if _engine is engine:
                _engine = None
        engine.close()
        return {}, f"The charts could not be drawn ({type(exc).__name__}); they are shown as tables only."


@atexit.register
def _shutdown() -> None:
    if _engine is not None:
        _engine.close()
