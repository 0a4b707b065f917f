"""The app's pages, in menu order (used by the entry point, and to recover when Streamlit skips it)."""

from __future__ import annotations

import streamlit as st

_PAGES = "_nav_pages"


def pages() -> list[st.Page]:
    """The pages of the dashboard; paths are relative to app.py.

    Built once per session and kept in its state: each ``st.Page`` resolves and checks its file, which is
    worth doing once rather than on every rerun. Not shared between sessions, as ``st.navigation`` marks the
    page it returns as the one the run may call.
    """
    built = st.session_state.get(_PAGES)
    if built is None:
        built = st.session_state[_PAGES] = [
            st.Page("pages/overview.py", title="Overview", icon="🌍", default=True),
            st.Page("pages/timeline.py", title="Timeline", icon="🗓️"),
            st.Page("pages/breakdowns.py", title="Breakdowns", icon="📊"),
            st.Page("pages/network.py", title="Network", icon="🕸️"),
            st.Page("pages/gaps.py", title="Gaps", icon="🧩"),
            st.Page("pages/captures.py", title="Captures", icon="🗃️"),
            st.Page("pages/changes.py", title="Changes", icon="🔀"),
            st.Page("pages/data.py", title="Data & export", icon="🗂️"),
            st.Page("pages/report.py", title="Report", icon="🖨️"),
        ]
    return built
