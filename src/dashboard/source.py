"""Which data a session sees: the capture store, the bundled page as capture #1, uploads, and ``?capture=``.

The store (:class:`analysis.store.CaptureStore`) sits behind ``st.connection("captures", type="sql")`` and is
shared by every session of the server (and by every replica on PostgreSQL). What a *session* sees is its own
choice, kept in ``st.session_state`` and in the URL as ``?capture=ID``; an upload is added to the shared store
but chosen only for the session that uploaded it.

Reading is done once per file per server: a capture's :class:`~analysis.Schedule` is cached by its id and
content hash, and an upload is parsed and added once per content hash (``@st.cache_data``, bounded by
``max_entries`` so many sessions of uploads cannot grow memory without bound).

Safety: no URL parameter or text box names a path. The only files read are the bundled page (named by
``data/source.yaml``) and the bytes a browser uploads; ``?capture=`` is an integer looked up in the store.

The functions without a leading underscore that take a ``store`` argument are plain Python (no Streamlit
state), so tests drive them with an in-memory SQLite store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st

from analysis import Schedule, ScheduleError, load_schedule
from analysis.reader import MAX_BYTES

if TYPE_CHECKING:
    from analysis.store import CaptureInfo, CaptureStore

try:
    from analysis import store as _store_module
except ImportError:  # the store module is optional: without it the app shows the bundled page only
    _store_module = None  # type: ignore[assignment]

_LOG = logging.getLogger(__name__)

CAPTURE_PARAM = "capture"
"""Query parameter holding the chosen capture's id (absent for the bundled page)."""
UPLOAD_TYPES = ("txt", "md", "html", "htm", "csv", "tsv")
UPLOAD_KEY = "upload_file"
"""Key of the sidebar uploader; its "As of" and "Partial page" widgets are ``<key>_as_of`` and ``<key>_partial``."""
PICK_KEY = "capture_pick"
BACK_KEY = "capture_bundled"

_CHOSEN = "_capture_id"
_ERROR = "_upload_error"
_NOTE = "_capture_note"
_FROM_URL = "_capture_from_url"
_BUNDLED = "; showing the bundled page."


def limit_text() -> str:
    """The upload limit in words, from :data:`analysis.reader.MAX_BYTES` (e.g. "20 MiB")."""
    return f"{MAX_BYTES // 2**20} MiB"


# ----------------------------------------------------------------------------------------- plain functions


def data_key(schedule: Schedule) -> str:
    """A key for everything derived from ``schedule``: its content hash plus its citation.

    The content hash (``SourceMeta.sha256``) names the bytes read; the citation adds the as-of date and
    file name, which the same bytes can carry differently (an upload given its own as-of date).
    """
    meta = schedule.meta
    sha = getattr(meta, "sha256", None) or hashlib.sha256(repr(meta).encode()).hexdigest()
    return f"{sha}:{meta.citation}"


def add_upload(store: CaptureStore, data: bytes, name: str, *, as_of: dt.date | None = None,
               partial: bool = False) -> tuple[CaptureInfo, bool]:
    """Read ``data`` (an uploaded file called ``name``) and add it to ``store``.

    Returns:
        (the capture, True when it is new); the same bytes again give the existing capture.

    Raises:
        ScheduleError: the file cannot be read (one sentence naming the file), or is over the limit —
            checked here before any reading, as well as by the reader.
    """
    if len(data) > MAX_BYTES:
        raise ScheduleError(f"{name} is over the {limit_text()} limit.")
    return store.add(data, name, as_of=as_of, partial=partial)


def resolve_capture(store: CaptureStore | None, wanted: object) -> tuple[int | None, str | None]:
    """Turn a ``?capture=`` value into a capture id of ``store``.

    Returns:
        (capture id, None) when ``wanted`` names a stored capture; (None, note) otherwise, where the note
        is a plain sentence (to be escaped before display) saying the bundled page is shown instead.
        ``None``/"" gives (None, None): no choice was made.
    """
    if wanted is None or wanted == "":
        return None, None
    text = str(wanted)
    try:
        capture_id = int(text)
    except ValueError:
        return None, f"The link asks for capture “{text[:80]}”, which is not a capture number{_BUNDLED}"
    if store is None:
        return None, f"The link asks for capture {capture_id}, but no capture store is set up{_BUNDLED}"
    try:
        store.get(capture_id)
    except KeyError:
        return None, f"The link asks for capture {capture_id}, which is not in the store{_BUNDLED}"
    return capture_id, None


def capture_label(info: CaptureInfo) -> str:
    """How a capture reads in the picker: "#3 · name · as of 1 Jun 2021 · partial" (plain text)."""
    partial = " · partial" if info.partial else ""
    bundled = " (bundled)" if info.bundled else ""
    return f"#{info.id} · {info.name}{bundled} · as of {info.as_of:%-d %b %Y}{partial}"


# ----------------------------------------------------------------------------------------- cached glue


def store() -> CaptureStore | None:
    """The server's capture store (None when :mod:`analysis.store` is not installed).

    Reached through ``st.connection("captures", type="sql", url=default_url())``; the first call creates or
    migrates the schema and adds the bundled page as capture #1. When the store cannot be opened (a database
    that is down, a store written by a newer version), the session sees the bundled page with a note.
    """
    if _store_module is None:
        return None
    try:
        return _shared_store(_store_module.default_url())
    except Exception as exc:  # an unreachable or unusable store must not take the app down
        _LOG.warning("capture store unavailable: %s", exc)
        st.session_state[_NOTE] = "The capture store cannot be reached just now; showing the bundled page."
        return None


@st.cache_resource(show_spinner="Opening the capture store…", max_entries=4)
def _shared_store(url: str) -> CaptureStore:
    conn = st.connection("captures", type="sql", url=url)
    shared = _store_module.CaptureStore(conn.engine)
    shared.ensure_bundled()
    return shared


@st.cache_resource(show_spinner="Reading the bundled page…", max_entries=1)
def bundled_schedule() -> Schedule:
    """The bundled page, read once per server process (used when no store is available); shared, read-only."""
    return load_schedule()


@st.cache_resource(show_spinner="Reading the capture…", max_entries=8)
def _capture_schedule(capture_id: int, sha256: str, as_of: dt.date, name: str) -> Schedule:
    """A capture's schedule, read once per server per (id, content hash, as-of date, name).

    Held as the object itself (no copy per rerun, which for a large capture would cost more than the rest of
    the run): shared by every session, so nothing may change it; every function of :mod:`analysis` returns
    new frames.
    """
    shared = store()
    assert shared is not None
    return shared.schedule(capture_id)


@st.cache_data(show_spinner="Reading the file…", max_entries=64)
def _added(sha256: str, _data: bytes, name: str, as_of: dt.date | None, partial: bool) -> tuple[int | None, str]:
    """Add an upload once per content hash (and name, date, partial flag): (capture id, "") or (None, error).

    ``_data`` is not hashed by Streamlit: ``sha256`` stands for it. A failure is cached too, so a bad file
    is not read again on every attempt.
    """
    shared = store()
    if shared is None:
        return None, "Uploads need the capture store, which is not available on this server."
    try:
        info, _created = add_upload(shared, _data, name, as_of=as_of, partial=partial)
    except ScheduleError as exc:
        return None, str(exc)
    return info.id, ""


def bundled_id() -> int | None:
    """The id of the bundled capture (None without a store)."""
    shared = store()
    return shared.ensure_bundled().id if shared is not None else None


@dataclass(frozen=True)
class Chosen:
    """The data a session is looking at: its schedule, the capture (None without a store), a cache key, and
    every stored capture as read for this run (empty without a store)."""

    schedule: Schedule
    info: CaptureInfo | None
    key: str
    captures: tuple[CaptureInfo, ...] = ()


def chosen_id() -> int | None:
    """The capture id this session shows (the bundled one unless the session chose another)."""
    return st.session_state.get(_CHOSEN)


def choose(capture_id: int | None) -> None:
    """Show ``capture_id`` in this session only (None: the bundled page). Safe inside widget callbacks."""
    st.session_state[_CHOSEN] = capture_id
    st.session_state[PICK_KEY] = capture_id
    st.session_state.pop(_NOTE, None)


def schedule_of(info: CaptureInfo) -> Schedule:
    """The schedule of a stored capture, read once per server."""
    return _capture_schedule(info.id, info.sha256, info.as_of, info.name)


def chosen() -> Chosen:
    """Resolve what this session shows, reading ``?capture=`` on the session's first run.

    A capture deleted meanwhile (by another session) falls back to the bundled page with a note. The stored
    captures are listed once here and carried in the result, so the rest of the run asks the store nothing.
    """
    state = st.session_state
    shared = store()
    if not state.get(_FROM_URL):
        state[_FROM_URL] = True
        capture_id, note = resolve_capture(shared, st.query_params.get(CAPTURE_PARAM))
        state[_CHOSEN] = capture_id
        if note:
            state[_NOTE] = note
    if shared is None:
        full = bundled_schedule()
        return Chosen(full, None, data_key(full))
    items = shared.list()
    capture_id = state.get(_CHOSEN)
    info = None
    if capture_id is not None:
        info = next((c for c in items if c.id == capture_id), None)
        if info is None:
            state[_NOTE] = f"Capture {capture_id} was deleted; showing the bundled page."
            state[_CHOSEN] = None
    if info is None:
        sha = shared.bundled_sha256()
        info = next((c for c in items if c.sha256 == sha), None)
        if info is None:  # deleted, or the bundled file changed: stored again
            info = shared.ensure_bundled()
            items = shared.list()
    full = schedule_of(info)
    return Chosen(full, info, data_key(full), tuple(items))


def _on_upload(key: str) -> None:
    """Uploader callback: read the new file once per content hash, add it, and show it in this session."""
    state = st.session_state
    file = state.get(key)
    state.pop(_ERROR, None)
    if file is None:
        return
    data = file.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    as_of, partial = state.get(f"{key}_as_of"), bool(state.get(f"{key}_partial", False))
    capture_id, error = _added(sha, data, file.name, as_of, partial)
    shared = store()
    if capture_id is not None and shared is not None:
        try:
            shared.get(capture_id)
        except KeyError:  # deleted since it was cached: add it again
            _added.clear(sha, data, file.name, as_of, partial)
            capture_id, error = _added(sha, data, file.name, as_of, partial)
    if capture_id is None:
        state[_ERROR] = error
        return
    choose(capture_id)


def _on_pick() -> None:
    choose(st.session_state.get(PICK_KEY))


def _back_to_bundled() -> None:
    st.session_state.pop(_ERROR, None)
    choose(bundled_id())


def upload_controls(container: Any = None, key: str = UPLOAD_KEY) -> None:
    """The uploader, its "As of" date and "Partial page" box, drawn in ``container`` (default: the sidebar).

    ``key`` is the uploader's widget key (the date and the box get ``<key>_as_of`` and ``<key>_partial``);
    give another key to draw a second uploader on a page. A file is added to the store once per content
    hash per server and shown in this session; a file that cannot be read leaves one sentence for
    :func:`messages` and the data shown unchanged.
    """
    box = container if container is not None else st.sidebar
    box.file_uploader(
        "Load a capture of the page", type=list(UPLOAD_TYPES), key=key, on_change=_on_upload, args=(key,),
        accept_multiple_files=False,
        help=f"A copy of the schedule page: the pipe scrape, the page saved as HTML, a pasted table (TSV) or "
        f"CSV; at most {limit_text()}. It is added to the captures and shown in this browser tab only.",
    )
    box.date_input("As of", value=None, key=f"{key}_as_of", format="DD/MM/YYYY",
                   help="The date the page was captured; left empty, the page's own date or the upload date.")
    box.checkbox("Partial page", key=f"{key}_partial",
                 help="The file holds only part of the page: missing rows are not reported as dropped.")
    as_of, partial = st.session_state.get(f"{key}_as_of"), st.session_state.get(f"{key}_partial")
    if as_of or partial:
        when = f" as of {as_of:%-d %B %Y}" if as_of else ""
        box.container(key=f"{key}_next").caption(
            f"The next file will be read{when}{' as a partial page' if partial else ''}.")


def sidebar_source(current: Chosen) -> None:
    """Sidebar: the capture picker over ``current.captures``, "Back to the bundled page", and the upload
    controls."""
    sb = st.sidebar
    sb.header("Data")
    items = current.captures
    if items:
        ids = [c.id for c in items]
        labels = {c.id: capture_label(c) for c in items}
        shown = current.info.id if current.info is not None else ids[0]
        # written only when the picker's first option would not show it: see state._seed_from_url for why
        if st.session_state.get(PICK_KEY) not in ids and (PICK_KEY in st.session_state or shown != ids[0]):
            st.session_state[PICK_KEY] = shown
        sb.selectbox("Capture shown", ids, key=PICK_KEY, on_change=_on_pick, format_func=labels.__getitem__,
                     help="Every page shows this capture; add captures below or on the Captures page.")
        bundled = current.info is None or current.info.bundled
        sb.button("Back to the bundled page", key=BACK_KEY, on_click=_back_to_bundled, disabled=bundled,
                  icon=":material/undo:", width="stretch")
    upload_controls(sb)


def messages() -> None:
    """Main area: the upload error (one escaped sentence) and the note about a capture the link asked for."""
    from .ui import md_escape

    error = st.session_state.get(_ERROR)
    if error:
        st.error(md_escape(error), icon=":material/error:")
    note = st.session_state.get(_NOTE)
    if note:
        st.info(md_escape(note), icon=":material/link:")


def url_value(info: CaptureInfo | None) -> dict[str, str]:
    """The query parameter for the chosen capture: ``{"capture": id}``, or {} for the bundled page."""
    if info is None or info.bundled:
        return {}
    return {CAPTURE_PARAM: str(info.id)}

