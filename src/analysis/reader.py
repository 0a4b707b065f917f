"""From bytes to classified lines and raw records.

Steps, each a small function: :func:`read_bytes` (path, bytes or file object; regular files only, at most
:data:`MAX_BYTES`) → :func:`decode` (UTF-8 with or without BOM, UTF-16/UTF-32 with a BOM, else a legacy
single-byte encoding with a warning) → a reader per input shape (:mod:`analysis.readers`: pipe scrape or
Markdown table, saved HTML page, tab-separated paste, CSV) that splits the text into lines or table rows →
:func:`classify` (one role per line; continuation lines joined to their record). Line numbers are 1-based
and carried through every step; for HTML, CSV and TSV a "line" is a table row or record.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Protocol

from .errors import ScheduleError
from .fields import looks_like_date, search_any
from .reference import SourceInfo

MAX_BYTES = 20 * 1024 * 1024
"""Largest source accepted, in bytes (20 MiB); the one upload and read limit (``server.maxUploadSize`` in MiB)."""

ROLES = ("preamble", "header", "separator", "section", "record", "continuation", "chrome", "blank", "rejected")

Source = str | os.PathLike[str] | bytes | bytearray | BinaryIO

_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"), (b"BM", None), (b"RIFF", "a RIFF media file"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
)
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if chr(b) not in "\t\r\n\f")
# Linear: matched against stripped text only, and no two adjacent unbounded quantifiers share characters.
_SEPARATOR_RE = re.compile(r"\|?[ \t]*:?-{3,}:?(?:[ \t]*\|[ \t]*:?-{3,}:?)*[ \t]*\|?")
_HEADER_SCAN = 50
"""The header is looked for among the first this many lines that hold a cell separator."""
_DEADLINE_EVERY = 4096
"""The classify loop looks at the clock once per this many lines."""

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
    :attr:`records` gives them as :class:`RawRecord` objects. ``links`` maps a record index to the
    (link text, href) pairs of its Documents cell (saved HTML pages only). ``title`` is the page's own
    title (HTML ``<title>``), None when the source has none; ``page_date`` the date the page says it was
    last changed (an HTML ``<meta>`` such as ``article:modified_time``), None when it says none.
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
    links: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    title: str | None = None
    page_date: dt.date | None = None

    @property
    def records(self) -> list[RawRecord]:
        """The records as objects (built on demand)."""
        return [
            RawRecord(*fields, tuple(self.continued_on.get(k, ())))
            for k, fields in enumerate(zip(self.line_no, self.section, self.section_title, self.cells, self.pipes,
                                           strict=True))
        ]


# --------------------------------------------------------------------------------------------- bytes


def read_bytes(source: Source, name: str | None = None) -> tuple[bytes, str]:
    """Return the source's bytes and a display name (``name`` when given), enforcing :data:`MAX_BYTES`.

    Paths are read only when they name a regular file (never a device, FIFO or socket, which could
    hang or never end), and never more than ``MAX_BYTES + 1`` bytes are read from any source.

    Raises:
        ScheduleError: the file is missing, not a regular file, unreadable or too large.
    """
    if isinstance(source, bytes | bytearray):
        data, name = bytes(source), name or "uploaded file"
    elif isinstance(source, str | os.PathLike):
        name = name or str(Path(source))
        data = _read_path(Path(source), name)
    elif hasattr(source, "read"):
        name = name or str(getattr(source, "name", "uploaded file"))
        data = _read_file_object(source, name)
    else:
        raise ScheduleError(f"cannot read a schedule from a {type(source).__name__}; give a path, bytes or a file.")
    if len(data) > MAX_BYTES:
        raise ScheduleError(f"{name} is over the {MAX_BYTES // 2**20} MiB limit.")
    return data, name


def _read_path(path: Path, name: str) -> bytes:
    """Read a regular file, at most ``MAX_BYTES + 1`` bytes (opened non-blocking so a FIFO cannot hang)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ScheduleError(f"{name} does not exist.") from None
    except IsADirectoryError:
        raise ScheduleError(f"{name} is a folder, not a schedule file.") from None
    except PermissionError:
        raise ScheduleError(f"{name} cannot be read: permission denied.") from None
    except OSError as exc:
        raise ScheduleError(f"{name} cannot be read: {_reason(exc)}.") from None
    try:
        info = os.fstat(fd)
        _check_regular(info, name)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScheduleError(f"{name} cannot be read: {_reason(exc)}.") from None
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    """The OS's short reason, lower-cased and without a final full stop."""
    text = str(exc.strerror or exc).rstrip(".")
    return text[:1].lower() + text[1:]


def _check_regular(info: os.stat_result, name: str) -> None:
    """Refuse folders, devices, FIFOs and sockets; refuse regular files over the limit before reading."""
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise ScheduleError(f"{name} is a folder, not a schedule file.")
    if not stat.S_ISREG(mode):
        kind = ("a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
                "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else
                "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise ScheduleError(f"{name} is {kind}, not a regular file, so it is not read.")
    if info.st_size > MAX_BYTES:
        raise ScheduleError(f"{name} is {info.st_size / 1e6:.1f} MB, over the {MAX_BYTES // 2**20} MiB limit.")


def _read_file_object(source: BinaryIO, name: str) -> bytes:
    """Read at most ``MAX_BYTES + 1`` bytes (text file objects are encoded as UTF-8)."""
    try:
        data: object = source.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScheduleError(f"{name} cannot be read: {_reason(exc)}.") from None
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes | bytearray):
        raise ScheduleError(f"{name} did not give bytes when read.")
    return bytes(data)


def decode(data: bytes, name: str) -> tuple[str, str, list[tuple[int, str, str, str]]]:
    """Decode bytes to text; return (text, encoding, problems).

    UTF-8 (BOM optional) is expected; UTF-16 and UTF-32 are read when they start with a byte-order mark.
    Other text is read as Windows-1252 (Latin-1 where that fails) with a warning naming the first line
    that is not UTF-8. The whole input is checked for NUL and control bytes, so a page followed by
    binary garbage is refused rather than half read.

    Raises:
        ScheduleError: empty input, or input that is binary (an image, an archive, NUL or control bytes).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_wide(data, encoding, name), encoding, []
    if not data or data.isspace():  # as "not data.strip()", without copying the bytes
        raise ScheduleError(f"{name} is empty.")
    for magic, what in _MAGIC:
        if data.startswith(magic) and what:
            raise ScheduleError(f"{name} is {what}, not a text schedule.")
    if b"\x00" in data:
        raise ScheduleError(f"{name} is a binary file (it contains NUL bytes), not a text schedule.")
    _check_controls(data, name)
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
    return text, encoding, problems


def _decode_wide(data: bytes, encoding: str, name: str) -> str:
    """Decode UTF-16 or UTF-32 text that starts with a byte-order mark, then check it as text."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        label = encoding.upper()
        raise ScheduleError(f"{name} starts like {label} text but is not valid {label}.") from None
    if not text.strip():
        raise ScheduleError(f"{name} is empty.")
    if "\x00" in text:
        raise ScheduleError(f"{name} is a binary file (it contains NUL characters), not a text schedule.")
    _check_controls(text.encode("utf-8", "surrogatepass"), name)
    return text


def _check_controls(data: bytes, name: str) -> None:
    """Refuse text with more than a few control characters (other than tab, CR, LF and form feed)."""
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > max(8, len(data) // 200):
        raise ScheduleError(f"{name} looks like a binary file (many control characters), not a text schedule.")


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


def too_slow(name: str) -> ScheduleError:
    """The error for a source that cannot be read within its time budget."""
    return ScheduleError(f"{name} takes too long to read; it may not be a schedule page.")


def check_deadline(deadline: float | None, name: str) -> None:
    """Raise :func:`too_slow` when ``deadline`` (a ``time.monotonic()`` value) has passed."""
    if deadline is not None and time.monotonic() > deadline:
        raise too_slow(name)


# --------------------------------------------------------------------------------------------- cells


def is_separator(text: str) -> bool:
    """True for a Markdown separator row such as ``---|---|`` or ``| :---: | --- |`` (linear time)."""
    stripped = text.strip()
    return bool(stripped) and stripped[0] in "|:-" and _SEPARATOR_RE.fullmatch(stripped) is not None


def is_header(cells: Sequence[str]) -> bool:
    """True for the table's header row: a Date first cell and a Topic cell, at least three cells."""
    if len(cells) < 3 or "date" not in cells[0][:200].casefold():
        return False
    return any("topic" in c[:200].casefold() for c in cells)


def _cells(line: str, leading: bool, sep: str = "|") -> tuple[list[str], int]:
    """Cells of a pipe (or tab) row, HTML entities decoded for pipes, and its separator count.

    With ``leading`` (a Markdown table) an empty first cell before the opening separator is dropped;
    one empty cell after a closing separator is always dropped.
    """
    parts = list(map(str.strip, line.split(sep)))
    seps = len(parts) - 1
    if leading and not parts[0]:
        del parts[0]
    if len(parts) > 1 and not parts[-1]:
        parts.pop()
    if sep == "|" and "&" in line:
        return [unescape(p) if "&" in p else p for p in parts], seps
    return parts, seps


class Rows(Protocol):
    """Cell access for :func:`classify`, one entry per line (or table row)."""

    def cells(self, i: int) -> tuple[list[str], int] | None:
        """The cells of line ``i`` and its separator count, or None for a line without cells."""

    def text(self, i: int) -> str:
        """The text of line ``i`` as it joins an open cell or the preamble (stripped)."""

    def opens_with_separator(self, line: str) -> None:
        """Told which line is the header (or first row); pipe rows then know whether they open with ``|``."""


class LineRows:
    """Text lines split on ``sep`` (``|`` for a pipe scrape or Markdown table, a tab for a paste)."""

    def __init__(self, lines: list[str], sep: str = "|") -> None:
        self.lines = lines
        self.sep = sep
        self.leading = False

    def cells(self, i: int) -> tuple[list[str], int] | None:
        line = self.lines[i]
        return _cells(line, self.leading, self.sep) if self.sep in line else None

    def text(self, i: int) -> str:
        text = self.lines[i].strip()
        return unescape(text) if self.sep == "|" and "&" in text else text

    def opens_with_separator(self, line: str) -> None:
        self.leading = line.lstrip().startswith(self.sep)


class GivenRows:
    """Rows already split into cells (HTML, CSV, TSV); ``rows[i]`` is None for a line without cells."""

    def __init__(self, rows: Sequence[list[str] | None], texts: Sequence[str]) -> None:
        self.rows = rows
        self.texts = texts

    def cells(self, i: int) -> tuple[list[str], int] | None:
        cells = self.rows[i]
        return None if cells is None else (list(cells), len(cells) - 1)

    def text(self, i: int) -> str:
        return self.texts[i].strip()

    def opens_with_separator(self, line: str) -> None:
        """Rows of a real table have no leading separator to drop."""


# --------------------------------------------------------------------------------------------- roles


def classify(lines: list[str], info: SourceInfo, name: str, *, rows: Rows | None = None, spill: bool = True,
             deadline: float | None = None) -> Classified:
    """Give every line exactly one role and gather the table rows into records.

    ``lines`` are the source lines (pipe scrape) or table rows (HTML, CSV, TSV); ``rows`` gives their
    cells (default: :class:`LineRows`, split on ``|``). Before the header: non-blank lines are the
    preamble (page metadata). In the table: the separator, section lines (a lone first cell naming a
    section, e.g. "Pipeline (full details tbc)"), records, and, with ``spill``, continuation lines (text
    or a short row that completes the open row above). After the table, and anywhere for lines matching
    the configured chrome patterns: chrome. A line that fits nowhere is rejected and reported. Pipeline
    rows have a variable number of cells and are never "open".

    Raises:
        ScheduleError: no line looks like a table row at all, or ``deadline`` passed.
    """
    rows = rows or LineRows(lines)
    first_rows = _first_rows(rows.cells, len(lines))
    if not first_rows:
        raise ScheduleError(f"{name} has no table: no line contains a '|' column separator.")
    table = _Table(lines, rows, info, spill)
    table.find_header(first_rows)
    for start in range(table.start, len(lines), _DEADLINE_EVERY):
        check_deadline(deadline, name)
        table.read_lines(start, min(start + _DEADLINE_EVERY, len(lines)))
    preamble = _preamble(lines, table.start, table.roles, rows)
    if not table.rec_line:
        raise ScheduleError(f"{name} has no schedule rows: the table holds no record.")
    return Classified(table.roles, table.owner, preamble, table.header, table.problems, table.rec_line,
                      table.rec_section, table.rec_title, table.rec_cells, table.rec_pipes, table.continued_on)


class _Table:
    """The state of :func:`classify` as it walks the lines: roles so far, the records column-wise, the
    current section, and the open record (a row cut short that the next lines may continue)."""

    def __init__(self, lines: list[str], rows: Rows, info: SourceInfo, spill: bool) -> None:
        n = len(lines)
        self.lines = lines
        self.rows = rows
        self.spill = spill
        self.roles = ["blank"] * n
        self.owner: list[int | None] = [None] * n
        self.header: list[str] = []
        self.problems: list[tuple[int, str, str, str]] = []
        self.header_idx = -1
        self.start = 0
        self.expected = 0  # separators in a complete row
        self.last_row = next(i for i in range(n - 1, -1, -1) if rows.cells(i) is not None)
        self.section, self.section_title = "schedule", ""
        self.rec_line: list[int] = []
        self.rec_section: list[str] = []
        self.rec_title: list[str] = []
        self.rec_cells: list[list[str]] = []
        self.rec_pipes: list[int] = []
        self.continued_on: dict[int, list[int]] = {}
        self.open_k = -1  # the record whose row is cut short (-1: none)
        self.is_chrome = search_any(info.chrome)
        self.sections = info.sections

    def find_header(self, candidates: list[int]) -> None:
        """Find the header row among the first rows; without one, warn and expect the usual columns."""
        rows = self.rows
        found = _find_header(rows, self.lines, candidates)
        if found is None:
            self.start = candidates[0]
            rows.opens_with_separator(self.lines[self.start])
            self.expected = max(5 if isinstance(rows, LineRows) else 4, _cells_or_empty(rows.cells, self.start)[1])
            self.problems.append((self.start + 1, "header", "warning",
                                  "no header row found; columns read in the usual order"))
            return
        self.header_idx = self.start = found
        rows.opens_with_separator(self.lines[found])
        self.header, self.expected = _cells_or_empty(rows.cells, found)

    def read_lines(self, start: int, stop: int) -> None:
        """Give lines ``start`` to ``stop`` (at or after the header) their roles, as :meth:`read_line` would.

        Nearly every line is a new record while no row is open: that case is decided here at once, without
        the calls through :meth:`read_line`, :meth:`row` and :meth:`continues` (a tenth of the table read on
        a long page). Every other line that is not blank goes to :meth:`read_line`.
        """
        lines, cells_of, is_chrome, header_idx = self.lines, self.rows.cells, self.is_chrome, self.header_idx
        for i in range(start, stop):
            stripped = lines[i].strip()
            if not stripped:
                continue  # blank; a blank line does not close an open row
            got = None
            if self.open_k < 0 and i != header_idx and not is_chrome(stripped[:1000]):
                got = cells_of(i)
            if got is None or (stripped[0] in "|:-" and is_separator(stripped)):
                self.read_line(i)
                continue
            cells, pipes = got
            if len(cells) < 2 or (not cells[1] and not any(cells[2:])):
                self.read_line(i)  # a section line or an empty row
            else:
                self.record(i, cells, pipes)

    def read_line(self, i: int) -> None:
        """Give line ``i`` (at or after the header) its role."""
        stripped = self.lines[i].strip()
        if not stripped:
            return  # blank; a blank line does not close an open row
        if i == self.header_idx:
            self.roles[i] = "header"
        elif self.is_chrome(stripped[:1000]):
            self.roles[i] = "chrome"
            self.open_k = -1
        else:
            got = self.rows.cells(i)
            if got is None:
                self.text_line(i, stripped)
            elif stripped[0] in "|:-" and is_separator(stripped):
                self.roles[i] = "separator"
            else:
                self.row(i, *got)

    def text_line(self, i: int, stripped: str) -> None:
        """A line without cells: it continues the open row, or is chrome after the table, or is rejected."""
        if self.open_k >= 0:
            self.join(i, self.rows.text(i), [], 0)
        elif i > self.last_row:
            self.roles[i] = "chrome"
        else:
            self.reject(i, f"text outside any table row ignored: {stripped[:80]!r}")

    def row(self, i: int, cells: list[str], pipes: int) -> None:
        """A line with cells: the rest of the open row, a section line, an empty row or a new record."""
        cells = cells or [""]
        first = cells[0]
        rest_empty = len(cells) == 1 or (not cells[1] and not any(cells[2:]))
        if self.continues(first, cells, rest_empty, pipes):
            self.join(i, first, cells[1:], pipes)
        elif rest_empty and first and not looks_like_date(first):
            self.roles[i] = "section"
            self.section_title = first
            self.section = next((nm for nm, p in self.sections if p.search(first)), "schedule")
            self.open_k = -1
        elif rest_empty and not first:
            self.reject(i, "empty table row ignored")
        else:
            self.record(i, cells, pipes)

    def continues(self, first: str, cells: list[str], rest_empty: bool, pipes: int) -> bool:
        """True when this row carries on the open row above (never for a dated row or a known section)."""
        k = self.open_k
        if k < 0 or looks_like_date(first):
            return False
        if first and rest_empty and any(p.search(first) for _, p in self.sections):
            return False  # a line naming a known section, such as "Pipeline (full details tbc) |"
        return not first or not rest_empty or len(cells) <= 1 or self.rec_pipes[k] + pipes <= self.expected

    def join(self, i: int, first: str, more: list[str], pipes: int) -> None:
        """Line ``i`` continues the open record: ``first`` extends its last cell, ``more`` adds cells."""
        k = self.open_k
        self.roles[i] = "continuation"
        self.owner[i] = k
        cells = self.rec_cells[k]
        cells[-1] = f"{cells[-1]} {first}".strip()
        cells.extend(more)
        self.continued_on.setdefault(k, []).append(i + 1)
        if pipes:
            self.rec_pipes[k] += pipes
            if self.rec_pipes[k] >= self.expected:
                self.open_k = -1

    def record(self, i: int, cells: list[str], pipes: int) -> None:
        """Line ``i`` starts a record; a schedule row with fewer separators than the header stays open."""
        k = len(self.rec_line)
        self.roles[i] = "record"
        self.owner[i] = k
        self.rec_line.append(i + 1)
        self.rec_section.append(self.section)
        self.rec_title.append(self.section_title)
        self.rec_cells.append(cells)
        self.rec_pipes.append(pipes)
        self.open_k = k if self.spill and pipes < self.expected and self.section == "schedule" else -1

    def reject(self, i: int, message: str) -> None:
        self.roles[i] = "rejected"
        self.problems.append((i + 1, "line", "warning", message))


def _first_rows(cells_of: Callable[[int], tuple[list[str], int] | None], n: int) -> list[int]:
    """Indexes of the first lines that have cells (at most :data:`_HEADER_SCAN`)."""
    found: list[int] = []
    for i in range(n):
        if cells_of(i) is not None:
            found.append(i)
            if len(found) == _HEADER_SCAN:
                break
    return found


def _find_header(rows: Rows, lines: list[str], candidates: list[int]) -> int | None:
    """The first candidate line that is the header row, or None."""
    for i in candidates:
        rows.opens_with_separator(lines[i])
        if is_header(_cells_or_empty(rows.cells, i)[0]):
            return i
    return None


def _cells_or_empty(cells_of: Callable[[int], tuple[list[str], int] | None], i: int) -> tuple[list[str], int]:
    got = cells_of(i)
    return got if got is not None else ([], 0)


def _preamble(lines: list[str], start: int, roles: list[str], rows: Rows) -> list[str]:
    """Mark the non-blank lines before the table as preamble and return their text."""
    preamble = []
    for i in range(start):
        if lines[i].strip():
            roles[i] = "preamble"
            preamble.append(rows.text(i))
    return preamble
