"""Load: five browser contexts open every page at the same time; and a fresh server whose first visitor opens a
page's URL (not "/") still serves that page."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page, sync_playwright

from .helpers import (
    CHROMIUM,
    LAUNCH_ARGS,
    PAGE_BY_NAME,
    PAGES,
    ROOT,
    VIEWPORT,
    ConsoleLog,
    StreamlitServer,
    headings,
    page_state,
    wait_rendered,
)

pytestmark = pytest.mark.browser

CONTEXTS = 5
LOAD_TIMEOUT_MS = 120_000


def _visit_every_page(base_url: str, start: threading.Barrier, query: str) -> list[str]:
    """One browser context (its own Playwright and Chromium, as the sync API is per thread) opening every page
    in its own tab at once, each URL ending in ``query``; returns the problems found.

    Half the contexts filter by format through the URL, so a filter leaking between sessions shows up.
    """
    wanted = "Filters: Format: webinar" if query else "Filters: All records"
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, base_url=base_url)
            tabs: list[tuple[Page, ConsoleLog]] = []
            for _spec in PAGES:
                tab = context.new_page()
                tabs.append((tab, ConsoleLog(base_url).attach(tab)))
            start.wait(timeout=60)
            for (tab, _log), spec in zip(tabs, PAGES, strict=True):
                tab.goto(spec.path + query, wait_until="commit")
            for (tab, log), spec in zip(tabs, PAGES, strict=True):
                try:
                    wait_rendered(tab, len(spec.charts), timeout=LOAD_TIMEOUT_MS)
                except AssertionError as exc:
                    problems.append(f"{spec.path}: {exc}")
                    continue
                state = page_state(tab)
                if state["exceptions"]:
                    problems.append(f"{spec.path}: exception {state['exceptions']}")
                if state["charts"] != len(spec.charts):
                    problems.append(f"{spec.path}: {state['charts']} charts, want {len(spec.charts)}")
                if spec.name != "report" and headings(tab) != [spec.heading]:  # report: no h1, see test_pages
                    problems.append(f"{spec.path}: h1 {headings(tab)}")
                if tab.get_by_text(wanted).count() == 0:
                    problems.append(f"{spec.path}{query}: {wanted!r} not shown")
                problems += [f"{spec.path}: console: {e}" for e in log.unexpected()]
            context.close()
        finally:
            browser.close()
    return problems


def test_five_contexts_load_every_page_at_once(app_url: str) -> None:
    start = threading.Barrier(CONTEXTS)
    with ThreadPoolExecutor(CONTEXTS) as pool:
        queries = ["?format=webinar" if i % 2 else "" for i in range(CONTEXTS)]
        results = list(pool.map(lambda q: _visit_every_page(app_url, start, q), queries))
    problems = [f"context {i}: {p}" for i, found in enumerate(results) for p in found]
    assert problems == []


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
