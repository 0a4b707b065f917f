"""What a user does: filter in the sidebar (charts and URL follow, the URL restores the filter), click a network
node, download the CSV and a chart's PNG."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page

from analysis import load_schedule

from .helpers import (
    PAGE_BY_NAME,
    ConsoleLog,
    chart_data,
    choose_option,
    page_state,
    png_size,
    wait_rendered,
)

pytestmark = pytest.mark.browser

OVERVIEW = PAGE_BY_NAME["overview"]
NETWORK = PAGE_BY_NAME["network"]


def _categories(chart: dict) -> list[str]:
    """Bar categories of a horizontal bar chart (the overview's "By format")."""
    return [str(v) for t in chart["traces"] for v in (t["y"] or [])]


def test_filter_updates_charts_and_url_and_the_url_restores_it(
    page: Page, app_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    console = ConsoleLog(app_url).attach(page)
    page.goto("/")
    wait_rendered(page, len(OVERVIEW.charts))
    before = {key: chart_data(page, key) for key in OVERVIEW.charts}
    assert "webinar" in _categories(before["overview_format"]) and len(_categories(before["overview_format"])) > 1
    assert "format=" not in page.url

    choose_option(page, "f_formats", "webinar")
    page.wait_for_url(re.compile(r"[?&]format=webinar(&|$)"))
    page.wait_for_function(
        "() => { const gd = document.querySelector('.st-key-overview_format .js-plotly-plot');"
        " return gd && gd._fullData && gd._fullData.length > 0"
        " && JSON.stringify(Array.from(gd._fullData[0].y)) === '[\"webinar\"]'; }"
    )
    wait_rendered(page, len(OVERVIEW.charts))
    after = {key: chart_data(page, key) for key in OVERVIEW.charts}

    assert _categories(after["overview_format"]) == ["webinar"]
    assert after["overview_format"]["bars"] == 1
    assert after["overview_format"]["traces"] != before["overview_format"]["traces"]
    for key in OVERVIEW.charts:
        assert "webinar" in (after[key]["subtitle"] or ""), f"{key}: the subtitle does not name the filter"
    assert page_state(page)["exceptions"] == []
    assert console.unexpected() == []

    # The URL alone brings the same view back, in a fresh browser context (a new Streamlit session).
    url = page.url
    other = new_context().new_page()
    other_console = ConsoleLog(app_url).attach(other)
    other.goto(url)
    wait_rendered(other, len(OVERVIEW.charts))
    tags = other.locator(".st-key-f_formats [data-tag]")
    assert [t.strip() for t in tags.all_inner_texts()] == ["webinar"]
    assert re.search(r"[?&]format=webinar(&|$)", other.url)
    for key in OVERVIEW.charts:
        restored = chart_data(other, key)
        assert restored["traces"] == after[key]["traces"], f"{key} differs after opening {url}"
        assert restored["subtitle"] == after[key]["subtitle"]
    assert page_state(other)["exceptions"] == []
    assert other_console.unexpected() == []


def test_clicking_a_network_node_lists_its_records(page: Page, app_url: str) -> None:
    console = ConsoleLog(app_url).attach(page)
    page.goto(NETWORK.path)
    wait_rendered(page, len(NETWORK.charts))
    expect_empty = page.get_by_text("Click a node in the network to list its records here.")
    assert expect_empty.is_visible()
    tables = page.locator('[data-testid="stDataFrame"]')
    tables_before = tables.count()

    # The largest node (most records led): its centre is the least likely to sit under a neighbour.
    index, node = page.evaluate("""() => {
      const pts = [...document.querySelectorAll('.st-key-net_chart .scatterlayer .trace .points path.point')];
      let best = -1, size = -1, id = null;
      pts.forEach((pt, i) => {
        const trace = pt.closest('.trace').__data__[0].trace;
        const cd = trace.customdata && trace.customdata[pt.__data__.i];
        if (cd != null && pt.__data__.mrc > size) {
          best = i; size = pt.__data__.mrc; id = Array.isArray(cd) ? cd[0] : cd;
        }
      });
      return [best, id];
    }""")
    assert index >= 0 and node, "no clickable node found in the network chart"
    box = page.locator(".st-key-net_chart .scatterlayer .trace .points path.point").nth(index).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.click(x, y)

    listing = page.get_by_text(re.compile(rf"^{re.escape(node)} — \d+ records?$"))
    listing.wait_for(timeout=30_000)
    wait_rendered(page, len(NETWORK.charts))
    count = int(re.search(r"— (\d+) record", listing.inner_text()).group(1))
    assert count >= 1
    # st.dataframe gets no st-key-* class in Streamlit 1.67, so count tables: the node's records add one.
    assert tables.count() == tables_before + 1
    assert not expect_empty.is_visible()
    assert page_state(page)["exceptions"] == []
    assert console.unexpected() == []


def test_csv_download_has_the_sessions_header(page: Page, app_url: str) -> None:
    page.goto("/data")
    wait_rendered(page, 0)
    with page.expect_download() as info:
        page.locator(".st-key-dl_sessions button").click()
    download = info.value
    assert download.suggested_filename == "sessions.csv"
    data = download.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "CSV should start with a UTF-8 BOM (for spreadsheet programs)"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sessions = load_schedule().sessions
    assert rows[0] == list(sessions.columns)
    assert rows[0][0] == "session_id"
    assert len(rows) - 1 == len(sessions)


@pytest.mark.parametrize(
    ("path", "key", "charts"),
    [
        ("/", "overview_format", len(OVERVIEW.charts)),
        (NETWORK.path, "net_chart", len(NETWORK.charts)),
    ],
)
def test_modebar_png_is_twice_the_chart_size(page: Page, app_url: str, path: str, key: str, charts: int) -> None:
    page.goto(path)
    wait_rendered(page, charts)
    plot = page.locator(f".st-key-{key} .js-plotly-plot")
    plot.hover()
    button = page.locator(f".st-key-{key} .modebar-btn[data-title='Download plot as a PNG' i]")
    button.wait_for(state="visible")
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(".png")
    width, height = png_size(download.path().read_bytes())
    chart = chart_data(page, key)
    svg = plot.locator(".main-svg").first.bounding_box()
    assert svg is not None
    assert (chart["width"], chart["height"]) == (round(svg["width"]), round(svg["height"]))
    assert (width, height) == (2 * chart["width"], 2 * chart["height"])
