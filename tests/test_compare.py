"""diff(): matching records across captures and naming what changed (table-driven, fixture, properties)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from older_version import ACHIUME, OLDER_28_MAY_TOPIC, OLDER_AS_OF, older_page_bytes
from schedule_pages import BUNDLED, page, row

from analysis import Schedule, load_schedule
from analysis.compare import CHANGE_COLUMNS, KINDS, MIRROR, Changes, diff, normalise


def load(text: str, name: str = "page.txt") -> Schedule:
    return load_schedule(text.encode(), name=name, year=2020)


@pytest.fixture(scope="module")
def bundled() -> Schedule:
    return load_schedule(BUNDLED)


@pytest.fixture(scope="module")
def older() -> Schedule:
    return load_schedule(older_page_bytes(), name="older.txt", as_of=OLDER_AS_OF)


def _day(label: object) -> str:
    return str(label).split(" · ")[0]


# ------------------------------------------------------------------------------------------ the older page

def test_older_page_against_bundled_names_exactly_the_known_edits(older: Schedule, bundled: Schedule) -> None:
    """REFERENCE "Page versions": what the older capture said differently, and nothing else among matched rows.

    The 28 May purpose also changed (two alternatives → one sentence): it is a real edit, so it is reported.
    """
    f = diff(older, bundled).frame
    matched = f[~f["kind"].isin(["added", "dropped"])]
    assert sorted(zip(matched["old_label"].map(_day), matched["kind"], strict=True)) == sorted([
        ("7 May", "format"), ("19 May", "moved"), ("19 May", "format"),
        ("28 May", "topic"), ("28 May", "leads"), ("28 May", "purpose"),
    ])
    by = {(_day(r.old_label), r.kind): r for r in matched.itertuples(index=False)}
    moved = by["19 May", "moved"]
    assert (moved.before, moved.after, moved.new_label) == ("19 May 2020", "20 May 2020",
                                                            "20 May · Alternatives to detention")
    assert (moved.old_date, moved.new_date) == (pd.Timestamp("2020-05-19"), pd.Timestamp("2020-05-20"))
    assert (moved.old_lines, moved.new_lines) == ("5", "5–6")
    for day in ("7 May", "19 May"):
        assert (by[day, "format"].before, by[day, "format"].after) == (
            "listening session · 1 event", "listening session · 2 events")
    leads = by["28 May", "leads"]
    assert "Vitorino" in leads.before and "Achiume" in leads.before and leads.after == "IOM ODG"
    assert leads.detail == "joined: IOM ODG · left: António Vitorino, E. Tendayi Achiume"
    topic = by["28 May", "topic"]
    assert (topic.before, topic.after) == (OLDER_28_MAY_TOPIC, "Future of Human Mobility")
    assert "documents" not in set(f["kind"])  # the newer scrape's 7 May and 20 May Documents cells are empty


def test_older_page_matches_each_record_once(older: Schedule, bundled: Schedule) -> None:
    pairs = diff(older, bundled).pairs
    assert list(zip(pairs["old_label"].map(_day), pairs["new_label"].map(_day), pairs["how"], strict=True)) == [
        ("7 May", "7 May", "key"), ("19 May", "20 May", "key"), ("28 May", "28 May", "fuzzy")]
    fuzzy = float(pairs["score"].iloc[2])
    assert 70 <= fuzzy < 100


def test_rows_after_the_cut_are_added_unless_the_old_side_is_marked_partial(older: Schedule,
                                                                           bundled: Schedule) -> None:
    whole = diff(older, bundled)
    added = whole.frame[whole.frame["kind"] == "added"]
    assert len(added) == 14 and set(added["new_lines"]) == set(bundled.sessions["source_lines"].iloc[3:])
    assert whole.summary == "1 moved, 14 added, 2 format, 1 leads, 1 topic, 1 purpose · old 3 records, new 17 records"
    cut = diff(older, bundled, partial_old=True)
    assert "added" not in set(cut.frame["kind"]) and cut.not_compared == 14
    assert cut.summary.endswith("old 3 records (partial), new 17 records · 14 not compared (partial capture)")


def test_a_partial_new_side_drops_nothing(older: Schedule, bundled: Schedule) -> None:
    whole = diff(bundled, older)
    assert whole.counts["dropped"] == 14
    cut = diff(bundled, older, partial_new=True)
    assert "dropped" not in cut.counts and cut.not_compared == 14
    moved = cut.frame[cut.frame["kind"] == "moved"]
    assert moved[["before", "after", "detail"]].values.tolist() == [["20 May 2020", "19 May 2020", "1 day earlier"]]
    assert "new 3 records (partial)" in cut.summary


def test_the_fallback_key_matches_as_match_key_does(older: Schedule, bundled: Schedule) -> None:
    def without_key(s: Schedule) -> Schedule:
        return replace(s, sessions=s.sessions.drop(columns=["match_key"], errors="ignore"))

    a, b = diff(older, bundled), diff(without_key(older), without_key(bundled))
    cols = ["kind", "label", "before", "after", "old_lines", "new_lines", "score"]
    pd.testing.assert_frame_equal(a.frame[cols], b.frame[cols])


# ------------------------------------------------------------------------------------------ each kind

WEBINAR = "Format: Webinar Audience: Member States Purpose: Share practices"
CASES = [
    # (old row, new row, expected kinds)
    (row("7 May", "Access to services", "WHO", WEBINAR), row("9 May", "Access to services", "WHO", WEBINAR),
     {"moved"}),
    (row("TBD", "Access to services", "WHO", WEBINAR), row("9 May", "Access to services", "WHO", WEBINAR),
     {"scheduled"}),
    (row("9 May", "Access to services", "WHO", WEBINAR), row("TBD", "Access to services", "WHO", WEBINAR),
     {"unscheduled"}),
    (row("32 May", "Access to services", "WHO", WEBINAR), row("9 May", "Access to services", "WHO", WEBINAR),
     {"scheduled"}),  # an unreadable date counts as undated
    (row("5 May", "Access to services", "WHO", WEBINAR), row("5-6 May", "Access to services", "WHO", WEBINAR),
     {"moved"}),  # same start, now two days
    (row("9 May", "Access to services", "WHO", WEBINAR),
     row("9 May", "Access to services", "WHO", WEBINAR.replace("Webinar", "Listening Sessions (2)")), {"format"}),
    (row("9 May", "Access to services", "WHO", WEBINAR), row("9 May", "Access to services", "WHO, UNICEF", WEBINAR),
     {"leads"}),
    (row("9 May", "Access to health services", "WHO", WEBINAR),
     row("9 May", "Access to health and social services", "WHO", WEBINAR), {"topic"}),
    (row("9 May", "Access to services", "WHO", WEBINAR),
     row("9 May", "Access to services", "WHO", WEBINAR.replace("Member States", "Civil society")), {"audience"}),
    (row("9 May", "Access to services", "WHO", WEBINAR),
     row("9 May", "Access to services", "WHO", WEBINAR.replace("Share practices", "Draft a brief")), {"purpose"}),
    (row("9 May", "Access to services", "WHO", WEBINAR),
     row("9 May", "Access to services", "WHO", WEBINAR, docs="Reflections"), {"documents"}),
    (row("9 May", "Access to services", "WHO", WEBINAR), row("9 May", "Trafficking in persons", "UNODC", WEBINAR),
     {"added", "dropped"}),
    (row("9 May", "Access to services", "WHO", WEBINAR),
     row("9 May", "ACCESS  to services", "WHO", WEBINAR.replace("Share", "share")), set()),
]


@pytest.mark.parametrize(("old_row", "new_row", "kinds"), CASES)
def test_each_kind_of_change(old_row: str, new_row: str, kinds: set[str]) -> None:
    changes = diff(load(page(old_row)), load(page(new_row)))
    assert set(changes.frame["kind"]) == kinds
    assert list(changes.frame.columns) == list(CHANGE_COLUMNS)


def test_leads_say_who_joined_and_who_left() -> None:
    old = load(page(row("9 May", "Access to services", "WG6: WHO, UN Habitat", WEBINAR)))
    new = load(page(row("9 May", "Access to services", "WG6: WHO, UNICEF", WEBINAR)))
    (r,) = diff(old, new).frame.itertuples(index=False)
    assert r.kind == "leads" and r.detail == "joined: UNICEF · left: UN Habitat"


def test_a_record_matches_the_closest_of_several_with_its_key() -> None:
    detention = ("Alternatives to detention", "WG2: IDC, UNICEF, UNHCR")
    old = load(page(row("19 May", *detention, WEBINAR)))
    new = load(page(row("20 May", *detention, WEBINAR), row("4 June", *detention, WEBINAR),
                    row("TBD", *detention, WEBINAR)))
    changes = diff(old, new)
    assert changes.counts == {"moved": 1, "added": 2}
    assert changes.pairs["new_label"].map(_day).tolist() == ["20 May"]


def test_unrelated_records_are_not_paired() -> None:
    old = load(page(row("9 May", "Gender-specific implications of COVID-19 for migrants", "UN Women", WEBINAR)))
    new = load(page(row("9 May", "Remittances and financial inclusion", "IOM", WEBINAR)))
    assert diff(old, new).counts == {"added": 1, "dropped": 1}


def test_normalise() -> None:
    assert normalise("  Alternatives to Detention – WG2 ") == "alternatives to detention wg2"
    assert normalise(None) == normalise(float("nan")) == ""


# ------------------------------------------------------------------------------------------ properties

_DATES = ["7 May", "19 May", "20 May", "4th June", "TBD"]
_TOPICS = ["Alternatives to detention", "Regular pathways", "Access to services", "Access to health services",
           "Future of Human Mobility", "COVID-19 and human trafficking"]
_LEADS = ["WG2: IDC, UNICEF, UNHCR", "WG3: OHCHR, Act Alliance", "IOM ODG", "UNODC, ICAT", "WHO", f"FAO, {ACHIUME}"]
_FORMATS = ["Format: Webinar Audience: Member States Purpose: Talk",
            "Format: Listening Sessions (2) Audience: Civil society Purpose: Listen",
            "Format: Listening Session Audience: Civil society Purpose: Listen", "Format: TBD"]
_DOCS = ["", "Reflections"]
_PIPELINE = ["Civil Society Mapping Reports | Mixed Migration Center, others | Webinar | ||",
             "TBD | CERAH, Geneva Graduate Institute | Published commentary on COVID-19 and the GCM | ||",
             "TBD | Zolberg Institute, New School | |||", "TBD |"]


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    rows = draw(st.lists(st.builds(row, st.sampled_from(_DATES), st.sampled_from(_TOPICS), st.sampled_from(_LEADS),
                                   st.sampled_from(_FORMATS), st.sampled_from(_DOCS)), max_size=7))
    pipeline = draw(st.lists(st.sampled_from(_PIPELINE), max_size=3))
    lines = [*rows, "Pipeline (full details tbc) | ||||", *pipeline] if pipeline else rows
    if not lines:
        lines = [row()]
    return load(page(*lines))


def _as_rows(changes: Changes, mirrored: bool = False) -> Counter[tuple[object, ...]]:
    """The changes as comparable tuples; ``mirrored`` reads them from the other side."""
    out: Counter[tuple[object, ...]] = Counter()
    for r in changes.frame.itertuples(index=False):
        if mirrored:
            out[(MIRROR.get(r.kind, r.kind), r.after, r.before, r.new_lines, r.old_lines, r.new_match_key,
                 r.old_match_key, r.new_label, r.old_label, r.score)] += 1
        else:
            out[(r.kind, r.before, r.after, r.old_lines, r.new_lines, r.old_match_key, r.new_match_key,
                 r.old_label, r.new_label, r.score)] += 1
    return Counter({tuple(None if isinstance(v, float) and v != v else v for v in k): n for k, n in out.items()})


@settings(max_examples=60, deadline=None)
@given(a=schedules())
def test_a_capture_against_itself_has_no_changes(a: Schedule) -> None:
    changes = diff(a, a)
    assert changes.empty and changes.counts == {}
    assert changes.summary.startswith("no changes · ")


@settings(max_examples=80, deadline=None)
@given(a=schedules(), b=schedules())
def test_diff_both_ways_are_mirror_images(a: Schedule, b: Schedule) -> None:
    forward, backward = diff(a, b), diff(b, a)
    assert _as_rows(forward) == _as_rows(backward, mirrored=True)
    assert set(forward.counts) <= set(KINDS)
    cut_forward, cut_backward = diff(a, b, partial_new=True), diff(b, a, partial_old=True)
    assert _as_rows(cut_forward) == _as_rows(cut_backward, mirrored=True)
    assert "dropped" not in cut_forward.counts and "added" not in cut_backward.counts
    assert cut_forward.not_compared == forward.counts.get("dropped", 0)


@settings(max_examples=60, deadline=None)
@given(a=schedules(), b=schedules())
def test_matching_is_one_to_one(a: Schedule, b: Schedule) -> None:
    changes = diff(a, b)
    pairs = changes.pairs
    assert pairs["old_label"].is_unique and pairs["new_label"].is_unique
    assert len(pairs) + changes.counts.get("dropped", 0) == len(a.sessions)
    assert len(pairs) + changes.counts.get("added", 0) == len(b.sessions)
