"""The tidy model: :func:`load_schedule` turns the scraped page into :class:`Schedule` frames.

Frames (one row per …) and their fixed columns:

- ``sessions`` (record): session_id, section, source_line, date, date_end, date_raw, date_status, topic,
  working_group, format, format_raw, event_count, audience_raw, purpose, languages, documents, themes,
  gcm_objectives, and more (see :data:`SESSION_COLUMNS`).
- ``leads`` (named lead of a record): session_id, name, raw, kind, org_type, affiliation, organisation, …
- ``audiences`` (audience category of a record): session_id, audience, raw, source_line.
- ``lines`` (source line, every one exactly once): line_no, role, session_id, text.
- ``problems`` (finding): line_no, field, severity, message, session_id.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from .fields import (
    Lead,
    classify_themes,
    is_tbd,
    looks_like_date,
    parse_date,
    parse_format_cell,
    parse_leads,
)
from .reader import Classified, Source, classify, decode, read_bytes, split_lines
from .reference import Reference, load_reference

SESSION_COLUMNS = (
    "session_id", "label", "section", "section_title", "source_line", "source_lines", "date", "date_end",
    "date_raw", "date_status", "year_inferred", "topic", "working_group", "leads_raw", "n_leads",
    "unnamed_partners", "format", "format_raw", "event_count", "audience_raw", "audiences", "purpose",
    "languages", "interpretation", "platform", "publication", "documents", "themes", "gcm_objectives",
    "placeholder",
)
LEAD_COLUMNS = ("session_id", "name", "raw", "kind", "org_type", "affiliation", "organisation", "acronym",
                "unit", "role", "resolved", "inferred", "source_line")
AUDIENCE_COLUMNS = ("session_id", "audience", "raw", "source_line")
LINE_COLUMNS = ("line_no", "role", "session_id", "text")
PROBLEM_COLUMNS = ("line_no", "field", "severity", "message", "session_id")

TBD = "TBD"

ArrayLike = np.ndarray | ExtensionArray


@dataclass(frozen=True)
class SourceMeta:
    """What is known about the source as a whole."""

    name: str
    title: str
    publisher: str
    preamble: tuple[str, ...]
    year: int
    as_of: dt.date | None
    encoding: str
    line_count: int
    bundled: bool

    @property
    def citation(self) -> str:
        """One-line credit for charts and exports."""
        as_of = f"{self.as_of:%-d %B %Y}" if self.as_of else "unknown"
        return f"Source: {self.publisher}, {self.title} ({self.year}) · data as of {as_of}"


@dataclass(frozen=True)
class Schedule:
    """The tidy model of one source page. Frames are never mutated by the functions of this package."""

    sessions: pd.DataFrame
    leads: pd.DataFrame
    audiences: pd.DataFrame
    lines: pd.DataFrame
    problems: pd.DataFrame
    meta: SourceMeta
    reference: Reference = field(repr=False)

    def subset(self, session_ids: pd.Index | list[str] | set[str]) -> Schedule:
        """Return a schedule restricted to the given records (lines and problems are kept whole)."""
        keep = self.sessions["session_id"].isin(session_ids)
        return replace(
            self,
            sessions=self.sessions[keep].reset_index(drop=True),
            leads=self.leads[self.leads["session_id"].isin(session_ids)].reset_index(drop=True),
            audiences=self.audiences[self.audiences["session_id"].isin(session_ids)].reset_index(drop=True),
        )


# --------------------------------------------------------------------------------------------- records

_STR = pd.Series(["text"]).dtype
"""The dtype pandas gives text columns (``str`` in pandas 3); set explicitly so even empty frames have it."""

SESSION_DTYPES: dict[str, object] = {
    **dict.fromkeys(SESSION_COLUMNS, _STR),
    **dict.fromkeys(("source_line", "n_leads", "event_count"), "int64"),
    **dict.fromkeys(("year_inferred", "unnamed_partners", "interpretation", "placeholder"), "bool"),
    **dict.fromkeys(("date", "date_end"), "datetime64[ns]"),
    **dict.fromkeys(("audiences", "languages", "themes", "gcm_objectives"), "object"),
}
LEAD_DTYPES: dict[str, object] = {
    **dict.fromkeys(LEAD_COLUMNS, _STR), "resolved": "bool", "inferred": "bool", "source_line": "int64",
}
AUDIENCE_DTYPES: dict[str, object] = {**dict.fromkeys(AUDIENCE_COLUMNS, _STR), "source_line": "int64"}
LINE_DTYPES: dict[str, object] = {**dict.fromkeys(LINE_COLUMNS, _STR), "line_no": "int64"}
PROBLEM_DTYPES: dict[str, object] = {**dict.fromkeys(PROBLEM_COLUMNS, _STR), "line_no": "int64"}


def _header_positions(header: list[str]) -> dict[str, int]:
    """Map field name → cell position from the header; the usual order where the header is silent."""
    pos = {"date": 0, "topic": 1, "leads": 2, "format": 3, "documents": 4}
    for i, cell in enumerate(header):
        low = cell.casefold()
        for key, word in (("date", "date"), ("topic", "topic"), ("leads", "lead"), ("format", "format"),
                          ("documents", "document")):
            if word in low:
                pos[key] = i
    return pos


def _is_leads(cell: str, ref: Reference) -> bool:
    parsed = parse_leads(cell, ref)
    known = sum(lead.resolved for lead in parsed.leads)
    return parsed.working_group is not None or (known > 0 and known * 2 >= len(parsed.leads))


def _is_format(cell: str, ref: Reference) -> bool:
    return parse_format_cell(cell, ref).format not in (None, "other", TBD)


@lru_cache(maxsize=8192)
def _pipeline_cells(cells: tuple[str, ...], ref: Reference) -> tuple[str, str | None, str, str, str | None, bool]:
    """Read a pipeline row by meaning: (date?) topic-or-TBD | leads | format or publication title.

    Returns (date cell, topic, leads cell, format cell, documents, placeholder).
    """
    date_raw = ""
    topic: str | None = None
    leads = ""
    fmt_cell = ""
    documents: list[str] = []
    filled = [c for c in cells if c]
    for k, cell in enumerate(filled):
        if k == 0 and is_tbd(cell):
            topic = TBD
        elif not date_raw and topic is None and k == 0 and looks_like_date(cell):
            date_raw = cell
        elif not leads and _is_leads(cell, ref):
            leads = cell
        elif not fmt_cell and _is_format(cell, ref):
            fmt_cell = cell
        elif topic is None:
            topic = cell
        elif not leads and k == 1:
            leads = cell
        elif not fmt_cell:
            fmt_cell = cell
        else:
            documents.append(cell)
    placeholder = all(is_tbd(c) for c in filled)
    return date_raw, topic, leads, fmt_cell, "; ".join(documents) or None, placeholder


def _factorize(values: Sequence[str | None]) -> tuple[np.ndarray, list[str | None]]:
    """(codes, distinct values in order of first appearance): parse each distinct cell once."""
    index: dict[str | None, int] = {}
    codes = [index.setdefault(v, len(index)) for v in values]
    return np.array(codes, dtype=np.intp), list(index)


def _objects(values: Sequence[object]) -> np.ndarray:
    """A 1-d object array (tuples stay whole cells instead of becoming a second dimension)."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


def _coded(values: Sequence[Any], codes: np.ndarray, dtype: object) -> ArrayLike:
    """The column ``values[codes]`` in ``dtype``, converting only the distinct ``values``.

    A code of -1 gives a missing value in text columns.
    """
    if dtype is _STR:
        return pd.array(list(values), dtype=_STR).take(codes, allow_fill=True)
    if dtype == "object":
        return _objects(values)[codes]
    if dtype == "datetime64[ns]":
        days = np.array([v or "NaT" for v in values], dtype="datetime64[D]")
        return days.astype("datetime64[ns]")[codes]
    return np.array(values, dtype=dtype)[codes]  # type: ignore[call-overload]


def _expand(codes: np.ndarray, groups: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """Child rows (leads, audiences) from ``groups``: per distinct parent value, the codes of its children.

    Returns, for every child row of every record in turn, (the record's index, the child's code).
    """
    counts = np.array([len(g) for g in groups], dtype=np.intp)
    children = np.array([c for g in groups for c in g], dtype=np.intp)
    per_record = counts[codes]
    total = int(per_record.sum())
    record_idx = np.repeat(np.arange(len(codes)), per_record)
    group_start = np.cumsum(counts) - counts
    record_start = np.cumsum(per_record) - per_record
    child_idx = np.repeat(group_start[codes] - record_start, per_record) + np.arange(total)
    return record_idx, children[child_idx]


def _frame(columns: dict[str, Any], dtypes: dict[str, object]) -> pd.DataFrame:
    """A frame with the given columns in order, each with its fixed dtype (also when empty)."""
    return pd.DataFrame(
        {name: pd.Series(values, dtype=dtypes[name], copy=False) for name, values in columns.items()}, copy=False,
    )


def _cross(*columns: tuple[np.ndarray, int]) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """Factorize the combination of several coded columns, given as (codes, number of distinct values).

    Returns the codes of the combinations and each distinct combination as a tuple of the column codes.
    """
    sizes = [max(size, 1) for _, size in columns]
    if np.prod(np.array(sizes, dtype=float)) >= 2.0**62:  # one key would overflow: combine two at a time
        codes, combos = _cross(*columns[:2])
        for more in columns[2:]:
            codes, pairs = _cross((codes, len(combos)), more)
            combos = [(*combos[a], b) for a, b in pairs]
        return codes, combos
    key = np.zeros(len(columns[0][0]), dtype=np.int64)
    for (codes, _), size in zip(columns, sizes, strict=True):
        key = key * size + codes
    distinct, codes = np.unique(key, return_inverse=True)
    parts = []
    for size in reversed(sizes):
        distinct, part = np.divmod(distinct, size)
        parts.append(part.tolist())
    return codes.reshape(-1), list(zip(*reversed(parts), strict=True))


def _session_ids(sections: list[str], dates: list[str], topics: list[str | None], leads: list[str]) -> list[str]:
    """Ids from a hash of the record's identifying text; repeats get "-2", "-3" … in order."""
    blake2s = hashlib.blake2s
    bases = [
        f"{section[0]}-{blake2s(f'{section}|{date}|{topic}|{lead}'.encode(), digest_size=4).hexdigest()}"
        for section, date, topic, lead in zip(sections, dates, topics, leads, strict=True)
    ]
    if len(set(bases)) == len(bases):
        return bases
    seen: dict[str, int] = {}
    ids = []
    for base in bases:
        n = seen.get(base, 0)
        seen[base] = n + 1
        ids.append(base if n == 0 else f"{base}-{n + 1}")
    return ids


def _lead_row(lead: Lead, ref: Reference) -> tuple[object, ...]:
    """The leads-frame fields of one lead, from ``name`` to ``inferred``."""
    org = ref.organisations.get(lead.organisation)
    return (
        lead.name, lead.raw, lead.kind, org.kind_label if org else "Unknown",
        (lead.organisation or None) if lead.kind == "person" else None, lead.organisation or None,
        org.acronym if org else None, lead.unit, lead.role, lead.resolved, lead.inferred,
    )


# --------------------------------------------------------------------------------------------- building

def _build(classified: Classified, lines: list[str], meta: SourceMeta, ref: Reference) -> Schedule:
    """Turn classified records into the tidy frames.

    Column-wise: each distinct date, leads and format cell is parsed once and its results are spread
    over the records that share it, so parsing grows with the distinct cells, not with the records.
    """
    n = len(classified.line_no)
    pos = _header_positions(classified.header)
    width = max(pos.values()) + 1
    pad = [""] * width
    columns = list(zip(*(c if len(c) >= width else c + pad for c in classified.cells), strict=False))
    date_cells, topic_cells, lead_cells, fmt_cells, doc_cells = (
        list(columns[pos[k]]) for k in ("date", "topic", "leads", "format", "documents"))
    tbd_topics = {t for t in set(topic_cells) if t and is_tbd(t)}
    topics: list[str | None] = [TBD if t in tbd_topics else t or None for t in topic_cells]
    documents: list[str | None] = [d or None for d in doc_cells]
    placeholder = [False] * n
    sections = classified.section
    for i in [i for i, section in enumerate(sections) if section == "pipeline"]:
        (date_cells[i], topics[i], lead_cells[i], fmt_cells[i], documents[i],
         placeholder[i]) = _pipeline_cells(tuple(classified.cells[i]), ref)

    d_codes, d_cells = _factorize(date_cells)
    l_codes, l_cells = _factorize(lead_cells)
    f_codes, f_cells = _factorize(fmt_cells)
    dates = [parse_date(c, meta.year) for c in d_cells]
    leads = [parse_leads(c, ref) for c in l_cells]
    fmts = [parse_format_cell(c, ref) for c in f_cells]
    # Themes come from the topic (with a publication title), the purpose and the working group.
    topic_codes, topic_values = _factorize(topics)
    pub_codes, pubs = _factorize([f.publication for f in fmts])
    purpose_codes, purposes = _factorize([f.purpose for f in fmts])
    wg_codes, wgs = _factorize([x.working_group for x in leads])
    t_codes, t_keys = _cross(
        (topic_codes, len(topic_values)), (pub_codes[f_codes], len(pubs)), (purpose_codes[f_codes], len(purposes)),
        (wg_codes[l_codes], len(wgs)))
    themes = [classify_themes(f"{topic_values[t] or ''} {pubs[p] or ''}", purposes[u] or "", wgs[w], ref)
              for t, p, u, w in t_keys]

    ids = _session_ids(sections, date_cells, topics, lead_cells)
    source_line = np.array(classified.line_no, dtype=np.int64)
    source_lines = pd.Series(source_line).astype(str)
    joined = classified.continued_on  # records that spilled over more lines: "5–6"
    if joined:
        source_lines.iloc[list(joined)] = [f"{classified.line_no[k]}–{more[-1]}" for k, more in joined.items()]
    topic_text = pd.Series(topics, dtype=_STR)
    when = _coded([f"{d.date:%-d %b}" if d.date else (d.raw.strip() or "Undated") for d in dates], d_codes, _STR)
    sessions = _frame({
        "session_id": ids,
        "label": (pd.Series(when) + " · " + topic_text.fillna("untitled")).array,
        "section": sections,
        "section_title": classified.section_title,
        "source_line": source_line,
        "source_lines": source_lines.array,
        "date": _coded([d.date for d in dates], d_codes, "datetime64[ns]"),
        "date_end": _coded([d.date_end for d in dates], d_codes, "datetime64[ns]"),
        "date_raw": _coded(d_cells, d_codes, _STR),
        "date_status": _coded([d.status for d in dates], d_codes, _STR),
        "year_inferred": _coded([d.year_inferred for d in dates], d_codes, "bool"),
        "topic": topic_text.array,
        "working_group": _coded([x.working_group for x in leads], l_codes, _STR),
        "leads_raw": _coded([x.raw or None for x in leads], l_codes, _STR),
        "n_leads": _coded([len(x.leads) for x in leads], l_codes, "int64"),
        "unnamed_partners": _coded([x.unnamed_partners for x in leads], l_codes, "bool"),
        "format": _coded([f.format for f in fmts], f_codes, _STR),
        "format_raw": _coded([f.format_raw for f in fmts], f_codes, _STR),
        "event_count": _coded([f.event_count for f in fmts], f_codes, "int64"),
        "audience_raw": _coded([f.audience_raw for f in fmts], f_codes, _STR),
        "audiences": _coded([tuple(a.name for a in f.audiences) for f in fmts], f_codes, "object"),
        "purpose": _coded([f.purpose for f in fmts], f_codes, _STR),
        "languages": _coded([f.languages for f in fmts], f_codes, "object"),
        "interpretation": _coded([f.interpretation for f in fmts], f_codes, "bool"),
        "platform": _coded([f.platform for f in fmts], f_codes, _STR),
        "publication": _coded([f.publication for f in fmts], f_codes, _STR),
        "documents": documents,
        "themes": _coded([t[0] for t in themes], t_codes, "object"),
        "gcm_objectives": _coded([t[1] for t in themes], t_codes, "object"),
        "placeholder": np.array(placeholder, dtype=bool),
    }, SESSION_DTYPES)
    session_ids = sessions["session_id"].array

    # Child rows: each distinct lead (or audience) is converted once, then spread over the records.
    lead_rows: list[tuple[object, ...]] = []
    lead_codes: dict[int, int] = {}  # id() of a Lead (they are memoised, so shared) → its row

    def lead_code(lead: Lead) -> int:
        code = lead_codes.get(id(lead))
        if code is None:
            code = lead_codes[id(lead)] = len(lead_rows)
            lead_rows.append(_lead_row(lead, ref))
        return code

    rec_idx, child = _expand(l_codes, [tuple(map(lead_code, x.leads)) for x in leads])
    distinct = list(zip(*lead_rows, strict=True)) or [()] * (len(LEAD_COLUMNS) - 2)
    lead_frame = _frame({
        "session_id": session_ids.take(rec_idx),
        **{col: _coded(values, child, LEAD_DTYPES[col])
           for col, values in zip(LEAD_COLUMNS[1:-1], distinct, strict=True)},
        "source_line": source_line[rec_idx],
    }, LEAD_DTYPES)

    aud_index: dict[tuple[str, str], int] = {}
    aud_groups = [tuple(aud_index.setdefault((a.name, a.raw), len(aud_index)) for a in f.audiences) for f in fmts]
    rec_idx, child = _expand(f_codes, aud_groups)
    names, raws = list(zip(*aud_index, strict=True)) or [(), ()]
    audiences = _frame({
        "session_id": session_ids.take(rec_idx),
        "audience": _coded(names, child, _STR),
        "raw": _coded(raws, child, _STR),
        "source_line": source_line[rec_idx],
    }, AUDIENCE_DTYPES)

    problems: list[tuple[int, str, str, str, str | None]] = [(*p, None) for p in classified.problems]
    flagged = (
        np.array([bool(d.issues) for d in dates], dtype=bool)[d_codes]
        | np.array([bool(x.issues) for x in leads], dtype=bool)[l_codes]
        | np.array([bool(f.issues) for f in fmts], dtype=bool)[f_codes]
        | np.array(placeholder, dtype=bool)
    )
    for i in np.flatnonzero(flagged).tolist():
        line, sid = classified.line_no[i], ids[i]
        for fld, sev, msg in (*dates[d_codes[i]].issues, *leads[l_codes[i]].issues, *fmts[f_codes[i]].issues):
            problems.append((line, fld, sev, msg, sid))
        if placeholder[i]:
            problems.append((line, "record", "info", "pipeline placeholder: every field is missing", sid))
    problems.sort(key=itemgetter(0))  # stable: within a line, the order found
    problem_columns = list(zip(*problems, strict=True)) or [()] * len(PROBLEM_COLUMNS)

    owner = np.array(classified.owner, dtype=float)  # None → NaN
    owner = np.where(np.isnan(owner), -1, owner).astype(np.intp)
    return Schedule(
        sessions=sessions,
        leads=lead_frame,
        audiences=audiences,
        lines=_frame({
            "line_no": np.arange(1, len(lines) + 1, dtype=np.int64),
            "role": classified.roles,
            "session_id": session_ids.take(owner, allow_fill=True),
            "text": lines,
        }, LINE_DTYPES),
        problems=_frame(dict(zip(PROBLEM_COLUMNS, problem_columns, strict=True)), PROBLEM_DTYPES),
        meta=meta,
        reference=ref,
    )


def _is_bundled(source: Source, ref: Reference) -> bool:
    if isinstance(source, str | os.PathLike):
        try:
            return Path(source).resolve() == ref.source.file
        except OSError:
            return False
    return False


def load_schedule(source: Source | None = None, *, year: int | None = None,
                  reference: Reference | None = None) -> Schedule:
    """Read a scraped schedule page into the tidy :class:`Schedule`.

    Args:
        source: a path (str or PathLike), the file's bytes, or a binary file object; defaults to the
            bundled page under ``data/raw``.
        year: year for dates written without one; defaults to the source year in ``data/source.yaml``.
        reference: reference knowledge; defaults to :func:`load_reference`.

    Returns:
        The schedule. Every source line appears once in ``lines``; whatever could not be read is in
        ``problems`` with its line number.

    Raises:
        ScheduleError: the source is missing, empty, binary, too large, or holds no table.
    """
    ref = reference or load_reference()
    if source is None:
        source = ref.source.file
    with _gc_paused():
        return _load(source, year, ref)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a page is read.

    Reading builds hundreds of thousands of small, acyclic objects; left running, the collector walks
    them again and again and doubles the time. Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load(source: Source, year: int | None, ref: Reference) -> Schedule:
    data, name = read_bytes(source)
    text, encoding, decode_problems = decode(data, name)
    lines = split_lines(text)
    classified = classify(lines, ref.source, name)
    classified.problems[:0] = decode_problems
    bundled = _is_bundled(source, ref)
    as_of: dt.date | None = ref.source.as_of if bundled else None
    if as_of is None and isinstance(source, str | os.PathLike):
        try:
            as_of = dt.date.fromtimestamp(Path(source).stat().st_mtime)
        except OSError:  # removed since it was read: the date is simply unknown
            as_of = None
    meta = SourceMeta(
        name=name if not bundled else ref.source.file.name,
        title=ref.source.title,
        publisher=ref.source.publisher,
        preamble=tuple(classified.preamble),
        year=year if year is not None else ref.source.year,
        as_of=as_of,
        encoding=encoding,
        line_count=len(lines),
        bundled=bundled,
    )
    return _build(classified, lines, meta, ref)


def iter_problems(schedule: Schedule) -> Iterator[str]:
    """Yield each problem as "line N (field, severity): message"."""
    for row in schedule.problems.itertuples(index=False):
        yield f"line {row.line_no} ({row.field}, {row.severity}): {row.message}"
