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

MEASURES = ("records", "events")
UNDATED = "Undated / TBD"
COMPLETENESS_FIELDS = ("date", "topic", "leads", "format", "audience", "purpose", "documents")
PRESENT, TBD_STATE, MISSING = "present", "TBD", "missing"


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

    @property
    def span(self) -> str:
        """Date span in words, e.g. "7 May–9 Jul"; "no dated records" when there are none."""
        if self.first_date is None or self.last_date is None:
            return "no dated records"
        if self.first_date == self.last_date:
            return f"{self.first_date.day} {self.first_date:%b}"
        return f"{self.first_date.day} {self.first_date:%b}–{self.last_date.day} {self.last_date:%b}"


def metrics(schedule: Schedule) -> Metrics:
    """Compute the headline metrics."""
    s = schedule.sessions
    leads = schedule.leads
    dated = s["date"].dropna()
    return Metrics(
        records=len(s),
        events=int(s["event_count"].sum()),
        dated=int(s["date"].notna().sum()),
        undated=int(s["date"].isna().sum()),
        pipeline=int((s["section"] == "pipeline").sum()),
        organisations=int(leads["organisation"].dropna().nunique()),
        people=int(leads.loc[leads["kind"] == "person", "name"].nunique()),
        audiences=int(schedule.audiences["audience"].nunique()),
        first_date=dated.min().date() if len(dated) else None,
        last_date=dated.max().date() if len(dated) else None,
    )


def _weights(s: pd.DataFrame, measure: str) -> pd.Series:
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    return s["event_count"] if measure == "events" else pd.Series(1, index=s.index)


def _pairs(schedule: Schedule, dimension: str, weight: dict[str, int]) -> Iterable[tuple[object, int]]:
    """(value, weight) for every value a record has on ``dimension``, a record counting once per value."""
    s = schedule.sessions
    if dimension in ("format", "section", "working_group"):
        missing = "No working group" if dimension == "working_group" else NOT_STATED
        for sid, value in zip(s["session_id"], s[dimension], strict=True):
            yield (value if isinstance(value, str) else missing), weight[sid]
    elif dimension == "audience":
        aud = schedule.audiences
        for sid, value in zip(aud["session_id"], aud["audience"], strict=True):
            yield value, weight[sid]
    elif dimension in ("org_type", "organisation"):
        leads = schedule.leads
        seen: set[tuple[str, object]] = set()
        for sid, org, value in zip(leads["session_id"], leads["organisation"], leads[dimension], strict=True):
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


def _natural(text: str) -> tuple[tuple[int, object], ...]:
    """Sort key that orders numbers by value: "Objective 5" before "Objective 13"."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold()) for part in re.split(r"(\d+)", text))


def count_by(schedule: Schedule, dimension: str, measure: str = "records") -> pd.DataFrame:
    """Records or events per value of a dimension, largest first; columns ``value`` and ``count``.

    Dimensions: format, audience, working_group, org_type, organisation, theme, gcm_objective, section.
    A record counts once per value it has (a record with two audiences counts for both). Records
    without a value are counted under "Not stated" (format) or "No working group" so totals stay visible.
    """
    s = schedule.sessions
    weight = dict(zip(s["session_id"], _weights(s, measure).astype(int), strict=True))
    totals: Counter[object] = Counter()
    for value, w in _pairs(schedule, dimension, weight):
        totals[value] += w
    rows = sorted(totals.items(), key=lambda kv: (-kv[1], _natural(str(kv[0]))))
    return pd.DataFrame({"value": [v for v, _ in rows], "count": pd.array([c for _, c in rows], dtype="int64")})


def format_audience_matrix(schedule: Schedule, measure: str = "records") -> pd.DataFrame:
    """Formats (rows) × audiences (columns) with counts; every combination present, zeros included.

    Rows and columns cover the formats and audience categories of the reference vocabulary that occur
    anywhere in ``schedule``'s reference, so an unused combination shows as a zero (a coverage gap).
    """
    s = schedule.sessions
    ref = schedule.reference
    formats = [c.name for c in ref.formats]
    audiences = [c.name for c in ref.audiences]
    weights = dict(zip(s["session_id"], _weights(s, measure), strict=True))
    fmt = dict(zip(s["session_id"], s["format"], strict=True))
    aud = schedule.audiences
    pairs = pd.DataFrame({"format": aud["session_id"].map(fmt), "audience": aud["audience"],
                          "weight": aud["session_id"].map(weights)})
    table = pairs.groupby(["format", "audience"])["weight"].sum()
    grid = pd.DataFrame(0, index=pd.Index(formats, name="format"), columns=pd.Index(audiences, name="audience"))
    for (f, a), v in table.items():
        if f in grid.index and a in grid.columns:
            grid.loc[f, a] = int(v)
    return grid


def trim_matrix(grid: pd.DataFrame, schedule: Schedule) -> pd.DataFrame:
    """Keep the rows/columns for formats and audiences that occur in the unfiltered data of ``schedule``.

    Vocabulary entries never used anywhere would only add empty rows; those used somewhere but not in a
    given combination are the gaps worth seeing.
    """
    used_formats = [f for f in grid.index if f in set(schedule.sessions["format"])]
    used_aud = [a for a in grid.columns if a in set(schedule.audiences["audience"])]
    return grid.loc[used_formats or list(grid.index), used_aud or list(grid.columns)]


def unused_combinations(grid: pd.DataFrame) -> list[tuple[str, str]]:
    """(format, audience) pairs with a zero count in a matrix from :func:`format_audience_matrix`."""
    return [(f, a) for f, a in product(grid.index, grid.columns) if grid.loc[f, a] == 0]


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


def highlights(schedule: Schedule) -> list[str]:
    """A few computed findings in words, for the overview."""
    s = schedule.sessions
    if s.empty:
        return []
    acr = schedule.reference.acronyms()
    out: list[str] = []
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
        out.append(f"Busiest week: **week of {wk.day} {wk:%B}** with {peak['events']} events "
                   f"in {peak['records']} records.")
    fmt = count_by(schedule, "format")
    if len(fmt):
        out.append(f"Most used format: **{fmt.iloc[0]['value']}** ({fmt.iloc[0]['count']} of {len(s)} records).")
    grid = trim_matrix(format_audience_matrix(schedule), schedule)
    gaps = unused_combinations(grid)
    if gaps:
        shown = "; ".join(f"{f} × {a}" for f, a in gaps[:4])
        more = f" and {len(gaps) - 4} more" if len(gaps) > 4 else ""
        out.append(f"{len(gaps)} format × audience combinations never used, e.g. {shown}{more}.")
    undated = int(s["date"].isna().sum())
    if undated:
        out.append(f"{undated} of {len(s)} records have no date yet "
                   f"({int((s['section'] == 'pipeline').sum())} of them in the pipeline).")
    return out


# ------------------------------------------------------------------------------------------ completeness

def _state(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "" or value == ():
        return MISSING
    if isinstance(value, str) and value.strip().upper() in (TBD, "TBC"):
        return TBD_STATE
    return PRESENT


def completeness(schedule: Schedule) -> pd.DataFrame:
    """Record × field states (present / TBD / missing), with a ``missing`` count, most incomplete first.

    Columns: session_id, label, section, source_line, one column per field of
    :data:`COMPLETENESS_FIELDS`, then ``n_missing`` (fields that are TBD or missing) and ``what_is_missing``.
    """
    s = schedule.sessions
    rows = []
    for r in s.itertuples(index=False):
        date_state = PRESENT if r.date_status == "dated" else (
            TBD_STATE if _state(r.date_raw) == TBD_STATE else MISSING)
        leads_state = PRESENT if r.n_leads else (TBD_STATE if _state(r.leads_raw) == TBD_STATE else MISSING)
        states = {
            "date": date_state,
            "topic": _state(r.topic),
            "leads": leads_state,
            "format": _state(r.format),
            "audience": _state(r.audience_raw),
            "purpose": _state(r.purpose),
            "documents": _state(r.documents),
        }
        # Pipeline items are not expected to have documents yet; schedule items without one are noted.
        lacking = [k for k, v in states.items() if v != PRESENT]
        rows.append({"session_id": r.session_id, "label": r.label, "section": r.section,
                     "source_line": r.source_line, **states, "n_missing": len(lacking),
                     "what_is_missing": ", ".join(f"{k} ({states[k]})" for k in lacking) or "nothing"})
    cols = ["session_id", "label", "section", "source_line", *COMPLETENESS_FIELDS, "n_missing", "what_is_missing"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["n_missing", "source_line"], ascending=[False, True], kind="stable").reset_index(drop=True)


def gap_records(schedule: Schedule) -> pd.DataFrame:
    """Undated, TBD, pipeline or incomplete records (documents aside) with what each lacks."""
    comp = completeness(schedule)
    core = [f for f in COMPLETENESS_FIELDS if f != "documents"]
    lacking = comp[core].ne(PRESENT).any(axis=1) | comp["section"].eq("pipeline")
    out = comp[lacking].copy()
    out["what_is_missing"] = out.apply(
        lambda r: ", ".join(f"{f} ({r[f]})" for f in core if r[f] != PRESENT) or "details tbc (pipeline)", axis=1)
    out["n_missing"] = out[core].ne(PRESENT).sum(axis=1)
    return out.sort_values(["n_missing", "source_line"], ascending=[False, True], kind="stable").reset_index(drop=True)
