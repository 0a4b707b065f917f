"""Entry point: page config, navigation over the pages, and the shared sidebar filters."""

import streamlit as st

from dashboard.state import sidebar_filters
from dashboard.ui import glossary

st.set_page_config(
    page_title="Outreach coverage · UN Network on Migration 2020",
    page_icon="🌍",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon="🌍", default=True),
    st.Page("pages/timeline.py", title="Timeline", icon="🗓️"),
    st.Page("pages/breakdowns.py", title="Breakdowns", icon="📊"),
    st.Page("pages/network.py", title="Network", icon="🕸️"),
    st.Page("pages/gaps.py", title="Gaps", icon="🧩"),
    st.Page("pages/data.py", title="Data & export", icon="🗂️"),
    st.Page("pages/report.py", title="Report", icon="🖨️"),
]

page = st.navigation(PAGES)
view = sidebar_filters()
glossary(view)
page.run()
