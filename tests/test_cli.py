"""analysis.__main__: ``python -m analysis PATH [--year Y] [--out DIR]``; bad input → one line on stderr, exit 2."""

from __future__ import annotations

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
