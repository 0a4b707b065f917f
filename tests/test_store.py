"""The capture store, run against SQLite always and against PostgreSQL when ``OUTREACH_TEST_PG_URL`` is set.

Each PostgreSQL test gets a fresh database (created and dropped around it), so tests never see each other's
captures. With ``REQUIRE_POSTGRES=1`` and no URL, the PostgreSQL half fails instead of skipping.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from older_version import OLDER_AS_OF, older_page_bytes

from analysis import ScheduleError, load_schedule
from analysis import store as store_module
from analysis.compare import diff
from analysis.store import FRAME_TABLES, CaptureStore, StoreError, default_url

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "raw" / "online_series_2020.txt"
PG_ENV = "OUTREACH_TEST_PG_URL"


def _pg_admin_url() -> str:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {PG_ENV} is not set: the PostgreSQL store tests must run here")
        pytest.skip(f"no PostgreSQL server: set {PG_ENV}=postgresql+psycopg://… to run the store tests on one")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'captures.sqlite'}"
        return
    admin_url = _pg_admin_url()
    name = f"outreach_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[CaptureStore]:
    s = CaptureStore.from_url(store_url)
    yield s
    s.engine.dispose()


def _count(store: CaptureStore, table: sa.Table, capture_id: int | None = None) -> int:
    query = sa.select(sa.func.count()).select_from(table)
    if capture_id is not None:
        query = query.where((table.c.capture_id if "capture_id" in table.c else table.c.id) == capture_id)
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _values(column: pd.Series) -> list[object]:
    """The column's values with every missing marker (None, NaN, NA) as None."""
    return [None if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in column]


# ------------------------------------------------------------------------------------------------- schema

def test_fresh_store_has_the_schema_at_the_current_version(store: CaptureStore) -> None:
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {"schema_version", "captures", *(t.name for t in FRAME_TABLES.values())} <= tables
    assert store.version() == store_module.SCHEMA_VERSION
    assert store.list() == []


def test_opening_an_existing_store_again_is_idempotent(store_url: str) -> None:
    first = CaptureStore.from_url(store_url)
    info = first.ensure_bundled()
    second = CaptureStore.from_url(store_url)
    assert second.list() == [info]
    with second.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store_module.schema_version)).scalar_one() == 1
    first.engine.dispose()
    second.engine.dispose()


def test_stores_opened_at_once_create_the_schema_once(store_url: str) -> None:
    """Several starters on a fresh database race to create the tables; all succeed and agree."""
    n = 4
    barrier = threading.Barrier(n)

    def start(_: int) -> tuple[int, bool]:
        barrier.wait()
        s = CaptureStore.from_url(store_url)
        try:
            info, created = s.add(older_page_bytes(), "older.txt", as_of=OLDER_AS_OF)
            return info.id, created
        finally:
            s.engine.dispose()

    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(start, range(n)))
    assert len({capture_id for capture_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    s = CaptureStore.from_url(store_url)
    assert len(s.list()) == 1
    assert s.version() == store_module.SCHEMA_VERSION
    s.engine.dispose()


_STARTER = """
import pathlib, sys, time
from analysis.store import CaptureStore
sys.path.insert(0, sys.argv[3])
from older_version import OLDER_AS_OF, older_page_bytes
folder = pathlib.Path(sys.argv[2])
(folder / f"ready-{sys.argv[4]}").touch()
deadline = time.monotonic() + 60
while not (folder / "go").exists() and time.monotonic() < deadline:  # a barrier across processes
    time.sleep(0.005)
store = CaptureStore.from_url(sys.argv[1])
info, created = store.add(older_page_bytes(), "older.txt", as_of=OLDER_AS_OF)
print(info.id, int(created))
"""


def test_processes_starting_at_once_share_one_schema_and_one_capture(store_url: str, tmp_path: Path) -> None:
    """Separate processes (as app replicas are) open a fresh store at the same moment and add the same file."""
    n = 2
    tests_dir = str(Path(__file__).parent)
    procs = [subprocess.Popen([sys.executable, "-c", _STARTER, store_url, str(tmp_path), tests_dir, str(k)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in range(n)]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready-*"))) < n and time.monotonic() < deadline:
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.01)
    (tmp_path / "go").touch()
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * n, [err for _, err in results]
    ids_created = [tuple(map(int, out.split())) for out, _ in results]
    assert len({i for i, _ in ids_created}) == 1 and sum(c for _, c in ids_created) == 1
    s = CaptureStore.from_url(store_url)
    assert len(s.list()) == 1 and s.version() == store_module.SCHEMA_VERSION
    s.engine.dispose()


def test_a_pending_migration_runs_once(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    CaptureStore.from_url(store_url).engine.dispose()  # a version-1 store
    calls: list[int] = []

    def add_note_column(conn: sa.Connection) -> None:
        calls.append(1)
        conn.execute(sa.text("ALTER TABLE captures ADD COLUMN note TEXT"))

    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(store_module.MIGRATIONS, 2, add_note_column)
    s = CaptureStore.from_url(store_url)
    assert s.version() == 2 and calls == [1]
    assert "note" in {c["name"] for c in sa.inspect(s.engine).get_columns("captures")}
    CaptureStore(s.engine)
    assert calls == [1]
    s.engine.dispose()


def test_a_store_from_a_newer_app_is_refused(store: CaptureStore) -> None:
    with store.engine.begin() as conn:
        conn.execute(store_module.schema_version.update().values(version=store_module.SCHEMA_VERSION + 1))
    with pytest.raises(StoreError, match="newer"):
        CaptureStore(store.engine)


# ------------------------------------------------------------------------------------------------- captures

def test_the_bundled_page_is_capture_1_as_of_19_june_2020(store: CaptureStore) -> None:
    info = store.ensure_bundled()
    assert (info.id, info.as_of, info.as_of_origin, info.bundled, info.partial) == (
        1, dt.date(2020, 6, 19), "source.yaml", True, False)
    assert info.records == 17
    assert info.sha256 == hashlib.sha256(BUNDLED.read_bytes()).hexdigest()
    assert info.added_at.tzinfo is not None
    assert store.ensure_bundled() == info
    assert store.list() == [info]


def test_the_bundled_file_is_hashed_again_only_when_it_changes(store: CaptureStore,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Path] = []
    read_bytes = Path.read_bytes

    def counting(path: Path) -> bytes:
        reads.append(path)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", counting)
    expected = hashlib.sha256(read_bytes(BUNDLED)).hexdigest()
    assert [store.bundled_sha256() for _ in range(3)] == [expected] * 3
    assert reads == [BUNDLED]
    before = BUNDLED.stat()
    os.utime(BUNDLED, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    try:
        assert store.bundled_sha256() == expected
        assert reads == [BUNDLED, BUNDLED]  # a newer modification time: read and hashed again
    finally:
        os.utime(BUNDLED, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_same_bytes_twice_are_one_capture(store: CaptureStore) -> None:
    store.ensure_bundled()
    first, created = store.add(older_page_bytes(), "older.txt", as_of=OLDER_AS_OF, partial=True)
    assert created and first.id == 2
    assert (first.as_of, first.as_of_origin, first.partial, first.records) == (OLDER_AS_OF, "given", True, 3)
    again, created = store.add(older_page_bytes(), "renamed copy.txt", as_of=dt.date(2021, 1, 1))
    assert not created and again == first
    bundled_again, created = store.add(BUNDLED.read_bytes(), "upload.txt")
    assert not created and bundled_again.id == 1
    assert [c.id for c in store.list()] == [2, 1]  # by as-of date: 15 May before 19 June


def test_as_of_falls_back_to_the_upload_date(store: CaptureStore) -> None:
    before = dt.datetime.now(dt.UTC).date()
    info, _ = store.add(older_page_bytes(), "older.txt")
    assert info.as_of_origin == "upload"
    assert before <= info.as_of <= dt.datetime.now(dt.UTC).date()


def test_missing_captures_raise_key_error(store: CaptureStore) -> None:
    for call in (store.get, store.schedule, store.delete, store.raw):
        with pytest.raises(KeyError):
            call(99)
    with pytest.raises(KeyError):
        store.rename(99, "x")
    with pytest.raises(KeyError):
        store.set_partial(99, True)


def test_rename_and_partial(store: CaptureStore) -> None:
    info, _ = store.add(older_page_bytes(), "older.txt", as_of=OLDER_AS_OF)
    store.rename(info.id, "  COVID-19 Online Series, May  ")
    store.set_partial(info.id, True)
    got = store.get(info.id)
    assert (got.name, got.source_name, got.partial) == ("COVID-19 Online Series, May", "older.txt", True)
    assert store.schedule(info.id).meta.name == "COVID-19 Online Series, May"
    with pytest.raises(ValueError):
        store.rename(info.id, "   ")


def test_delete_removes_the_capture_and_its_rows(store: CaptureStore) -> None:
    bundled = store.ensure_bundled()
    info, _ = store.add(older_page_bytes(), "older.txt", as_of=OLDER_AS_OF)
    assert _count(store, store_module.capture_sessions, info.id) == 3
    store.delete(info.id)
    assert [c.id for c in store.list()] == [bundled.id]
    for table in FRAME_TABLES.values():
        assert _count(store, table, info.id) == 0
    assert _count(store, store_module.capture_sessions, bundled.id) == 17


def test_schedule_reads_the_stored_bytes_and_agrees_with_the_stored_frames(store: CaptureStore) -> None:
    info = store.ensure_bundled()
    schedule = store.schedule(info.id)
    direct = load_schedule(BUNDLED)
    assert schedule.meta.as_of == dt.date(2020, 6, 19) and schedule.meta.bundled
    assert schedule.meta.as_of_origin == "source.yaml"
    assert store.raw(info.id) == BUNDLED.read_bytes()
    pd.testing.assert_frame_equal(schedule.sessions, direct.sessions)
    stored = store.frame(info.id, "sessions")
    s = schedule.sessions
    assert stored["session_id"].tolist() == s["session_id"].tolist()
    for col in ("label", "section", "date_status", "topic", "format", "source_lines"):
        assert _values(stored[col]) == _values(s[col]), col
    assert stored["event_count"].tolist() == s["event_count"].tolist()
    assert [pd.Timestamp(d) if d is not None else pd.NaT for d in stored["date"]] == s["date"].tolist()
    assert [tuple(json.loads(a)) for a in stored["audiences"]] == list(s["audiences"])
    if "match_key" in s.columns:
        assert _values(stored["match_key"]) == _values(s["match_key"])
    for name in ("leads", "audiences", "problems"):
        assert len(store.frame(info.id, name)) == len(getattr(schedule, name)), name


@pytest.mark.parametrize("as_of", [OLDER_AS_OF, None], ids=["as-of given", "as-of the upload date"])
def test_an_added_capture_is_parsed_once_and_reads_as_a_fresh_parse(store_url: str, as_of: dt.date | None,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    added = CaptureStore.from_url(store_url)
    info, _ = added.add(older_page_bytes(), "older.txt", as_of=as_of)
    fresh = CaptureStore.from_url(store_url).schedule(info.id)  # another process: parses the stored bytes
    with monkeypatch.context() as m:  # the adding store parses no more: the schedule it just read is reused
        m.setattr(store_module, "load_schedule", lambda *a, **k: pytest.fail("parsed a second time"))
        first = added.schedule(info.id)
    assert first.meta == fresh.meta
    for name in ("sessions", "leads", "audiences", "lines", "problems"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(fresh, name), obj=name)
    again = added.schedule(info.id)  # later reads come from the stored bytes (the app caches the first)
    assert again is not first and again.meta == first.meta


def test_a_renamed_or_deleted_capture_is_never_served_from_its_first_parse(store: CaptureStore) -> None:
    info, _ = store.add(older_page_bytes(), "older.txt", as_of=OLDER_AS_OF)
    store.rename(info.id, "May page")
    assert store.schedule(info.id).meta.name == "May page"
    other, _ = store.add(BUNDLED.read_bytes(), "bundled copy.txt")
    store.delete(other.id)
    with pytest.raises(KeyError):
        store.schedule(other.id)


def test_an_unreadable_file_stores_nothing(store: CaptureStore) -> None:
    with pytest.raises(ScheduleError):
        store.add(b"just a sentence, no table\n", "notes.txt")
    assert store.list() == []


def test_a_write_failing_midway_leaves_no_half_capture(store: CaptureStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.ensure_bundled()
    real = store_module.frame_rows
    written: list[str] = []

    def failing(capture_id: int, frame: pd.DataFrame, table: sa.Table) -> list[dict[str, object]]:
        if table is store_module.capture_leads:  # sessions rows are already written in this transaction
            raise OSError("disk full")
        written.append(table.name)
        return real(capture_id, frame, table)

    monkeypatch.setattr(store_module, "frame_rows", failing)
    with pytest.raises(OSError, match="disk full"):
        store.add(older_page_bytes(), "older.txt", as_of=OLDER_AS_OF)
    assert written == ["capture_sessions"]
    assert [c.id for c in store.list()] == [1]
    assert store.find(hashlib.sha256(older_page_bytes()).hexdigest()) is None
    assert _count(store, store_module.capture_sessions) == 17  # the bundled page's rows only
    monkeypatch.setattr(store_module, "frame_rows", real)
    info, created = store.add(older_page_bytes(), "older.txt", as_of=OLDER_AS_OF)
    assert created and info.records == 3


def test_stored_captures_diff_as_the_pages_do(store: CaptureStore) -> None:
    bundled = store.ensure_bundled()
    older, _ = store.add(older_page_bytes(), "older.txt", as_of=OLDER_AS_OF, partial=True)
    changes = diff(store.schedule(older.id), store.schedule(bundled.id))
    moved = changes.frame[changes.frame["kind"] == "moved"]
    assert moved[["before", "after"]].values.tolist() == [["19 May 2020", "20 May 2020"]]


def test_history_is_in_as_of_order(store: CaptureStore) -> None:
    store.ensure_bundled()
    store.add(older_page_bytes(), "older.txt", as_of=OLDER_AS_OF)
    assert [(i.id, len(s.sessions)) for i, s in store.history()] == [(2, 3), (1, 17)]
    assert [i.id for i, _ in store.history([1])] == [1]


def test_plain_postgresql_scheme_uses_psycopg(store_url: str) -> None:
    if not store_url.startswith("postgresql+psycopg://"):
        pytest.skip("PostgreSQL only")
    s = CaptureStore.from_url("postgresql://" + store_url.removeprefix("postgresql+psycopg://"))
    assert s.engine.dialect.driver == "psycopg"
    s.engine.dispose()


# ------------------------------------------------------------------------------------------------- defaults

def test_default_url_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_STORE_URL", "postgresql+psycopg://u@db/outreach")
    assert default_url() == "postgresql+psycopg://u@db/outreach"
    monkeypatch.delenv("OUTREACH_STORE_URL")
    url = default_url()
    assert url.startswith("sqlite:///") and url.endswith("/var/captures.sqlite")
    assert Path(url.removeprefix("sqlite:///")).parent.is_dir()


# ------------------------------------------------------------------------------------------------- property

_ROW_TOPICS = ["Regular pathways", "Alternatives to detention", "Access to services", "Trafficking"]
_ROW_LEADS = ["WG3: OHCHR, Act Alliance", "UNICEF", "IOM ODG", "FAO"]


@st.composite
def pages(draw: st.DrawFn) -> bytes:
    rows = draw(st.lists(st.tuples(st.sampled_from(["7 May", "20 May", "4th June", "TBD"]),
                                   st.sampled_from(_ROW_TOPICS), st.sampled_from(_ROW_LEADS),
                                   st.sampled_from(["Webinar", "Listening Sessions (2)"])), min_size=1, max_size=6))
    lines = ["Date | Topic | Working Group (WG) and Co-leads | Format, Audience and Purpose | Documents |",
             "---|---|---|---|---|"]
    lines += [f"{d} | {t} | {ld} | Format: {f} Audience: Member States Purpose: talk | |" for d, t, ld, f in rows]
    return ("\n".join(lines) + "\n").encode()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=pages())
def test_re_adding_a_capture_is_a_no_op(page: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        s = CaptureStore.from_url(f"sqlite:///{folder}/c.sqlite")
        first, created = s.add(page, "page.txt", as_of=dt.date(2020, 6, 1))
        rows = {name: s.frame(first.id, name) for name in FRAME_TABLES}
        again, created_again = s.add(page, "page.txt", as_of=dt.date(2020, 7, 1), partial=True)
        assert created and not created_again and again == first and s.list() == [first]
        for name, frame in rows.items():
            pd.testing.assert_frame_equal(s.frame(first.id, name), frame)
        assert diff(s.schedule(first.id), s.schedule(again.id)).empty
        s.engine.dispose()


def test_a_file_that_reads_too_slowly_is_refused_and_leaves_nothing(
        store: CaptureStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Uploads are read with a time budget: over it, one sentence and no capture."""
    before = len(store.list())
    monkeypatch.setattr(store_module, "PARSE_BUDGET_SECONDS", 0.0)
    with pytest.raises(ScheduleError, match="takes too long to read"):
        store.add(older_page_bytes(), "older.txt")
    assert len(store.list()) == before
