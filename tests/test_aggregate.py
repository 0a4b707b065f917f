"""analysis.aggregate: metrics, breakdowns, the format × audience matrix, weekly counts, highlights, completeness."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from analysis import Schedule, load_schedule
from analysis.aggregate import (
    CHASE_COLUMNS,
    COMPLETENESS_FIELDS,
    LAST_VALUES,
    MEASURES,
    MISSING,
    NOT_APPLICABLE,
    PRESENT,
    TBD_STATE,
    chase_list,
    completeness,
    count_by,
    format_audience_matrix,
    gap_records,
    highlights,
    metrics,
    most_active_leads,
    source_text,
    timing,
    trim_matrix,
    unused_combinations,
    weekly_counts,
)
from analysis.export import readable_frame
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
    # The published commentary (line 20) and the bare "TBD |" pipeline row (line 22) hold no event.
    assert (m.records, m.events, m.dated, m.undated, m.pipeline) == (17, 20, 10, 7, 4)
    # As of 19 June 2020: 2 July and 9 July were announced, not yet held.
    assert (m.held, m.planned, m.as_of) == (8, 2, dt.date(2020, 6, 19))
    assert (m.organisations, m.people, m.audiences) == (24, 6, 6)
    assert (m.first_date, m.last_date) == (dt.date(2020, 5, 7), dt.date(2020, 7, 9))
    assert m.span == "7 May–9 Jul"


@pytest.mark.parametrize(
    ("f", "records", "events", "dated", "pipeline", "span"),
    [
        (Filters(formats=("webinar",)), 5, 5, 3, 1, "28 May–18 Jun"),
        (Filters(sections=("pipeline",)), 4, 2, 0, 4, "no dated records"),
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
        # A publication holds no event, so it has no bar in events.
        ("format", "events", {"listening session": 12, "webinar": 5, "Not stated": 1, "Migration Coffee": 1,
                              "TBD": 1}),
        # Records without an audience: "Not stated" (lines 16, 19, 21, 22), "TBD" (line 10, audience TBD);
        # the published commentary (line 20) has no audience and is left out.
        ("audience", "records", {"civil society": 7, "stakeholders": 7, "UN networks (country/regional)": 6,
                                 "Member States": 5, "Network members": 2, "UN system": 2, "Not stated": 4,
                                 "TBD": 1}),
        ("audience", "events", {"civil society": 11, "UN networks (country/regional)": 10, "stakeholders": 10,
                                "Member States": 5, "Network members": 2, "UN system": 2, "Not stated": 3,
                                "TBD": 2}),
        ("working_group", "records", {"No working group": 12, "WG2": 3, "WG3": 1, "WG6": 1}),
        ("working_group", "events", {"No working group": 12, "WG2": 4, "WG3": 2, "WG6": 2}),
        ("org_type", "records", {"UN system": 12, "Civil society": 8, "Research and academic": 3, "Inter-agency": 1}),
        ("org_type", "events", {"UN system": 17, "Civil society": 11, "Research and academic": 2, "Inter-agency": 2}),
        ("section", "records", {"schedule": 13, "pipeline": 4}),
        ("section", "events", {"schedule": 18, "pipeline": 2}),
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
    ("gcm_objective", "Objective 23", 3, 2),  # one of them is the published commentary: no event
])
def test_count_by_single_values(s: Schedule, dimension: str, value: str, records: int, events: int) -> None:
    for measure, expected in (("records", records), ("events", events)):
        out = count_by(s, dimension, measure).set_index("value")["count"]
        assert out[value] == expected


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_count_by_every_dimension_events_cover_only_values_with_records(s: Schedule, dimension: str) -> None:
    records = count_by(s, dimension, "records").set_index("value")["count"]
    events = count_by(s, dimension, "events").set_index("value")["count"]
    assert set(events.index) <= set(records.index)  # a value held only by publications has no events
    assert (records > 0).all() and (events > 0).all()


@pytest.mark.parametrize("dimension", DIMENSIONS)
@pytest.mark.parametrize("measure", MEASURES)
def test_count_by_is_sorted_largest_first_with_unstated_values_last(s: Schedule, dimension: str, measure: str) -> None:
    out = count_by(s, dimension, measure)
    named = out[~out["value"].isin(LAST_VALUES)]["count"].tolist()
    assert named == sorted(named, reverse=True)
    last = [v for v in out["value"] if v in LAST_VALUES]
    assert out["value"].tolist()[len(out) - len(last):] == last
    assert last == [v for v in LAST_VALUES if v in last]  # "Not stated" before "TBD"
    assert out["count"].dtype == "int64"


@pytest.mark.parametrize(("dimension", "total"), [("format", 17), ("working_group", 17), ("section", 17),
                                                   ("audience", 34), ("organisation", 36)])
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


def test_matrix_rows_and_columns_follow_the_bar_charts_with_unstated_last(s: Schedule) -> None:
    grid = format_audience_matrix(s)
    assert list(grid.index) == ["listening session", "webinar", "Migration Coffee", "Not stated", "TBD"]
    assert list(grid.columns) == [v for v in count_by(s, "audience")["value"]]
    assert list(grid.columns)[-2:] == ["Not stated", "TBD"]
    assert grid.to_numpy().dtype.kind == "i"
    assert (grid.to_numpy() >= 0).all()
    assert grid.loc["listening session", "civil society"] == 6
    assert grid.loc["webinar", "Member States"] == 4
    assert grid.loc["Migration Coffee", "Network members"] == 1
    assert grid.loc["listening session", "Member States"] == 0
    assert grid.loc["listening session", "TBD"] == 1  # 11 June: audience TBD
    assert grid.loc["TBD", "Not stated"] == 1  # line 16: format TBD, no audience


def test_matrix_leaves_publications_out(s: Schedule) -> None:
    grid = format_audience_matrix(s)
    assert "published commentary" not in grid.index  # a publication has no audience to set it against
    assert grid.attrs["publications"] == 1
    # Every audience of a meeting record, or its "Not stated"/"TBD", lands in exactly one cell.
    assert int(grid.to_numpy().sum()) == int(count_by(s, "audience")["count"].sum()) == 34


def test_matrix_in_events(s: Schedule) -> None:
    grid = format_audience_matrix(s, "events")
    assert grid.loc["listening session", "civil society"] == 10  # 2 + 2 + 2 + 1 + 2 + 1
    assert list(grid.columns) == [v for v in count_by(s, "audience", "events")["value"] if v in grid.columns]
    assert grid.loc["Not stated", "Not stated"] == 1  # line 21 holds one event; the bare line 22 none


def test_unused_combinations_are_the_zero_cells_of_stated_values(s: Schedule) -> None:
    grid = format_audience_matrix(s)
    gaps = unused_combinations(grid)
    assert ("listening session", "Member States") in gaps
    assert ("listening session", "civil society") not in gaps
    assert all(grid.loc[f, a] == 0 for f, a in gaps)
    assert not any(f in LAST_VALUES or a in LAST_VALUES for f, a in gaps)
    assert len(gaps) == 8  # 3 stated formats × 6 audiences = 18 cells, 10 of them used


def test_a_filter_drops_the_rows_and_columns_it_empties(s: Schedule) -> None:
    sub = apply_filters(s, Filters(formats=("webinar",)))
    grid = trim_matrix(format_audience_matrix(sub), s)
    assert list(grid.index) == ["webinar"]
    assert "civil society" in grid.columns and "UN networks (country/regional)" not in grid.columns
    assert (grid.sum(axis=0) > 0).all() and (grid.sum(axis=1) > 0).all()
    assert int(grid.loc["webinar"].sum()) == 11


def test_trim_drops_zero_rows_and_columns_without_mutating() -> None:
    grid = pd.DataFrame([[0, 1, 0], [0, 0, 0]], index=["a", "b"], columns=["x", "y", "z"])
    grid.attrs["publications"] = 2
    out = trim_matrix(grid)
    assert out.shape == (1, 1) and out.loc["a", "y"] == 1
    assert out.attrs["publications"] == 2
    assert grid.shape == (2, 3)


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
    # As of 19 June 2020, 2 July and 9 July are planned, never called held.
    assert text[0] == ("**8 held** by 19 June 2020 (12 events); **2 planned** after it (3 events); "
                       "**7 undated**.")
    assert text[1].startswith("Audiences reached, in events: **civil society (11), stakeholders (10)")
    assert "Not stated" not in text[1]
    assert "Most active co-lead: **UNICEF** (5 records)." in text
    assert any("week of 8 June" in line and "4 events" in line for line in text)
    assert any("**listening session** (7 of 17 records)" in line for line in text)
    assert any(line.startswith("8 format × audience combinations never used") for line in text)
    assert any("7 of 17 records have no date yet (4 of them in the pipeline)" in line for line in text)


def test_highlights_name_ties_together(s: Schedule) -> None:
    text = highlights(apply_filters(s, Filters(themes=("gender",))))
    assert "Most active co-leads: **UN Women, WIMN** (2 records each)." in text


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
    # The published commentary (line 20) is not expected to have an audience.
    assert set(comp[list(COMPLETENESS_FIELDS)].to_numpy().ravel()) == {PRESENT, TBD_STATE, MISSING, NOT_APPLICABLE}
    assert row_of(comp, 20)["audience"] == NOT_APPLICABLE
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


# ------------------------------------------------------------------------------ held / planned / undated


def _as_of(schedule: Schedule, as_of: dt.date | None) -> Schedule:
    return replace(schedule, meta=replace(schedule.meta, as_of=as_of))


@pytest.mark.parametrize(("as_of", "held", "planned"), [
    (dt.date(2020, 6, 19), 8, 2),  # the bundled capture: 2 and 9 July announced, not yet held
    (dt.date(2020, 7, 2), 9, 1),  # a record dated on the as-of day counts as held
    (dt.date(2020, 5, 1), 0, 10),
    (None, 10, 0),  # as-of date unknown: every dated record counts as held
])
def test_timing_compares_dates_with_the_as_of_date(s: Schedule, as_of: dt.date | None, held: int, planned: int) -> None:
    when = timing(_as_of(s, as_of))
    assert when.index.equals(s.sessions.index)
    assert (int((when == "held").sum()), int((when == "planned").sum()), int((when == "undated").sum())) == (
        held, planned, 7)
    assert (when == "undated").equals(s.sessions["date"].isna())


def test_metrics_and_highlights_never_call_a_planned_record_held(s: Schedule) -> None:
    early = _as_of(s, dt.date(2020, 5, 1))
    assert (metrics(early).held, metrics(early).planned) == (0, 10)
    first = highlights(early)[0]
    assert first.startswith("**0 held** by 1 May 2020") and "**10 planned**" in first


# ------------------------------------------------------------------------------ chase list


def test_chase_list_columns_and_rows(s: Schedule) -> None:
    chase = chase_list(s)
    assert list(chase.columns) == list(CHASE_COLUMNS)
    # Every undated record and every pipeline item is on it; 11 June (audience and purpose TBD) too.
    assert sorted(int(str(x).split("–")[0]) for x in chase["source line(s)"]) == [10, 15, 16, 17, 19, 20, 21, 22]
    assert chase["item"].is_unique
    assert chase["missing count"].dtype == "int64"
    assert chase["missing count"].is_monotonic_decreasing


@pytest.mark.parametrize(("line", "leads", "wg", "status", "missing"), [
    ("15", "IDC, UNICEF, UNHCR", "WG2 · Alternatives to detention", "to be scheduled", "date (TBD)"),
    ("16", "UNICEF, MGCY, Child Rights Initiative", "–", "to be scheduled",
     "date (TBD), format (TBD), audience (missing), purpose (missing)"),
    ("19", "MMC, others (unnamed)", "–", "to be scheduled", None),
    ("10", "WIMN, UN Women", "–", "held 11 Jun", "audience (TBD), purpose (TBD)"),
    ("22", "not stated", "–", "to be scheduled", None),
])
def test_chase_list_says_who_leads_and_what_is_missing(s: Schedule, line: str, leads: str, wg: str, status: str,
                                                       missing: str | None) -> None:
    row = chase_list(s).set_index("source line(s)").loc[line]
    assert (row["leads"], row["working group"], row["date status"]) == (leads, wg, status)
    if missing is not None:
        assert row["what is missing"] == missing
    assert row["missing count"] == row["what is missing"].count("(")


def test_chase_list_has_no_missing_value_words(s: Schedule) -> None:
    for frame in (chase_list(s), chase_list(apply_filters(s, Filters(sections=("pipeline",))))):
        for value in frame.drop(columns="missing count").to_numpy().ravel():
            assert isinstance(value, str) and value.strip(), frame
            assert not ({"nan", "None", "NaT", "<NA>"} & set(value.replace(",", " ").split()))


def test_chase_list_sorts_by_days_waiting_within_the_same_missing_count(s: Schedule) -> None:
    chase = chase_list(s)
    ids = chase["session_id"].tolist()
    ageing = pd.DataFrame({"session_id": ids, "first_seen": [dt.date(2020, 5, 1)] * len(ids),
                           "days_waiting": list(range(len(ids))), "ever_dated": [False] * len(ids)})
    aged = chase_list(s, ageing)
    assert list(aged.columns) == [*CHASE_COLUMNS, "days waiting", "first seen"]
    keys = list(zip(-aged["missing count"], -aged["days waiting"], strict=True))
    assert keys == sorted(keys)
    # The two records missing only their date: the one waiting longer comes first.
    one = aged[aged["missing count"] == 1]
    assert one["days waiting"].is_monotonic_decreasing
    assert set(aged["first seen"]) == {"1 May 2020"}
    # Items the ageing frame does not track have no days: last, shown as "" (never "nan" or "None").
    partial = chase_list(s, ageing.iloc[:2])
    assert partial["days waiting"].dtype == "Int64"
    assert partial["days waiting"].notna().sum() == 2
    for _, group in partial.groupby("missing count"):  # within a missing count, unknown days come last
        unknown = group["days waiting"].isna().tolist()
        assert unknown == sorted(unknown)
    shown = readable_frame(partial)
    assert not {"nan", "None", "<NA>", "NaT"} & {str(v) for v in shown.to_numpy().ravel()}
    assert "nan" not in " ".join(partial["first seen"])


def test_chase_list_with_a_single_capture_adds_no_misleading_days(s: Schedule) -> None:
    ids = chase_list(s)["session_id"].tolist()
    single = pd.DataFrame({"session_id": ids, "first_seen": pd.NaT, "days_waiting": pd.array([pd.NA] * len(ids),
                                                                                             dtype="Int64"),
                           "ever_dated": False})
    assert list(chase_list(s, single).columns) == list(CHASE_COLUMNS)


UNREADABLE_PAGE = """Date | Topic | Working Group (WG) and Co-leads | Format, Audience and Purpose | Documents |
---|---|---|---|---|
Funday 1 June | Unreadable date | UNICEF | Format: Webinar Audience: Member States Purpose: x | |
TBD | Not yet scheduled | UNICEF | Format: Webinar Audience: Member States Purpose: x | |
"""


def test_chase_list_tells_an_unreadable_date_from_one_to_be_scheduled() -> None:
    sched = load_schedule(UNREADABLE_PAGE.encode())
    status = dict(zip(chase_list(sched)["source line(s)"], chase_list(sched)["date status"], strict=True))
    assert status["4"] == "to be scheduled"
    assert status["3"] == "unreadable date: “Funday 1 June”"


def test_source_text_gives_the_original_lines(s: Schedule) -> None:
    sid = s.sessions.loc[s.sessions["source_line"] == 5, "session_id"].iloc[0]
    text = source_text(s, sid)
    assert text.startswith("5: 20 May | Alternatives to detention | WG2: IDC, UNICEF, UNHCR")
    assert source_text(s, "no-such-record") == ""


def test_chase_list_takes_the_ageing_of_two_captures(s: Schedule) -> None:
    from analysis.ageing import ageing
    from analysis.store import CaptureInfo

    def info(i: int, as_of: dt.date) -> CaptureInfo:
        return CaptureInfo(id=i, name=f"capture {i}", source_name="page.txt", as_of=as_of, as_of_origin="given",
                           sha256=str(i) * 64, added_at=dt.datetime(2020, 7, 1), records=len(s.sessions),
                           partial=False, bundled=False, source_kind="pipe")

    history = [(info(1, dt.date(2020, 6, 1)), s), (info(2, dt.date(2020, 6, 19)), s)]
    aged = chase_list(s, ageing(history, 2))
    undated = aged[aged["date status"] == "to be scheduled"]
    assert (undated["days waiting"] == 18).all()  # seen on 1 June, still undated on 19 June
    assert set(undated["first seen"]) == {"1 June 2020"}
    shown = readable_frame(aged)
    assert not {"nan", "None", "<NA>", "NaT"} & {str(v) for v in shown.to_numpy().ravel()}


def test_unrecognised_lead_names_are_counted_apart_from_people() -> None:
    page = (
        b"Date | Topic | Working Group (WG) and Co-leads | Format, Audience and Purpose | Documents |\n"
        b"---|---|---|---|---|\n"
        b"3 March | Remittances | Kofi Mensah Ampadu, IOM | Format: Webinar Audience: Member States | |\n"
        b"4 March | Labour | Zanzibar Harbour Collective, ILO | Format: Webinar Audience: Member States | |\n"
    )
    m = metrics(load_schedule(page, name="unknown-names.txt", year=2021))
    assert (m.unrecognised, m.people) == (2, 0)
    assert m.organisations == 4  # IOM, ILO and the two names as written
