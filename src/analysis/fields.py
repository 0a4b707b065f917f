"""Typed fields from cell text: dates, lead lists, the format/audience/purpose cell, themes.

Each parser is a pure function of the cell text (plus the reference) and returns an immutable result
with the problems it found, without line numbers; the caller attaches the source line. Results are
memoised per distinct text because real schedules repeat the same cells many times.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .reference import Alias, Reference, norm_key

TBD_WORDS = frozenset({"tbd", "tbc", "to be determined", "to be confirmed", "tba", "to be announced"})

# (field, severity, message) without a line number.
Issue = tuple[str, str, str]


def is_tbd(text: str) -> bool:
    """True when the text is a to-be-decided marker (TBD, TBC, TBA …), ignoring case and dots."""
    return text.strip().strip(".").casefold() in TBD_WORDS


# ---------------------------------------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MON = r"(?P<mon{n}>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day{n}>\d{{1,2}})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year{n}>\d{{4}}))?"
_DASH = r"\s*(?:[-–—]|to|until)\s*"
YEARS = range(1900, 2101)
"""Years a date may fall in; others are reported (and would not fit a pandas timestamp either)."""


def _one(n: int) -> str:
    day = _DAY.format(n=n)
    return (
        rf"(?:{day}(?:{_DASH}(?P<dayb{n}>\d{{1,2}})(?:st|nd|rd|th)?)?\s+(?:of\s+)?{_MON.format(n=f'a{n}')}"
        rf"|{_MON.format(n=f'b{n}')}\s+{_DAY.format(n=f'c{n}')}(?:{_DASH}(?P<daybc{n}>\d{{1,2}})(?:st|nd|rd|th)?)?)"
        rf"{_YEAR.format(n=n)}"
    )


_DATE_RE = re.compile(rf"^\s*(?:\w+day,?\s+)?{_one(1)}(?:{_DASH}{_one(2)})?\s*\.?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class DateField:
    """A parsed date cell. ``status`` is "dated" or "tbd"; ``raw`` is the cell text unchanged."""

    raw: str
    date: dt.date | None
    date_end: dt.date | None
    status: str
    year_inferred: bool
    issues: tuple[Issue, ...] = ()


@lru_cache(maxsize=16384)
def looks_like_date(text: str) -> bool:
    """True when the text is a date expression or a TBD marker (a record's first cell)."""
    return is_tbd(text) or _DATE_RE.match(text) is not None


def _part(m: re.Match[str], n: int) -> tuple[int | None, int | None, int | None, int | None]:
    """Return (day, day_end, month, year) of date expression number n in a match."""
    if m.group(f"mona{n}"):
        return (int(m.group(f"day{n}")), _int(m.group(f"dayb{n}")), _MONTHS[m.group(f"mona{n}").lower()],
                _int(m.group(f"year{n}")))
    if m.group(f"monb{n}"):
        return (int(m.group(f"dayc{n}")), _int(m.group(f"daybc{n}")), _MONTHS[m.group(f"monb{n}").lower()],
                _int(m.group(f"year{n}")))
    return None, None, None, None


def _int(text: str | None) -> int | None:
    return int(text) if text else None


@lru_cache(maxsize=4096)
def parse_date(raw: str, year: int) -> DateField:
    """Parse a date cell such as "7 May", "4th June", "July 9th", "22-23 March", "1st March 2021".

    A date with no year takes ``year``. "TBD", "TBC" and blank give status "tbd" with no date. Text that
    is not a date gives status "tbd" and an issue, keeping the raw text.

    Examples:
        >>> parse_date("July 9th", 2020).date
        datetime.date(2020, 7, 9)
        >>> f = parse_date("22-23 March", 2021); (f.date.day, f.date_end.day)
        (22, 23)
    """
    text = raw.strip()
    if not text or is_tbd(text):
        return DateField(raw, None, None, "tbd", False)
    m = _DATE_RE.match(text)
    if m is None:
        return DateField(raw, None, None, "tbd", False, (("date", "warning", f"date not understood: {text!r}"),))
    day, day_end, month, y1 = _part(m, 1)
    day2, _, month2, y2 = _part(m, 2)
    assert day is not None and month is not None
    inferred = y1 is None and y2 is None
    start_year = y1 or y2 or year
    try:
        start = dt.date(start_year, month, day)
        end = None
        if day2 is not None and month2 is not None:
            end = dt.date(y2 or start_year, month2, day2)
        elif day_end is not None:
            end = dt.date(start_year, month, day_end)
    except ValueError:
        return DateField(raw, None, None, "tbd", False, (("date", "warning", f"no such date: {text!r}"),))
    if start.year not in YEARS or (end is not None and end.year not in YEARS):
        return DateField(raw, None, None, "tbd", False,
                         (("date", "warning", f"year outside {YEARS[0]}–{YEARS[-1]}: {text!r}"),))
    issues: tuple[Issue, ...] = ()
    if end is not None and end < start:
        issues = (("date", "warning", f"date range ends before it starts: {text!r}"),)
        end = None
    return DateField(raw, start, end, "dated", inferred, issues)


# ---------------------------------------------------------------------------------------------- leads

@dataclass(frozen=True)
class Lead:
    """One named lead in a cell. kind is "organisation" or "person"; organisation is who it counts for."""

    name: str
    raw: str
    kind: str
    organisation: str
    unit: str | None
    role: str | None
    resolved: bool
    inferred: bool


@dataclass(frozen=True)
class LeadsField:
    """A parsed lead cell: optional working group, leads in order, unnamed-partners flag, issues."""

    raw: str
    working_group: str | None
    leads: tuple[Lead, ...]
    unnamed_partners: bool
    tbd: bool
    issues: tuple[Issue, ...] = ()


_WG_RE = re.compile(r"^\s*(?:working\s+group|WG)\s*(\d{1,3})\s*(?:[:\-–—]\s*|$)", re.IGNORECASE)
_SPLIT_LEADS = re.compile(r"\s*[,;]\s*")  # what separates names (parse_leads splits with str methods)
_AND_RE = re.compile(r"\s+(?:and|&)\s+")
_ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9\-]{1,}$")
_ORG_WORDS = re.compile(
    r"\b(?:network|institute|centre|center|coalition|alliance|organi[sz]ation|office|agency|group|council|"
    r"university|foundation|union|initiative|programme|program|fund|association|committee|bloque|UN)\b",
    re.IGNORECASE,
)


def _guess_kind(name: str) -> str:
    """Kind of an unknown name: acronyms and names with institutional words are organisations."""
    if _ACRONYM_RE.match(name) or _ORG_WORDS.search(name):
        return "organisation"
    words = name.split()
    if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
        return "person"
    return "organisation"


def _role_split(part: str, labels: tuple[str, ...]) -> tuple[str | None, str]:
    """Split "Lead Discussant: Jane Doe" into ("Lead Discussant", "Jane Doe")."""
    if ":" not in part:
        return None, part
    head, _, tail = part.partition(":")
    if any(norm_key(head) == norm_key(lbl) for lbl in labels) or len(head.split()) <= 3:
        return head.strip(), tail.strip()
    return None, part


@lru_cache(maxsize=16384)
def _resolve(written: str, ref: Reference) -> Alias | None:
    """``ref.resolve``, memoised: the same names recur in many cells."""
    return ref.resolve(written)


@lru_cache(maxsize=16384)
def _key(text: str) -> str:
    """``norm_key``, memoised."""
    return norm_key(text)


@lru_cache(maxsize=8)
def _name_heads(ref: Reference) -> frozenset[str]:
    """Keys that begin a longer known name ("zolberg institute" begins "zolberg institute new school").

    Comma parts can only join into one known name when the first part's key is such a head (or is empty
    or "the", which the key of the joined text drops), so other parts skip the search for longer names.
    """
    heads: set[str] = set()
    for key in ref.aliases:
        words = key.split(" ")
        heads.update(" ".join(words[:j]) for j in range(1, len(words)))
    return frozenset(heads)


def _known_run(parts: list[str], keys: list[str], i: int, heads: frozenset[str], ref: Reference
               ) -> tuple[str, int]:
    """The longest run (3, 2 or 1 parts) from ``parts[i]`` that is one known name: (text, width).

    ``keys`` are the parts' lookup keys and ``heads`` the result of :func:`_name_heads`.
    """
    if i + 1 < len(parts):
        key = keys[i]
        if key in heads or key in ("", "the") or "" in keys[i + 1:i + 3]:
            for width in (3, 2):
                if i + width <= len(parts):
                    joined = ", ".join(parts[i:i + width])
                    if _resolve(joined, ref) is not None:
                        return joined, width
    return parts[i], 1


@dataclass(frozen=True)
class _PartReading:
    """What one name (a run of comma parts) of a lead cell says. ``once``: drop it if already named."""

    leads: tuple[Lead, ...] = ()
    issues: tuple[Issue, ...] = ()
    unnamed: bool = False
    tbd: bool = False
    once: bool = False


@lru_cache(maxsize=16384)
def _read_part(joined: str, ref: Reference) -> _PartReading:
    """Read one name of a lead cell: a known name (maybe after a role label), "A and B", "others", TBD,
    a role label with no name, or an unknown name kept as written."""
    part = joined.strip().rstrip(".")
    alias = _resolve(joined, ref)
    if alias is not None:
        return _PartReading((Lead(alias.name, part, alias.kind, alias.organisation, alias.unit, None, True,
                                  alias.inferred),), once=True)
    role, name = _role_split(part, ref.role_labels)
    if role is not None:
        if not name:
            return _PartReading(issues=(("leads", "warning", f"'{role}:' is followed by no name"),))
        alias = _resolve(name, ref)
        if alias is not None:
            return _PartReading((Lead(alias.name, part, alias.kind, alias.organisation, alias.unit, role, True,
                                      alias.inferred),), once=True)
    if _AND_RE.search(name):
        pieces = [_resolve(p, ref) for p in _AND_RE.split(name)]
        if all(pieces):
            return _PartReading(tuple(Lead(a.name, part, a.kind, a.organisation, a.unit, role, True, a.inferred)
                                      for a in pieces if a is not None))
    if _key(name) in ref.unnamed_partners:
        return _PartReading(unnamed=True)
    if is_tbd(name):
        return _PartReading(tbd=True)
    kind = _guess_kind(name)
    return _PartReading((Lead(name, part, kind, name if kind == "organisation" else "", None, role, False, False),),
                        (("leads", "warning", f"unresolved {kind} name kept as written: {name!r}"),))


@lru_cache(maxsize=16384)
def parse_leads(raw: str, ref: Reference) -> LeadsField:
    """Parse a "Working Group (WG) and Co-leads" cell.

    Splits a ``WGn:`` prefix, then the names. Adjacent comma parts that together form a known name
    ("Zolberg Institute, New School") are read as one. Names resolve through the reference aliases;
    people carry their organisation. "others" sets ``unnamed_partners`` instead of naming anyone. A role
    label with no name ("Lead Discussant:") and any unknown name are reported as issues; unknown names
    are kept as written. The same organisation written twice in one cell counts once.
    """
    text = raw.strip()
    if not text:
        return LeadsField(raw, None, (), False, False)
    if is_tbd(text):
        return LeadsField(raw, None, (), False, True)
    wg = None
    m = _WG_RE.match(text)
    if m:
        wg = f"WG{int(m.group(1))}"
        text = text[m.end():]
    # Split on "," and ";" (what _SPLIT_LEADS describes), the faster way.
    parts = [p for p in map(str.strip, text.replace(";", ",").split(",")) if p]
    keys = [_key(p) for p in parts]
    heads = _name_heads(ref)
    leads: list[Lead] = []
    named: set[tuple[str, str | None]] = set()
    issues: list[Issue] = []
    unnamed = tbd = False
    i = 0
    n = len(parts)
    while i < n:
        key = keys[i]
        if i + 1 < n and (key in heads or key in ("", "the") or "" in keys[i + 1:i + 3]):
            joined, width = _known_run(parts, keys, i, heads, ref)
        else:  # the common case, inlined: a single part that begins no longer known name
            joined, width = parts[i], 1
        i += width
        reading = _read_part(joined, ref)
        if reading.once and (reading.leads[0].name, reading.leads[0].unit) in named:
            continue  # the same organisation written twice in one cell counts once
        for lead in reading.leads:
            leads.append(lead)
            named.add((lead.name, lead.unit))
        if reading.issues:
            issues.extend(reading.issues)
        unnamed = unnamed or reading.unnamed
        tbd = tbd or reading.tbd
    return LeadsField(raw, wg, tuple(leads), unnamed, tbd, tuple(issues))


# ------------------------------------------------------------------------------- format / audience

@dataclass(frozen=True)
class Audience:
    """One audience category found in an audience phrase, with the words that matched."""

    name: str
    raw: str


@dataclass(frozen=True)
class FormatField:
    """A parsed "Format, Audience and Purpose" cell. Absent parts are None; "TBD" parts are "TBD"."""

    raw: str
    format: str | None
    format_raw: str | None
    event_count: int
    languages: tuple[str, ...]
    interpretation: bool
    platform: str | None
    audience_raw: str | None
    audiences: tuple[Audience, ...]
    purpose: str | None
    publication: str | None
    issues: tuple[Issue, ...] = ()


_LABEL_RE = re.compile(r"\b(Format|Audiences?|Purpose)\s*:", re.IGNORECASE)
_COUNT_RE = re.compile(  # at most three digits: "(2020)" is not a count worth believing, nor a 5000-digit one
    r"\((\d{1,3})\)|\b(\d{1,3})\s*(?:sessions|slots)\b|\b(two|three|four)\s+sessions\b", re.IGNORECASE)
_WORD_NUM = {"two": 2, "three": 3, "four": 4}
_INTERP_RE = re.compile(r"interpretation", re.IGNORECASE)
_QUOTES = str.maketrans("", "", "‘’“”\"'")


def _labelled_parts(text: str) -> dict[str, str]:
    matches = list(_LABEL_RE.finditer(text))
    parts: dict[str, str] = {}
    if not matches:
        return parts
    lead = text[: matches[0].start()].strip()
    if lead:
        parts["format"] = lead
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        label = m.group(1).lower().rstrip("s")
        parts.setdefault(label, text[m.end():end].strip())
    return parts


def _audiences(phrase: str, ref: Reference) -> tuple[Audience, ...]:
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, Audience]] = []
    for cat in ref.audiences:
        for pattern in cat.patterns:
            for m in pattern.finditer(phrase):
                if any(m.start() < b and a < m.end() for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                if all(a.name != cat.name for _, a in found):
                    found.append((m.start(), Audience(cat.name, m.group(0))))
    return tuple(a for _, a in sorted(found, key=lambda x: x[0]))


@lru_cache(maxsize=8192)
def parse_format_cell(raw: str, ref: Reference) -> FormatField:
    """Split a "Format: … Audience: … Purpose: …" cell into typed parts.

    Without labels the whole cell is the format (pipeline rows: "Webinar", "Published commentary on …").
    The format maps to the vocabulary (raw kept; unknown → "other" with an issue); "(2)" gives the event
    count; languages, interpretation and platform are read from the format text; audiences map to
    categories (several per record). A part reading "TBD" is recorded as "TBD".
    """
    text = raw.strip()
    issues: list[Issue] = []
    parts = _labelled_parts(text)
    if not parts and text:
        parts = {"format": text}
    fmt_raw = parts.get("format")
    fmt: str | None = None
    count = 1
    languages: tuple[str, ...] = ()
    interpretation = False
    platform = None
    publication = None
    if fmt_raw is not None:
        if is_tbd(fmt_raw) or not fmt_raw:
            fmt = "TBD" if fmt_raw else None
        else:
            plain = fmt_raw.translate(_QUOTES)
            for cat in ref.formats:
                if any(p.search(plain) for p in cat.patterns):
                    fmt = cat.name
                    break
            else:
                fmt = "other"
                issues.append(("format", "info", f"format not in the vocabulary: {fmt_raw!r}"))
            cm = _COUNT_RE.search(plain)
            if cm:
                count = int(cm.group(1) or cm.group(2) or _WORD_NUM[cm.group(3).lower()])
            languages = tuple(lang for lang in ref.languages if re.search(rf"\b{lang}\b", plain))
            interpretation = bool(_INTERP_RE.search(plain))
            platform = next((p for p in ref.platforms if re.search(rf"\b{p}\b", plain, re.IGNORECASE)), None)
            if fmt in ("published commentary", "publication") and len(plain.split()) > 3:
                publication = fmt_raw
    aud_raw = parts.get("audience")
    audiences: tuple[Audience, ...] = ()
    if aud_raw and not is_tbd(aud_raw):
        audiences = _audiences(aud_raw, ref)
        if not audiences:
            issues.append(("audience", "warning", f"no known audience in {aud_raw!r}"))
    elif aud_raw is not None and is_tbd(aud_raw):
        aud_raw = "TBD"
    purpose = parts.get("purpose")
    if purpose is not None and is_tbd(purpose):
        purpose = "TBD"
    return FormatField(raw, fmt, fmt_raw, count, languages, interpretation, platform, aud_raw or None,
                       audiences, purpose or None, publication, tuple(issues))


# ---------------------------------------------------------------------------------------------- themes

@lru_cache(maxsize=256)
def search_any(patterns: tuple[re.Pattern[str], ...]) -> Callable[[str], object]:
    """One search function for several patterns (truthy when any matches).

    Patterns with the same flags and no groups are combined into a single regex, which is exact for a
    yes/no answer and much faster than trying them one by one.
    """
    if not patterns:
        return lambda text: None
    if all(p.groups == 0 and p.flags == patterns[0].flags for p in patterns):
        try:
            return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags).search
        except re.error:  # e.g. inline global flags, which must open a pattern
            pass
    return lambda text: next((m for p in patterns if (m := p.search(text))), None)


_REGEX_SYNTAX = frozenset(".^$*+?{}[]\\|()")


def _leading_literal(pattern: re.Pattern[str]) -> str | None:
    """Lower-case text that every match of ``pattern`` begins with, when that is plain to see.

    "\\bwomen\\b" → "women", "regular pathways?" → "regular pathway", "future of (?:human )?mobility" →
    "future of ". None for patterns with alternation or verbose syntax, or no such text.
    """
    text = pattern.pattern
    if "|" in text or pattern.flags & re.VERBOSE:
        return None
    if text.startswith("\\b"):
        text = text[2:]
    end = next((i for i, ch in enumerate(text) if ch in _REGEX_SYNTAX), len(text))
    if end < len(text) and text[end] in "?*{":
        end -= 1  # the last letter is optional
    literal = text[:end]
    return literal.lower() if literal and literal.isascii() else None


@lru_cache(maxsize=64)
def _theme_searches(ref: Reference, part: str) -> tuple[tuple[tuple[str, ...] | None, Callable[[str], object]], ...]:
    """Per theme: the literals one of which any match of its ``part`` ("topic" or "purpose") patterns
    contains (None when not known), and one search over those patterns."""
    out = []
    for theme in ref.themes:
        patterns = getattr(theme, part)
        literals = tuple(_leading_literal(p) for p in patterns)
        out.append((None if None in literals else tuple(lit for lit in literals if lit), search_any(patterns)))
    return tuple(out)


@lru_cache(maxsize=16384)
def _theme_hits(text: str, part: str, ref: Reference) -> frozenset[int]:
    """Indexes of the themes whose ``part`` patterns match ``text``.

    In ASCII text a theme none of whose leading literals occurs (ignoring case) cannot match, so its
    regular expressions are not run; the answer is the same, several times faster.
    """
    low = text.lower() if text.isascii() else None
    hits = []
    for k, (literals, search) in enumerate(_theme_searches(ref, part)):
        if low is not None and literals is not None and not any(map(low.__contains__, literals)):
            continue
        if search(text):
            hits.append(k)
    return frozenset(hits)


@lru_cache(maxsize=4096)
def _themes_of(hits: frozenset[int], working_group: str | None, ref: Reference
               ) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """(themes, GCM objectives) from the indexes of the matching themes and the working group's theme."""
    wg = ref.working_groups.get(working_group or "")
    names = [
        theme.name for k, theme in enumerate(ref.themes)
        if k in hits or (wg is not None and wg.theme == theme.name)
    ]
    gcm = sorted({g for t in ref.themes if t.name in names for g in t.gcm})
    return tuple(names), tuple(gcm)


@lru_cache(maxsize=8192)
def classify_themes(topic: str, purpose: str, working_group: str | None, ref: Reference
                    ) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Return (themes, GCM objectives) for a record, from the topic, purpose and working group.

    Examples:
        >>> from analysis.reference import load_reference
        >>> classify_themes("COVID-19 and human trafficking", "", None, load_reference())
        (('trafficking',), (10,))
    """
    return _themes_of(_theme_hits(topic, "topic", ref) | _theme_hits(purpose, "purpose", ref), working_group, ref)
