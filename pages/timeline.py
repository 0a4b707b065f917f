"""Timeline: every record on the 2020 date axis (held up to the as-of date, planned after it), with an Undated /
TBD lane and weekly counts. The rows switch reruns only the chart."""

import streamlit as st

from dashboard import charts, ui, widgets
from dashboard.state import View, current_view, url_setting

ROWS = {"group": "Working group or lead", "theme": "Theme"}
MIN_WIDTH = 640  # px: below this the lane labels leave the calendar too little room for its date ticks

view = current_view()
widgets.page_css()
ui.page_header(view, "Timeline", "Each record on the 2020 calendar, one row per working group or lead "
               "(or per theme). Undated and TBD records sit in their own lane so they stay visible.")


@st.fragment
def timeline(view: View) -> None:
    """The rows switch (kept in the URL as ``?rows=theme``) and the chart it changes."""
    url_setting("timeline_lanes", "group", list(ROWS), param="rows")
    by = st.segmented_control("Rows", list(ROWS), default="group", format_func=ROWS.__getitem__,
                              key="timeline_lanes") or "group"
    widgets.chart(charts.figure(view, "timeline", "timeline", lane_by=by), key="timeline_chart",
                  min_width=MIN_WIDTH)


if ui.require_records(view):
    split = charts.derived(view, widgets.timing_counts)
    as_of = view.full.meta.as_of
    when = f"{as_of.day} {as_of:%b %Y}" if as_of else "the as-of date"
    widgets.metric_strip([
        widgets.Metric("Held", split[widgets.HELD][0], f"Records dated on or before {when} (the page's as-of "
                       f"date): {split[widgets.HELD][1]} events."),
        widgets.Metric("Planned", split[widgets.PLANNED][0], f"Records dated after {when}: "
                       f"{split[widgets.PLANNED][1]} events still to come."),
        widgets.Metric("Undated", split[widgets.UNDATED][0], "Records with no date yet (TBD, TBC or blank)."),
    ], key="timeline")
    timeline(view)
ui.footer(view)
