"""The pipe scrape (``7 May | Topic | Leads | Format | |``), also as a Markdown table with leading pipes."""

from __future__ import annotations

from ..reader import LineRows, classify, split_lines
from ..reference import SourceInfo
from . import RawTable


def read(text: str, info: SourceInfo, name: str, *, deadline: float | None = None) -> RawTable:
    """Read a pipe table: one line per source line; kind "markdown" when rows open with a ``|``.

    Raises:
        ScheduleError: no table rows, or ``deadline`` passed.
    """
    lines = split_lines(text)
    rows = LineRows(lines, "|")
    classified = classify(lines, info, name, rows=rows, deadline=deadline)
    return RawTable("markdown" if rows.leading else "pipe", lines, classified)
