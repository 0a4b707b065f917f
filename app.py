"""Entry point: page config, navigation over the pages, and the shared sidebar filters."""

import streamlit as st

from dashboard.navigation import pages
from dashboard.state import sidebar_filters
from dashboard.ui import glossary

st.set_page_config(
    page_title="Outreach coverage · UN Network on Migration 2020",
    page_icon="🌍",
    layout="wide",
    initial_sidebar_state="expanded",
)

page = st.navigation(pages())
view = sidebar_filters()
glossary(view)
page.run()
