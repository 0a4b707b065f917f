"""Page helpers shared by every page: heading, charts with their PNG config and alt text, messages, footer."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import streamlit as st

from analysis.figures import png_config

from .state import View

EMPTY_MESSAGE = "No records match the current filters. Widen them in the sidebar, or use **Reset filters**."


def page_header(view: View, title: str, intro: str) -> None:
    """Page title, one line on what the page is for, and what is filtered."""
    st.title(title)
    st.markdown(intro)
    n, total = len(view.schedule.sessions), len(view.full.sessions)
    shown = f"**{n} of {total} records**" if n != total else f"**all {total} records**"
    st.caption(f"Showing {shown} · Filters: {html.escape(view.description)}")


def require_records(view: View) -> bool:
    """Show the no-match message and return False when the filters match nothing."""
    if view.empty:
        st.info(EMPTY_MESSAGE, icon=":material/filter_alt_off:")
        return False
    return True


def chart(fig: go.Figure, key: str, **kwargs: object) -> object:
    """Render a figure with its 2× PNG download config and alt text; returns Streamlit's chart state."""
    meta = fig.layout.meta or {}
    return st.plotly_chart(fig, key=key, config=png_config(fig), theme=None, alt=meta.get("alt"), **kwargs)


def footer(view: View) -> None:
    """Source, as-of date and the page's own note, on every page."""
    meta = view.full.meta
    st.divider()
    note = f" {meta.preamble[0]}." if meta.preamble else ""
    st.caption(f"{meta.citation}. Year 2020 assumed for dates written without one.{note}")


def glossary(view: View) -> None:
    """Sidebar panel listing every acronym and person with their expansion."""
    with st.sidebar.expander("Glossary", icon=":material/menu_book:"):
        items = sorted(view.full.reference.glossary().items(), key=lambda kv: kv[0].casefold())
        st.markdown("\n".join(f"- **{html.escape(k)}**: {html.escape(v)}" for k, v in items))
