"""The HTML report in real Chromium: every chart draws, no script error, and it prints on one landscape page."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser

from analysis import load_schedule
from analysis.report import write_report


def test_html_report_opens_offline_with_every_chart_and_no_errors(browser: Browser, tmp_path: Path) -> None:
    (path,) = write_report(load_schedule(), tmp_path)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    # Offline: any request leaving the file would fail the page, so block the network outright.
    context.route(re.compile(r"^https?://"), lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(path.as_uri())
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3")
    for name in ("timeline", "matrix", "network"):
        assert page.locator(f"#chart-{name} .main-svg").count() >= 1, f"{name} not drawn"
    assert page.locator("h1").inner_text().startswith("Outreach coverage")
    assert "Filters:" in page.locator("header").inner_text()
    assert errors == []

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the report should print on one landscape page"
    context.close()
