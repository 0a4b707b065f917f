"""Property tests: whatever text or bytes come in, load_schedule raises nothing but ScheduleError and never
loses a line; pages built from messy row fragments are read record for record."""

from __future__ import annotations

import html
import io
import re
import unicodedata

import pandas as pd
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from schedule_pages import CHROME, HEADER, PREAMBLE, SEPARATOR, source_line_count

from analysis import Schedule, ScheduleError, load_reference, load_schedule
from analysis.fields import _titled_person, classify_themes, format_category, is_tbd, parse_format_cell, parse_leads
from analysis.reader import ROLES, LineRows, _first_rows, _preamble, _Table, classify, decode, split_lines
from analysis.schedule import _KEY_CHARS, _normalised

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_BREAKS = re.compile(rb"\r\n|\r|\n")


def byte_line_count(data: bytes) -> int:
    """Lines as the reader counts them; \\r and \\n are single bytes in UTF-8, cp1252 and Latin-1 alike."""
    parts = _BREAKS.split(data)
    if len(parts) > 1 and parts[-1] == b"":
        parts.pop()
    return len(parts)


def check_invariants(s: Schedule, n_lines: int) -> None:
    lines = s.lines
    assert len(lines) == n_lines == s.meta.line_count
    assert lines["line_no"].tolist() == list(range(1, n_lines + 1))
    assert lines["role"].isin(ROLES).all()
    assert len(s.sessions) >= 1
    ids = set(s.sessions["session_id"])
    assert s.sessions["session_id"].is_unique
    owned = lines[lines["role"].isin(["record", "continuation"])]
    assert owned["session_id"].notna().all()
    assert set(owned["session_id"]) == ids
    assert lines.loc[~lines["role"].isin(["record", "continuation"]), "session_id"].isna().all()
    record_line = lines.loc[lines["role"] == "record"].set_index("session_id")["line_no"]
    assert (s.sessions.set_index("session_id")["source_line"] == record_line).all()
    assert set(s.leads["session_id"]) <= ids and set(s.audiences["session_id"]) <= ids
    assert s.problems["line_no"].between(1, n_lines).all()
    assert s.problems["line_no"].is_monotonic_increasing
    rejected = lines.loc[lines["role"] == "rejected", "line_no"]
    assert set(rejected) <= set(s.problems["line_no"])  # nothing dropped silently
    assert set(s.sessions["date_status"]) <= {"dated", "tbd", "unreadable"}
    assert s.sessions["event_count"].dtype == "int64"
    assert (s.sessions["date"].isna() == (s.sessions["date_status"] != "dated")).all()
    assert s.sessions["label"].is_unique
    assert s.sessions["match_key"].map(lambda k: isinstance(k, str)).all()
    unreadable = s.sessions.loc[s.sessions["date_status"] == "unreadable", "session_id"]
    assert set(unreadable) <= set(s.problems.loc[s.problems["field"] == "date", "session_id"])


def load_or_refuse(source: object) -> Schedule | None:
    try:
        return load_schedule(source)  # type: ignore[arg-type]
    except ScheduleError as exc:
        message = str(exc)
        assert message and "\n" not in message
        return None


# ----------------------------------------------------------------------------------- arbitrary input

TABLEISH = st.text(alphabet=st.sampled_from(list("|||| -:\r\n\n\t&;#amp7MayTBDJunWG2,others\ufeffé–\x85\u2028<>")),
                   max_size=300)


@SETTINGS
@given(st.one_of(st.text(max_size=400), TABLEISH))
def test_arbitrary_text_never_raises_anything_but_schedule_error(text: str) -> None:
    s = load_or_refuse(text.encode("utf-8"))
    if s is None:
        return
    body = text.removeprefix("\ufeff")
    check_invariants(s, source_line_count(body))
    expected = re.split(r"\r\n|\r|\n", body)
    if len(expected) > 1 and expected[-1] == "":
        expected.pop()
    assert s.lines["text"].tolist() == expected  # every line kept, exactly as written


@SETTINGS
@given(st.one_of(
    st.binary(max_size=400),
    st.lists(st.one_of(st.binary(max_size=20), st.sampled_from([b"|", b"\n", b"\r\n", b"\r", b" | ", b"7 May",
                                                              b"TBD", b"\xe9", b"\x96", b"\x81", b"\xef\xbb\xbf"])),
             max_size=60).map(b"".join),
))
def test_arbitrary_bytes_never_raise_anything_but_schedule_error(data: bytes) -> None:
    s = load_or_refuse(data)
    if s is not None:
        check_invariants(s, byte_line_count(data))


@SETTINGS
@given(st.text(max_size=200))
def test_text_file_objects_are_read_like_bytes(text: str) -> None:
    a = load_or_refuse(io.StringIO(text))
    b = load_or_refuse(text.encode("utf-8"))
    assert (a is None) == (b is None)
    if a is not None and b is not None:
        pd.testing.assert_frame_equal(a.lines, b.lines)
        pd.testing.assert_frame_equal(a.sessions, b.sessions)


# ----------------------------------------------------------------------------------- structured pages

DATES = ["7 May", "20 May", "4th June", "July 9th", "2nd July", "Feb 17th", "1st March 2021", "22-23 March",
         "TBD", "TBC", "31 February", "nonsense", "Sept 3rd", "11th June", ""]
TOPICS = ["Safe and Inclusive Access to Services", "Alternatives to detention", "Regular pathways",
          "Access &amp; health", "<script>alert(1)</script>", "Gender &quot;perspectives&quot;", "TBD",
          "Migrant Children and Youth: Impacts and Practices", "Future of Human Mobility", "Café – mobilité"]
LEADS = ["WG2: IDC, UNICEF, UNHCR", "WG6: WHO, UN Habitat", "IOM ODG", "Act Alliance, OHCHR",
         "Bloque Latinoamericao", "Mixed Migration Center, others", "Zolberg Institute, New School",
         "António Vitorino, Liu Zhenmin, Lead Discussant:", "Acme Foundation, Jane Doe", "TBD", "",
         "UN Women &amp; WIMN", "WG3:"]
FORMATS = ["Format: Listening Sessions (2) Audience: Country and regional level stakeholders/civil society and UN "
           "Networks Purpose: Draw inputs.",
           "Format: Webinar Audience: UN system, Member States, stakeholders Purpose: To dialogue.",
           "Format: ‘Migration Coffee’ informal Zoom gathering Audience: Member States, Network Purpose: x",
           "Format: Listening Session in Spanish and English, with simultaneous interpretation",
           "Format: TBD", "Format: Webinar Audience: TBD Purpose: TBD", "", "Format: Karaoke (9999)"]
DOCS = ["", "", "Full Webinar", "Reflections"]
SPILL_TAILS = ["Member States Purpose: To share.", "and civil society", "Purpose: continued here"]
PIPELINE_ROWS = ["Civil Society Mapping Reports | Mixed Migration Center, others | Webinar | ||",
                 "TBD | CERAH, Geneva Graduate Institute | Published commentary on COVID-19 and the GCM | ||",
                 "TBD | Zolberg Institute, New School | |||", "TBD |", "TBD | Acme Foundation | Webinar | ||",
                 "Regional Reports | UNICEF | ||||"]
NOISE = ["", "", "   ", "stray words between rows"]


@st.composite
def schedule_row(draw: st.DrawFn) -> tuple[list[str], str, str]:
    """Lines of one schedule record (possibly spilled) and its date and topic as written."""
    date, topic = draw(st.sampled_from(DATES)), draw(st.sampled_from(TOPICS))
    leads, fmt, docs = draw(st.sampled_from(LEADS)), draw(st.sampled_from(FORMATS)), draw(st.sampled_from(DOCS))
    pad = draw(st.sampled_from(["", " ", "  "]))
    shape = draw(st.sampled_from(["complete", "complete", "complete", "lone pipe", "text spill"]))
    if shape == "lone pipe":
        lines = [f"{date} |{pad}{topic} | {leads} | {fmt} |", "|"]
    elif shape == "text spill":
        lines = [f"{date} | {topic} | {leads} | {fmt}", f"{draw(st.sampled_from(SPILL_TAILS))} | {docs} |"]
    else:
        lines = [f"{date}{pad}| {topic} | {leads} |{pad}{fmt} | {docs} |"]
    return lines, date, topic


@st.composite
def messy_page(draw: st.DrawFn) -> tuple[bytes, list[str], list[str], int, str, bool]:
    """(page bytes, schedule dates, schedule topics, pipeline rows, encoding, has header) from fragments."""
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append(PREAMBLE)
    has_header = draw(st.booleans())
    if has_header:
        lines += [HEADER, SEPARATOR]
    dates, topics = [], []
    for row_lines, date, topic in draw(st.lists(schedule_row(), min_size=1, max_size=8)):
        lines += row_lines
        dates.append(date)
        topics.append(topic)
        lines += draw(st.lists(st.sampled_from(NOISE), max_size=1))
    n_pipeline = 0
    if draw(st.booleans()):
        lines.append("Pipeline (full details tbc) | ||||")
        for pipeline_row in draw(st.lists(st.sampled_from(PIPELINE_ROWS), max_size=5)):
            lines.append(pipeline_row)
            n_pipeline += 1
    lines += draw(st.sampled_from([[], list(CHROME), ["Newsletter"]]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(lines) + draw(st.sampled_from([newline, ""]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return text.encode(encoding), dates, topics, n_pipeline, encoding, has_header


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_page())
def test_messy_pages_are_read_record_for_record(case: tuple[bytes, list[str], list[str], int, str, bool]) -> None:
    data, dates, topics, n_pipeline, encoding, has_header = case
    # Without a header, a first row that opens with "|" (a blank date) reads as a markdown-style leading pipe.
    assume(has_header or dates[0] != "")
    s = load_schedule(data)
    check_invariants(s, byte_line_count(data))
    sessions = s.sessions
    schedule = sessions[sessions["section"] == "schedule"]
    assert schedule["date_raw"].tolist() == dates
    expected_topics = [html.unescape(t) for t in topics]
    assert schedule["topic"].tolist() == ["TBD" if is_tbd(t) else t for t in expected_topics]
    assert (sessions["section"] == "pipeline").sum() == n_pipeline
    assert not s.leads["name"].str.casefold().isin(["others", "lead discussant"]).any()
    assert not (s.lines["role"] == "rejected").any() or "stray" in " ".join(
        s.lines.loc[s.lines["role"] == "rejected", "text"])
    if encoding == "cp1252" and any(b >= 0x80 for b in data):
        assert (s.problems["field"] == "encoding").any()
    elif encoding != "cp1252":
        assert not (s.problems["field"] == "encoding").any()
    assert s.meta.preamble in ((), (PREAMBLE,))


def classify_line_by_line(lines: list[str]) -> _Table:
    """The table as :meth:`_Table.read_line` reads it, one line at a time (the reference for the quick path)."""
    rows = LineRows(lines)
    table = _Table(lines, rows, load_reference().source, True)
    table.find_header(_first_rows(rows.cells, len(lines)))
    for i in range(table.start, len(lines)):
        table.read_line(i)
    _preamble(lines, table.start, table.roles, rows)
    return table


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(messy_page().map(lambda case: decode(case[0], "page")[0]), TABLEISH))
def test_the_quick_path_for_new_records_reads_every_line_as_read_line_does(text: str) -> None:
    lines = split_lines(text)
    try:
        quick = classify(lines, load_reference().source, "page")
    except ScheduleError:
        assume(False)
    slow = classify_line_by_line(lines)
    assert quick.roles == slow.roles and quick.owner == slow.owner
    assert (quick.line_no, quick.section, quick.section_title, quick.cells, quick.pipes) == (
        slow.rec_line, slow.rec_section, slow.rec_title, slow.rec_cells, slow.rec_pipes)
    assert quick.continued_on == slow.continued_on and quick.problems == slow.problems


# ----------------------------------------------------------------------------------- field parsers

REF = load_reference()
THEME_WORDS = ["detention", "Immigration Detention", "access to services", "health", "healthcare", "women", "WOMEN's",
               "regular pathway", "Regular Pathways", "labour", "labor", "Labr", "agri-food", "child", "children",
               "youth", "Latin America", "africa", "Asia", "future of mobility", "Future of Human Mobility",
               "xenophobia", "return", "returnees", "GCM", "gcm", "mapping", "data", "database", "remittance",
               "trafficking in persons", "people on the move", "ſocial protection", "İmmigration", "Kelvin",
               "regional dimensions", "COVID-19", "and", "the", "of"]


def brute_force_themes(topic: str, purpose: str, wg: str | None) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The themes by trying every pattern of every theme, as the taxonomy describes them."""
    group = REF.working_groups.get(wg or "")
    names = [t.name for t in REF.themes
             if (group is not None and group.theme == t.name) or any(p.search(topic) for p in t.topic)
             or any(p.search(purpose) for p in t.purpose)]
    return tuple(names), tuple(sorted({g for t in REF.themes if t.name in names for g in t.gcm}))


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(THEME_WORDS), st.text(max_size=6)), max_size=5).map(" ".join),
       st.lists(st.sampled_from(THEME_WORDS), max_size=4).map(" ".join),
       st.sampled_from([None, "", "WG2", "WG3", "WG4", "WG5", "WG6", "WG9"]))
@example("", "\u0130mmigration detention", None)  # İ: Python's re reads it as i ignoring case, RE2 does not
def test_theme_shortcuts_give_the_same_themes_as_every_pattern(topic: str, purpose: str, wg: str | None) -> None:
    assert classify_themes(topic, purpose, wg, REF) == brute_force_themes(topic, purpose, wg)


ACRONYMS = sorted({org.acronym for org in REF.organisations.values()} | set(REF.people))


@SETTINGS
@given(st.lists(st.sampled_from(ACRONYMS), min_size=1, max_size=6), st.sampled_from([", ", ",", "; ", " ,  "]),
       st.booleans(), st.booleans(), st.sampled_from(["", "WG2: ", "Working Group 6 - "]))
def test_known_names_resolve_in_order_once_each(names: list[str], sep: str, others: bool, discussant: bool,
                                                prefix: str) -> None:
    parts = list(names) + (["others"] if others else []) + (["Lead Discussant:"] if discussant else [])
    f = parse_leads(prefix + sep.join(parts), REF)
    expected: list[tuple[str, str | None]] = []
    for written in names:
        alias = REF.resolve(written)
        assert alias is not None
        if (alias.name, alias.unit) not in expected:
            expected.append((alias.name, alias.unit))
    assert [(x.name, x.unit) for x in f.leads] == expected
    assert all(x.resolved for x in f.leads)
    assert f.unnamed_partners is others
    assert len(f.issues) == int(discussant)
    assert f.working_group == ({"": None, "WG2: ": "WG2", "Working Group 6 - ": "WG6"}[prefix])


FORMAT_WORDS = ["Format:", "Audience:", "Purpose:", "Webinar", "Listening Sessions (2)", "‘Migration Coffee’",
                "Published commentary on", "Consultation", "TBD", "tbc.", "Zoom", "on", "the", " ", ""]


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(FORMAT_WORDS), st.text(max_size=8)), max_size=8).map(" ".join))
def test_format_category_is_the_format_a_full_parse_gives(cell: str) -> None:
    assert format_category(cell, REF) == parse_format_cell(cell, REF).format


PERSON_WORDS = [*sorted({w for p in REF.people for w in p.split()}),
                "Ms.", "H.E.", "Director", "of", "the", "IOM", "-", ".", "Vitorino.", "VITORINO", "Network"]


def brute_titled_person(name: str) -> object:
    """Every suffix of up to six words tried against the reference, widest first (no shortcut)."""
    words = name.split(" ")
    for width in range(min(6, len(words) - 1), 0, -1):
        alias = REF.resolve(" ".join(words[-width:]))
        if alias is not None and alias.kind == "person":
            return alias
    return None


@SETTINGS
@example("Director of the Network António Vitorino .")  # the last word has no key: the one before counts
@example("Ms. E. Tendayi Achiume, -")
@example("IOM VITORINO")
@given(st.lists(st.one_of(st.sampled_from(PERSON_WORDS), st.text(max_size=5)), min_size=1, max_size=9).map(" ".join))
def test_titled_person_shortcut_finds_what_every_suffix_finds(name: str) -> None:
    found = _titled_person(name, REF)
    assert (found[0] if found else None) == brute_titled_person(name)


KEY_PIECES = [" ", "  ", "\t", "-", "–", ".", ", ", "’", "(", ")", "The ", "the", "Émigré", "IOM", "x", "\u00a0", ""]


@SETTINGS
@given(st.lists(st.lists(st.one_of(st.sampled_from(KEY_PIECES), st.text(max_size=4)), max_size=8).map("".join),
                min_size=1, max_size=5))
def test_match_key_text_is_every_punctuation_run_as_one_space(texts: list[str]) -> None:
    def one(text: str) -> str:
        key = re.sub(f"[{_KEY_CHARS}]+", " ", unicodedata.normalize("NFC", text)).strip().lower()
        return key[4:] if key.startswith("the ") else key
    assert _normalised(pd.Series(texts, dtype="str")).tolist() == [one(t) for t in texts]
