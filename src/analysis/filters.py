"""The shared filters: what can be chosen, applying a choice, describing it, and its URL form.

Within one filter the chosen values are alternatives (any of them); across filters all must hold. An
empty choice means "no restriction". Pure functions; no streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import pandas as pd

from .aggregate import NOT_STATED, audience_pairs, count_by, lead_organisation
from .schedule import Schedule

NO_WG = "No working group"
SECTIONS = ("schedule", "pipeline")


@dataclass(frozen=True)
class Filters:
    """A filter choice. Empty tuples and None bounds mean "everything"."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sections: tuple[str, ...] = ()
    include_undated: bool = True
    formats: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    working_groups: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()

    @property
    def is_default(self) -> bool:
        """True when nothing is filtered."""
        return self == Filters()


@dataclass(frozen=True)
class FilterOptions:
    """The values each filter can take on a schedule, in display order."""

    date_min: dt.date | None
    date_max: dt.date | None
    sections: tuple[str, ...]
    formats: tuple[str, ...]
    audiences: tuple[str, ...]
    working_groups: tuple[str, ...]
    organisations: tuple[str, ...]
    themes: tuple[str, ...]


def filter_options(schedule: Schedule) -> FilterOptions:
    """List the values present in ``schedule`` for every filter.

    Audiences come in the order of the audience bar chart (most records first), ending with "Not stated"
    and "TBD" when some meeting record names no audience or says TBD (choosing them finds those records).
    """
    s = schedule.sessions
    dated = s["date"].dropna()
    wgs = sorted(s["working_group"].dropna().unique(), key=lambda w: (len(w), w))
    if s["working_group"].isna().any():
        wgs.append(NO_WG)
    return FilterOptions(
        date_min=dated.min().date() if len(dated) else None,
        date_max=dated.max().date() if len(dated) else None,
        sections=tuple(x for x in SECTIONS if x in set(s["section"])),
        formats=tuple(s["format"].fillna(NOT_STATED).value_counts().index),
        audiences=tuple(count_by(schedule, "audience")["value"]),
        working_groups=tuple(wgs),
        organisations=tuple(sorted(lead_organisation(schedule.leads).dropna().unique(), key=str.casefold)),
        themes=tuple(pd.Series([t for ts in s["themes"] for t in ts], dtype=object).value_counts().index),
    )


def apply_filters(schedule: Schedule, f: Filters) -> Schedule:
    """Return the schedule restricted to the records matching ``f``. Does not mutate ``schedule``."""
    if f.is_default:
        return schedule
    s = schedule.sessions
    keep = pd.Series(True, index=s.index)
    dated = s["date"].notna()
    if f.date_from is not None:
        keep &= ~dated | (s["date"] >= pd.Timestamp(f.date_from))
    if f.date_to is not None:
        keep &= ~dated | (s["date"] <= pd.Timestamp(f.date_to))
    if not f.include_undated:
        keep &= dated
    if f.sections:
        keep &= s["section"].isin(f.sections)
    if f.formats:
        keep &= s["format"].fillna(NOT_STATED).isin(f.formats)
    if f.audiences:
        wanted = set(f.audiences)
        ids = {sid for sid, audience in audience_pairs(schedule) if audience in wanted}
        keep &= s["session_id"].isin(ids)
    if f.working_groups:
        wg = s["working_group"].fillna(NO_WG)
        keep &= wg.isin(f.working_groups)
    if f.organisations:
        ids = schedule.leads.loc[lead_organisation(schedule.leads).isin(f.organisations), "session_id"]
        keep &= s["session_id"].isin(ids)
    if f.themes:
        wanted = set(f.themes)
        keep &= s["themes"].map(lambda ts: not wanted.isdisjoint(ts))
    return schedule.subset(set(s.loc[keep, "session_id"]))


def _short_date(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def describe_filters(f: Filters, acronyms: Mapping[str, str] | None = None) -> str:
    """Say in a few words what is filtered: "All records" when nothing is.

    ``acronyms`` maps organisation names to a short form for the description.

    Examples:
        >>> describe_filters(Filters())
        'All records'
        >>> describe_filters(Filters(formats=("webinar",), include_undated=False))
        'Format: webinar · dated records only'
    """
    parts: list[str] = []
    if f.date_from or f.date_to:
        start = _short_date(f.date_from) if f.date_from else "start"
        end = _short_date(f.date_to) if f.date_to else "end"
        parts.append(f"Dates {start} – {end}")
    if f.sections:
        parts.append("Section: " + ", ".join(f.sections))
    names = {
        "formats": "Format", "audiences": "Audience", "working_groups": "Working group",
        "organisations": "Lead", "themes": "Theme",
    }
    for attr, label in names.items():
        values: tuple[str, ...] = getattr(f, attr)
        if values:
            shown = [acronyms.get(v, v) if acronyms else v for v in values]
            text = ", ".join(shown[:3]) + (f" +{len(shown) - 3}" if len(shown) > 3 else "")
            parts.append(f"{label}: {text}")
    if not f.include_undated:
        parts.append("dated records only")
    return " · ".join(parts) if parts else "All records"


# ------------------------------------------------------------------------------------------ URL form

_KEYS = {
    "date_from": "from", "date_to": "to", "sections": "section", "include_undated": "undated",
    "formats": "format", "audiences": "audience", "working_groups": "wg", "organisations": "lead",
    "themes": "theme",
}
QUERY_KEYS = tuple(_KEYS.values())


def to_query(f: Filters) -> dict[str, str | list[str]]:
    """URL query parameters for ``f``; defaults are left out so an unfiltered view has a clean URL."""
    out: dict[str, str | list[str]] = {}
    default = Filters()
    for fld in fields(Filters):
        value = getattr(f, fld.name)
        if value == getattr(default, fld.name):
            continue
        key = _KEYS[fld.name]
        if isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, bool):
            out[key] = "1" if value else "0"
        else:
            out[key] = list(value)
    return out


def _values(params: Mapping[str, str | Sequence[str]], key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    return [raw] if isinstance(raw, str) else [str(v) for v in raw]


def from_query(params: Mapping[str, str | Sequence[str]], options: FilterOptions) -> tuple[Filters, list[str]]:
    """Read filters from URL query parameters; return them and notes on values that were ignored.

    Unknown values (a format that is not in the data, a malformed date) are dropped with a note rather
    than failing, so an old or edited link still opens.
    """
    notes: list[str] = []
    kwargs: dict[str, object] = {}
    for attr in ("date_from", "date_to"):
        vals = _values(params, _KEYS[attr])
        if vals:
            try:
                kwargs[attr] = dt.date.fromisoformat(vals[-1])
            except ValueError:
                notes.append(f"ignored {_KEYS[attr]}={vals[-1]!r}: not a date (YYYY-MM-DD)")
    undated = _values(params, "undated")
    if undated:
        kwargs["include_undated"] = undated[-1] not in ("0", "false", "no")
    for attr in ("sections", "formats", "audiences", "working_groups", "organisations", "themes"):
        allowed = set(getattr(options, attr))
        chosen = []
        for v in _values(params, _KEYS[attr]):
            if v in allowed and v not in chosen:
                chosen.append(v)
            elif v not in allowed:
                notes.append(f"ignored {_KEYS[attr]}={v!r}: not in the data")
        if chosen:
            kwargs[attr] = tuple(chosen)
    return Filters(**kwargs), notes  # type: ignore[arg-type]
