"""Moved-record arrows and the backlog chart, tested on the figure JSON."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest
from older_version import OLDER_AS_OF, older_page_bytes
from schedule_pages import BUNDLED, page, row

from analysis import load_schedule
from analysis.ageing import BACKLOG_COLUMNS
from analysis.compare import diff
from analysis.figures import ChartContext
from analysis.history_figures import backlog_figure, moves_figure

CTX = ChartContext(filters="Captures #2 → #1", source="Source: UN Network on Migration", page="changes")


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[k:k + 2], 16) / 255 for k in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_on_white(colour: str) -> float:
    return 1.05 / (_luminance(colour) + 0.05)


def _text_colours(fig: go.Figure) -> set[str]:
    """Every colour given to text anywhere in the figure (any ``…font`` object, template included)."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith("font") and isinstance(value, dict) and isinstance(value.get("color"), str):
                    found.add(value["color"])
                walk(value)
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item)

    walk(fig.to_dict())
    return found


@pytest.fixture(scope="module")
def changes():
    older = load_schedule(older_page_bytes(), name="older.txt", as_of=OLDER_AS_OF)
    return diff(older, load_schedule(BUNDLED))


def test_moves_draw_one_arrow_per_moved_record_from_old_to_new_date(changes) -> None:
    fig = moves_figure(changes, CTX)
    arrows = [a for a in fig.layout.annotations if a.name == "move"]
    assert len(arrows) == 1
    (arrow,) = arrows
    assert arrow.showarrow and arrow.axref == "x" and arrow.ayref == "y"
    assert (pd.Timestamp(arrow.ax), pd.Timestamp(arrow.x)) == (pd.Timestamp("2020-05-19"), pd.Timestamp("2020-05-20"))
    assert arrow.y == arrow.ay  # the row label is the record's, on lines of at most 24 characters
    assert arrow.y.replace("<br>", " ") == "20 May · Alternatives to detention"
    assert max(len(line) for line in arrow.y.split("<br>")) <= 24
    assert [t.meta for t in fig.data] == ["old", "new"]
    assert fig.layout.title.text == "Moved records" and fig.layout.title.subtitle.text == "Captures #2 → #1"
    assert "from 19 May to 20 May" in fig.layout.meta["alt"]
    assert any(a.name == "source" for a in fig.layout.annotations)


def test_several_moves_are_one_row_each() -> None:
    w = "Format: Webinar Audience: Member States Purpose: Talk"
    old = load_schedule(page(row("7 May", "Access to services", "WHO", w), row("9 June", "Regular pathways",
                                                                               "OHCHR", w)).encode(), year=2020)
    new = load_schedule(page(row("12 May", "Access to services", "WHO", w), row("2 June", "Regular pathways",
                                                                                "OHCHR", w)).encode(), year=2020)
    fig = moves_figure(diff(old, new), CTX)
    arrows = [a for a in fig.layout.annotations if a.name == "move"]
    assert len({a.y for a in arrows}) == 2
    assert list(fig.data[1].text) == ["5 days later", "7 days earlier"]


def test_no_move_says_so(changes) -> None:
    fig = moves_figure(diff(load_schedule(BUNDLED), load_schedule(BUNDLED)), CTX)
    assert not fig.data
    assert any("No record moved" in (a.text or "") for a in fig.layout.annotations)


def test_backlog_has_both_series_and_marks_partial_captures() -> None:
    b = pd.DataFrame([
        {"capture_id": 2, "name": "older", "as_of": pd.Timestamp(OLDER_AS_OF), "open_pipeline": 0, "undated": 0,
         "records": 3, "partial": True},
        {"capture_id": 1, "name": "bundled", "as_of": pd.Timestamp(dt.date(2020, 6, 19)), "open_pipeline": 4,
         "undated": 3, "records": 17, "partial": False},
    ], columns=list(BACKLOG_COLUMNS))
    fig = backlog_figure(b, CTX)
    assert [t.name for t in fig.data] == ["open pipeline", "undated"]
    assert list(fig.data[0].y) == [0, 4] and list(fig.data[1].y) == [0, 3]
    assert list(fig.data[0].marker.symbol) == ["circle-open", "circle"]
    assert fig.layout.meta["alt"].startswith("Backlog in 2 captures: open pipeline 0 → 4, undated 0 → 3")
    assert backlog_figure(b.iloc[:0], CTX).layout.annotations[0].text == "No captures stored yet."
    # Equal counts (0 and 0 on 15 May) print one above and one below their points, never on top of each other,
    # with room under 0 for the lower one; the first and last dates sit inside the axis, not on its edge.
    assert {fig.data[0].textposition, fig.data[1].textposition} == {"top center", "bottom center"}
    assert fig.layout.yaxis.range[0] < 0
    lo, hi = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    assert lo < pd.Timestamp(OLDER_AS_OF) and hi > pd.Timestamp("2020-06-19")


def test_text_is_readable_on_white(changes) -> None:
    b = pd.DataFrame([{"capture_id": 1, "name": "x", "as_of": pd.Timestamp("2020-06-19"), "open_pipeline": 4,
                       "undated": 3, "records": 17, "partial": False}], columns=list(BACKLOG_COLUMNS))
    for fig in (moves_figure(changes, CTX), backlog_figure(b, CTX)):
        colours = _text_colours(fig)
        assert colours, "no explicit text colours found"
        for colour in colours:
            assert contrast_on_white(colour) >= 4.5, colour


def test_history_legends_sit_under_the_subtitle_never_over_it(changes) -> None:
    """Both legends are horizontal rows in container coordinates just under the subtitle (as every chart of
    the app), so on a phone they wrap downwards instead of covering the subtitle or the data."""
    b = pd.DataFrame([{"capture_id": 1, "name": "x", "as_of": pd.Timestamp("2020-06-19"), "open_pipeline": 4,
                       "undated": 3, "records": 17, "partial": False}], columns=list(BACKLOG_COLUMNS))
    for fig in (moves_figure(changes, CTX), backlog_figure(b, CTX)):
        legend = fig.layout.legend
        assert legend.orientation == "h" and legend.yref == "container" and legend.yanchor == "top"
        assert abs(legend.y - (1 - 84 / fig.layout.height)) < 1e-9
