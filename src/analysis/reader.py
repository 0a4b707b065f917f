"""From bytes to classified lines and raw records.

Steps, each a small function: :func:`read_bytes` (path, bytes or file object, with a size limit) →
:func:`decode` (UTF-8 with or without BOM, else a legacy single-byte encoding with a warning) →
:func:`split_lines` → :func:`classify` (one role per line; continuation lines joined to their record).
Line numbers are 1-based and carried through every step.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from .errors import ScheduleError
from .fields import looks_like_date, search_any
from .reference import SourceInfo

MAX_BYTES = 20 * 1024 * 1024
"""Largest source accepted, in bytes (20 MiB)."""

ROLES = ("preamble", "header", "separator", "section", "record", "continuation", "chrome", "blank", "rejected")

Source = str | os.PathLike[str] | bytes | bytearray | BinaryIO

_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"), (b"BM", None), (b"RIFF", "a RIFF media file"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
)
_SEPARATOR_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADER_SCAN = 50
"""The header is looked for among the first this many lines that hold a ``|``."""


@dataclass(slots=True)
class RawRecord:
    """A table row with its continuation lines joined. ``cells`` are stripped and HTML-unescaped.

    ``continued_on`` holds the line numbers of the continuation lines (usually none).
    """

    line_no: int
    section: str
    section_title: str
    cells: list[str]
    pipes: int
    continued_on: tuple[int, ...] = ()

    @property
    def line_nos(self) -> list[int]:
        """Every source line of the record: its own, then its continuations."""
        return [self.line_no, *self.continued_on]

    @property
    def joined(self) -> bool:
        """True when the row spilled onto continuation lines."""
        return bool(self.continued_on)


@dataclass
class Classified:
    """Result of :func:`classify`: a role per line, the records, page metadata and problems.

    The records are kept column-wise (entry k of each list is record k), which is how they are used;
    :attr:`records` gives them as :class:`RawRecord` objects.
    """

    roles: list[str]
    owner: list[int | None]  # index into records, per line
    preamble: list[str]
    header: list[str]
    problems: list[tuple[int, str, str, str]]
    line_no: list[int]
    section: list[str]
    section_title: list[str]
    cells: list[list[str]]
    pipes: list[int]
    continued_on: dict[int, list[int]]  # record index → its continuation lines, for rows that spilled

    @property
    def records(self) -> list[RawRecord]:
        """The records as objects (built on demand)."""
        return [
            RawRecord(*fields, tuple(self.continued_on.get(k, ())))
            for k, fields in enumerate(zip(self.line_no, self.section, self.section_title, self.cells, self.pipes,
                                           strict=True))
        ]


def read_bytes(source: Source) -> tuple[bytes, str]:
    """Return the source's bytes and a display name, enforcing :data:`MAX_BYTES`.

    Raises:
        ScheduleError: the file is missing, unreadable or too large.
    """
    if isinstance(source, bytes | bytearray):
        data, name = bytes(source), "uploaded file"
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        name = str(path)
        try:
            size = path.stat().st_size
            if path.is_dir():
                raise ScheduleError(f"{name} is a folder, not a schedule file.")
            if size > MAX_BYTES:
                raise ScheduleError(f"{name} is {size / 1e6:.1f} MB, over the {MAX_BYTES // 2**20} MiB limit.")
            data = path.read_bytes()
        except FileNotFoundError:
            raise ScheduleError(f"{name} does not exist.") from None
        except PermissionError:
            raise ScheduleError(f"{name} cannot be read: permission denied.") from None
        except OSError as exc:
            raise ScheduleError(f"{name} cannot be read: {exc.strerror or exc}.") from None
    elif hasattr(source, "read"):
        name = str(getattr(source, "name", "uploaded file"))
        data = source.read(MAX_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not isinstance(data, bytes | bytearray):
            raise ScheduleError(f"{name} did not give bytes when read.")
        data = bytes(data)
    else:
        raise ScheduleError(f"cannot read a schedule from a {type(source).__name__}; give a path, bytes or a file.")
    if len(data) > MAX_BYTES:
        raise ScheduleError(f"{name} is over the {MAX_BYTES // 2**20} MiB limit.")
    return data, name


def decode(data: bytes, name: str) -> tuple[str, str, list[tuple[int, str, str, str]]]:
    """Decode bytes to text; return (text, encoding, problems).

    UTF-8 (BOM optional) is expected. Other text is read as Windows-1252 (Latin-1 where that fails)
    with a warning naming the first line that is not UTF-8.

    Raises:
        ScheduleError: empty input, or input that is binary (an image, an archive, NUL bytes).
    """
    if not data.strip():
        raise ScheduleError(f"{name} is empty.")
    for magic, what in _MAGIC:
        if data.startswith(magic) and what:
            raise ScheduleError(f"{name} is {what}, not a text schedule.")
    if b"\x00" in data[:65536]:
        raise ScheduleError(f"{name} is a binary file (it contains NUL bytes), not a text schedule.")
    problems: list[tuple[int, str, str, str]] = []
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "latin-1"
        problems.append((line, "encoding", "warning",
                         f"not UTF-8 (first at line {line}); read as {encoding}, check accented letters"))
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if controls > max(8, len(sample) // 20):
        raise ScheduleError(f"{name} looks like a binary file (many control characters), not a text schedule.")
    return text, encoding, problems


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF or CR; a final line break does not start an extra line."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


@lru_cache(maxsize=16384)
def unescape(text: str) -> str:
    """``html.unescape``, memoised: the same cells recur throughout a page."""
    return html.unescape(text)


def _cells(line: str, leading: bool) -> tuple[list[str], int]:
    """Cells of a pipe row (HTML entities decoded) and its pipe count."""
    parts = list(map(str.strip, line.split("|")))
    pipes = len(parts) - 1
    if leading and not parts[0]:
        del parts[0]
    if len(parts) > 1 and not parts[-1]:
        parts.pop()
    if "&" in line:
        return [unescape(p) if "&" in p else p for p in parts], pipes
    return parts, pipes


def _first_piped(lines: list[str]) -> list[int]:
    """Indexes of the first lines that hold a ``|`` (at most :data:`_HEADER_SCAN`)."""
    found: list[int] = []
    for i, line in enumerate(lines):
        if "|" in line:
            found.append(i)
            if len(found) == _HEADER_SCAN:
                break
    return found


def _is_header(cells: list[str]) -> bool:
    low = [c.casefold() for c in cells]
    return len(low) >= 3 and "date" in low[0] and any("topic" in c for c in low)


def classify(lines: list[str], info: SourceInfo, name: str) -> Classified:
    """Give every line exactly one role and gather the table rows into records.

    Before the header: non-blank lines are the preamble (page metadata). In the table: the separator,
    section lines (a lone first cell naming a section, e.g. "Pipeline (full details tbc)"), records,
    and continuation lines (text or a lone ``|`` that completes the open row above). After the table,
    and anywhere for lines matching the configured chrome patterns: chrome. A line that fits nowhere
    is rejected and reported. Pipeline rows have a variable number of cells and are never "open".

    Raises:
        ScheduleError: no line looks like a table row at all.
    """
    n = len(lines)
    roles = ["blank"] * n
    owner: list[int | None] = [None] * n
    preamble: list[str] = []
    header: list[str] = []
    problems: list[tuple[int, str, str, str]] = []
    first_piped = _first_piped(lines)
    if not first_piped:
        raise ScheduleError(f"{name} has no table: no line contains a '|' column separator.")
    last_piped = next(i for i in range(n - 1, -1, -1) if "|" in lines[i])
    header_idx = next(
        (i for i in first_piped if _is_header(_cells(lines[i], lines[i].lstrip().startswith("|"))[0])), None)
    if header_idx is None:
        header_idx = -1
        start = first_piped[0]
        leading = lines[start].lstrip().startswith("|")
        expected = max(5, lines[start].count("|"))
        problems.append((start + 1, "header", "warning", "no header row found; columns read in the usual order"))
    else:
        start = header_idx
        leading = lines[header_idx].lstrip().startswith("|")
        header, expected = _cells(lines[header_idx], leading)[0], lines[header_idx].count("|")
    section, section_title = "schedule", ""
    # The records, column-wise; ``open_k`` is the record whose row is cut short (-1: none).
    rec_line: list[int] = []
    rec_section: list[str] = []
    rec_title: list[str] = []
    rec_cells: list[list[str]] = []
    rec_pipes: list[int] = []
    continued_on: dict[int, list[int]] = {}
    open_k = -1
    is_chrome = search_any(info.chrome)
    section_patterns = info.sections
    is_separator = _SEPARATOR_RE.match
    date_like = looks_like_date
    strip = str.strip

    for i, line in enumerate(lines[start:], start):
        stripped = line.strip()
        if not stripped:
            continue  # blank; a blank line does not close an open row
        if i == header_idx:
            roles[i] = "header"
            continue
        if is_chrome(stripped):
            roles[i] = "chrome"
            open_k = -1
            continue
        if "|" not in line:
            if open_k >= 0:
                roles[i] = "continuation"
                owner[i] = open_k
                open_cells = rec_cells[open_k]
                open_cells[-1] = f"{open_cells[-1]} {unescape(stripped)}".strip()
                continued_on.setdefault(open_k, []).append(i + 1)
            elif i > last_piped:
                roles[i] = "chrome"
            else:
                roles[i] = "rejected"
                problems.append((i + 1, "line", "warning", f"text outside any table row ignored: {stripped[:80]!r}"))
            continue
        if stripped[0] in "|:-" and is_separator(line):  # a separator opens with one of these
            roles[i] = "separator"
            continue
        cells = list(map(strip, line.split("|")))  # as _cells(), inlined: this runs for every row
        pipes = len(cells) - 1
        if leading and not cells[0]:
            del cells[0]
        if len(cells) > 1 and not cells[-1]:
            cells.pop()
        if "&" in line:
            cells = [unescape(c) if "&" in c else c for c in cells]
        first = cells[0]
        rest_empty = len(cells) == 1 or (not cells[1] and not any(cells[2:]))
        if open_k >= 0 and not date_like(first) and (
            not first or not rest_empty or len(cells) <= 1 or rec_pipes[open_k] + pipes <= expected
        ) and not (first and rest_empty and any(p.search(first) for _, p in section_patterns)):
            # The row above was cut short: this line carries on its last cell and adds the others.
            # (A line naming a known section, such as "Pipeline (full details tbc) |", never does.)
            roles[i] = "continuation"
            owner[i] = open_k
            open_cells = rec_cells[open_k]
            open_cells[-1] = f"{open_cells[-1]} {first}".strip()
            open_cells.extend(cells[1:])
            rec_pipes[open_k] += pipes
            continued_on.setdefault(open_k, []).append(i + 1)
            if rec_pipes[open_k] >= expected:
                open_k = -1
            continue
        if rest_empty:
            if first and not date_like(first):
                roles[i] = "section"
                section_title = first
                section = next((nm for nm, p in section_patterns if p.search(first)), "schedule")
                open_k = -1
                continue
            if not first:
                roles[i] = "rejected"
                problems.append((i + 1, "line", "warning", "empty table row ignored"))
                continue
        roles[i] = "record"
        k = len(rec_line)
        owner[i] = k
        rec_line.append(i + 1)
        rec_section.append(section)
        rec_title.append(section_title)
        rec_cells.append(cells)
        rec_pipes.append(pipes)
        open_k = k if pipes < expected and section == "schedule" else -1
    for i in range(start):
        if lines[i].strip():
            roles[i] = "preamble"
            preamble.append(unescape(lines[i].strip()))
    if not rec_line:
        raise ScheduleError(f"{name} has no schedule rows: the table holds no record.")
    return Classified(roles, owner, preamble, header, problems, rec_line, rec_section, rec_title, rec_cells,
                      rec_pipes, continued_on)
