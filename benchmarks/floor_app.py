"""The same-content floor of bench_pages.py: every dashboard page drawn again from its saved scene.

Run with ``BENCH_SCENES=<folder> streamlit run benchmarks/floor_app.py`` after ``scenes.capture`` has saved the
scenes. Each page has the dashboard's URL path, its sidebar widgets (same keys, labels, options and defaults)
and its main area (the same Plotly figures, drawn with ``st.plotly_chart`` from the page's own figure JSON;
the same text, metrics and tables), with the page's own style rules and its containers under their keys (the
classes those rules select). Choosing "webinar" in the sidebar's Format multiselect draws the page as the
dashboard draws it with that filter; changing a page-local control (``scenes.LOCAL``) draws the page as the
dashboard draws it with that change (the whole script reruns: the floor has no fragments). No data is read or
computed here: the script only loads the saved JSON and draws it.

With ``BENCH_FLOOR_URL=1`` the floor also does what the dashboard's URL-backed filters do on that change: it
writes ``?format=webinar`` to the URL when "webinar" is picked and removes it again (``bench_pages.py
--floor-url``). Off by default: the floor is the content alone.
"""

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))  # a script: find scenes.py beside it
from scenes import FILTER_KEY, FILTER_VALUE, PAGES, replay, scenes_dir

st.set_page_config(page_title="Floor", layout="wide", initial_sidebar_state="expanded")


def _page(name: str) -> Callable[[], None]:
    def draw() -> None:
        scene = json.loads((scenes_dir() / f"{name}.json").read_text(encoding="utf-8"))
        state = "webinar" if st.session_state.get(FILTER_KEY) == [FILTER_VALUE] else "all"
        for key, before in scene.get("local", {}).items():  # a page-local control changed: that drawing
            if state == "all" and key in st.session_state and st.session_state[key] != before:
                state = f"local:{key}"
        drawn = scene["states"][state]
        for style in drawn.get("styles", ()):
            st.html(style)
        replay(st.sidebar, drawn["sidebar"])
        replay(st._main, drawn["main"])

    draw.__name__ = f"floor_{name}"
    return draw


pages = [
    st.Page(_page(name), title=name.capitalize(), url_path=path.strip("/") or name, default=path == "/")
    for name, _file, path in PAGES
    if (scenes_dir() / f"{name}.json").exists()
]
st.navigation(pages).run()
if os.environ.get("BENCH_FLOOR_URL") == "1":
    if st.session_state.get(FILTER_KEY) == [FILTER_VALUE]:
        if st.query_params.get("format") != FILTER_VALUE:
            st.query_params["format"] = FILTER_VALUE
    elif "format" in st.query_params:
        del st.query_params["format"]
