"""Changes: what changed between two captures of the page, as a summary, a table, a moves chart and a CSV."""

from __future__ import annotations

import streamlit as st

from dashboard import history, source, ui, widgets
from dashboard.state import current_view, url_setting

# (Comments, not docstrings: a bare string in a page script is drawn on the page.)
# The columns shown by default; source lines and the match score are one toggle away.
FIRST_COLUMNS = ("kind", "label", "before", "after")
# Column widths in px: the four first columns fit the 1024 px window with the sidebar open (a grid about 560 px
# wide; wider grids stretch them); their text wraps onto up to three lines in a row of ROW_HEIGHT.
WIDTHS = {"kind": 84, "label": 170, "before": 140, "after": 140, "old_lines": 70, "new_lines": 70, "score": 60}
# Row height in px: above 4rem the grid wraps cell text instead of cutting it off.
ROW_HEIGHT = 72


def _columns() -> dict[str, object]:
    """The history table's column settings with the widths of :data:`WIDTHS`."""
    return {c: {**cfg, "width": WIDTHS[c]} if c in WIDTHS else cfg for c, cfg in history.COLUMN_CONFIG.items()}


view = current_view()
widgets.page_css()
st.title("Changes")
st.markdown("What changed between two captures of the schedule page: records moved to another date, "
            "scheduled, dropped or added, and changes of format, leads, topic, audience, purpose or documents. "
            "Records are matched by content, not by date; whole captures are compared (the sidebar filters "
            "do not apply here).")
items = view.captures
if len(items) < 2:
    st.info("Comparing needs two captures. Load another version of the page with the sidebar's uploader "
            "or on the Captures page.", icon=":material/compare_arrows:")
else:
    ids = [c.id for c in items]
    by_id = {c.id: c for c in items}
    left, right = st.columns(2)
    with left:
        url_setting("chg_old", ids[-2], ids, param="old")
        old_id: int = st.selectbox("Older capture", ids, index=len(ids) - 2, key="chg_old",
                                   format_func=lambda i: source.capture_label(by_id[i]))
    with right:
        url_setting("chg_new", ids[-1], ids, param="new")
        new_id: int = st.selectbox("Newer capture", ids, index=len(ids) - 1, key="chg_new",
                                   format_func=lambda i: source.capture_label(by_id[i]))
    old, new = by_id[old_id], by_id[new_id]
    if old_id == new_id:
        st.info("Pick two different captures to compare.", icon=":material/compare_arrows:")
    else:
        result = history.changes(old, new)
        st.markdown(f"**{ui.md_escape(result.summary)}**")
        st.caption(ui.md_escape(result.sides))
        frame = result.frame
        kinds = list(dict.fromkeys(frame["kind"]))
        chosen = st.multiselect("Kinds of change", kinds, key="chg_kinds", placeholder="All kinds")
        shown = frame[frame["kind"].isin(chosen)] if chosen else frame
        if frame.empty:
            st.success("No differences between these two captures.", icon=":material/check:")
        else:
            details = st.toggle("Show source lines and match score", key="chg_all_columns",
                                help="The records' line numbers in each capture and how alike the two records "
                                     "are (100: same topic, leads and working group).")
            st.dataframe(history.display_frame(shown), hide_index=True, key="chg_table", column_config=_columns(),
                         column_order=list(history.COLUMN_CONFIG) if details else list(FIRST_COLUMNS),
                         row_height=ROW_HEIGHT)
            left, right = st.columns(2)
            left.download_button(
                "Changes (CSV)", history.csv_bytes(shown), file_name=history.file_name(old, new, "csv"),
                mime="text/csv", key="dl_changes", icon=":material/download:", type="primary")
            right.download_button(
                "Report with these changes (HTML)", lambda: history.report_bytes(view, old, new, result),
                file_name=history.file_name(old, new, "html"), mime="text/html", key="dl_changes_report",
                icon=":material/download:",
                help="The HTML report of the capture shown, with a 'changes since' block for these two captures.")
        ui.chart(history.moves_figure(result, old, new, view), key="chg_moves")
    ui.chart(history.backlog_figure(items), key="chg_backlog")
ui.footer(view)
