"""Small builders of schedule pages shared by the data-layer tests (not a test module itself)."""

from __future__ import annotations

import re

from analysis.paths import DATA_DIR

BUNDLED = DATA_DIR / "raw" / "online_series_2020.txt"
PREAMBLE = (
    "All sessions are hosted by the UN Network in collaboration with Network members, Member States "
    "and/or stakeholders"
)
HEADER = "Date | Topic | Working Group (WG) and Co-leads | Format, Audience and Purpose | Documents |"
SEPARATOR = "---|---|---|---|---|"
CHROME = (
    "*References to Kosovo shall be understood to be in the context of United Nations Security Council "
    "resolution 1244 (1999).",
    "Newsletter",
    "Subscribe to our newsletter.",
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def row(date: str = "7 May", topic: str = "Topic", leads: str = "WHO", fmt: str = "Format: Webinar",
        docs: str = "") -> str:
    """One complete schedule row (five cells, trailing pipe), as on the bundled page."""
    return f"{date} | {topic} | {leads} | {fmt} | {docs} |"


def page(*rows: str, header: bool = True, preamble: str | None = None, newline: str = "\n") -> str:
    """A page: optional preamble, header and separator, then ``rows`` (each one or more lines)."""
    lines = [preamble] if preamble is not None else []
    if header:
        lines += [HEADER, SEPARATOR]
    lines += rows
    return newline.join(lines) + newline


def source_line_count(text: str) -> int:
    """Lines of a text as the reader counts them: LF, CRLF or CR; a final break starts no line."""
    parts = _LINE_BREAK.split(text)
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return len(parts)
