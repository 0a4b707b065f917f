"""Gaps: the chase list (every record still to settle, who leads it, what is missing, where it is in the source),
its source lines, the completeness chart, the backlog over captures, and the reader's problems on demand."""

import pandas as pd
import streamlit as st

from analysis.aggregate import source_text
from analysis.history_figures import backlog_figure
from dashboard import charts, ui, widgets
from dashboard.state import View, current_view

LABELS = {"item": "Item", "leads": "Leads", "working group": "Working group", "date status": "Date",
          "what is missing": "What is missing", "days waiting": "Days waiting", "section": "Section",
          "missing count": "Gaps", "source line(s)": "Line", "first seen": "First seen"}
MAIN = ["item", "what is missing", "leads", "date status", "working group"]
MORE = ["section", "missing count", "source line(s)"]


@st.fragment
def chase_panel(view: View, chase: pd.DataFrame, hist: widgets.History) -> None:
    """The chase list, its "More columns" switch, CSV and source lines: its controls rerun only this part."""
    if chase.empty:
        st.success("Nothing to chase: every record shown has a date, leads, a format, an audience and a purpose.")
    else:
        ageing_known = "days waiting" in chase.columns
        more = st.toggle("More columns", key="gaps_more", help="Also show the section, the number of gaps and "
                         "the line of the source page (and when each item was first seen).")
        shown = MAIN + (["days waiting"] if ageing_known else [])
        if more:
            shown += MORE + (["first seen"] if ageing_known else [])
        with st.container(key="gaps_table"):
            widgets.text_table(chase[shown], LABELS, key=(view.key, view.filters, hist.key, tuple(shown)))
        if ageing_known:
            st.caption("Sorted by how much is missing, then by days waiting (longest first).")
        else:
            st.caption("Sorted by how much is missing. Days waiting need two or more captures of the page; "
                       f"{'only one capture is' if hist.captures <= 1 else 'no earlier capture is'} stored, "
                       "so there is nothing to compare yet.")
        widgets.csv_button(chase.drop(columns=["session_id"]), "Download chase list (CSV)", "chase-list.csv",
                           "dl_chase")
        with st.expander("View source line", icon=":material/code:", key="gaps_source", on_change="rerun"):
            if st.session_state.get("gaps_source"):
                items = dict(zip(chase["session_id"], chase["item"], strict=True))
                sid = st.selectbox("Item", list(items), format_func=items.__getitem__, key="gaps_source_item")
                # The original text, shown as code: never read as Markdown or HTML.
                st.code(source_text(view.full, sid) or "(no source line for this item)", language=None,
                        wrap_lines=True)


@st.fragment
def problems_panel(view: View) -> None:
    """The reader's problems, drawn only while the expander is open; opening it reruns only this part."""
    problems = view.full.problems
    with st.expander(f"Reader problems ({len(problems)})", icon=":material/report:", key="gaps_problems_open",
                     on_change="rerun"):
        if st.session_state.get("gaps_problems_open"):
            if problems.empty:
                st.success("The reader found no problems in the source.")
            else:
                st.dataframe(problems, hide_index=True, key="gaps_problems", column_config={
                    "line_no": st.column_config.NumberColumn("Line", format="%d", width="small"),
                    "field": st.column_config.TextColumn("Field", width="small"),
                    "severity": st.column_config.TextColumn("Severity", width="small"),
                    "message": st.column_config.TextColumn("Message", width="large"),
                    "session_id": None,
                })


view = current_view()
widgets.page_css()
ui.page_header(view, "Gaps", "The chase list: every item still missing a date, a lead or another core field, "
               "who leads it and what to ask for, most missing first.")
if ui.require_records(view):
    hist = widgets.history(view)
    chase = widgets.chase(view, hist)
    split = charts.derived(view, widgets.timing_counts)
    s = view.schedule.sessions
    widgets.metric_strip([
        widgets.Metric("To chase", len(chase), "Records with a core field TBD or missing, plus every pipeline item."),
        widgets.Metric("Undated", split[widgets.UNDATED][0], "Records whose date is TBD, TBC or blank."),
        widgets.Metric("Pipeline", int((s["section"] == "pipeline").sum()),
                       "Items in the 'Pipeline (full details tbc)' section."),
        widgets.Metric("No lead", int((s["n_leads"] == 0).sum()), "Records with no lead organisation or person."),
    ], key="gaps")

    st.subheader("Chase list", anchor=False)
    chase_panel(view, chase, hist)

    widgets.chart(charts.figure(view, "completeness", "gaps"), key="gaps_matrix", min_width=600)
    if len(hist.backlog) >= 2:
        widgets.chart(backlog_figure(hist.backlog, view.ctx("gaps")), key="gaps_backlog")

    problems_panel(view)
ui.footer(view)
