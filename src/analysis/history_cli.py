"""Command line for the history of captures: ``captures add|list|rename|delete`` and ``diff``.

    python -m analysis captures add FILE [--as-of DATE] [--partial] [--year Y] [--store URL]
    python -m analysis captures list [--store URL]
    python -m analysis captures rename ID NAME [--store URL]
    python -m analysis captures delete ID [--store URL]
    python -m analysis diff OLD NEW [--partial] [--partial-old] [--out FILE.csv] [--store URL]

OLD and NEW are files or capture ids (``3`` or ``#3``). The store is ``--store``, else env
``OUTREACH_STORE_URL``, else the SQLite file under ``var/``; opening it stores the bundled page as capture #1
when the store is new. Exit codes: 0 success, 2 anything that cannot be done (one sentence on stderr, never a
traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError

from .compare import Changes, diff
from .errors import ReferenceDataError, ScheduleError
from .export import to_csv_bytes
from .schedule import Schedule, load_schedule
from .store import CaptureInfo, CaptureStore, StoreError, default_url, read_file

_ID = re.compile(r"#?(\d+)")


class UsageError(Exception):
    """A command line that cannot be run; the message is one sentence."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one sentence (exit 2), without the usage block."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2020-05-15") from None


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m analysis", description="Stored captures of the schedule page and what changed.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    caps = sub.add_parser("captures", help="add, list, rename or delete stored captures")
    caps_sub = caps.add_subparsers(dest="action", required=True, parser_class=_Parser)

    def store_arg(q: argparse.ArgumentParser) -> None:
        q.add_argument("--store", default=None, metavar="URL",
                       help="database URL (default: env OUTREACH_STORE_URL, else var/captures.sqlite)")

    add = caps_sub.add_parser("add", help="store a capture of the page")
    add.add_argument("file", type=Path)
    add.add_argument("--as-of", type=_date, default=None, metavar="DATE", help="date of the capture (YYYY-MM-DD)")
    add.add_argument("--partial", action="store_true", help="the capture is cut off (missing rows are not dropped)")
    add.add_argument("--year", type=int, default=None, help="year for dates written without one")
    store_arg(add)
    store_arg(caps_sub.add_parser("list", help="list the stored captures"))
    ren = caps_sub.add_parser("rename", help="rename a capture")
    ren.add_argument("id")
    ren.add_argument("name")
    store_arg(ren)
    dele = caps_sub.add_parser("delete", help="delete a capture")
    dele.add_argument("id")
    store_arg(dele)

    d = sub.add_parser("diff", help="what changed from OLD to NEW (files or capture ids)")
    d.add_argument("old")
    d.add_argument("new")
    d.add_argument("--partial", action="store_true", help="NEW is cut off: records missing from it are not dropped")
    d.add_argument("--partial-old", action="store_true",
                   help="OLD is cut off: records only in NEW are not reported as added")
    d.add_argument("--out", type=Path, default=None, metavar="FILE.csv", help="also write the changes as CSV")
    d.add_argument("--year", type=int, default=None, help="year for dates written without one (files only)")
    store_arg(d)
    return p


def _open(url: str | None) -> CaptureStore:
    store = CaptureStore.from_url(url or default_url())
    store.ensure_bundled()
    return store


def _capture_id(text: str) -> int:
    m = _ID.fullmatch(text.strip())
    if not m:
        raise UsageError(f"{text!r} is not a capture id (a number such as 3 or #3)")
    return int(m.group(1))


def describe(info: CaptureInfo) -> str:
    """One line about a capture: "#2  2020-05-15 (given)  3 records  older.txt  [partial]"."""
    flags = [f for f, on in (("bundled", info.bundled), ("partial", info.partial)) if on]
    tail = f"  [{', '.join(flags)}]" if flags else ""
    name = info.name if info.name == info.source_name else f"{info.name} ({info.source_name})"
    return (f"#{info.id}  {info.as_of:%Y-%m-%d} ({info.as_of_origin})  {info.records} records  "
            f"{name}{tail}")


def _plain(value: object) -> str:
    return value if isinstance(value, str) else ""


def format_changes(changes: Changes) -> str:
    """The summary line, then one line per change with the source lines on both sides."""
    lines = [changes.summary]
    for r in changes.frame.itertuples(index=False):
        old_lines, new_lines, before, after, detail = (_plain(v) for v in (
            r.old_lines, r.new_lines, r.before, r.after, r.detail))
        where = f"lines {old_lines or '–'} → {new_lines or '–'}"
        what = f"{before} → {after}" if before and after else (after or before)
        detail = f" ({detail})" if detail else ""
        lines.append(f"  {r.kind:<11} {r.label}: {what}{detail}  [{where}]")
    return "\n".join(lines)


def _operand(text: str, args: argparse.Namespace, store: list[CaptureStore]) -> tuple[Schedule, bool]:
    """A diff side: (schedule, stored partial flag) from a file path or a capture id."""
    path = Path(text)
    if path.exists():
        return load_schedule(path, year=args.year), False
    if not _ID.fullmatch(text.strip()):
        raise UsageError(f"{text} is neither a file nor a capture id")
    if not store:
        store.append(_open(args.store))
    capture_id = _capture_id(text)
    return store[0].schedule(capture_id), store[0].get(capture_id).partial


def _run(args: argparse.Namespace) -> int:
    if args.command == "diff":
        opened: list[CaptureStore] = []
        old, _ = _operand(args.old, args, opened)  # a partial OLD side is only ignored with --partial-old
        new, new_partial = _operand(args.new, args, opened)
        changes = diff(old, new, partial_new=args.partial or new_partial, partial_old=args.partial_old)
        print(format_changes(changes))
        if args.out is not None:
            try:
                args.out.write_bytes(to_csv_bytes(changes.frame))
            except OSError as exc:
                raise UsageError(f"cannot write {args.out}: {exc.strerror or exc}") from None
            print(f"wrote {args.out}")
        return 0
    store = _open(args.store)
    if args.action == "add":
        data, name = read_file(args.file)
        info, created = store.add(data, name, as_of=args.as_of, partial=args.partial, year=args.year)
        print(("added " if created else "already stored: ") + describe(info))
    elif args.action == "list":
        for info in store.list():
            print(describe(info))
    elif args.action == "rename":
        store.rename(_capture_id(args.id), args.name)
        print(describe(store.get(_capture_id(args.id))))
    elif args.action == "delete":
        capture_id = _capture_id(args.id)
        info = store.get(capture_id)
        store.delete(capture_id)
        print(f"deleted #{info.id} {info.name}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``captures …`` or ``diff …``; return the exit code (2 with one sentence on stderr on failure)."""
    try:
        return _run(_parser().parse_args(list(sys.argv[1:] if argv is None else argv)))
    except (UsageError, ScheduleError, ReferenceDataError, StoreError, ValueError) as exc:
        message = str(exc)
    except KeyError as exc:
        message = str(exc.args[0]) if exc.args else "no such capture"
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        message = f"the capture store cannot be used: {str(orig or exc).splitlines()[0]}"
    except OSError as exc:
        message = f"{exc.filename or 'a file'} cannot be used: {exc.strerror or exc}"
    print(f"error: {message.rstrip('.')}.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
