"""analysis.schedule: the tidy model of the bundled page (the issue's "Done when" figures) and its contract."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from schedule_pages import BUNDLED, PREAMBLE, page, row

from analysis import Schedule, ScheduleError, load_schedule
from analysis.reader import ROLES
from analysis.schedule import (
    AUDIENCE_COLUMNS,
    LEAD_COLUMNS,
    LINE_COLUMNS,
    PROBLEM_COLUMNS,
    SESSION_COLUMNS,
    iter_problems,
)


@pytest.fixture(scope="module")
def s() -> Schedule:
    return load_schedule()


def by_line(schedule: Schedule, line: int) -> pd.Series:
    rows = schedule.sessions[schedule.sessions["source_line"] == line]
    assert len(rows) == 1
    return rows.iloc[0]


def leads_of(schedule: Schedule, line: int) -> pd.DataFrame:
    return schedule.leads[schedule.leads["session_id"] == by_line(schedule, line)["session_id"]]


# ------------------------------------------------------------------------------ the figures


def test_17_records_13_schedule_4_pipeline(s: Schedule) -> None:
    assert len(s.sessions) == 17
    assert s.sessions["section"].value_counts().to_dict() == {"schedule": 13, "pipeline": 4}
    assert s.sessions["section"].tolist() == ["schedule"] * 13 + ["pipeline"] * 4


def test_10_dated_from_7_may_to_9_july_2020(s: Schedule) -> None:
    dated = s.sessions[s.sessions["date_status"] == "dated"]
    assert len(dated) == 10
    assert dated["date"].min() == pd.Timestamp("2020-05-07")
    assert dated["date"].max() == pd.Timestamp("2020-07-09")
    assert dated["date"].notna().all()
    assert s.sessions.loc[s.sessions["date_status"] == "tbd", "date"].isna().all()
    assert set(s.sessions["date_status"]) == {"dated", "tbd"}
    assert dated["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2020-05-07", "2020-05-20", "2020-05-28", "2020-06-04", "2020-06-09", "2020-06-11", "2020-06-17",
        "2020-06-18", "2020-07-02", "2020-07-09",
    ]
    assert dated["year_inferred"].all()
    assert s.sessions["date_end"].isna().all()


def test_event_count_over_dated_records_is_15(s: Schedule) -> None:
    dated = s.sessions[s.sessions["date_status"] == "dated"]
    assert int(dated["event_count"].sum()) == 15
    assert dated["event_count"].tolist() == [2, 2, 1, 1, 2, 2, 1, 1, 1, 2]
    assert s.sessions["event_count"].dtype == "int64"


def test_3_records_in_wg2(s: Schedule) -> None:
    wg2 = s.sessions[s.sessions["working_group"] == "WG2"]
    assert wg2["source_line"].tolist() == [5, 8, 15]
    assert s.sessions["working_group"].value_counts().to_dict() == {"WG2": 3, "WG6": 1, "WG3": 1}


def test_17_june_has_6_people_each_with_an_organisation(s: Schedule) -> None:
    leads = leads_of(s, 11)
    assert by_line(s, 11)["date"] == pd.Timestamp("2020-06-17")
    assert len(leads) == 6
    assert (leads["kind"] == "person").all()
    assert leads["affiliation"].notna().all() and (leads["affiliation"] != "").all()
    assert (leads["affiliation"] == leads["organisation"]).all()
    assert leads.set_index("name")["affiliation"].to_dict() == {
        "António Vitorino": "International Organization for Migration",
        "Liu Zhenmin": "UN Department of Economic and Social Affairs",
        "Gillian Triggs": "UNHCR",
        "Charlotte Petri Gornitzka": "UNICEF",
        "Asako Okai": "UN Development Programme",
        "Moussa Oumarou": "International Labour Organization",
    }
    assert (leads["org_type"] != "Unknown").all()


def test_organisation_leads_have_no_affiliation(s: Schedule) -> None:
    orgs = s.leads[s.leads["kind"] == "organisation"]
    assert orgs["affiliation"].isna().all()
    assert (orgs["name"] == orgs["organisation"]).all()


def test_lead_discussant_without_a_name_is_a_problem_on_line_11(s: Schedule) -> None:
    p = s.problems[s.problems["field"] == "leads"]
    assert p["line_no"].tolist() == [11]
    assert p.iloc[0]["message"] == "'Lead Discussant:' is followed by no name"
    assert p.iloc[0]["session_id"] == by_line(s, 11)["session_id"]
    assert not s.leads["name"].str.contains("Discussant").any()


def test_bundled_page_problems_are_exactly_the_two_known_gaps(s: Schedule) -> None:
    assert list(iter_problems(s)) == [
        "line 11 (leads, warning): 'Lead Discussant:' is followed by no name",
        "line 13 (format, info): 'Listening Sessions' gives no number of events; counted as 1",
        "line 22 (record, info): pipeline placeholder: every field is missing",
    ]


def test_others_sets_unnamed_partners_and_is_not_a_lead(s: Schedule) -> None:
    rec = by_line(s, 19)
    assert rec["topic"] == "Civil Society Mapping Reports"
    assert bool(rec["unnamed_partners"]) is True
    assert leads_of(s, 19)["name"].tolist() == ["Mixed Migration Centre"]
    assert not s.leads["raw"].str.casefold().eq("others").any()
    assert s.sessions["unnamed_partners"].sum() == 1


@pytest.mark.parametrize(
    ("line", "raw", "name", "unit"),
    [
        (4, "UN Habitat", "UN-Habitat", None),
        (9, "Act Alliance", "ACT Alliance", None),
        (9, "Asia-Pacific Refugee Rights Network", "Asia Pacific Refugee Rights Network", None),
        (17, "Bloque Latinoamericao", "Bloque Latinoamericano sobre Migración", None),
        (19, "Mixed Migration Center", "Mixed Migration Centre", None),
        (21, "Zolberg Institute, New School", "Zolberg Institute on Migration and Mobility, The New School", None),
        (7, "IOM ODG", "International Organization for Migration", "Office of the Director General"),
        (16, "Major Group on Children and Youth", "Major Group for Children and Youth", None),
    ],
)
def test_aliases_resolve_to_canonical_names(s: Schedule, line: int, raw: str, name: str, unit: str | None) -> None:
    leads = leads_of(s, line)
    match = leads[leads["raw"] == raw]
    assert len(match) == 1
    got = match.iloc[0]
    assert got["name"] == name
    assert (None if pd.isna(got["unit"]) else got["unit"]) == unit
    assert bool(got["resolved"]) is True


def test_zolberg_new_school_is_one_institute(s: Schedule) -> None:
    leads = leads_of(s, 21)
    assert len(leads) == 1
    assert leads.iloc[0]["org_type"] == "Research and academic"
    assert not s.leads["name"].isin(["New School", "Zolberg Institute"]).any()


def test_iom_odg_counts_for_iom_with_the_unit_marked_inferred(s: Schedule) -> None:
    lead = leads_of(s, 7).iloc[0]
    assert (lead["organisation"], lead["acronym"], lead["unit"]) == (
        "International Organization for Migration", "IOM", "Office of the Director General")
    assert bool(lead["inferred"]) is True


def test_all_bundled_leads_are_resolved(s: Schedule) -> None:
    assert s.leads["resolved"].all()
    assert len(s.leads) == 36
    assert (s.leads["org_type"] != "Unknown").all()


def test_pipeline_rows_are_read_by_meaning(s: Schedule) -> None:
    pipe = s.sessions[s.sessions["section"] == "pipeline"].set_index("source_line")
    assert pipe["section_title"].eq("Pipeline (full details tbc)").all()
    assert pipe.loc[19, ["topic", "format", "date_raw"]].tolist() == ["Civil Society Mapping Reports", "webinar", ""]
    assert pipe.loc[20, "topic"] == "TBD"
    assert pipe.loc[20, "format"] == "published commentary"
    assert pipe.loc[20, "publication"] == "Published commentary on COVID-19 and the GCM"
    assert leads_of(s, 20)["acronym"].tolist() == ["CERAH", "IHEID"]
    assert pipe.loc[21, "topic"] == "TBD" and pd.isna(pipe.loc[21, "format"])
    assert pipe["date_status"].eq("tbd").all()


def test_format_languages_interpretation_platform(s: Schedule) -> None:
    latin = by_line(s, 17)
    assert latin["format"] == "listening session"
    assert latin["languages"] == ("English", "Spanish")
    assert bool(latin["interpretation"]) is True
    coffee = by_line(s, 8)
    assert (coffee["format"], coffee["platform"]) == ("Migration Coffee", "Zoom")
    assert coffee["format_raw"] == "‘Migration Coffee’ informal Zoom gathering"
    assert s.sessions["platform"].notna().sum() == 1


def test_tbd_fields_on_the_bundled_page(s: Schedule) -> None:
    gender = by_line(s, 10)
    assert (gender["audience_raw"], gender["purpose"]) == ("TBD", "TBD")
    assert gender["audiences"] == ()
    children = by_line(s, 16)
    assert children["format"] == "TBD"
    assert pd.isna(children["audience_raw"]) and pd.isna(children["purpose"])


def test_audiences_frame(s: Schedule) -> None:
    assert list(s.audiences.columns) == list(AUDIENCE_COLUMNS)
    first = s.audiences[s.audiences["session_id"] == by_line(s, 4)["session_id"]]
    assert first["audience"].tolist() == ["stakeholders", "civil society", "UN networks (country/regional)"]
    assert first["raw"].tolist() == ["Country and regional level stakeholders", "civil society", "UN Networks"]
    assert (first["source_line"] == 4).all()
    # the audiences tuple column agrees with the long frame
    for sid, names in s.sessions.set_index("session_id")["audiences"].items():
        assert s.audiences.loc[s.audiences["session_id"] == sid, "audience"].tolist() == list(names)


def test_documents_and_themes(s: Schedule) -> None:
    assert by_line(s, 12)["documents"] == "Full Webinar"
    assert s.sessions["documents"].notna().sum() == 1
    assert "trafficking" in by_line(s, 14)["themes"]
    assert 10 in by_line(s, 14)["gcm_objectives"]
    assert "detention" in by_line(s, 5)["themes"]
    for col in ("themes", "gcm_objectives", "languages", "audiences"):
        assert s.sessions[col].map(lambda v: isinstance(v, tuple)).all(), col


# ------------------------------------------------------------------------------ frames and contract


def test_frames_have_the_fixed_columns(s: Schedule) -> None:
    assert list(s.sessions.columns) == list(SESSION_COLUMNS)
    assert list(s.leads.columns) == list(LEAD_COLUMNS)
    assert list(s.lines.columns) == list(LINE_COLUMNS)
    assert list(s.problems.columns) == list(PROBLEM_COLUMNS)
    required = {
        "sessions": ["session_id", "section", "source_line", "date", "date_end", "date_raw", "date_status", "topic",
                     "working_group", "format", "format_raw", "event_count", "audience_raw", "purpose", "languages",
                     "documents", "themes", "gcm_objectives"],
        "leads": ["session_id", "name", "raw", "kind", "org_type", "affiliation"],
        "audiences": ["session_id", "audience", "raw"],
        "lines": ["line_no", "role", "session_id", "text"],
        "problems": ["line_no", "field", "severity", "message"],
    }
    for frame, cols in required.items():
        assert set(cols) <= set(getattr(s, frame).columns), frame
    assert pd.api.types.is_datetime64_any_dtype(s.sessions["date"])
    assert pd.api.types.is_datetime64_any_dtype(s.sessions["date_end"])
    assert s.sessions["source_line"].dtype == "int64"


def test_lines_frame_has_one_row_per_source_line_each_with_one_role(s: Schedule) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    assert len(s.lines) == len(text.splitlines()) == s.meta.line_count == 25
    assert s.lines["line_no"].is_unique
    assert s.lines["role"].isin(ROLES).all()
    assert s.lines["role"].value_counts().to_dict() == {
        "record": 17, "chrome": 3, "preamble": 1, "header": 1, "separator": 1, "continuation": 1, "section": 1,
    }
    owned = s.lines[s.lines["role"].isin(["record", "continuation"])]
    assert owned["session_id"].notna().all()
    assert s.lines.loc[~s.lines["role"].isin(["record", "continuation"]), "session_id"].isna().all()
    assert set(owned["session_id"]) == set(s.sessions["session_id"])
    record_lines = s.lines[s.lines["role"] == "record"].set_index("session_id")["line_no"]
    assert (s.sessions.set_index("session_id")["source_line"] == record_lines).all()


def test_session_ids_are_unique_and_stable_across_runs(s: Schedule) -> None:
    again = load_schedule(BUNDLED.read_bytes())
    assert s.sessions["session_id"].is_unique
    assert s.sessions["session_id"].tolist() == again.sessions["session_id"].tolist()
    assert s.sessions["session_id"].str.match(r"^[sp]-[0-9a-f]{8}(-\d+)?$").all()
    # ids depend on the record, not on its position: a new first row does not change the others
    text = BUNDLED.read_text(encoding="utf-8").replace(
        "7 May |", "1 May | New session | FAO | Format: Webinar | |\n7 May |", 1)
    shifted = load_schedule(text.encode())
    assert shifted.sessions["session_id"].tolist()[1:] == s.sessions["session_id"].tolist()


def test_duplicate_records_get_distinct_ids() -> None:
    sch = load_schedule(page(row("7 May", "Same"), row("7 May", "Same")).encode())
    a, b = sch.sessions["session_id"].tolist()
    assert a != b and b == f"{a}-2"


def test_preamble_and_meta(s: Schedule) -> None:
    assert s.meta.preamble == (PREAMBLE,)
    assert s.meta.year == 2020
    assert s.meta.bundled is True
    assert s.meta.encoding == "utf-8"
    assert s.meta.name == "online_series_2020.txt"
    assert s.meta.as_of == dt.date(2020, 6, 19)
    assert "UN Network on Migration" in s.meta.citation and "2020" in s.meta.citation


@pytest.mark.parametrize("kind", ["str", "path", "bytes", "file"])
def test_every_source_kind_gives_the_same_schedule(s: Schedule, kind: str) -> None:
    data = BUNDLED.read_bytes()
    source = {"str": str(BUNDLED), "path": BUNDLED, "bytes": data, "file": io.BytesIO(data)}[kind]
    other = load_schedule(source)
    pd.testing.assert_frame_equal(other.sessions, s.sessions)
    pd.testing.assert_frame_equal(other.leads, s.leads)
    pd.testing.assert_frame_equal(other.lines, s.lines)
    assert other.meta.bundled is (kind in ("str", "path"))


def test_year_parameter_moves_undated_years(s: Schedule) -> None:
    other = load_schedule(year=2021)
    dated = other.sessions[other.sessions["date_status"] == "dated"]
    assert dated["date"].dt.year.eq(2021).all()
    assert other.meta.year == 2021
    assert (dated["date"].dt.strftime("%m-%d").tolist()
            == s.sessions.loc[s.sessions["date_status"] == "dated", "date"].dt.strftime("%m-%d").tolist())


def test_written_year_wins_over_the_default() -> None:
    sch = load_schedule(page(row("1st March 2021"), row("22-23 March")).encode(), year=2019)
    assert sch.sessions["date"].tolist() == [pd.Timestamp("2021-03-01"), pd.Timestamp("2019-03-22")]
    assert sch.sessions["date_end"].tolist()[1] == pd.Timestamp("2019-03-23")
    assert sch.sessions["year_inferred"].tolist() == [False, True]


def test_unknown_names_are_kept_and_listed_as_unresolved() -> None:
    sch = load_schedule(page(row("7 May", "T", "WHO, Acme Foundation, Jane Doe")).encode())
    assert sch.leads["name"].tolist() == ["World Health Organization", "Acme Foundation", "Jane Doe"]
    assert sch.leads["resolved"].tolist() == [True, False, False]
    assert sch.leads["kind"].tolist() == ["organisation", "organisation", "unknown"]  # never silently a person
    assert sch.leads["org_type"].tolist()[1:] == ["Unknown", "Unknown"]
    person = sch.leads.iloc[2]
    assert pd.isna(person["affiliation"]) and pd.isna(person["organisation"])
    unresolved = sch.problems[sch.problems["message"].str.contains("unresolved")]
    assert unresolved["line_no"].tolist() == [3, 3]
    assert "Acme Foundation" in unresolved.iloc[0]["message"] and "Jane Doe" in unresolved.iloc[1]["message"]


def test_bad_date_is_kept_raw_with_a_problem_on_its_line() -> None:
    sch = load_schedule(page(row("7 May"), row("31 February"), row("soonish")).encode())
    assert sch.sessions["date_raw"].tolist() == ["7 May", "31 February", "soonish"]
    assert sch.sessions["date_status"].tolist() == ["dated", "unreadable", "unreadable"]
    dates = sch.problems[(sch.problems["field"] == "date") & sch.problems["session_id"].notna()]
    assert dates["line_no"].tolist() == [4, 5]
    assert dates["session_id"].tolist() == sch.sessions["session_id"].tolist()[1:]


def test_problems_are_sorted_by_line() -> None:
    sch = load_schedule(page(row("31 February", "T", "Acme Foundation"), "stray", row("8 May"), header=False)
                        .encode())
    assert sch.problems["line_no"].is_monotonic_increasing
    assert sch.problems["line_no"].tolist() == [1, 1, 1, 1, 2]  # with the assumed year's note on line 1


def test_subset_keeps_lines_and_problems_whole(s: Schedule) -> None:
    ids = s.sessions.loc[s.sessions["working_group"] == "WG2", "session_id"].tolist()
    sub = s.subset(ids)
    assert sub.sessions["session_id"].tolist() == ids
    assert set(sub.leads["session_id"]) == set(ids)
    assert set(sub.audiences["session_id"]) <= set(ids)
    assert len(sub.lines) == len(s.lines) and len(sub.problems) == len(s.problems)
    assert len(s.sessions) == 17  # the original is untouched


def test_a_partly_malformed_file_yields_what_can_be_read() -> None:
    text = page(row("7 May", "Good"), "garbage line here", "|||||", "\x07\x07 odd | bytes", row("8 May", "Also good"))
    sch = load_schedule(text.encode())
    assert "Good" in sch.sessions["topic"].tolist() and "Also good" in sch.sessions["topic"].tolist()
    assert len(sch.lines) == 7
    assert not sch.problems.empty


def test_a_mtime_as_of_for_other_files(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(page(row()), encoding="utf-8")
    sch = load_schedule(path)
    assert sch.meta.bundled is False and sch.meta.name == str(path)
    assert sch.meta.as_of == dt.date.fromtimestamp(path.stat().st_mtime)
    assert load_schedule(path.read_bytes()).meta.as_of_origin == "upload"


def test_load_schedule_raises_only_schedule_error_for_a_bad_path(tmp_path: Path) -> None:
    with pytest.raises(ScheduleError):
        load_schedule(tmp_path / "missing.txt")


def test_frames_keep_their_dtypes_when_empty() -> None:
    sch = load_schedule(page(row("7 May 2020", "T", "", "")).encode())
    assert sch.leads.empty and sch.audiences.empty and sch.problems.empty
    for frame in (sch.leads, sch.audiences, sch.problems):
        for col in frame.columns:
            assert frame[col].dtype != "float64", (col, frame[col].dtype)
    assert sch.leads["source_line"].dtype == "int64"
    assert sch.leads["resolved"].dtype == bool
    assert sch.problems["line_no"].dtype == "int64"
    assert sch.leads["name"].str.len().sum() == 0  # the .str accessor works on the empty frame
    full = load_schedule()
    for name in ("sessions", "leads", "audiences", "lines", "problems"):
        a, b = getattr(sch, name), getattr(full, name)
        assert a.dtypes.astype(str).to_dict() == b.dtypes.astype(str).to_dict(), name


def test_garbage_collection_is_restored_after_reading(tmp_path: Path) -> None:
    import gc

    assert gc.isenabled()
    load_schedule()
    assert gc.isenabled()
    with pytest.raises(ScheduleError):
        load_schedule(tmp_path / "missing.txt")
    assert gc.isenabled()
    gc.disable()
    try:
        load_schedule()
        assert not gc.isenabled()  # a caller's choice is left alone
    finally:
        gc.enable()


def test_cross_combines_codes_exactly_also_when_one_key_would_overflow() -> None:
    import numpy as np

    from analysis.schedule import _cross

    rng = np.random.default_rng(7)
    a, b, c = (rng.integers(0, k, 500) for k in (5, 7, 3))
    expected = list(zip(a.tolist(), b.tolist(), c.tolist(), strict=True))
    for size in (8, 2**25):  # 2**75 distinct keys would overflow int64: combined two at a time
        codes, combos = _cross((a, size), (b, size), (c, size))
        assert [combos[k] for k in codes] == expected
        assert len(set(combos)) == len(combos) == len(set(expected))


# ------------------------------------------------------------------------------ reading any page


# page rows, year=, expected (meta.year, meta.year_origin, dates of the records)
YEARS = [
    ([row("1st March 2021", "A"), row("4 May", "B")], None, (2021, "page", ["2021-03-01", "2021-05-04"])),
    ([row("2021-03-01", "A"), row("Thursday, 6 May", "B")], None, (2021, "page", ["2021-03-01", "2021-05-06"])),
    ([row("1st March 2021", "A"), row("4 May", "B")], 2019, (2019, "argument", ["2021-03-01", "2019-05-04"])),
    ([row("4 May", "B")], None, (2020, "assumed", ["2020-05-04"])),
    ([row("4 May", "B")], 2022, (2022, "argument", ["2022-05-04"])),
]


@pytest.mark.parametrize(("rows", "year", "expected"), YEARS, ids=[f"{r[0][:14]}-{y}" for r, y, _ in YEARS])
def test_default_year_comes_from_the_page(rows: list[str], year: int | None, expected: tuple) -> None:
    sch = load_schedule(page(*rows).encode(), year=year)
    want_year, origin, dates = expected
    assert (sch.meta.year, sch.meta.year_origin) == (want_year, origin)
    assert sch.sessions["date"].dt.strftime("%Y-%m-%d").tolist() == dates
    assumed = sch.problems[sch.problems["message"].str.contains("no year written")]
    assert len(assumed) == (origin == "assumed")
    if origin == "assumed":
        assert assumed["severity"].tolist() == ["info"]


def test_year_in_the_preamble_is_the_default() -> None:
    sch = load_schedule(page(row("4 May"), preamble="Online series 2021: all sessions are hosted …").encode())
    assert (sch.meta.year, sch.meta.year_origin) == (2021, "page")
    assert sch.sessions["date"].tolist() == [pd.Timestamp("2021-05-04")]


def test_dates_of_several_years_are_a_warning() -> None:
    sch = load_schedule(page(row("1 March 2021", "A"), row("2 March 2021", "B"), row("3 March 2022", "C"),
                             row("4 May", "D")).encode())
    assert sch.meta.year == 2021  # the year written most often
    assert sch.sessions["date"].dt.year.tolist() == [2021, 2021, 2022, 2021]
    (msg,) = sch.problems.loc[sch.problems["message"].str.contains("more than one year"), "message"]
    assert "2021, 2022" in msg


def test_bundled_page_keeps_the_year_of_source_yaml(s: Schedule) -> None:
    assert (s.meta.year, s.meta.year_origin) == (2020, "source.yaml")
    assert not s.problems["message"].str.contains("year").any()


def test_unreadable_dates_are_not_tbd() -> None:
    sch = load_schedule(page(row("Funday 1 June", "A"), row("1 May 0000", "B"), row("TBD", "C"),
                             row("x" * 5000, "D")).encode())
    assert sch.sessions["date_status"].tolist() == ["unreadable", "unreadable", "tbd", "unreadable"]
    flagged = sch.problems.loc[sch.problems["field"] == "date", "session_id"].dropna().tolist()
    ids = sch.sessions["session_id"].tolist()
    assert flagged == [ids[0], ids[1], ids[3]]


# leads cell, year=, expected working group, themes from it, the problem's words (None: no problem)
WORKPLAN = [
    ("WG2: IDC, UNICEF, UNHCR", 2020, "WG2", ("detention",), None),
    ("WG2: IDC, UNICEF, UNHCR", 2021, "WG2", (), "not in the reference for 2021"),
    ("WG1: IOM", 2020, "WG1", (), "WG1 is not a working group of the 2019–2020 workplan"),
    ("WG9: IOM", 2021, "WG9", (), "not in the reference for 2021"),
]


@pytest.mark.parametrize(("leads", "year", "wg", "themes", "words"), WORKPLAN,
                         ids=[f"{x[0][:4]}-{x[1]}" for x in WORKPLAN])
def test_working_groups_belong_to_their_workplan(leads: str, year: int, wg: str, themes: tuple,
                                                 words: str | None) -> None:
    sch = load_schedule(page(row("4 May", "Topic", leads)).encode(), year=year)
    rec = sch.sessions.iloc[0]
    assert rec["working_group"] == wg
    assert rec["themes"] == themes
    wg_problems = sch.problems[sch.problems["field"] == "working_group"]
    if words is None:
        assert wg_problems.empty
    else:
        (msg,) = wg_problems["message"]
        assert words in msg and wg_problems["session_id"].tolist() == [rec["session_id"]]


def test_titled_people_on_a_page_are_two_people_and_no_organisations() -> None:
    leads = ("IOM Director General and Coordinator of the Network António Vitorino, Special Rapporteur on "
             "contemporary forms of racism, racial discrimination, xenophobia, and related intolerance Ms. E. "
             "Tendayi Achiume")
    sch = load_schedule(page(row("28 May 2020", "Future of Human Mobility", leads)).encode())
    assert sch.leads[["name", "kind", "acronym", "unit"]].fillna("").values.tolist() == [
        ["António Vitorino", "person", "IOM", ""],
        ["E. Tendayi Achiume", "person", "OHCHR", "Special Procedures"],
    ]
    assert sch.leads["resolved"].all()
    assert "Ms. E. Tendayi Achiume" in sch.leads["raw"].iloc[1]
    assert sch.problems.empty
    assert int(sch.sessions["n_leads"].iloc[0]) == 2


def test_labels_are_unique_and_say_what_each_record_is(s: Schedule) -> None:
    assert s.sessions["label"].is_unique
    labels = s.sessions.set_index("source_line")["label"]
    assert labels[4] == "7 May · Safe and Inclusive Access to Services"
    assert labels[15] == "TBD · Alternatives to Detention"
    assert labels[19] == "TBD · Civil Society Mapping Reports"
    assert labels[20] == "TBD · CERAH + IHEID: published commentary"
    assert labels[21] == "TBD · Zolberg Institute: format not stated"
    assert labels[22] == "TBD · pipeline placeholder (line 22)"
    assert not labels.str.contains("Undated").any()


def test_repeated_labels_get_leads_then_the_line() -> None:
    sch = load_schedule(page(row("7 May 2020", "Same", "WHO"), row("7 May 2020", "Same", "FAO"),
                             row("7 May 2020", "Same", "FAO")).encode())
    assert sch.sessions["label"].tolist() == [
        "7 May · Same — WHO", "7 May · Same — FAO (line 4)", "7 May · Same — FAO (line 5)"]


def test_event_counts_add_up_to_meetings(s: Schedule) -> None:
    events = s.sessions.set_index("source_line")["event_count"]
    assert events[20] == 0  # the published commentary is no event
    assert events[22] == 0  # nor the bare placeholder
    assert events[13] == 1  # "Listening Sessions" with no number: one, flagged
    assert int(events.sum()) == 20  # 22 before publications and placeholders counted 0


def test_match_key_ignores_the_date_and_is_stable() -> None:
    older = load_schedule(page(row("19 May 2020", "Alternatives to detention", "WG2: IDC, UNICEF, UNHCR",
                                   "Format: Listening Session")).encode())
    newer = load_schedule(page(row("20 May 2020", "Alternatives to  Detention.", "WG2: IDC, UNHCR, UNICEF",
                                   "Format: Listening Sessions (2)")).encode())
    assert older.sessions["match_key"].tolist() == newer.sessions["match_key"].tolist()
    assert older.sessions["match_key"].iloc[0] == (
        "alternatives to detention|international detention coalition+unhcr+unicef|WG2")
    assert older.sessions["session_id"].tolist() != newer.sessions["session_id"].tolist()


def test_match_key_of_the_bundled_page(s: Schedule) -> None:
    keys = s.sessions.set_index("source_line")["match_key"]
    assert keys[20] == ("published commentary on covid 19 and the gcm|cerah geneva centre of humanitarian studies"
                        "+geneva graduate institute|")
    assert keys[[5, 8, 15]].nunique() == 1  # the three WG2 detention records share one: ties break by date
    assert load_schedule().sessions["match_key"].tolist() == s.sessions["match_key"].tolist()


def test_document_links_default_to_empty(s: Schedule) -> None:
    assert s.sessions["document_links"].map(lambda v: v == ()).all()


def test_several_years_are_reported_also_when_the_year_is_given() -> None:
    sch = load_schedule(page(row("1 March 2021", "A"), row("3 March 2022", "B"), row("4 May", "C")).encode(),
                        year=2020)
    assert sch.sessions["date"].dt.year.tolist() == [2021, 2022, 2020]
    (msg,) = sch.problems.loc[sch.problems["message"].str.contains("more than one year"), "message"]
    assert "dates without a year read as 2020" in msg


def test_vectorised_themes_agree_with_classify_themes(s: Schedule) -> None:
    from analysis.fields import classify_themes

    for rec in s.sessions.itertuples():
        topic = " ".join(x for x in (rec.topic, rec.publication) if isinstance(x, str) and x)
        purpose = rec.purpose if isinstance(rec.purpose, str) else ""
        wg = rec.working_group if isinstance(rec.working_group, str) else None
        assert (rec.themes, rec.gcm_objectives) == classify_themes(topic, purpose, wg, s.reference), rec.label
