"""Breakdowns: records or events by format, audience, working group, organisation type, theme and GCM objective,
and the format × audience matrix. The Records / Events switch reruns only the charts."""

import streamlit as st

from dashboard import charts, ui, widgets
from dashboard.state import View, current_view

PAIRS = (("format", "audience"), ("working_group", "org_type"), ("theme", "gcm_objective"))
KEYS = {"format": "bd_format", "audience": "bd_audience", "working_group": "bd_wg", "org_type": "bd_org_type",
        "theme": "bd_theme", "gcm_objective": "bd_gcm"}

view = current_view()
widgets.page_css()
ui.page_header(view, "Breakdowns", "Where the outreach went: by format and audience, the format × audience "
               "matrix (\"–\" marks a combination never used), and by working group, organisation type, theme "
               "and GCM objective.")


@st.fragment
def breakdowns(view: View) -> None:
    """The Records / Events switch (kept in the URL as ``?measure=Events``) and every chart it changes."""
    measure = widgets.measure_control()
    for i, pair in enumerate(PAIRS):
        for cell, dimension in zip(widgets.row(f"bd-{i}", 2), pair, strict=True):
            with cell:
                widgets.chart(charts.figure(view, "breakdown", "breakdowns", dimension=dimension, measure=measure),
                              key=KEYS[dimension])
        if i == 0:
            widgets.chart(charts.figure(view, "matrix", "breakdowns", measure=measure), key="bd_matrix",
                          min_width=600)


if ui.require_records(view):
    breakdowns(view)
ui.footer(view)
