"""Page helpers shared by every page: heading, charts with their PNG config and alt text, messages, footer.

Every value that comes from the data, a file name or the URL and is shown through Streamlit's Markdown
(``st.markdown``, ``st.caption``, ``st.info``/``st.error``, widget labels and help) goes through
:func:`md_escape` first; values shown with ``st.text``, ``st.code`` or in a dataframe need no escaping.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st

from analysis.figures import png_config
from analysis.reference import Reference

from .state import View

EMPTY_MESSAGE = "No records match the current filters. Widen them in the sidebar, or use **Reset filters**."

# Every ASCII punctuation mark CommonMark lets a backslash escape and that starts syntax in Streamlit's
# Markdown: links and images ([ ] ( ) !), emphasis (* _ ~), code (`), HTML and autolinks (< > &), headings,
# lists, tables and quotes (# + - . | >), LaTeX ($), and Streamlit's directives (:red[…], :material/…:).
_MD_SPECIAL = re.compile(r"""([\\`*_{}\[\]()#+\-.!|<>~:$&=^"'/@%])""")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
# GFM turns bare "https://…", "www.…" and "name@host" into links *after* escapes are resolved, so those are
# broken with an invisible word joiner (U+2060) instead.
_AUTOLINK = re.compile(r"(?i)(://|\bwww\.|@)")
_JOINER = "\u2060"


def _break_autolink(m: re.Match[str]) -> str:
    found = m.group(1)
    if found == "://":
        return ":" + _JOINER + "//"
    if found == "@":
        return "@" + _JOINER
    return found[:-1] + _JOINER + "."  # www.


def md_escape(text: object) -> str:
    """Return ``text`` as Markdown that Streamlit shows literally.

    Every Markdown-significant ASCII punctuation mark gets a backslash, so no link, image, emphasis, code
    span, HTML, LaTeX or ``:color[…]`` / ``:material/…:`` directive can be formed from the value. Bare
    addresses ("https://…", "www.…", "a@b") get an invisible word joiner (U+2060) so GFM does not link them.
    Line breaks become spaces, so a value cannot start a heading, list or table. ``None`` gives "". The
    shown text reads as the input.

    Examples:
        >>> print(md_escape("![q](http://x/y.png) *hi*"))
        \\!\\[q\\]\\(http\\:\\/\\/x\\/y\\.png\\) \\*hi\\*
        >>> md_escape(None)
        ''
    """
    if text is None:
        return ""
    text = _AUTOLINK.sub(_break_autolink, _LINE_BREAKS.sub(" ", str(text)))
    return _MD_SPECIAL.sub(r"\\\1", text)


def page_header(view: View, title: str, intro: str) -> None:
    """Page title, one line on what the page is for (``intro`` is trusted Markdown), and what is filtered."""
    st.title(title)
    st.markdown(intro)
    n, total = len(view.schedule.sessions), len(view.full.sessions)
    shown = f"**{n} of {total} records**" if n != total else f"**all {total} records**"
    st.caption(f"Showing {shown} · Filters: {md_escape(view.description)}")


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


def source_line(view: View) -> str:
    """The escaped source sentence of the view's data: file, as-of date, the year rule and the preamble."""
    meta = view.full.meta
    note = f" {meta.preamble[0]}." if meta.preamble else ""
    how = "read from the page" if getattr(meta, "year_origin", "") == "page" else "assumed"
    return md_escape(f"{meta.citation}. Year {meta.year} {how} for dates written without one.{note}")


def footer(view: View) -> None:
    """Source (file name and as-of date of the chosen capture), the year rule and the preamble, on every page."""
    st.divider()
    st.caption(source_line(view))


def glossary(view: View) -> None:
    """Sidebar panel listing every acronym and person with their expansion."""
    with st.sidebar.expander("Glossary", icon=":material/menu_book:"):
        st.markdown(_glossary_text(view.key, view.full.reference))


@st.cache_resource(show_spinner=False, max_entries=16)
def _glossary_text(key: str, _reference: Reference) -> str:
    """The glossary as escaped Markdown, built once per data (``key``) per server."""
    items = sorted(_reference.glossary().items(), key=lambda kv: kv[0].casefold())
    return "\n".join(f"- **{md_escape(k)}**: {md_escape(v)}" for k, v in items)
