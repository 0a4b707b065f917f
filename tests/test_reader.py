"""analysis.reader: bytes in, one role per line out; bad input refused with one clear sentence."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from schedule_pages import BUNDLED, CHROME, HEADER, PREAMBLE, SEPARATOR, page, row

import analysis
from analysis import MAX_BYTES, ScheduleError, load_schedule
from analysis.reader import ROLES, classify, decode, read_bytes, split_lines
from analysis.reference import load_reference


def roles(schedule: analysis.Schedule) -> list[str]:
    return schedule.lines["role"].tolist()


def assert_one_sentence(message: str) -> None:
    assert message, "empty message"
    assert "\n" not in message
    assert message.endswith("."), message
    assert not re.search(r"\.\s+[A-Z]", message), f"more than one sentence: {message!r}"
    assert "Traceback" not in message


# ------------------------------------------------------------------------------------ read_bytes


def test_read_bytes_accepts_path_pathlike_bytes_and_file_objects() -> None:
    data = BUNDLED.read_bytes()
    assert read_bytes(str(BUNDLED)) == (data, str(BUNDLED))
    assert read_bytes(BUNDLED)[0] == data
    assert read_bytes(data) == (data, "uploaded file")
    assert read_bytes(bytearray(data))[0] == data
    assert read_bytes(io.BytesIO(data))[0] == data
    with BUNDLED.open("rb") as fh:
        got, name = read_bytes(fh)
    assert got == data and name == str(BUNDLED)


def test_read_bytes_uses_the_name_given() -> None:
    data = BUNDLED.read_bytes()
    assert read_bytes(data, "page.html") == (data, "page.html")
    assert read_bytes(BUNDLED, "shown.txt") == (data, "shown.txt")
    assert read_bytes(io.BytesIO(data), "upload.csv")[1] == "upload.csv"


def test_read_bytes_reads_at_most_one_byte_over_the_limit_from_a_file_object() -> None:
    class Endless(io.RawIOBase):
        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            buffer[:] = b"a" * len(buffer)
            return len(buffer)

        def readable(self) -> bool:
            return True

    with pytest.raises(ScheduleError, match="limit"):
        read_bytes(io.BufferedReader(Endless()))


def test_read_bytes_text_file_object_is_encoded_as_utf8() -> None:
    assert read_bytes(io.StringIO("7 May | Café |"))[0] == "7 May | Café |".encode()


@pytest.mark.parametrize("source", [42, None, 3.5, ["7 May | x |"]])
def test_read_bytes_refuses_other_types(source: object) -> None:
    with pytest.raises(ScheduleError, match="cannot read a schedule from a") as exc:
        read_bytes(source)  # type: ignore[arg-type]
    assert_one_sentence(str(exc.value))


def test_max_bytes_is_documented_and_at_most_20_mb() -> None:
    assert 0 < MAX_BYTES <= 20 * 1024 * 1024
    assert analysis.MAX_BYTES == MAX_BYTES


# ------------------------------------------------------------------------------------ bad input


def _sparse(tmp_path: Path, size: int) -> Path:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


BAD_INPUTS = {
    "empty bytes": (lambda tmp: b"", "empty"),
    "whitespace only": (lambda tmp: b" \n\r\n\t\n", "empty"),
    "empty file": (lambda tmp: _write(tmp, "empty.txt", b""), "empty"),
    "binary with NUL": (lambda tmp: b"abc\x00\x01\x02|def" * 10, "binary"),
    "binary control chars": (lambda tmp: bytes(range(1, 9)) * 200 + b"|", "binary"),
    "PNG image": (lambda tmp: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "PNG image"),
    "JPEG image": (lambda tmp: b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(32), "JPEG image"),
    "PDF": (lambda tmp: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj | <<>>", "PDF"),
    "ZIP or xlsx": (lambda tmp: b"PK\x03\x04\x14\x00" + bytes(40), "ZIP"),
    "gzip": (lambda tmp: b"\x1f\x8b\x08\x00" + bytes(40), "gzip"),
    "prose with no table": (lambda tmp: b"Dear colleagues,\nthe schedule will follow soon.\nBest wishes\n",
                            "no table"),
    "header only": (lambda tmp: page().encode(), "no schedule rows"),
    "lone pipe only": (lambda tmp: b"|\n", "no schedule rows"),
    "missing file": (lambda tmp: tmp / "nope" / "missing.txt", "does not exist"),
    "missing file as str": (lambda tmp: str(tmp / "missing.txt"), "does not exist"),
    "a path under a file": (lambda tmp: _write(tmp, "plain.txt", b"x") / "page.txt", "not a directory"),
    "a device": (lambda tmp: "/dev/zero", "not a regular file"),
    "a directory": (lambda tmp: tmp, "folder"),
    "file over the limit": (lambda tmp: _sparse(tmp, MAX_BYTES + 1), "limit"),
    "bytes over the limit": (lambda tmp: b"a" * (MAX_BYTES + 1), "limit"),
    "file object over the limit": (lambda tmp: io.BytesIO(b"a" * (MAX_BYTES + 1)), "limit"),
}


def _write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("make", "expected"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_raises_schedule_error_with_one_sentence(tmp_path: Path, make, expected: str) -> None:
    source = make(tmp_path)
    with pytest.raises(ScheduleError) as exc:
        load_schedule(source)
    message = str(exc.value)
    assert expected.casefold() in message.casefold(), message
    assert_one_sentence(message)
    if isinstance(source, Path | str):
        assert str(Path(source).name) in message  # the message names the file


def test_a_file_exactly_at_the_limit_is_not_refused_for_its_size(tmp_path: Path) -> None:
    # A sparse file of MAX_BYTES NULs: refused, but as binary, not as too large.
    with pytest.raises(ScheduleError, match="binary"):
        load_schedule(_sparse(tmp_path, MAX_BYTES))


def test_schedule_error_is_not_a_value_error_subclass_surprise() -> None:
    # Callers catch ScheduleError specifically; it must be an Exception and carry the message.
    err = ScheduleError("x is empty.")
    assert isinstance(err, Exception) and str(err) == "x is empty."


# ------------------------------------------------------------------------------------ decode


def test_decode_utf8_with_and_without_bom() -> None:
    text = "7 May | Café |"
    assert decode(text.encode(), "f") == (text, "utf-8", [])
    assert decode(b"\xef\xbb\xbf" + text.encode(), "f") == (text, "utf-8", [])


def test_decode_cp1252_is_read_with_a_warning_naming_the_first_bad_line() -> None:
    data = "line one\nline two\n7 May | Caf\u00e9 \u2013 Zoom |\n".encode("cp1252")
    text, encoding, problems = decode(data, "f")
    assert encoding == "cp1252"
    assert "Café – Zoom" in text
    assert problems == [(3, "encoding", "warning", problems[0][3])]
    assert "line 3" in problems[0][3] and "cp1252" in problems[0][3]


def test_decode_falls_back_to_latin1_where_cp1252_has_holes() -> None:
    text, encoding, problems = decode(b"7 May | a\x81b |", "f")
    assert encoding == "latin-1"
    assert text == "7 May | a\x81b |"
    assert problems[0][:3] == (1, "encoding", "warning")


# ------------------------------------------------------------------------------------ split_lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\nb", ["a", "b"]),
        ("a\r\nb\r\n", ["a", "b"]),
        ("a\rb\r", ["a", "b"]),
        ("a\r\n\r\nb", ["a", "", "b"]),
        ("a\n\n", ["a", ""]),
        ("a\r\rb", ["a", "", "b"]),
        ("a\n\r\nb", ["a", "", "b"]),
        ("", [""]),
        ("\n", [""]),
    ],
)
def test_split_lines(text: str, expected: list[str]) -> None:
    assert split_lines(text) == expected


# ------------------------------------------------------------------------------------ roles


EXPECTED_BUNDLED_ROLES = (
    ["preamble", "header", "separator"]
    + ["record", "record", "continuation"]  # 7 May, 20 May and its lone "|"
    + ["record"] * 11  # 28 May … the three TBD rows
    + ["section"]  # Pipeline (full details tbc)
    + ["record"] * 4  # pipeline rows, the last the bare "TBD |"
    + ["chrome"] * 3  # Kosovo footnote, Newsletter, Subscribe
)


def test_bundled_page_roles_line_by_line() -> None:
    ref = load_reference()
    lines = split_lines(BUNDLED.read_text(encoding="utf-8"))
    classified = classify(lines, ref.source, "bundled")
    assert classified.roles == EXPECTED_BUNDLED_ROLES
    assert len(classified.roles) == len(lines) == 25
    assert classified.preamble == [PREAMBLE]
    assert classified.header[:2] == ["Date", "Topic"]
    assert classified.problems == []
    assert [r.line_no for r in classified.records] == [4, 5, *range(7, 18), 19, 20, 21, 22]
    assert classified.records[1].line_nos == [5, 6]
    assert [r.section for r in classified.records].count("pipeline") == 4


def test_every_line_of_the_bundled_page_has_exactly_one_known_role() -> None:
    s = load_schedule()
    assert s.lines["line_no"].tolist() == list(range(1, 26))
    assert set(s.lines["role"]) <= set(ROLES)
    assert s.lines["text"].tolist() == BUNDLED.read_text(encoding="utf-8").split("\n")


def test_chrome_lines_23_to_25() -> None:
    s = load_schedule()
    chrome = s.lines[s.lines["role"] == "chrome"]
    assert chrome["line_no"].tolist() == [23, 24, 25]
    assert chrome["text"].tolist() == list(CHROME)
    assert chrome["session_id"].isna().all()


def test_lone_pipe_line_6_continues_the_20_may_record() -> None:
    s = load_schedule()
    line6 = s.lines.set_index("line_no").loc[6]
    assert line6["role"] == "continuation" and line6["text"] == "|"
    rec = s.sessions.set_index("session_id").loc[line6["session_id"]]
    assert rec["date_raw"] == "20 May"
    assert rec["source_lines"] == "5–6"


# ------------------------------------------------------------------------------------ messy rows


def test_crlf_bom_and_cr_only_give_the_same_records_and_lines() -> None:
    text = page(row("7 May", "A"), row("8 May", "B"), preamble=PREAMBLE)
    base = load_schedule(text.encode(), year=2020)
    for variant in (
        text.replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + text.encode(),
        b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(),
        text.replace("\n", "\r").encode(),
    ):
        s = load_schedule(variant, year=2020)
        assert s.sessions["date"].tolist() == base.sessions["date"].tolist()
        assert s.sessions["topic"].tolist() == ["A", "B"]
        assert roles(s) == ["preamble", "header", "separator", "record", "record"]
        assert s.meta.preamble == (PREAMBLE,)  # no BOM glued to the first line
        assert not s.lines["text"].str.contains("\r").any()
        assert s.problems.empty


def test_cp1252_page_is_read_with_a_warning_problem() -> None:
    text = page(row("7 May", "Acceso a servicios – Café", "UN Habitat"))
    s = load_schedule(text.encode("cp1252"))
    assert s.meta.encoding == "cp1252"
    assert s.sessions.loc[0, "topic"] == "Acceso a servicios – Café"
    enc = s.problems[s.problems["field"] == "encoding"]
    assert len(enc) == 1 and enc.iloc[0]["severity"] == "warning" and enc.iloc[0]["line_no"] == 3


def test_lone_pipe_closes_a_row_that_lost_its_last_cell() -> None:
    text = page("20 May | Alternatives | WG2: IDC | Format: Webinar |", "|", row("21 May", "Next"))
    s = load_schedule(text.encode())
    assert roles(s)[2:] == ["record", "continuation", "record"]
    assert len(s.sessions) == 2
    assert s.sessions["source_lines"].tolist() == ["3–4", "5"]
    owner = s.lines.set_index("line_no")["session_id"]
    assert owner[4] == owner[3] == s.sessions.loc[0, "session_id"]


def test_text_spilled_onto_a_plain_line_is_joined_to_the_cell() -> None:
    text = page("7 May | T | WHO | Format: Webinar Audience: Member", "States Purpose: to listen | |", row("8 May"))
    s = load_schedule(text.encode())
    assert roles(s)[2:] == ["record", "continuation", "record"]
    first = s.sessions.iloc[0]
    assert first["audience_raw"] == "Member States"
    assert first["audiences"] == ("Member States",)
    assert first["purpose"] == "to listen"
    assert len(s.sessions) == 2


def test_text_spilled_over_several_lines_without_pipes() -> None:
    text = page("7 May | T | WHO | Format: Webinar Audience:", "Member States", "Purpose: x", "| |", row("8 May"))
    s = load_schedule(text.encode())
    assert roles(s)[2:] == ["record", "continuation", "continuation", "continuation", "record"]
    assert s.sessions.iloc[0]["audience_raw"] == "Member States"
    assert s.sessions.iloc[0]["purpose"] == "x"
    assert s.sessions.iloc[0]["source_lines"] == "3–6"


def test_row_split_between_cells() -> None:
    text = page("7 May | T | WHO", "| Format: Webinar Audience: Member States | Full Webinar |", row("8 May"))
    s = load_schedule(text.encode())
    assert roles(s)[2:] == ["record", "continuation", "record"]
    first = s.sessions.iloc[0]
    assert (first["format"], first["documents"]) == ("webinar", "Full Webinar")


def test_a_blank_line_does_not_close_an_open_row() -> None:
    text = page("20 May | T | WHO | Format: Webinar |", "", "|", row("21 May"))
    s = load_schedule(text.encode())
    assert roles(s)[2:] == ["record", "blank", "continuation", "record"]
    assert len(s.sessions) == 2


def test_a_complete_row_is_not_continued_by_the_next_dated_row() -> None:
    text = page("20 May | T | WHO | Format: Webinar |", row("21 May"), row("TBD"))
    s = load_schedule(text.encode())
    assert roles(s)[2:] == ["record", "record", "record"]
    assert s.sessions["date_raw"].tolist() == ["20 May", "21 May", "TBD"]


def test_section_line_after_a_short_row_is_a_section_not_a_continuation() -> None:
    text = page("20 May | T | WHO | Format: Webinar |", "Pipeline (full details tbc) | ||||",
                "TBD | FAO | Webinar | ||")
    s = load_schedule(text.encode())
    assert roles(s)[2:] == ["record", "section", "record"]
    assert s.sessions["section"].tolist() == ["schedule", "pipeline"]
    assert s.sessions.loc[1, "section_title"] == "Pipeline (full details tbc)"


def test_unknown_section_title_keeps_the_schedule_section() -> None:
    s = load_schedule(page(row("7 May"), "Past sessions | ||||", row("8 May")).encode())
    assert roles(s)[2:] == ["record", "section", "record"]
    assert s.sessions["section"].tolist() == ["schedule", "schedule"]
    assert s.sessions["section_title"].tolist() == ["", "Past sessions"]


def test_rejected_lines_are_reported_with_their_line_numbers() -> None:
    text = page(row("7 May"), "|||||", row("8 May"), "pipe;less stray text", "Pipeline | ||||", "TBD | FAO |")
    s = load_schedule(text.encode())
    assert roles(s) == ["header", "separator", "record", "rejected", "record", "rejected", "section", "record"]
    rejected = s.problems[s.problems["field"] == "line"]
    assert rejected["line_no"].tolist() == [4, 6]
    assert "stray text" in rejected.iloc[1]["message"]
    assert (rejected["severity"] == "warning").all()


def test_text_after_the_last_row_is_chrome_not_rejected() -> None:
    s = load_schedule(page(row("7 May"), "© 2020 Some footer", "Contact us").encode(), year=2020)
    assert roles(s)[-2:] == ["chrome", "chrome"]
    assert s.problems.empty


def test_chrome_patterns_apply_anywhere() -> None:
    s = load_schedule(page(row("7 May"), "Newsletter", row("8 May")).encode())
    assert roles(s)[2:] == ["record", "chrome", "record"]


def test_no_header_row_gives_a_warning_and_the_usual_column_order() -> None:
    s = load_schedule(page(row("7 May", "A", "WHO"), row("8 May", "B", "FAO"), header=False).encode())
    assert roles(s) == ["record", "record"]
    assert s.sessions["topic"].tolist() == ["A", "B"]
    header = s.problems[s.problems["field"] == "header"]
    assert len(header) == 1 and header.iloc[0]["severity"] == "warning" and header.iloc[0]["line_no"] == 1


def test_header_with_other_column_order_is_followed() -> None:
    text = "Date | Co-leads | Topic | Documents | Format |\n---|---|---|---|---|\n7 May | WHO | T | Doc | Webinar |\n"
    s = load_schedule(text.encode())
    rec = s.sessions.iloc[0]
    assert (rec["topic"], rec["date_raw"], rec["documents"], rec["format"]) == ("T", "7 May", "Doc", "webinar")
    assert s.leads["name"].tolist() == ["World Health Organization"]


def test_markdown_style_leading_pipes() -> None:
    text = ("| Date | Topic | Co-leads | Format | Documents |\n|---|:---:|---|---|---|\n"
            "| 7 May | T | WHO | Webinar | |\n")
    s = load_schedule(text.encode())
    assert roles(s) == ["header", "separator", "record"]
    assert s.sessions.loc[0, "topic"] == "T"
    assert s.sessions.loc[0, "format"] == "webinar"


def test_preamble_is_kept_in_meta_with_entities_decoded() -> None:
    s = load_schedule(page(row(), preamble="Hosted by A &amp; B").encode())
    assert s.meta.preamble == ("Hosted by A & B",)
    assert roles(s)[0] == "preamble"


def test_html_entities_are_decoded_and_markup_is_kept_literal() -> None:
    text = page(row("7 May", "Access &amp; health &lt;b&gt; <script>alert(1)</script>", "WHO &amp; FAO",
                    "Format: Webinar Audience: Member States &amp; civil society"))
    s = load_schedule(text.encode())
    rec = s.sessions.iloc[0]
    assert rec["topic"] == "Access & health <b> <script>alert(1)</script>"
    assert rec["leads_raw"] == "WHO & FAO"
    assert rec["audience_raw"] == "Member States & civil society"
    assert s.leads["name"].tolist() == ["World Health Organization", "Food and Agriculture Organization"]
    # the lines frame keeps the text exactly as written
    assert "&amp;" in s.lines.loc[2, "text"]


def test_pipeline_placeholder_row_is_flagged() -> None:
    s = load_schedule()
    last = s.sessions.iloc[-1]
    assert last["source_line"] == 22 and last["section"] == "pipeline"
    assert bool(last["placeholder"]) is True
    assert last["topic"] == "TBD" and last["date_status"] == "tbd"
    assert last[["working_group", "leads_raw", "format", "purpose", "documents"]].isna().all()
    assert last["n_leads"] == 0
    flagged = s.problems[(s.problems["line_no"] == 22) & (s.problems["field"] == "record")]
    assert len(flagged) == 1 and "placeholder" in flagged.iloc[0]["message"]
    assert s.sessions["placeholder"].sum() == 1


@pytest.mark.parametrize("lines", [[HEADER], [HEADER, SEPARATOR], [SEPARATOR]])
def test_a_table_without_rows_is_refused(lines: list[str]) -> None:
    with pytest.raises(ScheduleError, match="no schedule rows"):
        load_schedule(("\n".join(lines) + "\n").encode())
