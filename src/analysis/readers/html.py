"""A schedule page saved from a browser ("Save page as…"), read with lxml's HTML parser.

The schedule is the first ``<table>`` with a header row naming Date and Topic. One "line" per table row
(``<tr>``, numbered from 1), so ``lines`` accounts for every row; text outside the table (navigation, the
page ``<title>``, footers) is never a row. Cells spanning columns or rows are spread over the grid they
cover, so a lone section cell (``colspan``) reads as a section line. The page title, the preamble (the
paragraphs just before the table) and the links of the Documents column are kept as metadata.
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

from ..errors import ScheduleError
from ..reader import GivenRows, check_deadline, classify, is_header
from ..reference import SourceInfo
from . import RawTable

_DROP = ("script", "style", "noscript", "template")
_OUTSIDE_CONTENT = frozenset({"nav", "header", "footer", "aside", "form", "table"})
_BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table")
_MAX_COLSPAN = 50
_MAX_ROWSPAN = 1000
_PREAMBLE_PARAGRAPHS = 5

Cell = lxml_html.HtmlElement | None


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
    grid = _grid(_own_rows(table))
    rows = [[_text(cell) for cell in row] or None for row in grid]
    texts = [" | ".join(c for c in row if c) if row else "" for row in rows]
    check_deadline(deadline, name)
    classified = classify(texts, info, name, rows=GivenRows(rows, texts), spill=False, deadline=deadline)
    classified.preamble[:0] = _preamble(doc, table)
    classified.title = _title(doc)
    classified.links = _links(grid, classified.header, classified.owner)
    return RawTable("html", texts, classified)


def _parse(text: str, name: str) -> lxml_html.HtmlElement:
    """Parse the page (as UTF-8 bytes, so an XML encoding declaration cannot get in the way)."""
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        doc = lxml_html.document_fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ScheduleError(f"{name} cannot be read as an HTML page ({str(exc).rstrip('.')}).") from None
    for el in list(doc.iter(*_DROP)):
        el.drop_tree()
    for br in doc.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in doc.iter(*_BLOCKS):
        block.tail = "\n" + (block.tail or "")
    return doc


def _own_rows(table: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The table's own rows (not those of a table nested in a cell), in document order."""
    return table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


def _own_cells(row: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The row's ``<td>`` and ``<th>`` children."""
    return [child for child in row if child.tag in ("td", "th")]


def _schedule_table(doc: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The first table one of whose first rows is a Date/Topic header row."""
    for table in doc.iter("table"):
        for row in _own_rows(table)[:5]:
            if is_header([_text(c) for c in _own_cells(row)]):
                return table
    return None


def _span(cell: lxml_html.HtmlElement, attribute: str, cap: int) -> int:
    """A colspan or rowspan as a number from 1 to ``cap`` (junk reads as 1)."""
    value = cell.get(attribute)
    if value is None:
        return 1
    value = value.strip()[:6]
    return min(max(int(value), 1), cap) if value.isdigit() else 1


def _grid(rows: list[lxml_html.HtmlElement]) -> list[list[Cell]]:
    """Per row, the cell element covering each column; a cell spanning columns fills the first and
    leaves None in the others, a cell spanning rows repeats in the rows below."""
    grid: list[list[Cell]] = []
    pending: dict[int, tuple[int, lxml_html.HtmlElement]] = {}  # column → (rows still covered, cell)
    for tr in rows:
        out: list[Cell] = []
        cells = iter(_own_cells(tr))
        while True:
            while len(out) in pending:
                left, cell = pending.pop(len(out))
                if left > 1:
                    pending[len(out)] = (left - 1, cell)
                out.append(cell)
            cell = next(cells, None)
            if cell is None:
                break
            down = _span(cell, "rowspan", _MAX_ROWSPAN)
            for k in range(_span(cell, "colspan", _MAX_COLSPAN)):
                if down > 1:
                    pending[len(out)] = (down - 1, cell)
                out.append(cell if k == 0 else None)
        grid.append(out)
    return grid


def _text(cell: Cell) -> str:
    """A cell's text with its whitespace (line breaks, non-breaking spaces) made single spaces."""
    if cell is None:
        return ""
    return " ".join(cell.text_content().split())


def _title(doc: lxml_html.HtmlElement) -> str | None:
    title = doc.find(".//title")
    text = _text(title) if title is not None else ""
    return text or None


def _preamble(doc: lxml_html.HtmlElement, table: lxml_html.HtmlElement) -> list[str]:
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
            text = _text(el)
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
