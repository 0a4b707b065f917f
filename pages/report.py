"""Report: a one-page printable summary (placeholder until the report builder lands)."""

import streamlit as st

from dashboard import ui
from dashboard.state import current_view

view = current_view()
ui.page_header(view, "Report", "A one-page summary for briefings.")
st.info("The printable report is being prepared.")
ui.footer(view)
