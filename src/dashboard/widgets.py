"""Page building blocks shared by the pages: layout rows that stack on narrow screens, metric strips whose labels
never truncate, charts with a visible document-sized PNG download, URL-kept page settings and escaping.

Everything here lays out widgets; the numbers and figures come from :mod:`analysis`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import Schedule, aggregate, figures, network
from analysis import ageing as ageing_mod
from analysis.aggregate import HELD, PLANNED
from analysis.aggregate import UNDATED_TIMING as UNDATED
from analysis.filters import Filters
from analysis.store import CaptureInfo

from . import source, ui
from .state import FILTERS_HASH, View, url_setting

# ------------------------------------------------------------------------------------------ escaping

# ------------------------------------------------------------------------------------------ layout

# Cells of a row wrap onto their own line below this width, so two charts are never squeezed side by side.
MIN_CELL_REM = 28
_LAYOUT_CSS = f"""
<style>
[data-testid="stLayoutWrapper"]:has(> [class*="st-key-cell-"]) {{ flex: 1 1 {MIN_CELL_REM}rem !important;
  min-width: min(100%, {MIN_CELL_REM}rem) !important; }}
@media (max-width: 1200px) {{ [data-testid="stMainBlockContainer"] {{ padding-left: 1.5rem !important;
  padding-right: 1.5rem !important; }} }}
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div {{ white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }}
[data-testid="stMetricValue"] > div {{ white-space: normal !important; overflow-wrap: anywhere; }}
</style>
"""


def page_css() -> None:
    """The layout rules the helpers below rely on (wrapping rows, metric labels that wrap). Call once per page."""
    st.html(_LAYOUT_CSS)


def row(key: str, n: int) -> list[st.delta_generator.DeltaGenerator]:
    """``n`` side-by-side cells that each keep at least :data:`MIN_CELL_REM` and wrap onto their own line
    when the main area is narrower (1024 px with the sidebar open, phones): one chart per line there."""
    outer = st.container(horizontal=True, key=f"row-{key}", gap="medium")
    return [outer.container(key=f"cell-{key}-{i}") for i in range(n)]


@dataclass(frozen=True)
class Metric:
    """One headline figure: a short label (never truncated), its value and the help text that explains it."""

    label: str
    value: object
    help: str | None = None


def metric_strip(items: Sequence[Metric], key: str) -> None:
    """Metrics in a row that wraps: each card keeps its label whole at any width."""
    box = st.container(horizontal=True, key=f"metrics-{key}", gap="small")
    for m in items:
        box.metric(m.label, m.value, help=m.help, border=True, width=150)


# ------------------------------------------------------------------------------------------ page settings in the URL

def measure_control(key: str = "bd_measure") -> str:
    """Records / Events switch kept in the URL (``?measure=Events``); returns "records" or "events"."""
    url_setting(key, "Records", ["Records", "Events"], param="measure")
    choice = st.segmented_control(
        "Count", ["Records", "Events"], default="Records", key=key,
        help="Records: rows of the schedule. Events: a record such as 'Listening Sessions (2)' counts twice; "
        "a publication or a bare placeholder counts as no event.",
    )
    return "events" if choice == "Events" else "records"


# ------------------------------------------------------------------------------------------ charts with exports

def png_bytes(fig: go.Figure, preset: str) -> bytes:
    """The figure as a PNG at a document size (:data:`analysis.figures.EXPORT_PRESETS`), whatever the window."""
    return figures.to_png(fig, preset)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def export_menu(fig: go.Figure, key: str) -> None:
    """A visible "Download PNG" button opening the document presets; each image is built only when clicked
    (a deferred download), and clicking does not rerun the page."""
    meta = fig.layout.meta or {}
    name = str(meta.get("filename") or key)
    with st.popover("Download PNG", icon=":material/download:", key=f"{key}-export"):
        st.caption("Fixed sizes for documents: text stays readable whatever the window width.")
        for preset in figures.EXPORT_PRESETS:
            st.download_button(
                preset, _deferred_png(fig, preset), file_name=f"{name}-{_slug(preset)}.png", mime="image/png",
                key=f"{key}-png-{_slug(preset)}", on_click="ignore", width="stretch",
            )


def _deferred_png(fig: go.Figure, preset: str) -> Callable[[], bytes]:
    return lambda: png_bytes(fig, preset)


def chart(fig: go.Figure, key: str, *, export: bool = True, min_width: int | None = None,
          **kwargs: object) -> object:
    """Draw ``fig`` (stable key, the figure's own PNG config and alt text) with its download menu below it.

    ``min_width`` (px): a chart that cannot be read narrower (a calendar, a matrix, a network) keeps this width
    on a phone and scrolls sideways inside its own box; the page itself never scrolls sideways.
    """
    if min_width:
        st.html(f"<style>.st-key-wide-{key} {{ overflow-x: auto; overflow-y: hidden; }}"
                f" .st-key-wide-{key} > * {{ min-width: {int(min_width)}px; }}</style>")
        with st.container(key=f"wide-{key}"):
            state = ui.chart(fig, key=key, **kwargs)
    else:
        state = ui.chart(fig, key=key, **kwargs)
    if export:
        export_menu(fig, key)
    return state


def text_table(frame: pd.DataFrame, labels: dict[str, str] | None = None, key: tuple[object, ...] | None = None
               ) -> None:
    """A static table whose text wraps to the page width (no sideways scrolling): for short lists people read
    whole. st.table reads cells as Markdown, so every cell and header is escaped first.

    ``key``, when given, stands for ``frame``'s content (the data, filters and columns it was built from): its
    escaped cells are then built once per key per server, not on every rerun.
    """
    labelled = tuple((labels or {}).items())
    shown = _escaped(key, frame, labelled) if key is not None else _escape(frame, labelled)
    st.table(shown, hide_index=True)


def _escape(frame: pd.DataFrame, labels: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    return frame.rename(columns=dict(labels)).map(_cell).rename(columns=ui.md_escape)


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=FILTERS_HASH)
def _escaped(key: tuple[object, ...], _frame: pd.DataFrame, labels: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    return _escape(_frame, labels)


def _cell(value: object) -> str:
    """A table cell as escaped Markdown; "–" for a missing value (never "nan", "None" or "<NA>")."""
    if value is None or (not isinstance(value, str | tuple | list) and pd.isna(value)) or value == "":
        return "–"
    return ui.md_escape(value)


def csv_button(frame: pd.DataFrame, label: str, file_name: str, key: str) -> None:
    """A CSV download built when clicked (UTF-8 with BOM, spreadsheet formulas neutralised)."""
    from analysis.export import to_csv_bytes

    st.download_button(label, lambda: to_csv_bytes(frame), file_name=file_name, mime="text/csv", key=key,
                       icon=":material/download:", on_click="ignore")


def bytes_button(data: Callable[[], bytes], label: str, file_name: str, mime: str, key: str) -> None:
    """A download whose bytes are built when clicked."""
    st.download_button(label, data, file_name=file_name, mime=mime, key=key, icon=":material/download:",
                       on_click="ignore")


# ------------------------------------------------------------------------------------------ data for the pages


def timing_counts(schedule: Schedule) -> dict[str, tuple[int, int]]:
    """"held" / "planned" / "undated" (:func:`analysis.aggregate.timing`) → (records, events)."""
    t = aggregate.timing(schedule)
    events = schedule.sessions["event_count"]
    return {k: (int((t == k).sum()), int(events[t == k].sum())) for k in (HELD, PLANNED, UNDATED)}


def centrality_table(schedule: Schedule, *, people_as_nodes: bool = False) -> pd.DataFrame:
    """:func:`analysis.network.centrality` of the schedule's co-lead graph (for :func:`dashboard.charts.derived`)."""
    return network.centrality(network.build_graph(schedule, people_as_nodes=people_as_nodes))


def edge_list(schedule: Schedule, *, people_as_nodes: bool = False) -> pd.DataFrame:
    """:func:`analysis.network.edge_table` of the schedule's co-lead graph (for :func:`dashboard.charts.derived`)."""
    return network.edge_table(network.build_graph(schedule, people_as_nodes=people_as_nodes))


@dataclass(frozen=True)
class History:
    """The stored captures as the Gaps page needs them: how many, the chosen capture's ageing table (None
    with fewer than two captures) and the backlog per capture date."""

    captures: int
    ageing: pd.DataFrame | None
    backlog: pd.DataFrame
    key: tuple[object, ...] = ()
    """The stored captures and the chosen one, for caches of anything computed from this history."""


@st.cache_resource(show_spinner=False, max_entries=32)
def _history(key: tuple[object, ...], chosen_id: int | None, _pairs: list[tuple[CaptureInfo, Schedule]]) -> History:
    table = None
    if chosen_id is not None and len(_pairs) >= 2 and ageing_mod.has_history(_pairs, chosen_id):
        table = ageing_mod.ageing(_pairs, chosen_id)
    return History(len(_pairs), table, ageing_mod.backlog(_pairs), key)


def history(view: View) -> History:
    """Ageing and backlog over the stored captures (none without a store); computed once per set of captures
    and shared by every session: read it, never change it."""
    infos = view.captures
    pairs = [(info, source.schedule_of(info)) for info in infos]
    chosen = view.capture.id if view.capture is not None else None
    key = (tuple((i.id, i.sha256, str(i.as_of), i.partial) for i in infos), chosen)
    return _history(key, chosen, pairs)


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=FILTERS_HASH)
def _chase(key: str, filters: Filters, history_key: tuple[object, ...], _schedule: Schedule,
           _ageing: pd.DataFrame | None) -> pd.DataFrame:
    return aggregate.chase_list(_schedule, _ageing)


def chase(view: View, hist: History) -> pd.DataFrame:
    """:func:`analysis.aggregate.chase_list` of the view, aged by ``hist``: once per data, filters and captures,
    shared by every session (read it, never change it)."""
    return _chase(view.key, view.filters, hist.key, view.schedule, hist.ageing)
