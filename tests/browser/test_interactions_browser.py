"""What a user does: filter in the sidebar (charts and URL follow, the URL restores the filter), click a network
node (kept in the URL), switch page settings (kept in the URL), read the chase list and its source lines, and
download CSVs, the network for Gephi and charts as PNG at document sizes."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

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


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def test_clicking_a_network_node_lists_its_records_and_the_link_keeps_it(
    page: Page, app_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    console = ConsoleLog(app_url).attach(page)
    page.goto(NETWORK.path)
    wait_rendered(page, len(NETWORK.charts))
    expect_empty = page.get_by_text("Click a node in the network to list its records here.")
    assert expect_empty.is_visible()

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

    listing = page.get_by_text(re.compile(rf"^{re.escape(node)} — \d+ records? · working groups: "))
    listing.wait_for()
    wait_rendered(page, len(NETWORK.charts))
    count = int(re.search(r"— (\d+) record", listing.inner_text()).group(1))
    assert count >= 1
    rows = page.locator(".st-key-net_records_0 table tbody tr")
    rows.first.wait_for()
    assert rows.count() == count
    assert not expect_empty.is_visible()
    page.wait_for_function("(node) => new URLSearchParams(location.search).get('node') === node", arg=node)
    assert page_state(page)["exceptions"] == []
    assert console.unexpected() == []

    # The link opens on the same node's records, in a new session.
    other = new_context().new_page()
    other.goto(page.url)
    wait_rendered(other, len(NETWORK.charts))
    other.get_by_text(re.compile(rf"^{re.escape(node)} — {count} records? · ")).wait_for()
    assert _query(other.url)["node"] == [node]
    assert page_state(other)["exceptions"] == []


def test_people_toggle_is_kept_in_the_url(page: Page, app_url: str) -> None:
    page.goto(NETWORK.path)
    wait_rendered(page, len(NETWORK.charts))
    before = chart_data(page, "net_chart")
    page.locator(".st-key-net_people label").click()
    page.wait_for_url(re.compile(r"[?&]people=1(&|$)"))
    page.wait_for_function(
        "(n) => { const gd = document.querySelector('.st-key-net_chart .js-plotly-plot');"
        " return gd && gd._fullData && gd._fullData.map(t => t.name).join() !== n; }",
        arg=",".join(t["name"] or "" for t in before["traces"]),
    )
    wait_rendered(page, len(NETWORK.charts))
    names = {t["name"] for t in chart_data(page, "net_chart")["traces"]}
    assert names != {t["name"] for t in before["traces"]}, "people as nodes should change the network"
    page.reload()
    wait_rendered(page, len(NETWORK.charts))
    assert page.locator(".st-key-net_people input").is_checked()
    assert _query(page.url)["people"] == ["1"]


@pytest.mark.parametrize(
    ("path", "key", "option", "param", "value", "chart"),
    [
        ("/breakdowns", "bd_measure", "Events", "measure", "Events", "bd_format"),
        ("/timeline", "timeline_lanes", "Theme", "rows", "theme", "timeline_chart"),
    ],
)
def test_page_setting_is_kept_in_the_url(
    page: Page, app_url: str, new_context: Callable[..., BrowserContext], path: str, key: str, option: str,
    param: str, value: str, chart: str,
) -> None:
    page.goto(path)
    wait_rendered(page, 1)
    before = chart_data(page, chart)
    page.locator(f".st-key-{key} button", has_text=option).click()
    page.wait_for_url(re.compile(rf"[?&]{param}={value}(&|$)"))
    page.wait_for_function(
        "([key, title]) => { const gd = document.querySelector('.st-key-' + key + ' .js-plotly-plot');"
        " return gd && gd._fullData && JSON.stringify(gd._fullData.map(t => t.y ? Array.from(t.y) : null))"
        " !== title; }",
        arg=[chart, str([t["y"] for t in before["traces"]]).replace("'", '"').replace(" ", "")],
    )
    wait_rendered(page, 1)
    changed = chart_data(page, chart)
    assert (changed["traces"], changed["title"]) != (before["traces"], before["title"])

    other = new_context().new_page()
    other.goto(page.url)
    wait_rendered(other, 1)
    assert chart_data(other, chart)["title"] == changed["title"]
    assert chart_data(other, chart)["traces"] == changed["traces"]
    pressed = other.locator(f".st-key-{key} button[aria-checked='true'], .st-key-{key} button[kind*='Active']")
    assert option in pressed.first.inner_text()


def test_chase_list_download_and_source_line(page: Page, app_url: str) -> None:
    page.goto("/gaps")
    wait_rendered(page, len(PAGE_BY_NAME["gaps"].charts))
    table = page.locator(".st-key-gaps_table table")
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts() if h.strip()]
    assert headers[:3] == ["Item", "What is missing", "Leads"]
    rows = table.locator("tbody tr")
    rows.first.wait_for()
    with page.expect_download() as info:
        page.locator(".st-key-dl_chase button").click()
    data = info.value.path().read_bytes().decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(data)))
    assert header[:2] == ["item", "section"] and "leads" in header and "what is missing" in header
    assert len(lines) == rows.count()
    assert not any(cell in ("nan", "None", "NaT") for line in lines for cell in line)

    # The original text of the first item's line, shown as code (never rendered as Markdown).
    page.locator(".st-key-gaps_source summary").click()
    code = page.locator(".st-key-gaps_source code")
    code.wait_for()
    first_line = int(re.match(r"\d+", lines[0][header.index("source line(s)")]).group(0))
    source = (load_schedule().lines.set_index("line_no").loc[first_line, "text"])
    assert f"{first_line}: " in code.inner_text()
    assert source.strip()[:30] in code.inner_text()


def test_network_downloads_for_gephi(page: Page, app_url: str) -> None:
    page.goto(NETWORK.path)
    wait_rendered(page, len(NETWORK.charts))
    with page.expect_download() as info:
        page.locator(".st-key-dl_edges button").click()
    edges = list(csv.reader(io.StringIO(info.value.path().read_bytes().decode("utf-8-sig"))))
    assert edges[0][:2] == ["source", "target"] and len(edges) > 1
    with page.expect_download() as info:
        page.locator(".st-key-dl_graphml button").click()
    assert info.value.suggested_filename.endswith(".graphml")
    assert b"<graphml" in info.value.path().read_bytes()


@pytest.mark.parametrize("preset", ["A4 column (16 cm)", "16:9 slide"])
def test_chart_png_at_a_document_size(page: Page, app_url: str, preset: str) -> None:
    from analysis.figures import EXPORT_PRESETS

    page.goto("/")
    wait_rendered(page, len(OVERVIEW.charts))
    page.locator(".st-key-overview_format-export button").first.click()
    button = page.locator(".st-key-overview_format-png-" + re.sub(r"[^a-z0-9]+", "-", preset.casefold()).strip("-"))
    with page.expect_download() as info:
        button.locator("button").click()
    width, height = png_size(info.value.path().read_bytes())
    w, h, scale = EXPORT_PRESETS[preset]
    assert (width, height) == (round(w * scale), round(h * scale))
    # The same file whatever the window: the size comes from the preset, not from the chart on screen.
    on_screen = chart_data(page, "overview_format")
    assert (width, height) != (2 * on_screen["width"], 2 * on_screen["height"])


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
