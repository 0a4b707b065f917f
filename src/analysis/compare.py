"""What changed between two captures of the page: :func:`diff` (pure; never touches the store).

Records are matched by content, not by ``session_id`` (which hashes the date): first by an exact
``match_key`` (normalised topic + leads + working group), then by a fuzzy score on topic, leads and working
group (rapidfuzz). One record matches at most one other; candidates are taken greedily, best score first,
with a deterministic tie-break (closest date, same section, same format, then position); ``diff(a, b)``
and ``diff(b, a)`` pair the same records. Unmatched records are *added* or *dropped*.

Change kinds (:data:`KINDS`), each a row with before → after and the source lines on both sides:
moved, scheduled, unscheduled, added, dropped, format (with event count), leads (who joined, who left),
topic, audience, purpose, documents.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from .schedule import Schedule

KINDS = ("moved", "scheduled", "unscheduled", "added", "dropped", "format", "leads", "topic", "audience",
         "purpose", "documents")
MIRROR = {"added": "dropped", "dropped": "added", "scheduled": "unscheduled", "unscheduled": "scheduled"}
"""Kind seen from the other side: ``diff(b, a)`` reports ``MIRROR.get(k, k)`` where ``diff(a, b)`` reports k."""

CHANGE_COLUMNS = ("kind", "label", "before", "after", "old_lines", "new_lines", "score", "old_match_key",
                  "new_match_key", "old_label", "new_label", "detail", "old_date", "new_date")
"""Columns of :attr:`Changes.frame`. ``score`` is the match score (100 = same match key; NaN for added or
dropped); ``old_date``/``new_date`` are the record's dates on each side (NaT when undated)."""

MATCH_THRESHOLD = 70.0
"""Least fuzzy score (0–100) for two records with different match keys to count as the same record."""

WEIGHTS = {"topic": 0.6, "leads": 0.25, "group": 0.15}
"""Weight of each field in the fuzzy score; a field missing on both sides is left out and the rest re-weighted."""

_PUNCT = re.compile(r"[^\w]+")
_NA_TEXT = {"", "tbd", "tbc", "n a", "na", "none"}


# ------------------------------------------------------------------------------------------ normalising

def normalise(text: object) -> str:
    """Text for comparison: NFKC, case-folded, punctuation and dashes to spaces, whitespace collapsed.

    Examples:
        >>> normalise("  Alternatives to Detention – WG2 ")
        'alternatives to detention wg2'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):  # type: ignore[arg-type]
        return ""
    return " ".join(_PUNCT.sub(" ", unicodedata.normalize("NFKC", str(text)).casefold()).split())


def _informative(text: str) -> str:
    """Normalised text, or "" when it says nothing (TBD, empty)."""
    return "" if text in _NA_TEXT else text


def _lead_tables(schedule: Schedule) -> tuple[dict[str, tuple[str, ...]], dict[str, dict[str, str]], dict[str, str]]:
    """Per record: sorted lead identities; identity → display text; the leads' affiliations as one string.

    A lead's identity is its canonical name (with its unit); it is displayed by name for a person and as
    written for an organisation ("IOM ODG").
    """
    leads = schedule.leads
    ids: dict[str, list[str]] = {}
    shown: dict[str, dict[str, str]] = {}
    affil: dict[str, list[str]] = {}
    cols = [c for c in ("session_id", "name", "raw", "kind", "unit", "organisation") if c in leads.columns]
    for row in leads[cols].itertuples(index=False):
        rec = row._asdict()
        name = rec.get("name") if isinstance(rec.get("name"), str) else rec.get("raw") or ""
        unit = rec.get("unit") if isinstance(rec.get("unit"), str) else ""
        ident = normalise(f"{name} {unit}")
        if not ident:
            continue
        sid = rec["session_id"]
        ids.setdefault(sid, []).append(ident)
        raw = rec.get("raw") if isinstance(rec.get("raw"), str) else name
        shown.setdefault(sid, {})[ident] = name if rec.get("kind") == "person" else raw
        org = rec.get("organisation") if isinstance(rec.get("organisation"), str) else name
        affil.setdefault(sid, []).append(normalise(org))
    return ({k: tuple(sorted(set(v))) for k, v in ids.items()}, shown,
            {k: " ".join(sorted(set(v))) for k, v in affil.items()})


@dataclass(frozen=True)
class Side:
    """One capture's records, prepared for matching (row k = sessions row k)."""

    frame: pd.DataFrame
    keys: list[str]
    topics: list[str]
    leads: list[tuple[str, ...]]
    lead_text: dict[str, dict[str, str]]
    affiliations: list[str]
    groups: list[str]
    dates: pd.Series
    open: np.ndarray  # undated or in the pipeline


def prepare(schedule: Schedule) -> Side:
    """A schedule's records ready for :func:`match`: match keys, normalised fields, dates, open flags.

    The key is the data layer's ``match_key`` when every record has one, else the same recipe computed here
    (normalised topic | sorted lead identities | working group). Does not mutate ``schedule``.
    """
    s = schedule.sessions.reset_index(drop=True)
    lead_ids, lead_text, affil = _lead_tables(schedule)
    sids = s["session_id"].tolist()
    topics = [_informative(normalise(t)) for t in s["topic"]]
    groups = [normalise(g) for g in s["working_group"]]
    leads = [lead_ids.get(sid, ()) for sid in sids]
    if "match_key" in s.columns and s["match_key"].notna().all():
        keys = s["match_key"].astype(str).tolist()
    else:  # a data layer without match_key: the same recipe, computed here
        keys = [f"{t}|{';'.join(ld)}|{g}" for t, ld, g in zip(topics, leads, groups, strict=True)]
    dates = pd.to_datetime(s["date"]).reset_index(drop=True)
    is_open = ((s["date_status"] != "dated") | (s["section"] == "pipeline") | dates.isna()).to_numpy()
    return Side(s, keys, topics, leads, lead_text, [affil.get(sid, "") for sid in sids], groups, dates, is_open)


# ------------------------------------------------------------------------------------------------ matching

def _both_stated(a: list[str], b: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the pairs where both sides state the field, and where at least one does."""
    has_a = np.array([bool(x) for x in a], dtype=bool)
    has_b = np.array([bool(x) for x in b], dtype=bool)
    return has_a[:, None] & has_b[None, :], has_a[:, None] | has_b[None, :]


def _topic_scores(a: list[str], b: list[str]) -> np.ndarray:
    """Mean of token-set and token-sort ratios: a topic cut to a part of itself scores high, not 100.

    Both ratios run in rapidfuzz's native ``cdist`` (no Python call per pair), so comparing two captures of
    a thousand records each takes a fraction of a second.
    """
    set_ratio = process.cdist(a, b, scorer=fuzz.token_set_ratio, dtype=np.float64, workers=1)
    sort_ratio = process.cdist(a, b, scorer=fuzz.token_sort_ratio, dtype=np.float64, workers=1)
    return (set_ratio + sort_ratio) / 2


def _lead_scores(a: list[str], b: list[str]) -> np.ndarray:
    """Token-set ratio of the lead affiliations."""
    return process.cdist(a, b, scorer=fuzz.token_set_ratio, dtype=np.float64, workers=1)


def _group_scores(a: list[str], b: list[str]) -> np.ndarray:
    """100 where the working groups are equal, else 0."""
    return np.where(np.array(a, dtype=object)[:, None] == np.array(b, dtype=object)[None, :], 100.0, 0.0)


def fuzzy_scores(old: Side, new: Side, rows: list[int] | None = None, cols: list[int] | None = None) -> np.ndarray:
    """Score (0–100) of old × new record pairs on topic, lead affiliations and working group.

    ``rows`` and ``cols`` restrict the matrix to those old and new records (all by default). Each field counts
    only where at least one side states it (a field blank on both sides says nothing); a pair with no
    informative field scores 0.
    """
    rows = list(range(len(old.keys))) if rows is None else rows
    cols = list(range(len(new.keys))) if cols is None else cols
    total = np.zeros((len(rows), len(cols)))
    weight = np.zeros_like(total)
    if not rows or not cols:
        return total
    for name, a_all, b_all, scorer in (("topic", old.topics, new.topics, _topic_scores),
                                       ("leads", old.affiliations, new.affiliations, _lead_scores),
                                       ("group", old.groups, new.groups, _group_scores)):
        a, b = [a_all[i] for i in rows], [b_all[j] for j in cols]
        both, counted = _both_stated(a, b)
        total += WEIGHTS[name] * np.where(both, scorer(a, b), 0.0) * counted
        weight += WEIGHTS[name] * counted
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight > 0, total / np.where(weight > 0, weight, 1), 0.0)


def _date_gap(a: pd.Timestamp, b: pd.Timestamp) -> int:
    if pd.isna(a) and pd.isna(b):
        return 0
    if pd.isna(a) or pd.isna(b):
        return 10**6
    return abs((a - b).days)


def match(old: Side, new: Side, threshold: float = MATCH_THRESHOLD) -> list[tuple[int, int, float, str]]:
    """One-to-one pairs (old row, new row, score, "key" or "fuzzy"): exact keys first, then fuzzy, greedy.

    Candidates are ranked by score, then closest date, same section, same format, then position (old row,
    new row). Every key but the last is symmetric, and greedy matching over equally ranked pairs in row order
    gives the same pairs whichever side comes first, so swapping the sides pairs the same records (the
    mirror-image property test checks this).
    """
    o_sec, n_sec = old.frame["section"].tolist(), new.frame["section"].tolist()
    o_fmt, n_fmt = old.frame["format"].fillna("").tolist(), new.frame["format"].fillna("").tolist()

    def rank(i: int, j: int, score: float) -> tuple[float, int, bool, bool, int, int]:
        return (-round(score, 6), _date_gap(old.dates[i], new.dates[j]), o_sec[i] != n_sec[j],
                o_fmt[i] != n_fmt[j], i, j)

    pairs: list[tuple[int, int, float, str]] = []
    used_old: set[int] = set()
    used_new: set[int] = set()

    def take(candidates: list[tuple[int, int, float]], how: str) -> None:
        for i, j, score in sorted(candidates, key=lambda c: rank(*c)):
            if i not in used_old and j not in used_new:
                used_old.add(i)
                used_new.add(j)
                pairs.append((i, j, score, how))

    by_key: dict[str, list[int]] = {}
    for j, key in enumerate(new.keys):
        by_key.setdefault(key, []).append(j)
    take([(i, j, 100.0) for i, key in enumerate(old.keys) for j in by_key.get(key, ())], "key")
    rest_old = [i for i in range(len(old.keys)) if i not in used_old]
    rest_new = [j for j in range(len(new.keys)) if j not in used_new]
    if rest_old and rest_new:
        scores = fuzzy_scores(old, new, rest_old, rest_new)
        hits = np.argwhere(scores >= threshold)
        take([(rest_old[a], rest_new[b], float(scores[a, b])) for a, b in hits.tolist()], "fuzzy")
    return sorted(pairs, key=lambda p: (p[1], p[0]))


# ------------------------------------------------------------------------------------------------ changes

def _when(row: pd.Series) -> str:
    """A record's timing as shown: "19 May 2020", "2–3 Jul 2020", the raw date text, or "TBD"/"pipeline"."""
    date = row["date"]
    if row["date_status"] == "dated" and not pd.isna(date):
        end = row.get("date_end")
        text = f"{date:%-d %b %Y}"
        if end is not None and not pd.isna(end) and end != date:
            text = f"{date:%-d %b}–{end:%-d %b %Y}"
        return text
    raw = row.get("date_raw")
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    return "pipeline" if row["section"] == "pipeline" else "TBD"


def _shift(days: int) -> str:
    """A date move in words: "1 day later", "3 days earlier", "same start date"."""
    if days == 0:
        return "same start date"
    n = abs(days)
    return f"{n} day{'s' if n != 1 else ''} {'later' if days > 0 else 'earlier'}"


def _fmt(row: pd.Series) -> str:
    fmt = row["format"] if isinstance(row["format"], str) else "not stated"
    n = int(row["event_count"])
    return f"{fmt} · {n} event{'s' if n != 1 else ''}"


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)  # type: ignore[arg-type]


def _documents(row: pd.Series) -> tuple[str, str]:
    """(comparable, shown) text of the Documents cell, with link targets when the data layer has them."""
    shown = _text(row.get("documents"))
    links = row.get("document_links")
    hrefs = " ".join(h for _, h in links) if isinstance(links, tuple) else ""
    return normalise(shown) + "|" + hrefs, shown


@dataclass(frozen=True)
class _Pair:
    old: pd.Series
    new: pd.Series
    old_leads: tuple[str, ...]
    new_leads: tuple[str, ...]
    old_lead_text: Mapping[str, str]
    new_lead_text: Mapping[str, str]


def _pair_changes(p: _Pair) -> list[tuple[str, str, str, str]]:
    """(kind, before, after, detail) for every field that differs between two matched records."""
    o, n = p.old, p.new
    out: list[tuple[str, str, str, str]] = []
    o_open = o["date_status"] != "dated" or o["section"] == "pipeline" or pd.isna(o["date"])
    n_open = n["date_status"] != "dated" or n["section"] == "pipeline" or pd.isna(n["date"])
    if not o_open and not n_open:
        if o["date"] != n["date"] or _when(o) != _when(n):
            days = (n["date"] - o["date"]).days
            out.append(("moved", _when(o), _when(n), _shift(days)))
    elif o_open and not n_open:
        out.append(("scheduled", _when(o), _when(n), ""))
    elif n_open and not o_open:
        out.append(("unscheduled", _when(o), _when(n), ""))
    if (_text(o["format"]), int(o["event_count"])) != (_text(n["format"]), int(n["event_count"])):
        out.append(("format", _fmt(o), _fmt(n), ""))
    o_wg, n_wg = _text(o["working_group"]), _text(n["working_group"])
    if set(p.old_leads) != set(p.new_leads) or normalise(o_wg) != normalise(n_wg):
        joined = [p.new_lead_text[k] for k in p.new_leads if k not in p.old_leads]
        left = [p.old_lead_text[k] for k in p.old_leads if k not in p.new_leads]
        detail = [f"joined: {', '.join(joined)}" if joined else "", f"left: {', '.join(left)}" if left else ""]
        if normalise(o_wg) != normalise(n_wg):
            detail.append(f"working group: {o_wg or 'none'} → {n_wg or 'none'}")
        before = "; ".join(p.old_lead_text[k] for k in p.old_leads)
        after = "; ".join(p.new_lead_text[k] for k in p.new_leads)
        out.append(("leads", f"{o_wg}: {before}" if o_wg else before, f"{n_wg}: {after}" if n_wg else after,
                    " · ".join(d for d in detail if d)))
    for kind, col in (("topic", "topic"), ("audience", "audience_raw"), ("purpose", "purpose")):
        if normalise(o[col]) != normalise(n[col]):
            out.append((kind, _text(o[col]), _text(n[col]), ""))
    (o_doc, o_shown), (n_doc, n_shown) = _documents(o), _documents(n)
    if o_doc != n_doc:
        out.append(("documents", o_shown, n_shown, ""))
    return out


@dataclass(frozen=True)
class Changes:
    """The changes from an old capture to a new one.

    Attributes:
        frame: one row per change, columns :data:`CHANGE_COLUMNS`, ordered by the record's place in the
            new capture (dropped records last), then by :data:`KINDS`.
        counts: changes per kind (kinds with none left out), in :data:`KINDS` order.
        old_records, new_records: records on each side.
        partial_old, partial_new: whether a side was marked partial (cut off).
        not_compared: records missing from a partial side's counterpart that were therefore not reported.
        pairs: the matched records (old_label, new_label, score, how, changed).
    """

    frame: pd.DataFrame
    counts: Mapping[str, int]
    old_records: int
    new_records: int
    partial_old: bool = False
    partial_new: bool = False
    not_compared: int = 0
    pairs: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return self.frame.empty

    @property
    def summary(self) -> str:
        """E.g. "1 moved, 2 format, 1 topic · old 3 records (partial), new 17 records"."""
        parts = ", ".join(f"{n} {k}" for k, n in self.counts.items()) or "no changes"
        old = f"old {self.old_records} record{'s' if self.old_records != 1 else ''}"
        new = f"new {self.new_records} record{'s' if self.new_records != 1 else ''}"
        old += " (partial)" if self.partial_old else ""
        new += " (partial)" if self.partial_new else ""
        tail = ""
        if self.not_compared:
            tail = f" · {self.not_compared} not compared (partial capture)"
        return f"{parts} · {old}, {new}{tail}"


def diff(old: Schedule, new: Schedule, *, partial_new: bool = False, partial_old: bool = False,
         threshold: float = MATCH_THRESHOLD) -> Changes:
    """What changed from ``old`` to ``new``. Pure: neither schedule is mutated, nothing is read or written.

    Args:
        old, new: the two captures' schedules.
        partial_new: the new capture is cut off, so records missing from it are not reported as dropped.
        partial_old: the old capture is cut off, so records only in the new one are not reported as added.
        threshold: least fuzzy score for a match between records with different match keys.

    Returns:
        The :class:`Changes`; ``diff(a, a)`` is empty, and ``diff(b, a)`` is the mirror image of
        ``diff(a, b)`` (kinds through :data:`MIRROR`, before ↔ after, old ↔ new columns).
    """
    o_side, n_side = prepare(old), prepare(new)
    pairs = match(o_side, n_side, threshold)
    rows: list[dict[str, object]] = []
    pair_rows: list[dict[str, object]] = []
    o_frame, n_frame = o_side.frame, n_side.frame

    def row(kind: str, o: pd.Series | None, n: pd.Series | None, before: str, after: str, score: float,
            detail: str, order: tuple[int, int]) -> dict[str, object]:
        return {
            "kind": kind, "label": (n if n is not None else o)["label"],  # type: ignore[index]
            "before": before, "after": after,
            "old_lines": None if o is None else str(o["source_lines"]),
            "new_lines": None if n is None else str(n["source_lines"]),
            "score": score,
            "old_match_key": None if o is None else o_side.keys[int(o.name)],  # type: ignore[arg-type]
            "new_match_key": None if n is None else n_side.keys[int(n.name)],  # type: ignore[arg-type]
            "old_label": None if o is None else o["label"], "new_label": None if n is None else n["label"],
            "detail": detail,
            "old_date": pd.NaT if o is None or o_side.open[int(o.name)] else o["date"],  # type: ignore[arg-type]
            "new_date": pd.NaT if n is None or n_side.open[int(n.name)] else n["date"],  # type: ignore[arg-type]
            "_order": order,
        }

    for i, j, score, how in pairs:
        o, n = o_frame.iloc[i], n_frame.iloc[j]
        o_sid, n_sid = o["session_id"], n["session_id"]
        found = _pair_changes(_Pair(o, n, o_side.leads[i], n_side.leads[j], o_side.lead_text.get(o_sid, {}),
                                    n_side.lead_text.get(n_sid, {})))
        for kind, before, after, detail in found:
            rows.append(row(kind, o, n, before, after, score, detail, (j, KINDS.index(kind))))
        pair_rows.append({"old_label": o["label"], "new_label": n["label"], "score": score, "how": how,
                          "changed": bool(found)})
    matched_old = {i for i, _, _, _ in pairs}
    matched_new = {j for _, j, _, _ in pairs}
    not_compared = 0
    for j in range(len(n_frame)):
        if j not in matched_new:
            if partial_old:
                not_compared += 1
                continue
            n = n_frame.iloc[j]
            rows.append(row("added", None, n, "", _when(n), np.nan, "", (j, KINDS.index("added"))))
    for i in range(len(o_frame)):
        if i not in matched_old:
            if partial_new:
                not_compared += 1
                continue
            o = o_frame.iloc[i]
            rows.append(row("dropped", o, None, _when(o), "", np.nan, "", (len(n_frame) + i, KINDS.index("dropped"))))
    rows.sort(key=lambda r: r["_order"])  # type: ignore[arg-type, return-value]
    frame = pd.DataFrame(rows, columns=[*CHANGE_COLUMNS, "_order"]).drop(columns="_order")
    frame["score"] = frame["score"].astype("float64")
    for col in ("old_date", "new_date"):
        frame[col] = pd.to_datetime(frame[col])
    counts = frame["kind"].value_counts()
    return Changes(
        frame=frame.reset_index(drop=True),
        counts={k: int(counts[k]) for k in KINDS if k in counts.index},
        old_records=len(o_frame), new_records=len(n_frame), partial_old=partial_old, partial_new=partial_new,
        not_compared=not_compared,
        pairs=pd.DataFrame(pair_rows, columns=["old_label", "new_label", "score", "how", "changed"]),
    )
