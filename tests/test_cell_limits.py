"""Cell parsers on hostile cells: long runs of spaces and separators take linear time, whatever the column.

Timing bounds are generous (a busy 2-core machine); the figures themselves belong in benchmarks.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schedule_pages import page, row

from analysis import load_reference, load_schedule
from analysis.fields import (
    MAX_DATE_CHARS,
    looks_like_date,
    parse_date,
    parse_format_cell,
    parse_leads,
    split_purpose,
)

REF = load_reference()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MB = 1_000_000

# What a hostile cell is made of: the characters the cell patterns care about.
HOSTILE = st.text(alphabet=st.sampled_from(list(" \t,;.:-–—&/|()0123456789aAndMayJuneTBDWG PurposeFormat:")),
                  max_size=5000)


@SETTINGS
@given(HOSTILE)
def test_cell_parsers_accept_long_hostile_text(text: str) -> None:
    d = parse_date(text, 2020)
    assert d.status in {"dated", "tbd", "unreadable"} and d.raw == text
    assert (d.date is None) == (d.status != "dated")
    leads = parse_leads(text, REF)
    assert leads.raw == text
    assert all(lead.kind in {"organisation", "person", "unknown"} for lead in leads.leads)
    fmt = parse_format_cell(text, REF)
    assert fmt.raw == text and fmt.event_count >= 0
    looks_like_date(text)


@SETTINGS
@given(HOSTILE)
def test_split_purpose_agrees_with_the_whole_cell(text: str) -> None:
    split = split_purpose(text)
    whole = parse_format_cell(text, REF)
    if split is not None:
        rest, purpose = split
        assert purpose == whole.purpose
        part = parse_format_cell(rest, REF)
        assert (part.format, part.format_raw, part.event_count, part.audience_raw, part.audiences) == (
            whole.format, whole.format_raw, whole.event_count, whole.audience_raw, whole.audiences)


def test_a_date_cell_over_the_cap_is_not_a_date() -> None:
    text = "7 May" + " " * MAX_DATE_CHARS + "."
    assert parse_date(text, 2020).status == "unreadable"
    assert not looks_like_date(text)


# Runs that made the old patterns quadratic: spaces, separators, and near-matches repeated.
RUNS = [
    " " * MB,
    " ," * (MB // 2),
    "\t;" * (MB // 2),
    "7 " * (MB // 2),
    " and " * (MB // 5),
    "WG2" + " " * MB + ":",
    "Format:" + " " * MB,
    "1 - " * (MB // 4),
    ", ".join(f"x{i % 7}" for i in range(MB // 5)),  # lower-case parts: each carries on the phrase before it
    "UNICEF, " + ", ".join(f"role {i}" for i in range(MB // 10)),
]


@pytest.mark.parametrize("cell", RUNS, ids=[repr(r[:8]) for r in RUNS])
def test_a_megabyte_cell_parses_in_well_under_two_seconds(cell: str) -> None:
    for parse in (lambda: parse_date(cell, 2020), lambda: parse_leads(cell, REF),
                  lambda: parse_format_cell(cell, REF), lambda: looks_like_date(cell)):
        start = time.perf_counter()
        parse()
        assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize("column", range(5))
def test_a_page_with_a_megabyte_cell_in_any_column_loads_quickly(column: int) -> None:
    cells = ["7 May", "Topic", "WHO", "Format: Webinar", ""]
    cells[column] = " ," * (MB // 2) + cells[column]
    start = time.perf_counter()
    sch = load_schedule(page(row(*cells)).encode())
    assert time.perf_counter() - start < 4.0  # the whole page: read, classified, parsed, framed
    assert len(sch.sessions) == 1
