"""The report: same charts for page, HTML and PNG; a self-contained HTML file with the filter state."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pandas as pd
import pytest

from analysis import Schedule, load_schedule
from analysis.__main__ import main
from analysis.figures import EXPORT_PRESETS, PRESETS, ChartContext, _slug
from analysis.filters import Filters, apply_filters, describe_filters
from analysis.report import metric_items, open_gaps, report_figures, report_html


@pytest.fixture(scope="module")
def s() -> Schedule:
    return load_schedule()


def ctx_for(s: Schedule, f: Filters) -> ChartContext:
    return ChartContext(filters=describe_filters(f), source=s.meta.citation, page="report")


def test_report_figures_are_timeline_matrix_and_network_with_their_context(s: Schedule) -> None:
    figs = report_figures(s, s, ctx_for(s, Filters()))
    assert list(figs) == ["timeline", "matrix", "network"]
    for fig in figs.values():
        assert fig.layout.title.text
        assert fig.layout.title.subtitle.text == "All records"
        assert any("data as of 19 June 2020" in (a.text or "").replace("<br>", " ") for a in fig.layout.annotations)
    assert not [t for t in figs["timeline"].data if t.meta == "weekly"]  # compact: no weekly panel


def test_html_report_is_self_contained_and_holds_every_chart(s: Schedule) -> None:
    html = report_html(s, s, ctx_for(s, Filters()))
    assert html.startswith("<!DOCTYPE html>")
    assert len(re.findall(r'id="chart-(timeline|matrix|network)"', html)) == 3
    assert html.count("Plotly.newPlot") == 3
    assert not re.search(r"<script[^>]*\bsrc=", html)  # plotly.js is inline: the file works offline
    assert len(html) > 1_000_000  # the library itself is in the file
    assert "@media print" in html and "landscape" in html
    for label, value in metric_items(s):
        assert f"<b>{value}</b><span>{label}</span>" in html


def test_html_report_writes_the_filter_state(s: Schedule) -> None:
    f = Filters(formats=("webinar",))
    view = apply_filters(s, f)
    html = report_html(s, view, ctx_for(s, f), query="format=webinar")
    assert "Format: webinar" in html
    assert "?format=webinar" in html
    assert f"<b>{len(view.sessions)}</b><span>Records</span>" in html


def test_html_report_escapes_source_text() -> None:
    page = ("Date | Topic | Working Group (WG) and Co-leads | Format, Audience and Purpose | Documents |\n"
            "---|---|---|---|---|\n"
            "TBD | <script>alert(1)</script> | FAO | Format: Webinar | |\n")
    s = load_schedule(page.encode())
    html = report_html(s, s, ctx_for(s, Filters()))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_open_gaps_lists_the_least_complete_records_first(s: Schedule) -> None:
    gaps = open_gaps(s)
    assert list(gaps.columns) == ["Record", "Leads", "What is missing", "Line"]
    assert gaps.iloc[0]["Line"] == "22"  # the bare "TBD |" pipeline row lacks everything
    assert gaps["Record"].is_unique
    assert not {"nan", "None", "NaT"} & set(gaps.to_numpy().ravel())
    assert len(gaps) <= 12


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_cli_report_writes_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "data/raw/online_series_2020.txt", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "report.html").stat().st_size > 1_000_000
    assert str(tmp_path / "report.html") in capsys.readouterr().out


def test_cli_report_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "missing.txt"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "does not exist" in err[0]


@pytest.mark.browser
def test_cli_report_png_images_use_the_export_presets(tmp_path: Path) -> None:
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium not found at /usr/bin/chromium: PNG export needs it")
    assert main(["report", "data/raw/online_series_2020.txt", "--out", str(tmp_path), "--png"]) == 0
    for name in ("timeline", "matrix", "network"):
        for preset, (w, h, scale) in EXPORT_PRESETS.items():
            # Sized for the document, not for any window: e.g. A4 landscape full width at 300 dpi.
            width, height = _png_size(tmp_path / f"{name}-{_slug(preset)}.png")
            assert width == round(w * scale)
            assert round(h * scale) <= height <= round(PRESETS[preset].max_height_px * scale)


class _Changes:
    def __init__(self) -> None:
        self.frame = pd.DataFrame({
            "kind": ["moved", "added", "removed"], "label": ["20 May · Alternatives to detention", "<b>x</b>", None],
            "before": ["19 May", None, "Old"], "after": ["20 May", "New", float("nan")]})
        self.summary = "3 changes since 12 May 2020: 1 moved, 1 added, 1 removed."


def test_report_shows_changes_since_an_earlier_capture(s: Schedule) -> None:
    plain = report_html(s, s, ctx_for(s, Filters()))
    assert "Changes since" not in plain
    html = report_html(s, s, ctx_for(s, Filters()), changes=_Changes())
    assert "Changes since the earlier capture" in html
    assert "3 changes since 12 May 2020" in html and "19 May" in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    block = html[html.index("Changes since"):html.index("</section>", html.index("Changes since"))]
    assert "nan" not in block and "None" not in block
