"""Data & export: the tidy tables (filtered) with CSV and XLSX downloads and the data dictionary."""

import streamlit as st

from analysis.dictionary import COLUMNS, data_dictionary
from analysis.export import to_csv_bytes, to_xlsx_bytes
from dashboard import ui
from dashboard.state import current_view

view = current_view()
ui.page_header(view, "Data & export", "The tidy tables behind every chart, filtered like the rest of the app. "
               "Every value keeps the source line it came from. Downloads neutralise spreadsheet formulas.")
s = view.schedule
ids = set(s.sessions["session_id"])
problems = view.full.problems
tables = {
    "sessions": s.sessions,
    "leads": s.leads,
    "audiences": s.audiences,
    "problems": problems[problems["session_id"].isin(ids) | problems["session_id"].isna()],
}
dictionary = data_dictionary(tables)
# Files are built only when a download is clicked, not on every rerun.
st.download_button("Download all tables (XLSX, with data dictionary)", lambda: to_xlsx_bytes(tables, dictionary),
                   file_name="outreach-coverage-2020.xlsx", key="dl_xlsx", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", type="primary")
labels = {name: f"{name.capitalize()} ({len(frame)})" for name, frame in tables.items()}
labels["dictionary"] = "Data dictionary"
# One table at a time: a data grid is costly to draw, and hidden tabs would redraw all of them on every rerun.
shown = st.segmented_control("Table", list(labels), format_func=labels.__getitem__, default="sessions",
                             key="data_table") or "sessions"
if shown == "dictionary":
    st.dataframe(dictionary, hide_index=True, key="data_dictionary")
else:
    frame = tables[shown]
    if frame.empty:
        st.info(ui.EMPTY_MESSAGE if shown != "problems" else "No problems for the records shown.")
    config = {c: st.column_config.Column(c.replace("_", " "), help=COLUMNS[shown][c]) for c in frame.columns}
    config.update({c: st.column_config.ListColumn(c.replace("_", " "), help=COLUMNS[shown][c])
                   for c in frame.columns if any(isinstance(v, tuple) for v in frame[c])})
    if "date" in frame.columns:
        config["date"] = st.column_config.DateColumn("date", format="D MMM YYYY", help=COLUMNS[shown]["date"])
        config["date_end"] = st.column_config.DateColumn("date end", format="D MMM YYYY")
    st.dataframe(frame, hide_index=True, column_config=config, key=f"data_{shown}")
    st.download_button(f"Download {shown} (CSV)", lambda: to_csv_bytes(frame), file_name=f"{shown}.csv",
                       mime="text/csv", key=f"dl_{shown}", icon=":material/download:")
ui.footer(view)
