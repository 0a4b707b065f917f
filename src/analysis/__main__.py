"""Command line: ``python -m analysis PATH [--year Y] [--out DIR]`` and ``python -m analysis report …``.

Exit codes: 0 success, 2 the source cannot be read (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import ReferenceDataError, ScheduleError
from .export import to_csv_bytes
from .schedule import Schedule, iter_problems, load_schedule


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


def _parse_main(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m analysis", description="Read a scraped schedule page.")
    p.add_argument("path", type=Path, help="the schedule text file")
    p.add_argument("--year", type=int, default=None, help="year for dates written without one")
    p.add_argument("--out", type=Path, default=None, help="folder for sessions/leads/audiences/problems CSV")
    return p.parse_args(argv)


def _parse_report(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m analysis report", description="Write the HTML report.")
    p.add_argument("path", type=Path, help="the schedule text file")
    p.add_argument("--out", type=Path, required=True, help="folder for report.html (and PNGs)")
    p.add_argument("--year", type=int, default=None, help="year for dates written without one")
    p.add_argument("--png", action="store_true", help="also write a PNG of every chart (needs Chromium)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_in[:1] == ["report"]:
            args = _parse_report(args_in[1:])
            from .report import write_report

            schedule = load_schedule(args.path, year=args.year)
            for path in write_report(schedule, args.out, png=args.png):
                print(path)
            return 0
        args = _parse_main(args_in)
        schedule = load_schedule(args.path, year=args.year)
    except (ScheduleError, ReferenceDataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary(schedule))
    if args.out is not None:
        for path in write_tables(schedule, args.out):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
