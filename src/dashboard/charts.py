"""Cached figure building: the same filters give the same figure, so it is built once per server process.

Figures depend only on the chosen schedule (named by ``View.key``: its content hash and citation), the
filters and a few display parameters; caching them on those keys takes the figure work out of every rerun
that revisits a view (a page switch, a filter set back), for every session looking at the same capture.

The cache holds the built :class:`go.Figure` itself (``st.cache_resource``: no copy, no JSON round trip on
a hit), shared by every session and never mutated: every caller only reads it (Streamlit serialises it,
``analysis.figures.sized_for`` copies it). The same object every time means the same spec every time, so
Streamlit keeps the chart's identity (a click's selection survives) and its message cache does not send an
identical chart again.

:func:`derived` caches any other read-only result computed from the filtered schedule (metrics, highlights)
the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import plotly.graph_objects as go
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

from .state import FILTERS_HASH, View

T = TypeVar("T")


def _context(full: Schedule, filters: Filters, page: str) -> tuple[ChartContext, Schedule, Schedule]:
    acr = full.reference.acronyms()
    ctx = ChartContext(filters=describe_filters(filters, acr), source=full.meta.citation, page=page)
    return ctx, full, apply_filters(full, filters)


@st.cache_resource(show_spinner=False, max_entries=512, hash_funcs=FILTERS_HASH)
def _figure(key: str, _full: Schedule, kind: str, filters: Filters, page: str,
            params: tuple[tuple[str, object], ...]) -> go.Figure:
    """The figure, shared and read-only; ``key`` stands for ``_full`` (which Streamlit does not hash)."""
    return _build(_full, kind, filters, page, dict(params))


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
    """The figure ``kind`` (timeline, breakdown, matrix, network, completeness) for the view's data and filters.

    The returned figure is shared by every session: read it, draw it, never change it (copy it with
    ``go.Figure(fig)`` first).
    """
    return _figure(view.key, view.full, kind, view.filters, page, tuple(sorted(params.items())))


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=FILTERS_HASH)
def _report(key: str, _full: Schedule, filters: Filters) -> dict[str, go.Figure]:
    ctx, full, view = _context(_full, filters, "report")
    return report_figures(full, view, ctx)


def report(view: View) -> dict[str, go.Figure]:
    """The report's figures for the view's filters (shared and read-only, like :func:`figure`'s)."""
    return dict(_report(view.key, view.full, view.filters))


@st.cache_resource(show_spinner=False, max_entries=256, hash_funcs=FILTERS_HASH)
def _derived(key: str, filters: Filters, name: str, params: tuple[tuple[str, object], ...],
             _fn: Callable[..., T], _schedule: Schedule) -> T:
    return _fn(_schedule, **dict(params))


def derived(view: View, fn: Callable[..., T], **params: object) -> T:
    """``fn(view.schedule, **params)``, computed once per (data, filters, function, params) per server.

    For pure functions of the filtered schedule whose result is only read (metrics, highlights, counts):
    the result is shared by every session, so never change it.

    Example:
        >>> m = derived(view, metrics)  # doctest: +SKIP
    """
    name = f"{fn.__module__}.{fn.__qualname__}"
    return _derived(view.key, view.filters, name, tuple(sorted(params.items())), fn, view.schedule)
