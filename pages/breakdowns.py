"""Breakdowns: records or events by format, audience, working group, organisation type, theme, GCM objective."""

import streamlit as st

from analysis.aggregate import format_audience_matrix, trim_matrix
from analysis.figures import breakdown_figure, heatmap_figure
from dashboard import ui
from dashboard.state import current_view

view = current_view()
ui.page_header(view, "Breakdowns", "Where the outreach went: by format and audience, the format × audience "
               "coverage matrix (empty cells are gaps), and by working group, organisation type, theme and "
               "GCM objective.")
if ui.require_records(view):
    choice = st.segmented_control("Count", ["Records", "Events"], default="Records", key="bd_measure",
                                  help="Events: 'Listening Sessions (2)' counts twice.")
    measure = "events" if choice == "Events" else "records"
    ctx = view.ctx("breakdowns")
    s = view.schedule
    left, right = st.columns(2)
    with left:
        ui.chart(breakdown_figure(s, "format", ctx, measure), key="bd_format")
    with right:
        ui.chart(breakdown_figure(s, "audience", ctx, measure), key="bd_audience")
    grid = trim_matrix(format_audience_matrix(s, measure), view.full)
    ui.chart(heatmap_figure(grid, ctx, measure), key="bd_matrix")
    left, right = st.columns(2)
    with left:
        ui.chart(breakdown_figure(s, "working_group", ctx, measure), key="bd_wg")
    with right:
        ui.chart(breakdown_figure(s, "org_type", ctx, measure), key="bd_org_type")
    left, right = st.columns(2)
    with left:
        ui.chart(breakdown_figure(s, "theme", ctx, measure), key="bd_theme")
    with right:
        ui.chart(breakdown_figure(s, "gcm_objective", ctx, measure), key="bd_gcm")
ui.footer(view)
