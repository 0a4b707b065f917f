"""Overview: headline metrics and computed highlights."""

import streamlit as st

from analysis.aggregate import highlights, metrics
from dashboard import charts, ui
from dashboard.state import current_view

view = current_view()
ui.page_header(
    view,
    "Outreach coverage: COVID-19 online series 2020",
    "How the UN Network on Migration's 2020 listening sessions, webinars and Migration Coffees reached "
    "their audiences, who co-led them, and what is still to be scheduled.",
)
if ui.require_records(view):
    m = metrics(view.schedule)
    row1 = st.columns(4)
    row1[0].metric("Records", m.records, help="Rows of the schedule (a record may hold several events).")
    row1[1].metric("Events", m.events, help="'Listening Sessions (2)' counts as two events.")
    row1[2].metric("Dated / undated", f"{m.dated} / {m.undated}")
    row1[3].metric("Pipeline items", m.pipeline, help="'Pipeline (full details tbc)' section.")
    row2 = st.columns(4)
    row2[0].metric("Lead organisations", m.organisations, help="People counted for their organisation.")
    row2[1].metric("People named as leads", m.people)
    row2[2].metric("Audience categories reached", m.audiences)
    row2[3].metric("Date span (2020)", m.span)
    st.subheader("Highlights")
    st.markdown("\n".join(f"- {line}" for line in highlights(view.schedule)))
    left, right = st.columns(2)
    with left:
        ui.chart(charts.figure(view, "breakdown", "overview", dimension="format"), key="overview_format")
    with right:
        ui.chart(charts.figure(view, "breakdown", "overview", dimension="org_type"), key="overview_org_type")
ui.footer(view)
