"""No "nan", "None" or "NaT" anywhere a reader looks: every figure's JSON (titles, texts, hover texts and
templates, annotations, tick labels) and every table the app exports, over the bundled page, filtered
views and a page with empty cells everywhere."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from analysis import Schedule, load_schedule
from analysis.aggregate import (
    COMPLETENESS_FIELDS,
    chase_list,
    completeness,
    count_by,
    format_audience_matrix,
    gap_records,
    trim_matrix,
)
from analysis.export import readable_frame, to_csv_bytes
from analysis.figures import (
    EXPORT_PRESETS,
    ChartContext,
    breakdown_figure,
    completeness_figure,
    heatmap_figure,
    network_figure,
    sized_for,
    timeline_figure,
)
from analysis.filters import Filters, apply_filters, describe_filters
from analysis.network import build_graph, centrality, edge_table, layout, node_records
from analysis.report import open_gaps, report_figures, report_html

MISSING_WORDS = re.compile(r"\b(nan|NaN|None|NaT|<NA>)\b")
DIMENSIONS = ("format", "audience", "working_group", "org_type", "organisation", "theme", "gcm_objective")

# Empty cells in every column, a TBD audience, an unreadable date, a lead with no organisation.
SPARSE_PAGE = """Date | Topic | Working Group (WG) and Co-leads | Format, Audience and Purpose | Documents |
---|---|---|---|---|
7 May |  | UNICEF | Format: Webinar | |
Funday 1 June | Something | Somebody Unknown | Format: Listening Session Audience: TBD | |
TBD | | | | |
 | Pipeline thing | Mixed Migration Center, others | Webinar | |
"""

VIEWS = {
    "all": Filters(),
    "pipeline": Filters(sections=("pipeline",)),
    "webinars": Filters(formats=("webinar",)),
    "dated only": Filters(include_undated=False),
    "nothing": Filters(formats=("webinar",), working_groups=("WG6",)),
}


@pytest.fixture(scope="module")
def full() -> Schedule:
    return load_schedule()


@pytest.fixture(scope="module")
def sparse() -> Schedule:
    return load_schedule(SPARSE_PAGE.encode())


def strings(node: object) -> Iterator[str]:
    """Every string in a JSON-like structure (keys excluded)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from strings(value)


def figures_of(full: Schedule, view: Schedule, ctx: ChartContext) -> dict[str, go.Figure]:
    figs: dict[str, go.Figure] = {
        "timeline": timeline_figure(view, ctx),
        "timeline by theme": timeline_figure(view, ctx, lane_by="theme"),
        "compact timeline": timeline_figure(view, ctx, weekly=False),
        "completeness": completeness_figure(completeness(view), COMPLETENESS_FIELDS, ctx),
    }
    for measure in ("records", "events"):
        figs[f"matrix {measure}"] = heatmap_figure(trim_matrix(format_audience_matrix(view, measure), full), ctx,
                                                   measure)
        for dim in DIMENSIONS:
            figs[f"{dim} {measure}"] = breakdown_figure(view, dim, ctx, measure)
    for people in (False, True):
        g = build_graph(view, people_as_nodes=people)
        for colour_by in ("working_group", "org_type"):
            figs[f"network {people} {colour_by}"] = network_figure(g, layout(g), ctx, colour_by=colour_by)
    for name, fig in report_figures(full, view, ctx).items():
        figs[f"report {name}"] = fig
    return figs


def assert_clean(texts: Iterator[str], where: str) -> None:
    for text in texts:
        found = MISSING_WORDS.search(text)
        assert found is None, f"{where}: {found.group(0)!r} in {text[:200]!r}"


def _schedules(full: Schedule, sparse: Schedule) -> Iterator[tuple[str, Schedule, Schedule, Filters]]:
    for name, f in VIEWS.items():
        yield name, full, apply_filters(full, f), f
    yield "sparse page", sparse, sparse, Filters()


def test_no_figure_json_reads_nan_none_or_nat(full: Schedule, sparse: Schedule) -> None:
    checked = 0
    for name, base, view, f in _schedules(full, sparse):
        ctx = ChartContext(filters=describe_filters(f, base.reference.acronyms()), source=base.meta.citation,
                           page="tests")
        for kind, fig in figures_of(base, view, ctx).items():
            spec = json.loads(pio.to_json(fig, validate=False))
            spec["layout"].pop("template", None)
            assert_clean(strings(spec), f"{name} / {kind}")
            checked += 1
    assert checked >= 5 * 30


def test_sized_exports_keep_their_texts_clean(full: Schedule) -> None:
    ctx = ChartContext(source=full.meta.citation, page="tests")
    for kind, fig in report_figures(full, full, ctx).items():
        for preset in EXPORT_PRESETS:
            spec = json.loads(pio.to_json(sized_for(fig, preset), validate=False))
            spec["layout"].pop("template", None)
            assert_clean(strings(spec), f"{kind} at {preset}")


def test_no_exported_table_reads_nan_none_or_nat(full: Schedule, sparse: Schedule) -> None:
    for name, base, view, _f in _schedules(full, sparse):
        g = build_graph(view)
        tables = {
            "chase list": chase_list(view),
            "gaps": gap_records(view),
            "completeness": completeness(view),
            "report gaps": open_gaps(view),
            "edges": edge_table(g),
            "centrality": centrality(g),
            "counts": count_by(view, "audience", "events"),
            "sessions": view.sessions,
            "leads": view.leads,
            "audiences": view.audiences,
            "problems": base.problems,
        }
        for node in list(g.nodes)[:3]:
            tables[f"records of {node}"] = node_records(g, node, view)
        for table, frame in tables.items():
            csv = to_csv_bytes(frame).decode("utf-8-sig")
            assert_clean(iter(csv.splitlines()), f"{name} / {table} CSV")
            shown = readable_frame(frame)
            assert_clean((str(v) for v in shown.to_numpy().ravel()), f"{name} / {table} shown")


def test_the_html_report_reads_no_missing_words(full: Schedule, sparse: Schedule) -> None:
    for base in (full, sparse):
        ctx = ChartContext(source=base.meta.citation, page="report")
        html = report_html(base, base, ctx)
        body = html[html.index("<body>"):]
        # Text outside the embedded figure JSON and plotly.js: the strip, highlights, gaps, footer.
        visible = re.sub(r"<script.*?</script>", "", body, flags=re.S)
        assert_clean(iter(re.sub(r"<[^>]+>", " ", visible).splitlines()), "report")
