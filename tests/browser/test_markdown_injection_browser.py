"""Markdown injection, in Chromium: a hostile page (links and images in its topics, leads and preamble, a hostile
file name) and hostile link values (``?format=[x](https://evil.example)``, ``?lead=![q](http://127.0.0.1:9/y.png)``)
must never become a live link or make the browser fetch an image, on any page."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page

from .capture_helpers import BUNDLED, NAV, footer, go, new_page, start_server, wait_footer
from .helpers import StreamlitServer, wait_rendered

pytestmark = pytest.mark.browser

LINK = "[Session expired - sign in](https://evil.example)"
IMAGE = "![q](http://127.0.0.1:9/x.png)"
HTML = '<img src="http://127.0.0.1:9/h.png"> <a href="https://evil.example/h">sign in</a>'
DIRECTIVES = ":red[Webinar] :material/warning:"
FILE_NAME = "[expired](https:evil.example) :red[alert] :material/warning: schedule.txt"

# Anything in the DOM that links to the hostile site or loads from the closed port.
HOSTILE_JS = """() => ({
  links: [...document.querySelectorAll('a[href*="evil.example"]')].map((a) => a.outerHTML.slice(0, 200)),
  images: [...document.querySelectorAll('img[src*="127.0.0.1:9"], image[href*="127.0.0.1:9"]')]
    .map((i) => i.outerHTML.slice(0, 200)),
})"""


def hostile_page() -> str:
    """The bundled page with hostile Markdown and HTML in its preamble, topics, leads and format cells."""
    lines = BUNDLED.read_text(encoding="utf-8").splitlines()
    lines[0] = f"{lines[0]} {LINK} {IMAGE}"
    lines[3] = lines[3].replace("Safe and Inclusive Access to Services", f"{LINK} {HTML}")
    lines[4] = lines[4].replace("WG2: IDC, UNICEF, UNHCR", f"WG2: IDC, {IMAGE}, UNHCR")
    lines[6] = lines[6].replace("| IOM ODG |", f"| {LINK} |")
    lines[6] = lines[6].replace("Format: Webinar", f"Format: Webinar {DIRECTIVES}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    yield from start_server(tmp_path_factory.mktemp("store"))


def upload_hostile(page: Page) -> None:
    """Upload the hostile page under :data:`FILE_NAME` and wait until it is shown.

    The name has a "/" (no file system allows it, a browser can send it), so it goes as a payload, not a path.
    """
    page.locator('.st-key-upload_file input[type="file"]').set_input_files(
        {"name": FILE_NAME, "mimeType": "text/plain", "buffer": hostile_page().encode("utf-8")})
    wait_footer(page, "schedule.txt")


def watch(page: Page) -> list[str]:
    """Requests the page makes to the hostile image host (filled in as they happen)."""
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if "127.0.0.1:9/" in request.url else None)
    return fetched


def assert_clean(page: Page, where: str) -> None:
    found = page.evaluate(HOSTILE_JS)
    assert found == {"links": [], "images": []}, f"{where}: {found}"


def test_a_hostile_page_renders_as_text_everywhere(browser: Browser, server: StreamlitServer) -> None:
    page = new_page(browser)
    fetched = watch(page)
    page.goto(server.url + "/")
    wait_rendered(page, 1)
    upload_hostile(page)
    shown = footer(page)  # the file name reads as written: no link, colour or icon made of it
    assert "[expired](https:evil.example) :red[alert] :material/warning: schedule.txt" in shown.replace("\u2060", "")
    assert page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"] [data-testid="stIconMaterial"]'
                        ).count() == 0
    for name in NAV:
        go(page, name)
        assert_clean(page, name)
    assert fetched == []
    page.context.close()


@pytest.mark.parametrize("query", [
    "format=" + quote("[x](https://evil.example)"),
    "lead=" + quote("![q](http://127.0.0.1:9/y.png)"),
    "format=" + quote('<a href="https://evil.example">x</a>') + "&theme=" + quote("<img src=http://127.0.0.1:9/z.png>"),
])
def test_hostile_link_values_are_shown_as_text(browser: Browser, server: StreamlitServer, query: str) -> None:
    page = new_page(browser)
    fetched = watch(page)
    page.goto(f"{server.url}/?{query}")
    wait_rendered(page, 1)
    note = page.locator('[data-testid="stMain"] [data-testid="stAlertContentInfo"]', has_text="were not used")
    note.wait_for()
    assert "evil.example" in note.inner_text() or "127.0.0.1:9" in note.inner_text()  # named, as text
    assert page.locator('[data-testid="stSidebar"]').get_by_text("were not used").count() == 0
    assert_clean(page, query)
    assert fetched == []
    page.context.close()


def test_hostile_capture_and_link_values_on_every_page(browser: Browser, server: StreamlitServer) -> None:
    page = new_page(browser)
    fetched = watch(page)
    page.goto(server.url + "/")
    wait_rendered(page, 1)
    upload_hostile(page)
    capture = page.url.split("capture=")[1].split("&")[0]
    hostile = "&format=" + quote("[x](https://evil.example)") + "&lead=" + quote("![q](http://127.0.0.1:9/y.png)")
    for name in NAV:
        path = "/" if name == "overview" else f"/{name}"
        page.goto(f"{server.url}{path}?capture={capture}{hostile}")
        wait_rendered(page, 0)
        wait_footer(page, "schedule.txt")
        assert_clean(page, name)
    assert fetched == []
    page.context.close()
