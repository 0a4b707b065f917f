"""Typed fields from cell text: dates, lead lists, the format/audience/purpose cell, themes.

Each parser is a pure function of the cell text (plus the reference) and returns an immutable result
with the problems it found, without line numbers; the caller attaches the source line. Results are
memoised per distinct text because real schedules repeat the same cells many times.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import acero

from .reference import Alias, Reference, norm_key

TBD_WORDS = frozenset({"tbd", "tbc", "to be determined", "to be confirmed", "tba", "to be announced"})
_TBD_MAX = 2 * max(map(len, TBD_WORDS))  # longer text is no marker, whatever dots surround it

# (field, severity, message) without a line number.
Issue = tuple[str, str, str]


def is_tbd(text: str) -> bool:
    """True when the text is a to-be-decided marker (TBD, TBC, TBA …), ignoring case and dots."""
    if len(text) > _TBD_MAX and not (text[0].isspace() or text[-1].isspace()):
        return False  # too long to be a marker even once stripped: the common case, decided at once
    text = text.strip()
    return len(text) <= _TBD_MAX and text.strip(".").casefold() in TBD_WORDS


def tbd_markers(texts: Iterable[str | None]) -> set[str]:
    """The distinct texts among ``texts`` that are to-be-decided markers (see :func:`is_tbd`).

    Stripped cells longer than any marker are passed over without a call: most cells are.
    """
    return {t for t in set(texts) if t and (len(t) <= _TBD_MAX or t[0].isspace() or t[-1].isspace()) and is_tbd(t)}


# ---------------------------------------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MON = r"(?P<mon{n}>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day{n}>\d{{1,2}})(?:st|nd|rd|th)?"
_YEAR = r"(?:,? (?P<year{n}>\d{{4}}))?"
_DASH = r" ?(?:[-–—]|to|until) ?"
YEARS = range(1900, 2101)
"""Years a date may fall in; others are reported (and would not fit a pandas timestamp either)."""
MAX_DATE_CHARS = 200
"""A date cell longer than this is not a date: it is reported unreadable without running any pattern."""


def _one(n: int) -> str:
    day = _DAY.format(n=n)
    return (
        rf"(?:{day}(?:{_DASH}(?P<dayb{n}>\d{{1,2}})(?:st|nd|rd|th)?)? (?:of )?{_MON.format(n=f'a{n}')}"
        rf"|{_MON.format(n=f'b{n}')} {_DAY.format(n=f'c{n}')}(?:{_DASH}(?P<daybc{n}>\d{{1,2}})(?:st|nd|rd|th)?)?)"
        rf"{_YEAR.format(n=n)}"
    )


# Every pattern below runs on text that is stripped, at most MAX_DATE_CHARS long and has its whitespace
# collapsed to single spaces (see _date_text), and is used with fullmatch: no pattern has two unbounded
# quantifiers over overlapping characters side by side, so matching is linear in the text.
_DATE_RE = re.compile(rf"{_one(1)}(?:{_DASH}{_one(2)})?", re.IGNORECASE)
_ISO_RE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_NUMERIC_RE = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})")
_WEEKDAY_RE = re.compile(
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
    r"\.?,? ", re.IGNORECASE)
_DAYLIKE_RE = re.compile(r"[a-z]+day,? ", re.IGNORECASE)  # "Funday 1 June": a word that only looks like a weekday


@dataclass(frozen=True)
class DateField:
    """A parsed date cell. ``status`` is "dated", "tbd" (TBD, TBC, blank) or "unreadable" (text that is
    not a date the reader can read, or an impossible one; ``issues`` says which). ``raw`` is the cell
    text unchanged."""

    raw: str
    date: dt.date | None
    date_end: dt.date | None
    status: str
    year_inferred: bool
    issues: tuple[Issue, ...] = ()


def _date_text(raw: str) -> str | None:
    """The text the date patterns see: stripped, whitespace collapsed, a trailing full stop and a real
    weekday prefix ("Thursday, 28 May") removed. None when the cell is too long to be a date."""
    if len(raw) > MAX_DATE_CHARS and len(raw.strip()) > MAX_DATE_CHARS:
        return None
    text = " ".join(raw.split())
    text = text.removesuffix(".").rstrip()
    m = _WEEKDAY_RE.match(text)
    if m:
        text = text[m.end():]
    return text


def _match_date(text: str) -> tuple[int, int | None, int, int | None, int | None, int | None, int | None] | None:
    """(day, day_end, month, year, day2, month2, year2) of a normalised date text, or None.

    day_end is the second day of a "22-23 March" range; day2/month2/year2 the end of a "30 May - 2 June" range.
    """
    m = _DATE_RE.fullmatch(text)
    if m is not None:
        day, day_end, month, y1 = _part(m, 1)
        day2, _, month2, y2 = _part(m, 2)
        assert day is not None and month is not None
        return day, day_end, month, y1, day2, month2, y2
    m = _ISO_RE.fullmatch(text)
    if m is not None:
        return int(m["d"]), None, int(m["m"]), int(m["y"]), None, None, None
    m = _NUMERIC_RE.fullmatch(text)
    if m is not None:
        a, b = int(m["a"]), int(m["b"])
        day, month = (b, a) if b > 12 >= a else (a, b)  # day/month/year unless only month/day/year can be
        return day, None, month, int(m["y"]), None, None, None
    return None


@lru_cache(maxsize=16384)
def looks_like_date(text: str) -> bool:
    """True when the text is a date expression or a TBD marker (a record's first cell)."""
    if is_tbd(text):
        return True
    norm = _date_text(text)
    return norm is not None and _match_date(norm) is not None


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


def _unreadable(raw: str, why: str) -> DateField:
    return DateField(raw, None, None, "unreadable", False, (("date", "warning", why),))


def _shown(text: str) -> str:
    """The cell text as quoted in a problem: at most 80 characters."""
    text = text.strip()
    return repr(text if len(text) <= 80 else text[:77] + "…")


@lru_cache(maxsize=4096)
def parse_date(raw: str, year: int) -> DateField:
    """Parse a date cell such as "7 May", "4th June", "July 9th", "22-23 March", "1st March 2021",
    "June 18, 2020", "Thursday, 28 May", "2020-06-11" or "17/06/2020".

    A date with no year takes ``year``. "TBD", "TBC" and blank give status "tbd" with no date. Text that
    is not a date (also "Funday 1 June", or a cell over :data:`MAX_DATE_CHARS` characters), an impossible
    date ("31 February") and a year outside :data:`YEARS` ("1 May 0000") give status "unreadable" and an
    issue, keeping the raw text.

    Examples:
        >>> parse_date("July 9th", 2020).date
        datetime.date(2020, 7, 9)
        >>> f = parse_date("22-23 March", 2021); (f.date.day, f.date_end.day)
        (22, 23)
        >>> parse_date("Funday 1 June", 2020).status
        'unreadable'
    """
    if not raw or raw.isspace() or is_tbd(raw):
        return DateField(raw, None, None, "tbd", False)
    text = _date_text(raw)
    if text is None:
        return _unreadable(raw, f"date not understood (longer than {MAX_DATE_CHARS} characters): {_shown(raw)}")
    parts = _match_date(text)
    if parts is None:
        day_word = _DAYLIKE_RE.match(text)
        why = f" ({day_word.group(0).rstrip(', ')!r} is not a weekday)" if day_word else ""
        return _unreadable(raw, f"date not understood{why}: {_shown(raw)}")
    day, day_end, month, y1, day2, month2, y2 = parts
    inferred = y1 is None and y2 is None
    start_year = y1 if y1 is not None else y2 if y2 is not None else year
    end_year = y2 if y2 is not None else start_year
    if start_year not in YEARS or end_year not in YEARS:
        return _unreadable(raw, f"year outside {YEARS[0]}–{YEARS[-1]}: {_shown(raw)}")
    try:
        start = dt.date(start_year, month, day)
        end = None
        if day2 is not None and month2 is not None:
            end = dt.date(end_year, month2, day2)
        elif day_end is not None:
            end = dt.date(start_year, month, day_end)
    except ValueError:
        return _unreadable(raw, f"no such date: {_shown(raw)}")
    issues: tuple[Issue, ...] = ()
    if end is not None and end < start:
        issues = (("date", "warning", f"date range ends before it starts: {_shown(raw)}"),)
        end = None
    return DateField(raw, start, end, "dated", inferred, issues)


def written_year(raw: str) -> int | None:
    """The year written in a date cell ("1st March 2021" → 2021), or None when it gives none or is no date."""
    text = _date_text(raw) if raw else None
    parts = _match_date(text) if text and any(ch.isdigit() for ch in text) else None
    if parts is None:
        return None
    y = parts[3] if parts[3] is not None else parts[6]
    return y if y is not None and y in YEARS else None


_TEXT_YEAR_RE = re.compile(r"\b(19\d\d|20\d\d|2100)\b")


def years_in_text(text: str) -> tuple[int, ...]:
    """Years (1900–2100) written in free text such as a page title or preamble, in order, once each."""
    return tuple(dict.fromkeys(int(y) for y in _TEXT_YEAR_RE.findall(text)))


# ---------------------------------------------------------------------------------------------- leads

@dataclass(frozen=True)
class Lead:
    """One named lead in a cell.

    kind is "organisation", "person" or "unknown" (a name not in the reference whose words do not make
    it plainly an organisation); organisation is who it counts for ("" when nobody known). ``raw`` is the
    part of the cell as written (with honorifics and role phrase); ``role`` the role phrase or label.
    """

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
_SPLIT_LEADS = re.compile(r"[,;]")  # what separates names (parse_leads splits with str methods)
# Lead parts have their whitespace collapsed to single spaces first, so these patterns are linear.
_AND_RE = re.compile(r" (?:and|&) ")
_ACRONYM_RE = re.compile(r"[A-Z][A-Z0-9\-]{1,}")
_ORG_WORDS = re.compile(
    r"\b(?:network|institute|institution|centre|center|coalition|alliance|organi[sz]ations?|office|agency|group|"
    r"council|university|foundation|union|initiative|programme|program|fund|association|committee|bloque|"
    r"bank|federation|forum|mechanism|partnership|project|commission|secretariat|ministry|department|"
    r"society|platform|consortium|movement|trust|academy|college|school|observatory|UN)\b",
    re.IGNORECASE,
)
HONORIFICS = frozenset({"mr", "ms", "mrs", "miss", "mx", "dr", "prof", "h e", "he", "sir", "dame"})
"""Honorifics (as :func:`norm_key` writes them): dropped from a name for matching, kept in ``raw``."""
_MAX_NAME_WORDS = 6
"""The longest known person's name looked for at the end of a role phrase, in words."""


def _guess_kind(name: str, person_hint: bool) -> str:
    """Kind of a name not in the reference.

    Acronyms and names with institutional words (Bank, Network, Institute …) are organisations; a name
    written with an honorific or after a role label ("Moderator: …") is a person; anything else is
    "unknown": never silently a person.
    """
    if _ACRONYM_RE.fullmatch(name) or _ORG_WORDS.search(name):
        return "organisation"
    return "person" if person_hint else "unknown"


def _drop_honorifics(words: list[str]) -> list[str]:
    """``words`` without leading honorifics ("Ms.", "H.E.", "Dr")."""
    k = 0
    while k < len(words) - 1 and _key(words[k]) in HONORIFICS:
        k += 1
    return words[k:]


def _role_phrase(words: list[str]) -> str | None:
    """The role phrase before a name, without trailing honorifics and punctuation (None when empty)."""
    while words and _key(words[-1]) in HONORIFICS:
        words = words[:-1]
    phrase = " ".join(words).strip(" ,;:-–—")
    return phrase or None


@lru_cache(maxsize=8)
def _person_tails(ref: Reference) -> frozenset[str]:
    """The last word of every known person's lookup key (a key's last word is that of any text ending it)."""
    return frozenset(key.rpartition(" ")[2] for key, alias in ref.aliases.items() if alias.kind == "person")


def _titled_person(name: str, ref: Reference) -> tuple[Alias, str | None] | None:
    """A known person named at the end of ``name`` after a title or role phrase, and that phrase.

    "IOM Director General and Coordinator of the Network António Vitorino" → (Vitorino, "IOM Director
    General and Coordinator of the Network"); "Ms. E. Tendayi Achiume" → (Achiume, None). Honorifics before
    the name are dropped. None when the part does not end with a known person's name.
    """
    words = name.split(" ")
    if len(words) < 2:
        return None
    widest = min(_MAX_NAME_WORDS, len(words) - 1)
    if norm_key(" ".join(words[-widest:])).rpartition(" ")[2] not in _person_tails(ref):
        return None  # every suffix tried has this last word (or no key): none can name a known person
    for width in range(widest, 0, -1):
        alias = _resolve(" ".join(words[-width:]), ref)
        if alias is not None and alias.kind == "person":
            return alias, _role_phrase(words[:-width])
    return None


@lru_cache(maxsize=8)
def _label_keys(labels: tuple[str, ...]) -> frozenset[str]:
    """The lookup keys of the role labels, computed once."""
    return frozenset(norm_key(lbl) for lbl in labels)


def _role_split(part: str, labels: tuple[str, ...]) -> tuple[str | None, str]:
    """Split "Lead Discussant: Jane Doe" into ("Lead Discussant", "Jane Doe"): the text before the first
    colon is a role when it is a known role label or at most three words."""
    if ":" not in part:
        return None, part
    head, _, tail = part.partition(":")
    if len(head.split()) <= 3 or _key(head) in _label_keys(labels):
        return head.strip(), tail.strip()
    return None, part


MAX_NAME_CHARS = 300
"""A lead part longer than this is no name: it is kept as an unknown name and reported, unmatched."""
_LONG_KEY = "\x00long"  # the key of an over-long part: never a known name, marker or join point


@lru_cache(maxsize=16384)
def _resolve(written: str, ref: Reference) -> Alias | None:
    """``ref.resolve``, memoised: the same names recur in many cells. Over-long text names nobody."""
    return None if len(written) > MAX_NAME_CHARS else ref.resolve(written)


@lru_cache(maxsize=16384)
def _key(text: str) -> str:
    """``norm_key``, memoised; over-long text gets a key that matches nothing."""
    return _LONG_KEY if len(text) > MAX_NAME_CHARS else norm_key(text)


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
    """Read one name of a lead cell: a known name (maybe after a role label, a title or an honorific),
    "A and B", "others", TBD, a role label with no name, or an unknown name kept as written."""
    part = joined.strip().rstrip(".")
    if len(part) > MAX_NAME_CHARS:
        name = part[:MAX_NAME_CHARS - 1] + "…"
        return _PartReading((Lead(name, part, "unknown", "", None, None, False, False),),
                            (("leads", "warning", f"text over {MAX_NAME_CHARS} characters kept as an unknown "
                              f"name: {_shown(part)}"),))
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
    titled = _titled_person(name, ref)
    if titled is not None:
        alias, title = titled
        return _PartReading((Lead(alias.name, part, alias.kind, alias.organisation, alias.unit, title or role, True,
                                  alias.inferred),), once=True)
    words = name.split(" ")
    plain = _drop_honorifics(words)
    honorific = len(plain) < len(words)
    name = " ".join(plain)
    if _AND_RE.search(name):
        pieces = [_resolve(p, ref) for p in _AND_RE.split(name)]
        if all(pieces):
            return _PartReading(tuple(Lead(a.name, part, a.kind, a.organisation, a.unit, role, True, a.inferred)
                                      for a in pieces if a is not None))
    if _key(name) in ref.unnamed_partners:
        return _PartReading(unnamed=True)
    if is_tbd(name):
        return _PartReading(tbd=True)
    kind = _guess_kind(name, honorific or role is not None)
    what = "name (kind unknown)" if kind == "unknown" else f"{kind} name"
    return _PartReading((Lead(name, part, kind, name if kind == "organisation" else "", None, role, False, False),),
                        (("leads", "warning", f"unresolved {what} kept as written: {_shown(name)}"),))


def _is_continuation(part: str, ref: Reference) -> bool:
    """True when a comma part carries on the phrase before it: it opens with a lower-case word ("racial
    discrimination", "and related intolerance Ms. E. Tendayi Achiume") and is no name, marker or TBD."""
    if not part[:1].islower():
        return False
    key = _key(part)
    return _resolve(part, ref) is None and key not in ref.unnamed_partners and not is_tbd(part)


def _join_role_continuations(parts: list[str], ref: Reference) -> list[str]:
    """Join comma parts that continue a role phrase to the part before them.

    "Special Rapporteur on contemporary forms of racism, racial discrimination, xenophobia, and related
    intolerance Ms. E. Tendayi Achiume" is one lead: the parts after the first have no capitalised name run
    of their own. A part is only joined to a part that is not itself a known name.
    """
    if len(parts) < 2 or not any(p[:1].islower() for p in parts[1:]):
        return parts
    groups = [[parts[0]]]
    known = [_resolve(parts[0], ref) is not None]  # a group that is one known name takes no continuation
    for part in parts[1:]:
        if not known[-1] and _is_continuation(part, ref):
            groups[-1].append(part)
        else:
            groups.append([part])
            known.append(_resolve(part, ref) is not None)
    return [", ".join(group) for group in groups]


@lru_cache(maxsize=16384)
def parse_leads(raw: str, ref: Reference) -> LeadsField:
    """Parse a "Working Group (WG) and Co-leads" cell.

    Splits a ``WGn:`` prefix, then the names. Adjacent comma parts that together form a known name
    ("Zolberg Institute, New School") are read as one; parts that carry on a role phrase after a comma
    are joined to it. Names resolve through the reference aliases; people carry their organisation. A known
    person named after a title or role ("IOM Director General … António Vitorino", "Special Rapporteur …
    Ms. E. Tendayi Achiume") is that person, the phrase kept as ``role`` and honorifics dropped for
    matching (kept in ``raw``). Unknown names are "unknown" unless plainly an organisation. "others" sets
    ``unnamed_partners`` instead of naming anyone. A role label with no name ("Lead Discussant:") and
    any unknown name are reported as issues; unknown names are kept as written.
    The same organisation written twice in one cell counts once.
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
    # Split on "," and ";" (what _SPLIT_LEADS describes), the faster way, with whitespace collapsed.
    parts = [" ".join(p.split()) for p in text.replace(";", ",").split(",")]
    parts = _join_role_continuations([p for p in parts if p], ref)
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


MAX_PHRASE_CHARS = 1000
"""Only the first this many characters of a format or audience phrase are matched against the vocabularies."""
_LABEL_RE = re.compile(r"\b(Format|Audiences?|Purpose)\s*:", re.IGNORECASE)
_COUNT_RE = re.compile(  # at most three digits: "(2020)" is not a count worth believing, nor a 5000-digit one
    r"\((\d{1,3})\)|\b(\d{1,3})\s*(?:sessions|slots)\b|\b(two|three|four)\s+sessions\b", re.IGNORECASE)
_WORD_NUM = {"two": 2, "three": 3, "four": 4}
_PLURAL_RE = re.compile(r"\b(?:sessions|webinars|meetings|consultations|dialogues|gatherings)\b", re.IGNORECASE)
NOT_EVENTS = frozenset({"published commentary", "publication"})
"""Formats that are not events: a record of one of these has ``event_count`` 0."""
_INTERP_RE = re.compile(r"interpretation", re.IGNORECASE)
_QUOTES = str.maketrans("", "", "‘’“”\"'")


def split_purpose(raw: str) -> tuple[str, str | None] | None:
    """Split a format cell into (the cell without its purpose, the purpose as :func:`parse_format_cell` reads it).

    Purposes are nearly always distinct while the rest of the cell repeats, so the schedule parses the rest
    once per distinct text. Returns (cell, None) when the cell has no "Purpose:" label, and None when it
    cannot be split exactly (another label after the purpose, or letters whose lower case changes length):
    then parse the whole cell. Uses only string methods and one anchored match: linear and fast.

    Examples:
        >>> split_purpose("Format: Webinar Purpose: To dialogue.")
        ('Format: Webinar', 'To dialogue.')
    """
    text = raw.strip()
    low = text.lower()
    if len(low) != len(text):
        return None
    k = low.find("purpose")
    while k >= 0:
        m = _LABEL_RE.match(text, k)
        if m is not None:
            rest = low[m.end():]
            if "format" in rest or "audience" in rest or "purpose" in rest:  # another label may follow
                return None
            purpose = text[m.end():].strip()
            if len(purpose) <= _TBD_MAX and is_tbd(purpose):  # the length first: a purpose is rarely short
                purpose = "TBD"
            return text[:m.start()].rstrip(), purpose or None
        k = low.find("purpose", k + 1)
    return text, None


SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
          "\u200a\u2028\u2029\u202f\u205f\u3000")
"""Every character for which ``str.isspace()`` is true: what ``str.strip()`` strips and ``re`` calls a space."""
_SPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in SPACES) + "]"
_LOWER_GROWS = "\u0130"
"""Every character whose ``str.lower()`` is longer than itself (İ: i and a combining dot)."""
_PURPOSE_WORD = "".join(f"[{c.upper()}{c}]" for c in "purpose")
_PURPOSE_LABEL = rf"\b{_PURPOSE_WORD}{_SPACE_CLASS}*:"
""":data:`_LABEL_RE`'s "Purpose" label in RE2: exact for a label after an ASCII character or at the start."""
_PURPOSE_END = "\x00Purpose:"
"""Appended to every text before the split, so that each splits in two (a text without a label: at its end)."""
_PY_TEXT = rf"[{_LOWER_GROWS}]|\bpurpose{_SPACE_CLASS}*:(?s:.*)(?:format|audience|purpose)"
"""Lower-cased texts :func:`start_purpose_split` leaves to :func:`split_purpose`: with a letter whose lower case
grows, or another label (or label word) after the purpose label, where the purpose does not end the cell.
Texts whose first purpose label follows a non-ASCII character go there too (RE2's word boundary is ASCII only)."""


@dataclass(frozen=True)
class PurposeSplit:
    """Format cells split by :func:`start_purpose_split`: ``rest[codes[i]]`` is cell i without its purpose,
    ``purposes[i]`` its purpose (null: none), and ``whole[i]`` is True where the cell cannot be split
    (:func:`split_purpose` gives None): ``rest`` then holds the whole cell, to be parsed for its purpose."""

    codes: np.ndarray
    rest: list[str]
    purposes: pa.Array
    whole: np.ndarray


def start_purpose_split(cells: Sequence[str | None], executor: Executor | None = None
                        ) -> Callable[[], PurposeSplit]:
    """Begin :func:`split_purpose` of every cell (None as ""); the returned function finishes it.

    The split runs as one Acero plan of pyarrow kernels (one GIL release; on ``executor`` when given) and
    gives exactly what :func:`split_purpose` gives: RE2 finds the first purpose label with Python's
    whitespace and an ASCII word boundary; the texts where RE2 and Python could differ, or which cannot
    be split (:data:`_PY_TEXT`), go to :func:`split_purpose`, and so do the few purposes short enough to be a
    TBD marker or empty.
    """
    table = _run(_split_plan(pa.array(cells, type=pa.large_string())), executor)

    def finish() -> PurposeSplit:
        got = table.result()
        got = got.take(pc.sort_indices(got.column("row")))  # batches may come back out of order
        rest, purposes = got.column("rest").combine_chunks(), got.column("purpose").combine_chunks()
        whole = np.zeros(len(got), dtype=bool)
        fixed: dict[int, tuple[str, str | None] | None] = {
            i: split_purpose(cells[i] or "")
            for i in np.flatnonzero(got.column("py").to_numpy(zero_copy_only=False)).tolist()
        }
        short = np.flatnonzero(got.column("short").to_numpy(zero_copy_only=False))
        for i, head, purpose in zip(short.tolist(), rest.take(short).to_pylist(), purposes.take(short).to_pylist(),
                                    strict=True):
            fixed.setdefault(i, (head, "TBD" if is_tbd(purpose) else purpose or None))
        if fixed:
            rows = sorted(fixed)
            sp = [fixed[i] for i in rows]
            rest = patched(rest, rows, [cells[i] or "" if s is None else s[0] for i, s in zip(rows, sp, strict=True)])
            purposes = patched(purposes, rows, [None if s is None else s[1] for s in sp])
            whole[rows] = [s is None for s in sp]
        encoded = pc.dictionary_encode(rest)
        return PurposeSplit(encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp, copy=False),
                            encoded.dictionary.to_pylist(), purposes, whole)

    return finish


def _split_plan(texts: pa.Array) -> acero.Declaration:
    """The Acero plan of :func:`start_purpose_split`: per text its row, rest, purpose and two flags, ``short``
    (a purpose short enough to be a TBD marker, or empty) and ``py`` (left to :func:`split_purpose`).

    Each step is a projection of the one before, so that no kernel runs twice (an expression used in two
    places would be computed in both). ``utf8_trim_whitespace`` trims what ``str.strip()`` strips.
    """
    rows = pa.Table.from_arrays([pc.fill_null(texts, ""), pa.array(np.arange(len(texts)))], names=["raw", "row"])
    row, text, head, after, labelled = (pc.field(k) for k in ("row", "text", "head", "after", "labelled"))
    end, empty = pa.scalar(_PURPOSE_END, pa.large_string()), pa.scalar("", pa.large_string())
    steps: list[dict[str, pc.Expression]] = [
        {"row": row, "text": pc.utf8_trim_whitespace(pc.field("raw"))},
        {"row": row, "text": text,
         "odd": pc.match_substring_regex(pc.ascii_lower(text), _PY_TEXT),  # only ASCII letters lower to these
         "parts": pc.split_pattern_regex(pc.binary_join_element_wise(text, end, empty), _PURPOSE_LABEL,
                                         max_splits=1)},
        {"row": row, "text": text, "odd": pc.field("odd"), "head": pc.list_element(pc.field("parts"), 0),
         "after": pc.utf8_slice_codeunits(pc.list_element(pc.field("parts"), 1), 0, -len(_PURPOSE_END))},
        {"row": row, "text": text, "odd": pc.field("odd"), "head": head, "after": after,
         "labelled": pc.less(pc.binary_length(head), pc.binary_length(text))},
        {"row": row, "text": text, "head": head, "labelled": labelled, "purpose": pc.utf8_trim_whitespace(after),
         "py": pc.field("odd") | (labelled & ~pc.string_is_ascii(pc.utf8_slice_codeunits(head, -1)))},
        {"row": row,
         "rest": pc.if_else(labelled, pc.utf8_rtrim_whitespace(head), text),
         "purpose": pc.if_else(labelled, pc.field("purpose"), pa.scalar(None, pa.large_string())),
         "short": labelled & _maybe_tbd(pc.field("purpose")),
         "py": pc.field("py")},
    ]
    return acero.Declaration.from_sequence([
        _batched_source(rows),
        *(acero.Declaration("project", acero.ProjectNodeOptions(list(step.values()), list(step))) for step in steps),
    ])


def _maybe_tbd(purpose: pc.Expression) -> pc.Expression:
    """True for a (stripped) purpose that :func:`is_tbd` may call a marker, or that is empty: an ASCII text
    that is a marker once its dots are stripped, and any short non-ASCII one (a ligature may casefold to one)."""
    short = pc.less_equal(pc.utf8_length(purpose), _TBD_MAX)
    words = pa.array(sorted(TBD_WORDS), pa.large_string())
    marker = pc.is_in(pc.ascii_lower(pc.utf8_trim(purpose, ".")), value_set=words)
    return short & (pc.equal(purpose, "") | ~pc.string_is_ascii(purpose) | marker)


def patched(values: pa.Array, rows: list[int], new: list[str | None]) -> pa.Array:
    """``values`` (text) with ``values[rows[j]]`` replaced by ``new[j]`` (``rows`` ascending, no repeats)."""
    mask = np.zeros(len(values), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(values, pa.array(mask), pa.array(new, type=values.type))


@lru_cache(maxsize=8)
def _word_patterns(ref: Reference) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One pattern for the language names (case as written) and one for the platforms (any case)."""
    def words(names: tuple[str, ...]) -> str:
        return r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b"
    return re.compile(words(ref.languages)), re.compile(words(ref.platforms), re.IGNORECASE)


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


def _cell_parts(text: str) -> dict[str, str]:
    """The labelled parts of a stripped format cell; without labels the whole cell is the format."""
    parts = _labelled_parts(text)
    if not parts and text:
        parts = {"format": text}
    return parts


def _category(plain: str, ref: Reference) -> str:
    """The vocabulary format of a format text (quotes removed, at most MAX_PHRASE_CHARS), or "other"."""
    for cat in ref.formats:
        if any(p.search(plain) for p in cat.patterns):
            return cat.name
    return "other"


@lru_cache(maxsize=8192)
def format_category(raw: str, ref: Reference) -> str | None:
    """``parse_format_cell(raw, ref).format`` without reading the rest of the cell: the vocabulary format,
    "other", "TBD", or None when the cell states no format. For asking whether a cell is a format at all."""
    fmt_raw = _cell_parts(raw.strip()).get("format")
    if not fmt_raw:
        return None
    if is_tbd(fmt_raw):
        return "TBD"
    return _category(fmt_raw[:MAX_PHRASE_CHARS].translate(_QUOTES), ref)


@lru_cache(maxsize=8192)
def parse_format_cell(raw: str, ref: Reference) -> FormatField:
    """Split a "Format: … Audience: … Purpose: …" cell into typed parts.

    Without labels the whole cell is the format (pipeline rows: "Webinar", "Published commentary on …").
    The format maps to the vocabulary (raw kept; unknown → "other" with an issue). Events: "(2)", "2
    sessions" or "two sessions" give the count; a plural with no number ("Listening Sessions") counts 1
    with an issue; a publication or published commentary counts 0; anything else 1. Languages,
    interpretation and platform are read from the format text; audiences map to categories (several per
    record). A part reading "TBD" is recorded as "TBD".
    """
    text = raw.strip()
    issues: list[Issue] = []
    parts = _cell_parts(text)
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
            plain = fmt_raw[:MAX_PHRASE_CHARS].translate(_QUOTES)
            if len(fmt_raw) > MAX_PHRASE_CHARS:
                issues.append(("format", "warning", f"format text over {MAX_PHRASE_CHARS} characters: only its "
                               f"start was read: {_shown(fmt_raw)}"))
            fmt = _category(plain, ref)
            if fmt == "other":
                issues.append(("format", "info", f"format not in the vocabulary: {_shown(fmt_raw)}"))
            cm = _COUNT_RE.search(plain)
            if fmt in NOT_EVENTS:
                count = 0
            elif cm:
                count = int(cm.group(1) or cm.group(2) or _WORD_NUM[cm.group(3).lower()])
            elif _PLURAL_RE.search(plain):
                issues.append(("format", "info", f"{_shown(fmt_raw)} gives no number of events; counted as 1"))
            named_languages, platform_re = _word_patterns(ref)
            found = set(named_languages.findall(plain))
            languages = tuple(lang for lang in ref.languages if lang in found)
            interpretation = bool(_INTERP_RE.search(plain))
            platforms = {m.casefold() for m in platform_re.findall(plain)}
            platform = next((p for p in ref.platforms if p.casefold() in platforms), None)
            if fmt in ("published commentary", "publication") and len(plain.split()) > 3:
                publication = fmt_raw
    aud_raw = parts.get("audience")
    audiences: tuple[Audience, ...] = ()
    if aud_raw and not is_tbd(aud_raw):
        audiences = _audiences(aud_raw[:MAX_PHRASE_CHARS], ref)
        if not audiences:
            issues.append(("audience", "warning", f"no known audience in {_shown(aud_raw)}"))
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


def _combined(patterns: tuple[re.Pattern[str], ...]) -> str | None:
    """One pattern text matching where any of ``patterns`` matches (None when there are none)."""
    return "|".join(f"(?:{p.pattern})" for p in patterns) or None


@lru_cache(maxsize=64)
def _theme_patterns(ref: Reference, part: str) -> tuple[str | None, ...]:
    """Per theme, its ``part`` ("topic" or "purpose") patterns joined into one pattern."""
    return tuple(_combined(getattr(theme, part)) for theme in ref.themes)


@lru_cache(maxsize=256)
def _re2_accepts(pattern: str) -> bool:
    """True when pyarrow's RE2 kernel compiles ``pattern`` (it lacks look-arounds and back-references)."""
    try:
        pc.match_substring_regex(pa.array([""]), pattern, ignore_case=True)
    except (ValueError, TypeError, NotImplementedError):  # pyarrow.ArrowInvalid is a ValueError
        return False
    return True


_BATCH_ROWS = 4096
"""Texts per batch in :func:`_match_plan`: run on pyarrow's threads, batches are matched in parallel."""
_PACKED = 62
"""Patterns whose flags are packed into one int64 column by :func:`_match_plan`."""


RE2_I_FOLDS = "\u0130\u0131"
"""The characters Python's ``re`` matches to ``i`` when ignoring case and RE2 does not (İ and dotless ı):
:func:`_match_plan` writes them as ``i`` before its RE2 passes, so both read a text alike."""


def _match_plan(texts: pa.Array, patterns: list[str]) -> acero.Declaration:
    """An Acero plan giving, per text, which patterns match it (ignoring case), read by :func:`_unpacked`.

    Every pattern runs as one RE2 pass over all the texts (pyarrow's kernel), after :data:`RE2_I_FOLDS` are
    written as ``i``. The flags come back packed as bits of integer columns, beside each text's row number:
    running the plan takes the GIL once, not once per pattern. Missing texts match nothing. All patterns must
    pass :func:`_re2_accepts`.
    """
    rows = pa.Table.from_arrays([texts, pa.array(np.arange(len(texts)))], names=["text", "row"])
    folded = pc.field("text")
    for c in RE2_I_FOLDS:
        folded = pc.replace_substring(folded, c, "i")
    groups = [range(start, min(start + _PACKED, len(patterns))) for start in range(0, len(patterns), _PACKED)]
    packed = [pc.coalesce(_bit_sum([pc.if_else(pc.match_substring_regex(pc.field("text"), patterns[j],
                                                                        ignore_case=True), 1 << (j - g.start), 0)
                                    for j in g]), 0) for g in groups]
    return acero.Declaration.from_sequence([
        _batched_source(rows),
        acero.Declaration("project", acero.ProjectNodeOptions([folded, pc.field("row")], ["text", "row"])),
        acero.Declaration("project", acero.ProjectNodeOptions(
            [pc.field("row"), *packed], ["row", *(str(i) for i in range(len(groups)))])),
    ])


def _batched_source(rows: pa.Table) -> acero.Declaration:
    """An Acero source of ``rows`` in batches of :data:`_BATCH_ROWS` (run on pyarrow's threads, in parallel)."""
    return acero.Declaration("table_source", acero.TableSourceNodeOptions(
        pa.Table.from_batches(rows.to_batches(max_chunksize=_BATCH_ROWS), rows.schema)))


def _run(plan: acero.Declaration, executor: Executor | None) -> Future[pa.Table]:
    """The plan's table: run on ``executor`` (one thread, the GIL let go meanwhile), or now on pyarrow's threads."""
    if executor is not None:
        return executor.submit(plan.to_table, use_threads=False)
    done: Future[pa.Table] = Future()
    done.set_result(plan.to_table(use_threads=True))
    return done


def _unpacked(table: pa.Table, n: int, k: int) -> np.ndarray:
    """The bool array (n, k) from the result of a :func:`_match_plan` over n texts and k patterns."""
    flags = np.zeros((n, k), dtype=bool)
    if not n or not k:
        return flags
    order = np.argsort(table.column("row").to_numpy(), kind="stable")  # batches may come back out of order
    for i, start in enumerate(range(0, k, _PACKED)):
        width = min(_PACKED, k - start)
        bits = table.column(str(i)).to_numpy().astype(np.int64)[order]
        flags[:, start:start + width] = (bits[:, None] >> np.arange(width, dtype=np.int64)) & 1
    return flags


def _bit_sum(terms: list[pc.Expression]) -> pc.Expression:
    """The sum of ``terms`` as a balanced tree of additions (a long chain would nest as deep as it is long)."""
    while len(terms) > 1:
        terms = [pc.add(*terms[i:i + 2]) if i + 1 < len(terms) else terms[i] for i in range(0, len(terms), 2)]
    return terms[0]


def start_theme_matrix(values: Sequence[str | None] | pa.Array, part: str, ref: Reference,
                       executor: Executor | None = None) -> Callable[[], np.ndarray]:
    """Begin :func:`theme_matrix`; the returned function finishes it and gives the matrix.

    With an ``executor``, the RE2 passes run there (they hold no GIL, so a second core runs them while
    this thread goes on); without, they run at once, on pyarrow's threads.
    """
    texts = values.cast(pa.large_string()) if isinstance(values, pa.Array) else pa.array(values, pa.large_string())
    n, m = len(texts), len(ref.themes)
    patterns = dict(enumerate(_theme_patterns(ref, part)))
    in_re2 = {k: p for k, p in patterns.items() if p is not None and _re2_accepts(p)}
    table: Future[pa.Table] | None = None
    if n and in_re2:
        table = _run(_match_plan(texts, list(in_re2.values())), executor)

    def finish() -> np.ndarray:
        out = np.zeros((n, m), dtype=bool)
        if table is not None:
            out[:, list(in_re2)] = _unpacked(table.result(), n, len(in_re2))
        in_python = [k for k, p in patterns.items() if n and p is not None and k not in in_re2]
        texts_py = values.to_pylist() if in_python and isinstance(values, pa.Array) else values
        for k in in_python:
            found = re.compile(patterns[k], re.IGNORECASE).search
            out[:, k] = [t is not None and found(t) is not None for t in texts_py]
        return out

    return finish


def theme_matrix(values: Sequence[str | None], part: str, ref: Reference) -> np.ndarray:
    """Which themes' ``part`` patterns match each text: a bool array (len(values), len(ref.themes)).

    Each theme's patterns run as one vectorised pass over all the texts (:func:`_match_plan`), not a
    Python loop over patterns per text; a pattern RE2 does not support is matched with Python's ``re``.
    Missing texts match nothing. Word boundaries follow RE2 (ASCII letters and digits are word characters).
    """
    return start_theme_matrix(values, part, ref)()


def wg_theme_index(working_group: str | None, ref: Reference) -> int:
    """Index in ``ref.themes`` of the working group's theme (-1 when none; the caller checks the workplan)."""
    wg = ref.working_groups.get(working_group or "")
    names = [t.name for t in ref.themes]
    return names.index(wg.theme) if wg is not None and wg.theme in names else -1


@lru_cache(maxsize=4096)
def themes_of(hits: tuple[bool, ...], ref: Reference) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """(themes, GCM objectives) from one row of :func:`theme_matrix` flags (in theme order)."""
    names = tuple(theme.name for theme, hit in zip(ref.themes, hits, strict=True) if hit)
    gcm = sorted({g for theme, hit in zip(ref.themes, hits, strict=True) if hit for g in theme.gcm})
    return names, tuple(gcm)


def classify_themes(topic: str, purpose: str, working_group: str | None, ref: Reference
                    ) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Return (themes, GCM objectives) for one record, from the topic, purpose and working group.

    The same matching as the vectorised :func:`theme_matrix` the schedule uses. ``working_group`` adds
    its theme as given: pass None for a page outside the reference's workplan years.

    Examples:
        >>> from analysis.reference import load_reference
        >>> classify_themes("COVID-19 and human trafficking", "", None, load_reference())
        (('trafficking',), (10,))
    """
    hits = theme_matrix([topic], "topic", ref)[0] | theme_matrix([purpose], "purpose", ref)[0]
    k = wg_theme_index(working_group, ref)
    if k >= 0:
        hits[k] = True
    return themes_of(tuple(hits.tolist()), ref)
