"""analysis.figures: every builder checked on the figure's JSON (titles, subtitle, source, alt text, traces)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import plotly.graph_objects as go
import pytest

from analysis import Schedule, load_schedule
from analysis.aggregate import (
    COMPLETENESS_FIELDS,
    completeness,
    count_by,
    format_audience_matrix,
    timing,
    trim_matrix,
)
from analysis.figures import (
    ChartContext,
    breakdown_figure,
    completeness_figure,
    empty_figure,
    heatmap_figure,
    network_figure,
    png_config,
    timeline_figure,
)
from analysis.filters import Filters, apply_filters, describe_filters
from analysis.network import build_graph, centrality, layout

DIMENSIONS = ("format", "audience", "working_group", "org_type", "organisation", "theme", "gcm_objective")
NOTHING = Filters(formats=("webinar",), working_groups=("WG6",))

# A small page whose source text carries markup: it must show literally, never as HTML.
HOSTILE_PAGE = """Date | Topic | Working Group (WG) and Co-leads | Format, Audience and Purpose | Documents |
---|---|---|---|---|
7 May | <script>alert(1)</script> | <b>Evil</b> Org, UNICEF | Format: Webinar Audience: Member States Purpose: x | |
TBD | Second & <i>third</i> | <img src=x onerror=alert(2)> | Format: Webinar Audience: <u>Kids</u> | |
"""


@pytest.fixture(scope="module")
def s() -> Schedule:
    return load_schedule()


@pytest.fixture(scope="module")
def ctx(s: Schedule) -> ChartContext:
    return ChartContext(filters="All records", source=s.meta.citation, page="tests")


@pytest.fixture(scope="module")
def hostile() -> Schedule:
    return load_schedule(HOSTILE_PAGE.encode())


def traces(fig: go.Figure, meta: str) -> list:
    """The traces of ``fig`` whose ``meta`` tags them as ``meta`` ("dated", "undated", "weekly", "nodes", "edges")."""
    return [t for t in fig.data if t.meta == meta]


def source_text(fig: go.Figure) -> str:
    """The source annotation's text with its line breaks undone."""
    found = [a.text for a in fig.layout.annotations if a.text and a.text.startswith("Source:")]
    assert len(found) == 1, "exactly one source line"
    return found[0].replace("<br>", " ")


def _timeline(s: Schedule, c: ChartContext) -> go.Figure:
    return timeline_figure(s, c)


def _timeline_by_theme(s: Schedule, c: ChartContext) -> go.Figure:
    return timeline_figure(s, c, lane_by="theme")


def _heatmap(s: Schedule, c: ChartContext) -> go.Figure:
    return heatmap_figure(trim_matrix(format_audience_matrix(s), load_schedule()), c)


def _network(s: Schedule, c: ChartContext) -> go.Figure:
    g = build_graph(s)
    return network_figure(g, layout(g), c)


def _network_people(s: Schedule, c: ChartContext) -> go.Figure:
    g = build_graph(s, people_as_nodes=True)
    return network_figure(g, layout(g), c)


def _completeness(s: Schedule, c: ChartContext) -> go.Figure:
    return completeness_figure(completeness(s), COMPLETENESS_FIELDS, c)


def _empty(s: Schedule, c: ChartContext) -> go.Figure:
    return empty_figure("Nothing to show", c)


Builder = Callable[[Schedule, ChartContext], go.Figure]
BUILDERS: list = [
    pytest.param(_timeline, id="timeline"),
    pytest.param(_timeline_by_theme, id="timeline-by-theme"),
    *[pytest.param(lambda s, c, d=d, m=m: breakdown_figure(s, d, c, m), id=f"breakdown-{d}-{m}")
      for d in DIMENSIONS for m in ("records", "events")],
    pytest.param(_heatmap, id="heatmap"),
    pytest.param(_network, id="network"),
    pytest.param(_network_people, id="network-people"),
    pytest.param(_completeness, id="completeness"),
    pytest.param(_empty, id="empty"),
]


# ------------------------------------------------------------------------------ what every chart says


@pytest.mark.parametrize("build", BUILDERS)
@pytest.mark.parametrize("f", [Filters(), Filters(formats=("webinar",)), NOTHING], ids=["all", "webinar", "nothing"])
def test_every_figure_explains_itself(s: Schedule, build: Builder, f: Filters) -> None:
    described = describe_filters(f)
    c = ChartContext(filters=described, source=s.meta.citation, page="Breakdowns")
    fig = build(apply_filters(s, f), c)
    spec = json.loads(fig.to_json())
    title = spec["layout"]["title"]
    assert title["text"].strip()
    assert title["subtitle"]["text"] == described
    source = source_text(fig)
    assert "data as of 19 June 2020" in source
    assert "UN Network on Migration" in source
    meta = spec["layout"]["meta"]
    assert meta["alt"].strip() and len(meta["alt"]) > len(meta["title"])
    assert meta["filename"].startswith("breakdowns-")
    assert " " not in meta["filename"] and "(" not in meta["filename"]


@pytest.mark.parametrize("build", BUILDERS)
def test_the_subtitle_changes_with_the_filters(s: Schedule, build: Builder) -> None:
    subtitles = set()
    for f in (Filters(), Filters(formats=("webinar",)), Filters(include_undated=False, themes=("gender",))):
        c = ChartContext(filters=describe_filters(f), source=s.meta.citation)
        subtitles.add(build(apply_filters(s, f), c).layout.title.subtitle.text)
    assert subtitles == {"All records", "Format: webinar", "Theme: gender · dated records only"}


@pytest.mark.parametrize("build", BUILDERS)
def test_png_config_gives_a_2x_png_named_after_the_chart(s: Schedule, ctx: ChartContext, build: Builder) -> None:
    fig = build(s, ctx)
    config = png_config(fig)
    options = config["toImageButtonOptions"]
    assert options == {"format": "png", "scale": 2, "filename": fig.layout.meta["filename"]}
    assert options["filename"].startswith("tests-")


@pytest.mark.parametrize(
    "build",
    [b for b in BUILDERS if b.id != "empty"],
)
def test_no_match_gives_a_message_and_no_empty_axes(s: Schedule, build: Builder) -> None:
    c = ChartContext(filters=describe_filters(NOTHING), source=s.meta.citation)
    fig = build(apply_filters(s, NOTHING), c)
    assert fig.data == ()
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    messages = [a.text for a in fig.layout.annotations if not a.text.startswith("Source:")]
    assert len(messages) == 1 and "match" in messages[0]


def test_empty_figure(ctx: ChartContext) -> None:
    fig = empty_figure("Nothing here", ctx, message="Pick fewer filters.")
    assert fig.layout.title.text == "Nothing here"
    assert fig.layout.meta["alt"] == "Nothing here: Pick fewer filters."
    assert fig.layout.meta["filename"] == "tests-nothing-here"
    assert fig.layout.annotations[0].text == "Pick fewer filters."


# ------------------------------------------------------------------------------ timeline


def test_timeline_has_one_marker_per_dated_record_and_an_undated_lane(s: Schedule, ctx: ChartContext) -> None:
    fig = timeline_figure(s, ctx)
    dated = traces(fig, "dated")
    undated = traces(fig, "undated")
    dated_ids = [sid for t in dated for sid in t.customdata]
    undated_ids = [sid for t in undated for sid in t.customdata]
    sessions = s.sessions
    assert sorted(dated_ids) == sorted(sessions.loc[sessions["date"].notna(), "session_id"])
    assert sorted(undated_ids) == sorted(sessions.loc[sessions["date"].isna(), "session_id"])
    assert (len(dated_ids), len(undated_ids)) == (10, 7)
    assert all(len(t.x) == len(t.y) == len(t.marker.size) for t in dated + undated)
    assert {t.xaxis for t in undated} == {"x2"}  # the "Undated / TBD" panel, labelled with its count
    assert fig.layout.xaxis2.title.text == "Undated<br>(7)" and fig.layout.xaxis2.side == "top"


def test_timeline_markers_are_coloured_by_format_and_sized_by_events(s: Schedule, ctx: ChartContext) -> None:
    fig = timeline_figure(s, ctx)
    by_format = {t.name: t for t in traces(fig, "dated")}
    assert set(by_format) == {"listening session", "webinar", "Migration Coffee"}
    assert len({t.marker.color for t in by_format.values()}) == 3
    sessions = by_format["listening session"]
    sizes = dict(zip(sessions.customdata, sessions.marker.size, strict=True))
    events = dict(zip(s.sessions["session_id"], s.sessions["event_count"], strict=True))
    two, one = [sizes[k] for k in sizes if events[k] == 2], [sizes[k] for k in sizes if events[k] == 1]
    assert min(two) > max(one)


def test_timeline_has_a_weekly_bar_trace(s: Schedule, ctx: ChartContext) -> None:
    weekly = traces(timeline_figure(s, ctx), "weekly")
    assert len(weekly) == 1
    assert weekly[0].type == "bar"
    assert list(weekly[0].y) == [1, 0, 1, 1, 1, 2, 2, 0, 1, 1]


def test_compact_timeline_has_no_weekly_trace(s: Schedule, ctx: ChartContext) -> None:
    fig = timeline_figure(s, ctx, weekly=False)
    assert traces(fig, "weekly") == []
    assert sum(len(t.x) for t in traces(fig, "dated") + traces(fig, "undated")) == 17


@pytest.mark.parametrize(("f", "n_dated", "n_undated"), [
    (Filters(formats=("webinar",)), 3, 2),
    (Filters(include_undated=False), 10, 0),
    (Filters(sections=("pipeline",)), 0, 4),
    (Filters(date_from=dt.date(2020, 6, 1), date_to=dt.date(2020, 6, 30)), 5, 7),
])
def test_timeline_follows_the_filters(s: Schedule, f: Filters, n_dated: int, n_undated: int) -> None:
    fig = timeline_figure(apply_filters(s, f), ChartContext(filters=describe_filters(f)))
    assert sum(len(t.x) for t in traces(fig, "dated")) == n_dated
    assert sum(len(t.x) for t in traces(fig, "undated")) == n_undated
    assert fig.layout.title.subtitle.text == describe_filters(f)


def test_timeline_lanes_by_theme(s: Schedule, ctx: ChartContext) -> None:
    fig = timeline_figure(s, ctx, lane_by="theme")
    lanes = {y for t in traces(fig, "dated") + traces(fig, "undated") for y in t.y}
    assert {"detention", "gender", "No theme"} <= lanes
    with pytest.raises(ValueError):
        timeline_figure(s, ctx, lane_by="colour")


# ------------------------------------------------------------------------------ bars and heatmap


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_breakdown_bars_match_the_counts(s: Schedule, ctx: ChartContext, dimension: str) -> None:
    for measure in ("records", "events"):
        fig = breakdown_figure(s, dimension, ctx, measure)
        assert len(fig.data) == 1 and fig.data[0].type == "bar"
        assert list(fig.data[0].x) == count_by(s, dimension, measure)["count"].tolist()
        assert fig.layout.title.text.endswith(f"({measure})")


def test_organisation_bars_use_acronyms_and_expand_them_on_hover(s: Schedule, ctx: ChartContext) -> None:
    bar = breakdown_figure(s, "organisation", ctx).data[0]
    assert list(bar.y[:3]) == ["UNICEF", "UNHCR", "IDC"]
    assert "International Detention Coalition" in bar.hovertext[2]


def test_heatmap_marks_empty_cells_with_a_dash_and_writes_every_count(s: Schedule, ctx: ChartContext) -> None:
    grid = trim_matrix(format_audience_matrix(s), s)
    heat = heatmap_figure(grid, ctx).data[0]
    assert heat.type == "heatmap"
    for grid_row, text_row, z_row in zip(grid.to_numpy(), heat.text, heat.z, strict=True):
        for value, text, z in zip(grid_row, text_row, z_row, strict=True):
            assert text == ("–" if value == 0 else str(value))
            assert z == (None if value == 0 else value)
    assert not any("gap" in t for row in heat.text for t in row)
    # An empty cell is white (no fill: the plot background), a count of 1 the lowest, clearly tinted colour.
    assert heatmap_figure(grid, ctx).layout.plot_bgcolor == "#FFFFFF"
    assert heat.zmin == 1 and heat.colorscale[0][1] != "#FFFFFF"
    assert "8 of 18" in heatmap_figure(grid, ctx).layout.meta["alt"]


def test_heatmap_columns_match_the_audience_bars(s: Schedule, ctx: ChartContext) -> None:
    for measure in ("records", "events"):
        heat = heatmap_figure(trim_matrix(format_audience_matrix(s, measure)), ctx, measure).data[0]
        bars = breakdown_figure(s, "audience", ctx, measure).data[0]
        shown = list(heat.customdata[0])  # full names; the column labels are short ("UN networks")
        assert shown == [y for y in bars.y if y in shown] == list(bars.y)
        assert list(bars.y)[-2:] == ["Not stated", "TBD"]
        assert "published commentary" not in heat.y


def test_heatmap_of_a_filtered_view_has_no_empty_rows_or_columns(s: Schedule, ctx: ChartContext) -> None:
    view = apply_filters(s, Filters(formats=("webinar",)))
    heat = heatmap_figure(trim_matrix(format_audience_matrix(view), s), ctx).data[0]
    assert list(heat.y) == ["webinar"]
    for j in range(len(heat.x)):
        assert any(row[j] is not None for row in heat.z)


# ------------------------------------------------------------------------------ network


@pytest.mark.parametrize("people", [False, True], ids=["organisations", "people"])
def test_network_has_one_node_marker_per_graph_node(s: Schedule, ctx: ChartContext, people: bool) -> None:
    g = build_graph(s, people_as_nodes=people)
    fig = network_figure(g, layout(g), ctx)
    nodes = traces(fig, "nodes")
    ids = [n for t in nodes for n in t.customdata]
    assert sorted(ids) == sorted(g.nodes)
    assert len(ids) == len(set(ids)) == (30 if people else 24)
    assert all(t.mode == "markers" for t in nodes)
    # The labels are drawn by one text trace after every marker (never covered by another group's markers),
    # which hover and clicks pass through; it holds exactly the node traces' non-empty labels.
    (labels,) = traces(fig, "labels")
    assert fig.data[-1] is labels and labels.hoverinfo == "skip" and labels.marker.opacity == 0
    assert sorted(labels.text) == sorted(t for n in nodes for t in n.text if t)


@pytest.mark.parametrize("people", [False, True], ids=["organisations", "people"])
def test_network_edges_are_drawn_once_and_skip_hover(s: Schedule, ctx: ChartContext, people: bool) -> None:
    g = build_graph(s, people_as_nodes=people)
    fig = network_figure(g, layout(g), ctx)
    edges = traces(fig, "edges")
    assert edges and all(t.hoverinfo == "skip" for t in edges)
    # Each edge is drawn as (a, b, gap).
    assert sum(len(t.x) for t in edges) == 3 * g.number_of_edges()
    widths = {t.name: t.line.width for t in edges}
    heaviest = "co-lead ×3" if people else "co-lead ×4"
    assert widths[heaviest] > widths["co-lead ×1"]
    assert ("affiliation ×1" in widths) is people


def test_network_node_positions_are_the_layout(s: Schedule, ctx: ChartContext) -> None:
    g = build_graph(s)
    pos = layout(g)
    for t in traces(network_figure(g, pos, ctx), "nodes"):
        for node, x, y in zip(t.customdata, t.x, t.y, strict=True):
            assert (x, y) == pos[node]


def test_network_alt_text_names_isolated_leads(s: Schedule, ctx: ChartContext) -> None:
    g = build_graph(s)
    alt = network_figure(g, layout(g), ctx).layout.meta["alt"]
    assert "24 leads" in alt and "27" in alt
    assert "FAO" in alt and "Zolberg Institute" in alt


# ------------------------------------------------------------------------------ completeness


def test_completeness_figure_cells(s: Schedule, ctx: ChartContext) -> None:
    comp = completeness(s)
    heat = completeness_figure(comp, COMPLETENESS_FIELDS, ctx).data[0]
    assert list(heat.x) == list(COMPLETENESS_FIELDS)
    assert len(heat.z) == len(comp) == 17
    assert [list(r) for r in heat.customdata] == comp[list(COMPLETENESS_FIELDS)].to_numpy().tolist()
    assert list(heat.customdata[0]) == ["missing", "TBD", "missing", "missing", "missing", "missing", "missing"]


def test_completeness_figure_draws_one_row_per_record(s: Schedule, ctx: ChartContext) -> None:
    heat = completeness_figure(completeness(s), COMPLETENESS_FIELDS, ctx).data[0]
    assert len(set(heat.y)) == len(heat.z) == 17


# ------------------------------------------------------------------------------ markup in source text


def test_topic_markup_is_escaped_in_timeline_hover(hostile: Schedule, ctx: ChartContext) -> None:
    fig = timeline_figure(hostile, ctx)
    hover = " ".join(h for t in traces(fig, "dated") + traces(fig, "undated") for h in t.hovertext)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hover
    assert "<script>" not in hover
    assert "&lt;b&gt;Evil&lt;/b&gt; Org" in hover
    assert "&lt;img src=x onerror=alert(2)&gt;" in hover
    assert "Second &amp; &lt;i&gt;third&lt;/i&gt;" in hover
    assert "<img" not in hover and "<i>third" not in hover


def test_lead_markup_is_escaped_in_timeline_lane_labels(hostile: Schedule, ctx: ChartContext) -> None:
    fig = timeline_figure(hostile, ctx)
    for labels in ([y for t in traces(fig, "dated") + traces(fig, "undated") for y in t.y],
                   list(fig.layout.yaxis.categoryarray)):
        assert not any("<b>Evil" in label or "<img" in label for label in labels)
        assert any("&lt;b&gt;Evil&lt;/b&gt; Org" in label for label in labels)


def test_markup_is_escaped_in_bars_network_and_completeness(hostile: Schedule, ctx: ChartContext) -> None:
    bar = breakdown_figure(hostile, "organisation", ctx).data[0]
    assert "&lt;b&gt;Evil&lt;/b&gt; Org" in bar.y
    assert not any("<b>Evil" in h for h in bar.hovertext)
    g = build_graph(hostile)
    nodes = traces(network_figure(g, layout(g), ctx), "nodes")
    texts = [x for t in nodes for x in t.text] + [h for t in nodes for h in t.hovertext]
    assert not any("<b>Evil" in x or "<img" in x for x in texts)
    heat = completeness_figure(completeness(hostile), COMPLETENESS_FIELDS, ctx).data[0]
    assert not any("<script>" in y for y in heat.y)


def test_markup_in_the_filters_and_source_is_escaped(hostile: Schedule) -> None:
    c = ChartContext(filters="Lead: <b>Evil</b> Org", source="Source: <i>x</i> · data as of today", page="p")
    for fig in (timeline_figure(hostile, c), breakdown_figure(hostile, "format", c), empty_figure("T <b>", c)):
        assert fig.layout.title.subtitle.text == "Lead: &lt;b&gt;Evil&lt;/b&gt; Org"
        assert "&lt;i&gt;x&lt;/i&gt;" in source_text(fig)
    assert empty_figure("T <b>", c).layout.title.text == "T &lt;b&gt;"


@pytest.mark.parametrize("people", [False, True], ids=["organisations", "people"])
@pytest.mark.parametrize("width", [320, 326, 528, 700, 1000, 1200, 1600])
def test_network_labels_never_overlap_at_any_plot_width(s: Schedule, ctx: ChartContext, people: bool,
                                                        width: int) -> None:
    """Label boxes estimated from text length × font size, at the scale Plotly draws the layout with."""
    from analysis.network import label_box

    g = build_graph(s, people_as_nodes=people)
    fig = network_figure(g, layout(g), ctx)
    lay = fig.layout
    h = lay.height - lay.margin.t - lay.margin.b
    (x0, x1), (y0, y1) = lay.meta["extent"]
    scale = min(width / (x1 - x0), h / (y1 - y0))  # equal scales: the tighter of the two
    boxes = []
    for trace in traces(fig, "nodes"):
        assert trace.marker.opacity == 1
        for x, y, text, where, size in zip(trace.x, trace.y, trace.text, trace.textposition, trace.marker.size,
                                           strict=True):
            if text:
                px, py = width / 2 + (x - (x0 + x1) / 2) * scale, h / 2 + (y - (y0 + y1) / 2) * scale
                boxes.append((text, label_box(px, py, text, where, trace.textfont.size, size)))
    labelled = {text for text, _ in boxes}
    top = centrality(g)["label"].head(2).tolist()
    assert set(top) <= labelled, top  # the best bridges are always named
    for i, (a, box_a) in enumerate(boxes):
        assert box_a.x0 >= -0.01 and box_a.x1 <= width + 0.01, a  # inside the plot area
        assert box_a.y0 >= -0.01 and box_a.y1 <= h + 0.01, a
        for b, box_b in boxes[i + 1:]:
            assert not box_a.overlaps(box_b, 1.0), (a, b)


def test_network_axes_keep_the_ranges_labels_were_placed_for(s: Schedule, ctx: ChartContext) -> None:
    """Fixed ranges (the padded extent), not autorange: autorange pads by marker size, which shrinks the
    scale below the one the labels were placed for. The legend is stacked so it is as narrow as an entry."""
    fig = network_figure(build_graph(s), layout(build_graph(s)), ctx)
    (x0, x1), (y0, y1) = fig.layout.meta["extent"]
    assert tuple(fig.layout.xaxis.range) == (x0, x1) and tuple(fig.layout.yaxis.range) == (y0, y1)
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.legend.orientation == "v"
    names = [t.name for t in traces(fig, "nodes")]
    legend_px = 24 + 21 * len(names)
    assert fig.layout.margin.t >= 84 + legend_px  # the stacked legend sits above the plot area
    assert fig.layout.height - fig.layout.margin.t - fig.layout.margin.b == 640 - 140 - 128


def test_timeline_hover_says_not_stated_never_nan(s: Schedule, ctx: ChartContext) -> None:
    fig = timeline_figure(s, ctx)
    hovers = {cd: h for t in fig.data if t.meta in ("dated", "undated") for cd, h in zip(t.customdata, t.hovertext,
                                                                                         strict=True)}
    sid = s.sessions.loc[s.sessions["source_line"] == 16, "session_id"].iloc[0]  # no audience written
    assert "Audiences: not stated" in hovers[sid]
    assert not any("nan" in h.split() or "None" in h for h in hovers.values())


def test_timeline_marks_planned_records_open_and_the_as_of_date(s: Schedule, ctx: ChartContext) -> None:
    fig = timeline_figure(s, ctx)
    symbols = {cd: sym for t in traces(fig, "dated") for cd, sym in zip(t.customdata, t.marker.symbol, strict=True)}
    when = dict(zip(s.sessions["session_id"], timing(s), strict=True))
    for sid, sym in symbols.items():
        assert sym.endswith("-open") == (when[sid] == "planned"), sid
    assert sum(sym.endswith("-open") for sym in symbols.values()) == 2  # 2 and 9 July, after 19 June
    assert any(a.name == "as-of" and a.text == "as of 19 Jun" for a in fig.layout.annotations)
    assert fig.layout.xaxis.dtick is None  # automatic ticks: Plotly spaces them for the width
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.yref == "container"
