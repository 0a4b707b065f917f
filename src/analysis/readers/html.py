"""A schedule page saved from a browser ("Save page as…"), read with lxml's HTML parser.

The schedule is the first ``<table>`` with a header row naming Date and Topic. One "line" per table row
(``<tr>``, numbered from 1), so ``lines`` accounts for every row; text outside the table (navigation, the
page ``<title>``, footers) is never a row. Cells spanning columns or rows are spread over the grid they
cover, so a lone section cell (``colspan``) reads as a section line. The page title, the preamble (the
paragraphs just before the table) and the links of the Documents column are kept as metadata.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from lxml import etree

from ..errors import ScheduleError
from ..reader import GivenRows, check_deadline, classify, is_header
from ..reference import SourceInfo
from . import RawTable

_DROP = ("script", "style", "noscript", "template")
_OUTSIDE_CONTENT = frozenset({"nav", "header", "footer", "aside", "form", "table"})
_BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table")
_MAX_COLUMNS = 20
"""Columns read per row (the schedule has five); wider spans and rows are cut there."""
_MAX_ROWSPAN = 1000
_PREAMBLE_PARAGRAPHS = 5
_META_CHARS = 1000
"""The title and each preamble paragraph are cut to this many characters (they are metadata)."""

_SECTIONS = ("thead", "tbody", "tfoot")
_MODIFIED_META = frozenset({"article:modified_time", "og:updated_time", "last-modified", "dcterms.modified",
                            "datemodified", "dc.date.modified"})

Element = etree._Element
Cell = Element | None


def read(text: str, info: SourceInfo, name: str, *, deadline: float | None = None) -> RawTable:
    """Read the schedule table of a saved HTML page into the raw table.

    Raises:
        ScheduleError: the page cannot be parsed or has no schedule table, or ``deadline`` passed.
    """
    doc = _parse(text, name)
    check_deadline(deadline, name)
    table = _schedule_table(doc)
    if table is None:
        raise ScheduleError(f"{name} is an HTML page without a schedule table: no <table> has a Date and Topic "
                            "header row.")
    grid = _grid(_own_rows(table), deadline, name)
    rows = _cell_texts(grid)
    texts = [" | ".join(c for c in row if c) if row else "" for row in rows]
    check_deadline(deadline, name)
    classified = classify(texts, info, name, rows=GivenRows(rows, texts), spill=False, deadline=deadline)
    classified.preamble[:0] = _preamble(doc, table)
    classified.title = _title(doc)
    classified.links = _links(grid, classified.header, classified.owner)
    classified.page_date = _page_date(doc)
    return RawTable("html", texts, classified)


def _parse(text: str, name: str) -> Element:
    """Parse the page with libxml2's HTML parser (lxml), scripts and styles removed.

    The text goes in as UTF-8 bytes, so an XML encoding declaration cannot get in the way; plain lxml
    elements (not ``lxml.html``'s Python element classes) keep a page of many rows quick.
    """
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:
        doc = etree.fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ScheduleError(f"{name} cannot be read as an HTML page ({str(exc).rstrip('.')}).") from None
    if doc is None:
        raise ScheduleError(f"{name} cannot be read as an HTML page (it holds no elements).")
    etree.strip_elements(doc, *_DROP, with_tail=False)
    return doc


def _own_rows(table: Element) -> Iterator[Element]:
    """The table's own rows (not those of a table nested in a cell), in document order."""
    for child in table:
        if child.tag == "tr":
            yield child
        elif child.tag in _SECTIONS:
            yield from (row for row in child if row.tag == "tr")


def _own_cells(row: Element) -> list[Element]:
    """The row's ``<td>`` and ``<th>`` children."""
    return [child for child in row if child.tag in ("td", "th")]


def _schedule_table(doc: Element) -> Element | None:
    """The first table one of whose first rows is a Date/Topic header row."""
    for table in doc.iter("table"):
        for _, row in zip(range(5), _own_rows(table), strict=False):
            if is_header([_text(c) for c in _own_cells(row)]):
                return table
    return None


def _span(cell: Element, attribute: str, cap: int) -> int:
    """A colspan or rowspan as a number from 1 to ``cap`` (junk reads as 1)."""
    value = cell.get(attribute)
    if value is None:
        return 1
    value = value.strip()[:6]
    return min(max(int(value), 1), cap) if value.isdigit() else 1


def _grid(rows: Iterator[Element], deadline: float | None, name: str) -> list[list[Cell]]:
    """Per row, the cell element covering each column (at most :data:`_MAX_COLUMNS`).

    A cell spanning columns fills the first and leaves None in the others (not after a row's last cell,
    where nothing follows to shift), a cell spanning rows repeats in the rows below.
    """
    grid: list[list[Cell]] = []
    pending: dict[int, tuple[int, Element]] = {}  # column → (rows still covered, cell)
    for tr in rows:
        if deadline is not None and not len(grid) % 4096:
            check_deadline(deadline, name)
        out: list[Cell] = []
        cells = _own_cells(tr)
        for pos, cell in enumerate(cells):
            _carry_down(out, pending)
            if len(out) >= _MAX_COLUMNS:
                break
            down = _span(cell, "rowspan", _MAX_ROWSPAN)
            across = _span(cell, "colspan", _MAX_COLUMNS - len(out))
            if pos == len(cells) - 1 and not any(col > len(out) for col in pending):
                across = 1  # the row's last cell: spreading it would only add empty columns
            for k in range(across):
                if down > 1:
                    pending[len(out)] = (down - 1, cell)
                out.append(cell if k == 0 else None)
        _carry_down(out, pending)
        grid.append(out)
    return grid


def _carry_down(out: list[Cell], pending: dict[int, tuple[int, Element]]) -> None:
    """Append the cells of rows above that span into the next columns of this row."""
    while len(out) in pending and len(out) < _MAX_COLUMNS:
        left, cell = pending.pop(len(out))
        if left > 1:
            pending[len(out)] = (left - 1, cell)
        out.append(cell)


def _cell_texts(grid: list[list[Cell]]) -> list[list[str] | None]:
    """The text of every grid cell (a cell repeated down its rows is read once); None for an empty row."""
    seen: dict[Element, str] = {}

    def text(cell: Cell) -> str:
        if cell is None:
            return ""
        found = seen.get(cell)
        if found is None:
            found = seen[cell] = _text(cell)
        return found

    return [[text(cell) for cell in row] or None for row in grid]


def _text(cell: Cell) -> str:
    """An element's text with its whitespace (line breaks, non-breaking spaces) made single spaces;
    ``<br>`` and block elements inside it separate words."""
    if cell is None:
        return ""
    if not len(cell):  # no child elements: its own text only
        return " ".join((cell.text or "").split())
    for el in cell.iter("br", *_BLOCKS):
        if el is not cell:
            el.tail = "\n" + (el.tail or "")
    return " ".join("".join(cell.itertext()).split())


def _title(doc: Element) -> str | None:
    title = doc.find(".//title")
    text = _text(title)[:_META_CHARS] if title is not None else ""
    return text or None


def _page_date(doc: Element) -> dt.date | None:
    """The date of a ``<meta>`` that says when the page was last changed (ISO date or date-time), or None."""
    for meta in doc.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().casefold()
        if key in _MODIFIED_META:
            try:
                return dt.date.fromisoformat((meta.get("content") or "").strip()[:10])
            except ValueError:
                continue
    return None


def _preamble(doc: Element, table: Element) -> list[str]:
    """The paragraphs after the last heading before the table (not in navigation, header or footer)."""
    found: list[str] = []
    for el in doc.iter():
        if el is table:
            break
        if not isinstance(el.tag, str):
            continue
        if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            found = []
        elif el.tag == "p" and not any(a.tag in _OUTSIDE_CONTENT for a in el.iterancestors()):
            text = _text(el)[:_META_CHARS]
            if text:
                found.append(text)
    return found[-_PREAMBLE_PARAGRAPHS:]


Links = dict[int, tuple[tuple[str, str], ...]]


def _links(grid: list[list[Cell]], header: list[str], owner: list[int | None]) -> Links:
    """Record index → the (link text, href) pairs in its Documents cell."""
    column = next((i for i, h in enumerate(header) if "document" in h.casefold()), 4)
    links: Links = {}
    for row_index, cells in enumerate(grid):
        k = owner[row_index]
        if k is None or column >= len(cells) or cells[column] is None:
            continue
        found = tuple((_text(a) or (a.get("href") or "").strip(), (a.get("href") or "").strip())
                      for a in cells[column].iter("a") if a.get("href"))
        if found:
            links[k] = links.get(k, ()) + found
    return links
