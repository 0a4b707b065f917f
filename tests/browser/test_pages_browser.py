"""Every page in a real browser: it renders completely, shows no exception, has its heading and charts, logs no
unexpected console error, and is screenshotted into artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .helpers import PAGE_BY_NAME, PAGES, ConsoleLog, PageSpec, headings, page_state, screenshot, wait_rendered

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
