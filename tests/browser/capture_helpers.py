"""Pieces shared by the upload, changes and Markdown-injection browser tests.

Each test module runs its own app server on a throwaway capture store (a SQLite file in a temporary folder, passed
as ``OUTREACH_STORE_URL``), so uploads never touch the developer's store or another module's. Files are uploaded
through the sidebar's real ``<input type=file>`` (Playwright's ``set_input_files``); pages are changed with the
sidebar's navigation links, which keep the browser session (a ``goto`` would start a new one).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .helpers import ACTION_TIMEOUT_MS, RENDER_TIMEOUT_MS, ROOT, VIEWPORT, StreamlitServer, page_state, wait_rendered

BUNDLED = ROOT / "data" / "raw" / "online_series_2020.txt"
NAV = {
    "overview": "Overview",
    "timeline": "Timeline",
    "breakdowns": "Breakdowns",
    "network": "Network",
    "gaps": "Gaps",
    "captures": "Captures",
    "changes": "Changes",
    "data": "Data & export",
    "report": "Report",
}
"""Page → its link text in the sidebar navigation."""

# Text of the main area's last caption (the footer's source line, which names the file and its as-of date).
FOOTER_JS = """() => {
  const caps = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stCaptionContainer"]')];
  return caps.length ? caps[caps.length - 1].innerText : '';
}"""


def start_server(tmp: Path) -> Iterator[StreamlitServer]:
    """The app on a free loopback port with its own empty capture store under ``tmp``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OUTREACH_STORE_URL", f"sqlite:///{tmp / 'captures.sqlite'}")
        server = StreamlitServer("app.py", ROOT).start()
    try:
        yield server
    finally:
        server.stop()


def new_page(browser: Browser, viewport: dict[str, int] | None = None) -> Page:
    """A page in a fresh context (its own browser session) with the suite's generous waits."""
    context = browser.new_context(viewport=viewport or VIEWPORT, accept_downloads=True)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    return context.new_page()


def footer(page: Page) -> str:
    """The footer's source line on the page shown."""
    return page.evaluate(FOOTER_JS)


def wait_footer(page: Page, text: str, timeout: float = RENDER_TIMEOUT_MS) -> None:
    """Wait until the page has rendered and its footer's source line contains ``text``."""
    page.wait_for_function(
        "(t) => { const caps = [...document.querySelectorAll("
        '\'[data-testid="stMain"] [data-testid="stCaptionContainer"]\')];'
        " const app = document.querySelector('[data-testid=\"stApp\"]');"
        " return app && app.getAttribute('data-test-script-state') === 'notRunning'"
        " && caps.length && caps[caps.length - 1].innerText.includes(t); }",
        arg=text,
        timeout=timeout,
        polling=100,
    )


def upload(page: Page, path: Path, *, key: str = "upload_file") -> None:
    """Give ``path`` to the uploader with widget key ``key`` (the sidebar's by default)."""
    page.locator(f'.st-key-{key} input[type="file"]').set_input_files(str(path))


def set_as_of(page: Page, day: str, *, key: str = "upload_file") -> None:
    """Type a date (DD/MM/YYYY) into the uploader's "As of" field (day, month and year spin buttons) and leave it."""
    field = page.locator(f".st-key-{key}_as_of")
    field.locator('[data-type="day"]').click()
    page.keyboard.type(day.replace("/", ""))
    dd, mm, yyyy = day.split("/")
    for part, value in (("day", dd), ("month", mm), ("year", yyyy)):
        assert field.locator(f'[data-type="{part}"]').inner_text().lstrip("0") == value.lstrip("0"), part
    # The field sends its value when it loses focus; leave it now, so a later click (a page link) is not
    # swallowed by that rerun.
    page.locator('[data-testid="stSidebar"] h2').first.click()
    day_text = dt.datetime.strptime(day, "%d/%m/%Y").strftime("%-d %B %Y")
    page.locator(f".st-key-{key}_next").get_by_text(f"as of {day_text}").wait_for()
    wait_rendered(page, 0)


def go(page: Page, name: str, charts: int = 0) -> None:
    """Switch to page ``name`` with the sidebar's navigation link (same session) and wait until it has rendered."""
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name=NAV[name], exact=True).click()
    path = "/" if name == "overview" else f"/{name}"
    page.wait_for_function("(p) => location.pathname === p", arg=path)
    wait_rendered(page, charts)


def no_exception(page: Page) -> None:
    """Fail with the exception text when the page shows a Streamlit exception."""
    state = page_state(page)
    assert state["exceptions"] == [], state["exceptions"]


def capture_from_url(page: Page) -> int:
    """The ``?capture=`` id in the page's URL."""
    found = re.search(r"[?&]capture=(\d+)", page.url)
    assert found, f"no capture in the URL: {page.url}"
    return int(found.group(1))


def write(tmp: Path, name: str, data: bytes | str) -> Path:
    """Write ``data`` to ``tmp/name`` and return the path."""
    path = tmp / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path
