"""Command line: ``captures add|list|rename|delete`` and ``diff`` (files or capture ids); errors exit 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from older_version import older_page_bytes
from schedule_pages import BUNDLED

from analysis.history_cli import main


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'captures.sqlite'}"
    monkeypatch.setenv("OUTREACH_STORE_URL", url)
    return url


@pytest.fixture
def older_file(tmp_path: Path) -> Path:
    path = tmp_path / "covid-19-online-series.txt"
    path.write_bytes(older_page_bytes())
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_and_add_again(capsys: pytest.CaptureFixture[str], store: str, older_file: Path) -> None:
    code, out, err = run(capsys, "captures", "add", str(older_file), "--as-of", "2020-05-15", "--partial")
    assert (code, err) == (0, "")
    assert out.strip() == "added #2  2020-05-15 (given)  3 records  covid-19-online-series.txt  [partial]"
    code, out, _ = run(capsys, "captures", "add", str(older_file), "--store", store)
    assert code == 0 and out.startswith("already stored: #2 ")
    code, out, _ = run(capsys, "captures", "list")
    assert code == 0
    assert out.splitlines() == [
        "#2  2020-05-15 (given)  3 records  covid-19-online-series.txt  [partial]",
        "#1  2020-06-19 (source.yaml)  17 records  online_series_2020.txt  [bundled]",
    ]


def test_diff_of_capture_ids_prints_and_writes_the_changes(capsys: pytest.CaptureFixture[str], store: str,
                                                           older_file: Path, tmp_path: Path) -> None:
    run(capsys, "captures", "add", str(older_file), "--as-of", "2020-05-15")
    out_csv = tmp_path / "changes.csv"
    code, out, err = run(capsys, "diff", "2", "#1", "--out", str(out_csv))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "1 moved, 14 added, 2 format, 1 leads, 1 topic, 1 purpose · old 3 records, new 17 records"
    assert ("  moved       20 May · Alternatives to detention: 19 May 2020 → 20 May 2020 (1 day later)  "
            "[lines 5 → 5–6]") in lines
    assert lines[-1] == f"wrote {out_csv}"
    table = pd.read_csv(out_csv, encoding="utf-8-sig")
    assert len(table) == 20
    moved = table[table["kind"] == "moved"].iloc[0]
    assert (moved["before"], moved["after"]) == ("19 May 2020", "20 May 2020")


def test_diff_of_files_with_partial_new_side(capsys: pytest.CaptureFixture[str], store: str,
                                             older_file: Path) -> None:
    code, out, _ = run(capsys, "diff", str(BUNDLED), str(older_file), "--partial")
    assert code == 0
    assert out.splitlines()[0] == ("1 moved, 2 format, 1 leads, 1 topic, 1 purpose · old 17 records, new 3 records "
                                   "(partial) · 14 not compared (partial capture)")
    assert "dropped" not in out


def test_a_stored_partial_flag_applies_to_the_new_side(capsys: pytest.CaptureFixture[str], store: str,
                                                       older_file: Path) -> None:
    run(capsys, "captures", "add", str(older_file), "--as-of", "2020-05-15", "--partial")
    code, out, _ = run(capsys, "diff", "1", "2")
    assert code == 0 and "14 not compared" in out and "dropped" not in out


def test_rename_and_delete(capsys: pytest.CaptureFixture[str], store: str, older_file: Path) -> None:
    run(capsys, "captures", "add", str(older_file), "--as-of", "2020-05-15")
    code, out, _ = run(capsys, "captures", "rename", "2", "COVID-19 Online Series")
    assert code == 0 and "COVID-19 Online Series (covid-19-online-series.txt)" in out
    code, out, _ = run(capsys, "captures", "delete", "#2")
    assert (code, out.strip()) == (0, "deleted #2 COVID-19 Online Series")
    _, out, _ = run(capsys, "captures", "list")
    assert [line.split()[0] for line in out.splitlines()] == ["#1"]


@pytest.mark.parametrize(("argv", "message"), [
    (["diff", "7", "1"], "error: there is no capture #7."),
    (["diff", "no-such-file.txt", "1"], "error: no-such-file.txt is neither a file nor a capture id."),
    (["captures", "add", "no-such-file.txt"], "error: no-such-file.txt does not exist."),
    (["captures", "add", "{older}", "--as-of", "15/05/2020"],
     "error: argument --as-of: '15/05/2020' is not a date like 2020-05-15 (see python -m analysis captures add "
     "--help)."),
    (["captures", "delete", "two"], "error: 'two' is not a capture id (a number such as 3 or #3)."),
    (["captures", "rename", "1", "  "], "error: a capture's name cannot be empty."),
    (["captures"], "error: the following arguments are required: action (see python -m analysis captures --help)."),
])
def test_errors_are_one_sentence_and_exit_2(capsys: pytest.CaptureFixture[str], store: str, older_file: Path,
                                            argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *(a.replace("{older}", str(older_file)) for a in argv))
    assert (code, out) == (2, "")
    assert err.strip() == message
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_an_unreachable_store_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "captures", "list", "--store", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert code == 2 and err.startswith("error: the capture store cannot be used: ")
    assert len(err.strip().splitlines()) == 1


def test_an_unreadable_file_is_not_stored(capsys: pytest.CaptureFixture[str], store: str, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("just a sentence\n")
    code, _, err = run(capsys, "captures", "add", str(notes))
    assert code == 2 and err.startswith("error: notes.txt has no table")
    _, out, _ = run(capsys, "captures", "list")
    assert len(out.splitlines()) == 1
