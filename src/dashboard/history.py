"""Streamlit glue for the Changes page: a cached diff of two captures, its table, CSV, report and charts.

The work is done by :mod:`analysis.compare` (the diff), :mod:`analysis.ageing` (the backlog per capture) and
:mod:`analysis.history_figures` (the charts); this module only caches their results per pair of captures and
shapes them for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from analysis import history_figures
from analysis.ageing import backlog
from analysis.compare import diff
from analysis.export import to_csv_bytes
from analysis.figures import ChartContext
from analysis.filters import to_query
from analysis.report import report_html

from . import source

if TYPE_CHECKING:
    from analysis.compare import Changes
    from analysis.store import CaptureInfo

    from .state import View

COLUMNS = ("kind", "label", "before", "after", "old_lines", "new_lines", "score")
"""Columns of the changes table and CSV, in order."""
COLUMN_CONFIG = {
    "kind": st.column_config.TextColumn("Change", width="small"),
    "label": st.column_config.TextColumn("Record", width="medium"),
    "before": st.column_config.TextColumn("Before", width="medium"),
    "after": st.column_config.TextColumn("After", width="medium"),
    "old_lines": st.column_config.TextColumn("Old lines", width="small", help="Source lines in the older capture."),
    "new_lines": st.column_config.TextColumn("New lines", width="small", help="Source lines in the newer capture."),
    "score": st.column_config.NumberColumn(
        "Match", format="%d", width="small",
        help="How alike the two records are (100: same topic, leads and working group)."),
}


@dataclass(frozen=True)
class ChangeResult:
    """A diff ready for the page: the :class:`~analysis.compare.Changes`, its table and two sentences."""

    changes: Changes
    summary: str
    sides: str

    @property
    def frame(self) -> pd.DataFrame:
        """One row per change (all columns of ``Changes.frame``)."""
        return self.changes.frame


def _key(info: CaptureInfo) -> str:
    return f"{info.id}:{info.sha256}:{info.partial}"


@st.cache_data(show_spinner="Comparing the captures…", max_entries=32)
def _diff(old_key: str, new_key: str, partial_old: bool, partial_new: bool, _old: Any, _new: Any) -> Changes:
    """The diff of two schedules, once per pair of captures (the keys stand for the schedules)."""
    return diff(_old, _new, partial_old=partial_old, partial_new=partial_new)


def _side(info: CaptureInfo, records: int) -> str:
    partial = ", partial" if info.partial else ""
    return f"#{info.id} {info.name} (as of {info.as_of:%-d %b %Y}{partial}): {records} records"


def changes(old: CaptureInfo, new: CaptureInfo) -> ChangeResult:
    """The changes from capture ``old`` to capture ``new`` (partial marks taken from the captures)."""
    result = _diff(_key(old), _key(new), old.partial, new.partial, source.schedule_of(old), source.schedule_of(new))
    sides = f"Older: {_side(old, result.old_records)}. Newer: {_side(new, result.new_records)}."
    return ChangeResult(result, result.summary, sides)


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table's columns with empty values as "–" (never "None"/"nan") and lines as text."""
    out = frame.loc[:, [c for c in COLUMNS if c in frame.columns]].copy()
    for col in out.columns:
        if col == "score":
            out[col] = pd.to_numeric(out[col], errors="coerce").round()
            continue
        out[col] = out[col].map(lambda v: "–" if v is None or (not isinstance(v, str | tuple | list) and pd.isna(v))
                                or v == "" else (", ".join(map(str, v)) if isinstance(v, tuple | list) else str(v)))
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The changes as CSV (formulas neutralised, like every export)."""
    return to_csv_bytes(frame.loc[:, [c for c in frame.columns if c not in ("old_match_key", "new_match_key")]])


def file_name(old: CaptureInfo, new: CaptureInfo, ext: str) -> str:
    """E.g. ``changes-2020-05-25-to-2020-06-19.csv``."""
    return f"changes-{old.as_of:%Y-%m-%d}-to-{new.as_of:%Y-%m-%d}.{ext}"


def report_bytes(view: View, old: CaptureInfo, new: CaptureInfo, result: ChangeResult) -> str:
    """The HTML report of the view, with a "changes since" block for these captures."""
    query = urlencode({**to_query(view.filters), **source.url_value(view.capture)}, doseq=True)
    return report_html(view.full, view.schedule, view.ctx("report"), query, changes=result.changes)


def _ctx(description: str, sources: str) -> ChartContext:
    return ChartContext(filters=description, source=f"Source: {sources}", page="changes")


def _named(info: CaptureInfo) -> str:
    return f"{info.source_name} (as of {info.as_of:%-d %B %Y})"


@st.cache_data(show_spinner=False, max_entries=32)
def _moves_json(old_key: str, new_key: str, source_text: str, _result: Any, _ctx: Any) -> str:
    return pio.to_json(history_figures.moves_figure(_result, _ctx), validate=False)


def moves_figure(result: ChangeResult, old: CaptureInfo, new: CaptureInfo, view: View) -> go.Figure:
    """The moves chart (an arrow per moved record, old date → new date)."""
    description = f"#{old.id} {old.name} → #{new.id} {new.name}"
    ctx = _ctx(description, f"{_named(old)} and {_named(new)}")
    return pio.from_json(_moves_json(_key(old), _key(new), ctx.source + description, result.changes, ctx))


@st.cache_data(show_spinner=False, max_entries=16)
def _backlog_json(keys: tuple[str, ...], citation: str, _items: Any, _ctx: Any) -> str:
    history = [(info, source.schedule_of(info)) for info in _items]
    return pio.to_json(history_figures.backlog_figure(backlog(history), _ctx), validate=False)


def backlog_figure(items: list[CaptureInfo]) -> go.Figure:
    """Open pipeline and undated items per capture date."""
    ctx = _ctx(f"{len(items)} captures", f"{len(items)} captures of the schedule page, as of "
               f"{items[0].as_of:%-d %B %Y} to {items[-1].as_of:%-d %B %Y}")
    return pio.from_json(_backlog_json(tuple(_key(i) for i in items), ctx.source, items, ctx))
