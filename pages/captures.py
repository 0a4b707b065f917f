"""Captures: every stored version of the page, with renaming, the partial mark, deletion and upload."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard import source, ui, widgets
from dashboard.state import current_view

if TYPE_CHECKING:
    from analysis.store import CaptureInfo, CaptureStore

COLUMNS = {
    "id": st.column_config.NumberColumn("#", format="%d", width="small"),
    "shown": st.column_config.CheckboxColumn("Shown", help="The capture this browser tab shows."),
    "name": st.column_config.TextColumn("Name", width="medium"),
    "source": st.column_config.TextColumn("File", width="medium"),
    "as_of": st.column_config.DateColumn("As of", format="D MMM YYYY"),
    "as_of_origin": st.column_config.TextColumn("Date from", help="Where the as-of date came from."),
    "records": st.column_config.NumberColumn("Records", format="%d"),
    "partial": st.column_config.CheckboxColumn("Partial", help="Cut-off page: missing rows are not 'dropped'."),
    "kind": st.column_config.TextColumn("Shape", help="Pipe scrape, Markdown, HTML, TSV or CSV."),
    "bundled": st.column_config.CheckboxColumn("Bundled"),
    "added": st.column_config.TextColumn("Added (UTC)"),
}
# The columns shown by default: what tells captures apart. The rest (file, where the date came from, shape,
# bundled, when added) are one toggle away, so the table fits a 1024 px window without scrolling sideways.
# (A comment, not a docstring: a bare string in a page script is drawn on the page.)
FIRST_COLUMNS = ("id", "shown", "name", "as_of", "records", "partial")


def capture_table(items: list[CaptureInfo], shown_id: int | None) -> pd.DataFrame:
    """One row per capture, in the columns of :data:`COLUMNS` (plain values; nothing empty)."""
    rows = [{
        "id": c.id, "shown": c.id == shown_id, "name": c.name, "source": c.source_name, "as_of": c.as_of,
        "as_of_origin": c.as_of_origin, "records": c.records, "partial": c.partial, "kind": c.source_kind,
        "bundled": c.bundled, "added": f"{c.added_at:%Y-%m-%d %H:%M}",
    } for c in items]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def manage(shared: CaptureStore, items: list[CaptureInfo], shown_id: int | None) -> None:
    """Rename, mark partial or delete (after a confirmation) one capture."""
    ids = [c.id for c in items]
    by_id = {c.id: c for c in items}
    if st.session_state.get("cap_manage") not in ids:
        st.session_state["cap_manage"] = shown_id if shown_id in ids else ids[-1]
    picked: int = st.selectbox("Capture", ids, key="cap_manage", format_func=lambda i: source.capture_label(by_id[i]))
    info = by_id[picked]
    name_key = f"cap_name_{picked}"

    def rename() -> None:
        name = str(st.session_state.get(name_key, "")).strip()
        if name and name != info.name:
            shared.rename(picked, name)
            st.session_state["_cap_done"] = f"Capture {picked} renamed."

    def set_partial() -> None:
        shared.set_partial(picked, bool(st.session_state.get("cap_partial")))

    def delete() -> None:
        shared.delete(picked)
        st.session_state.pop("_cap_confirm", None)
        st.session_state["_cap_done"] = f"Capture {picked} deleted."
        if shown_id == picked:
            source.choose(None)

    left, right = st.columns([3, 1], vertical_alignment="bottom")
    if name_key not in st.session_state:
        st.session_state[name_key] = info.name
    left.text_input("Name", key=name_key, max_chars=120)
    right.button("Rename", key="cap_rename", on_click=rename, icon=":material/edit:")
    st.session_state["cap_partial"] = info.partial
    st.toggle("Partial page: rows missing from it are not reported as dropped", key="cap_partial",
              on_change=set_partial)
    if info.bundled:
        st.caption("The bundled page cannot be deleted: it is the app's default data.")
    elif st.session_state.get("_cap_confirm") == picked:
        st.warning(f"Delete capture {picked}, “{ui.md_escape(info.name)}”, and its tables? This cannot be undone.",
                   icon=":material/warning:")
        yes, no = st.columns(2)
        yes.button("Yes, delete it", key="cap_delete_yes", on_click=delete, type="primary", icon=":material/delete:")
        no.button("Cancel", key="cap_delete_no", on_click=lambda: st.session_state.pop("_cap_confirm", None))
    else:
        st.button("Delete…", key="cap_delete", icon=":material/delete:",
                  on_click=lambda: st.session_state.__setitem__("_cap_confirm", picked))
    done = st.session_state.pop("_cap_done", None)
    if done:
        st.success(done, icon=":material/check:")


view = current_view()
widgets.page_css()
st.title("Captures")
st.markdown("Every version of the schedule page the app has read: the bundled page and every file added. "
            "The capture chosen in the sidebar is what every page shows; compare two on the **Changes** page.")
store = source.store()
captures = list(view.captures)
if store is None or not captures:
    st.info("No capture store is set up on this server: the app shows the bundled page only.")
else:
    shown = view.capture.id if view.capture is not None else None
    details = st.toggle("Show file details", key="cap_all_columns",
                        help="Off: number, name, as-of date, records, partial. On: also the file name, where the "
                             "date came from, the file's shape, bundled, and when it was added.")
    st.dataframe(capture_table(captures, shown), hide_index=True, key="captures_table", column_config=COLUMNS,
                 column_order=list(COLUMNS) if details else list(FIRST_COLUMNS))
    st.subheader("Manage a capture")
    manage(store, captures, shown)
    st.subheader("Add a file")
    st.caption(f"As in the sidebar: at most {source.limit_text()}; the file is added to the captures and shown "
               "in this browser tab.")
    source.upload_controls(st.container(), key="captures_upload")
ui.footer(view)
