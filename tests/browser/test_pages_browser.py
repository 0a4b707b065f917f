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


def _heading_params() -> list[object]:
    params: list[object] = []
    for spec in PAGES:
        marks = []
        if spec.name == "report":
            marks.append(
                pytest.mark.xfail(
                    strict=True,
                    reason=(
                        "app: /report has no h1 — pages/report.py titles the page with st.subheader(REPORT_TITLE), "
                        "an h3, while every other page gets an h1 from ui.page_header; remove this mark once it has one"
                    ),
                )
            )
        params.append(pytest.param(spec, id=spec.name, marks=marks))
    return params


@pytest.mark.parametrize("spec", _heading_params())
def test_page_heading(page: Page, app_url: str, spec: PageSpec) -> None:
    page.goto(spec.path)
    wait_rendered(page, len(spec.charts))
    assert headings(page, "h1") == [spec.heading]


def test_report_title_is_shown(page: Page, app_url: str) -> None:
    """Until the report page has an h1, its title must at least be on the page (as its h3)."""
    spec = next(p for p in PAGES if p.name == "report")
    page.goto(spec.path)
    wait_rendered(page, len(spec.charts))
    assert spec.heading in headings(page, "h1") + headings(page, "h3")
