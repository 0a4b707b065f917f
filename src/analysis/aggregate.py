"""Aggregations behind the pages: headline metrics, highlights, breakdowns, weekly counts, completeness.

Every function takes a :class:`Schedule` (usually already filtered) and returns new frames or values;
inputs are never mutated. ``measure`` is "records" (one per row) or "events" (sum of event_count).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import product

import pandas as pd

from .schedule import TBD, Schedule

NOT_STATED = "Not stated"
NO_WORKING_GROUP = "No working group"
LAST_VALUES = (NO_WORKING_GROUP, NOT_STATED, TBD)
"""Values that say a field is empty or undecided: always listed last, in this order, in every breakdown."""

MEASURES = ("records", "events")
UNDATED = "Undated / TBD"
COMPLETENESS_FIELDS = ("date", "topic", "leads", "format", "audience", "purpose", "documents")
PRESENT, TBD_STATE, MISSING = "present", "TBD", "missing"
UNREADABLE = "unreadable"
NOT_APPLICABLE = "not applicable"
"""State of a field a record is not expected to have (a publication has no audience)."""
OPEN_STATES = (TBD_STATE, MISSING, UNREADABLE)
"""States that make a field something to chase."""
PUBLICATION_FORMATS = ("publication", "published commentary")
"""Formats that are publications, not meetings: they have no audience and hold no events."""
HELD, PLANNED, UNDATED_TIMING = "held", "planned", "undated"


@dataclass(frozen=True)
class Metrics:
    """Headline figures for a schedule."""

    records: int
    events: int
    dated: int
    undated: int
    pipeline: int
    organisations: int
    people: int
    audiences: int
    first_date: dt.date | None
    last_date: dt.date | None
    held: int = 0
    """Dated records on or before the as-of date (all dated records when the as-of date is unknown)."""
    planned: int = 0
    """Dated records after the as-of date: announced, not yet held when the page was captured."""
    as_of: dt.date | None = None
    unrecognised: int = 0
    """Distinct lead names the reference does not know (``kind`` "unknown"): counted as written among the
    organisations, never as people."""

    @property
    def span(self) -> str:
        """Date span in words, e.g. "7 May–9 Jul"; "no dated records" when there are none."""
        if self.first_date is None or self.last_date is None:
            return "no dated records"
        if self.first_date == self.last_date:
            return f"{self.first_date.day} {self.first_date:%b}"
        return f"{self.first_date.day} {self.first_date:%b}–{self.last_date.day} {self.last_date:%b}"


def lead_organisation(leads: pd.DataFrame) -> pd.Series:
    """The organisation each lead row counts for: its ``organisation``, or for a lead the reader could not
    recognise (``kind`` "unknown") the name as written, so unrecognised leads are still counted."""
    return leads["organisation"].where(leads["organisation"].notna() | (leads["kind"] != "unknown"), leads["name"])


def is_publication(schedule: Schedule) -> pd.Series:
    """True for each record (indexed like ``sessions``) that is a publication rather than a meeting.

    A publication has a publication format (:data:`PUBLICATION_FORMATS`) or a ``publication`` title.
    """
    s = schedule.sessions
    return (s["format"].isin(PUBLICATION_FORMATS) | s["publication"].notna()).astype(bool)


def timing(schedule: Schedule) -> pd.Series:
    """"held", "planned" or "undated" for each record (indexed like ``sessions``), named ``timing``.

    A dated record is *held* when its date is on or before ``schedule.meta.as_of`` (the day the page was
    captured) and *planned* when it is after it; a record without a date is *undated*. When the as-of
    date is unknown (None) every dated record counts as held. Does not mutate ``schedule``.

    Examples:
        >>> from analysis import load_schedule
        >>> timing(load_schedule()).value_counts().to_dict()  # as of 19 June 2020
        {'held': 8, 'undated': 7, 'planned': 2}
    """
    s = schedule.sessions
    out = pd.Series(UNDATED_TIMING, index=s.index, dtype=object, name="timing")
    dated = s["date"].notna()
    as_of = schedule.meta.as_of
    if as_of is None:
        out[dated] = HELD
    else:
        later = dated & (s["date"] > pd.Timestamp(as_of))
        out[dated & ~later] = HELD
        out[later] = PLANNED
    return out


def metrics(schedule: Schedule) -> Metrics:
    """Compute the headline metrics (``held`` / ``planned`` / ``undated`` by :func:`timing`)."""
    s = schedule.sessions
    leads = schedule.leads
    dated = s["date"].dropna()
    when = timing(schedule)
    return Metrics(
        records=len(s),
        events=int(s["event_count"].sum()),
        dated=int(s["date"].notna().sum()),
        undated=int(s["date"].isna().sum()),
        pipeline=int((s["section"] == "pipeline").sum()),
        organisations=int(lead_organisation(leads).dropna().nunique()),
        people=int(leads.loc[leads["kind"] == "person", "name"].nunique()),
        audiences=int(schedule.audiences["audience"].nunique()),
        first_date=dated.min().date() if len(dated) else None,
        last_date=dated.max().date() if len(dated) else None,
        held=int((when == HELD).sum()),
        planned=int((when == PLANNED).sum()),
        as_of=schedule.meta.as_of,
        unrecognised=int(leads.loc[leads["kind"] == "unknown", "name"].nunique()),
    )


def _weights(s: pd.DataFrame, measure: str) -> pd.Series:
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    return s["event_count"] if measure == "events" else pd.Series(1, index=s.index)


def _pairs(schedule: Schedule, dimension: str, weight: dict[str, int]) -> Iterable[tuple[object, int]]:
    """(value, weight) for every value a record has on ``dimension``, a record counting once per value."""
    s = schedule.sessions
    if dimension in ("format", "section", "working_group"):
        missing = NO_WORKING_GROUP if dimension == "working_group" else NOT_STATED
        for sid, value in zip(s["session_id"], s[dimension], strict=True):
            yield (value if isinstance(value, str) else missing), weight[sid]
    elif dimension == "audience":
        for sid, value in audience_pairs(schedule):
            yield value, weight[sid]
    elif dimension in ("org_type", "organisation"):
        leads = schedule.leads
        seen: set[tuple[str, object]] = set()
        orgs = lead_organisation(leads)
        values = orgs if dimension == "organisation" else leads["org_type"].fillna("Unknown")
        for sid, org, value in zip(leads["session_id"], orgs, values, strict=True):
            if isinstance(org, str) and (sid, value) not in seen:
                seen.add((sid, value))
                yield value, weight[sid]
    elif dimension in ("theme", "gcm_objective"):
        column = "themes" if dimension == "theme" else "gcm_objectives"
        for sid, values in zip(s["session_id"], s[column], strict=True):
            for value in values:
                yield (value if dimension == "theme" else f"Objective {int(value)}"), weight[sid]
    else:
        raise ValueError(f"unknown dimension {dimension!r}")


def audience_pairs(schedule: Schedule) -> list[tuple[str, str]]:
    """(session_id, audience) for every audience of every meeting record, publications left out.

    A meeting record without an audience category counts once under "TBD" when its audience cell says
    TBD, else under "Not stated", so the records nobody has named an audience for stay visible.
    """
    aud = schedule.audiences
    pairs = list(zip(aud["session_id"], aud["audience"], strict=True))
    s = schedule.sessions
    has = set(aud["session_id"])
    pub = is_publication(schedule)
    for sid, raw, p in zip(s["session_id"], s["audience_raw"], pub, strict=True):
        if sid in has or p:
            continue
        undecided = isinstance(raw, str) and raw.strip().upper() in (TBD, "TBC")
        pairs.append((sid, TBD if undecided else NOT_STATED))
    return pairs


def _natural(text: str) -> tuple[tuple[int, object], ...]:
    """Sort key that orders numbers by value: "Objective 5" before "Objective 13"."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold()) for part in re.split(r"(\d+)", text))


def count_by(schedule: Schedule, dimension: str, measure: str = "records") -> pd.DataFrame:
    """Records or events per value of a dimension, largest first; columns ``value`` and ``count``.

    Dimensions: format, audience, working_group, org_type, organisation, theme, gcm_objective, section.
    A record counts once per value it has (a record with two audiences counts for both). Records
    without a value are counted under "Not stated" (format, audience) or "No working group", and an
    audience cell that says TBD under "TBD", so totals stay visible; these values (:data:`LAST_VALUES`)
    always come last, in that order. Publications have no audience and are left out of "audience".
    Values whose count is 0 (e.g. publications in events) are left out.
    """
    s = schedule.sessions
    weight = dict(zip(s["session_id"], _weights(s, measure).astype(int), strict=True))
    totals: Counter[object] = Counter()
    for value, w in _pairs(schedule, dimension, weight):
        totals[value] += w
    rows = sorted(((v, c) for v, c in totals.items() if c > 0), key=lambda kv: (
        LAST_VALUES.index(kv[0]) if kv[0] in LAST_VALUES else -1, -kv[1], _natural(str(kv[0]))))
    return pd.DataFrame({"value": [v for v, _ in rows], "count": pd.array([c for _, c in rows], dtype="int64")})


def format_audience_matrix(schedule: Schedule, measure: str = "records") -> pd.DataFrame:
    """Formats (rows) × audiences (columns) with counts, for the meeting records of ``schedule``.

    Rows are the formats that occur (publications left out: they have no audience; their number is in
    ``grid.attrs["publications"]``), columns the audiences that occur, each in the order of the
    matching bar chart (:func:`count_by`: largest first, then "Not stated" and "TBD" last). A record
    without an audience counts under "Not stated" or "TBD" (see :func:`audience_pairs`). Only rows and
    columns with a count are kept, so a filter never leaves an empty row or column behind; a zero cell
    is a combination these records never used.
    """
    s = schedule.sessions
    weights = dict(zip(s["session_id"], _weights(s, measure), strict=True))
    fmt = dict(zip(s["session_id"], s["format"].fillna(NOT_STATED), strict=True))
    pairs = audience_pairs(schedule)
    frame = pd.DataFrame({"format": [fmt[sid] for sid, _ in pairs], "audience": [a for _, a in pairs],
                          "weight": [int(weights[sid]) for sid, _ in pairs]}, columns=["format", "audience", "weight"])
    table = frame.groupby(["format", "audience"])["weight"].sum()
    table = table[table > 0]
    formats = [f for f in count_by(schedule, "format", measure)["value"] if f in set(table.index.get_level_values(0))]
    audiences = [a for a in count_by(schedule, "audience", measure)["value"]
                 if a in set(table.index.get_level_values(1))]
    grid = pd.DataFrame(0, index=pd.Index(formats, name="format"), columns=pd.Index(audiences, name="audience"),
                        dtype="int64")
    for (f, a), v in table.items():
        grid.loc[f, a] = int(v)
    grid.attrs["publications"] = int(is_publication(schedule).sum())
    return grid


def trim_matrix(grid: pd.DataFrame, schedule: Schedule | None = None) -> pd.DataFrame:
    """Drop the all-zero rows and columns of ``grid`` (a matrix from :func:`format_audience_matrix`).

    ``schedule`` is accepted for compatibility and not used: rows and columns follow the data shown,
    so a filter that empties a row or column removes it. Does not mutate ``grid``.
    """
    if grid.empty:
        return grid.copy()
    rows = grid.index[grid.sum(axis=1) > 0]
    cols = grid.columns[grid.sum(axis=0) > 0]
    out = grid.loc[rows, cols].copy()
    out.attrs = dict(grid.attrs)
    return out


def unused_combinations(grid: pd.DataFrame) -> list[tuple[str, str]]:
    """(format, audience) pairs with a zero count in a matrix from :func:`format_audience_matrix`.

    Rows and columns for an unstated or undecided value ("Not stated", "TBD") are not combinations
    anyone chose, so they are left out.
    """
    return [(f, a) for f, a in product(grid.index, grid.columns)
            if grid.loc[f, a] == 0 and f not in LAST_VALUES and a not in LAST_VALUES]


def week_start(date: pd.Series) -> pd.Series:
    """Monday of each date's week."""
    return (date - pd.to_timedelta(date.dt.day_of_week, unit="D")).dt.normalize()


def weekly_counts(schedule: Schedule) -> pd.DataFrame:
    """Records and events per week (Monday start) over the dated records, weeks without any included."""
    s = schedule.sessions.dropna(subset=["date"])
    if s.empty:
        return pd.DataFrame({"week": pd.Series(dtype="datetime64[ns]"), "records": [], "events": []})
    weeks = week_start(s["date"])
    grouped = pd.DataFrame({"week": weeks, "records": 1, "events": s["event_count"]}).groupby("week").sum()
    full = pd.date_range(grouped.index.min(), grouped.index.max(), freq="7D")
    out = grouped.reindex(full, fill_value=0).rename_axis("week").reset_index()
    return out.astype({"records": "int64", "events": "int64"})


def most_active_leads(schedule: Schedule, n: int = 3) -> pd.DataFrame:
    """Organisations leading the most records (people counted for their organisation)."""
    return count_by(schedule, "organisation").head(n)


def _day(d: dt.date | pd.Timestamp) -> str:
    return f"{d.day} {d:%B %Y}"


def highlights(schedule: Schedule) -> list[str]:
    """A few computed findings in words (Markdown bold marks the key figure), for the overview.

    Held and planned records are told apart (:func:`timing`): a record dated after the as-of date is
    never called held. Data values are used as they are: escape them before rendering as Markdown.
    """
    s = schedule.sessions
    if s.empty:
        return []
    acr = schedule.reference.acronyms()
    out: list[str] = []
    when = timing(schedule)
    held, planned, undated = (int((when == k).sum()) for k in (HELD, PLANNED, UNDATED_TIMING))
    events = s["event_count"].groupby(when).sum()
    as_of = schedule.meta.as_of
    if as_of is not None:
        parts = [f"**{held} held** by {_day(as_of)} ({int(events.get(HELD, 0))} events)"]
        if planned:
            parts.append(f"**{planned} planned** after it ({int(events.get(PLANNED, 0))} events)")
    else:
        parts = [f"**{held} dated** (as-of date unknown, so none is marked planned)"]
    if undated:
        parts.append(f"**{undated} undated**")
    out.append("; ".join(parts) + ".")
    aud = count_by(schedule, "audience", "events")
    named = aud[~aud["value"].isin(LAST_VALUES)]
    if len(named):
        listed = ", ".join(f"{v} ({c})" for v, c in zip(named["value"], named["count"], strict=True))
        out.append(f"Audiences reached, in events: **{listed}**.")
    top = count_by(schedule, "organisation")
    if len(top):
        best = top.iloc[0]
        ties = top[top["count"] == best["count"]]["value"].map(lambda v: acr.get(v, v)).tolist()
        who = ", ".join(ties[:4]) + (f" and {len(ties) - 4} more" if len(ties) > 4 else "")
        if len(ties) > 1:
            out.append(f"Most active co-leads: **{who}** ({best['count']} records each).")
        else:
            out.append(f"Most active co-lead: **{who}** ({best['count']} records).")
    weeks = weekly_counts(schedule)
    if len(weeks) and weeks["events"].max() > 0:
        peak = weeks.loc[weeks["events"].idxmax()]
        wk = peak["week"]
        ahead = " (planned)" if as_of is not None and wk > pd.Timestamp(as_of) else ""
        out.append(f"Busiest week: **week of {wk.day} {wk:%B}**{ahead} with {peak['events']} events "
                   f"in {peak['records']} records.")
    fmt = count_by(schedule, "format")
    fmt = fmt[~fmt["value"].isin(LAST_VALUES)]
    if len(fmt):
        out.append(f"Most used format: **{fmt.iloc[0]['value']}** ({fmt.iloc[0]['count']} of {len(s)} records).")
    gaps = unused_combinations(format_audience_matrix(schedule))
    if gaps:
        shown = "; ".join(f"{f} × {a}" for f, a in gaps[:4])
        more = f" and {len(gaps) - 4} more" if len(gaps) > 4 else ""
        out.append(f"{len(gaps)} format × audience combinations never used, e.g. {shown}{more}.")
    if undated:
        out.append(f"{undated} of {len(s)} records have no date yet "
                   f"({int(((when == UNDATED_TIMING) & (s['section'] == 'pipeline')).sum())} of them in the pipeline).")
    return out


# ------------------------------------------------------------------------------------------ completeness

def _state(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value == "" or value == ():
        return MISSING
    if isinstance(value, str) and value.strip().upper() in (TBD, "TBC"):
        return TBD_STATE
    return PRESENT


def completeness(schedule: Schedule) -> pd.DataFrame:
    """Record × field states, with a ``missing`` count, most incomplete first.

    States: "present", "TBD", "missing", "unreadable" (a date cell that is not a date) and
    "not applicable" (a publication's audience). Columns: session_id, label, section, source_line, one
    column per field of :data:`COMPLETENESS_FIELDS`, then ``n_missing`` (fields in :data:`OPEN_STATES`)
    and ``what_is_missing`` (e.g. "date (TBD), purpose (missing)"; "nothing" when complete).
    """
    s = schedule.sessions
    pub = is_publication(schedule).tolist()
    rows = []
    for r, is_pub in zip(s.itertuples(index=False), pub, strict=True):
        if r.date_status == "dated":
            date_state = PRESENT
        elif r.date_status == UNREADABLE:
            date_state = UNREADABLE
        else:
            date_state = TBD_STATE if _state(r.date_raw) == TBD_STATE else MISSING
        leads_state = PRESENT if r.n_leads else (TBD_STATE if _state(r.leads_raw) == TBD_STATE else MISSING)
        audience_state = _state(r.audience_raw)
        if audience_state == MISSING and is_pub:
            audience_state = NOT_APPLICABLE
        states = {
            "date": date_state,
            "topic": _state(r.topic),
            "leads": leads_state,
            "format": _state(r.format),
            "audience": audience_state,
            "purpose": _state(r.purpose),
            "documents": _state(r.documents),
        }
        lacking = [k for k, v in states.items() if v in OPEN_STATES]
        rows.append({"session_id": r.session_id, "label": r.label, "section": r.section,
                     "source_line": r.source_line, **states, "n_missing": len(lacking),
                     "what_is_missing": ", ".join(f"{k} ({states[k]})" for k in lacking) or "nothing"})
    cols = ["session_id", "label", "section", "source_line", *COMPLETENESS_FIELDS, "n_missing", "what_is_missing"]
    out = pd.DataFrame(rows, columns=cols)
    out["n_missing"] = out["n_missing"].astype("int64")
    return out.sort_values(["n_missing", "source_line"], ascending=[False, True], kind="stable").reset_index(drop=True)


CORE_FIELDS = tuple(f for f in COMPLETENESS_FIELDS if f != "documents")
"""The fields a record needs before it can run (documents come after the event)."""


def gap_records(schedule: Schedule) -> pd.DataFrame:
    """Undated, TBD, pipeline or incomplete records (documents aside) with what each lacks.

    Columns as :func:`completeness`; ``n_missing`` and ``what_is_missing`` count the core fields only
    ("details tbc (pipeline)" for a pipeline item with every core field filled).
    """
    comp = completeness(schedule)
    core = list(CORE_FIELDS)
    open_ = comp[core].isin(OPEN_STATES)
    out = comp[open_.any(axis=1) | comp["section"].eq("pipeline")].copy()
    out["what_is_missing"] = out.apply(
        lambda r: ", ".join(f"{f} ({r[f]})" for f in core if r[f] in OPEN_STATES) or "details tbc (pipeline)",
        axis=1) if len(out) else pd.Series(dtype=object)
    out["n_missing"] = out[core].isin(OPEN_STATES).sum(axis=1).astype("int64")
    return out.sort_values(["n_missing", "source_line"], ascending=[False, True], kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------------------ chase list

CHASE_COLUMNS = ("session_id", "item", "section", "leads", "working group", "date status", "what is missing",
                 "missing count", "source line(s)")
"""Columns of :func:`chase_list` (``days waiting`` and ``first seen`` are added when ageing is given)."""


def _text(value: object) -> str:
    """``value`` as display text; "" for None, NaN, NA and NaT (so no "nan" or "None" reaches a reader)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and pd.isna(value):
        return ""
    return str(value)


def unique_labels(schedule: Schedule) -> pd.Series:
    """Each record's ``label``, made unique by adding " (line N)" to labels that several records share.

    Indexed like ``sessions``. Once the data layer's labels are unique this returns them unchanged.
    """
    s = schedule.sessions
    labels = s["label"].map(_text).replace("", "Untitled record")
    dup = labels.duplicated(keep=False)
    lines = s["source_line"].astype(str)
    return labels.where(~dup, labels + " (line " + lines + ")").rename("item")


def lead_names(schedule: Schedule) -> dict[str, str]:
    """session_id → its leads in a few readable words: acronyms for organisations ("IDC, UNICEF"),
    people with their organisation ("António Vitorino (IOM)"), unrecognised names as written, and
    "others (unnamed)" for an unnamed-partners marker. Records without leads are absent.
    """
    leads = schedule.leads
    out: dict[str, list[str]] = {}
    for r in leads.itertuples(index=False):
        name = _text(r.name) or _text(r.raw)
        acr = _text(r.acronym)
        person = r.kind == "person"
        short = (f"{name} ({acr})" if acr else name) if person else (acr or name)
        if short:
            names = out.setdefault(r.session_id, [])
            if short not in names:
                names.append(short)
    s = schedule.sessions
    for sid, unnamed in zip(s["session_id"], s["unnamed_partners"], strict=True):
        if unnamed:
            out.setdefault(sid, []).append("others (unnamed)")
    return {k: ", ".join(v) for k, v in out.items()}


def date_status_words(schedule: Schedule) -> pd.Series:
    """Each record's date status in words, indexed like ``sessions``.

    "held 7 May" / "planned 2 Jul" (by :func:`timing`), "to be scheduled" (TBD or no date),
    or "unreadable date: “…”" (a date cell the reader could not read, quoted up to 40 characters).
    """
    s = schedule.sessions
    when = timing(schedule)
    out = []
    for date, status, raw, w in zip(s["date"], s["date_status"], s["date_raw"], when, strict=True):
        if pd.notna(date):
            out.append(f"{w} {date.day} {date:%b}")
        elif status == UNREADABLE:
            text = _text(raw).strip()
            out.append(f"unreadable date: “{text[:40]}{'…' if len(text) > 40 else ''}”" if text else "unreadable date")
        else:
            out.append("to be scheduled")
    return pd.Series(out, index=s.index, dtype=object, name="date status")


def chase_list(schedule: Schedule, ageing: pd.DataFrame | None = None) -> pd.DataFrame:
    """The items to chase: every undated, TBD, pipeline or incomplete record, with who to ask.

    Columns (:data:`CHASE_COLUMNS`): ``session_id`` (for look-ups such as :func:`source_text`, not for
    display), ``item`` (unique label), ``section``, ``leads`` (:func:`lead_names`; "not stated"),
    ``working group`` ("WG2 · Alternatives to detention"; "–" when none), ``date status``
    (:func:`date_status_words`), ``what is missing`` (e.g. "date (TBD), audience (missing)"),
    ``missing count`` (int) and ``source line(s)`` (e.g. "5–6"). Documents are not chased.

    ``ageing`` (from :func:`analysis.ageing.ageing`: columns session_id, first_seen, days_waiting,
    ever_dated) adds ``days waiting`` (nullable Int64: <NA> for an item ageing does not track, such as a
    dated record that lacks a purpose) and ``first seen`` ("7 May 2020"; "" when unknown) — but only when
    ageing knows any days (it needs two captures; with one, no columns are added rather than misleading
    zeros). Show it through :func:`analysis.export.readable_frame`, which writes <NA> as "". Sorted by
    missing count, then days waiting (longest first, unknown last), then source line. Every text cell
    is a string (never "nan" or "None"). Does not mutate its inputs.
    """
    gaps = gap_records(schedule)
    s = schedule.sessions.set_index("session_id", drop=False)
    idx = gaps["session_id"]
    labels = unique_labels(schedule).set_axis(schedule.sessions["session_id"])
    leads = lead_names(schedule)
    wgs = schedule.reference.working_groups
    status = date_status_words(schedule).set_axis(schedule.sessions["session_id"])

    def wg_name(wg: object) -> str:
        text = _text(wg)
        if not text:
            return "–"
        return f"{text} · {wgs[text].short}" if text in wgs else text

    lines = s["source_lines"].map(_text)
    lines = lines.where(lines != "", s["source_line"].astype(str))
    out = pd.DataFrame({
        "session_id": idx.to_numpy(),
        "item": labels.reindex(idx).to_numpy(),
        "section": gaps["section"].map(_text).to_numpy(),
        "leads": [leads.get(sid, "not stated") for sid in idx],
        "working group": s["working_group"].reindex(idx).map(wg_name).to_numpy(),
        "date status": status.reindex(idx).to_numpy(),
        "what is missing": gaps["what_is_missing"].to_numpy(),
        "missing count": gaps["n_missing"].astype("int64").to_numpy(),
        "source line(s)": lines.reindex(idx).to_numpy(),
    }, columns=list(CHASE_COLUMNS))
    out = out.astype({c: object for c in CHASE_COLUMNS if c != "missing count"})
    out["_line"] = gaps["source_line"].to_numpy()
    sort = ["missing count"]
    ascending = [False]
    days_known = ageing is not None and pd.to_numeric(ageing["days_waiting"], errors="coerce").notna().any()
    if ageing is not None and days_known:
        age = ageing.drop_duplicates("session_id").set_index("session_id")
        days = pd.to_numeric(age["days_waiting"], errors="coerce")
        out["days waiting"] = out["session_id"].map(days).astype("Int64")
        out["first seen"] = out["session_id"].map(age["first_seen"]).map(
            lambda d: "" if d is None or d is pd.NaT or (not isinstance(d, str) and pd.isna(d)) else
            (d if isinstance(d, str) else f"{pd.Timestamp(d).day} {pd.Timestamp(d):%B %Y}")).astype(object)
        sort.append("days waiting")
        ascending.append(False)
    out = out.sort_values([*sort, "_line"], ascending=[*ascending, True], kind="stable", na_position="last")
    return out.drop(columns="_line").reset_index(drop=True)


def source_text(schedule: Schedule, session_id: str) -> str:
    """The original text of the source line(s) of one record, one line per line, each prefixed with its
    number ("12: 18th June | …"); "" when the record is unknown."""
    lines = schedule.lines
    rows = lines[lines["session_id"] == session_id].sort_values("line_no")
    return "\n".join(f"{n}: {_text(t)}" for n, t in zip(rows["line_no"], rows["text"], strict=True))
