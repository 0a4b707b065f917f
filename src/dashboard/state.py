"""The thin Streamlit layer: the cached loader and the shared, URL-backed sidebar filters.

Only this package imports streamlit; all logic it calls lives in :mod:`analysis`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from analysis import Schedule, load_schedule
from analysis.figures import ChartContext
from analysis.filters import (
    NO_WG,
    QUERY_KEYS,
    FilterOptions,
    Filters,
    apply_filters,
    describe_filters,
    filter_options,
    from_query,
    to_query,
)

KEYS = {
    "dates": "f_dates", "sections": "f_sections", "undated": "f_undated", "formats": "f_formats",
    "audiences": "f_audiences", "working_groups": "f_wgs", "organisations": "f_leads", "themes": "f_themes",
}
_INIT = "_filters_from_url"
_NOTES = "_filter_notes"
_VIEW = "_view"


@st.cache_data(show_spinner="Reading the schedule…")
def bundled_schedule() -> Schedule:
    """The bundled page, read once per server process."""
    return load_schedule()


@st.cache_data(show_spinner=False)
def bundled_options() -> FilterOptions:
    """Filter choices on the bundled page."""
    return filter_options(bundled_schedule())


@dataclass(frozen=True)
class View:
    """What every page works from: the full schedule, the filtered one, the filters and their wording."""

    full: Schedule
    schedule: Schedule
    filters: Filters
    description: str
    options: FilterOptions

    def ctx(self, page: str) -> ChartContext:
        """The chart context (filters subtitle, source line, page name) for a page's charts."""
        return ChartContext(filters=self.description, source=self.full.meta.citation, page=page)

    @property
    def empty(self) -> bool:
        """True when the filters match no record."""
        return self.schedule.sessions.empty


def _defaults(opts: FilterOptions) -> dict[str, object]:
    return {
        KEYS["dates"]: (opts.date_min, opts.date_max) if opts.date_min else (),
        KEYS["sections"]: [],
        KEYS["undated"]: True,
        KEYS["formats"]: [],
        KEYS["audiences"]: [],
        KEYS["working_groups"]: [],
        KEYS["organisations"]: [],
        KEYS["themes"]: [],
    }


def _seed_from_url(opts: FilterOptions) -> None:
    """On a session's first run, put the URL's filters into the widgets' state."""
    params = {k: st.query_params.get_all(k) for k in QUERY_KEYS if k in st.query_params}
    f, notes = from_query(params, opts)
    state = st.session_state
    for key, value in _defaults(opts).items():
        state[key] = value
    if opts.date_min and opts.date_max:
        start = max(opts.date_min, min(f.date_from or opts.date_min, opts.date_max))
        end = min(opts.date_max, max(f.date_to or opts.date_max, start))
        if (f.date_from and f.date_from != start) or (f.date_to and f.date_to != end):
            notes.append(f"dates outside the data ({opts.date_min:%-d %b} – {opts.date_max:%-d %b %Y}) "
                         f"were moved to {start:%-d %b} – {end:%-d %b}")
        state[KEYS["dates"]] = (start, end)
    state[KEYS["sections"]] = list(f.sections)
    state[KEYS["undated"]] = f.include_undated
    for attr in ("formats", "audiences", "working_groups", "organisations", "themes"):
        state[KEYS[attr]] = list(getattr(f, attr))
    state[_NOTES] = notes
    state[_INIT] = True


def reset_filters() -> None:
    """Button callback: clear every filter and the URL."""
    for key, value in _defaults(bundled_options()).items():
        st.session_state[key] = value
    st.session_state[_NOTES] = []
    st.query_params.clear()


def _filters_from_state(opts: FilterOptions) -> Filters:
    state = st.session_state
    dates = state.get(KEYS["dates"]) or ()
    date_from = date_to = None
    if isinstance(dates, tuple | list) and len(dates) >= 1 and opts.date_min:
        start: dt.date = dates[0]
        end: dt.date = dates[1] if len(dates) > 1 else dates[0]
        date_from = start if start != opts.date_min else None
        date_to = end if end != opts.date_max else None
    return Filters(
        date_from=date_from,
        date_to=date_to,
        sections=tuple(state.get(KEYS["sections"], ())),
        include_undated=bool(state.get(KEYS["undated"], True)),
        formats=tuple(state.get(KEYS["formats"], ())),
        audiences=tuple(state.get(KEYS["audiences"], ())),
        working_groups=tuple(state.get(KEYS["working_groups"], ())),
        organisations=tuple(state.get(KEYS["organisations"], ())),
        themes=tuple(state.get(KEYS["themes"], ())),
    )


def sidebar_filters() -> View:
    """Draw the shared filters in the sidebar, keep the URL in step, and return the filtered view."""
    full = bundled_schedule()
    opts = bundled_options()
    if not st.session_state.get(_INIT):
        _seed_from_url(opts)
    acr = full.reference.acronyms()
    sb = st.sidebar
    sb.header("Filters")
    if opts.date_min and opts.date_max:
        sb.date_input("Date range", min_value=opts.date_min, max_value=opts.date_max, key=KEYS["dates"],
                      format="DD/MM/YYYY", help="Dated records between these days (2020).")
    sb.toggle("Include undated / TBD records", key=KEYS["undated"],
              help="Records whose date is TBD, TBC or blank, including pipeline items.")
    sb.multiselect("Section", opts.sections, key=KEYS["sections"], placeholder="All sections",
                   format_func=lambda s: "Pipeline (details tbc)" if s == "pipeline" else "Schedule")
    sb.multiselect("Format", opts.formats, key=KEYS["formats"], placeholder="All formats")
    sb.multiselect("Audience", opts.audiences, key=KEYS["audiences"], placeholder="All audiences")
    wg_titles = {k: wg.short for k, wg in full.reference.working_groups.items()}
    sb.multiselect("Working group", opts.working_groups, key=KEYS["working_groups"], placeholder="All",
                   format_func=lambda w: w if w == NO_WG else f"{w} · {wg_titles.get(w, '')}")
    sb.multiselect("Lead organisation", opts.organisations, key=KEYS["organisations"], placeholder="All leads",
                   format_func=lambda o: f"{acr[o]} — {o}" if acr.get(o, o) != o else o,
                   help="People named as leads count for their organisation.")
    sb.multiselect("Theme", opts.themes, key=KEYS["themes"], placeholder="All themes")
    filters = _filters_from_state(opts)
    sb.button("Reset filters", key="f_reset", on_click=reset_filters, icon=":material/restart_alt:",
              disabled=filters.is_default, width="stretch")
    for note in st.session_state.get(_NOTES, []):
        sb.caption(f"Link: {note}")
    wanted = to_query(filters)
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    normal = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if current != normal:
        st.query_params.from_dict(wanted)
    view = View(full, apply_filters(full, filters), filters, describe_filters(filters, acr), opts)
    st.session_state[_VIEW] = view
    return view


def current_view() -> View:
    """The view computed by the entry point for this run (pages call this once per run).

    When a page runs without the entry point (a fresh server whose first visitor opens a page's URL
    makes Streamlit fall back to running ``pages/*.py`` directly), register navigation and rerun so
    the entry point takes over with the same URL.
    """
    view = st.session_state.pop(_VIEW, None)
    if view is None:
        from .navigation import pages

        st.navigation(pages(), position="hidden")
        st.rerun()
    return view

