"""analysis.readers: every input shape of a capture gives the bundled page's records; hostile files are refused.

Fixtures come from :mod:`capture_shapes` (built from the page's facts). Hardening cases: devices, FIFOs,
wide encodings, trailing binary garbage, quadratic-pattern bait and the time budget.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from capture_shapes import COLUMNS, PIPELINE, RECORDS, SESSIONS, SHAPES, TITLE, WEBINAR_URL, saved_html, tab_pasted
from schedule_pages import BUNDLED, PREAMBLE, page, row

from analysis import Schedule, ScheduleError, load_schedule
from analysis.reader import MAX_BYTES, ROLES, classify, decode, is_separator, split_lines
from analysis.readers import read_table
from analysis.readers.detect import detect
from analysis.reference import load_reference

# Fields that depend on where a record sits in its file, not on what it says.
# (A placeholder's label names its line.)
POSITIONAL = {"source_line", "source_lines", "document_links", "label"}
_LINE_IN_LABEL = re.compile(r"\(line \d+\)")


@pytest.fixture(scope="module")
def bundled() -> Schedule:
    return load_schedule()


def assert_one_sentence(message: str) -> None:
    assert message and "\n" not in message and message.endswith("."), message
    assert not re.search(r"\.\s+[A-Z]", message), f"more than one sentence: {message!r}"


# ------------------------------------------------------------------------------------ every shape


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPES)
def test_each_shape_gives_the_bundled_records_with_the_same_fields(shape: str, bundled: Schedule) -> None:
    s = load_schedule(SHAPES[shape](), name=f"capture.{shape}", year=2020)
    assert s.meta.source_kind == shape.split("-")[0]
    assert len(s.sessions) == RECORDS == 17
    fields = [c for c in bundled.sessions.columns if c not in POSITIONAL]
    pd.testing.assert_frame_equal(s.sessions[fields], bundled.sessions[fields])
    labels = [_LINE_IN_LABEL.sub("(line)", x) for x in s.sessions["label"]]
    assert labels == [_LINE_IN_LABEL.sub("(line)", x) for x in bundled.sessions["label"]]
    lead_fields = [c for c in bundled.leads.columns if c != "source_line"]
    pd.testing.assert_frame_equal(s.leads[lead_fields], bundled.leads[lead_fields])
    assert (s.sessions["date_status"] == "dated").sum() == 10
    assert (s.sessions["working_group"] == "WG2").sum() == 3


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPES)
def test_each_shape_accounts_for_every_row_in_lines(shape: str) -> None:
    s = load_schedule(SHAPES[shape](), name=f"capture.{shape}")
    lines = s.lines
    assert lines["line_no"].tolist() == list(range(1, len(lines) + 1))
    assert set(lines["role"]) <= set(ROLES)
    assert (lines["role"] == "section").sum() == 1
    owned = lines[lines["role"].isin(["record", "continuation"])]
    assert owned["session_id"].notna().all()
    assert set(owned["session_id"]) == set(s.sessions["session_id"])
    assert not (lines["role"] == "rejected").any()
    # every record's source line is a record line of the lines frame
    record_lines = lines.loc[lines["role"] == "record", "line_no"].tolist()
    assert s.sessions["source_line"].tolist() == record_lines


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPES)
def test_each_shape_keeps_the_page_title_and_preamble(shape: str) -> None:
    s = load_schedule(SHAPES[shape](), name=f"capture.{shape}")
    assert s.meta.title == TITLE
    if shape.startswith("csv"):
        assert s.meta.preamble == ()  # a spreadsheet export holds the table only
    else:
        assert s.meta.preamble == (PREAMBLE,)


def test_html_lines_are_table_rows_and_title_and_nav_pipes_are_not_rows() -> None:
    s = load_schedule(saved_html(), name="saved.html")
    # header + 13 sessions + the section row + 4 pipeline rows; nothing from <title>, <nav> or <script>
    assert len(s.lines) == 1 + len(SESSIONS) + 1 + len(PIPELINE) == s.meta.line_count
    assert s.lines["role"].tolist()[:2] == ["header", "record"]
    text = " ".join(s.lines["text"])
    for outside in ("Home", "About", "News", "Skip to main content", "United Nations Network on Migration",
                    "References to Kosovo", "Newsletter"):
        assert outside not in text
    section = s.lines[s.lines["role"] == "section"]
    assert section["text"].tolist() == ["Pipeline (full details tbc)"]
    assert s.sessions["section"].tolist() == ["schedule"] * len(SESSIONS) + ["pipeline"] * len(PIPELINE)


def test_html_keeps_document_link_texts_and_hrefs() -> None:
    links = {
        "7 May": (("Reflections", "https://migrationnetwork.un.org/files/reflections-7-may.pdf"),),
        "20 May": (("Reflections", "/sites/default/files/reflections-20-may.pdf"),),
        "18th June": (("Full Webinar", WEBINAR_URL), ("Slides", "slides.pdf")),
    }
    s = load_schedule(saved_html(links=links), name="saved.html")
    by_date = s.sessions.set_index("date_raw")
    for date, expected in links.items():
        assert by_date.loc[date, "document_links"] == expected
        assert by_date.loc[date, "documents"] == " ".join(text for text, _ in expected)
    others = s.sessions[~s.sessions["date_raw"].isin(links)]
    assert (others["document_links"].map(len) == 0).all()


def test_html_modified_date_is_the_as_of_date() -> None:
    page = saved_html().replace(b"<meta charset=\"utf-8\">",
                                b'<meta charset="utf-8"><meta property="article:modified_time" '
                                b'content="2020-06-19T10:43:00+02:00">')
    s = load_schedule(page, name="saved.html")
    assert (s.meta.as_of, s.meta.as_of_origin) == (dt.date(2020, 6, 19), "page")
    given = load_schedule(page, name="saved.html", as_of=dt.date(2020, 7, 1))
    assert (given.meta.as_of, given.meta.as_of_origin) == (dt.date(2020, 7, 1), "given")
    assert load_schedule(saved_html(), name="saved.html").meta.as_of_origin == "upload"


def test_html_rowspan_and_colspan_fill_the_grid() -> None:
    data = (
        b"<html><body><table><tr><th>Date</th><th>Topic</th><th>Co-leads</th><th>Format</th><th>Documents</th></tr>"
        b"<tr><td rowspan='2'>2nd July</td><td>Agriculture 09-10h</td><td>FAO</td><td>Format: Webinar</td><td></td>"
        b"</tr><tr><td>Agriculture 16-17h</td><td>FAO</td><td>Format: Webinar</td><td></td></tr>"
        b"<tr><td colspan='99999999'>Pipeline (full details tbc)</td></tr>"
        b"<tr><td>TBD</td><td>FAO</td><td>Webinar</td></tr></table></body></html>"
    )
    s = load_schedule(data, name="spans.html", year=2020)
    assert s.sessions["date_raw"].tolist()[:2] == ["2nd July", "2nd July"]
    assert s.sessions["topic"].tolist()[:2] == ["Agriculture 09-10h", "Agriculture 16-17h"]
    assert s.sessions["section"].tolist() == ["schedule", "schedule", "pipeline"]


def test_tab_paste_joins_the_spilled_and_the_quoted_multi_line_cells(bundled: Schedule) -> None:
    s = load_schedule(tab_pasted(), name="pasted.tsv")
    roles = s.lines["role"].tolist()
    assert roles[:6] == ["preamble", "header", "record", "continuation", "continuation", "record"]
    first = s.sessions.iloc[0]
    assert first["source_lines"] == "3–5"
    assert first["format_raw"] == bundled.sessions.iloc[0]["format_raw"]
    may28 = s.sessions.set_index("date_raw").loc["28 May"]
    assert may28["purpose"] == bundled.sessions.set_index("date_raw").loc["28 May", "purpose"]


def test_a_tab_paste_with_a_stray_leading_quote_reads_the_quote_literally() -> None:
    header = "\t".join(COLUMNS)
    data = f'{header}\n7 May\t"Quoted topic\tWHO\tFormat: Webinar\t\n8 May\tNext\tFAO\tFormat: Webinar\t\n'.encode()
    s = load_schedule(data, name="paste.tsv", year=2020)
    assert s.sessions["topic"].tolist() == ['"Quoted topic', "Next"]


# ------------------------------------------------------------------------------------ detection


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (page(row()), "pipe"),
        ("| Date | Topic | Leads | Format | Documents |\n|---|---|---|---|---|\n| 7 May | T | WHO | | |\n", "pipe"),
        ("\ufeff<!DOCTYPE html><html><table><tr><th>Date</th><th>Topic</th><th>x</th></tr></table>", "html"),
        ("<?xml version='1.0' encoding='utf-8'?><!-- saved --><html xmlns='x'><body></body></html>", "html"),
        ("Some notes\n<table><tr><td>Date</td><td>Topic</td><td>x</td></tr></table>\n", "html"),
        ("Date\tTopic\tCo-leads\tFormat\tDocuments\n7 May\tT\tWHO\tWebinar\t\n", "tsv"),
        ('Date,Topic,Co-leads,"Format, Audience and Purpose",Documents\n7 May,T,WHO,Webinar,\n', "csv"),
        ("Date;Topic;Co-leads;Format;Documents\n7 May;T;WHO;Webinar;\n", "csv"),
        ("7 May | T | WHO | Webinar | |\n", "pipe"),  # no header: the pipe reader warns and reads on
    ],
    ids=["pipe", "markdown", "html-doctype", "xhtml-prolog", "html-fragment", "tsv", "csv", "csv-semicolon",
         "pipe-headerless"],
)
def test_detect(text: str, kind: str) -> None:
    assert detect(text, "f").kind == kind


@pytest.mark.parametrize(
    "data",
    [b"Dear colleagues,\nthe schedule, as promised, follows.\n", b"a,b\nc,d\n", b"<p>no table here</p>",
     b"<html><body><table><tr><td>a</td><td>b</td></tr></table></body></html>"],
    ids=["prose", "csv-without-header", "html-without-table", "html-other-table"],
)
def test_a_file_of_no_known_shape_gets_one_sentence(data: bytes) -> None:
    with pytest.raises(ScheduleError) as exc:
        load_schedule(data, name="notes.txt")
    assert "notes.txt" in str(exc.value)
    assert_one_sentence(str(exc.value))


# ------------------------------------------------------------------------------------ the bundled page


def test_the_bundled_page_still_reads_as_before(bundled: Schedule) -> None:
    s = bundled
    assert s.meta.source_kind == "pipe" and s.meta.year_origin == "source.yaml"
    assert s.meta.as_of_origin == "source.yaml" and len(s.meta.sha256) == 64
    assert len(s.sessions) == 17
    assert (s.sessions["date_status"] == "dated").sum() == 10
    assert (s.sessions["working_group"] == "WG2").sum() == 3
    line6 = s.lines.set_index("line_no").loc[6]
    assert (line6["role"], line6["text"]) == ("continuation", "|")
    assert s.sessions.set_index("session_id").loc[line6["session_id"], "date_raw"] == "20 May"
    assert "online_series_2020.txt" in s.meta.citation and "19 June 2020" in s.meta.citation


def test_meta_origins_and_citation_for_uploads_and_given_dates() -> None:
    data = BUNDLED.read_bytes()
    up = load_schedule(data, name="my page.txt")
    assert (up.meta.name, up.meta.as_of_origin, up.meta.bundled) == ("my page.txt", "upload", False)
    assert "my page.txt" in up.meta.citation and "as of upload" in up.meta.citation
    given = load_schedule(data, name="my page.txt", as_of=dt.date(2020, 6, 1), year=2020)
    assert (given.meta.as_of, given.meta.as_of_origin, given.meta.year_origin) == (
        dt.date(2020, 6, 1), "given", "argument")
    assert "1 June 2020" in given.meta.citation


@pytest.mark.parametrize("year", [0, 1899, 2101, 99999999999999999999])
def test_a_year_out_of_range_is_refused(year: int) -> None:
    with pytest.raises(ScheduleError, match="1900 and 2100"):
        load_schedule(BUNDLED, year=year)


# ------------------------------------------------------------------------------------ hardening


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_without_reading(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"{device} is missing here")
    start = time.monotonic()
    with pytest.raises(ScheduleError, match="not a regular file") as exc:
        load_schedule(device)
    assert time.monotonic() - start < 5
    assert_one_sentence(str(exc.value))


def test_a_fifo_is_refused_promptly(tmp_path: Path) -> None:
    fifo = tmp_path / "schedule.fifo"
    os.mkfifo(fifo)
    code = ("import analysis, sys\ntry:\n    analysis.load_schedule(sys.argv[1])\n"
            "except analysis.ScheduleError as e:\n    print(e)\n")
    done = subprocess.run([sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "named pipe" in done.stdout and "schedule.fifo" in done.stdout


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom_are_decoded(encoding: str) -> None:
    text = page(row("7 May", "Café – ñ", "WHO"))
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00",
           "utf-32-be": b"\x00\x00\xfe\xff"}.get(encoding, b"")
    s = load_schedule(bom + text.encode(encoding), year=2020)
    assert s.sessions["topic"].tolist() == ["Café – ñ"]
    assert s.meta.encoding == encoding[:6]


def test_a_page_followed_by_random_bytes_is_refused() -> None:
    data = BUNDLED.read_bytes() + os.urandom(4096)
    with pytest.raises(ScheduleError, match="binary"):
        load_schedule(data)


def test_a_nul_far_into_the_file_is_refused() -> None:
    data = BUNDLED.read_bytes() + b"\n" * 100_000 + b"\x00"
    with pytest.raises(ScheduleError, match="NUL"):
        load_schedule(data)


def test_control_characters_past_the_first_64_kib_are_counted() -> None:
    data = BUNDLED.read_bytes() + b" " * 70_000 + b"\x01\x02\x03\x04" * 200
    with pytest.raises(ScheduleError, match="control characters"):
        load_schedule(data)


@pytest.mark.parametrize(
    "line",
    ["|" + " " * 200_000 + "x", "---" + " " * 200_000 + "x", "|---" * 50_000 + " " * 100_000 + "x",
     ": " * 100_000 + "-", "-" * 200_000 + "|" + " " * 100_000],
    ids=["pipe-spaces", "dashes-spaces", "many-columns", "colons", "long-dash"],
)
def test_the_separator_pattern_is_linear(line: str) -> None:
    start = time.monotonic()
    is_separator(line)
    assert time.monotonic() - start < 1.0


def test_separator_rows() -> None:
    for text in ("---|---|", "| :---: | --- |", "|---|", "---", " |:---|---:| "):
        assert is_separator(text), text
    for text in ("--", "|--|", "a---|", "| x |", ""):
        assert not is_separator(text), text


def test_a_long_run_of_spaces_in_a_row_reads_quickly() -> None:
    data = page(row("7 May", "T" + " " * 300_000 + "x", "WHO" + " " * 300_000), "|" + " " * 300_000).encode()
    start = time.monotonic()
    load_schedule(data, year=2020)
    assert time.monotonic() - start < 10


def test_the_time_budget_gives_one_sentence() -> None:
    with pytest.raises(ScheduleError, match="takes too long to read; it may not be a schedule page") as exc:
        load_schedule(BUNDLED.read_bytes(), name="slow.txt", time_budget=0)
    assert str(exc.value).startswith("slow.txt ")
    assert_one_sentence(str(exc.value))
    assert len(load_schedule(BUNDLED, time_budget=60).sessions) == 17


def test_exactly_max_bytes_is_read_and_one_more_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "over.txt"
    path.write_bytes(b"a" * (MAX_BYTES + 1))
    with pytest.raises(ScheduleError, match="limit"):
        load_schedule(path)


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPES)
def test_every_reader_checks_the_deadline(shape: str) -> None:
    text = decode(SHAPES[shape](), "f")[0]
    with pytest.raises(ScheduleError, match="takes too long"):
        read_table(text, load_reference().source, "f", deadline=time.monotonic() - 1)
    assert len(read_table(text, load_reference().source, "f", deadline=time.monotonic() + 60).classified.cells) == 17


def test_the_classify_loop_checks_the_deadline_while_walking() -> None:
    lines = split_lines(page(*[row(f"{1 + k % 28} May", f"T{k}") for k in range(10_000)]))
    with pytest.raises(ScheduleError, match="takes too long"):
        classify(lines, load_reference().source, "f", deadline=time.monotonic() - 1)


@pytest.mark.parametrize(
    "cell",
    ["<td rowspan='999999'>7 May</td><td>T</td>", "<td colspan='999999'>7 May</td>",
     "<td colspan='50' rowspan='50'>7 May</td><td>T</td><td>x</td>"],
    ids=["rowspan", "colspan", "both"],
)
def test_hostile_spans_stay_linear(cell: str) -> None:
    head = "<html><body><table><tr><th>Date</th><th>Topic</th><th>x</th></tr>"
    data = (head + f"<tr>{cell}</tr>" * 20_000 + "</table>").encode()
    start = time.process_time()
    s = load_schedule(data, name="spans.html", year=2020)
    assert time.process_time() - start < 10
    assert len(s.lines) == 20_001
    assert s.sessions["date_raw"].str.len().max() < 100


@pytest.mark.parametrize("shape", ["html", "tsv", "csv"])
def test_a_legacy_encoding_warning_points_at_a_row_of_the_table(shape: str) -> None:
    data = SHAPES[shape]().decode("utf-8").replace("‘", "'").replace("’", "'").replace("–", "-")
    s = load_schedule(data.replace("António", "Antónia").encode("cp1252"), name=f"legacy.{shape}")
    assert s.meta.encoding == "cp1252"
    warning = s.problems[s.problems["field"] == "encoding"]
    assert warning["line_no"].tolist() == [1]
    assert s.problems["line_no"].between(1, len(s.lines)).all()
