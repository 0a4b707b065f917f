"""A store of page captures over time: SQLAlchemy Core, the same code on SQLite and PostgreSQL.

A *capture* is one file as read: its bytes, a content hash (the same bytes twice are one capture), its
as-of date and where that date came from, and the parsed tidy frames. The frames are stored as rows
(``capture_sessions``, ``capture_leads``, ``capture_audiences``, ``capture_problems``, keyed by
``capture_id``; list columns as JSON text) so other tools can query them with SQL; :meth:`CaptureStore.schedule`
re-reads the stored bytes, so the app has one code path from bytes to :class:`~analysis.schedule.Schedule`.

The schema is created (or migrated) on first use and records its version in ``schema_version``. Every
write is one transaction: a failed or interrupted ``add`` leaves no half capture. This is the only module of
the package that talks SQL.

Examples:
    >>> store = CaptureStore.from_url("sqlite://")          # in memory
    >>> store.ensure_bundled().as_of.isoformat()
    '2020-06-19'
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from .paths import PROJECT_ROOT
from .reference import load_reference
from .schedule import Schedule, load_schedule

SCHEMA_VERSION = 1
"""Version of the tables below; :data:`MIGRATIONS` brings an older store up to it."""

STORE_URL_ENV = "OUTREACH_STORE_URL"

AS_OF_ORIGINS = ("given", "page", "source.yaml", "file date", "upload")

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # always 1: one row
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

captures = sa.Table(
    "captures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("source_name", sa.Text, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("as_of_origin", sa.String(20), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("records", sa.Integer, nullable=False),
    sa.Column("partial", sa.Boolean, nullable=False, default=False),
    sa.Column("bundled", sa.Boolean, nullable=False, default=False),
    sa.Column("source_kind", sa.String(20), nullable=False),
    sa.Column("year", sa.Integer, nullable=True),
    sa.Column("raw", sa.LargeBinary, nullable=False),
)


def _child(name: str, *columns: sa.Column[Any]) -> sa.Table:
    return sa.Table(
        name, metadata,
        sa.Column("capture_id", sa.Integer, sa.ForeignKey("captures.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("row_no", sa.Integer, primary_key=True, autoincrement=False),
        *columns,
    )


def _text(*names: str) -> list[sa.Column[Any]]:
    return [sa.Column(n, sa.Text) for n in names]


capture_sessions = _child(
    "capture_sessions",
    *_text("session_id", "match_key", "label", "section", "section_title"),
    sa.Column("source_line", sa.Integer),
    *_text("source_lines"),
    sa.Column("date", sa.Date), sa.Column("date_end", sa.Date),
    *_text("date_raw", "date_status"),
    sa.Column("year_inferred", sa.Boolean),
    *_text("topic", "working_group", "leads_raw"),
    sa.Column("n_leads", sa.Integer), sa.Column("unnamed_partners", sa.Boolean),
    *_text("format", "format_raw"),
    sa.Column("event_count", sa.Integer),
    *_text("audience_raw", "audiences", "purpose", "languages"),
    sa.Column("interpretation", sa.Boolean),
    *_text("platform", "publication", "documents", "document_links", "themes", "gcm_objectives"),
    sa.Column("placeholder", sa.Boolean),
)
capture_leads = _child(
    "capture_leads",
    *_text("session_id", "name", "raw", "kind", "org_type", "affiliation", "organisation", "acronym", "unit",
           "role"),
    sa.Column("resolved", sa.Boolean), sa.Column("inferred", sa.Boolean), sa.Column("source_line", sa.Integer),
)
capture_audiences = _child(
    "capture_audiences", *_text("session_id", "audience", "raw"), sa.Column("source_line", sa.Integer),
)
capture_problems = _child(
    "capture_problems", sa.Column("line_no", sa.Integer), *_text("field", "severity", "message", "session_id"),
)
FRAME_TABLES: dict[str, sa.Table] = {
    "sessions": capture_sessions, "leads": capture_leads, "audiences": capture_audiences,
    "problems": capture_problems,
}
"""Schedule frame name → the table holding its rows (columns of the frame that the table lacks are not kept)."""

_INFO_COLUMNS = tuple(c for c in captures.columns if c.name not in ("raw", "year"))

MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {}
"""Version N → the step that turns a version N-1 store into version N (none yet: version 1 is the first)."""


@dataclass(frozen=True)
class CaptureInfo:
    """One stored capture, without its bytes or frames."""

    id: int
    name: str
    source_name: str
    as_of: dt.date
    as_of_origin: str
    sha256: str
    added_at: dt.datetime
    records: int
    partial: bool
    bundled: bool
    source_kind: str


class StoreError(RuntimeError):
    """The store cannot be used (e.g. written by a newer version of the app). The message is one sentence."""


def default_url() -> str:
    """The store's URL: env ``OUTREACH_STORE_URL``, else a SQLite file ``<repo>/var/captures.sqlite``.

    The ``var`` directory is created when the default is used.
    """
    url = os.environ.get(STORE_URL_ENV, "").strip()
    if url:
        return url
    folder = PROJECT_ROOT / "var"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'captures.sqlite'}"


# ------------------------------------------------------------------------------------------ parsing glue

PARSE_BUDGET_SECONDS = 20.0
"""Longest a capture may take to read; a file that needs more is refused with one sentence (it is not a page)."""


def parse_capture(data: bytes, *, name: str, year: int | None = None, as_of: dt.date | None = None,
                  as_of_origin: str | None = None, bundled: bool = False) -> Schedule:
    """Read capture bytes into a :class:`Schedule` named ``name`` — the one path from stored bytes to frames.

    The bundled page (``bundled`` and the bytes still equal to ``data/raw``'s file) is read as the bundled
    file, so it keeps the year and metadata of ``data/source.yaml``. ``as_of``/``as_of_origin``, when given,
    replace the data layer's own as-of date and origin.

    Raises:
        ScheduleError: the bytes cannot be read as a schedule, or not within :data:`PARSE_BUDGET_SECONDS`.
    """
    path = load_reference().source.file
    if bundled and path.is_file() and _sha256(path.read_bytes()) == _sha256(data):
        schedule = load_schedule(path, year=year, as_of=as_of)
    else:
        schedule = load_schedule(data, year=year, name=name, as_of=as_of, time_budget=PARSE_BUDGET_SECONDS)
    changes: dict[str, object] = {"name": name}
    if as_of_origin is not None:
        changes["as_of_origin"] = as_of_origin
    return replace(schedule, meta=replace(schedule.meta, **changes))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _json(value: object) -> str:
    """A list-like cell as JSON text (tuples of pairs become lists of lists)."""
    items = value.tolist() if isinstance(value, np.ndarray) else value
    return json.dumps([list(v) if isinstance(v, tuple | list) else v for v in items],  # type: ignore[union-attr]
                      ensure_ascii=False)


def column_values(values: pd.Series, column: sa.Column[Any]) -> builtins.list[object]:
    """One frame column as SQL values: missing → NULL, dates → ``date``, list-likes → JSON text, numpy → Python.

    Column-wise, so a large capture is converted in a few passes rather than cell by cell.
    """
    if isinstance(column.type, sa.Date):
        stamps = pd.to_datetime(values)
        return stamps.dt.date.astype(object).where(stamps.notna(), None).tolist()
    if values.dtype == object and any(isinstance(v, tuple | list | np.ndarray) for v in values):
        cache: dict[object, str] = {}
        out: builtins.list[object] = []
        for v in values:
            if isinstance(v, tuple | list | np.ndarray):
                key = tuple(v) if not isinstance(v, tuple) else v
                try:
                    text = cache.get(key) or cache.setdefault(key, _json(v))
                except TypeError:  # unhashable items: no cache
                    text = _json(v)
                out.append(text)
            else:
                out.append(None if v is None or pd.isna(v) else str(v))
        return out
    missing = values.isna().to_numpy()
    boxed = values.to_numpy(dtype=object)  # numpy scalars become Python ints, floats and bools
    if isinstance(column.type, sa.Text) and not pd.api.types.is_string_dtype(values):
        boxed = np.array([str(v) for v in boxed], dtype=object)
    return [None if m else v for v, m in zip(boxed.tolist(), missing.tolist(), strict=True)]


def frame_rows(capture_id: int, frame: pd.DataFrame, table: sa.Table) -> builtins.list[dict[str, object]]:
    """The frame as rows for ``table``: only the columns the table has, ``row_no`` in frame order."""
    cols = [c for c in table.columns if c.name in frame.columns]
    names = ["capture_id", "row_no", *(c.name for c in cols)]
    n = len(frame)
    columns = [[capture_id] * n, list(range(n)), *(column_values(frame[c.name], c) for c in cols)]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _is_race(error: sa_exc.DBAPIError) -> bool:
    """True for the errors a concurrent schema creation gives: "already exists", duplicate key, locked."""
    text = str(error.orig).casefold()
    return any(w in text for w in ("already exists", "duplicate", "unique", "locked", "busy", "deadlock"))


# ------------------------------------------------------------------------------------------------ store

class CaptureStore:
    """Captures in a SQL database. Construct with an engine (or :meth:`from_url`); the schema is made on first use.

    Every method opens its own connection; writes are single transactions, so several processes (app
    replicas, the command line) can share one store.
    """

    JUST_ADDED = 4
    """Schedules parsed by :meth:`add` kept for the first :meth:`schedule` of their capture (this process only)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._just_added: dict[int, Schedule] = {}
        self._bundled_hash: tuple[tuple[str, int, int], str] | None = None
        self._ensure_schema()

    @classmethod
    def from_url(cls, url: str) -> CaptureStore:
        """A store at ``url`` (``sqlite:///path``, ``postgresql+psycopg://…``)."""
        for plain in ("postgresql://", "postgres://"):  # the plain schemes pick psycopg2, which is not installed
            if url.startswith(plain):
                url = "postgresql+psycopg://" + url.removeprefix(plain)
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30}  # wait for another writer instead of failing at once
        return cls(sa.create_engine(url, **kwargs))

    # ---------------------------------------------------------------------------------------- schema

    def _ensure_schema(self, attempts: int = 8) -> None:
        """Create or migrate the tables; idempotent, and safe when several processes start at once.

        On PostgreSQL a transaction-scoped advisory lock serialises the starters; elsewhere a starter that
        loses the race (its CREATE fails because another just made the table) simply tries again and then
        finds the tables there.
        """
        for attempt in range(attempts):
            try:
                with self.engine.begin() as conn:
                    if conn.dialect.name == "postgresql":
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(7403117)"))
                    self._create_or_migrate(conn)
                return
            except sa_exc.DBAPIError as error:
                if attempt == attempts - 1 or not _is_race(error):
                    raise
                time.sleep(0.05 * (attempt + 1))  # back off, then look again: the other starter has finished

    def _create_or_migrate(self, conn: sa.Connection) -> None:
        metadata.create_all(conn, tables=[schema_version], checkfirst=True)
        version = conn.execute(sa.select(schema_version.c.version).where(schema_version.c.id == 1)).scalar()
        if version is None:
            metadata.create_all(conn, checkfirst=True)
            conn.execute(schema_version.insert().values(id=1, version=SCHEMA_VERSION, updated_at=_utcnow()))
            return
        if version > SCHEMA_VERSION:
            raise StoreError(f"the capture store is at schema version {version}, newer than this app's "
                             f"{SCHEMA_VERSION}; update the app.")
        for step in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[step](conn)
        if version < SCHEMA_VERSION:
            conn.execute(schema_version.update().where(schema_version.c.id == 1)
                         .values(version=SCHEMA_VERSION, updated_at=_utcnow()))

    def version(self) -> int:
        """The schema version recorded in the store."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(schema_version.c.version)).scalar_one())

    # ------------------------------------------------------------------------------------------ reads

    @staticmethod
    def _info(row: sa.Row[Any]) -> CaptureInfo:
        added = row.added_at
        if added.tzinfo is None:  # SQLite keeps no zone: the store writes UTC
            added = added.replace(tzinfo=dt.UTC)
        return CaptureInfo(
            id=row.id, name=row.name, source_name=row.source_name, as_of=row.as_of, as_of_origin=row.as_of_origin,
            sha256=row.sha256, added_at=added, records=row.records, partial=bool(row.partial),
            bundled=bool(row.bundled), source_kind=row.source_kind,
        )

    def list(self) -> builtins.list[CaptureInfo]:
        """Every capture, by as-of date then id."""
        query = sa.select(*_INFO_COLUMNS).order_by(captures.c.as_of, captures.c.id)
        with self.engine.connect() as conn:
            return [self._info(r) for r in conn.execute(query)]

    def get(self, capture_id: int) -> CaptureInfo:
        """The capture with this id.

        Raises:
            KeyError: there is none.
        """
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*_INFO_COLUMNS).where(captures.c.id == capture_id)).first()
        if row is None:
            raise KeyError(f"there is no capture #{capture_id}")
        return self._info(row)

    def find(self, sha256: str) -> CaptureInfo | None:
        """The capture of bytes with this SHA-256 (hex), if stored."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*_INFO_COLUMNS).where(captures.c.sha256 == sha256)).first()
        return None if row is None else self._info(row)

    def raw(self, capture_id: int) -> bytes:
        """The capture's bytes, exactly as added. Raises KeyError if there is no such capture."""
        with self.engine.connect() as conn:
            data = conn.execute(sa.select(captures.c.raw).where(captures.c.id == capture_id)).scalar()
        if data is None:
            raise KeyError(f"there is no capture #{capture_id}")
        return bytes(data)

    def schedule(self, capture_id: int) -> Schedule:
        """The capture's parsed :class:`Schedule` (its stored bytes read again, with its name and as-of date).

        Raises:
            KeyError: there is no such capture.
            ScheduleError: the stored bytes no longer read as a schedule (only after a change of the reader).
        """
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(captures.c.raw, captures.c.name, captures.c.year, captures.c.as_of, captures.c.as_of_origin,
                          captures.c.bundled)
                .where(captures.c.id == capture_id)).first()
        if row is None:
            raise KeyError(f"there is no capture #{capture_id}")
        added = self._just_added.pop(capture_id, None)  # an upload is then parsed once, not again at once
        if added is not None and added.meta.name == row.name:
            return added
        return parse_capture(bytes(row.raw), name=row.name, year=row.year, as_of=row.as_of,
                             as_of_origin=row.as_of_origin, bundled=row.bundled)

    def frame(self, capture_id: int, frame: str) -> pd.DataFrame:
        """A stored frame ("sessions", "leads", "audiences" or "problems") of a capture, in its stored form.

        Columns are those of the table (list columns as JSON text), rows in the original order.
        """
        table = FRAME_TABLES[frame]
        query = sa.select(*[c for c in table.columns if c.name not in ("capture_id", "row_no")]).where(
            table.c.capture_id == capture_id).order_by(table.c.row_no)
        with self.engine.connect() as conn:
            return pd.DataFrame(conn.execute(query).mappings().all(),
                                columns=[c.name for c in table.columns][2:])

    # ----------------------------------------------------------------------------------------- writes

    def add(self, data: bytes, source_name: str, *, as_of: dt.date | None = None, partial: bool = False,
            year: int | None = None) -> tuple[CaptureInfo, bool]:
        """Store a capture; return it and whether it is new.

        The same bytes twice are one capture: the second call returns the stored one with ``created=False``
        and changes nothing. The as-of date is ``as_of`` when given, else the date the page states (or the
        bundled page's date from ``data/source.yaml``), else today (UTC, origin "upload").

        Raises:
            ScheduleError: the bytes cannot be read as a schedule (nothing is stored).
        """
        data = bytes(data)
        sha = _sha256(data)
        found = self.find(sha)
        if found is not None:
            return found, False
        bundled = load_reference().source.file.is_file() and self.bundled_sha256() == sha
        schedule = parse_capture(data, name=source_name, year=year, as_of=as_of, bundled=bundled)
        when, origin = self._resolve_as_of(schedule, as_of)
        schedule = replace(schedule, meta=replace(schedule.meta, as_of=when, as_of_origin=origin))
        info, created = self._insert(data, sha, source_name, schedule, when, origin, partial, bundled, year)
        if created:
            self._just_added[info.id] = schedule
            for old in list(self._just_added)[:-self.JUST_ADDED]:
                self._just_added.pop(old, None)
        return info, created

    @staticmethod
    def _resolve_as_of(schedule: Schedule, as_of: dt.date | None) -> tuple[dt.date, str]:
        """Given, else the page's own (or data/source.yaml's for the bundled page), else today in UTC."""
        if as_of is not None:
            return as_of, "given"
        meta = schedule.meta
        if meta.as_of is not None and meta.as_of_origin in ("page", "source.yaml"):
            return meta.as_of, meta.as_of_origin
        return _utcnow().date(), "upload"

    def _insert(self, data: bytes, sha: str, source_name: str, schedule: Schedule, as_of: dt.date, origin: str,
                partial: bool, bundled: bool, year: int | None) -> tuple[CaptureInfo, bool]:
        values = dict(
            name=source_name, source_name=source_name, as_of=as_of, as_of_origin=origin, sha256=sha,
            added_at=_utcnow(), records=len(schedule.sessions), partial=partial, bundled=bundled,
            source_kind=schedule.meta.source_kind, year=year, raw=data,
        )
        try:
            with self.engine.begin() as conn:
                capture_id = conn.execute(captures.insert().values(**values).returning(captures.c.id)).scalar_one()
                self._insert_frames(conn, capture_id, schedule)
        except sa_exc.IntegrityError:
            found = self.find(sha)  # another process stored the same bytes meanwhile
            if found is None:
                raise
            return found, False
        return self.get(capture_id), True

    def _insert_frames(self, conn: sa.Connection, capture_id: int, schedule: Schedule) -> None:
        """Write the schedule's frames as rows (part of the caller's transaction)."""
        for name, table in FRAME_TABLES.items():
            rows = frame_rows(capture_id, getattr(schedule, name), table)
            if rows:
                conn.execute(table.insert(), rows)

    def bundled_sha256(self) -> str:
        """The SHA-256 (hex) of the bundled page's file as it is now.

        The file is read and hashed again only when its path, size or modification time changed, so callers
        may ask on every page run.
        """
        path = load_reference().source.file
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        if self._bundled_hash is None or self._bundled_hash[0] != key:
            self._bundled_hash = (key, _sha256(path.read_bytes()))
        return self._bundled_hash[1]

    def ensure_bundled(self) -> CaptureInfo:
        """The bundled page (``data/raw``'s file as it is now) as a capture, as of its ``data/source.yaml`` date.

        Stored first if missing, so on a fresh store it is capture #1. Deleting it is undone by the next call;
        a changed bundled file becomes a new capture (the earlier one stays, marked bundled).
        """
        found = self.find(self.bundled_sha256())
        if found is not None:
            return found
        path = load_reference().source.file
        info, _ = self.add(path.read_bytes(), path.name)
        return info

    def rename(self, capture_id: int, name: str) -> None:
        """Give a capture a new display name (trimmed, not empty). Raises KeyError / ValueError."""
        name = name.strip()
        if not name:
            raise ValueError("a capture's name cannot be empty.")
        self._update(capture_id, name=name)

    def set_partial(self, capture_id: int, partial: bool) -> None:
        """Mark a capture as partial (cut off: rows missing from it are not "dropped") or whole."""
        self._update(capture_id, partial=bool(partial))

    def _update(self, capture_id: int, **values: object) -> None:
        with self.engine.begin() as conn:
            n = conn.execute(captures.update().where(captures.c.id == capture_id).values(**values)).rowcount
        if n == 0:
            raise KeyError(f"there is no capture #{capture_id}")

    def delete(self, capture_id: int) -> None:
        """Remove a capture and its frames in one transaction. Raises KeyError if there is none."""
        self._just_added.pop(capture_id, None)
        with self.engine.begin() as conn:
            for table in FRAME_TABLES.values():  # explicit: SQLite enforces ON DELETE only when asked to
                conn.execute(table.delete().where(table.c.capture_id == capture_id))
            n = conn.execute(captures.delete().where(captures.c.id == capture_id)).rowcount
            if n == 0:
                raise KeyError(f"there is no capture #{capture_id}")

    def history(self, ids: Iterable[int] | None = None) -> builtins.list[tuple[CaptureInfo, Schedule]]:
        """(info, schedule) of the given captures (default: all), by as-of date then id — for ageing."""
        wanted = None if ids is None else set(ids)
        return [(i, self.schedule(i.id)) for i in self.list() if wanted is None or i.id in wanted]


def read_file(path: str | os.PathLike[str]) -> tuple[bytes, str]:
    """A file's bytes and its base name, with the data layer's size limit and one-sentence errors."""
    from .reader import read_bytes

    data, _ = read_bytes(path)
    return data, Path(path).name
