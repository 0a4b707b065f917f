"""Tables as a reader sees them: the columns read first, no "None"/"nan" in empty cells, types in words.

Pure pandas (no Streamlit calls); the Data page lays these out. Nothing here mutates its input.
"""

from __future__ import annotations

import pandas as pd

from analysis import Schedule

EMPTY = "–"
"""What an empty cell shows."""

FIRST_COLUMNS: dict[str, tuple[str, ...]] = {
    "sessions": ("label", "date", "date_status", "format", "event_count", "leads_raw", "audiences", "working_group",
                 "topic", "purpose", "themes", "section", "source_lines"),
    "leads": ("name", "kind", "organisation", "org_type", "role", "affiliation", "raw", "source_line"),
    "audiences": ("audience", "raw", "source_line"),
    "problems": ("line_no", "severity", "field", "message"),
}
"""Per table, the columns a user reads first, in order; the others follow behind "Show all columns"."""


def first_columns(table: str, frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` shown by default for ``table`` (all of them for an unknown table)."""
    wanted = FIRST_COLUMNS.get(table)
    if wanted is None:
        return list(frame.columns)
    return [c for c in wanted if c in frame.columns]


def ordered_columns(table: str, frame: pd.DataFrame) -> list[str]:
    """Every column of ``frame``: the ones read first, then the rest in their own order."""
    first = first_columns(table, frame)
    return first + [c for c in frame.columns if c not in first]


def _cell(value: object) -> object:
    if isinstance(value, tuple | list):
        return ", ".join(_text(v) for v in value) or EMPTY
    return _text(value)


def _text(value: object) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, float) and value != value:  # NaN
        return EMPTY
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return EMPTY
    except (TypeError, ValueError):
        pass
    text = str(value)
    return text if text.strip() else EMPTY


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for display: text, list and date columns as text with :data:`EMPTY` for missing.

    Dates become ISO text (``2020-05-07``, so sorting still works); lists are joined with ", "; numbers
    and booleans keep their type. Example: ``(None, ("a", "b"), NaT)`` cells read ``"–"``, ``"a, b"``, ``"–"``.
    """
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[col] = series.dt.strftime("%Y-%m-%d").fillna(EMPTY).astype(object)
        elif pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            continue
        else:
            out[col] = series.map(_cell).astype(object)
    return out


def data_tables(schedule: Schedule) -> dict[str, pd.DataFrame]:
    """The Data page's tables of a filtered schedule: its sessions, leads and audiences, and the reader's
    problems on its records or on no record (the problems of a subset are the whole source's)."""
    problems = schedule.problems
    ids = set(schedule.sessions["session_id"])
    return {
        "sessions": schedule.sessions,
        "leads": schedule.leads,
        "audiences": schedule.audiences,
        "problems": problems[problems["session_id"].isin(ids) | problems["session_id"].isna()],
    }


def shown_table(schedule: Schedule, name: str) -> pd.DataFrame:
    """:func:`display_frame` of one of :func:`data_tables`."""
    return display_frame(data_tables(schedule)[name])


def type_in_words(series: pd.Series) -> str:
    """A column's type as a reader would say it: text, whole number, number, date, yes/no, list of …"""
    if pd.api.types.is_bool_dtype(series):
        return "yes/no"
    if pd.api.types.is_integer_dtype(series):
        return "whole number"
    if pd.api.types.is_float_dtype(series):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    sample = next((v for v in series if isinstance(v, tuple | list) and len(v)), None)
    if sample is not None or (len(series) and all(isinstance(v, tuple | list) for v in series)):
        inner = "whole numbers" if sample is not None and all(isinstance(x, int) for x in sample) else "text"
        return f"list of {inner}"
    return "text"


def dictionary_in_words(dictionary: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The data dictionary with its ``type`` column in words (see :func:`type_in_words`)."""
    out = dictionary.copy()
    out["type"] = [type_in_words(tables[t][c]) if t in tables and c in tables[t].columns else str(kind)
                   for t, c, kind in zip(out["table"], out["column"], out["type"], strict=True)]
    return out
