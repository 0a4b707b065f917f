"""Cached figure building: the same filters give the same figure, so it is built once per server process.

Figures depend only on the chosen schedule (named by ``View.key``: its content hash and citation), the
filters and a few display parameters; caching them on those keys takes the figure work out of every rerun
that revisits a view (a page switch, a filter set back), for every session looking at the same capture.

The cache holds figures as JSON and every call rebuilds the figure from it, so the first call (a cache miss)
and later ones give byte-identical charts: Streamlit derives a chart's identity from its spec, and a figure
whose keys came back in another order would be a new chart, dropping a click's selection.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from analysis import Schedule
from analysis.aggregate import COMPLETENESS_FIELDS, completeness, format_audience_matrix, trim_matrix
from analysis.figures import (
    ChartContext,
    breakdown_figure,
    completeness_figure,
    heatmap_figure,
    network_figure,
    timeline_figure,
)
from analysis.filters import Filters, apply_filters, describe_filters
from analysis.network import build_graph, layout
from analysis.report import report_figures

from .state import View


def _context(full: Schedule, filters: Filters, page: str) -> tuple[ChartContext, Schedule, Schedule]:
    acr = full.reference.acronyms()
    ctx = ChartContext(filters=describe_filters(filters, acr), source=full.meta.citation, page=page)
    return ctx, full, apply_filters(full, filters)


@st.cache_data(show_spinner=False, max_entries=512)
def _figure(key: str, _full: Schedule, kind: str, filters: Filters, page: str,
            params: tuple[tuple[str, object], ...]) -> str:
    """The figure as JSON; ``key`` stands for ``_full`` (which Streamlit does not hash)."""
    return pio.to_json(_build(_full, kind, filters, page, dict(params)), validate=False)


def _build(full: Schedule, kind: str, filters: Filters, page: str, p: dict[str, object]) -> go.Figure:
    ctx, full, view = _context(full, filters, page)
    if kind == "timeline":
        return timeline_figure(view, ctx, lane_by=str(p.get("lane_by", "group")))
    if kind == "breakdown":
        return breakdown_figure(view, str(p["dimension"]), ctx, str(p.get("measure", "records")))
    if kind == "matrix":
        measure = str(p.get("measure", "records"))
        return heatmap_figure(trim_matrix(format_audience_matrix(view, measure), full), ctx, measure)
    if kind == "network":
        g = build_graph(view, people_as_nodes=bool(p.get("people", False)))
        return network_figure(g, layout(g), ctx)
    if kind == "completeness":
        return completeness_figure(completeness(view), COMPLETENESS_FIELDS, ctx)
    raise ValueError(f"unknown figure kind {kind!r}")


def figure(view: View, kind: str, page: str, **params: object) -> go.Figure:
    """The figure ``kind`` (timeline, breakdown, matrix, network, completeness) for the view's data and filters."""
    return pio.from_json(_figure(view.key, view.full, kind, view.filters, page, tuple(sorted(params.items()))))


@st.cache_data(show_spinner=False, max_entries=64)
def _report(key: str, _full: Schedule, filters: Filters) -> dict[str, str]:
    ctx, full, view = _context(_full, filters, "report")
    return {name: pio.to_json(fig, validate=False) for name, fig in report_figures(full, view, ctx).items()}


def report(view: View) -> dict[str, go.Figure]:
    """The report's figures for the view's filters."""
    return {name: pio.from_json(text) for name, text in _report(view.key, view.full, view.filters).items()}
