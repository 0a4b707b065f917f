"""Entry point: page config, navigation over the pages, the data choice and shared filters, and the URL."""

import streamlit as st

from dashboard.navigation import pages
from dashboard.state import notes, sidebar_filters, sync_url
from dashboard.ui import glossary

st.set_page_config(
    page_title="Outreach coverage · UN Network on Migration",
    page_icon="🌍",
    layout="wide",
    # "auto": open on wide screens, collapsed on a phone (where an open sidebar covers the page).
    initial_sidebar_state="auto",
)

page = st.navigation(pages())
view = sidebar_filters()
glossary(view)
notes()
page.run()
sync_url(view)
