"""analysis.export and analysis.dictionary: tables leave the app without formula injection, and documented."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from analysis import load_schedule
from analysis.dictionary import COLUMNS, data_dictionary
from analysis.export import neutralise_text, readable_frame, safe_frame, to_csv_bytes, to_xlsx_bytes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("ok", "ok"),
        ("a=b", "a=b"),
        ("", ""),
        (" =1", " =1"),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
        (True, True),
    ],
)
def test_neutralise_text(value: object, expected: object) -> None:
    assert neutralise_text(value) == expected


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "text": ["=cmd|' /C calc'!A0", "plain", "@user", "-minus", None],
        "number": [1, -2, 3, 4, 5],
        "float": [0.5, -1.5, 2.0, 3.0, 4.0],
        "tuple": [("a", "b"), (), ("=x",), ("y",), ("z",)],
        "when": pd.to_datetime(["2020-05-07", None, "2020-07-09", "2020-06-17", "2020-06-18"]),
        "flag": [True, False, True, False, True],
    })


def test_safe_frame_neutralises_text_keeps_numbers_and_does_not_mutate() -> None:
    frame = _frame()
    before = frame.copy()
    safe = safe_frame(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert safe["text"].tolist()[:4] == ["'=cmd|' /C calc'!A0", "plain", "'@user", "'-minus"]
    assert safe["text"].iloc[4] == ""  # a missing text cell is exported empty, never "nan" or "None"
    assert safe["number"].tolist() == [1, -2, 3, 4, 5] and safe["number"].dtype == "int64"
    assert safe["float"].tolist() == [0.5, -1.5, 2.0, 3.0, 4.0]
    assert safe["tuple"].tolist() == ["a; b", "", "'=x", "y", "z"]
    assert safe["flag"].dtype == bool


def test_csv_bytes_are_utf8_with_bom_and_neutralised() -> None:
    data = to_csv_bytes(_frame())
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["text"].tolist()[:4] == ["'=cmd|' /C calc'!A0", "plain", "'@user", "'-minus"]
    assert back["number"].tolist() == [1, -2, 3, 4, 5]
    assert back["float"].tolist() == [0.5, -1.5, 2.0, 3.0, 4.0]
    for line in data.decode("utf-8-sig").splitlines()[1:]:
        assert not line.startswith(("=", "+", "-", "@"))


def test_xlsx_round_trip_with_openpyxl() -> None:
    frame = _frame()
    dictionary = pd.DataFrame({"table": ["t"], "column": ["text"], "type": ["str"], "description": ["=danger"]})
    data = to_xlsx_bytes({"sessions": frame, "a" * 40: frame.head(1)}, dictionary)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["sessions", "a" * 31, "data dictionary"]
    ws = wb["sessions"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("text", "number", "float", "tuple", "when", "flag")
    texts = [r[0] for r in rows[1:]]
    assert texts[:4] == ["'=cmd|' /C calc'!A0", "plain", "'@user", "'-minus"]
    assert [r[1] for r in rows[1:]] == [1, -2, 3, 4, 5]  # numbers stay numbers
    assert all(isinstance(r[1], int) for r in rows[1:])
    assert [r[2] for r in rows[1:]] == [0.5, -1.5, 2, 3, 4]
    assert rows[1][4].date() == dt.date(2020, 5, 7)
    assert rows[1][5] is True
    # no cell holds a formula
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert wb["data dictionary"]["D2"].value == "'=danger"
    assert ws.freeze_panes == "A2"


def test_xlsx_of_the_bundled_schedule() -> None:
    s = load_schedule()
    tables = {"sessions": s.sessions, "leads": s.leads, "audiences": s.audiences, "problems": s.problems}
    data = to_xlsx_bytes(tables, data_dictionary(tables))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["sessions", "leads", "audiences", "problems", "data dictionary"]
    assert wb["sessions"].max_row == 18 and wb["leads"].max_row == 37
    header = [c.value for c in wb["sessions"][1]]
    assert header == list(s.sessions.columns)
    event_col = header.index("event_count") + 1
    # The publication (line 20) and the bare "TBD |" row (line 22) hold no event.
    assert sum(wb["sessions"].cell(row=r, column=event_col).value for r in range(2, 19)) == 20


def test_data_dictionary_covers_every_column_of_every_frame() -> None:
    s = load_schedule()
    tables = {name: getattr(s, name) for name in ("sessions", "leads", "audiences", "problems", "lines")}
    dd = data_dictionary(tables)
    assert list(dd.columns) == ["table", "column", "type", "description"]
    for name, frame in tables.items():
        documented = dd.loc[dd["table"] == name, "column"].tolist()
        assert documented == list(frame.columns), name
    assert dd["description"].str.len().gt(10).all()
    assert set(COLUMNS) == set(tables)


def test_data_dictionary_refuses_an_undocumented_column() -> None:
    with pytest.raises(KeyError, match=r"sessions\.mystery"):
        data_dictionary({"sessions": pd.DataFrame({"session_id": [], "mystery": []})})


def test_readable_frame_shows_no_missing_value_words() -> None:
    frame = pd.DataFrame({
        "text": ["a", None, float("nan")],
        "when": pd.to_datetime(["2020-05-07", None, "2020-07-09"]),
        "links": [(("Reflections", "https://example.org/r.pdf"),), (), (("", "https://example.org/x"),)],
        "count": [1, 2, 3],
    })
    shown = readable_frame(frame)
    assert shown["text"].tolist() == ["a", "", ""]
    assert shown["when"].tolist() == ["7 May 2020", "", "9 Jul 2020"]
    assert shown["links"].tolist() == ["Reflections <https://example.org/r.pdf>", "", "https://example.org/x"]
    assert shown["count"].tolist() == [1, 2, 3]
    assert frame["text"].isna().sum() == 2  # not mutated
