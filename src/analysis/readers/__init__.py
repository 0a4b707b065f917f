"""One reader per input shape, all returning the same raw table.

:func:`read_table` detects the shape of a decoded text (:func:`detect.detect`) and hands it to its reader:

- :mod:`.pipe` — the pipe scrape, also as a Markdown table with leading and trailing pipes;
- :mod:`.html` — a page saved from a browser ("Save page as…"), read with lxml;
- :mod:`.delimited` — a table pasted as tab-separated text, or CSV exported by a spreadsheet.

Each returns a :class:`RawTable`: the source ``lines`` (for HTML, CSV and TSV one "line" per table row or
record, numbered from 1) and their :class:`~analysis.reader.Classified` roles and records. Everything
after this step is shared.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..reader import Classified
from ..reference import SourceInfo
from .detect import Shape, detect

KINDS = ("pipe", "markdown", "html", "tsv", "csv")
"""Values of :attr:`RawTable.kind` (and ``SourceMeta.source_kind``)."""


@dataclass(frozen=True)
class RawTable:
    """What a reader gives: the shape, the source lines (or table rows) and their classification."""

    kind: str
    lines: list[str]
    classified: Classified


def read_table(text: str, info: SourceInfo, name: str, *, deadline: float | None = None) -> RawTable:
    """Detect the shape of ``text`` and read it with that shape's reader.

    Raises:
        ScheduleError: the text is none of the known shapes, holds no schedule rows, or ``deadline``
            (a ``time.monotonic()`` value) passed.
    """
    from . import delimited, html, pipe

    shape: Shape = detect(text, name)
    if shape.kind == "html":
        return html.read(text, info, name, deadline=deadline)
    if shape.kind in ("tsv", "csv"):
        return delimited.read(text, info, name, delimiter=shape.delimiter, deadline=deadline)
    return pipe.read(text, info, name, deadline=deadline)


__all__ = ["KINDS", "RawTable", "read_table"]
