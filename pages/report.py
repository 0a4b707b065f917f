"""Report: a preview of the one-page summary; the self-contained HTML report (first on the page) is the printable
one, on one A4 landscape page."""

from urllib.parse import urlencode

import streamlit as st

from analysis.filters import to_query
from analysis.report import METRICS_CSS, REPORT_TITLE, metrics_strip, open_gaps, report_html
from dashboard import charts, ui, widgets
from dashboard.state import current_view

HEAD_CSS = """
<style>
.st-key-report_head h1 { font-size: 1.9rem; padding-top: 0; }
.metrics { grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr)) !important; }
.metric b { white-space: normal !important; }
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  .modebar-container { display: none !important; }
}
</style>
"""

view = current_view()
widgets.page_css()
st.html(HEAD_CSS)
query = urlencode(to_query(view.filters), doseq=True)
st.download_button(
    "Download the printable report (HTML)",
    lambda: report_html(view.full, view.schedule, view.ctx("report"), query),
    file_name="outreach-coverage-report.html", mime="text/html", key="dl_report", icon=":material/download:",
    type="primary", on_click="ignore",
    help="One self-contained HTML file: charts work offline, the filters are written in it, and it prints on one "
    "A4 landscape page.",
)
st.info("Print the HTML report, not this page: it fits one A4 landscape page. This page previews the same "
        "contents and lets you download each chart at a document size.", icon=":material/print:")
with st.container(key="report_head"):
    st.title(REPORT_TITLE, anchor=False)
    st.caption(f"Filters: {ui.md_escape(view.description)} · {ui.md_escape(view.full.meta.citation)}")
if ui.require_records(view):
    st.html(f"<style>{METRICS_CSS}</style>{charts.derived(view, metrics_strip)}")
    figs = charts.report(view)
    # One chart per row: each keeps the width it needs (the printable HTML report is laid out for paper).
    widgets.chart(figs["timeline"], key="report_timeline", min_width=640)
    widgets.chart(figs["matrix"], key="report_matrix", min_width=600)
    widgets.chart(figs["network"], key="report_network", min_width=560)
    st.markdown("**Open gaps**")
    with st.container(key="report_gaps"):
        widgets.text_table(charts.derived(view, open_gaps), key=(view.key, view.filters, "open_gaps"))
ui.footer(view)
