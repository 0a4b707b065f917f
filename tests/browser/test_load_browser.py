"""Load: 20 browser sessions, a few at a time, against one fresh server, each visiting every page and changing a
filter; then 200 more page loads one after another, with the server's memory flat.

Asserts: no Streamlit exception and no console error on any page (the known health-probe 404s aside, see
``helpers.is_known_harmless``), and the server's resident memory (``VmRSS`` of the ``streamlit run`` process)
after the 200 sequential loads at most :data:`RSS_GROWTH` above what it was after the 20 sessions. The
figures go to ``artifacts/load-test.txt``.

Sized for a 2-core machine: one Chromium, :data:`BATCH` contexts at a time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from .helpers import (
    ACTION_TIMEOUT_MS,
    PAGES,
    RENDER_TIMEOUT_MS,
    ROOT,
    VIEWPORT,
    ConsoleLog,
    StreamlitServer,
    choose_option,
    page_state,
    wait_rendered,
)

pytestmark = [pytest.mark.browser, pytest.mark.load]

SESSIONS = 20
BATCH = 4
SEQUENTIAL = 200
RSS_GROWTH = 0.10
BATCH_TIMEOUT_MS = 180_000  # a batch loads at once: each page may take the whole batch's time
REPORT = ROOT / "artifacts" / "load-test.txt"

# A sequential load counts once the server has finished the page: the script run is over (the script-finished
# message follows every element of the run) and the page holds its charts. Plotly drawing them is the
# browser's work, not the server's, and is checked in the batches above.
SERVED_JS = """(n) => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && document.querySelectorAll('[data-testid="stPlotlyChart"]').length >= n;
}"""


def rss_kib(pid: int) -> int:
    """Resident set size of process ``pid`` in KiB (``VmRSS`` in /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for process {pid}")


@pytest.fixture(scope="module")
def load_server() -> Iterator[StreamlitServer]:
    """A server of its own, so its memory reflects this test only."""
    server = StreamlitServer("app.py", ROOT).start()
    try:
        yield server
    finally:
        server.stop()


def _new_tab(browser: Browser, base_url: str) -> tuple[BrowserContext, Page, ConsoleLog]:
    context = browser.new_context(viewport=VIEWPORT, base_url=base_url)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    tab = context.new_page()
    return context, tab, ConsoleLog(base_url).attach(tab)


def _check(tab: Page, where: str, problems: list[str]) -> None:
    exceptions = page_state(tab)["exceptions"]
    if exceptions:
        problems.append(f"{where}: exception {exceptions}")


def _change_filter(tab: Page, charts: int, where: str, problems: list[str]) -> None:
    """Pick Format = webinar in the sidebar and wait for the page to show it, rendered again."""
    try:
        choose_option(tab, "f_formats", "webinar")
        tab.get_by_text("Filters: Format: webinar").first.wait_for(timeout=BATCH_TIMEOUT_MS)
        wait_rendered(tab, charts, timeout=BATCH_TIMEOUT_MS)
    except (AssertionError, PlaywrightError) as exc:
        problems.append(f"{where} after the filter change: {exc}")
        return
    _check(tab, f"{where} after the filter change", problems)


def _sessions_in_batches(browser: Browser, base_url: str, problems: list[str]) -> None:
    """:data:`SESSIONS` sessions, :data:`BATCH` at a time, each loading every page (all sessions of a batch at
    once) and changing the Format filter on one of the pages that follow it (a different one per session)."""
    filtered = [spec.name for spec in PAGES if spec.filtered]
    for first in range(0, SESSIONS, BATCH):
        opened = [_new_tab(browser, base_url) for _ in range(min(BATCH, SESSIONS - first))]
        try:
            for spec in PAGES:
                for _context, tab, _log in opened:
                    tab.goto(spec.path, wait_until="commit")
                for i, (_context, tab, _log) in enumerate(opened, start=first):
                    where = f"session {i}: {spec.path}"
                    try:
                        wait_rendered(tab, len(spec.charts), timeout=BATCH_TIMEOUT_MS)
                    except AssertionError as exc:
                        problems.append(f"{where}: {exc}")
                        continue
                    _check(tab, where, problems)
                    if spec.name == filtered[i % len(filtered)]:
                        _change_filter(tab, len(spec.charts), where, problems)
            for i, (_context, _tab, log) in enumerate(opened, start=first):
                problems += [f"session {i}: console: {e}" for e in log.unexpected()]
        finally:
            for context, _tab, _log in opened:
                context.close()


def _sequential_loads(browser: Browser, base_url: str, problems: list[str]) -> None:
    """:data:`SEQUENTIAL` page loads in one tab, cycling through the pages (each load is a new session)."""
    context, tab, log = _new_tab(browser, base_url)
    try:
        for n in range(SEQUENTIAL):
            spec = PAGES[n % len(PAGES)]
            tab.goto(spec.path)
            try:
                tab.wait_for_function(SERVED_JS, arg=len(spec.charts), timeout=RENDER_TIMEOUT_MS, polling=50)
            except PlaywrightError as exc:  # a timeout: report the page state, carry on
                problems.append(f"load {n} {spec.path}: not served ({exc.__class__.__name__}): {page_state(tab)}")
                continue
            _check(tab, f"load {n} {spec.path}", problems)
        problems += [f"sequential loads: console: {e}" for e in log.unexpected()]
    finally:
        context.close()


@pytest.mark.timeout(1800)  # the longest test of the suite: more than the default 15 minutes on a busy machine
def test_twenty_sessions_then_two_hundred_loads_hold_memory(browser: Browser, load_server: StreamlitServer) -> None:
    pid = load_server.pid
    problems: list[str] = []
    start = time.monotonic()
    _sessions_in_batches(browser, load_server.url, problems)
    after_sessions, sessions_s = rss_kib(pid), time.monotonic() - start
    start = time.monotonic()
    _sequential_loads(browser, load_server.url, problems)
    after_loads, loads_s = rss_kib(pid), time.monotonic() - start
    growth = after_loads / after_sessions - 1
    summary = (
        f"{SESSIONS} sessions in batches of {BATCH}: {sessions_s:.0f} s, server RSS {after_sessions / 1024:.0f} MiB; "
        f"{SEQUENTIAL} sequential loads: {loads_s:.0f} s, server RSS {after_loads / 1024:.0f} MiB "
        f"({growth:+.1%}, limit +{RSS_GROWTH:.0%}); problems: {len(problems)}"
    )
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(summary + "\n" + "\n".join(problems) + "\n", encoding="utf-8")
    assert load_server.alive(), f"the server stopped during the run:\n{load_server.log_tail()}"
    assert problems == [], summary
    assert growth <= RSS_GROWTH, summary
