"""The Changes page in Chromium: upload an older version of the page (as of 15 May 2020, partial), then the bundled
page, open Changes, and see the detention session's move as an arrow, the changes table, and the CSV download."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Download, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.older_version import OLDER_AS_OF, older_page_bytes

from .capture_helpers import BUNDLED, go, new_page, no_exception, set_as_of, start_server, upload, wait_footer, write
from .helpers import SCREENSHOTS, StreamlitServer, choose_option, settle, wait_rendered

pytestmark = pytest.mark.browser

OLDER_NAME = "schedule-older.txt"

# The moves chart as Plotly drew it: its annotations (the arrows) and its traces' names.
MOVES_JS = """() => {
  const gd = document.querySelector('.st-key-chg_moves .js-plotly-plot');
  if (!gd || !gd._fullLayout) return null;
  return {
    arrows: (gd._fullLayout.annotations || []).filter((a) => a.showarrow).length,
    traces: gd._fullData.map((t) => t.name),
    drawnArrows: gd.querySelectorAll('.annotation-arrow-g path, .annotation path').length,
  };
}"""


def click_download(page: Page, button: Locator, attempts: int = 3) -> Download:
    """Click a download button and return the download.

    A download button's click also reruns the page; on a busy machine a click that lands while the previous
    rerun is still drawing can be dropped, so wait for the page to settle and try again (a few times at most).
    """
    for attempt in range(attempts):
        wait_rendered(page, 2)
        try:
            with page.expect_download(timeout=30_000) as download:
                button.click()
            return download.value
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[StreamlitServer]:
    yield from start_server(store_dir)


def test_changes_between_an_older_capture_and_the_bundled_page(browser: Browser, server: StreamlitServer,
                                                                tmp_path: Path) -> None:
    older = write(tmp_path, OLDER_NAME, older_page_bytes())
    page = new_page(browser)
    page.goto(server.url + "/")
    wait_rendered(page, 1)

    page.locator(".st-key-upload_file_partial label").click()  # the older capture ends after three rows
    wait_rendered(page, 1)
    set_as_of(page, f"{OLDER_AS_OF:%d/%m/%Y}")
    upload(page, older)
    wait_footer(page, OLDER_NAME)
    upload(page, BUNDLED)  # the bundled bytes are capture #1 already: it is chosen again
    wait_footer(page, BUNDLED.name)

    go(page, "changes", 2)
    no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    summary = main.inner_text()
    assert "1 moved" in summary and "old 3 records (partial)" in summary and "new 17 records" in summary

    moves = page.evaluate(MOVES_JS)
    assert moves is not None and moves["arrows"] == 1, moves  # the detention session: 19 May → 20 May
    assert moves["drawnArrows"] >= 1
    table = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')  # the changes table
    table.wait_for()
    assert table.count() == 1
    table.locator("td", has_text=re.compile(r"^moved$")).first.wait_for(state="attached")
    assert table.locator("td", has_text=re.compile(r"^20 May 2020$")).count() == 1

    download = click_download(page, page.locator(".st-key-dl_changes button"))
    assert download.suggested_filename == "changes-2020-05-15-to-2020-06-19.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    moved = [r for r in rows if r["kind"] == "moved"]
    assert len(moved) == 1
    assert moved[0]["before"] == "19 May 2020" and moved[0]["after"] == "20 May 2020"
    assert "Alternatives to detention" in moved[0]["label"]
    assert {r["kind"] for r in rows} == {"moved", "format", "leads", "topic", "purpose"}
    assert not any(v in ("None", "nan", "NaT") for r in rows for v in r.values())

    download = click_download(
        page, page.locator(".st-key-dl_changes_report").get_by_role("button", name="Report with these changes"))
    report = Path(download.path()).read_text(encoding="utf-8")
    assert "Changes since the earlier capture" in report and "20 May 2020" in report

    choose_option(page, "chg_kinds", "moved")
    wait_rendered(page, 2)
    download = click_download(page, page.locator(".st-key-dl_changes button"))
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert [r["kind"] for r in rows] == ["moved"]
    page.context.close()


# The main area overflows sideways when its content is wider than it (issue: every page at 1024 px and on a phone).
OVERFLOW_JS = """() => { const m = document.querySelector('[data-testid="stMain"]');
  return {scroll: m.scrollWidth, client: m.clientWidth}; }"""


def settled_size(page: Page, timeout_ms: float = 15_000) -> dict[str, int]:
    """The main area's widths once nothing overflows, or as they are after ``timeout_ms``.

    On a busy machine the page can be measured mid-reflow (the vertical scrollbar appearing), one pixel wider
    for a moment: wait for the condition; an overflow that lasts is still reported.
    """
    settle(page, f"() => {{ const s = ({OVERFLOW_JS})(); return s.scroll <= s.client; }}", timeout_ms)
    return page.evaluate(OVERFLOW_JS)


@pytest.mark.parametrize("width,height", [(1400, 900), (1024, 768), (390, 844)], ids=["1400", "1024", "390"])
def test_captures_changes_and_data_fit_every_width(browser: Browser, server: StreamlitServer, store_dir: Path,
                                                    width: int, height: int) -> None:
    from analysis.store import CaptureStore

    store = CaptureStore.from_url(f"sqlite:///{store_dir / 'captures.sqlite'}")
    store.ensure_bundled()
    store.add(older_page_bytes(), OLDER_NAME, as_of=OLDER_AS_OF, partial=True)
    page = new_page(browser, {"width": width, "height": height})
    # each page is measured once its data grid (a canvas) is drawn: before, it is a placeholder of another width
    for name, charts, ready in (("captures", 0, "canvas"), ("changes", 2, "canvas"), ("data", 0, "canvas")):
        page.goto(f"{server.url}/{name}")
        wait_footer(page, "as of")
        page.locator(f'[data-testid="stMain"] {ready}').first.wait_for()
        wait_rendered(page, charts)
        no_exception(page)
        size = settled_size(page)
        assert size["scroll"] <= size["client"], f"{name} at {width}px overflows sideways: {size}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}-two-captures.png", full_page=False)
    page.context.close()
