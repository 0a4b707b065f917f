"""Data & export: the tidy tables (filtered) with CSV and XLSX downloads, the data dictionary and the problems."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.dictionary import COLUMNS, data_dictionary
from analysis.export import to_csv_bytes, to_xlsx_bytes
from dashboard import charts, tables, ui, widgets
from dashboard.state import View, current_view, url_setting

TABLES = ("sessions", "leads", "audiences", "problems", "dictionary")


def _config(name: str, frame: pd.DataFrame) -> dict[str, object]:
    docs = COLUMNS.get(name, {})
    config: dict[str, object] = {
        c: st.column_config.TextColumn(c.replace("_", " "), help=docs.get(c)) if frame[c].dtype == object
        else st.column_config.Column(c.replace("_", " "), help=docs.get(c)) for c in frame.columns}
    for wide in ("label", "message", "topic", "purpose"):
        if wide in frame.columns:
            config[wide] = st.column_config.TextColumn(wide, width="medium", help=docs.get(wide))
    return config


@st.fragment
def data_tab(view: View, frames: dict[str, pd.DataFrame]) -> None:
    """The chosen table (kept in the URL as ``?table=``); only this part reruns when it changes."""
    counts = {name: f"{name.capitalize()} ({len(frame)})" for name, frame in frames.items()}
    counts["dictionary"] = "Data dictionary"
    url_setting("data_table", "sessions", TABLES, param="table")
    shown = st.segmented_control("Table", list(TABLES), default="sessions", format_func=counts.__getitem__,
                                 key="data_table",
                                 help="One table at a time; the dictionary says what every column means.")
    shown = shown or "sessions"
    if shown == "dictionary":
        dictionary = tables.dictionary_in_words(data_dictionary(frames), frames)
        st.dataframe(dictionary, hide_index=True, key="data_dictionary", column_config={
            "description": st.column_config.TextColumn("description", width="large")})
        return
    frame = frames[shown]
    if frame.empty:
        st.info(ui.EMPTY_MESSAGE if shown != "problems" else "No problems for the records shown.")
        return
    everything = st.toggle("Show all columns", key="data_all_columns",
                           help="Off: the columns read first. On: every column, including identifiers.")
    order = tables.ordered_columns(shown, frame) if everything else tables.first_columns(shown, frame)
    display = charts.derived(view, tables.shown_table, name=shown)
    st.dataframe(display, hide_index=True, column_order=order, column_config=_config(shown, display),
                 key=f"data_{shown}")
    st.download_button(f"Download {shown} (CSV)", lambda: to_csv_bytes(frame), file_name=f"{shown}.csv",
                       mime="text/csv", key=f"dl_{shown}", icon=":material/download:")


view = current_view()
widgets.page_css()
ui.page_header(view, "Data & export", "The tidy tables behind every chart, filtered like the rest of the app. "
               "Every value keeps the source line it came from. Downloads neutralise spreadsheet formulas.")
frames = charts.derived(view, tables.data_tables)
as_of = view.full.meta.as_of
stem = f"outreach-coverage-{as_of:%Y-%m-%d}" if as_of else "outreach-coverage"
# Files are built only when a download is clicked, not on every rerun.
st.download_button("Download all tables (XLSX, with data dictionary)",
                   lambda: to_xlsx_bytes(frames, data_dictionary(frames)), file_name=f"{stem}.xlsx", key="dl_xlsx",
                   icon=":material/download:", type="primary",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
data_tab(view, frames)
ui.footer(view)
