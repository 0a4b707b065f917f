"""Concurrency: several browser contexts (separate sessions) load each page at the same moment; and a fresh
server whose first visitor opens a page's URL (not "/") still serves that page.

Sized for a 2-core machine: one Chromium, :data:`CONTEXTS` contexts with one tab each, every page loaded by all
of them at once, one page after another (the larger run is tests/browser/test_load_browser.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from .helpers import (
    ACTION_TIMEOUT_MS,
    PAGE_BY_NAME,
    PAGES,
    RENDER_TIMEOUT_MS,
    ROOT,
    VIEWPORT,
    ConsoleLog,
    StreamlitServer,
    headings,
    page_state,
    wait_rendered,
)

pytestmark = pytest.mark.browser

CONTEXTS = 4
LOAD_TIMEOUT_MS = 180_000  # every context loads at once: give each page the whole batch's time


def _open_contexts(browser: Browser, base_url: str, n: int) -> list[tuple[BrowserContext, Page, ConsoleLog]]:
    opened = []
    for _ in range(n):
        context = browser.new_context(viewport=VIEWPORT, base_url=base_url)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
        tab = context.new_page()
        opened.append((context, tab, ConsoleLog(base_url).attach(tab)))
    return opened


def test_contexts_load_every_page_at_once(browser: Browser, app_url: str) -> None:
    """Every page, loaded by :data:`CONTEXTS` sessions at the same moment, renders in each with its charts,
    its heading, no exception and no console error; half the sessions filter by format through the URL, so a
    filter leaking from one session into another shows up in the filter caption."""
    queries = ["?format=webinar" if i % 2 else "" for i in range(CONTEXTS)]
    opened = _open_contexts(browser, app_url, CONTEXTS)
    problems: list[str] = []
    try:
        for spec in PAGES:
            for (_context, tab, _log), query in zip(opened, queries, strict=True):
                tab.goto(spec.path + query, wait_until="commit")  # all sessions start before any is awaited
            for i, ((_context, tab, _log), query) in enumerate(zip(opened, queries, strict=True)):
                where = f"context {i}: {spec.path}{query}"
                try:
                    wait_rendered(tab, len(spec.charts), timeout=LOAD_TIMEOUT_MS)
                except AssertionError as exc:
                    problems.append(f"{where}: {exc}")
                    continue
                state = page_state(tab)
                if state["exceptions"]:
                    problems.append(f"{where}: exception {state['exceptions']}")
                if state["charts"] != len(spec.charts):
                    problems.append(f"{where}: {state['charts']} charts, want {len(spec.charts)}")
                if spec.heading is not None and headings(tab) != [spec.heading]:
                    problems.append(f"{where}: h1 {headings(tab)}")
                wanted = "Filters: Format: webinar" if query else "Filters: All records"
                if spec.filtered and tab.get_by_text(wanted).count() == 0:
                    problems.append(f"{where}: {wanted!r} not shown")
        for i, (_context, _tab, log) in enumerate(opened):
            problems += [f"context {i}: console: {e}" for e in log.unexpected()]
    finally:
        for context, _tab, _log in opened:
            context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("name", ["network", "breakdowns"])
def test_page_url_as_first_visit_on_a_fresh_server(page: Page, name: str) -> None:
    """A server nobody has visited yet, whose first request is a page URL, renders that page (the app reruns
    through its entry point when Streamlit falls back to running the page file alone)."""
    spec = PAGE_BY_NAME[name]
    server = StreamlitServer("app.py", ROOT).start()
    try:
        console = ConsoleLog(server.url).attach(page)
        page.goto(server.url + spec.path)
        wait_rendered(page, len(spec.charts))
        state = page_state(page)
        assert state["exceptions"] == []
        assert state["charts"] == len(spec.charts)
        assert headings(page) == [spec.heading]
        assert page.url == server.url + spec.path
        assert page.locator('[data-testid="stSidebar"] .st-key-f_formats').count() == 1, "sidebar filters missing"
        assert page.get_by_text("Page not found").count() == 0
        assert console.unexpected() == []
    finally:
        server.stop()
