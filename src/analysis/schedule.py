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
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .fields import (
    DateField,
    FormatField,
    LeadsField,
    classify_themes,
    is_tbd,
    looks_like_date,
    parse_date,
    parse_format_cell,
    parse_leads,
)
from .reader import Classified, RawRecord, Source, classify, decode, read_bytes, split_lines
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

@dataclass
class _Fields:
    date: DateField
    topic: str | None
    leads: LeadsField
    fmt: FormatField
    documents: str | None
    placeholder: bool = False


_EMPTY_LEADS = LeadsField("", None, (), False, False)


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


def _cell(cells: list[str], i: int) -> str:
    return cells[i] if i < len(cells) else ""


def _schedule_fields(rec: RawRecord, pos: dict[str, int], year: int, ref: Reference) -> _Fields:
    c = rec.cells
    topic = _cell(c, pos["topic"]) or None
    return _Fields(
        parse_date(_cell(c, pos["date"]), year),
        TBD if topic and is_tbd(topic) else topic,
        parse_leads(_cell(c, pos["leads"]), ref),
        parse_format_cell(_cell(c, pos["format"]), ref),
        _cell(c, pos["documents"]) or None,
    )


def _is_leads(cell: str, ref: Reference) -> bool:
    parsed = parse_leads(cell, ref)
    known = sum(lead.resolved for lead in parsed.leads)
    return parsed.working_group is not None or (known > 0 and known * 2 >= len(parsed.leads))


def _is_format(cell: str, ref: Reference) -> bool:
    return parse_format_cell(cell, ref).format not in (None, "other", TBD)


def _pipeline_fields(rec: RawRecord, year: int, ref: Reference) -> _Fields:
    """Read a pipeline row by meaning: (date?) topic-or-TBD | leads | format or publication title."""
    date_raw = ""
    topic: str | None = None
    leads = _EMPTY_LEADS
    fmt_cell = ""
    documents: list[str] = []
    cells = [c for c in rec.cells if c]
    for k, cell in enumerate(cells):
        if k == 0 and is_tbd(cell):
            topic = TBD
        elif not date_raw and topic is None and k == 0 and looks_like_date(cell):
            date_raw = cell
        elif leads is _EMPTY_LEADS and _is_leads(cell, ref):
            leads = parse_leads(cell, ref)
        elif not fmt_cell and _is_format(cell, ref):
            fmt_cell = cell
        elif topic is None:
            topic = cell
        elif leads is _EMPTY_LEADS and k == 1:
            leads = parse_leads(cell, ref)
        elif not fmt_cell:
            fmt_cell = cell
        else:
            documents.append(cell)
    placeholder = all(is_tbd(c) for c in cells)
    return _Fields(parse_date(date_raw, year), topic, leads, parse_format_cell(fmt_cell, ref),
                   "; ".join(documents) or None, placeholder)


def _session_id(section: str, date_raw: str, topic: str | None, leads_raw: str, seen: dict[str, int]) -> str:
    digest = hashlib.blake2s(f"{section}|{date_raw}|{topic}|{leads_raw}".encode(), digest_size=4).hexdigest()
    base = f"{section[0]}-{digest}"
    n = seen.get(base, 0)
    seen[base] = n + 1
    return base if n == 0 else f"{base}-{n + 1}"


def _label(f: _Fields) -> str:
    when = f"{f.date.date:%-d %b}" if f.date.date else (f.date.raw.strip() or "Undated")
    return f"{when} · {f.topic or 'untitled'}"


# --------------------------------------------------------------------------------------------- building

def _build(classified: Classified, lines: list[str], meta: SourceMeta, ref: Reference) -> Schedule:
    pos = _header_positions(classified.header)
    year = meta.year
    cols: dict[str, list[object]] = {c: [] for c in SESSION_COLUMNS}
    lead_rows: dict[str, list[object]] = {c: [] for c in LEAD_COLUMNS}
    aud_rows: dict[str, list[object]] = {c: [] for c in AUDIENCE_COLUMNS}
    problems: list[tuple[int, str, str, str, str | None]] = [(*p, None) for p in classified.problems]
    seen: dict[str, int] = {}
    ids: list[str] = []
    orgs = ref.organisations

    for rec in classified.records:
        f = (_pipeline_fields(rec, year, ref) if rec.section == "pipeline"
             else _schedule_fields(rec, pos, year, ref))
        sid = _session_id(rec.section, f.date.raw, f.topic, f.leads.raw, seen)
        ids.append(sid)
        line = rec.line_no
        fmt = f.fmt
        themes, gcm = classify_themes(f"{f.topic or ''} {fmt.publication or ''}", fmt.purpose or "",
                                      f.leads.working_group, ref)
        row = (
            sid, _label(f), rec.section, rec.section_title, line,
            f"{rec.line_nos[0]}–{rec.line_nos[-1]}" if len(rec.line_nos) > 1 else str(line),
            f.date.date.isoformat() if f.date.date else None,
            f.date.date_end.isoformat() if f.date.date_end else None,
            f.date.raw, f.date.status, f.date.year_inferred, f.topic, f.leads.working_group,
            f.leads.raw or None, len(f.leads.leads), f.leads.unnamed_partners, fmt.format, fmt.format_raw,
            fmt.event_count, fmt.audience_raw, tuple(a.name for a in fmt.audiences), fmt.purpose,
            fmt.languages, fmt.interpretation, fmt.platform, fmt.publication, f.documents,
            themes, gcm, f.placeholder,
        )
        for c, v in zip(SESSION_COLUMNS, row, strict=True):
            cols[c].append(v)
        for lead in f.leads.leads:
            org = orgs.get(lead.organisation)
            person = lead.kind == "person"
            for c, v in zip(LEAD_COLUMNS, (
                sid, lead.name, lead.raw, lead.kind, org.kind_label if org else "Unknown",
                (lead.organisation or None) if person else None, lead.organisation or None,
                org.acronym if org else None, lead.unit, lead.role, lead.resolved, lead.inferred, line,
            ), strict=True):
                lead_rows[c].append(v)
        for aud in fmt.audiences:
            aud_rows["session_id"].append(sid)
            aud_rows["audience"].append(aud.name)
            aud_rows["raw"].append(aud.raw)
            aud_rows["source_line"].append(line)
        for fld, sev, msg in (*f.date.issues, *f.leads.issues, *fmt.issues):
            problems.append((line, fld, sev, msg, sid))
        if f.placeholder:
            problems.append((line, "record", "info", "pipeline placeholder: every field is missing", sid))

    sessions = pd.DataFrame(cols, columns=list(SESSION_COLUMNS))
    for c in ("date", "date_end"):
        sessions[c] = np.array(cols[c], dtype="datetime64[D]").astype("datetime64[ns]")
    sessions["event_count"] = sessions["event_count"].astype("int64")
    sessions["source_line"] = sessions["source_line"].astype("int64")
    owner = classified.owner
    line_ids = [ids[o] if o is not None else None for o in owner]
    return Schedule(
        sessions=sessions,
        leads=pd.DataFrame(lead_rows, columns=list(LEAD_COLUMNS)),
        audiences=pd.DataFrame(aud_rows, columns=list(AUDIENCE_COLUMNS)),
        lines=pd.DataFrame({"line_no": np.arange(1, len(lines) + 1), "role": classified.roles,
                            "session_id": line_ids, "text": lines}, columns=list(LINE_COLUMNS)),
        problems=pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS)).sort_values(
            "line_no", kind="stable").reset_index(drop=True),
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
    data, name = read_bytes(source)
    text, encoding, decode_problems = decode(data, name)
    lines = split_lines(text)
    classified = classify(lines, ref.source, name)
    classified.problems[:0] = decode_problems
    bundled = _is_bundled(source, ref)
    as_of: dt.date | None = ref.source.as_of if bundled else None
    if as_of is None and isinstance(source, str | os.PathLike):
        as_of = dt.date.fromtimestamp(Path(source).stat().st_mtime)
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
