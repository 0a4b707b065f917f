"""Gaps: undated, TBD and pipeline records, what each is missing, a completeness matrix, and the reader's problems."""

import streamlit as st

from analysis.aggregate import COMPLETENESS_FIELDS, completeness, gap_records
from dashboard import charts, ui
from dashboard.state import current_view

view = current_view()
ui.page_header(view, "Gaps", "What is not settled yet: undated and TBD records, pipeline items, fields still "
               "TBD or missing, and lines of the source page that could not be read as written.")
if ui.require_records(view):
    s = view.schedule.sessions
    comp = completeness(view.schedule)
    gaps = gap_records(view.schedule)
    problems = view.full.problems
    cols = st.columns(5)
    cols[0].metric("Undated / TBD", int(s["date"].isna().sum()))
    cols[1].metric("Pipeline items", int((s["section"] == "pipeline").sum()))
    cols[2].metric("Records with gaps", len(gaps), help="A core field is TBD or missing, or a pipeline item.")
    cols[3].metric("Fields TBD", int((comp[list(COMPLETENESS_FIELDS)] == "TBD").to_numpy().sum()))
    cols[4].metric("Reader problems", len(problems), help="Lines the reader flagged; see below.")
    st.subheader("Records to complete", help="Sorted by how much is missing.")
    st.dataframe(
        gaps[["label", "section", "n_missing", "what_is_missing", "source_line"]], hide_index=True, key="gaps_table",
        column_config={
            "label": st.column_config.TextColumn("Record", width="large"),
            "section": "Section",
            "n_missing": st.column_config.NumberColumn("Gaps", help="Core fields TBD or missing."),
            "what_is_missing": st.column_config.TextColumn("What is missing", width="large"),
            "source_line": st.column_config.NumberColumn("Source line", format="%d"),
        },
    )
    ui.chart(charts.figure(view, "completeness", "gaps"), key="gaps_matrix")
    st.subheader("Reader problems", help="Everything the reader could not take as written, with its line number.")
    if problems.empty:
        st.success("The reader found no problems in the source.")
    else:
        st.dataframe(problems, hide_index=True, key="gaps_problems", column_config={
            "line_no": st.column_config.NumberColumn("Line", format="%d"),
            "field": "Field", "severity": "Severity",
            "message": st.column_config.TextColumn("Message", width="large"), "session_id": "Record id",
        })
ui.footer(view)
