"""How long undated and pipeline items have waited, over a history of captures (pure; no store access).

A *history* is a list of ``(CaptureInfo, Schedule)`` pairs (as :meth:`CaptureStore.history` gives). Records are
followed across captures with the same matching as :func:`analysis.compare.diff`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .compare import match, prepare
from .schedule import Schedule
from .store import CaptureInfo

History = Sequence[tuple[CaptureInfo, Schedule]]

AGEING_COLUMNS = ("session_id", "label", "section", "date_status", "first_seen", "first_seen_capture",
                  "days_waiting", "ever_dated", "last_dated", "captures_seen")
"""Columns of :func:`ageing`. ``first_seen`` is the as-of date of the earliest capture holding the record;
``days_waiting`` the days from then to the chosen capture's as-of date (<NA> when there is no earlier capture to
look at); ``ever_dated`` whether an earlier capture gave it a date (``last_dated``: the latest such date);
``captures_seen`` how many captures up to the chosen one hold it."""

BACKLOG_COLUMNS = ("capture_id", "name", "as_of", "open_pipeline", "undated", "records", "partial")


def _ordered(history: History) -> list[tuple[CaptureInfo, Schedule]]:
    return sorted(history, key=lambda item: (item[0].as_of, item[0].id))


def _is_open(sessions: pd.DataFrame) -> pd.Series:
    """Records still waiting: in the pipeline, or without a readable date."""
    return (sessions["section"] == "pipeline") | (sessions["date_status"] != "dated") | sessions["date"].isna()


def has_history(history: History, chosen_id: int) -> bool:
    """True when at least one other capture is as old as, or older than, the chosen one (ageing can be told)."""
    chosen = next(info for info, _ in history if info.id == chosen_id)
    return any(info.id != chosen_id and (info.as_of, info.id) < (chosen.as_of, chosen.id) for info, _ in history)


def ageing(history: History, chosen_id: int) -> pd.DataFrame:
    """For every undated or pipeline record of the chosen capture: first seen, days waiting, ever dated.

    Earlier captures (by as-of date, then id) are each matched against the chosen one. With no earlier
    capture, ``first_seen``/``days_waiting`` are missing and ``attrs["enough_captures"]`` is False: ageing
    needs two or more captures, and zeros would mislead. Sorted by days waiting, longest first.

    Raises:
        KeyError: ``chosen_id`` is not in ``history``.
    """
    ordered = _ordered(history)
    try:
        pos = next(k for k, (info, _) in enumerate(ordered) if info.id == chosen_id)
    except StopIteration:
        raise KeyError(f"there is no capture #{chosen_id} in the history") from None
    chosen_info, chosen = ordered[pos]
    s = chosen.sessions.reset_index(drop=True)
    open_rows = [int(i) for i in s.index[_is_open(s)]]
    enough = pos > 0
    first_seen = {i: chosen_info.as_of for i in open_rows}
    first_capture = {i: chosen_info.id for i in open_rows}
    seen = dict.fromkeys(open_rows, 1)
    last_dated: dict[int, pd.Timestamp] = {}
    chosen_side = prepare(chosen)
    for info, schedule in ordered[:pos]:
        side = prepare(schedule)
        earlier = side.frame
        for i, j, _, _ in match(side, chosen_side):
            if j not in first_seen:
                continue
            seen[j] += 1
            if info.as_of < first_seen[j] or (info.as_of == first_seen[j] and info.id < first_capture[j]):
                first_seen[j], first_capture[j] = info.as_of, info.id
            if not side.open[i]:
                when = pd.Timestamp(earlier.loc[i, "date"])
                if j not in last_dated or when > last_dated[j]:
                    last_dated[j] = when
    rows = []
    for i in open_rows:
        rec = s.loc[i]
        rows.append({
            "session_id": rec["session_id"], "label": rec["label"], "section": rec["section"],
            "date_status": rec["date_status"],
            "first_seen": pd.Timestamp(first_seen[i]) if enough else pd.NaT,
            "first_seen_capture": first_capture[i] if enough else pd.NA,
            "days_waiting": (chosen_info.as_of - first_seen[i]).days if enough else pd.NA,
            "ever_dated": i in last_dated, "last_dated": last_dated.get(i, pd.NaT), "captures_seen": seen[i],
        })
    out = pd.DataFrame(rows, columns=list(AGEING_COLUMNS))
    out = out.astype({"first_seen": "datetime64[ns]", "last_dated": "datetime64[ns]", "days_waiting": "Int64",
                      "first_seen_capture": "Int64", "ever_dated": "bool", "captures_seen": "int64"})
    out = out.sort_values(["days_waiting", "label"], ascending=[False, True], na_position="last", kind="stable")
    out = out.reset_index(drop=True)
    out.attrs["enough_captures"] = enough
    return out


def backlog(history: History) -> pd.DataFrame:
    """Open pipeline items and undated scheduled records per capture, by as-of date (is the backlog shrinking?).

    Columns :data:`BACKLOG_COLUMNS`; ``open_pipeline`` counts pipeline records, ``undated`` the records of the
    dated sections without a readable date (the two never overlap). A partial capture's counts are lower bounds.
    """
    rows = []
    for info, schedule in _ordered(history):
        s = schedule.sessions
        pipeline = s["section"] == "pipeline"
        rows.append({
            "capture_id": info.id, "name": info.name, "as_of": pd.Timestamp(info.as_of),
            "open_pipeline": int(pipeline.sum()), "undated": int((_is_open(s) & ~pipeline).sum()),
            "records": len(s), "partial": info.partial,
        })
    return pd.DataFrame(rows, columns=list(BACKLOG_COLUMNS)).astype(
        {"as_of": "datetime64[ns]", "open_pipeline": "int64", "undated": "int64", "records": "int64",
         "partial": "bool"})
