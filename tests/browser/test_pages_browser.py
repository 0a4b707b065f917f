"""Every page in a real browser: it renders completely, shows no exception, has its heading and charts, logs no
unexpected console error, and is screenshotted into artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .capture_helpers import BUNDLED, new_page, no_exception, set_as_of, start_server, upload, wait_footer, write
from .helpers import (
    PAGE_BY_NAME,
    PAGES,
    ConsoleLog,
    PageSpec,
    StreamlitServer,
    headings,
    page_state,
    screenshot,
    wait_rendered,
)

pytestmark = pytest.mark.browser

IDS = [p.name for p in PAGES]


@pytest.mark.parametrize("spec", PAGES, ids=IDS)
def test_page_renders(page: Page, app_url: str, spec: PageSpec) -> None:
    console = ConsoleLog(app_url).attach(page)
    page.goto(spec.path)
    wait_rendered(page, len(spec.charts))

    state = page_state(page)
    assert state["exceptions"] == [], f"{spec.path} shows a Streamlit exception"
    assert state["charts"] == len(spec.charts), f"{spec.path}: {state['charts']} charts, want {len(spec.charts)}"
    for key in spec.charts:
        chart = page.locator(f'.st-key-{key} [data-testid="stPlotlyChart"] .js-plotly-plot .main-svg')
        assert chart.count() >= 1, f"{spec.path}: chart {key!r} not drawn"
    assert page.url.rstrip("/") == (app_url + spec.path).rstrip("/"), "the page moved to another URL"

    screenshot(page, spec.name, len(spec.charts))
    assert console.unexpected() == [], f"{spec.path}: unexpected console errors"


@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_page_heading(page: Page, app_url: str, spec: PageSpec) -> None:
    page.goto(spec.path)
    wait_rendered(page, len(spec.charts))
    assert headings(page, "h1") == [spec.heading]


def test_overview_answers_who_we_reached(page: Page, app_url: str) -> None:
    spec = PAGE_BY_NAME["overview"]
    page.goto(spec.path)
    wait_rendered(page, len(spec.charts))
    labels = [t.strip() for t in page.locator('[data-testid="stMetricLabel"]').all_inner_texts()]
    assert labels == ["Held events", "Planned events", "Undated", "Lead orgs", "Audiences"]
    # Items dated after the as-of date (19 June 2020: 2 and 9 July) are planned, not held.
    values = [t.strip() for t in page.locator('[data-testid="stMetricValue"]').all_inner_texts()]
    assert values[:3] == ["12", "3", "7"]
    highlights = page.locator('[data-testid="stMain"] li').all_inner_texts()
    reached = next(line for line in highlights if line.startswith("Audiences reached"))
    for audience in ("civil society", "stakeholders", "Member States", "UN system"):
        assert audience in reached
    # No label is cut short: each label's text fits its box.
    clipped = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetricLabel"] p')]
        .filter((p) => p.scrollWidth > p.clientWidth + 1).map((p) => p.innerText)""")
    assert clipped == []


def test_report_puts_the_printable_html_first(page: Page, app_url: str) -> None:
    spec = PAGE_BY_NAME["report"]
    page.goto(spec.path)
    wait_rendered(page, len(spec.charts))
    first = page.locator('[data-testid="stMain"] button').first
    assert "printable report (HTML)" in first.inner_text()
    assert page.get_by_text("Print the HTML report, not this page").is_visible()


def test_network_centrality_table_draws_on_demand(page: Page, app_url: str) -> None:
    spec = PAGE_BY_NAME["network"]
    page.goto(spec.path)
    wait_rendered(page, len(spec.charts))
    tables = page.locator('.st-key-net_table_open [data-testid="stDataFrame"]')
    assert tables.count() == 0, "the centrality table should not be built until it is opened"
    page.locator(".st-key-net_table_open summary").click()
    tables.first.wait_for()
    wait_rendered(page, len(spec.charts))
    assert tables.count() == 1


@pytest.fixture(scope="module")
def history_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    yield from start_server(tmp_path_factory.mktemp("store"))


def test_gaps_ages_the_chase_list_and_draws_the_backlog_with_two_captures(
    browser: Browser, history_server: StreamlitServer, tmp_path: Path
) -> None:
    # An earlier capture of the same page (as of 1 June 2020): every undated item was already waiting then.
    older = write(tmp_path, "online_series_2020-06-01.txt", BUNDLED.read_bytes() + b"\n")
    page = new_page(browser)
    page.goto(history_server.url + "/gaps")
    wait_rendered(page, 1)
    assert "two or more captures" in page.locator('[data-testid="stMain"]').inner_text()
    set_as_of(page, "01/06/2020")
    upload(page, older)
    wait_footer(page, older.name)
    upload(page, BUNDLED)  # capture #1 again: the newest is shown, the older one gives the ageing
    wait_footer(page, BUNDLED.name)
    wait_rendered(page, 2)

    assert page.locator(".st-key-gaps_backlog .js-plotly-plot .main-svg").count() >= 1
    headers = [h.strip() for h in page.locator(".st-key-gaps_table thead th").all_inner_texts() if h.strip()]
    assert "Days waiting" in headers
    column = headers.index("Days waiting")
    cells = [r.locator("td").nth(column).inner_text() for r in page.locator(".st-key-gaps_table tbody tr").all()]
    # Undated and pipeline items wait; a dated item missing only its audience is not "waiting" ("–").
    assert max(int(c) for c in cells if c != "–") == 18, cells  # 1 June → 19 June
    assert not any(c in ("nan", "None", "<NA>", "NaT") for c in cells)
    assert "two or more captures" not in page.locator('[data-testid="stMain"]').inner_text()
    no_exception(page)
