"""Fixtures for the browser tests: Debian's Chromium for pytest-playwright, and the app on a free port.

Without /usr/bin/chromium these tests are skipped with a clear message; with REQUIRE_BROWSER=1 (set by
.ci/run) the run stops at collection with a usage error (exit code 4), so a missing browser never passes as green.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext

from .helpers import (
    ACTION_TIMEOUT_MS,
    CHROMIUM,
    LAUNCH_ARGS,
    PAGE_BY_NAME,
    RENDER_TIMEOUT_MS,
    ROOT,
    VIEWPORT,
    StreamlitServer,
    wait_rendered,
)

HERE = Path(__file__).resolve().parent
MISSING = "Chromium not found at /usr/bin/chromium: browser tests skipped; install chromium or run .ci/run"
REQUIRED = (
    "Chromium not found at /usr/bin/chromium, and REQUIRE_BROWSER=1 makes browser tests mandatory; "
    "install chromium (apt-get install -y chromium chromium-driver) or run .ci/run"
)


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser as `browser`; without Chromium skip them, or stop the run when
    REQUIRE_BROWSER=1 (a per-test failure would let the strict-xfail tests count as expected failures)."""
    ours = [item for item in items if HERE in Path(item.path).resolve().parents]
    for item in ours:
        item.add_marker(pytest.mark.browser)
    if not ours or chromium_available():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(REQUIRED)
    for item in ours:
        item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's defaults plus Debian's Chromium (Playwright's own download does not work here)."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": LAUNCH_ARGS}


@pytest.fixture(scope="session")
def app_server(browser: Browser) -> Iterator[StreamlitServer]:
    """The dashboard under `streamlit run` on a free loopback port; "/" is loaded once before any test."""
    server = StreamlitServer("app.py", ROOT).start()
    try:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
        page = context.new_page()
        page.goto(server.url + "/")
        wait_rendered(page, len(PAGE_BY_NAME["overview"].charts))
        context.close()
        yield server
    finally:
        server.stop()


@pytest.fixture
def app_url(app_server: StreamlitServer) -> str:
    """The running app's base URL; fails with the server log when the server has gone away."""
    if not app_server.alive():
        pytest.fail(
            f"the Streamlit server stopped (exit code {app_server.proc and app_server.proc.returncode}); "
            f"log {app_server.log_path}:\n{app_server.log_tail()}",
            pytrace=False,
        )
    return app_server.url


@pytest.fixture(scope="session")
def base_url(app_server: StreamlitServer) -> str:
    """pytest-playwright resolves relative ``page.goto`` paths against this: the running app."""
    return app_server.url


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    """pytest-playwright's per-test context with generous default waits (Playwright's own are 30 s, too short
    for a download or a click on a busy 2-core machine)."""
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    return context


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """Every context: 1400×900 and downloads accepted (base_url comes from the fixture above)."""
    return {**browser_context_args, "viewport": VIEWPORT, "accept_downloads": True}
