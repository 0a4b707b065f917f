"""analysis.__main__: ``python -m analysis PATH [--year Y] [--out DIR]``; bad input → one line on stderr, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from schedule_pages import BUNDLED

from analysis import MAX_BYTES, load_schedule
from analysis.__main__ import main


def test_summary_of_the_bundled_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(BUNDLED)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "online_series_2020.txt: 17 records, 25 lines" in out
    assert "section pipeline: 4" in out and "section schedule: 13" in out
    assert "dated: 10 (2020-05-07 to 2020-07-09), undated: 7" in out
    assert "events (dated records): 15" in out
    assert "line roles: " in out and "continuation 1" in out and "chrome 3" in out
    assert f"problems: {len(load_schedule().problems)}" in out
    assert "line 11 (leads, warning): 'Lead Discussant:' is followed by no name" in out


def test_year_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(BUNDLED), "--year", "2021"]) == 0
    assert "(2021-05-07 to 2021-07-09)" in capsys.readouterr().out


def test_out_writes_four_csv_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "new" / "tables"
    assert main([str(BUNDLED), "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out
    expected = {"sessions.csv": 17, "leads.csv": 36, "audiences.csv": 29, "problems.csv": len(load_schedule().problems)}
    assert {p.name for p in out_dir.iterdir()} == set(expected)
    for name, rows in expected.items():
        path = out_dir / name
        assert f"wrote {path}" in out
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for spreadsheets
        frame = pd.read_csv(path, encoding="utf-8-sig")
        assert len(frame) == rows, name
    sessions = pd.read_csv(out_dir / "sessions.csv", encoding="utf-8-sig")
    assert "session_id" in sessions.columns and sessions["event_count"].dtype.kind == "i"
    leads = pd.read_csv(out_dir / "leads.csv", encoding="utf-8-sig")
    assert "António Vitorino" in set(leads["name"])


def test_out_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(BUNDLED), "--out", str(tmp_path)]) == 0
    first = (tmp_path / "sessions.csv").read_bytes()
    assert main([str(BUNDLED), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "sessions.csv").read_bytes() == first


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


BAD = {
    "missing": lambda tmp: tmp / "missing.txt",
    "empty": lambda tmp: _file(tmp / "empty.txt", b""),
    "binary": lambda tmp: _file(tmp / "blob.bin", bytes(range(256)) * 4),
    "png": lambda tmp: _file(tmp / "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(100)),
    "prose": lambda tmp: _file(tmp / "prose.txt", b"Hello,\nno table here.\n"),
    "directory": lambda tmp: tmp,
    "too large": lambda tmp: _sparse(tmp / "huge.txt", MAX_BYTES + 1),
}


def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("make", BAD.values(), ids=BAD.keys())
def test_bad_input_prints_one_line_and_returns_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], make) -> None:
    path = make(tmp_path)
    assert main([str(path), "--out", str(tmp_path / "out")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and lines[0].endswith(".")
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_module_entry_point_runs_in_a_fresh_interpreter(tmp_path: Path) -> None:
    ok = subprocess.run([sys.executable, "-m", "analysis", str(BUNDLED)], capture_output=True, text=True,
                        timeout=120, check=False)
    assert ok.returncode == 0, ok.stderr
    assert "17 records" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "analysis", str(tmp_path / "missing.txt")], capture_output=True,
                         text=True, timeout=120, check=False)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.strip().count("\n") == 0 and "Traceback" not in bad.stderr
    assert "does not exist" in bad.stderr


# ------------------------------------------------------------------------------------ argument problems


def _assert_exit_2_one_line(code: int, err: str) -> None:
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and lines[0].endswith(".")
    assert "Traceback" not in err


def _existing_file(tmp: Path) -> Path:
    return _file(tmp / "taken.txt", b"x")


OUT_PROBLEMS = {
    "an existing file": (lambda tmp: _existing_file(tmp), "not a folder"),
    "a path under a file": (lambda tmp: _existing_file(tmp) / "out", "is a file"),
    "a deeper path under a file": (lambda tmp: _existing_file(tmp) / "a" / "b", "is a file"),
    "/dev/null": (lambda tmp: Path("/dev/null"), "not a folder"),
}


@pytest.mark.parametrize("command", [[], ["report"]], ids=["tables", "report"])
@pytest.mark.parametrize(("make", "expected"), OUT_PROBLEMS.values(), ids=OUT_PROBLEMS.keys())
def test_out_problems_are_one_sentence_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], make,
                                                  expected: str, command: list[str]) -> None:
    out = make(tmp_path)
    code = main([*command, str(BUNDLED), "--out", str(out)])
    captured = capsys.readouterr()
    _assert_exit_2_one_line(code, captured.err)
    assert expected in captured.err and str(out) in captured.err
    assert captured.out == ""  # refused before anything was read or written


def test_an_unwritable_out_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        # root writes anywhere: then a place no one can create in
        target = Path("/proc/outreach-tables") if os.access(locked, os.W_OK) else locked / "out"
        code = main([str(BUNDLED), "--out", str(target)])
        _assert_exit_2_one_line(code, capsys.readouterr().err)
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("year", ["99999999999999999999", "1899", "2101", "-5", "twenty", "2020.5", ""])
@pytest.mark.parametrize("command", [[], ["report"]], ids=["tables", "report"])
def test_bad_years_are_one_sentence_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], year: str,
                                               command: list[str]) -> None:
    extra = ["--out", str(tmp_path / "r")] if command else []
    code = main([*command, str(BUNDLED), f"--year={year}", *extra])
    err = capsys.readouterr().err
    _assert_exit_2_one_line(code, err)
    assert "1900 to 2100" in err


@pytest.mark.parametrize("argv", [[], ["--bogus", "x"], ["report"], ["report", "x"], ["a", "b"]],
                         ids=["nothing", "unknown option", "report without path", "report without out", "two paths"])
def test_usage_problems_are_one_sentence_and_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    _assert_exit_2_one_line(main(argv), capsys.readouterr().err)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_one_sentence_and_exit_2(device: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([device])
    err = capsys.readouterr().err
    _assert_exit_2_one_line(code, err)
    assert "device" in err


def test_a_fifo_and_a_directory_end_promptly_with_exit_2(tmp_path: Path) -> None:
    fifo = tmp_path / "page.fifo"
    os.mkfifo(fifo)
    for path, expected in ((fifo, "named pipe"), (tmp_path, "folder")):
        done = subprocess.run([sys.executable, "-m", "analysis", str(path)], capture_output=True, text=True,
                              timeout=60, check=False)
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert expected in done.stderr


@pytest.mark.parametrize("shape", ["html", "tsv", "csv", "markdown"])
def test_every_input_shape_is_read_from_the_command_line(tmp_path: Path, shape: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from capture_shapes import SHAPES

    path = _file(tmp_path / f"capture.{shape}", SHAPES[shape]())
    assert main([str(path), "--year", "2020"]) == 0
    out = capsys.readouterr().out
    assert "17 records" in out and "dated: 10 (2020-05-07 to 2020-07-09)" in out


def test_history_commands_are_dispatched(monkeypatch: pytest.MonkeyPatch) -> None:
    import analysis.history_cli

    seen: list[list[str]] = []
    monkeypatch.setattr(analysis.history_cli, "main", lambda argv: seen.append(list(argv)) or 0)
    assert main(["captures", "list"]) == 0
    assert main(["diff", "1", "2"]) == 0
    assert seen == [["captures", "list"], ["diff", "1", "2"]]
