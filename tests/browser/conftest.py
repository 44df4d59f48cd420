"""Fixtures for the real-browser tests: the app served on loopback, Debian's Chromium driven by Playwright,
and the wait protocol of Streamlit's own e2e suite (DESIGN.md section 3).

Only 127.0.0.1 is ever contacted: the server binds to it and Chromium is started with its background
networking switched off.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from .server import CHROMIUM, CHROMIUM_ARGS, NGINX, start_server, stop_server

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
INSTALL_HINT = "install Debian's chromium: apt-get install -y chromium"
NGINX_HINT = "install Debian's nginx: apt-get install -y nginx"
VIEWPORT = {"width": 1400, "height": 900}
SIZES = {"projector": (1920, 1080), "laptop": (1280, 720), "phone": (390, 844)}
PLAYER_CHART = ".lr-chart.js-plotly-plot"  # the player's chart, once Plotly has drawn it
TEST_LIMIT_S = 120  # a hard limit per test, on top of Playwright's own timeouts
TIMEOUT_MS = 30_000  # Playwright's default for every action and wait


# ---------------------------------------------------------------- marking and limits
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (`-m "not browser"` skips them all)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _time_limit(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that runs past TEST_LIMIT_S even if something hangs outside Playwright's timeouts."""
    if HERE not in Path(str(request.node.path)).resolve().parents or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        pytest.fail(f"browser test ran longer than {limit} s", pytrace=False)

    limit = getattr(request.module, "TEST_LIMIT_S", TEST_LIMIT_S)  # a module may set its own
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------- prerequisites
def require_chromium() -> None:
    """Skip without Debian's chromium, except on CI (CI=true), where a missing browser is a failure."""
    problem = None
    if not os.access(CHROMIUM, os.X_OK):
        problem = f"{CHROMIUM} is missing; {INSTALL_HINT}"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is missing: pip install -r requirements-dev.txt"
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run on CI: {problem}", pytrace=False)
    pytest.skip(INSTALL_HINT if "chromium" in problem else problem)


def require_nginx() -> None:
    """Skip without Debian's nginx (the proxy test), except on CI (CI=true), where it is a failure."""
    if os.access(NGINX, os.X_OK):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"the proxy test cannot run on CI: {NGINX} is missing; {NGINX_HINT}", pytrace=False)
    pytest.skip(NGINX_HINT)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the app, served for the whole session."""
    require_chromium()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    proc, base_url = start_server(log_path)
    try:
        yield base_url
    finally:
        stop_server(proc)


# ---------------------------------------------------------------- the browser
@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's Chromium, one for the session. Named apart from pytest-playwright's `browser` fixture;
    Playwright's own browser download is not used."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


class App:
    """A page of the app with the wait protocol and the checks every test needs."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url

    def open(self, query: str = "", page=None) -> object:
        page = page or self.page
        page.goto(f"{self.base_url}/{query}", wait_until="domcontentloaded")
        self.wait(page)
        return page

    def wait(self, page=None, timeout: int = TIMEOUT_MS) -> None:
        """Streamlit's e2e protocol: a short sleep (a rerun may not have started yet), then connected,
        then the script not running, then no skeleton left."""
        page = page or self.page
        page.wait_for_timeout(200)
        page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
        page.wait_for_selector("[data-testid='stSkeleton']", state="detached", timeout=timeout)

    def exceptions(self, page=None) -> list[str]:
        return (page or self.page).locator("[data-testid='stException']").all_inner_texts()

    def assert_ok(self, page=None, charts: int | None = None) -> None:
        """No exception on the page and (optionally) exactly `charts` players with their chart drawn."""
        page = page or self.page
        assert self.exceptions(page) == [], f"the app raised: {self.exceptions(page)}"
        if charts is not None:
            chart = page.locator(PLAYER_CHART)
            if charts:
                chart.first.wait_for(state="visible", timeout=TIMEOUT_MS)
            assert page.locator(".lr-player").count() == charts


@pytest.fixture
def browser_page(chromium, app_url: str) -> Iterator[object]:
    """A fresh browser context (no shared session state) with a 1400×900 viewport."""
    context = chromium.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    pg.page_errors = []
    pg.on("pageerror", lambda err: pg.page_errors.append(str(err)))
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def app(browser_page, app_url: str) -> App:
    return App(browser_page, app_url)
