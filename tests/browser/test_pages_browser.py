"""Every page in a real browser: it renders completely, shows no exception, has its heading and charts, logs no
unexpected console error, and is screenshotted into artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .helpers import PAGES, ConsoleLog, PageSpec, headings, page_state, screenshot, wait_rendered

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
