"""analysis.filters: applying each filter to the bundled page, describing a choice, and its URL form."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import Schedule, load_schedule
from analysis.filters import (
    NO_WG,
    QUERY_KEYS,
    FilterOptions,
    Filters,
    apply_filters,
    describe_filters,
    filter_options,
    from_query,
    to_query,
)

# The bundled page loaded once for the module; hypothesis needs it outside a fixture too.
BUNDLED = load_schedule()
OPTIONS = filter_options(BUNDLED)


@pytest.fixture(scope="module")
def s() -> Schedule:
    return BUNDLED


@pytest.fixture(scope="module")
def options() -> FilterOptions:
    return OPTIONS


def lines(schedule: Schedule) -> list[int]:
    """Source lines of the records left, in order: a readable identity for each record."""
    return schedule.sessions["source_line"].tolist()


def frozen(schedule: Schedule) -> list[pd.DataFrame]:
    return [schedule.sessions.copy(deep=True), schedule.leads.copy(deep=True), schedule.audiences.copy(deep=True)]


# ------------------------------------------------------------------------------ options


def test_records_without_a_format_can_be_chosen_as_not_stated(s: Schedule) -> None:
    out = apply_filters(s, Filters(formats=("Not stated",)))
    assert len(out.sessions) == 2
    assert out.sessions["format"].isna().all()


def test_options_list_what_the_bundled_page_holds(options: FilterOptions) -> None:
    assert options.date_min == dt.date(2020, 5, 7)
    assert options.date_max == dt.date(2020, 7, 9)
    assert options.sections == ("schedule", "pipeline")
    assert set(options.formats) == {"listening session", "webinar", "Migration Coffee", "TBD", "published commentary",
                                    "Not stated"}
    assert options.formats[0] == "listening session"  # most used first
    assert set(options.audiences) == {"stakeholders", "civil society", "UN networks (country/regional)",
                                      "Member States", "UN system", "Network members", "Not stated", "TBD"}
    assert options.audiences[-2:] == ("Not stated", "TBD")  # as on the audience bar chart
    assert options.working_groups == ("WG2", "WG3", "WG6", NO_WG)
    assert len(options.organisations) == 24
    assert "UN Development Programme" in options.organisations  # reached only through a person (Asako Okai)
    assert list(options.organisations) == sorted(options.organisations, key=str.casefold)
    assert options.themes[0] == "detention"
    assert len(options.themes) == 11


# ------------------------------------------------------------------------------ one filter at a time

# Source lines of the records (line 6 continues line 5's record; line 18 is the pipeline heading).
SCHEDULE_LINES = [4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
PIPELINE_LINES = [19, 20, 21, 22]

# (filters, source lines of the records kept)
CASES = [
    pytest.param(Filters(), SCHEDULE_LINES + PIPELINE_LINES, id="defaults-keep-all"),
    pytest.param(Filters(formats=("webinar",)), [7, 11, 12, 15, 19], id="format-webinar"),
    pytest.param(Filters(formats=("Migration Coffee", "published commentary")), [8, 20], id="format-any-of-two"),
    pytest.param(Filters(formats=("TBD",)), [16], id="format-tbd"),
    pytest.param(Filters(audiences=("Network members",)), [8, 15], id="audience-network-members"),
    pytest.param(Filters(audiences=("UN system",)), [7, 11], id="audience-un-system"),
    # Meeting records naming no audience (the publication on line 20 has none to name), and a TBD audience.
    pytest.param(Filters(audiences=("Not stated",)), [16, 19, 21, 22], id="audience-not-stated"),
    pytest.param(Filters(audiences=("TBD",)), [10], id="audience-tbd"),
    pytest.param(Filters(working_groups=("WG2",)), [5, 8, 15], id="wg2"),
    pytest.param(Filters(working_groups=("WG3", "WG6")), [4, 9], id="wg3-or-wg6"),
    pytest.param(Filters(working_groups=(NO_WG,)), [7, 10, 11, 12, 13, 14, 16, 17, 19, 20, 21, 22], id="no-wg"),
    pytest.param(Filters(working_groups=("WG2", NO_WG)),
                 [5, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22], id="wg2-or-no-wg"),
    pytest.param(Filters(organisations=("UN Development Programme",)), [11], id="lead-undp-via-asako-okai"),
    pytest.param(Filters(organisations=("UNICEF",)), [5, 8, 11, 15, 16], id="lead-unicef-incl-person"),
    pytest.param(Filters(organisations=("Food and Agriculture Organization",)), [13], id="lead-fao"),
    pytest.param(Filters(themes=("gender",)), [10, 12], id="theme-gender"),
    pytest.param(Filters(themes=("detention", "trafficking")), [5, 8, 14, 15], id="theme-any-of-two"),
    pytest.param(Filters(sections=("pipeline",)), PIPELINE_LINES, id="section-pipeline"),
    pytest.param(Filters(sections=("schedule",)), SCHEDULE_LINES, id="section-schedule"),
    pytest.param(Filters(include_undated=False), [4, 5, 7, 8, 9, 10, 11, 12, 13, 14], id="dated-only"),
    pytest.param(Filters(date_from=dt.date(2020, 6, 17)), [11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22],
                 id="from-17-june-keeps-undated"),
    pytest.param(Filters(date_to=dt.date(2020, 5, 28)), [4, 5, 7, 15, 16, 17, 19, 20, 21, 22],
                 id="to-28-may-inclusive-keeps-undated"),
    pytest.param(Filters(date_from=dt.date(2020, 6, 1), date_to=dt.date(2020, 6, 30), include_undated=False),
                 [8, 9, 10, 11, 12], id="june-dated-only"),
    pytest.param(Filters(date_from=dt.date(2020, 6, 1), date_to=dt.date(2020, 6, 30), include_undated=True),
                 [8, 9, 10, 11, 12, 15, 16, 17, 19, 20, 21, 22], id="june-with-undated"),
]


@pytest.mark.parametrize(("f", "expected"), CASES)
def test_apply_filters_keeps_the_matching_records(s: Schedule, f: Filters, expected: list[int]) -> None:
    assert lines(apply_filters(s, f)) == expected


@pytest.mark.parametrize(("f", "expected"), CASES)
def test_leads_and_audiences_follow_the_kept_records(s: Schedule, f: Filters, expected: list[int]) -> None:
    out = apply_filters(s, f)
    ids = set(out.sessions["session_id"])
    assert set(out.leads["session_id"]) <= ids
    assert set(out.audiences["session_id"]) <= ids
    # Every lead and audience of a kept record is kept (not only the one that matched).
    assert len(out.leads) == int(s.leads["session_id"].isin(ids).sum())
    assert len(out.audiences) == int(s.audiences["session_id"].isin(ids).sum())
    assert list(out.sessions.columns) == list(s.sessions.columns)


def test_filtering_on_an_organisation_finds_records_led_by_its_people(s: Schedule) -> None:
    out = apply_filters(s, Filters(organisations=("UN Development Programme",)))
    assert out.sessions["date"].tolist() == [pd.Timestamp("2020-06-17")]
    assert "Asako Okai" in set(out.leads["name"])
    assert len(out.leads) == 6  # the record's other five principals stay with it


def test_each_kept_record_matches_the_format_filter(s: Schedule) -> None:
    out = apply_filters(s, Filters(formats=("webinar",)))
    assert (out.sessions["format"] == "webinar").all()
    assert len(out.sessions) == int((s.sessions["format"] == "webinar").sum())


# ------------------------------------------------------------------------------ combining filters


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (Filters(formats=("webinar",), working_groups=("WG2",)), [15]),
        (Filters(formats=("webinar",), include_undated=False), [7, 11, 12]),
        (Filters(organisations=("UNICEF",), sections=("schedule",), include_undated=False), [5, 8, 11]),
        (Filters(themes=("detention",), audiences=("Member States",)), [8, 15]),
        (Filters(date_from=dt.date(2020, 6, 1), formats=("listening session",), include_undated=False),
         [9, 10, 13, 14]),
    ],
)
def test_filters_combine_with_and(s: Schedule, f: Filters, expected: list[int]) -> None:
    assert lines(apply_filters(s, f)) == expected


@pytest.mark.parametrize(
    "f",
    [
        Filters(formats=("webinar",), working_groups=("WG6",)),
        Filters(sections=("pipeline",), include_undated=False),
        Filters(date_from=dt.date(2020, 8, 1), include_undated=False),
        Filters(organisations=("Food and Agriculture Organization",), themes=("gender",)),
    ],
)
def test_a_combination_matching_nothing_gives_empty_frames_with_their_columns(s: Schedule, f: Filters) -> None:
    out = apply_filters(s, f)
    for name in ("sessions", "leads", "audiences"):
        frame: pd.DataFrame = getattr(out, name)
        assert frame.empty
        assert list(frame.columns) == list(getattr(s, name).columns)
    assert len(out.lines) == len(s.lines)  # source lines and problems are kept whole
    assert len(out.problems) == len(s.problems)


@pytest.mark.parametrize(
    "f",
    [
        Filters(formats=("webinar",)),
        Filters(organisations=("UNICEF",), themes=("detention",)),
        Filters(date_from=dt.date(2020, 6, 1), include_undated=False, working_groups=(NO_WG,)),
        Filters(formats=("webinar",), working_groups=("WG6",)),
    ],
)
def test_apply_filters_never_mutates_its_input(f: Filters) -> None:
    schedule = load_schedule()
    before = frozen(schedule)
    apply_filters(schedule, f)
    for old, new in zip(before, frozen(schedule), strict=True):
        pd.testing.assert_frame_equal(old, new)


# ------------------------------------------------------------------------------ describing a choice


def test_defaults_are_described_as_all_records() -> None:
    assert describe_filters(Filters()) == "All records"
    assert Filters().is_default


@pytest.mark.parametrize(
    ("f", "acronyms", "expected"),
    [
        (Filters(formats=("webinar",)), None, "Format: webinar"),
        (Filters(include_undated=False), None, "dated records only"),
        (Filters(formats=("webinar",), include_undated=False), None, "Format: webinar · dated records only"),
        (Filters(date_from=dt.date(2020, 6, 1)), None, "Dates 1 Jun 2020 – end"),
        (Filters(date_to=dt.date(2020, 6, 30)), None, "Dates start – 30 Jun 2020"),
        (Filters(sections=("pipeline",)), None, "Section: pipeline"),
        (Filters(working_groups=("WG2", NO_WG)), None, "Working group: WG2, No working group"),
        (Filters(organisations=("UN Development Programme",)), {"UN Development Programme": "UNDP"}, "Lead: UNDP"),
        (Filters(themes=("a", "b", "c", "d", "e")), None, "Theme: a, b, c +2"),
        (Filters(audiences=("Member States",)), None, "Audience: Member States"),
    ],
)
def test_describe_filters(f: Filters, acronyms: dict[str, str] | None, expected: str) -> None:
    assert describe_filters(f, acronyms) == expected


@pytest.mark.parametrize(
    "change",
    [
        {"formats": ("webinar",)}, {"audiences": ("UN system",)}, {"working_groups": ("WG2",)},
        {"organisations": ("UNICEF",)}, {"themes": ("gender",)}, {"sections": ("pipeline",)},
        {"include_undated": False}, {"date_from": dt.date(2020, 6, 1)}, {"date_to": dt.date(2020, 6, 1)},
    ],
)
def test_every_filter_changes_the_description(change: dict[str, object]) -> None:
    f = replace(Filters(), **change)
    assert not f.is_default
    assert describe_filters(f) != "All records"
    assert describe_filters(f) != describe_filters(replace(f, formats=("Migration Coffee",)))


# ------------------------------------------------------------------------------ URL form


def test_defaults_give_an_empty_query() -> None:
    assert to_query(Filters()) == {}


@pytest.mark.parametrize(
    ("f", "query"),
    [
        (Filters(formats=("webinar",)), {"format": ["webinar"]}),
        (Filters(include_undated=False), {"undated": "0"}),
        (Filters(date_from=dt.date(2020, 6, 1), date_to=dt.date(2020, 6, 30)),
         {"from": "2020-06-01", "to": "2020-06-30"}),
        (Filters(working_groups=("WG2", NO_WG), organisations=("UNICEF",)),
         {"wg": ["WG2", NO_WG], "lead": ["UNICEF"]}),
        (Filters(sections=("pipeline",), audiences=("UN system",), themes=("gender",)),
         {"section": ["pipeline"], "audience": ["UN system"], "theme": ["gender"]}),
    ],
)
def test_to_query(f: Filters, query: dict[str, object]) -> None:
    assert to_query(f) == query
    assert set(query) <= set(QUERY_KEYS)


def _subset(values: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), unique=True, max_size=4).map(tuple)


_DATES = st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2020, 12, 31))
FILTERS = st.builds(
    Filters,
    date_from=_DATES,
    date_to=_DATES,
    sections=_subset(OPTIONS.sections),
    include_undated=st.booleans(),
    formats=_subset(OPTIONS.formats),
    audiences=_subset(OPTIONS.audiences),
    working_groups=_subset(OPTIONS.working_groups),
    organisations=_subset(OPTIONS.organisations),
    themes=_subset(OPTIONS.themes),
)


@settings(max_examples=150, deadline=None)
@given(FILTERS)
def test_query_round_trip(f: Filters) -> None:
    back, notes = from_query(to_query(f), OPTIONS)
    assert back == f
    assert notes == []


@settings(max_examples=50, deadline=None)
@given(FILTERS)
def test_query_round_trip_with_single_values_as_strings(f: Filters) -> None:
    # Streamlit hands a parameter that occurs once back as a plain string.
    query = {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in to_query(f).items()}
    assert from_query(query, OPTIONS) == (f, [])


def test_empty_query_gives_default_filters(options: FilterOptions) -> None:
    assert from_query({}, options) == (Filters(), [])


@pytest.mark.parametrize(
    ("params", "expected", "note_words"),
    [
        ({"format": ["webinar", "séance"]}, Filters(formats=("webinar",)), ["format", "séance", "not in the data"]),
        ({"wg": "WG99"}, Filters(), ["wg", "WG99"]),
        ({"lead": ["Nobody Org"], "theme": ["gender"]}, Filters(themes=("gender",)), ["lead", "Nobody Org"]),
        ({"section": ["archive"]}, Filters(), ["section", "archive"]),
        ({"from": "yesterday"}, Filters(), ["from", "yesterday", "not a date"]),
        ({"to": "2020-13-40", "format": "webinar"}, Filters(formats=("webinar",)), ["to", "2020-13-40", "not a date"]),
    ],
)
def test_unknown_values_and_bad_dates_are_ignored_with_a_note(
    options: FilterOptions, params: dict[str, object], expected: Filters, note_words: list[str]
) -> None:
    f, notes = from_query(params, options)  # type: ignore[arg-type]
    assert f == expected
    assert len(notes) == 1
    for word in note_words:
        assert word in notes[0]


@pytest.mark.parametrize(("raw", "include"), [("0", False), ("false", False), ("no", False), ("1", True)])
def test_undated_parameter(options: FilterOptions, raw: str, include: bool) -> None:
    assert from_query({"undated": raw}, options) == (Filters(include_undated=include), [])


def test_repeated_values_are_kept_once_in_order(options: FilterOptions) -> None:
    f, notes = from_query({"format": ["webinar", "listening session", "webinar"]}, options)
    assert f.formats == ("webinar", "listening session")
    assert notes == []


def test_unrelated_parameters_are_ignored(options: FilterOptions) -> None:
    assert from_query({"utm_source": "mail", "page": "timeline"}, options) == (Filters(), [])
