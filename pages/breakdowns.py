"""Breakdowns: records or events by format, audience, working group, organisation type, theme, GCM objective."""

import streamlit as st

from dashboard import charts, ui
from dashboard.state import current_view

view = current_view()
ui.page_header(view, "Breakdowns", "Where the outreach went: by format and audience, the format × audience "
               "coverage matrix (empty cells are gaps), and by working group, organisation type, theme and "
               "GCM objective.")
if ui.require_records(view):
    choice = st.segmented_control("Count", ["Records", "Events"], default="Records", key="bd_measure",
                                  help="Events: 'Listening Sessions (2)' counts twice.")
    measure = "events" if choice == "Events" else "records"

    def bars(dimension: str, key: str) -> None:
        ui.chart(charts.figure(view, "breakdown", "breakdowns", dimension=dimension, measure=measure), key=key)

    left, right = st.columns(2)
    with left:
        bars("format", "bd_format")
    with right:
        bars("audience", "bd_audience")
    ui.chart(charts.figure(view, "matrix", "breakdowns", measure=measure), key="bd_matrix")
    left, right = st.columns(2)
    with left:
        bars("working_group", "bd_wg")
    with right:
        bars("org_type", "bd_org_type")
    left, right = st.columns(2)
    with left:
        bars("theme", "bd_theme")
    with right:
        bars("gcm_objective", "bd_gcm")
ui.footer(view)
