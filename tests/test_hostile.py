"""Hostile input: hundreds of malformed, malicious or absurd files, generated here (none is checked in).

For every input the reader either refuses it with :class:`analysis.ScheduleError` (one sentence) or reads it,
and then every source line is in ``schedule.lines`` exactly once, with a role; each input reads (and its
co-lead network builds) in at most :data:`SECONDS_EACH` seconds, and the whole batch stays under
:data:`PEAK_RSS_KIB` of memory. The batch runs in a subprocess (this file run as a script) so its peak
resident memory can be read with ``resource.getrusage`` and a runaway input cannot take the test process
with it; an input still running after :data:`HARD_STOP_SECONDS` is stopped and reported.

The command line (``python -m analysis FILE``) gets a sample of the same files and a few unreadable sources
(a device, a FIFO): exit status 0 or 2, never a traceback.

Hypothesis fuzzes the cell parsers with long inputs built from the characters and words that matter to them
(spaces, separators, "and", digits, month names, labels), where a regex with overlapping quantifiers goes
quadratic.
"""

from __future__ import annotations

import codecs
import inspect
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
SECONDS_EACH = 10.0
HARD_STOP_SECONDS = 15.0
PEAK_RSS_KIB = 1024 * 1024  # 1 GiB for the whole batch
ADDRESS_SPACE_LIMIT = 8 * 1024**3  # a blow-up fails the batch instead of exhausting the machine
BATCH_TIMEOUT_SECONDS = 1500
REPORT = ROOT / "artifacts" / "hostile.txt"  # peak memory and the slowest inputs of the last run
LINE_BREAK = re.compile(rb"\r\n|\r|\n")

HEADER = "Date | Topic | Working Group (WG) and Co-leads | Format, Audience and Purpose | Documents |"
SEPARATOR = "---|---|---|---|---|"
PREAMBLE = (
    "All sessions are hosted by the UN Network in collaboration with Network members, Member States and/or stakeholders"
)
COLUMNS = ("date", "topic", "leads", "format", "documents")
GOOD = {
    "date": "7 May",
    "topic": "Safe and Inclusive Access to Services",
    "leads": "WG6: WHO, UN Habitat",
    "format": "Format: Listening Sessions (2) Audience: Civil society and UN Networks Purpose: Draw input",
    "documents": "Reflections",
}


def row(**cells: str) -> str:
    """A five-cell schedule row with a trailing pipe (as on the real page), ``GOOD`` cells unless given."""
    return " | ".join(cells.get(c, GOOD[c]) for c in COLUMNS) + " |"


def page(*rows: str, preamble: bool = True, newline: str = "\n") -> str:
    lines = ([PREAMBLE] if preamble else []) + [HEADER, SEPARATOR, *rows]
    return newline.join(lines) + newline


def line_count(data: bytes) -> int:
    """Lines of ASCII-compatible text split on LF, CRLF or CR, a final line break not starting another line
    (the reader's documented rule; bytes work for UTF-8, cp1252 and Latin-1 alike)."""
    if not data:
        return 0
    n = len(LINE_BREAK.findall(data)) + 1
    return n - 1 if data.endswith((b"\n", b"\r")) else n


@dataclass(frozen=True)
class Hostile:
    """One generated input: ``lines`` is the number of lines its text has when decoded as intended (None when
    it has no intended text, e.g. an image)."""

    name: str
    family: str
    data: bytes
    lines: int | None


def _text(name: str, family: str, text: str, encoding: str = "utf-8", errors: str = "strict") -> Hostile:
    data = text.encode(encoding, errors)
    return Hostile(name, family, data, line_count(text.encode("utf-8", "surrogatepass")))


def _raw(name: str, family: str, data: bytes, *, counted: bool = True) -> Hostile:
    return Hostile(name, family, data, line_count(data) if counted else None)


@cache
def hostile_inputs() -> tuple[Hostile, ...]:
    """Every input, deterministic (seeded), generated on first use."""
    from analysis.paths import DATA_DIR
    from analysis.reader import MAX_BYTES

    rnd = random.Random(20200619)
    bundled = (DATA_DIR / "raw" / "online_series_2020.txt").read_text(encoding="utf-8")
    small = page(row(), row(date="20 May", topic="Alternatives to detention", leads="WG2: IDC, UNICEF, UNHCR"))
    out: list[Hostile] = []
    add = out.append

    # -- encodings ------------------------------------------------------------------------------------------
    for label, text in (("bundled", bundled), ("small", small), ("accents", page(row(topic="Réfugiés — São Tomé")))):
        for enc in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-8-sig"):
            add(_text(f"enc-{label}-{enc}", "encoding", text, enc))
        add(
            Hostile(
                f"enc-{label}-utf-16le-with-bom",
                "encoding",
                codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
                line_count(text.encode()),
            )
        )
    latin = page(row(topic="Migración y niñez", leads="WG3: OHCHR, ACT Alliance"), row(topic="Ça va – “quoted”"))
    add(_text("enc-latin-1", "encoding", latin.replace("“", '"').replace("”", '"').replace("–", "-"), "latin-1"))
    add(_text("enc-cp1252", "encoding", latin, "cp1252"))
    add(
        _raw(
            "enc-mixed-utf8-latin1",
            "encoding",
            small.encode() + latin.replace("“", "").replace("”", "").replace("–", "-").encode("latin-1"),
        )
    )
    add(_raw("enc-invalid-continuation", "encoding", small.encode() + b"7 May | caf\xc3\x28 | WHO | Webinar | |\n"))
    add(_raw("enc-overlong-slash", "encoding", small.encode() + b"7 May | \xc0\xaf\xe0\x80\xaf | WHO | x | |\n"))
    add(_raw("enc-lone-surrogate", "encoding", small.encode() + b"7 May | \xed\xa0\x80 | WHO | x | |\n"))
    add(_raw("enc-bom-in-middle", "encoding", small.encode() + codecs.BOM_UTF8 + row().encode() + b"\n"))
    add(_raw("enc-two-boms", "encoding", codecs.BOM_UTF8 + codecs.BOM_UTF8 + small.encode()))
    add(_raw("enc-utf16-bom-then-utf8", "encoding", codecs.BOM_UTF16_LE + small.encode()))
    add(_raw("enc-utf32-bom-then-utf8", "encoding", codecs.BOM_UTF32_LE + small.encode()))
    add(_raw("enc-utf16-odd-length", "encoding", small.encode("utf-16") + b"\x00", counted=False))
    for nl, label in (("\r\n", "crlf"), ("\r", "cr"), ("\n\r", "lfcr")):
        add(_text(f"enc-newline-{label}", "encoding", page(row(), row(), newline=nl)))
    add(
        _raw(
            "enc-mixed-newlines",
            "encoding",
            b"\r\n".join([HEADER.encode(), SEPARATOR.encode()])
            + b"\r"
            + row().encode()
            + b"\n"
            + row().encode()
            + b"\r\n\r\r\n",
        )
    )
    add(_raw("enc-no-final-newline", "encoding", small.encode().rstrip(b"\n")))

    # -- binary headers -------------------------------------------------------------------------------------
    magics = {
        "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
        "gif": b"GIF89a",
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        "zip": b"PK\x03\x04\x14\x00",
        "gzip": b"\x1f\x8b\x08\x00",
        "elf": b"\x7fELF\x02\x01\x01\x00",
        "macho": b"\xcf\xfa\xed\xfe",
        "pe": b"MZ\x90\x00\x03\x00",
        "sqlite": b"SQLite format 3\x00",
        "bmp": b"BM6\x00\x00\x00",
        "tiff": b"II*\x00",
        "xlsx": b"PK\x03\x04",
        "ole": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "wasm": b"\x00asm\x01\x00\x00\x00",
        "class": b"\xca\xfe\xba\xbe",
    }
    for label, magic in magics.items():
        add(_raw(f"bin-{label}-random", "binary", magic + rnd.randbytes(4096), counted=False))
        add(_raw(f"bin-{label}-then-page", "binary", magic + b"\n" + small.encode()))
    add(_raw("bin-all-nul", "binary", b"\x00" * 10_000, counted=False))
    add(_raw("bin-random-64k", "binary", rnd.randbytes(65_536), counted=False))
    add(_raw("bin-control-chars", "binary", bytes(rnd.choice(range(1, 32)) for _ in range(20_000))))

    # -- huge lines -----------------------------------------------------------------------------------------
    add(_text("huge-line-letters-4mb", "huge-line", "a" * 4_000_000))
    add(_text("huge-line-after-header-4mb", "huge-line", page("x" * 4_000_000)))
    add(_text("huge-topic-cell-2mb", "huge-line", page(row(topic="Topic " * 350_000))))
    add(_text("huge-format-cell-2mb", "huge-line", page(row(format="Format: Webinar Audience: x " * 75_000))))
    add(_text("huge-line-pipes-1m", "huge-line", page("|" * 1_000_000)))
    add(_text("huge-line-header-repeated", "huge-line", (HEADER + " ") * 20_000 + "\n"))
    add(_text("huge-line-cells-200k", "huge-line", page(" | ".join(["7 May"] * 200_000))))
    add(
        _text(
            "huge-line-printable-random",
            "huge-line",
            page("".join(rnd.choice("abc |-:,;&.()0123456789\t") for _ in range(1_000_000))),
        )
    )
    add(_text("huge-line-separator", "huge-line", page("---|" * 250_000)))
    add(_text("huge-line-markdown-sep", "huge-line", HEADER + "\n" + "|" + ":---:|" * 200_000 + "\n" + row() + "\n"))
    add(_text("huge-line-no-newline-at-all", "huge-line", row() * 40_000))
    add(_text("huge-many-lines-blank", "huge-line", page(*[""] * 200_000)))
    add(_text("huge-many-rows-100k", "huge-line", page(*[row(topic=f"Topic {i}") for i in range(100_000)])))

    # -- unbalanced pipes -----------------------------------------------------------------------------------
    for pipes in (0, 1, 2, 3, 4, 6, 7, 9, 12, 30):
        cells = ["7 May", "Topic", "WHO", "Format: Webinar", "Doc", "extra", "more"] * 5
        body = " | ".join(cells[: pipes + 1])
        add(_text(f"pipes-row-{pipes}", "pipes", page(body, row())))
    add(_text("pipes-leading-only", "pipes", page("| " + row())))
    add(_text("pipes-double-leading", "pipes", page("|| " + row())))
    add(_text("pipes-escaped", "pipes", page(row(topic=r"Topic \| with \| escaped pipes"))))
    add(_text("pipes-only-lines", "pipes", page("|", "||", "|||||", "| | | | |", "|||||||||||||||")))
    add(_text("pipes-header-3-columns", "pipes", "Date | Topic | Leads |\n---|---|---|\n" + row() + "\n"))
    add(_text("pipes-header-12-columns", "pipes", " | ".join(["Col"] * 12) + "\n" + "---|" * 12 + "\n" + row() + "\n"))
    add(_text("pipes-no-header", "pipes", "\n".join([row()] * 5) + "\n"))
    add(_text("pipes-header-twice", "pipes", page(row(), HEADER, SEPARATOR, row())))
    add(_text("pipes-separator-only", "pipes", SEPARATOR + "\n"))
    add(_text("pipes-header-only", "pipes", HEADER + "\n"))
    spilled = page("7 May | Topic | WHO | Format: Webinar", *["more text"] * 10_000)
    add(_text("pipes-continuations-10k", "pipes", spilled))
    add(_text("pipes-spill-every-cell", "pipes", page("7 May |", "Topic |", "WHO |", "Format: Webinar |", "|")))
    add(_text("pipes-fullwidth", "pipes", page(row().replace("|", "｜"))))
    add(_text("pipes-box-drawing", "pipes", page(row().replace("|", "│"))))
    add(_text("pipes-tabs-and-pipes", "pipes", page(row().replace(" | ", "\t|\t"))))

    # -- markup ---------------------------------------------------------------------------------------------
    payloads = (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[Session expired - sign in](https://evil.example)",
        "![q](http://evil.example/pixel.png)",
        "[x](javascript:alert(1))",
        "<iframe src=//evil.example>",
        "**bold** _it_ `code` ~~s~~",
        "$$\\frac{1}{0}$$",
        ":red[red] :material/warning:",
        "&lt;script&gt;&#0;&#x110000;",
        "&#99999999999999999999;",
        "<!-- comment",
        "<![CDATA[x]]>",
        "<style>*{display:none}</style>",
        "# Heading\n",
        "> quote",
        "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
        "{{7*7}} ${7*7} <%= 7*7 %>",
    )
    for i, payload in enumerate(payloads):
        column = COLUMNS[i % len(COLUMNS)]
        add(_text(f"markup-{i:02d}-{column}", "markup", page(row(**{column: payload.replace("\n", " ")}))))
    add(_text("markup-every-column", "markup", page(row(**dict.fromkeys(COLUMNS, payloads[0] + payloads[2])))))
    add(
        _text(
            "markup-html-page",
            "markup",
            "<html><head><title><script>x</script></title></head><body><table>"
            + "<tr><th>Date</th><th>Topic</th></tr><tr><td>7 May</td><td><script>alert(1)</script></td></tr>"
            + "</table></body></html>\n",
        )
    )
    add(
        _text(
            "markup-html-nested-5000",
            "markup",
            "<div>" * 5000 + "<table><tr><td>7 May</td></tr></table>" + "</div>" * 5000 + "\n",
        )
    )
    add(_text("markup-html-unclosed", "markup", "<table><tr><td>7 May<td>Topic<tr><td>" * 2000 + "\n"))
    add(
        _text(
            "markup-xml-entities",
            "markup",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">' + '<!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>\n',
        )
    )

    # -- formula cells --------------------------------------------------------------------------------------
    formulas = (
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "@SUM(A1:A9)",
        '=HYPERLINK("http://evil","x")',
        "\t=1+1",
        "\r=1",
        "=1+1;=2",
        "＝1+1",
        '=DDE("cmd";"/C calc";"x")',
    )
    for i, formula in enumerate(formulas):
        column = COLUMNS[i % len(COLUMNS)]
        add(_text(f"formula-{i:02d}-{column}", "formula", page(row(**{column: formula.replace("\r", " ")}))))
        add(_text(f"formula-{i:02d}-all", "formula", page(row(**dict.fromkeys(COLUMNS, formula.replace("\r", ""))))))

    # -- bidi and zero-width --------------------------------------------------------------------------------
    invisibles = (
        "\u202e",
        "\u202d",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u200b",
        "\u200c",
        "\u200d",
        "\ufeff",
        "\u2028",
        "\u2029",
        "\u0085",
        "\u00ad",
        "\u180e",
        "\u061c",
        "\U000e0001",
    )
    for i, ch in enumerate(invisibles):
        column = COLUMNS[i % len(COLUMNS)]
        add(
            _text(
                f"invisible-U+{ord(ch):04X}-{column}",
                "invisible",
                page(row(**{column: ch.join(GOOD[column]) + ch * 50})),
            )
        )
    add(_text("invisible-zalgo", "invisible", page(row(topic="T" + "\u0300\u0301\u0302\u0303" * 5000))))
    add(_text("invisible-emoji-zwj", "invisible", page(row(leads="👩‍👩‍👧‍👦" * 2000))))
    add(_text("invisible-bidi-around-pipes", "invisible", page(row().replace("|", "\u202e|\u202c"))))

    # -- absurd dates and counts ----------------------------------------------------------------------------
    dates = (
        "1 May 0000",
        "31 February",
        "99 May",
        "Funday 1 June",
        "1 May 99999999999999999999",
        "0 May",
        "-1 May",
        "1e9 May",
        "May 32nd",
        "2020-13-45",
        "99/99/9999",
        "1-31 December - 1 January",
        "31 June 2020",
        "29 February 2021",
        "1 Maytember",
        "Monday, Tuesday, 1 May",
        "1 May 1",
        "1 May 10000",
        "May",
        "1 1 1 1 1 1 May",
        "1st 2nd 3rd May",
        "TBD TBD TBD",
        "tbd" * 1000,
        "7 May " * 100,
        "٧ مايو",
        "７ May",
    )
    for i, date in enumerate(dates):
        add(_text(f"date-{i:02d}", "absurd", page(row(date=date))))
    counts = (
        "Listening Sessions (99999999999999999999)",
        "Listening Sessions (0)",
        "Listening Sessions (-1)",
        "Webinar (2) (3) (4)",
        "two hundred Listening Sessions",
        "Listening Sessions (" + "9" * 5000 + ")",
        "Listening Sessions (1e308)",
        "Listening Sessions (NaN)",
    )
    for i, count in enumerate(counts):
        add(_text(f"count-{i:02d}", "absurd", page(row(format=f"Format: {count} Audience: x Purpose: y"))))

    # -- long runs (>= 40 KB) in every column ---------------------------------------------------------------
    fillers = {
        "spaces": " ",
        "tabs": "\t",
        "dashes": "-",
        "commas": ",",
        "semicolons": ";",
        "ands": " and ",
        "ampersands": " & ",
        "dots": ".",
        "nbsp": "\u00a0",
    }
    for label, filler in fillers.items():
        run = filler * (40_960 // len(filler))
        for column in COLUMNS:
            add(_text(f"run-{label}-{column}", "long-run", page(row(**{column: GOOD[column] + run + "x"}))))
    add(_text("run-spaces-whole-row", "long-run", page(" " * 200_000)))
    add(_text("run-spaces-every-column", "long-run", page(row(**dict.fromkeys(COLUMNS, " " * 40_960 + "x")))))

    # -- many leads -----------------------------------------------------------------------------------------
    orgs = [f"ORG{i}" for i in range(10_000)]
    add(_text("leads-10000-commas", "leads", page(row(leads="WG2: " + ", ".join(orgs)))))
    add(_text("leads-10000-and", "leads", page(row(leads=" and ".join(orgs)))))
    add(_text("leads-10000-people", "leads", page(row(leads=", ".join(f"Ms. Person {i}" for i in range(10_000))))))
    add(_text("leads-10000-same", "leads", page(row(leads=", ".join(["WHO"] * 10_000)))))
    add(_text("leads-51", "leads", page(row(leads=", ".join(orgs[:51])))))
    add(
        _text(
            "leads-1000-records-of-60",
            "leads",
            page(*[row(topic=f"T{i}", leads=", ".join(orgs[i : i + 60])) for i in range(1000)]),
        )
    )
    add(
        _text(
            "leads-1000-organisations",
            "leads",
            page(*[row(topic=f"T{i}", leads=f"{orgs[i]}, {orgs[i + 1]}") for i in range(1000)]),
        )
    )

    # -- NUL bytes late in the file -------------------------------------------------------------------------
    long_page = page(*[row(topic=f"Topic {i}") for i in range(2000)]).encode()
    for offset in (70_000, 65_537, len(long_page) // 2, len(long_page) - 1):
        add(_raw(f"nul-at-{offset}", "nul", long_page[:offset] + b"\x00" + long_page[offset:], counted=False))
    add(_raw("nul-run-at-end", "nul", long_page + b"\x00" * 100, counted=False))
    add(_raw("nul-in-cell", "nul", long_page + row(topic="a\x00b").encode() + b"\n", counted=False))
    add(_raw("nul-utf16-late", "nul", long_page + "7 May".encode("utf-16-le"), counted=False))
    add(_raw("nul-escaped-entity", "nul", page(row(topic="&#0; &#x0;")).encode()))

    # -- random bytes appended ------------------------------------------------------------------------------
    for i, size in enumerate((1, 7, 100, 1000, 10_000, 100_000, 1_000_000)):
        add(_raw(f"tail-random-{size}", "tail", bundled.encode() + rnd.randbytes(size), counted=False))
        add(
            _raw(
                f"tail-printable-{size}",
                "tail",
                bundled.encode() + bytes(rnd.choice(range(32, 127)) for _ in range(min(size, 100_000))),
            )
        )
        add(
            _raw(
                f"tail-high-bytes-{i}",
                "tail",
                bundled.encode() + bytes(rnd.choice(range(128, 256)) for _ in range(min(size, 50_000))),
            )
        )
    add(_raw("head-random-then-page", "tail", rnd.randbytes(300) + bundled.encode(), counted=False))

    # -- sizes and emptiness --------------------------------------------------------------------------------
    filler_row = (row(topic="Topic at the size limit") + "\n").encode()
    at_limit = (page().encode() + filler_row * (MAX_BYTES // len(filler_row)))[:MAX_BYTES]
    at_limit = at_limit[: at_limit.rfind(b"\n") + 1]
    add(_raw("size-at-limit", "size", at_limit + b" " * (MAX_BYTES - len(at_limit))))
    add(_raw("size-over-limit", "size", at_limit + b" " * (MAX_BYTES - len(at_limit) + 1)))
    for label, data in (
        ("empty", b""),
        ("one-newline", b"\n"),
        ("spaces", b"   "),
        ("newlines", b"\n" * 10_000),
        ("one-byte", b"x"),
        ("crlf-only", b"\r\n" * 1000),
        ("bom-only", codecs.BOM_UTF8),
    ):
        add(_raw(f"size-{label}", "size", data))

    # -- other shapes: CSV, TSV, Markdown, sections ---------------------------------------------------------
    add(_text("shape-csv-unbalanced-quote", "shape", 'Date,Topic,Leads,Format\n"7 May,"Topic,WHO,Webinar\n' * 50))
    add(_text("shape-csv-huge-quoted-cell", "shape", 'Date,Topic\n7 May,"' + "x" * 1_000_000 + '"\n'))
    add(_text("shape-csv-formulas", "shape", "Date,Topic,Leads,Format\n=1+1,+2,-3,@4\n"))
    add(_text("shape-tsv", "shape", "\n".join(r.replace(" | ", "\t").rstrip(" |") for r in [HEADER, row()]) + "\n"))
    add(_text("shape-tsv-ragged", "shape", "Date\tTopic\n" + "\t" * 500 + "\n7 May\n"))
    add(_text("shape-markdown-aligned", "shape", "| " + HEADER + "\n|:---|:---:|---:|---|---|\n| " + row() + "\n"))
    add(_text("shape-sections-10000", "shape", page(*[f"Section {i}" for i in range(10_000)])))
    add(_text("shape-pipeline-only", "shape", page("Pipeline (full details tbc)", "TBD | WHO | Webinar |")))
    add(_text("shape-preamble-only", "shape", PREAMBLE + "\n"))
    return tuple(out)


# ---------------------------------------------------------------------------------------------- the worker


class _Stopped(Exception):
    """Raised by the alarm after HARD_STOP_SECONDS."""


def _on_alarm(_signum: int, _frame: object) -> None:
    raise _Stopped


def _check_schedule(schedule: object, expected_lines: int | None) -> list[str]:
    """What is wrong with a schedule read from a hostile input (empty when nothing is)."""
    from analysis import reader

    roles = set(getattr(reader, "ROLES", ())) or {
        "preamble",
        "header",
        "separator",
        "section",
        "record",
        "continuation",
        "chrome",
        "blank",
        "rejected",
    }
    lines = schedule.lines  # type: ignore[attr-defined]
    sessions = schedule.sessions  # type: ignore[attr-defined]
    kind = getattr(schedule.meta, "source_kind", "pipe")  # type: ignore[attr-defined]
    found = []
    n = len(lines)
    if list(lines["line_no"]) != list(range(1, n + 1)):
        found.append("line numbers are not 1..N, each once")
    unknown = set(lines["role"].dropna()) - roles
    if lines["role"].isna().any() or unknown:
        found.append(f"lines without a known role: {sorted(unknown)[:5]}")
    if kind in ("pipe", "markdown") and expected_lines is not None and n != expected_lines:
        found.append(f"{n} lines in schedule.lines, the decoded text has {expected_lines}")
    role_of = dict(zip(lines["line_no"], lines["role"], strict=True))
    stray = [int(x) for x in sessions["source_line"] if role_of.get(int(x)) != "record"]
    if stray:
        found.append(f"records whose source line is not a 'record' line: {stray[:5]}")
    return found


def _run_batch(folder: Path) -> None:
    """Read every input listed in ``folder/manifest.json``; write one JSON result per line to results.jsonl,
    then the batch's peak RSS to peak.json."""
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
    import analysis
    from analysis import network

    accepts_name = "name" in inspect.signature(analysis.load_schedule).parameters
    signal.signal(signal.SIGALRM, _on_alarm)
    manifest = json.loads((folder / "manifest.json").read_text())
    with (folder / "results.jsonl").open("w") as results:
        for entry in manifest:
            data = (folder / entry["file"]).read_bytes()
            result: dict[str, object] = {"name": entry["name"], "problems": []}
            problems: list[str] = result["problems"]  # type: ignore[assignment]
            start = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, HARD_STOP_SECONDS)
            try:
                try:
                    kwargs = {"name": entry["name"] + ".txt"} if accepts_name else {}
                    schedule = analysis.load_schedule(data, **kwargs)
                except analysis.ScheduleError as exc:
                    result["refused"] = str(exc)
                    if "\n" in str(exc) or not str(exc).strip():
                        problems.append(f"ScheduleError message is not one sentence: {str(exc)[:300]!r}")
                else:
                    result["read_s"] = time.perf_counter() - start
                    problems += _check_schedule(schedule, entry["lines"])
                    network.build_graph(schedule)
            except _Stopped:
                problems.append(f"still running after {HARD_STOP_SECONDS:.0f} s: stopped")
            except MemoryError:
                problems.append("MemoryError (address space limited to 8 GiB)")
            except Exception as exc:  # the point of the test: anything but ScheduleError is a failure
                problems.append(f"raised {type(exc).__name__}: {str(exc)[:300]}")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            result["seconds"] = time.perf_counter() - start
            results.write(json.dumps(result) + "\n")
            results.flush()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    (folder / "peak.json").write_text(json.dumps({"peak_rss_kib": peak}))


# ---------------------------------------------------------------------------------------------- the tests

NAMES = [h.name for h in hostile_inputs()]


def test_enough_inputs_across_families() -> None:
    inputs = hostile_inputs()
    assert len(inputs) >= 250
    assert len(set(NAMES)) == len(NAMES)
    assert len({h.family for h in inputs}) >= 12


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict], int]:
    """Run the whole batch once in a subprocess; (results by input name, peak RSS in KiB)."""
    folder = tmp_path_factory.mktemp("hostile")
    manifest = []
    for i, h in enumerate(hostile_inputs()):
        file = f"{i:03d}.bin"
        (folder / file).write_bytes(h.data)
        manifest.append({"name": h.name, "file": file, "lines": h.lines})
    (folder / "manifest.json").write_text(json.dumps(manifest))
    proc = subprocess.run(
        [sys.executable, __file__, str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BATCH_TIMEOUT_SECONDS,
        check=False,
    )
    results = {}
    if (folder / "results.jsonl").exists():
        for line in (folder / "results.jsonl").read_text().splitlines():
            entry = json.loads(line)
            results[entry["name"]] = entry
    peak_file = folder / "peak.json"
    peak = json.loads(peak_file.read_text())["peak_rss_kib"] if peak_file.exists() else -1
    slowest = sorted(results.values(), key=lambda r: -r["seconds"])[:10]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        f"{len(results)} inputs, peak RSS {peak / 1024:.0f} MiB; slowest:\n"
        + "".join(f"  {r['seconds']:6.2f} s  {r['name']}\n" for r in slowest),
        encoding="utf-8",
    )
    if proc.returncode != 0 or peak < 0:
        pytest.fail(
            f"the batch ended with exit status {proc.returncode} after {len(results)} inputs:\n{proc.stderr[-3000:]}",
            pytrace=False,
        )
    return results, peak


@pytest.mark.parametrize("name", NAMES)
def test_hostile_input(batch: tuple[dict[str, dict], int], name: str) -> None:
    """Refused with one ScheduleError sentence, or read with every line accounted for; within the time."""
    result = batch[0][name]
    assert result["problems"] == []
    assert result["seconds"] <= SECONDS_EACH, f"{result['seconds']:.1f} s"


def test_batch_peak_memory(batch: tuple[dict[str, dict], int]) -> None:
    assert batch[1] <= PEAK_RSS_KIB, f"peak RSS {batch[1] / 1024:.0f} MiB for the batch"


# ---------------------------------------------------------------------------------------------- the CLI

CLI_SAMPLE = (
    "enc-bundled-utf-16",
    "enc-small-utf-32-be",
    "enc-mixed-utf8-latin1",
    "bin-png-random",
    "bin-elf-then-page",
    "huge-topic-cell-2mb",
    "pipes-row-9",
    "markup-00-date",
    "formula-00-all",
    "invisible-U+202E-date",
    "date-04",
    "run-spaces-topic",
    "leads-10000-commas",
    "nul-at-70000",
    "tail-random-1000",
    "size-empty",
    "size-over-limit",
    "shape-csv-unbalanced-quote",
)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT // 4, ADDRESS_SPACE_LIMIT // 4))


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit_memory,
        check=False,
    )


@pytest.mark.parametrize("name", CLI_SAMPLE)
def test_cli_on_hostile_file(tmp_path: Path, name: str) -> None:
    hostile = {h.name: h for h in hostile_inputs()}[name]
    path = tmp_path / f"{name}.txt"
    path.write_bytes(hostile.data)
    proc = _cli(str(path))
    assert proc.returncode in (0, 2), proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    if proc.returncode == 2:
        assert proc.stderr.strip().count("\n") == 0, "one line on stderr"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_cli_on_device(device: str) -> None:
    """A device is not a regular file: refused in one sentence, never read until memory runs out."""
    proc = _cli(device, timeout=30)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr


def test_cli_on_fifo(tmp_path: Path) -> None:
    """A FIFO nobody writes to is refused, not waited on."""
    fifo = tmp_path / "schedule.txt"
    os.mkfifo(fifo)
    proc = _cli(str(fifo), timeout=30)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr


# ---------------------------------------------------------------------------------------------- cell parsers

_PIECES = (
    " ",
    "  ",
    "\t",
    "-",
    "–",
    "—",
    ",",
    ";",
    ".",
    "&",
    " and ",
    " & ",
    "and",
    "to",
    "until",
    "(",
    ")",
    "|",
    ":",
    "/",
    "1",
    "7",
    "31",
    "2020",
    "May",
    "June",
    "Monday",
    "day",
    "th",
    "st",
    "WG",
    "WG2:",
    "WHO",
    "UN Habitat",
    "Ms.",
    "Format:",
    "Audience:",
    "Purpose:",
    "Listening Sessions",
    "(2)",
    "Webinar",
    "TBD",
    "\u00a0",
    "\u200b",
    "x",
)
LONG_CELLS = st.lists(st.sampled_from(_PIECES), max_size=3000).map("".join) | st.text(max_size=5000)
FUZZ = settings(
    max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@cache
def _reference() -> object:
    import analysis

    return analysis.load_reference()


@FUZZ
@given(LONG_CELLS)
def test_parse_date_long_cells(raw: str) -> None:
    from analysis.fields import parse_date

    result = parse_date(raw, 2020)
    assert result.status in ("dated", "tbd", "unreadable")


@FUZZ
@given(LONG_CELLS)
def test_parse_leads_long_cells(raw: str) -> None:
    from analysis.fields import parse_leads

    result = parse_leads(raw, _reference())
    assert result is not None


@FUZZ
@given(LONG_CELLS)
def test_parse_format_cell_long_cells(raw: str) -> None:
    from analysis.fields import parse_format_cell

    result = parse_format_cell(raw, _reference())
    assert result is not None


if __name__ == "__main__":
    _run_batch(Path(sys.argv[1]))
