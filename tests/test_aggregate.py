"""analysis.aggregate: metrics, breakdowns, the format × audience matrix, weekly counts, highlights, completeness."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis import Schedule, load_schedule
from analysis.aggregate import (
    COMPLETENESS_FIELDS,
    MEASURES,
    MISSING,
    PRESENT,
    TBD_STATE,
    completeness,
    count_by,
    format_audience_matrix,
    gap_records,
    highlights,
    metrics,
    most_active_leads,
    trim_matrix,
    unused_combinations,
    weekly_counts,
)
from analysis.filters import Filters, apply_filters

DIMENSIONS = ("format", "audience", "working_group", "org_type", "organisation", "theme", "gcm_objective", "section")


@pytest.fixture(scope="module")
def s() -> Schedule:
    return load_schedule()


@pytest.fixture(scope="module")
def empty(s: Schedule) -> Schedule:
    return apply_filters(s, Filters(formats=("webinar",), working_groups=("WG6",)))


def row_of(frame: pd.DataFrame, line: int) -> pd.Series:
    rows = frame[frame["source_line"] == line]
    assert len(rows) == 1
    return rows.iloc[0]


# ------------------------------------------------------------------------------ metrics


def test_metrics_on_the_bundled_page(s: Schedule) -> None:
    m = metrics(s)
    assert (m.records, m.events, m.dated, m.undated, m.pipeline) == (17, 22, 10, 7, 4)
    assert (m.organisations, m.people, m.audiences) == (24, 6, 6)
    assert (m.first_date, m.last_date) == (dt.date(2020, 5, 7), dt.date(2020, 7, 9))
    assert m.span == "7 May–9 Jul"


@pytest.mark.parametrize(
    ("f", "records", "events", "dated", "pipeline", "span"),
    [
        (Filters(formats=("webinar",)), 5, 5, 3, 1, "28 May–18 Jun"),
        (Filters(sections=("pipeline",)), 4, 4, 0, 4, "no dated records"),
        (Filters(organisations=("Food and Agriculture Organization",)), 1, 1, 1, 0, "2 Jul"),
    ],
)
def test_metrics_follow_the_filters(s: Schedule, f: Filters, records: int, events: int, dated: int, pipeline: int,
                                    span: str) -> None:
    m = metrics(apply_filters(s, f))
    assert (m.records, m.events, m.dated, m.pipeline, m.span) == (records, events, dated, pipeline, span)
    assert m.undated == records - dated


def test_metrics_of_nothing_are_zero(empty: Schedule) -> None:
    m = metrics(empty)
    assert (m.records, m.events, m.dated, m.undated, m.organisations, m.people) == (0, 0, 0, 0, 0, 0)
    assert m.first_date is None and m.span == "no dated records"


# ------------------------------------------------------------------------------ breakdowns


@pytest.mark.parametrize(
    ("dimension", "measure", "expected"),
    [
        ("format", "records", {"listening session": 7, "webinar": 5, "Not stated": 2, "Migration Coffee": 1,
                               "TBD": 1, "published commentary": 1}),
        ("format", "events", {"listening session": 12, "webinar": 5, "Not stated": 2, "Migration Coffee": 1,
                              "TBD": 1, "published commentary": 1}),
        ("audience", "records", {"civil society": 7, "stakeholders": 7, "UN networks (country/regional)": 6,
                                 "Member States": 5, "Network members": 2, "UN system": 2}),
        ("audience", "events", {"civil society": 11, "UN networks (country/regional)": 10, "stakeholders": 10,
                                "Member States": 5, "Network members": 2, "UN system": 2}),
        ("working_group", "records", {"No working group": 12, "WG2": 3, "WG3": 1, "WG6": 1}),
        ("working_group", "events", {"No working group": 14, "WG2": 4, "WG3": 2, "WG6": 2}),
        ("org_type", "records", {"UN system": 12, "Civil society": 8, "Research and academic": 3, "Inter-agency": 1}),
        ("org_type", "events", {"UN system": 17, "Civil society": 11, "Research and academic": 3, "Inter-agency": 2}),
        ("section", "records", {"schedule": 13, "pipeline": 4}),
        ("section", "events", {"schedule": 18, "pipeline": 4}),
    ],
)
def test_count_by(s: Schedule, dimension: str, measure: str, expected: dict[str, int]) -> None:
    out = count_by(s, dimension, measure)
    assert list(out.columns) == ["value", "count"]
    assert dict(zip(out["value"], out["count"], strict=True)) == expected


@pytest.mark.parametrize(("dimension", "value", "records", "events"), [
    ("organisation", "UNICEF", 5, 6),
    ("organisation", "UNHCR", 4, 5),
    ("organisation", "International Detention Coalition", 3, 4),
    ("organisation", "UN Development Programme", 1, 1),  # led only through Asako Okai
    ("theme", "detention", 3, 4),
    ("theme", "gender", 2, 3),
    ("gcm_objective", "Objective 13", 3, 4),
    ("gcm_objective", "Objective 23", 3, 3),
])
def test_count_by_single_values(s: Schedule, dimension: str, value: str, records: int, events: int) -> None:
    for measure, expected in (("records", records), ("events", events)):
        out = count_by(s, dimension, measure).set_index("value")["count"]
        assert out[value] == expected


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_count_by_every_dimension_events_at_least_records(s: Schedule, dimension: str) -> None:
    records = count_by(s, dimension, "records").set_index("value")["count"]
    events = count_by(s, dimension, "events").set_index("value")["count"]
    assert set(records.index) == set(events.index)
    assert (events.reindex(records.index) >= records).all()
    assert (records > 0).all()


@pytest.mark.parametrize("dimension", DIMENSIONS)
@pytest.mark.parametrize("measure", MEASURES)
def test_count_by_is_sorted_largest_first(s: Schedule, dimension: str, measure: str) -> None:
    counts = count_by(s, dimension, measure)["count"].tolist()
    assert counts == sorted(counts, reverse=True)
    assert count_by(s, dimension, measure)["count"].dtype == "int64"


@pytest.mark.parametrize(("dimension", "total"), [("format", 17), ("working_group", 17), ("section", 17),
                                                   ("audience", 29), ("organisation", 36)])
def test_count_by_totals(s: Schedule, dimension: str, total: int) -> None:
    # One count per record for single-valued dimensions; one per (record, value) for multi-valued ones.
    assert int(count_by(s, dimension)["count"].sum()) == total


def test_organisation_count_is_one_per_node_with_24_organisations(s: Schedule) -> None:
    out = count_by(s, "organisation")
    assert len(out) == 24
    assert out.iloc[0].to_dict() == {"value": "UNICEF", "count": 5}
    assert most_active_leads(s, 2)["value"].tolist() == ["UNICEF", "UNHCR"]


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_count_by_on_nothing_is_empty(empty: Schedule, dimension: str) -> None:
    assert count_by(empty, dimension).empty


@pytest.mark.parametrize(("dimension", "measure"), [("colour", "records"), ("format", "minutes")])
def test_count_by_rejects_unknown_dimension_or_measure(s: Schedule, dimension: str, measure: str) -> None:
    with pytest.raises(ValueError):
        count_by(s, dimension, measure)


# ------------------------------------------------------------------------------ format × audience


def test_matrix_is_the_full_vocabulary_grid_with_zeros(s: Schedule) -> None:
    grid = format_audience_matrix(s)
    assert list(grid.index) == [c.name for c in s.reference.formats]
    assert list(grid.columns) == [c.name for c in s.reference.audiences]
    assert grid.to_numpy().dtype.kind == "i"
    assert (grid.to_numpy() >= 0).all()
    assert grid.loc["listening session", "civil society"] == 6
    assert grid.loc["webinar", "Member States"] == 4
    assert grid.loc["Migration Coffee", "Network members"] == 1
    assert grid.loc["listening session", "Member States"] == 0
    assert grid.loc["meeting"].sum() == 0
    # Every audience of a record with a vocabulary format lands in exactly one cell.
    assert int(grid.to_numpy().sum()) == 29


def test_matrix_in_events(s: Schedule) -> None:
    grid = format_audience_matrix(s, "events")
    assert grid.loc["listening session", "civil society"] == 10  # 2 + 2 + 2 + 1 + 2 + 1
    assert (grid >= format_audience_matrix(s, "records")).all().all()


def test_unused_combinations_are_exactly_the_zero_cells(s: Schedule) -> None:
    grid = format_audience_matrix(s)
    gaps = unused_combinations(grid)
    assert len(gaps) == int((grid.to_numpy() == 0).sum())
    assert ("listening session", "Member States") in gaps
    assert ("listening session", "civil society") not in gaps
    assert all(grid.loc[f, a] == 0 for f, a in gaps)


def test_trim_keeps_formats_and_audiences_used_anywhere(s: Schedule) -> None:
    grid = trim_matrix(format_audience_matrix(s), s)
    assert list(grid.index) == ["listening session", "webinar", "Migration Coffee", "published commentary"]
    assert "academia" not in grid.columns and "general public" not in grid.columns
    assert len(grid.columns) == 6
    assert len(unused_combinations(grid)) == 14


def test_trim_against_the_full_schedule_keeps_gaps_of_a_filtered_view(s: Schedule) -> None:
    sub = apply_filters(s, Filters(formats=("webinar",)))
    grid = trim_matrix(format_audience_matrix(sub), s)
    assert grid.shape == (4, 6)
    assert grid.loc["listening session"].sum() == 0
    assert grid.loc["webinar"].sum() == 10


# ------------------------------------------------------------------------------ weekly counts


def test_weekly_counts_cover_every_week_with_zeros(s: Schedule) -> None:
    weeks = weekly_counts(s)
    assert weeks["week"].iloc[0] == pd.Timestamp("2020-05-04")
    assert weeks["week"].iloc[-1] == pd.Timestamp("2020-07-06")
    assert (weeks["week"].diff().dropna() == pd.Timedelta(days=7)).all()
    assert (weeks["week"].dt.day_of_week == 0).all()
    assert len(weeks) == 10
    assert weeks["records"].tolist() == [1, 0, 1, 1, 1, 2, 2, 0, 1, 1]
    assert weeks["events"].tolist() == [2, 0, 2, 1, 1, 4, 2, 0, 1, 2]
    assert int(weeks["records"].sum()) == 10  # every dated record once; undated ones are not in a week


def test_weekly_counts_of_undated_records_only_is_empty(s: Schedule) -> None:
    weeks = weekly_counts(apply_filters(s, Filters(sections=("pipeline",))))
    assert weeks.empty
    assert list(weeks.columns) == ["week", "records", "events"]


# ------------------------------------------------------------------------------ highlights


def test_highlights_on_the_bundled_page(s: Schedule) -> None:
    text = highlights(s)
    assert text[0] == "Most active co-lead: **UNICEF** (5 records)."
    assert any("week of 8 June" in line and "4 events" in line for line in text)
    assert any("**listening session** (7 of 17 records)" in line for line in text)
    assert any(line.startswith("14 format × audience combinations never used") for line in text)
    assert any("7 of 17 records have no date yet (4 of them in the pipeline)" in line for line in text)


def test_highlights_name_ties_together(s: Schedule) -> None:
    text = highlights(apply_filters(s, Filters(themes=("gender",))))
    assert text[0] == "Most active co-leads: **UN Women, WIMN** (2 records each)."


def test_highlights_of_nothing_is_empty(empty: Schedule) -> None:
    assert highlights(empty) == []


# ------------------------------------------------------------------------------ completeness


@pytest.mark.parametrize(
    ("line", "states"),
    [
        (10, {"date": PRESENT, "topic": PRESENT, "leads": PRESENT, "format": PRESENT, "audience": TBD_STATE,
              "purpose": TBD_STATE, "documents": MISSING}),
        (12, dict.fromkeys(COMPLETENESS_FIELDS, PRESENT)),
        (15, {"date": TBD_STATE, "topic": PRESENT, "leads": PRESENT, "format": PRESENT, "audience": PRESENT,
              "purpose": PRESENT, "documents": MISSING}),
        (16, {"date": TBD_STATE, "topic": PRESENT, "leads": PRESENT, "format": TBD_STATE, "audience": MISSING,
              "purpose": MISSING, "documents": MISSING}),
        (19, {"date": MISSING, "topic": PRESENT, "leads": PRESENT, "format": PRESENT, "audience": MISSING,
              "purpose": MISSING, "documents": MISSING}),
        (22, {"date": MISSING, "topic": TBD_STATE, "leads": MISSING, "format": MISSING, "audience": MISSING,
              "purpose": MISSING, "documents": MISSING}),
    ],
)
def test_completeness_states(s: Schedule, line: int, states: dict[str, str]) -> None:
    row = row_of(completeness(s), line)
    assert {f: row[f] for f in COMPLETENESS_FIELDS} == states
    assert row["n_missing"] == sum(v != PRESENT for v in states.values())


def test_the_bare_pipeline_row_misses_everything_and_comes_first(s: Schedule) -> None:
    comp = completeness(s)
    first = comp.iloc[0]
    assert first["source_line"] == 22
    assert first["n_missing"] == len(COMPLETENESS_FIELDS)
    assert (first[list(COMPLETENESS_FIELDS)] != PRESENT).all()
    assert comp.iloc[-1]["source_line"] == 12 and comp.iloc[-1]["what_is_missing"] == "nothing"


def test_completeness_is_one_row_per_record_sorted_by_what_is_missing(s: Schedule) -> None:
    comp = completeness(s)
    assert len(comp) == 17
    assert set(comp["session_id"]) == set(s.sessions["session_id"])
    keys = list(zip(-comp["n_missing"], comp["source_line"], strict=True))
    assert keys == sorted(keys)
    assert set(comp[list(COMPLETENESS_FIELDS)].to_numpy().ravel()) == {PRESENT, TBD_STATE, MISSING}
    assert row_of(comp, 10)["what_is_missing"] == "audience (TBD), purpose (TBD), documents (missing)"


def test_gap_records_include_every_undated_and_pipeline_record(s: Schedule) -> None:
    gaps = gap_records(s)
    undated = s.sessions.loc[s.sessions["date"].isna(), "session_id"]
    pipeline = s.sessions.loc[s.sessions["section"] == "pipeline", "session_id"]
    assert set(undated) | set(pipeline) <= set(gaps["session_id"])
    assert sorted(gaps["source_line"]) == [10, 15, 16, 17, 19, 20, 21, 22]  # 11 June: audience and purpose TBD
    keys = list(zip(-gaps["n_missing"], gaps["source_line"], strict=True))
    assert keys == sorted(keys)
    assert "documents" not in " ".join(gaps["what_is_missing"])
    assert row_of(gaps, 15)["what_is_missing"] == "date (TBD)"


def test_completeness_never_mutates_its_input(s: Schedule) -> None:
    before = s.sessions.copy(deep=True)
    completeness(s)
    gap_records(s)
    pd.testing.assert_frame_equal(before, s.sessions)


def test_completeness_of_nothing_is_empty(empty: Schedule) -> None:
    assert completeness(empty).empty
    assert gap_records(empty).empty
