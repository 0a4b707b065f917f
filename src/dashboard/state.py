"""The thin Streamlit layer: the chosen data, the shared URL-backed sidebar filters, and URL-backed page settings.

Only this package imports streamlit; all logic it calls lives in :mod:`analysis`.

The URL is written once, at the end of the entry point's run (:func:`sync_url`): the filters, the chosen
capture (``?capture=ID``) and the page-level settings the page registered with :func:`url_setting` during
the run. A fragment's rerun writes its own setting itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlencode

import streamlit as st

from analysis import Schedule
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

from . import source
from .source import bundled_schedule

if TYPE_CHECKING:
    from analysis.store import CaptureInfo

__all__ = ["KEYS", "View", "bundled_schedule", "current_view", "reset_filters", "sidebar_filters", "sync_url",
           "url_setting"]

KEYS = {
    "dates": "f_dates", "sections": "f_sections", "undated": "f_undated", "formats": "f_formats",
    "audiences": "f_audiences", "working_groups": "f_wgs", "organisations": "f_leads", "themes": "f_themes",
}
_SEEDED_FOR = "_filters_seeded_for"
_NOTES = "_filter_notes"
_VIEW = "_view"
_SETTINGS = "_url_settings"
_SHADOW = "_setting_"
_LAST_FILTERS = "_last_filters"
_LAST_OPTIONS = "_last_options"

T = TypeVar("T")

FILTERS_HASH = {Filters: repr}
"""``hash_funcs`` for caches keyed by a :class:`Filters`: Streamlit hashes a dataclass through
``dataclasses.asdict`` (a deep copy) on every lookup; its repr names every field and costs a fraction of that."""


@st.cache_resource(show_spinner=False, max_entries=16)
def _options(key: str, _full: Schedule) -> FilterOptions:
    """Filter choices of a schedule, once per schedule per server (``key`` stands for it); shared, read-only."""
    return filter_options(_full)


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=FILTERS_HASH)
def _filtered(key: str, filters: Filters, _full: Schedule) -> Schedule:
    """The filtered schedule, once per (data, filters) per server; shared and read-only."""
    return apply_filters(_full, filters)


@dataclass(frozen=True)
class View:
    """What every page works from: the full schedule, the filtered one, the filters and their wording.

    ``capture`` is the stored capture shown (None when the app runs without a store) and ``key`` a
    string naming the data (content hash and citation) for caches of anything derived from ``full``.
    """

    full: Schedule
    schedule: Schedule
    filters: Filters
    description: str
    options: FilterOptions
    capture: CaptureInfo | None = None
    key: str = ""
    captures: tuple[CaptureInfo, ...] = ()
    """Every stored capture as read for this run (empty without a store)."""

    def ctx(self, page: str) -> ChartContext:
        """The chart context (filters subtitle, source line naming the file and as-of date, page name)."""
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


def _seed_from_url(opts: FilterOptions, *, fresh: bool) -> None:
    """Put the URL's filters, as far as they exist in this schedule, into the widgets' state.

    On a session's first run (``fresh``) only the filters that differ from their defaults are written: the
    others' widgets draw their default arguments. A widget whose value is written here is sent with it as a
    value to set, so the first rerun would send it again without, and the browser would redraw every filter
    (about 30–70 ms of React work on each page's first filter change, ``benchmarks/bench_pages.py``).
    """
    params = {k: st.query_params.get_all(k) for k in QUERY_KEYS if k in st.query_params}
    f, notes = from_query(params, opts)
    defaults = _defaults(opts)
    seeded = dict(defaults)
    if opts.date_min and opts.date_max:
        start = max(opts.date_min, min(f.date_from or opts.date_min, opts.date_max))
        end = min(opts.date_max, max(f.date_to or opts.date_max, start))
        if (f.date_from and f.date_from != start) or (f.date_to and f.date_to != end):
            notes.append(f"dates outside the data ({opts.date_min:%-d %b} – {opts.date_max:%-d %b %Y}) "
                         f"were moved to {start:%-d %b} – {end:%-d %b}")
        seeded[KEYS["dates"]] = (start, end)
    seeded[KEYS["sections"]] = list(f.sections)
    seeded[KEYS["undated"]] = f.include_undated
    for attr in ("formats", "audiences", "working_groups", "organisations", "themes"):
        seeded[KEYS[attr]] = list(getattr(f, attr))
    state = st.session_state
    for key, value in seeded.items():
        if not (fresh and key not in state and value == defaults[key]):
            state[key] = value
    state[_NOTES] = notes


def reset_filters() -> None:
    """Button callback: clear every filter (the URL follows at the end of the run)."""
    opts: FilterOptions | None = st.session_state.get(_LAST_OPTIONS)
    if opts is None:
        opts = filter_options(bundled_schedule())
    for key, value in _defaults(opts).items():
        st.session_state[key] = value
    st.session_state[_NOTES] = []
    for k in QUERY_KEYS:
        st.query_params.pop(k, None)


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
    """Draw the data choice and the shared filters in the sidebar, and return the filtered view.

    Filters are seeded from the URL on a session's first run and again whenever the session switches to
    other data (values that do not exist in the new schedule are dropped with a note in the main area).
    """
    current = source.chosen()
    full = current.schedule
    opts = _options(current.key, full)
    if st.session_state.get(_SEEDED_FOR) != current.key:
        if _SEEDED_FOR in st.session_state:  # switching data: carry the filters over through the URL form
            last: Filters | None = st.session_state.get(_LAST_FILTERS)
            if last is not None:
                st.query_params.from_dict({**_other_params(), **to_query(last)})
        _seed_from_url(opts, fresh=_SEEDED_FOR not in st.session_state)
        st.session_state[_SEEDED_FOR] = current.key
    st.session_state[_SETTINGS] = {}
    acr = full.reference.acronyms()
    source.sidebar_source(current)
    sb = st.sidebar
    sb.header("Filters")
    defaults = _defaults(opts)  # the widgets' own defaults: the same values Reset filters writes
    if opts.date_min and opts.date_max:
        sb.date_input("Date range", value=defaults[KEYS["dates"]], min_value=opts.date_min,
                      max_value=opts.date_max, key=KEYS["dates"], format="DD/MM/YYYY",
                      help="Dated records between these days.")
    sb.toggle("Include undated / TBD records", value=defaults[KEYS["undated"]], key=KEYS["undated"],
              help="Records whose date is TBD, TBC or blank, including pipeline items.")
    sb.multiselect("Section", opts.sections, key=KEYS["sections"], placeholder="All sections",
                   format_func=lambda s: "Pipeline (details tbc)" if s == "pipeline" else "Schedule")
    sb.multiselect("Format", opts.formats, key=KEYS["formats"], placeholder="All formats")
    sb.multiselect("Audience", opts.audiences, key=KEYS["audiences"], placeholder="All audiences")
    wg_titles = {k: wg.short for k, wg in full.reference.working_groups.items()}
    sb.multiselect("Working group", opts.working_groups, key=KEYS["working_groups"], placeholder="All",
                   format_func=lambda w: w if w == NO_WG or w not in wg_titles else f"{w} · {wg_titles[w]}")
    sb.multiselect("Lead organisation", opts.organisations, key=KEYS["organisations"], placeholder="All leads",
                   format_func=lambda o: f"{acr[o]} — {o}" if acr.get(o, o) != o else o,
                   help="People named as leads count for their organisation.")
    sb.multiselect("Theme", opts.themes, key=KEYS["themes"], placeholder="All themes")
    filters = _filters_from_state(opts)
    sb.button("Reset filters", key="f_reset", on_click=reset_filters, icon=":material/restart_alt:",
              disabled=filters.is_default, width="stretch")
    view = View(full, _filtered(current.key, filters, full), filters, describe_filters(filters, acr), opts,
                current.info, current.key, current.captures)
    copy_link(view, sb)
    st.session_state[_VIEW] = view
    st.session_state[_LAST_FILTERS] = filters
    st.session_state[_LAST_OPTIONS] = opts
    return view


def notes() -> None:
    """Main area: the upload error, the note on a capture the link asked for, and dropped link values.

    Every value is escaped: URL values and file names never form Markdown links, images or HTML.
    """
    from .ui import md_escape

    source.messages()
    dropped = st.session_state.get(_NOTES) or []
    if dropped:
        st.info("Some values in the link were not used: " + "; ".join(md_escape(n) for n in dropped) + ".",
                icon=":material/link_off:")


def _other_params() -> dict[str, list[str]]:
    """Query parameters that are not filters (the capture and page settings)."""
    return {k: st.query_params.get_all(k) for k in st.query_params if k not in QUERY_KEYS}


def _wanted_url(view: View, settings: dict[str, str] | None = None) -> dict[str, str | list[str]]:
    if settings is None:
        settings = st.session_state.get(_SETTINGS, {})
    return {**to_query(view.filters), **source.url_value(view.capture), **settings}


def sync_url(view: View) -> None:
    """Make the URL hold exactly the filters, the chosen capture and this run's page settings.

    Called by the entry point after the page has run.
    """
    wanted = _wanted_url(view)
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    normal = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if current != normal:
        st.query_params.from_dict(wanted)


def copy_link(view: View, container: object = None) -> None:
    """A "Copy link" popover showing this view's full URL (page, filters, capture, page settings) to copy.

    Page settings are those in the URL when the run started (a page writes its own as it runs).
    """
    box = container if container is not None else st.sidebar
    with box.popover("Copy link", icon=":material/link:", width="stretch", key="copy_link"):
        settings = {k: st.query_params[k] for k in st.query_params
                    if k not in QUERY_KEYS and k != source.CAPTURE_PARAM}
        base = st.context.url or ""
        query = urlencode(_wanted_url(view, settings), doseq=True)
        st.code(f"{base}?{query}" if query else base, language=None, wrap_lines=True)
        st.caption("Anyone with this link sees this page with the same capture, filters and settings.")


def _encode(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _decode(text: str, default: T, options: Sequence[T] | None) -> tuple[T, bool]:
    """(value, ok) for a query-parameter text; ok is False when the text is not an allowed value."""
    if isinstance(default, bool):
        if text in ("1", "0"):
            return (text == "1"), True  # type: ignore[return-value]
        return default, False
    if options is not None:
        for option in options:
            if _encode(option) == text:
                return option, True
        return default, False
    if isinstance(default, int):
        try:
            return type(default)(text), True  # type: ignore[return-value]
        except ValueError:
            return default, False
    return text, True  # type: ignore[return-value]


def url_setting(key: str, default: T, options: Sequence[T] | None = None, *, param: str | None = None) -> T:
    """Keep the page-level widget ``key`` in step with the query parameter ``param`` (default: ``key``).

    Call it just before drawing the widget, and draw the widget with ``key=key`` and ``default`` as its own
    default (index, value). On a session's first visit the widget starts from the URL's value (if it is one
    of ``options``, or a bool/int like ``default``), else from the session's last choice, else ``default``;
    only a value other than ``default`` is set through Session State (see :func:`_seed_from_url` for why).
    The current value is written to the URL (left out when it equals ``default``) and kept for when the
    page is visited again. Works inside ``@st.fragment`` too.

    Returns:
        The widget's current value (``default`` when the widget holds None, e.g. a cleared segmented
        control).

    Example:
        >>> people = url_setting("net_people", False, param="people")  # doctest: +SKIP
        >>> st.toggle("Show people as their own nodes", value=False, key="net_people")  # doctest: +SKIP
    """
    name = param or key
    state = st.session_state
    if key not in state:
        raw = st.query_params.get(name)
        value, ok = _decode(raw, default, options) if raw is not None else (default, False)
        if not ok:
            value = state.get(_SHADOW + key, default)
        if value != default:
            state[key] = value
    value = state.get(key, default)
    if value is None or (options is not None and value not in options):
        value = default
    state[_SHADOW + key] = value
    settings: dict[str, str] = state.setdefault(_SETTINGS, {})
    if value == default:
        settings.pop(name, None)
        if name in st.query_params:
            del st.query_params[name]
    else:
        settings[name] = _encode(value)
        if st.query_params.get(name) != settings[name]:
            st.query_params[name] = settings[name]
    return value


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
