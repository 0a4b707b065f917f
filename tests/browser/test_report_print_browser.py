"""The HTML report with a "Changes since" block still prints on one A4 landscape page in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from playwright.sync_api import Browser

from analysis import load_schedule
from analysis.report import write_report


class _Changes:
    frame = pd.DataFrame({
        "kind": ["moved", "added", "removed", "edited", "edited", "added", "added"],
        "label": ["20 May · Alternatives to detention"] * 7, "before": ["19 May"] * 7, "after": ["20 May"] * 7})
    summary = "7 changes since 12 May 2020: 1 moved, 3 added, 1 removed, 2 edited."


def test_report_with_changes_prints_on_one_landscape_page(browser: Browser, tmp_path: Path) -> None:
    (path,) = write_report(load_schedule(), tmp_path, changes=_Changes())
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.route(re.compile(r"^https?://"), lambda route: route.abort())
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3")
    assert "Changes since the earlier capture" in page.locator("body").inner_text()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the report should print on one landscape page"
    context.close()
