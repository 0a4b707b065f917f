"""Overview: who we reached. Held / planned / undated events, lead organisations, the audiences named, computed
highlights, and events by audience next to events by format."""

import streamlit as st

from analysis.aggregate import highlights, metrics
from dashboard import charts, ui, widgets
from dashboard.state import current_view

EVENTS_RULE = ("Events, not rows: 'Listening Sessions (2)' counts as two events; a publication or a bare "
               "placeholder counts as none.")

view = current_view()
widgets.page_css()
ui.page_header(
    view,
    "Outreach coverage: COVID-19 online series 2020",
    "Who the UN Network on Migration's 2020 listening sessions, webinars and Migration Coffees reached, "
    "who led them, and what is still to be scheduled.",
)
if ui.require_records(view):
    m = charts.derived(view, metrics)
    split = charts.derived(view, widgets.timing_counts)
    as_of = view.full.meta.as_of
    when = f"{as_of.day} {as_of:%B %Y}" if as_of else "the as-of date"
    held, planned, undated = split[widgets.HELD], split[widgets.PLANNED], split[widgets.UNDATED]
    widgets.metric_strip([
        widgets.Metric("Held events", held[1], f"Events dated on or before {when} (the page's as-of date), "
                       f"in {held[0]} records. {EVENTS_RULE}"),
        widgets.Metric("Planned events", planned[1], f"Events dated after {when}, in {planned[0]} records: "
                       "scheduled, not yet held."),
        widgets.Metric("Undated", undated[0], f"Records with no date yet (TBD, TBC or blank), {m.pipeline} of "
                       "them in the pipeline section."),
        widgets.Metric("Lead orgs", m.organisations, "Distinct lead organisations; people named as leads count "
                       "for their organisation."),
        widgets.Metric("Audiences", m.audiences, "Audience categories reached by at least one record; "
                       "named in the highlights and the chart below."),
    ], key="overview")
    st.caption(EVENTS_RULE)
    if m.unrecognised:
        st.warning(f"{m.unrecognised} lead name(s) are not in the reference data: they are counted among the lead "
                   "organisations as written, not as people. The Gaps page lists them under Reader problems.",
                   icon=":material/help:")

    st.subheader("Highlights", anchor=False)
    # Highlights mark key figures in bold around data values: escape each piece, keep the bold markers.
    lines = ["**".join(ui.md_escape(part) for part in line.split("**")) for line in charts.derived(view, highlights)]
    st.markdown("\n".join(f"- {line}" for line in lines))

    cells = widgets.row("overview", 2)
    with cells[0]:
        widgets.chart(charts.figure(view, "breakdown", "overview", dimension="audience", measure="events"),
                      key="overview_audience")
    with cells[1]:
        widgets.chart(charts.figure(view, "breakdown", "overview", dimension="format", measure="events"),
                      key="overview_format")
    widgets.chart(charts.figure(view, "breakdown", "overview", dimension="org_type"), key="overview_org_type")
ui.footer(view)
