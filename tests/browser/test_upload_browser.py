"""Uploading a capture in Chromium: every page switches to it, a bad file leaves one sentence and the data shown,
"Back to the bundled page" restores it, and two browser sessions keep their own data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.older_version import older_page_bytes

from .capture_helpers import NAV, footer, go, new_page, no_exception, start_server, upload, wait_footer, write
from .helpers import StreamlitServer, wait_rendered

pytestmark = pytest.mark.browser

BUNDLED_NAME = "online_series_2020.txt"
OLDER_NAME = "schedule-may-2020.txt"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    yield from start_server(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("files")
    return {
        "older": write(tmp, OLDER_NAME, older_page_bytes()),
        "bad": write(tmp, "not-a-schedule.csv", b"\x00\x01\x02 binary junk \xff\xfe" * 40),
        "empty": write(tmp, "empty.txt", b""),
    }


def open_home(browser: Browser, server: StreamlitServer) -> Page:
    page = new_page(browser)
    page.goto(server.url + "/")
    wait_rendered(page, 1)
    wait_footer(page, BUNDLED_NAME)
    return page


def test_upload_switches_every_page_and_back(browser: Browser, server: StreamlitServer, files: dict[str, Path]) -> None:
    page = open_home(browser, server)
    upload(page, files["older"])
    wait_footer(page, OLDER_NAME)
    assert "3 records" in page.locator('[data-testid="stMain"]').inner_text()
    assert "capture=" in page.url  # the chosen capture is in the URL

    for name in NAV:  # every page, reached in the same session, shows the uploaded file in its source line
        go(page, name)
        no_exception(page)
        wait_footer(page, OLDER_NAME)

    go(page, "overview", 1)
    upload(page, files["bad"])
    error = page.locator('[data-testid="stMain"] [data-testid="stAlertContentError"]').get_by_test_id(
        "stMarkdownContainer")
    error.wait_for()
    text = error.inner_text().strip()
    assert "not-a-schedule.csv" in text
    assert text.count(".") <= 3 and "\n" not in text and "Traceback" not in text  # one sentence, no trace
    no_exception(page)
    assert OLDER_NAME in footer(page)  # the previous data stays on screen

    page.locator(".st-key-capture_bundled button").click()
    wait_footer(page, BUNDLED_NAME)
    assert "all 17 records" in page.locator('[data-testid="stMain"]').inner_text()
    assert "capture=" not in page.url
    page.context.close()


def test_two_sessions_keep_their_own_data(browser: Browser, server: StreamlitServer, files: dict[str, Path]) -> None:
    first, second = open_home(browser, server), open_home(browser, server)
    upload(first, files["older"])
    wait_footer(first, OLDER_NAME)

    second.reload()
    wait_rendered(second, 1)
    wait_footer(second, BUNDLED_NAME)
    go(second, "timeline", 1)
    assert BUNDLED_NAME in footer(second)

    go(first, "timeline", 1)
    assert OLDER_NAME in footer(first)
    go(first, "data")
    assert OLDER_NAME in footer(first)
    first.context.close()
    second.context.close()


def test_a_link_with_the_capture_opens_it_in_a_new_session(
    browser: Browser, server: StreamlitServer, files: dict[str, Path]
) -> None:
    page = open_home(browser, server)
    upload(page, files["older"])
    wait_footer(page, OLDER_NAME)
    link = page.url
    other = new_page(browser)
    other.goto(link)
    wait_footer(other, OLDER_NAME)
    other.goto(server.url + "/?capture=999")
    wait_footer(other, BUNDLED_NAME)
    note = other.locator('[data-testid="stMain"] [data-testid="stAlertContentInfo"]').first.inner_text()
    assert "999" in note and "bundled" in note
    page.context.close()
    other.context.close()
