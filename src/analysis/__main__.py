"""Command line: ``python -m analysis PATH [--year Y] [--out DIR]``, ``python -m analysis report PATH --out DIR``,
and the history commands ``python -m analysis captures …`` / ``python -m analysis diff …``
(:mod:`analysis.history_cli`).

Exit codes: 0 success, 2 anything that cannot be done: an argument problem or a source that cannot be read
(one sentence on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from .errors import ReferenceDataError, ScheduleError
from .export import to_csv_bytes
from .schedule import YEARS, Schedule, iter_problems, load_schedule

HISTORY_COMMANDS = ("captures", "diff")


class UsageError(Exception):
    """An argument problem; the message is one sentence without its final full stop."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one sentence (raised, not printed with the usage)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def summary(schedule: Schedule) -> str:
    """A plain-text summary: records per section, dated/undated, line roles and problems."""
    s = schedule.sessions
    dated = s[s["date_status"] == "dated"]
    lines = [f"{schedule.meta.name}: {len(s)} records, {schedule.meta.line_count} lines"]
    for section, n in s["section"].value_counts().sort_index().items():
        lines.append(f"  section {section}: {n}")
    span = f" ({dated['date'].min():%Y-%m-%d} to {dated['date'].max():%Y-%m-%d})" if len(dated) else ""
    lines.append(f"  dated: {len(dated)}{span}, undated: {len(s) - len(dated)}")
    lines.append(f"  events (dated records): {int(dated['event_count'].sum())}")
    roles = schedule.lines["role"].value_counts()
    lines.append("  line roles: " + ", ".join(f"{r} {n}" for r, n in roles.items()))
    lines.append(f"  problems: {len(schedule.problems)}")
    lines.extend(f"    {p}" for p in iter_problems(schedule))
    return "\n".join(lines)


def write_tables(schedule: Schedule, out: Path) -> list[Path]:
    """Write sessions, leads, audiences and problems as neutralised CSV files into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("sessions", "leads", "audiences", "problems"):
        path = out / f"{name}.csv"
        path.write_bytes(to_csv_bytes(getattr(schedule, name)))
        written.append(path)
    return written


def year_argument(text: str) -> int:
    """``--year``: a whole number from 1900 to 2100."""
    try:
        year = int(text.strip()) if len(text) <= 12 else None
    except ValueError:
        year = None
    if year is None or not YEARS[0] <= year <= YEARS[1]:
        shown = text if len(text) <= 24 else f"{text[:24]}…"
        raise argparse.ArgumentTypeError(f"the year must be a whole number from {YEARS[0]} to {YEARS[1]}, "
                                         f"not {shown!r}")
    return year


def check_out_folder(out: Path) -> None:
    """Refuse an ``--out`` that cannot become a writable folder, before anything is read or written.

    The folder may exist (then it must be a writable folder) or not (then its nearest existing parent must
    be a writable folder); nothing is created here.
    """
    if out.exists() or out.is_symlink():
        if not out.is_dir():
            raise UsageError(f"--out {out} is not a folder (it names an existing file or device)")
        if not os.access(out, os.W_OK | os.X_OK):
            raise UsageError(f"--out {out} is a folder that cannot be written to")
        return
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"--out {out} cannot be created: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out} cannot be created: {parent} cannot be written to")


def _parse_main(argv: Sequence[str]) -> argparse.Namespace:
    p = _Parser(prog="python -m analysis", description="Read a schedule page (pipe, Markdown, HTML, TSV or CSV).")
    p.add_argument("path", type=Path, help="the schedule file")
    p.add_argument("--year", type=year_argument, default=None, help="year for dates written without one")
    p.add_argument("--out", type=Path, default=None, help="folder for sessions/leads/audiences/problems CSV")
    return p.parse_args(argv)


def _parse_report(argv: Sequence[str]) -> argparse.Namespace:
    p = _Parser(prog="python -m analysis report", description="Write the HTML report.")
    p.add_argument("path", type=Path, help="the schedule file")
    p.add_argument("--out", type=Path, required=True, help="folder for report.html (and PNGs)")
    p.add_argument("--year", type=year_argument, default=None, help="year for dates written without one")
    p.add_argument("--png", action="store_true", help="also write a PNG of every chart (needs Chromium)")
    return p.parse_args(argv)


def _run(args_in: list[str]) -> int:
    """Parse, check ``--out``, read, then print or write; errors propagate to :func:`main`."""
    if args_in[:1] == ["report"]:
        args = _parse_report(args_in[1:])
        check_out_folder(args.out)
        schedule = load_schedule(args.path, year=args.year)
        from .report import write_report

        for path in write_report(schedule, args.out, png=args.png):
            print(path)
        return 0
    args = _parse_main(args_in)
    if args.out is not None:
        check_out_folder(args.out)
    schedule = load_schedule(args.path, year=args.year)
    print(summary(schedule))
    if args.out is not None:
        for path in write_tables(schedule, args.out):
            print(f"wrote {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 with one sentence on stderr when it cannot be done)."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] and args_in[0] in HISTORY_COMMANDS:
        from .history_cli import main as history_main

        return history_main(args_in)
    try:
        return _run(args_in)
    except (UsageError, ScheduleError, ReferenceDataError) as exc:
        message = str(exc)
    except OSError as exc:
        where = exc.filename or "the output"
        message = f"{where} cannot be written: {(exc.strerror or str(exc)).rstrip('.').lower()}"
    print(f"error: {message.rstrip('.')}.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
