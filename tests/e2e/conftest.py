"""End-to-end tests in Debian's Chromium, driven by Playwright, with axe-core for accessibility.

They are marked `browser`: `pytest -m "not browser"` skips them. Chromium must be there (`make test` installs it);
a missing browser fails these tests rather than skipping them, so CI cannot pass without running them."""
import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.support.web import CHROMIUM_ARGS, PHONE, live_server  # noqa: F401 - shared with the tests

#: WCAG 2.1 A and AA rules only, and only what fails.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}


def chromium_path() -> str:
    path = os.environ.get("CONTINUUM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium (as root), "
                    "or skip these tests with -m 'not browser'")
    return path


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def site(app):
    """The app served over real HTTP on loopback."""
    with live_server(app) as base:
        app.config["PUBLIC_URL"] = base
        yield base


class Watch:
    """What a page reported: console errors, uncaught exceptions, failed requests."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"uncaught: {e}"))
        page.on("requestfailed", self._failed)

    def _failed(self, request):
        if request.failure != "net::ERR_ABORTED":  # aborted by the test's own next navigation, not a failure
            self.problems.append(f"failed request: {request.url} {request.failure}")


def new_page(browser, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    page.watch = Watch(page)
    return context, page


_axe = Axe()


def assert_accessible(page, where: str = "") -> None:
    """No serious or critical axe violation of WCAG 2.1 A/AA on the page as it is now."""
    results = _axe.run(page, options=AXE_OPTIONS)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{where or page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in serious)


def assert_fits(page, where: str = "") -> None:
    """No horizontal scrolling at the page's viewport width."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where or page.url}: {widths[0]} px wide in a {widths[1]} px viewport"
