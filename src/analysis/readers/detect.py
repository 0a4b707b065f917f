"""Tell the shape of a decoded text: saved HTML page, pipe scrape / Markdown table, TSV paste or CSV.

The header row (a Date first cell and a Topic cell) decides: whichever separator splits it into the
header's cells is the table's. Only the start of the text is looked at, so detection is quick on any size.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from ..errors import ScheduleError
from ..reader import is_header, split_lines

_HEAD_CHARS = 1_000_000
"""Detection looks at this many characters from the start."""
_HEAD_LINES = 200
"""… and at most this many non-blank lines of them."""
_LINE_CHARS = 20_000
"""… each cut to this length."""
_HTML_OPENINGS = ("<!doctype html", "<html", "<head", "<body", "<meta", "<title", "<table", "<link", "<style")


@dataclass(frozen=True)
class Shape:
    """A detected shape: ``kind`` is "html", "pipe", "tsv" or "csv"; ``delimiter`` the cell separator."""

    kind: str
    delimiter: str = "|"


def detect(text: str, name: str) -> Shape:
    """Return the shape of ``text`` (a Markdown table is a "pipe" shape; its reader tells them apart).

    Raises:
        ScheduleError: nothing in the text looks like a table.
    """
    if looks_like_html(text):
        return Shape("html", "")
    head = split_lines(text[:_HEAD_CHARS])
    lines = [line[:_LINE_CHARS] for line in head if line.strip()][:_HEAD_LINES]
    for line in lines:
        shape = _header_shape(line)
        if shape is not None:
            return shape
    lowered = text[:_HEAD_CHARS].lower()
    if "<table" in lowered and "<tr" in lowered:
        return Shape("html", "")
    if "|" in text:
        return Shape("pipe")  # a table without a header row: the pipe reader warns and reads on
    if sum("\t" in line for line in lines) >= 2:
        return Shape("tsv", "\t")
    raise ScheduleError(
        f"{name} has no table: no line contains a '|' column separator, and it is neither a saved HTML page "
        "nor a tab-separated or CSV table with a Date and Topic header.")


def looks_like_html(text: str) -> bool:
    """True when the text opens (after a BOM, an XML prolog and comments) with HTML markup."""
    head = text[:8192].lstrip("\ufeff \t\r\n").lower()
    for _ in range(20):  # skip a bounded number of <?xml …?> prologs and <!-- … --> comments
        for opening, closing in (("<?xml", "?>"), ("<!--", "-->")):
            if head.startswith(opening):
                end = head.find(closing)
                head = head[end + len(closing):].lstrip() if end >= 0 else ""
                break
        else:
            break
    return head.startswith(_HTML_OPENINGS)


def _header_shape(line: str) -> Shape | None:
    """The shape whose separator splits ``line`` into a header row, or None."""
    if "|" in line:
        cells = [c.strip() for c in line.split("|")]
        if line.lstrip().startswith("|"):
            cells = cells[1:]
        if is_header(cells):
            return Shape("pipe")
    if "\t" in line and is_header([c.strip() for c in line.split("\t")]):
        return Shape("tsv", "\t")
    for delimiter in (",", ";"):
        if delimiter in line:
            try:
                cells = next(csv.reader([line], delimiter=delimiter))
            except (csv.Error, StopIteration):
                continue
            if is_header([c.strip() for c in cells]):
                return Shape("csv", delimiter)
    return None
