"""A table pasted as tab-separated text, or CSV exported by a spreadsheet (five columns, quoted cells).

Records are read with the :mod:`csv` module, so a quoted cell may hold line breaks. One "line" per
record: line numbers are record numbers (the header is usually record 1), and ``lines`` keeps each record
as written. A pasted table may also spill a cell's line break into an unquoted next line; those short
records continue the row above, as in the pipe scrape. Cells are stripped and their line breaks become
spaces.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from ..errors import ScheduleError
from ..reader import MAX_BYTES, GivenRows, check_deadline, classify, split_lines
from ..reference import SourceInfo
from . import RawTable

_CHECK_EVERY = 4096


def read(text: str, info: SourceInfo, name: str, *, delimiter: str, deadline: float | None = None) -> RawTable:
    """Read TSV (``delimiter`` a tab) or CSV (a comma or semicolon) into the raw table.

    Raises:
        ScheduleError: the CSV is malformed, holds no schedule rows, or ``deadline`` passed.
    """
    kind = "tsv" if delimiter == "\t" else "csv"
    physical = split_lines(text)
    records, raw = _records(physical, delimiter, name, deadline, quoting=csv.QUOTE_MINIMAL)
    if kind == "tsv" and any(delimiter in cell for record in records for cell in record):
        # A pasted cell that merely starts with a quote mark swallowed whole rows: read quotes literally.
        records, raw = _records(physical, delimiter, name, deadline, quoting=csv.QUOTE_NONE)
    rows = [_row(record) for record in records]
    texts = [_text(record, row) for record, row in zip(records, rows, strict=True)]
    classified = classify(texts, info, name, rows=GivenRows(rows, texts), spill=kind == "tsv", deadline=deadline)
    return RawTable(kind, raw, classified)


def _records(physical: list[str], delimiter: str, name: str, deadline: float | None,
             quoting: int) -> tuple[list[list[str]], list[str]]:
    """The records and each record's text as written (its physical lines joined by line breaks)."""
    if csv.field_size_limit() < MAX_BYTES + 1:
        csv.field_size_limit(MAX_BYTES + 1)  # a cell may be as long as the file
    reader = csv.reader(_terminated(physical), delimiter=delimiter, quoting=quoting, strict=False)
    records: list[list[str]] = []
    raw: list[str] = []
    start = 0
    try:
        for record in reader:
            if deadline is not None and not len(records) % _CHECK_EVERY:
                check_deadline(deadline, name)
            records.append(record)
            raw.append("\n".join(physical[start:reader.line_num]))
            start = reader.line_num
    except csv.Error as exc:
        raise ScheduleError(f"{name} cannot be read as a table at line {reader.line_num}: {exc}.") from None
    return records, raw


def _terminated(lines: list[str]) -> Iterator[str]:
    """Lines with their line break back, so the csv module keeps line breaks inside quoted cells."""
    for line in lines:
        yield line + "\n"


def _clean(cell: str) -> str:
    """A cell stripped, its line breaks (and the spaces around them) made single spaces."""
    cell = cell.strip()
    return " ".join(cell.split()) if "\n" in cell or "\r" in cell else cell


def _row(record: list[str]) -> list[str] | None:
    """The record's cells, or None for a record of one field (a line of text without separators)."""
    return [_clean(c) for c in record] if len(record) > 1 else None


def _text(record: list[str], row: list[str] | None) -> str:
    """The text the classifier matches (chrome, section names): a lone field, or the non-empty cells."""
    if row is None:
        return _clean(record[0]) if record else ""
    return " | ".join(c for c in row if c)
