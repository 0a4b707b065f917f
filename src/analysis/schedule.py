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
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import ExtensionArray

from .errors import ScheduleError
from .fields import (
    DateField,
    FormatField,
    Issue,
    Lead,
    LeadsField,
    PurposeSplit,
    format_category,
    is_tbd,
    looks_like_date,
    parse_date,
    parse_format_cell,
    parse_leads,
    patched,
    start_purpose_split,
    start_theme_matrix,
    tbd_markers,
    theme_matrix,
    themes_of,
    wg_theme_index,
    written_year,
    years_in_text,
)
from .reader import Classified, Source, check_deadline, decode, read_bytes
from .readers import read_table
from .reference import Reference, load_reference, norm_key

SESSION_COLUMNS = (
    "session_id", "label", "section", "section_title", "source_line", "source_lines", "date", "date_end",
    "date_raw", "date_status", "year_inferred", "topic", "working_group", "leads_raw", "n_leads",
    "unnamed_partners", "format", "format_raw", "event_count", "audience_raw", "audiences", "purpose",
    "languages", "interpretation", "platform", "publication", "documents", "themes", "gcm_objectives",
    "placeholder", "match_key", "document_links",
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
    """What is known about the source as a whole.

    ``name`` is the file's display name (the bundled page's file name, a path, or the name given for
    uploaded bytes); ``title`` the page's own title when it has one (an HTML ``<title>``, without a
    trailing " | site name"), else data/source.yaml's. ``year`` is the default year for dates written
    without one and ``year_origin`` says where it came from: "argument" (given by the caller),
    "source.yaml" (the bundled page), "page" (written in the page's dates, title or preamble) or
    "assumed" (data/source.yaml's year for a page that writes none). ``as_of`` is the date of the
    captured page version, ``as_of_origin`` where it came from: "source.yaml", "given", "page",
    "file date" (the file's modification date) or "upload" (the day the bytes were read).
    ``source_kind`` is the input shape ("pipe", "markdown", "html", "tsv", "csv") and ``sha256`` the hex
    digest of the bytes read.
    """

    name: str
    title: str
    publisher: str
    preamble: tuple[str, ...]
    year: int
    as_of: dt.date | None
    encoding: str
    line_count: int
    bundled: bool
    source_kind: str = "pipe"
    year_origin: str = "assumed"
    as_of_origin: str = "given"
    sha256: str = ""

    @property
    def citation(self) -> str:
        """One-line credit for charts and exports, naming the file and the as-of date.

        Examples:
            "Source: UN Network on Migration, Online Series: … (2020) · online_series_2020.txt · data as of
            19 June 2020"; for an upload without a given date the end reads "data as of upload".
        """
        as_of = f"{self.as_of:%-d %B %Y}" if self.as_of else "unknown"
        if self.as_of_origin == "upload":
            as_of = "upload"
        return f"Source: {self.publisher}, {self.title} ({self.year}) · {self.name} · data as of {as_of}"


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
    **dict.fromkeys(("audiences", "languages", "themes", "gcm_objectives", "document_links"), "object"),
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
    return format_category(cell, ref) not in (None, "other", TBD)


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
    """(codes, distinct values in order of first appearance): parse each distinct cell once.

    A dict over the values: Python strings cache their hashes, so this beats building an object array
    for pandas. A missing value (None) is a value of its own.
    """
    first: dict[str | None, int] = {}
    codes = np.array([first.setdefault(v, len(first)) for v in values], dtype=np.intp)
    return codes, list(first)


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
        return pd.array(values if isinstance(values, pa.Array) else list(values), dtype=_STR).take(
            codes, allow_fill=True)
    if dtype == "object":
        return _objects(values)[codes]
    if dtype == "datetime64[ns]":
        days = np.array([v or "NaT" for v in values], dtype="datetime64[D]")
        return days.astype("datetime64[ns]")[codes]
    return np.array(values, dtype=dtype)[codes]  # type: ignore[call-overload]


def _coded_column(values: Sequence[str | None]) -> ArrayLike:
    """A text column from values that mostly repeat (roles, sections): converted once per distinct value."""
    codes, distinct = _factorize(values)
    return _coded(distinct, codes, _STR)


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
    codes, distinct = pd.factorize(key)  # hashing, in order of first appearance: no sort
    parts = []
    for size in reversed(sizes):
        distinct, part = np.divmod(distinct, size)
        parts.append(part.tolist())
    return codes.astype(np.intp, copy=False), list(zip(*reversed(parts), strict=True))


def _session_ids(sections: list[str], cells: _Cells) -> ArrayLike:
    """Ids from a hash of the record's identifying text; repeats get "-2", "-3" … in order.

    Each distinct (section, date, topic, leads) is hashed once; the repeat numbers are counted in numpy and
    only a repeat's id is written for it alone.
    """
    columns = [_factorize(sections), *(cells.factorized(name) for name in ("date", "topic", "leads"))]
    codes, combos = _cross(*((c, len(v)) for c, v in columns))
    secs, dates, topics, leads = (v for _, v in columns)
    # each distinct value encoded once, with the "|" that follows it in the hashed text
    sec_b, date_b, topic_b = ([f"{v}|".encode() for v in values] for values in (secs, dates, topics))
    lead_b = [f"{v}".encode() for v in leads]
    prefix = [f"{(v or 's')[0]}-" for v in secs]
    blake2s = hashlib.blake2s
    hashed = [prefix[a] + blake2s(sec_b[a] + date_b[b] + topic_b[c] + lead_b[d], digest_size=4).hexdigest()
              for a, b, c, d in combos]
    repeat = _occurrence(codes)
    later = np.flatnonzero(repeat)  # a repeat: its own id, the first one's with "-2", "-3" …
    hashed += [f"{hashed[c]}-{r + 1}" for c, r in zip(codes[later].tolist(), repeat[later].tolist(), strict=True)]
    codes[later] = len(hashed) - len(later) + np.arange(len(later))
    return pd.array(hashed, dtype=_STR).take(codes)


def _occurrence(codes: np.ndarray) -> np.ndarray:
    """Per record, how many records before it have the same code (0 for the first of each)."""
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(codes) else np.zeros(0, np.intp)
    rank = np.arange(len(codes)) - np.repeat(starts, np.diff(np.r_[starts, len(codes)]))
    out = np.empty(len(codes), dtype=np.intp)
    out[order] = rank
    return out


def _short_name(lead: Lead, ref: Reference) -> str:
    """A lead as a label shows it: an organisation's acronym, a person's or an unknown name as written."""
    org = ref.organisations.get(lead.organisation)
    return org.acronym if lead.kind == "organisation" and org is not None else lead.name


def _lead_row(lead: Lead, ref: Reference) -> tuple[object, ...]:
    """The leads-frame fields of one lead, from ``name`` to ``inferred``."""
    org = ref.organisations.get(lead.organisation)
    return (
        lead.name, lead.raw, lead.kind, org.kind_label if org else "Unknown",
        (lead.organisation or None) if lead.kind == "person" else None, lead.organisation or None,
        org.acronym if org else None, lead.unit, lead.role, lead.resolved, lead.inferred,
    )


# --------------------------------------------------------------------------------------------- building

Problem = tuple[int, str, str, str, str | None]
"""(line_no, field, severity, message, session_id): one row of the problems frame."""


@dataclass
class _Cells:
    """The cells of every record, column-wise, with pipeline rows already read by meaning."""

    date: list[str]
    topic: list[str | None]
    leads: list[str]
    fmt: list[str]
    documents: list[str | None]
    placeholder: list[bool]
    _codes: dict[str, tuple[np.ndarray, list[str | None]]] = field(default_factory=dict, repr=False)
    _arrow: dict[str, pa.Array] = field(default_factory=dict, repr=False)

    def factorized(self, name: str) -> tuple[np.ndarray, list[str | None]]:
        """(codes, distinct values) of one field ("date", "topic", "leads", "fmt"), computed once."""
        if name not in self._codes:
            self._codes[name] = _factorize(getattr(self, name))
        return self._codes[name]

    def distinct_arrow(self, name: str) -> pa.Array:
        """The distinct values of :meth:`factorized` as one Arrow text array, converted once."""
        if name not in self._arrow:
            self._arrow[name] = pa.array(self.factorized(name)[1], pa.large_string())
        return self._arrow[name]


@dataclass
class _Parsed:
    """Each distinct date, leads and format cell parsed once, and the codes that spread them over records.

    ``dates[d_codes[i]]`` is record i's date field, and so on for leads and formats; a format cell is
    parsed without its purpose (which is nearly always distinct), kept apart in ``purposes[p_codes[i]]``.
    """

    d_codes: np.ndarray
    d_cells: list[str | None]
    dates: list[DateField]
    l_codes: np.ndarray
    leads: list[LeadsField]
    f_codes: np.ndarray
    fmts: list[FormatField]
    p_codes: np.ndarray
    purposes: pa.Array


@dataclass(frozen=True)
class _Year:
    """The default year for dates written without one, where it came from, and the problems it raises."""

    year: int
    origin: str
    problems: tuple[Problem, ...] = ()


def _record_cells(classified: Classified, ref: Reference) -> _Cells:
    """Cells per field for every record: by header position, and by meaning for pipeline rows."""
    n = len(classified.line_no)
    pos = _header_positions(classified.header)
    width = max(pos.values()) + 1
    pad = [""] * width
    columns = list(zip(*(c if len(c) >= width else c + pad for c in classified.cells), strict=False))
    date_cells, topic_cells, lead_cells, fmt_cells, doc_cells = (
        list(columns[pos[k]]) for k in ("date", "topic", "leads", "format", "documents"))
    tbd_topics = tbd_markers(topic_cells)
    topics: list[str | None] = [TBD if t in tbd_topics else t or None for t in topic_cells]
    documents: list[str | None] = [d or None for d in doc_cells]
    placeholder = [False] * n
    for i in [i for i, section in enumerate(classified.section) if section == "pipeline"]:
        (date_cells[i], topics[i], lead_cells[i], fmt_cells[i], documents[i],
         placeholder[i]) = _pipeline_cells(tuple(classified.cells[i]), ref)
    return _Cells(date_cells, topics, lead_cells, fmt_cells, documents, placeholder)


def _default_year(cells: _Cells, classified: Classified, meta: SourceMeta, ref: Reference) -> _Year:
    """The year for dates written without one.

    A year given by the caller wins ("argument"); the bundled page keeps data/source.yaml's year; else the
    year written most often in the page's dates, then one written in its title or preamble ("page"); else
    data/source.yaml's year, reported ("assumed"). Dates of more than one year in one file are reported
    whatever the default.
    """
    codes, distinct = cells.factorized("date")
    per_record = np.array([written_year(c or "") or 0 for c in distinct], dtype=np.int64)[codes]
    years, counts = np.unique(per_record[per_record > 0], return_counts=True)
    if meta.year_origin == "argument":
        chosen = _Year(meta.year, "argument")
    elif meta.bundled:
        chosen = _Year(ref.source.year, "source.yaml")
    elif len(years):
        chosen = _Year(int(years[np.argmax(counts)]), "page")  # the most frequent; ties go to the earliest
    elif in_text := years_in_text(" ".join([classified.title or "", *classified.preamble])):
        chosen = _Year(in_text[0], "page")
    else:
        first_line = classified.line_no[0] if classified.line_no else 1
        return _Year(ref.source.year, "assumed", ((
            first_line, "date", "info",
            f"no year written in the file; dates without one read as {ref.source.year} (data/source.yaml)",
            None),))
    if len(years) <= 1:
        return chosen
    # the first record whose written year is not the most frequent one
    other = int(np.flatnonzero((per_record > 0) & (per_record != years[np.argmax(counts)]))[0])
    listed = ", ".join(str(y) for y in years.tolist())
    return replace(chosen, problems=((classified.line_no[other], "date", "warning",
                                      f"dates from more than one year ({listed}); dates without a year read as "
                                      f"{chosen.year}", None),))


def _parse_cells(cells: _Cells, split: PurposeSplit, year: int, ref: Reference) -> _Parsed:
    """Parse each distinct date and leads cell once, and each distinct format cell without its purpose once.

    ``split`` is the :func:`start_purpose_split` of ``cells.factorized("fmt")``'s distinct cells.
    """
    d_codes, d_cells = cells.factorized("date")
    l_codes, l_cells = cells.factorized("leads")
    p_codes, _ = cells.factorized("fmt")
    fmts = [parse_format_cell(c, ref) for c in split.rest]
    purposes = split.purposes
    if split.whole.any():  # cells that could not be split: their purpose is the parsed one
        rows = np.flatnonzero(split.whole).tolist()
        purposes = patched(purposes, rows, [fmts[split.codes[k]].purpose for k in rows])
    return _Parsed(
        d_codes, d_cells, [parse_date(c or "", year) for c in d_cells],
        l_codes, [parse_leads(c or "", ref) for c in l_cells],
        split.codes[p_codes], fmts, p_codes, purposes,
    )


def _wg_known(parsed: _Parsed, year: int, ref: Reference) -> np.ndarray:
    """Per distinct leads cell: True when its working group is in the reference for ``year``."""
    return np.array([ref.working_group(x.working_group, year) is not None for x in parsed.leads], dtype=bool)


def _record_themes(cells: _Cells, parsed: _Parsed, topic_hits: np.ndarray, purpose_hits: np.ndarray, year: int,
                   ref: Reference) -> tuple[np.ndarray, list]:
    """Themes and GCM objectives per record: (codes, distinct (themes, gcm) pairs).

    A theme counts when its topic patterns match the topic (with a publication title), its purpose
    patterns match the purpose, or it is the theme of the record's working group in the reference's
    workplan for ``year``. ``topic_hits`` and ``purpose_hits`` are :func:`theme_matrix` of the distinct
    topics (missing ones as "") and of ``parsed.purposes``; topics with a publication title are matched
    here again together with the title.
    """
    n = len(cells.topic)
    topic_codes, topics = cells.factorized("topic")
    pub_codes, pubs = _factorize([f.publication for f in parsed.fmts])
    t_codes, pairs = _cross((topic_codes, len(topics)), (pub_codes[parsed.f_codes], len(pubs)))
    t_hits = topic_hits[[t for t, _ in pairs]]
    titled = [k for k, (_, p) in enumerate(pairs) if pubs[p]]
    if titled:
        texts = [f"{topics[pairs[k][0]] or ''} {pubs[pairs[k][1]]}" for k in titled]
        t_hits[titled] = theme_matrix(texts, "topic", ref)
    hits = t_hits[t_codes] | purpose_hits[parsed.p_codes]  # purposes: one per format cell
    known = _wg_known(parsed, year, ref)
    wg_theme = np.array([wg_theme_index(x.working_group, ref) if ok else -1
                         for x, ok in zip(parsed.leads, known.tolist(), strict=True)], dtype=np.intp)[parsed.l_codes]
    with_wg = np.flatnonzero(wg_theme >= 0)
    hits[with_wg, wg_theme[with_wg]] = True
    if not n:
        return np.zeros(0, dtype=np.intp), []
    codes, rows = _distinct_rows(hits)
    return codes, [themes_of(tuple(r), ref) for r in rows.tolist()]


def _distinct_rows(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct rows) of a 2-d bool array: rows packed into one integer each, then factorised."""
    if flags.shape[1] <= 62:
        packed = flags.astype(np.int64) @ (np.int64(1) << np.arange(flags.shape[1], dtype=np.int64))
        codes, uniques = pd.factorize(packed)
        first = np.zeros(len(uniques), dtype=np.intp)
        first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the first record of each distinct row
        return codes.astype(np.intp, copy=False), flags[first]
    rows, codes = np.unique(flags, axis=0, return_inverse=True)
    return codes.reshape(-1), rows


def _when(d: DateField) -> str:
    """The date part of a label: "7 May", "TBD", or the unreadable text followed by "?"."""
    if d.date is not None:
        return f"{d.date:%-d %b}"
    if d.status == "unreadable":
        text = " ".join(d.raw.split())
        return (text if len(text) <= 24 else text[:23] + "…") + "?"
    return "TBD"


def _who(leads: LeadsField, ref: Reference) -> str:
    """The leads part of a label: up to three short names joined by " + ", then "+ N more"."""
    names = list(dict.fromkeys(_short_name(lead, ref) for lead in leads.leads))
    more = f" + {len(names) - 3} more" if len(names) > 3 else ""
    return " + ".join(names[:3]) + more


def _refactorized(codes: np.ndarray, texts: list[str]) -> tuple[np.ndarray, list[str]]:
    """Codes into ``texts`` made codes into its distinct values (two codes whose texts are equal become one).

    The texts were just built from distinct parts, so nearly always they are distinct already (one set).
    """
    if len(set(texts)) == len(texts):
        return codes, texts
    first: dict[str, int] = {}
    remap = np.array([first.setdefault(t, len(first)) for t in texts], dtype=np.intp)
    return remap[codes], list(first)


def _repeated(codes: np.ndarray) -> np.ndarray:
    """Per record, True when another record has the same code."""
    return np.bincount(codes)[codes] > 1 if len(codes) else np.zeros(0, dtype=bool)


def _labels(cells: _Cells, parsed: _Parsed, source_line: np.ndarray, ref: Reference) -> ArrayLike:
    """A unique, readable label per record: "7 May · Topic", "TBD · CERAH + IHEID: published commentary".

    Records without a topic are named by their leads and format or publication; a placeholder says so with
    its line. Labels that would repeat get the leads, then the source line. Labels are coded: each distinct
    label text is written once and repeats are found by counting codes; only a label that still repeats
    after its leads are added is written per record (with its line).
    """
    w_codes, whens = _factorize([_when(d) for d in parsed.dates])
    when = w_codes[parsed.d_codes]
    who_codes, whos = _factorize([_who(x, ref) for x in parsed.leads])
    who = who_codes[parsed.l_codes]
    # distinct format texts: cells that differ (a publication's title) but read alike give one label text
    fmt_codes, what_fmt = _factorize([f.format or "format not stated" if f.format != TBD else "format TBD"
                                      for f in parsed.fmts])
    t_codes, topics = cells.factorized("topic")
    no_topic = np.array([not t or t == TBD for t in topics], dtype=bool)[t_codes]  # named by leads and format
    # what a record is: its topic, or (no topic) its leads and format, as codes past the topics' codes
    what = t_codes.copy()
    idx = np.flatnonzero(no_topic)
    lf_codes, lf_pairs = _cross((who[idx], len(whos)), (fmt_codes[parsed.f_codes[idx]], len(what_fmt)))
    what[idx] = len(topics) + lf_codes
    what_texts = [t or "" for t in topics] + [f"{whos[w] or 'no leads'}: {what_fmt[f]}" for w, f in lf_pairs]
    codes, pairs = _cross((when, len(whens)), (what, len(what_texts)))
    texts = [f"{whens[w]} · {what_texts[t]}" for w, t in pairs]
    places = np.flatnonzero(np.array(cells.placeholder, dtype=bool))
    codes[places] = len(texts) + np.arange(len(places))
    texts += [f"TBD · pipeline placeholder (line {line})" for line in source_line[places].tolist()]
    codes, texts = _refactorized(codes, texts)
    repeated = _repeated(codes)
    if repeated.any():
        add = repeated & np.array([bool(w) for w in whos], dtype=bool)[who] & ~no_topic
        idx = np.flatnonzero(add)  # these get their leads: new texts, past the others
        plus, pairs = _cross((codes[idx], len(texts)), (who[idx], len(whos)))
        codes[idx] = len(texts) + plus
        codes, texts = _refactorized(codes, texts + [f"{texts[c]} — {whos[w]}" for c, w in pairs])
        again = np.flatnonzero(_repeated(codes))
        texts += [f"{texts[c]} (line {line})" for c, line in zip(codes[again].tolist(),
                                                                 source_line[again].tolist(), strict=True)]
        codes[again] = len(texts) - len(again) + np.arange(len(again))
    return pd.array(texts, dtype=_STR).take(codes)


_KEY_CHARS = " \t\n\r\f\v\u00a0\u2028\u2029\\-‐‑‒–—_.,;:'’‘\"“”()"
"""Spaces and punctuation that a match key writes as one space, as the body of a character class (as
:data:`analysis.reference._PUNCT`, with whitespace spelled out so the pattern runs in pyarrow's kernel)."""
_KEY_RUN = f"[{_KEY_CHARS}]*[{_KEY_CHARS.replace(' ', '')}][{_KEY_CHARS}]*| {{2,}}"
"""A run of :data:`_KEY_CHARS` other than one plain space (which already reads as itself): replacing only these
gives the same text as replacing every run, and RE2 replaces about a third as many matches."""


def _normalised(texts: pd.Series) -> pd.Series:
    """Text as a key, vectorised: Unicode NFC, lower case, punctuation and runs of spaces as one space,
    a leading "the " dropped (as :func:`analysis.reference.norm_key`, with lower case for case folding)."""
    wide = ~texts.str.isascii().to_numpy(dtype=bool, na_value=True)
    if wide.any():  # ASCII text is NFC already; pandas normalises element by element
        texts = texts.copy()
        texts[wide] = texts[wide].str.normalize("NFC")
    out = texts.str.replace(_KEY_RUN, " ", regex=True).str.strip().str.lower()
    return out.str.replace("^the ", "", regex=True)


def _text_keys(texts: pa.Array) -> pa.Array:
    """:func:`_normalised` of Arrow texts, as Arrow (its kernels let go of the GIL, so it can run beside)."""
    return pa.array(_normalised(pd.Series(pd.array(texts, dtype=_STR))).array).cast(pa.large_string())


def _match_keys(cells: _Cells, parsed: _Parsed, topic_keys: pa.Array) -> ArrayLike:
    """Per record: normalised topic (a publication title when the topic is TBD), sorted canonical leads and
    working group, joined by "|". No date, so a record keeps its key when it is rescheduled.

    ``topic_keys`` are the distinct topics' keys (:func:`_text_keys` of the topics, a missing one as "").
    """
    name_keys: dict[str, str] = {}  # canonical name → its key, each computed once
    lead_keys = ["+".join(sorted({name_keys.get(lead.name) or name_keys.setdefault(lead.name, norm_key(lead.name))
                                  for lead in x.leads})) + f"|{x.working_group or ''}" for x in parsed.leads]
    topic_codes, topics = cells.factorized("topic")
    pub_codes, pubs = _factorize([f.publication for f in parsed.fmts])
    pub_codes = pub_codes[parsed.f_codes]
    # a record without a topic of its own is known by its publication, when it names one
    by_pub = (np.array([not t or t == TBD for t in topics], dtype=bool)[topic_codes]
              & np.array([bool(p) for p in pubs], dtype=bool)[pub_codes])
    pub_keys = _text_keys(pa.array([p or "" for p in pubs], pa.large_string()))
    what = pc.if_else(by_pub, pub_keys.take(pub_codes), topic_keys.take(topic_codes))
    keys = pc.binary_join_element_wise(what, pa.array(lead_keys, pa.large_string()).take(parsed.l_codes),
                                      pa.scalar("|", pa.large_string()))
    return pd.array(keys, dtype=_STR)


def _session_columns(classified: Classified, cells: _Cells, parsed: _Parsed, ids: ArrayLike, ref: Reference
                     ) -> dict[str, Any]:
    """The sessions frame's columns in order (see :data:`SESSION_COLUMNS`); "themes", "gcm_objectives" and
    "match_key" are still None: :func:`_build` fills them in last (:func:`_theme_columns`, :func:`_match_keys`),
    when the work beside for them is done.
    """
    d_codes, dates, l_codes, leads, f_codes, fmts = (
        parsed.d_codes, parsed.dates, parsed.l_codes, parsed.leads, parsed.f_codes, parsed.fmts)
    n = len(ids)
    source_line = np.array(classified.line_no, dtype=np.int64)
    source_lines = pd.Series(source_line).astype(str)
    joined = classified.continued_on  # records that spilled over more lines: "5–6"
    if joined:
        source_lines.iloc[list(joined)] = [f"{classified.line_no[k]}–{more[-1]}" for k, more in joined.items()]
    placeholder = np.array(cells.placeholder, dtype=bool)
    events = np.where(placeholder, 0, np.array([f.event_count for f in fmts], dtype=np.int64)[f_codes])
    links = classified.links
    topic_codes = cells.factorized("topic")[0]
    return {
        "session_id": ids,
        "label": _labels(cells, parsed, source_line, ref),
        "section": _coded_column(classified.section),
        "section_title": _coded_column(classified.section_title),
        "source_line": source_line,
        "source_lines": source_lines.array,
        "date": _coded([d.date for d in dates], d_codes, "datetime64[ns]"),
        "date_end": _coded([d.date_end for d in dates], d_codes, "datetime64[ns]"),
        "date_raw": _coded(parsed.d_cells, d_codes, _STR),
        "date_status": _coded([d.status for d in dates], d_codes, _STR),
        "year_inferred": _coded([d.year_inferred for d in dates], d_codes, "bool"),
        "topic": _coded(cells.distinct_arrow("topic"), topic_codes, _STR),
        "working_group": _coded([x.working_group for x in leads], l_codes, _STR),
        "leads_raw": _coded([x.raw or None for x in leads], l_codes, _STR),
        "n_leads": _coded([len(x.leads) for x in leads], l_codes, "int64"),
        "unnamed_partners": _coded([x.unnamed_partners for x in leads], l_codes, "bool"),
        "format": _coded([f.format for f in fmts], f_codes, _STR),
        "format_raw": _coded([f.format_raw for f in fmts], f_codes, _STR),
        "event_count": events,
        "audience_raw": _coded([f.audience_raw for f in fmts], f_codes, _STR),
        "audiences": _coded([tuple(a.name for a in f.audiences) for f in fmts], f_codes, "object"),
        "purpose": _coded(parsed.purposes, parsed.p_codes, _STR),
        "languages": _coded([f.languages for f in fmts], f_codes, "object"),
        "interpretation": _coded([f.interpretation for f in fmts], f_codes, "bool"),
        "platform": _coded([f.platform for f in fmts], f_codes, _STR),
        "publication": _coded([f.publication for f in fmts], f_codes, _STR),
        "documents": _coded_column(cells.documents),
        "themes": None,  # filled in last by _build; a key keeps its place when its value changes
        "gcm_objectives": None,
        "placeholder": placeholder,
        "match_key": None,
        "document_links": _objects([links.get(i, ()) for i in range(n)]) if links else _objects([()] * n),
    }


def _theme_columns(codes: np.ndarray, pairs: list[tuple[tuple[str, ...], tuple[int, ...]]]) -> dict[str, ArrayLike]:
    """The "themes" and "gcm_objectives" columns from :func:`_record_themes`' codes and distinct pairs."""
    return {"themes": _coded([t[0] for t in pairs], codes, "object"),
            "gcm_objectives": _coded([t[1] for t in pairs], codes, "object")}


def _leads_frame(parsed: _Parsed, session_ids: ArrayLike, source_line: np.ndarray, ref: Reference) -> pd.DataFrame:
    """The leads frame: one row per named lead of each record. Each distinct lead is converted once."""
    lead_rows: list[tuple[object, ...]] = []
    lead_codes: dict[int, int] = {}  # id() of a Lead (they are memoised, so shared) → its row

    def lead_code(lead: Lead) -> int:
        code = lead_codes.get(id(lead))
        if code is None:
            code = lead_codes[id(lead)] = len(lead_rows)
            lead_rows.append(_lead_row(lead, ref))
        return code

    rec_idx, child = _expand(parsed.l_codes, [tuple(map(lead_code, x.leads)) for x in parsed.leads])
    distinct = list(zip(*lead_rows, strict=True)) or [()] * (len(LEAD_COLUMNS) - 2)
    return _frame({
        "session_id": session_ids.take(rec_idx),
        **{col: _coded(values, child, LEAD_DTYPES[col])
           for col, values in zip(LEAD_COLUMNS[1:-1], distinct, strict=True)},
        "source_line": source_line[rec_idx],
    }, LEAD_DTYPES)


def _audiences_frame(parsed: _Parsed, session_ids: ArrayLike, source_line: np.ndarray) -> pd.DataFrame:
    """The audiences frame: one row per audience category of each record."""
    aud_index: dict[tuple[str, str], int] = {}
    groups = [tuple(aud_index.setdefault((a.name, a.raw), len(aud_index)) for a in f.audiences)
              for f in parsed.fmts]
    rec_idx, child = _expand(parsed.f_codes, groups)
    names, raws = list(zip(*aud_index, strict=True)) or [(), ()]
    return _frame({
        "session_id": session_ids.take(rec_idx),
        "audience": _coded(names, child, _STR),
        "raw": _coded(raws, child, _STR),
        "source_line": source_line[rec_idx],
    }, AUDIENCE_DTYPES)


def _lines_frame(classified: Classified, lines: list[str], session_ids: ArrayLike) -> pd.DataFrame:
    """The lines frame: every source line once, with its role and the record it belongs to."""
    owner = np.array(classified.owner, dtype=float)  # None → NaN
    owner = np.where(np.isnan(owner), -1, owner).astype(np.intp)
    return _frame({
        "line_no": np.arange(1, len(lines) + 1, dtype=np.int64),
        "role": _coded_column(classified.roles),
        "session_id": session_ids.take(owner, allow_fill=True),
        "text": lines,
    }, LINE_DTYPES)


def _wg_issues(parsed: _Parsed, year: int, ref: Reference) -> list[tuple[Issue, ...]]:
    """Per distinct leads cell, the problems of its working group: unknown, or outside the workplan's years."""
    out: list[tuple[Issue, ...]] = []
    for x in parsed.leads:
        wg = x.working_group
        if wg is None:
            out.append(())
        elif year not in ref.workplan_years:
            out.append((("working_group", "warning",
                         f"{wg} is not in the reference for {year} (its working groups are those of the "
                         f"{ref.workplan} workplan): kept as written, no theme inferred from it"),))
        elif wg not in ref.working_groups:
            out.append((("working_group", "warning",
                         f"{wg} is not a working group of the {ref.workplan} workplan in the reference"),))
        else:
            out.append(())
    return out


def _problems_frame(classified: Classified, cells: _Cells, parsed: _Parsed, year: _Year, ids: ArrayLike,
                    ref: Reference) -> pd.DataFrame:
    """The problems frame: the reader's, the year's, and each record's field problems, sorted by line."""
    problems: list[Problem] = [(*p, None) for p in classified.problems]
    problems.extend(year.problems)
    wg_issues = _wg_issues(parsed, year.year, ref)
    d_codes, l_codes, f_codes = parsed.d_codes, parsed.l_codes, parsed.f_codes
    placeholder = np.array(cells.placeholder, dtype=bool)
    flagged = (
        np.array([bool(d.issues) for d in parsed.dates], dtype=bool)[d_codes]
        | np.array([bool(x.issues) or bool(w) for x, w in zip(parsed.leads, wg_issues, strict=True)],
                   dtype=bool)[l_codes]
        | np.array([bool(f.issues) for f in parsed.fmts], dtype=bool)[f_codes]
        | placeholder
    )
    rows = np.flatnonzero(flagged)
    for i, sid in zip(rows.tolist(), ids.take(rows).tolist(), strict=True):  # ids converted in one call
        line = classified.line_no[i]
        if placeholder[i]:
            problems.append((line, "record", "info", "pipeline placeholder: every field is missing", sid))
            continue  # a placeholder has nothing else to say
        for fld, sev, msg in (*parsed.dates[d_codes[i]].issues, *parsed.leads[l_codes[i]].issues,
                              *wg_issues[l_codes[i]], *parsed.fmts[f_codes[i]].issues):
            problems.append((line, fld, sev, msg, sid))
    problems.sort(key=itemgetter(0))  # stable: within a line, the order found
    columns = list(zip(*problems, strict=True)) or [()] * len(PROBLEM_COLUMNS)
    return _frame(dict(zip(PROBLEM_COLUMNS, columns, strict=True)), PROBLEM_DTYPES)


def _with_year(meta: SourceMeta, year: _Year) -> SourceMeta:
    """``meta`` with the default year used and where it came from."""
    return replace(meta, year=year.year, year_origin=year.origin)


def _build(classified: Classified, lines: list[str], meta: SourceMeta, ref: Reference) -> Schedule:
    """Turn classified records into the tidy frames, one small step per frame.

    Column-wise: each distinct date, leads and format cell is parsed once and its results are spread
    over the records that share it, so parsing grows with the distinct cells, not with the records.
    """
    cells = _record_cells(classified, ref)
    # the purpose split and the theme matching run beside the rest, from as soon as their texts are known
    split = start_purpose_split(cells.factorized("fmt")[1], _beside())
    topics = pc.fill_null(cells.distinct_arrow("topic"), "")
    topic_keys = _beside().submit(_text_keys, topics)
    topic_hits = start_theme_matrix(topics, "topic", ref, _beside())
    year = _default_year(cells, classified, meta, ref)
    ids = _session_ids(classified.section, cells)
    parsed = _parse_cells(cells, split(), year.year, ref)
    purpose_hits = start_theme_matrix(parsed.purposes, "purpose", ref, _beside())
    columns = _session_columns(classified, cells, parsed, ids, ref)
    session_ids, source_line = columns["session_id"], columns["source_line"]
    leads = _leads_frame(parsed, session_ids, source_line, ref)
    audiences = _audiences_frame(parsed, session_ids, source_line)
    lines_frame = _lines_frame(classified, lines, session_ids)
    problems = _problems_frame(classified, cells, parsed, year, ids, ref)
    # last, so that the work beside has had all of the above to finish
    columns["match_key"] = _match_keys(cells, parsed, topic_keys.result())
    columns.update(_theme_columns(*_record_themes(cells, parsed, topic_hits(), purpose_hits(), year.year, ref)))
    return Schedule(
        sessions=_frame(columns, SESSION_DTYPES),
        leads=leads,
        audiences=audiences,
        lines=lines_frame,
        problems=problems,
        meta=_with_year(meta, year),
        reference=ref,
    )


@lru_cache(maxsize=1)
def _beside() -> ThreadPoolExecutor:
    """One worker thread for work that holds no GIL (the theme matching's RE2 passes, the sha256 of the bytes),
    which runs there while the reading thread goes on: on a machine with a second core it costs the reading
    next to nothing. It is shared by every read in the process, so reads at once queue their work on it.
    """
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="schedule-beside")


def _is_bundled(source: Source, ref: Reference) -> bool:
    """True when ``source`` is a path to the bundled page (bytes are never taken for it)."""
    if isinstance(source, str | os.PathLike):
        try:
            return Path(source).resolve() == ref.source.file
        except OSError:
            return False
    return False


def load_schedule(source: Source | None = None, *, year: int | None = None, reference: Reference | None = None,
                  name: str | None = None, as_of: dt.date | None = None,
                  time_budget: float | None = None) -> Schedule:
    """Read a schedule page into the tidy :class:`Schedule`.

    The input shape is detected (pipe scrape or Markdown table, saved HTML page, tab-separated paste,
    CSV; see :mod:`analysis.readers`).

    Args:
        source: a path (str or PathLike) to a regular file, the file's bytes, or a binary file object;
            defaults to the bundled page under ``data/raw``.
        year: year for dates written without one (1900–2100); by default the bundled page's year from
            ``data/source.yaml``, for other files the year the page writes (see :class:`SourceMeta`).
        reference: reference knowledge; defaults to :func:`load_reference`.
        name: display name of the source (e.g. an uploaded file's name); defaults to the path, or
            "uploaded file" for bytes.
        as_of: date of the captured page version; by default data/source.yaml's for the bundled page,
            the file's modification date for other paths, and the day of reading for bytes ("upload").
        time_budget: seconds the reading may take; checked between stages and while rows are classified.

    Returns:
        The schedule. Every source line (table row for HTML, CSV and TSV) appears once in ``lines``;
        whatever could not be read is in ``problems`` with its line number.

    Raises:
        ScheduleError: the source is missing, not a regular file, empty, binary, too large, holds no
            table, cannot be read within ``time_budget``, or ``year`` is out of range.
    """
    ref = reference or load_reference()
    if source is None:
        source = ref.source.file
    deadline = None if time_budget is None else time.monotonic() + time_budget
    with _gc_paused():
        return _load(source, ref, year=year, name=name, as_of=as_of, deadline=deadline)


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


YEARS = (1900, 2100)
"""Years accepted for ``year=`` (inclusive)."""


def _load(source: Source, ref: Reference, *, year: int | None, name: str | None, as_of: dt.date | None,
          deadline: float | None) -> Schedule:
    """Read, decode, read the table of the detected shape, then build the frames (deadline between stages)."""
    data, name = read_bytes(source, name)
    if year is not None and not YEARS[0] <= year <= YEARS[1]:
        raise ScheduleError(f"the year for {name} must be between {YEARS[0]} and {YEARS[1]}, not {year}.")
    check_deadline(deadline, name)
    digest = _beside().submit(lambda: hashlib.sha256(data).hexdigest())  # hashlib lets go of the GIL meanwhile
    text, encoding, decode_problems = decode(data, name)
    check_deadline(deadline, name)
    table = read_table(text, ref.source, name, deadline=deadline)
    classified = table.classified
    if table.kind not in ("pipe", "markdown"):  # text lines are not table rows: on the first row
        decode_problems = [(1, fld, sev, msg) for _, fld, sev, msg in decode_problems]
    classified.problems[:0] = decode_problems
    bundled = _is_bundled(source, ref)
    as_of, as_of_origin = _as_of(source, as_of, classified.page_date, bundled, ref)
    meta = SourceMeta(
        name=name if not bundled else ref.source.file.name,
        title=_page_title(classified.title) or ref.source.title,
        publisher=ref.source.publisher,
        preamble=tuple(classified.preamble),
        year=year if year is not None else ref.source.year,
        as_of=as_of,
        encoding=encoding,
        line_count=len(table.lines),
        bundled=bundled,
        source_kind=table.kind,
        year_origin="argument" if year is not None else "source.yaml" if bundled else "assumed",
        as_of_origin=as_of_origin,
        sha256=digest.result(),
    )
    check_deadline(deadline, name)
    return _build(classified, table.lines, meta, ref)


def _as_of(source: Source, given: dt.date | None, page_date: dt.date | None, bundled: bool,
           ref: Reference) -> tuple[dt.date | None, str]:
    """The as-of date and its origin, first found of: given, data/source.yaml (the bundled page), the date
    the page says it was changed, the file's modification date (a path), the day of reading (bytes)."""
    if given is not None:
        return given, "given"
    if bundled:
        return ref.source.as_of, "source.yaml"
    if page_date is not None:
        return page_date, "page"
    if isinstance(source, str | os.PathLike):
        try:
            return dt.date.fromtimestamp(Path(source).stat().st_mtime), "file date"
        except OSError:  # removed since it was read: the date is simply unknown
            return None, "file date"
    return dt.date.today(), "upload"


def _page_title(title: str | None) -> str | None:
    """A page title without its trailing " | site name" (browsers' titles often end so)."""
    if not title:
        return None
    return title.split(" | ")[0].strip()[:300] or None


def iter_problems(schedule: Schedule) -> Iterator[str]:
    """Yield each problem as "line N (field, severity): message"."""
    for row in schedule.problems.itertuples(index=False):
        yield f"line {row.line_no} ({row.field}, {row.severity}): {row.message}"
