"""Plotly figures to SVG through kaleido and Debian's Chromium.

Chromium is started once per process, with lean flags (one process, no zygote: half the memory of its usual ten),
and kept in a background event loop; each report's charts are drawn in one batch while the report's HTML is laid
out. A chart already drawn (the same figure, by the hash of its JSON) is served from a small cache. When Chromium
is missing or fails, no SVG comes back for the charts it could not draw, and the report shows a visible note and
the chart's table instead.
"""
from __future__ import annotations

import asyncio
import atexit
import hashlib
import logging
import os
import shlex
import shutil
import tempfile
import threading
from collections import OrderedDict
from concurrent.futures import Future
from pathlib import Path
from typing import Optional

import plotly.graph_objects as go
from kaleido import Kaleido

log = logging.getLogger(__name__)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
RENDER_TIMEOUT = 120
#: Added to kaleido's own flags: Chromium in one process instead of a browser, a zygote, a GPU and renderers.
LEAN_FLAGS = ("--single-process", "--no-zygote")
#: Charts kept, by the hash of their figure: a report rendered again (another page size, a download of the same
#: round after a restart of nothing but the store) draws nothing anew.
CACHE_SIZE = 64


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


def lean_launcher(browser: str) -> str:
    """A launcher that starts `browser` with `LEAN_FLAGS` before the flags kaleido passes (kaleido takes a path to
    a browser, not extra flags)."""
    folder = Path(tempfile.mkdtemp(prefix="continuum-chromium-"))
    launcher = folder / "chromium"
    launcher.write_text(f"#!/bin/sh\nexec {shlex.quote(browser)} {' '.join(LEAN_FLAGS)} \"$@\"\n")
    launcher.chmod(0o700)
    atexit.register(shutil.rmtree, folder, True)
    return str(launcher)


class Engine:
    """One Chromium for the process, driven from its own thread and event loop."""

    def __init__(self, browser: str):
        self.browser = browser
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="kaleido", daemon=True).start()
        self.ready: Future = asyncio.run_coroutine_threadsafe(self._open(), self.loop)

    async def _open(self) -> Kaleido:
        kaleido = ReusingKaleido(n=1, path=lean_launcher(self.browser), mathjax=False, timeout=60)
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
        return self.submit(figures).result(RENDER_TIMEOUT)

    def submit(self, figures: dict[str, go.Figure]) -> Future:
        return asyncio.run_coroutine_threadsafe(self._render(figures), self.loop)

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


_cache: OrderedDict[str, str] = OrderedDict()


def figure_key(fig: go.Figure) -> str:
    return hashlib.sha256(fig.to_json().encode()).hexdigest()


class Drawing:
    """Charts being drawn: `svg(name)` waits for one (None when it could not be drawn), `note` says why not."""

    def __init__(self, figures: dict[str, go.Figure], browser: Optional[str]):
        self.keys = {name: figure_key(fig) for name, fig in figures.items()}
        with _lock:
            self.svgs = {name: _cache[key] for name, key in self.keys.items() if key in _cache}
        self.note: Optional[str] = None
        self.future: Optional[Future] = None
        self.engine: Optional[Engine] = None
        missing = {name: fig for name, fig in figures.items() if name not in self.svgs}
        if browser is None:
            self.note = "Chromium is not installed on this server, so charts are shown as tables only."
        elif missing:
            self.engine = _engine_for(browser)
            self.future = self.engine.submit(missing)

    def wait(self) -> dict[str, str]:
        """Every chart drawn, by name (fewer when some could not be drawn; `note` then says why)."""
        global _engine
        if self.future is not None:
            future, self.future = self.future, None
            try:
                drawn = future.result(RENDER_TIMEOUT)
            except Exception as exc:  # noqa: BLE001 - any failure of the browser leaves the report readable
                log.warning("charts could not be rendered: %s", exc)
                self.note = f"The charts could not be drawn ({type(exc).__name__}); they are shown as tables only."
                with _lock:  # start afresh next time
                    if _engine is self.engine:
                        _engine = None
                self.engine.close()
            else:
                self.svgs.update(drawn)
                with _lock:
                    for name, svg in drawn.items():
                        _cache[self.keys[name]] = svg
                        _cache.move_to_end(self.keys[name])
                    while len(_cache) > CACHE_SIZE:
                        _cache.popitem(last=False)
        return self.svgs

    def svg(self, name: str) -> Optional[str]:
        return self.wait().get(name)


@atexit.register
def _shutdown() -> None:
    if _engine is not None:
        _engine.close()
