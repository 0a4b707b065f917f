"""Timeline: every record on the 2020 date axis, with an Undated / TBD lane and weekly counts."""

import streamlit as st

from dashboard import charts, ui
from dashboard.state import current_view

view = current_view()
ui.page_header(view, "Timeline", "Each record on the 2020 calendar, one row per working group or lead "
               "(or per theme). Undated and TBD records sit in their own lane so they stay visible.")
if ui.require_records(view):
    lanes = st.segmented_control("Rows", ["Working group or lead", "Theme"], default="Working group or lead",
                                 key="timeline_lanes")
    by = "theme" if lanes == "Theme" else "group"
    ui.chart(charts.figure(view, "timeline", "timeline", lane_by=by), key="timeline_chart")
ui.footer(view)
