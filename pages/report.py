"""Report: a one-page printable summary, and the same report as a self-contained HTML file."""

from urllib.parse import urlencode

import streamlit as st

from analysis.filters import to_query
from analysis.report import METRICS_CSS, REPORT_TITLE, metrics_strip, open_gaps, report_html
from dashboard import charts, ui
from dashboard.state import current_view

PRINT_CSS = """
<style>
.st-key-report_head h1 { font-size: 1.9rem; padding-top: 0; }
@media print {
  @page { size: A4 landscape; margin: 8mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDownloadButton"], [data-testid="stDecoration"], .modebar-container { display: none !important; }
  [data-testid="stMain"] { margin-left: 0 !important; }
  .block-container { padding: 0 !important; max-width: 100% !important; }
  [data-testid="stPlotlyChart"] { break-inside: avoid; }
}
</style>
"""

view = current_view()
st.html(PRINT_CSS)
head, button = st.columns([3, 1], vertical_alignment="bottom")
with head.container(key="report_head"):
    st.title(REPORT_TITLE, anchor=False)
    st.caption(f"Filters: {view.description} · {view.full.meta.citation}")
with button:
    query = urlencode(to_query(view.filters), doseq=True)
    st.download_button(
        "Report (HTML)", lambda: report_html(view.full, view.schedule, view.ctx("report"), query),
        file_name="outreach-coverage-report.html", mime="text/html", key="dl_report", icon=":material/download:",
        help="One self-contained HTML file: charts work offline, the filters are written in it, and it prints "
        "on one A4 landscape page.",
    )
if ui.require_records(view):
    st.html(f"<style>{METRICS_CSS}</style>{metrics_strip(view.schedule)}")
    figs = charts.report(view)
    left, right = st.columns(2)
    with left:
        ui.chart(figs["timeline"], key="report_timeline")
    with right:
        ui.chart(figs["matrix"], key="report_matrix")
    left, right = st.columns([3, 2])
    with left:
        ui.chart(figs["network"], key="report_network")
    with right:
        st.markdown("**Open gaps**")
        st.dataframe(open_gaps(view.schedule), hide_index=True, key="report_gaps", column_config={
            "Record": st.column_config.TextColumn(width="medium"),
            "What is missing": st.column_config.TextColumn(width="large"),
            "Line": st.column_config.NumberColumn(format="%d", width="small"),
        })
ui.footer(view)
