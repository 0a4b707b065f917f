"""WCAG AA contrast on white for every text colour (4.5:1) and every small mark (3:1) in every figure.

Colours are read from the figure JSON: fonts of the layout, title, subtitle, legend, axes, annotations,
hover labels and trace texts; marker and line colours of scatter traces; bar outlines (fills may stay
Okabe–Ito as long as an outline of 3:1 draws the bar's edge); and text inside heatmap cells against the
cell colours it can sit on.
"""

from __future__ import annotations

from collections.abc import Iterator

import plotly.graph_objects as go
import pytest

from analysis import Schedule, load_schedule
from analysis.aggregate import COMPLETENESS_FIELDS, completeness, format_audience_matrix, trim_matrix
from analysis.figures import (
    FORMAT_COLOURS,
    FORMAT_MARK_COLOURS,
    ORG_TYPE_COLOURS,
    STATE_COLOURS,
    WG_COLOURS,
    ChartContext,
    breakdown_figure,
    completeness_figure,
    contrast_ratio,
    darken,
    empty_figure,
    heatmap_figure,
    mark_colour,
    network_figure,
    text_colour,
    timeline_figure,
)
from analysis.network import build_graph, layout
from analysis.report import report_figures

WHITE = "#FFFFFF"
FORBIDDEN = {"#BBBBBB", "#BBB", "#F0E442"}


@pytest.fixture(scope="module")
def s() -> Schedule:
    return load_schedule()


def all_figures(s: Schedule) -> dict[str, go.Figure]:
    ctx = ChartContext(source=s.meta.citation, page="tests")
    figs: dict[str, go.Figure] = {
        "timeline": timeline_figure(s, ctx),
        "compact timeline": timeline_figure(s, ctx, weekly=False),
        "matrix": heatmap_figure(trim_matrix(format_audience_matrix(s)), ctx),
        "completeness": completeness_figure(completeness(s), COMPLETENESS_FIELDS, ctx),
        "empty": empty_figure("Nothing", ctx),
    }
    for dim in ("format", "audience", "working_group", "org_type", "organisation", "theme", "gcm_objective"):
        figs[f"bars {dim}"] = breakdown_figure(s, dim, ctx, "events")
    for people in (False, True):
        g = build_graph(s, people_as_nodes=people)
        for colour_by in ("working_group", "org_type"):
            figs[f"network {people} {colour_by}"] = network_figure(g, layout(g), ctx, colour_by=colour_by)
    figs.update({f"report {k}": v for k, v in report_figures(s, s, ctx).items()})
    return figs


def _colours(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)]


def _hex(colour: str) -> str:
    assert colour.startswith("#") and len(colour) in (4, 7), f"not a hex colour: {colour!r}"
    return colour.upper()


def text_colours(fig: go.Figure) -> Iterator[tuple[str, str]]:
    """(where, colour) for every text colour in the figure; unset colours inherit the layout font."""
    lay = fig.layout
    default = lay.font.color or lay.template.layout.font.color
    assert default, "the figure has no font colour"
    yield "layout font", default

    def font(where: str, f: object) -> Iterator[tuple[str, str]]:
        colour = getattr(f, "color", None)
        for c in _colours(colour) or [default]:
            yield where, c

    yield from font("title", lay.title.font)
    yield from font("subtitle", lay.title.subtitle.font)
    yield from font("legend", lay.legend.font)
    yield from font("legend title", lay.legend.title.font)
    yield from font("hover label", lay.hoverlabel.font)
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        yield from font("tick labels", axis.tickfont)
        yield from font("axis title", axis.title.font)
    for ann in lay.annotations:
        yield from font(f"annotation {ann.name or ann.text[:20]}", ann.font)
    for trace in fig.data:
        if trace.type == "heatmap":
            continue  # checked against its cell colours
        if getattr(trace, "text", None) is not None and getattr(trace, "textfont", None) is not None:
            yield from font(f"text of {trace.name or trace.type}", trace.textfont)


def mark_colours(fig: go.Figure) -> Iterator[tuple[str, str]]:
    """(where, colour) for every small mark: scatter markers and lines, bar outlines, shapes."""
    for trace in fig.data:
        if trace.type == "scatter":
            mode = trace.mode or "markers"
            if "markers" in mode:
                for c in _colours(trace.marker.color):
                    yield f"marker of {trace.name}", c
            if "lines" in mode:
                for c in _colours(trace.line.color):
                    yield f"line of {trace.name}", c
        elif trace.type == "bar":
            width = trace.marker.line.width
            assert width is not None and width >= 1, f"bar {trace.name} has no outline"
            for c in _colours(trace.marker.line.color):
                yield f"bar outline of {trace.name}", c
    for shape in fig.layout.shapes:
        if shape.line.color:
            yield "shape", shape.line.color


@pytest.mark.parametrize(("colour", "ratio"), [("#000000", 21.0), ("#FFFFFF", 1.0), ("#767676", 4.54),
                                                ("#BBBBBB", 1.92), ("#F0E442", 1.32), ("#0072B2", 5.19)])
def test_contrast_ratio_matches_wcag(colour: str, ratio: float) -> None:
    assert contrast_ratio(colour) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("colour", sorted({*FORMAT_COLOURS.values(), *ORG_TYPE_COLOURS.values(),
                                           *WG_COLOURS.values()}))
def test_darkened_colours_reach_the_minimum_and_keep_their_hue(colour: str) -> None:
    assert contrast_ratio(mark_colour(colour)) >= 3.0
    assert contrast_ratio(text_colour(colour)) >= 4.5
    if contrast_ratio(colour) >= 4.5:
        assert darken(colour, 4.5) == colour.upper()


def test_every_format_marker_colour_is_a_mark_colour() -> None:
    for fmt, colour in FORMAT_MARK_COLOURS.items():
        assert contrast_ratio(colour) >= 3.0, fmt


def test_every_text_colour_in_every_figure_is_at_least_4_5_to_1(s: Schedule) -> None:
    seen = 0
    for name, fig in all_figures(s).items():
        for where, colour in text_colours(fig):
            c = _hex(colour)
            assert c not in FORBIDDEN, f"{name}: {where} uses {c}"
            assert contrast_ratio(c) >= 4.5, f"{name}: {where} {c} is {contrast_ratio(c):.2f}:1 on white"
            seen += 1
    assert seen > 100


def test_every_small_mark_in_every_figure_is_at_least_3_to_1(s: Schedule) -> None:
    seen = 0
    for name, fig in all_figures(s).items():
        for where, colour in mark_colours(fig):
            c = _hex(colour)
            assert c not in FORBIDDEN, f"{name}: {where} uses {c}"
            assert contrast_ratio(c) >= 3.0, f"{name}: {where} {c} is {contrast_ratio(c):.2f}:1 on white"
            seen += 1
    assert seen > 50


def test_text_in_heatmap_cells_is_legible_on_every_cell_colour(s: Schedule) -> None:
    for name, fig in all_figures(s).items():
        for trace in fig.data:
            if trace.type != "heatmap" or trace.text is None:
                continue
            ink = _hex(trace.textfont.color)
            backgrounds = [_hex(c) for _, c in trace.colorscale] + [_hex(fig.layout.plot_bgcolor or WHITE)]
            for bg in backgrounds:
                assert contrast_ratio(ink, bg) >= 4.5, f"{name}: {ink} on {bg}"


def test_completeness_states_have_legible_symbols() -> None:
    for state, colour in STATE_COLOURS.items():
        assert contrast_ratio("#1A1A1A", colour) >= 4.5, state
