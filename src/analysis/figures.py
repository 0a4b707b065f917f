"""Figure builders: pure functions from tidy frames to self-explaining Plotly figures.

Every figure carries, inside itself (so a PNG or screenshot keeps it), a title, a subtitle naming the
active filters, and the source line; ``layout.meta`` holds ``alt`` (a text summary of what the chart
shows) and ``filename`` (for the 2× PNG download). One template (:data:`TEMPLATE`) and the Okabe–Ito
colour-blind-safe palette are used throughout: Okabe–Ito for fills, darkened (:func:`mark_colour`,
:func:`text_colour`) wherever it draws text or a small mark, so everything meets WCAG AA on white.

Layout rules that keep every chart readable from a 390 px phone to a slide: legends are horizontal,
under the subtitle and above the plot (:func:`legend_on_top`), so they never cover data; date ticks are
automatic; nothing sits directly under a date axis; the source line is placed below the tallest tick
labels. :data:`EXPORT_PRESETS`, :func:`sized_for` and :func:`to_png` size a chart for a document
(A4 column, A4 landscape, 16:9 slide) whatever the browser window.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .aggregate import (
    HELD,
    LAST_VALUES,
    NOT_APPLICABLE,
    NOT_STATED,
    PLANNED,
    PRESENT,
    TBD_STATE,
    UNREADABLE,
    count_by,
    lead_organisation,
    timing,
    weekly_counts,
)
from .network import HUB_TYPE, NO_WG, PERSON_TYPE, SEVERAL_WGS, Box, label_box, place_labels
from .schedule import Schedule

# ------------------------------------------------------------------------------------------------ colours

TEXT_CONTRAST = 4.5
"""WCAG AA minimum contrast on white for text."""
MARK_CONTRAST = 3.0
"""WCAG AA minimum contrast on white for graphical objects (markers, lines, bar outlines)."""


def _channel(c: int) -> float:
    v = c / 255
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def _rgb(colour: str) -> tuple[int, int, int]:
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a "#RRGGBB" (or "#RGB") colour."""
    r, g, b = (_channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str = "#FFFFFF") -> float:
    """WCAG contrast ratio (1–21) between two "#RRGGBB" colours.

    Examples:
        >>> round(contrast_ratio("#000000"), 1), round(contrast_ratio("#BBBBBB"), 2)
        (21.0, 1.92)
    """
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def darken(colour: str, minimum: float, background: str = "#FFFFFF") -> str:
    """``colour`` darkened (same hue, scaled towards black) just enough to reach ``minimum`` contrast on
    ``background``; returned unchanged when it already does."""
    r, g, b = _rgb(colour)
    factor = 1.0
    out = f"#{r:02X}{g:02X}{b:02X}"
    while contrast_ratio(out, background) < minimum and factor > 0:
        factor -= 0.01
        out = f"#{round(r * factor):02X}{round(g * factor):02X}{round(b * factor):02X}"
    return out


def mark_colour(colour: str) -> str:
    """The colour to use for a small mark (marker, line, outline): ≥ 3:1 on white."""
    return darken(colour, MARK_CONTRAST)


def text_colour(colour: str) -> str:
    """The colour to use for text: ≥ 4.5:1 on white."""
    return darken(colour, TEXT_CONTRAST)


OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999")
"""The Okabe–Ito palette: used for fills (bars, cells). Small marks use :func:`mark_colour` of it."""
INK, MUTED = "#1A1A1A", "#4A5560"
"""Body text (17:1 on white) and secondary text such as subtitles and source lines (7.6:1)."""
FORMAT_COLOURS: Mapping[str, str] = {
    "listening session": "#0072B2",
    "webinar": "#E69F00",
    "Migration Coffee": "#009E73",
    "published commentary": "#CC79A7",
    "publication": "#56B4E9",
    "meeting": "#D55E00",
    "other": "#000000",
    "TBD": "#999999",
    "Not stated": "#BBBBBB",
}
"""Fill colour per format (bars). Markers use :data:`FORMAT_MARK_COLOURS`."""
FORMAT_MARK_COLOURS: Mapping[str, str] = {**{k: mark_colour(v) for k, v in FORMAT_COLOURS.items()},
                                          "TBD": "#4D4D4D", "Not stated": "#8C8C8C"}
ORG_TYPE_COLOURS: Mapping[str, str] = {
    "UN system": "#0072B2",
    "Inter-agency": "#009E73",
    "Civil society": "#E69F00",
    "Research and academic": "#CC79A7",
    PERSON_TYPE: "#F0E442",
    "Unknown": "#999999",
    HUB_TYPE: "#000000",
}
"""Fill colour per organisation type (bars). Network nodes use :func:`mark_colour` of it."""
WG_COLOURS: Mapping[str, str] = {
    "WG1": "#56B4E9", "WG2": "#0072B2", "WG3": "#D55E00", "WG4": "#009E73", "WG5": "#CC79A7", "WG6": "#E69F00",
    SEVERAL_WGS: "#000000", NO_WG: "#999999",
}
"""Fill colour per working group; markers use :func:`mark_colour` of it."""
STATE_COLOURS = {PRESENT: "#009E73", TBD_STATE: "#E69F00", "missing": "#D55E00", UNREADABLE: "#CC79A7",
                 NOT_APPLICABLE: "#FFFFFF"}
SEQUENTIAL = [[0.0, "#D4E6F5"], [1.0, "#4F9BD9"]]
"""Heatmap scale: from a clearly tinted light blue (a count of 1, never mistaken for an empty white cell)
to a mid blue on which dark text still has ≥ 4.5:1 contrast."""
FONT = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"
BODY_SIZE, TITLE_SIZE, SOURCE_SIZE = 14, 20, 11

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=BODY_SIZE, color=INK),
        title=dict(font=dict(size=TITLE_SIZE, color=INK), x=0.0, xanchor="left", xref="container", y=1.0,
                   yref="container", yanchor="top", pad=dict(l=12, t=12)),
        colorway=[mark_colour(c) for c in OKABE_ITO],
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        hoverlabel=dict(font=dict(family=FONT, size=13, color=INK), bgcolor="#FFFFFF", align="left"),
        legend=dict(font=dict(size=13, color=INK), title=dict(font=dict(size=13, color=INK))),
        xaxis=dict(gridcolor="#E3E7EB", linecolor="#8A939B", ticks="outside", automargin=True,
                   tickfont=dict(color=INK), title=dict(font=dict(size=14, color=INK))),
        yaxis=dict(gridcolor="#E3E7EB", linecolor="#8A939B", automargin=True, tickfont=dict(color=INK),
                   title=dict(font=dict(size=14, color=INK))),
    )
)
SOURCE_SHIFT = 72  # px from the bottom of the plot area to the source line: clears tick labels and axis title
HEADER_PX = 84  # px from the top of the figure to below the subtitle: where a legend may start


@dataclass(frozen=True)
class ChartContext:
    """What every chart says about itself: the active filters, the source line, and the page."""

    filters: str = "All records"
    source: str = ""
    page: str = "chart"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def esc(text: object) -> str:
    """Escape text for Plotly's HTML-like labels so source text (e.g. ``<script>``) shows literally.

    None, NaN, NA and NaT become "" (never the words "nan" or "None").
    """
    if text is None or text is pd.NA or text is pd.NaT or (isinstance(text, float) and math.isnan(text)):
        return ""
    return html.escape(str(text), quote=False)


def _or(value: object, default: str) -> str:
    """Escaped ``value``, or ``default`` when it is missing or blank."""
    text = esc(value).strip()
    return text or default


def wrap_source(source: str, width: int = 48) -> str:
    """The source line wrapped to lines of at most ``width`` characters (fits a half-width chart), escaped."""
    return "<br>".join(esc(line) for line in textwrap.wrap(source, width)) or esc(source)


def finish(fig: go.Figure, title: str, ctx: ChartContext, alt: str, height: int | None = None,
           source_shift: int = SOURCE_SHIFT) -> go.Figure:
    """Apply the template, title, filter subtitle, source line, alt text and file name to ``fig``.

    The title and subtitle sit at the top of the figure (container coordinates), the source line
    ``source_shift`` px under the plot area (annotation ``name`` "source"), below the tick labels and
    axis title (give a larger shift when tick labels may be tall, e.g. rotated at narrow widths).
    """
    fig.update_layout(
        template=TEMPLATE,
        title=dict(text=esc(title), subtitle=dict(text=esc(ctx.filters), font=dict(size=BODY_SIZE, color=MUTED))),
        margin=dict(t=HEADER_PX + 12, b=source_shift + 52, l=16, r=16),
        meta={"alt": alt, "filename": f"{_slug(ctx.page)}-{_slug(title)}", "title": title, "filters": ctx.filters},
    )
    if height:
        fig.update_layout(height=height)
    fig.add_annotation(
        text=wrap_source(ctx.source), showarrow=False, xref="paper", yref="paper", x=1, y=0, xanchor="right",
        yanchor="top", yshift=-source_shift, font=dict(size=SOURCE_SIZE, color=MUTED), align="right", name="source",
    )
    return fig


def set_height(fig: go.Figure, height: int) -> go.Figure:
    """Set ``fig``'s height in place, keeping a legend placed by :func:`legend_on_top` just under the
    subtitle (its position is a fraction of the height). Returns ``fig``."""
    fig.update_layout(height=height)
    if fig.layout.legend.yref == "container" and fig.layout.legend.y is not None:
        fig.update_layout(legend_y=1 - HEADER_PX / height)
    return fig


def move_source(fig: go.Figure, shift: int) -> go.Figure:
    """Put the source line (and a "note" under it) ``shift`` px below the plot area, with the bottom
    margin to match; for when the tick labels below the plot are shorter or taller than the builder
    allowed for. Changes ``fig`` in place and returns it."""
    extra = 0
    for ann in fig.layout.annotations:
        if ann.name == "source":
            ann.yshift = -shift
        elif ann.name == "note":
            ann.yshift = -shift - 52
            extra = 24
    fig.update_layout(margin_b=shift + 52 + extra)
    return fig


def legend_on_top(fig: go.Figure, title: str, height: int) -> None:
    """A horizontal legend under the subtitle and above the plot area (container coordinates), so it never
    covers data at any width: when it wraps onto more rows it pushes the plot down, not over the title."""
    fig.update_layout(legend=dict(
        title=dict(text=title, side="top"), orientation="h", xref="container", x=0, xanchor="left",
        yref="container", y=1 - HEADER_PX / height, yanchor="top", bgcolor="rgba(255,255,255,0)",
    ))


def wrap_label(label: str, width: int = 12) -> str:
    """An axis label broken onto short lines so it needs no rotation, escaped."""
    lines = textwrap.wrap(str(label), width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(esc(line) for line in lines) or esc(label)


def empty_figure(title: str, ctx: ChartContext, message: str = "No records match the current filters.") -> go.Figure:
    """A figure that says there is nothing to show, with no empty axes."""
    fig = go.Figure()
    fig.add_annotation(text=esc(message), showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                       font=dict(size=16, color=MUTED))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, title, ctx, f"{title}: {message}", height=320)


MODEBAR_BUTTONS = ["toImage", "resetScale2d"]
"""The only modebar buttons shown: download a PNG and reset the view."""


def png_config(fig: go.Figure) -> dict[str, object]:
    """Plotly config for ``st.plotly_chart``: 2× PNG download named after the page and chart, and only
    the :data:`MODEBAR_BUTTONS` (download and reset) in the modebar."""
    meta = fig.layout.meta or {}
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": meta.get("filename", "chart")},
        "modeBarButtons": [list(MODEBAR_BUTTONS)],
    }


# ------------------------------------------------------------------------------------------------ exports

CM_PER_INCH = 2.54
CSS_DPI = 96
"""Layout pixels per inch: a preset's layout is drawn at this density, then scaled to its output DPI."""
MIN_BODY_PT, MIN_SOURCE_PT, MIN_TITLE_PT = 9.0, 7.0, 11.0


@dataclass(frozen=True)
class ExportPreset:
    """A physical size for a chart image: width and (least) height in cm, the output resolution (DPI), and
    the greatest height a tall chart may grow to (``max_height_cm``; equal to ``height_cm`` for a slide,
    whose shape is fixed)."""

    width_cm: float
    height_cm: float
    dpi: int
    max_height_cm: float | None = None

    @property
    def max_height_px(self) -> int:
        """Greatest layout height in CSS pixels."""
        return round((self.max_height_cm or self.height_cm) / CM_PER_INCH * CSS_DPI)

    def height_for(self, fig: go.Figure) -> int:
        """The layout height for ``fig``: its own height, kept between the preset's least and greatest."""
        own = fig.layout.height or self.height_px
        return max(self.height_px, min(int(own), self.max_height_px))

    @property
    def width_px(self) -> int:
        """Layout width in CSS pixels (96 per inch)."""
        return round(self.width_cm / CM_PER_INCH * CSS_DPI)

    @property
    def height_px(self) -> int:
        """Layout height in CSS pixels (96 per inch)."""
        return round(self.height_cm / CM_PER_INCH * CSS_DPI)

    @property
    def scale(self) -> float:
        """Factor from layout pixels to image pixels (DPI / 96)."""
        return self.dpi / CSS_DPI

    @property
    def pt_per_px(self) -> float:
        """Printed points per layout pixel at the preset's physical size (0.75 at 96 px per inch)."""
        return self.width_cm / CM_PER_INCH * 72 / self.width_px

    def min_px(self, points: float) -> int:
        """The smallest whole layout-pixel font size that prints at ``points`` or more."""
        return math.ceil(points / self.pt_per_px - 1e-9)

    @property
    def image_size(self) -> tuple[int, int]:
        """(width, height) of the PNG in pixels."""
        return round(self.width_px * self.scale), round(self.height_px * self.scale)


PRESETS: Mapping[str, ExportPreset] = {
    "A4 column (16 cm)": ExportPreset(16.0, 12.0, 288, max_height_cm=24.0),
    "A4 landscape full width": ExportPreset(27.7, 15.0, 288, max_height_cm=18.0),
    "16:9 slide": ExportPreset(33.867, 19.05, 144),
}
"""The document sizes charts are exported at: an A4 text column, the full width of an A4 landscape page
(27.7 cm inside 1 cm margins) and a 16:9 slide (PowerPoint's 33.867 × 19.05 cm). Print sizes use 288 dpi
(3 image pixels per layout pixel, so the PNG's size is a whole number of pixels), the slide 144 dpi (1920 × 1080)."""
EXPORT_PRESETS: Mapping[str, tuple[int, int, float]] = {
    name: (p.width_px, p.height_px, p.scale) for name, p in PRESETS.items()}
"""name → (layout width px, least layout height px, scale). The PNG is (width × scale) pixels wide; it is
(height × scale) pixels high, or taller for a tall chart (a timeline with many rows) up to the preset's
greatest height (24 cm in an A4 column, 18 cm across an A4 landscape page; a slide never grows):
``PRESETS[name].height_for(fig)`` gives the layout height. At these sizes body text is ≥ 9 pt, the
source line ≥ 7 pt and the title ≥ 11 pt (:func:`sized_for`)."""


def _raise_font(font: object, minimum: int, inherited: float | None = None) -> None:
    """Set ``font.size`` to at least ``minimum``; an unset size counts as ``inherited`` (what it shows)."""
    size = getattr(font, "size", None) or inherited
    if size is None or size < minimum:
        font.size = minimum  # type: ignore[attr-defined]
    elif getattr(font, "size", None) is None:
        font.size = size  # type: ignore[attr-defined]


def sized_for(fig: go.Figure, preset: str) -> go.Figure:
    """A copy of ``fig`` laid out at a document size from :data:`EXPORT_PRESETS`, independent of any window.

    The width is fixed to the preset and the height is ``PRESETS[preset].height_for(fig)``; every font
    is raised, where smaller, so that at the preset's physical size body text (ticks, legend, labels,
    hovers) prints at ≥ 9 pt, the source line at ≥ 7 pt and the title at ≥ 11 pt. Network labels that
    would now collide are dropped (the node keeps its hover). ``layout.meta["preset"]`` names the preset.
    Does not mutate ``fig``. Raises KeyError for an unknown preset name.
    """
    p = PRESETS[preset]
    out = go.Figure(fig)
    body, source, title = p.min_px(MIN_BODY_PT), p.min_px(MIN_SOURCE_PT), p.min_px(MIN_TITLE_PT)
    lay = out.layout
    meta = dict(lay.meta or {})
    meta["preset"] = preset
    height = p.height_for(fig)
    out.update_layout(width=p.width_px, height=height, meta=meta, autosize=False)
    tpl = lay.template.layout
    base = lay.font.size or tpl.font.size or BODY_SIZE
    _raise_font(lay.font, body, base)
    _raise_font(lay.title.font, title, tpl.title.font.size or TITLE_SIZE)
    _raise_font(lay.title.subtitle.font, body, base)
    _raise_font(lay.legend.font, body, tpl.legend.font.size or base)
    _raise_font(lay.legend.title.font, body, tpl.legend.title.font.size or base)
    _raise_font(lay.hoverlabel.font, body, tpl.hoverlabel.font.size or base)
    for axis in [*out.select_xaxes(), *out.select_yaxes()]:
        _raise_font(axis.tickfont, body, base)
        _raise_font(axis.title.font, body, base)
    for ann in lay.annotations:
        _raise_font(ann.font, source if ann.name == "source" else body)
    for trace in out.data:
        if trace.type in ("scatter", "bar", "heatmap") and trace.text is not None:
            _raise_font(trace.textfont, body)
        if trace.type == "heatmap" and trace.showscale is not False:
            _raise_font(trace.colorbar.tickfont, body)
    set_height(out, height)
    _declutter_labels(out)
    return out


def _declutter_labels(fig: go.Figure) -> None:
    """Drop network labels (node traces, ``meta`` "nodes") that would overlap another label at the figure's
    current size and fonts, biggest nodes first; used after resizing, when the placement made for the
    screen no longer holds. Does nothing to other figures."""
    nodes = [t for t in fig.data if t.meta == "nodes"]
    lay = fig.layout
    extent = (lay.meta or {}).get("extent")
    if not nodes or lay.width is None or not extent:
        return
    m = lay.margin
    w = lay.width - (m.l or 0) - (m.r or 0)
    h = (lay.height or NETWORK_HEIGHT) - (m.t or 0) - (m.b or 0)
    (x0, x1), (y0, y1) = extent
    scale = min(w / (x1 - x0), h / (y1 - y0))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    entries = []
    for trace in nodes:
        font = trace.textfont.size or lay.font.size or BODY_SIZE
        positions = trace.textposition if isinstance(trace.textposition, tuple | list) else (
            [trace.textposition] * len(trace.x))
        for i, (x, y, text, where, size) in enumerate(zip(trace.x, trace.y, trace.text, positions,
                                                          trace.marker.size, strict=True)):
            if text:
                px, py = w / 2 + (x - cx) * scale, h / 2 + (y - cy) * scale
                entries.append((-size, trace, i, label_box(px, py, html.unescape(text), where, font, size)))
    kept: list[Box] = []
    drop: dict[int, set[int]] = {}
    for _, trace, i, box in sorted(entries, key=lambda e: e[0]):
        inside = box.x0 >= 0 and box.y0 >= 0 and box.x1 <= w and box.y1 <= h
        if inside and not any(box.overlaps(k, 3.0) for k in kept):
            kept.append(box)
        else:
            drop.setdefault(id(trace), set()).add(i)
    for trace in nodes:
        gone = drop.get(id(trace))
        if gone:
            trace.text = [("" if i in gone else t) for i, t in enumerate(trace.text)]
    for labels in [t for t in fig.data if t.meta == "labels"]:
        fresh = _label_trace(nodes, labels.textfont.size or nodes[0].textfont.size or BODY_SIZE)
        labels.update(x=fresh.x, y=fresh.y, text=fresh.text, textposition=fresh.textposition,
                      marker_size=fresh.marker.size)


def to_png(fig: go.Figure, preset: str) -> bytes:
    """PNG bytes of :func:`sized_for` ``(fig, preset)`` at the preset's resolution (width × scale by
    ``PRESETS[preset].height_for(fig)`` × scale pixels), through kaleido (which
    finds the system Chromium). Start ``kaleido.start_sync_server()`` around many calls to reuse one
    browser. Raises KeyError for an unknown preset."""
    p = PRESETS[preset]
    sized = sized_for(fig, preset)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        return sized.to_image(format="png", width=p.width_px, height=sized.layout.height, scale=p.scale)


def stop_png_server(timeout: float = 60.0) -> bool:
    """Stop kaleido's shared browser (``kaleido.start_sync_server()``), waiting at most ``timeout`` seconds.

    Returns True when it stopped. kaleido's own stop waits for its server thread without a limit, and that
    thread can hang when the browser has gone away first (seen on a loaded machine). The thread is a daemon,
    so leaving it does not keep the process alive; the server is then marked closed, so that kaleido's exit
    handler does not wait for it either.
    """
    import kaleido

    stopper = threading.Thread(target=kaleido.stop_sync_server, kwargs={"silence_warnings": True}, daemon=True,
                               name="kaleido-stop")
    stopper.start()
    stopper.join(timeout)
    if stopper.is_alive():
        kaleido._global_server._initialized = False  # no public way: kaleido's atexit close would wait forever
        return False
    return True


# ------------------------------------------------------------------------------------------------ timeline

def _acronyms(schedule: Schedule) -> dict[str, str]:
    return schedule.reference.acronyms()


def lead_summary(schedule: Schedule, expand: bool = False) -> dict[str, str]:
    """session_id → leads as short names ("IDC, UNICEF, UNHCR"; people with their organisation).

    ``expand=True`` spells acronyms out ("International Detention Coalition (IDC)"), for hovers.
    """
    acr = _acronyms(schedule)
    out: dict[str, list[str]] = {}
    for r in schedule.leads.itertuples(index=False):
        name = r.name if isinstance(r.name, str) else (r.raw if isinstance(r.raw, str) else "")
        if not name:
            continue
        short = acr.get(name, name)
        if expand and short != name:
            short = f"{name} ({short})"
        if r.kind == "person":
            org = r.affiliation if isinstance(r.affiliation, str) else ""
            short = f"{name} ({acr.get(org, org)})" if org else name
        out.setdefault(r.session_id, []).append(short)
    return {k: ", ".join(v) for k, v in out.items()}


def lanes(schedule: Schedule, by: str = "group") -> pd.Series:
    """The timeline lane of each record (indexed like ``sessions``).

    ``by="group"``: the working group ("WG2 · Alternatives to detention"), else the lead organisations
    by acronym ("UN Women + WIMN"); ``by="theme"``: the record's first theme.
    """
    s = schedule.sessions
    if by == "theme":
        return s["themes"].map(lambda ts: ts[0] if ts else "No theme")
    if by != "group":
        raise ValueError(f"lane must be 'group' or 'theme', not {by!r}")
    acr = _acronyms(schedule)
    leads = schedule.leads.assign(organisation=lead_organisation(schedule.leads)).dropna(subset=["organisation"])
    orgs = leads.groupby("session_id", sort=False)["organisation"].agg(
        lambda xs: list(dict.fromkeys(acr.get(x, x) for x in xs)))
    wgs = schedule.reference.working_groups

    def lane(row: pd.Series) -> str:
        wg = row["working_group"]
        if isinstance(wg, str):
            return f"{wg} · {wgs[wg].short}" if wg in wgs else wg
        names = orgs.get(row["session_id"], [])
        if not names:
            return "Leads not stated"
        # A pair shares its lane whichever way round it is written; larger groups go by their first lead.
        if len(names) <= 2:
            return " + ".join(sorted(names, key=str.casefold))
        return f"{names[0]} + {len(names) - 1} co-leads"

    return s.apply(lane, axis=1) if len(s) else pd.Series(dtype=object)


def _hover(schedule: Schedule) -> pd.Series:
    """One hover text per record (indexed like ``sessions``); empty fields read "not stated", never "nan"."""
    s = schedule.sessions
    leads = lead_summary(schedule, expand=True)
    when = timing(schedule)

    def one(r: pd.Series) -> str:
        state = when[r.name]
        if pd.notna(r["date"]):
            date = f"{r['date']:%a %-d %b %Y}" + (" (planned)" if state == PLANNED else "")
        else:
            date = f"Undated ({_or(r['date_raw'], 'blank')})"
        audiences = ", ".join(esc(a) for a in (r["audiences"] or ()) if esc(a))
        themes = ", ".join(esc(t) for t in (r["themes"] or ()) if esc(t))
        parts = [
            f"<b>{_or(r['topic'], 'Untitled')}</b>",
            f"Date: {date}",
            f"Leads: {_or(leads.get(r['session_id']), 'not stated')}",
            f"Format: {_or(r['format'], 'not stated')} · events: {int(r['event_count'])}",
            f"Audiences: {audiences or _or(r['audience_raw'], 'not stated')}",
            f"Themes: {themes or 'none'}",
            f"Section: {_or(r['section'], 'not stated')} · source line {int(r['source_line'])}",
        ]
        return "<br>".join(parts)

    return s.apply(one, axis=1) if len(s) else pd.Series(dtype=object)


def _size(events: pd.Series) -> pd.Series:
    return 13 + 7 * (events.clip(lower=1, upper=6) - 1)


def timeline_figure(schedule: Schedule, ctx: ChartContext, lane_by: str = "group", weekly: bool = True) -> go.Figure:
    """Records on a date axis, one row per working group or lead (or theme), coloured by format and
    sized by event count; undated records in an "Undated / TBD" panel on the same rows; weekly counts below
    (``weekly=False`` leaves them out, for the compact report).

    Held records are filled markers; records dated after the as-of date (``timing`` "planned") are open
    markers, and a dotted vertical line marks the as-of date. Date ticks are automatic (Plotly spaces
    them for the width); the legend is horizontal above the plot (:func:`legend_on_top`).

    Traces: per format, one marker trace of dated records (``name`` = format, ``meta`` = "dated") and one
    of undated records (``legendgroup`` = format, ``meta`` = "undated"); then the weekly bar trace
    (``meta`` = "weekly"). Each marker's ``customdata`` is its session id.
    """
    title = "Outreach timeline"
    s = schedule.sessions
    if s.empty:
        return empty_figure(title, ctx)
    lane = lanes(schedule, lane_by).map(esc)
    hover = _hover(schedule)
    when = timing(schedule)
    order = (pd.DataFrame({"lane": lane, "date": s["date"]}).groupby("lane")["date"].min()
             .sort_values(na_position="last"))
    lane_order = list(order.index)
    height = (380 if weekly else 250) + 38 * len(lane_order)
    if weekly:
        # About 90 px between the panels: room for date labels that Plotly turns upright on a phone.
        plot_h = height - (HEADER_PX + 12) - (SOURCE_SHIFT + 52) - 60
        fig = make_subplots(rows=2, cols=2, shared_yaxes=True, column_widths=[0.84, 0.16],
                            row_heights=[0.76, 0.24], horizontal_spacing=0.015,
                            vertical_spacing=min(0.3, 90 / max(plot_h, 1)), specs=[[{}, {}], [{}, None]])
    else:
        fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.8, 0.2], horizontal_spacing=0.015)
    dated = s["date"].notna()
    undated_rank = s[~dated].groupby(lane[~dated]).cumcount()
    fmt = s["format"].fillna(NOT_STATED)
    formats = [f for f in FORMAT_COLOURS if f in set(fmt)]
    formats += sorted(set(fmt) - set(formats))
    planned = when == PLANNED
    for f in formats:
        colour = FORMAT_MARK_COLOURS.get(f, mark_colour(FORMAT_COLOURS.get(f, "#000000")))
        for is_dated, col in ((True, 1), (False, 2)):
            m = (fmt == f) & (dated if is_dated else ~dated)
            if not m.any():
                continue
            base = s.loc[m, "section"].map({"pipeline": "diamond"}).fillna("circle")
            sym = base.where(~planned[m], base + "-open")
            x = s.loc[m, "date"] if is_dated else undated_rank[m[m].index] + 1
            fig.add_trace(go.Scatter(
                x=x, y=lane[m], mode="markers", name=esc(f), legendgroup=f,
                showlegend=is_dated or not (fmt[dated] == f).any(),
                marker=dict(color=colour, size=_size(s.loc[m, "event_count"]), symbol=sym, opacity=1,
                            line=dict(color=[colour if p else INK for p in planned[m]], width=[2.5 if p else 1
                                                                                               for p in planned[m]])),
                customdata=s.loc[m, "session_id"], hovertext=hover[m], hoverinfo="text",
                meta="dated" if is_dated else "undated",
            ), row=1, col=col)
    if weekly:
        weeks = weekly_counts(schedule)
        fig.add_trace(go.Bar(x=weeks["week"] + pd.Timedelta(days=3), y=weeks["records"], name="records per week",
                             marker=dict(color="#56B4E9", line=dict(color=mark_colour("#56B4E9"), width=1)),
                             showlegend=False, meta="weekly",
                             hovertemplate="Week of %{customdata}: %{y} records<extra></extra>",
                             customdata=[f"{w.day} {w:%b}" for w in weeks["week"]], width=5 * 86400000), row=2, col=1)
    fig.update_yaxes(categoryorder="array", categoryarray=lane_order[::-1], row=1, col=1, title=None)
    # Automatic date ticks: Plotly spaces them for the width and turns them when they would touch; nothing
    # sits under the date axis (the undated panel is named above it), so turned labels collide with nothing.
    fig.update_xaxes(type="date", tickformat="%-d %b", row=1, col=1, showticklabels=True, nticks=8)
    if weekly:
        fig.update_yaxes(title="records<br>per week", row=2, col=1, rangemode="tozero", nticks=4)
        fig.update_xaxes(type="date", tickformat="%-d %b", row=2, col=1, nticks=8)
    as_of = schedule.meta.as_of
    if dated.any():
        lo, hi = s.loc[dated, "date"].min(), s.loc[dated, "date"].max()
        pad = pd.Timedelta(days=5)
        fig.update_xaxes(range=[lo - pad, hi + pad], row=1, col=1)
        if weekly:
            fig.update_xaxes(range=[lo - pad, hi + pad], row=2, col=1)
        if as_of is not None and lo - pad <= pd.Timestamp(as_of) <= hi + pad:
            fig.add_vline(x=pd.Timestamp(as_of).timestamp() * 1000, line=dict(color=MUTED, width=1.5, dash="dot"),
                          row=1, col=1)
            fig.add_annotation(x=pd.Timestamp(as_of), y=1, xref="x", yref="y domain", yanchor="bottom",
                               xanchor="right", text=f"as of {as_of.day} {as_of:%b}", showarrow=False, name="as-of",
                               font=dict(size=12, color=MUTED))
    n_und = int((~dated).sum())
    # The undated panel is named above it: under it, a long name would run into the date labels.
    fig.update_xaxes(range=[0.3, max(2, int(undated_rank.max()) + 1 if n_und else 1) + 0.7], showticklabels=False,
                     showgrid=False, ticks="", row=1, col=2, side="top",
                     title=dict(text=f"Undated<br>({n_und})", standoff=4))
    key = "◆ pipeline · ○ planned · size = events"
    legend_on_top(fig, f"Format ({key})", height)
    fig.update_layout(hovermode="closest")
    held = int((when == HELD).sum())
    alt = (f"Timeline of {len(s)} records: {int(dated.sum())} dated from {s.loc[dated, 'date'].min():%-d %B} to "
           f"{s.loc[dated, 'date'].max():%-d %B %Y} ({held} held, {int(planned.sum())} planned) and {n_und} "
           f"undated, in {len(lane_order)} rows by {'theme' if lane_by == 'theme' else 'working group or lead'}, "
           "coloured by format." if dated.any() else f"Timeline of {len(s)} records, none of them dated.")
    if not weekly and dated.any():  # compact (report): monthly ticks fit a half-width chart
        first = s.loc[dated, "date"].min().replace(day=1)
        fig.update_xaxes(dtick="M1", tickformat="%B", tick0=first, row=1, col=1)
    return finish(fig, title, ctx, alt, height=height)


# ------------------------------------------------------------------------------------------------ bars

def nice_step(largest: int, ticks: int = 4) -> int:
    """A whole tick step from 1, 2, 5, 10, 20, 50, … giving at most about ``ticks`` steps up to ``largest``
    (so count axes never crowd, even on a phone)."""
    step = 1
    while largest / step > ticks:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if largest / step <= ticks:
                break
    return step


def bar_figure(counts: pd.DataFrame, title: str, ctx: ChartContext, measure: str = "records",
               colours: Mapping[str, str] | None = None, hover_names: Mapping[str, str] | None = None,
               value_label: str | None = None) -> go.Figure:
    """Horizontal bars of ``counts`` (columns value, count), in the frame's order from the top, with the
    count at each bar. Fills come from ``colours`` (Okabe–Ito; default blue); each bar has an outline
    darkened to ≥ 3:1 on white. ``hover_names`` expands short labels (acronyms) on hover.
    """
    if counts.empty:
        return empty_figure(title, ctx)
    values = counts["value"].astype(str)
    colour = [(colours or {}).get(v, "#0072B2") for v in values]
    hover = [f"<b>{esc((hover_names or {}).get(v, v))}</b><br>{c} {measure}"
             for v, c in zip(values, counts["count"], strict=True)]
    fig = go.Figure(go.Bar(
        x=counts["count"], y=values.map(esc), orientation="h", text=counts["count"],
        marker=dict(color=colour, line=dict(color=[mark_colour(c) for c in colour], width=1)),
        textposition="outside", cliponaxis=False, hovertext=hover, hoverinfo="text",
        textfont=dict(color=INK),
    ))
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title=value_label or f"number of {measure}", rangemode="tozero",
                     range=[0, counts["count"].max() * 1.15 + 0.5], dtick=nice_step(int(counts["count"].max())))
    top = counts.iloc[0]
    alt = (f"{title}: {len(counts)} categories; largest is {top['value']} with {top['count']} {measure}; "
           + "; ".join(f"{v}: {c}" for v, c in zip(counts["value"], counts["count"], strict=True)) + ".")
    return finish(fig, title, ctx, alt, height=max(320, 200 + 34 * len(counts)))


BREAKDOWN_TITLES = {
    "format": "By format", "audience": "By audience", "working_group": "By working group",
    "org_type": "By lead organisation type", "organisation": "By lead organisation",
    "theme": "By theme", "gcm_objective": "By GCM objective",
}


def breakdown_figure(schedule: Schedule, dimension: str, ctx: ChartContext, measure: str = "records") -> go.Figure:
    """A :func:`bar_figure` of :func:`~analysis.aggregate.count_by` for a dimension, titled and coloured.

    ``dimension="audience"`` with ``measure="events"`` answers "who did we reach": audiences in events,
    with "Not stated" and "TBD" last (grey), in the same order as the columns of :func:`heatmap_figure`.
    """
    counts = count_by(schedule, dimension, measure)
    ref = schedule.reference
    hover: dict[str, str] = {}
    colours: dict[str, str] = {NOT_STATED: "#BBBBBB", "TBD": "#999999", NO_WG: "#BBBBBB"}
    if dimension == "format":
        colours.update(FORMAT_COLOURS)
    elif dimension == "org_type":
        colours.update(ORG_TYPE_COLOURS)
    elif dimension == "organisation":
        acr = _acronyms(schedule)
        hover = {acr.get(v, v): v for v in counts["value"]}
        colours.update({acr.get(o.name, o.name): ORG_TYPE_COLOURS.get(o.kind_label, "#999999")
                        for o in ref.organisations.values()})
        counts = counts.assign(value=counts["value"].map(lambda v: acr.get(v, v)))
    elif dimension == "working_group":
        hover = {k: f"{k}: {wg.title}" for k, wg in ref.working_groups.items()}
        colours.update({k: v for k, v in WG_COLOURS.items() if k in ref.working_groups})
    elif dimension == "gcm_objective":
        hover = {f"Objective {k}": f"Objective {k}: {t}" for k, t in ref.gcm_objectives.items()}
    if dimension == "audience":
        hover = {NOT_STATED: "Not stated: no audience named (publications left out)",
                 "TBD": "TBD: audience still to be decided"}
    title = f"{BREAKDOWN_TITLES.get(dimension, dimension)} ({measure})"
    return bar_figure(counts, title, ctx, measure, colours=colours, hover_names=hover)


SHORT_AUDIENCES = {"UN networks (country/regional)": "UN networks", "civil society": "Civil society",
                   "general public": "General public"}
"""Short column names for the matrix (the full name is in the hover)."""


def short_audience(name: str) -> str:
    """The matrix's short name for an audience category ("UN networks (country/regional)" → "UN networks")."""
    return SHORT_AUDIENCES.get(name, name)


def heatmap_figure(grid: pd.DataFrame, ctx: ChartContext, measure: str = "records") -> go.Figure:
    """Format × audience matrix (from :func:`~analysis.aggregate.format_audience_matrix`): every cell shows
    its number; an empty cell is white with "–" (a combination never used), a count of 1 is already a
    clearly tinted blue. Rows and columns keep the grid's order ("Not stated", "TBD" last, as on the
    audience bar chart); no axis titles (the chart title names both), so nothing sits over tick labels.
    """
    title = f"Format × audience coverage ({measure})"
    if grid.empty or grid.to_numpy().sum() == 0:
        return empty_figure(title, ctx)
    z = grid.to_numpy()
    text = [[str(int(v)) if v else "–" for v in row] for row in z]
    zmasked = [[int(v) if v else None for v in row] for row in z]
    top = max(1, int(z.max()))
    columns = [wrap_label(short_audience(c)) for c in grid.columns]
    fig = go.Figure(go.Heatmap(
        z=zmasked, x=columns, y=[esc(i) for i in grid.index], text=text,
        texttemplate="%{text}", textfont=dict(size=15, color=INK), colorscale=SEQUENTIAL, zmin=1,
        zmax=max(2, top), xgap=2, ygap=2, showscale=False, hoverongaps=True,
        customdata=[[esc(c) for c in grid.columns] for _ in grid.index],
        hovertemplate="%{y} × %{customdata}: %{text} " + esc(measure) + "<extra></extra>",
    ))
    fig.update_layout(plot_bgcolor="#FFFFFF")
    fig.update_xaxes(side="bottom", title=None, showgrid=False, linecolor="#8A939B", mirror=True)
    fig.update_yaxes(autorange="reversed", title=None, showgrid=False, linecolor="#8A939B", mirror=True)
    core = [(i, j) for i, f in enumerate(grid.index) for j, a in enumerate(grid.columns)
            if f not in LAST_VALUES and a not in LAST_VALUES]
    gaps = sum(1 for i, j in core if z[i][j] == 0)
    pubs = int(grid.attrs.get("publications", 0))
    note = f" {pubs} publication{'s' if pubs != 1 else ''} left out (no audience)." if pubs else ""
    alt = (f"Matrix of {len(grid.index)} formats by {len(grid.columns)} audiences in {measure}; {gaps} of "
           f"{len(core)} combinations of a stated format and audience are never used (marked –).{note}")
    height = max(360, 230 + 46 * len(grid.index))
    # At a narrow width Plotly turns the column labels upright; the source line goes below even then.
    longest = max(len(line) for c in grid.columns for line in short_audience(c).split())
    shift = max(SOURCE_SHIFT, round(longest * 0.6 * BODY_SIZE) + 56)
    fig = finish(fig, title, ctx, alt, height=height + shift - SOURCE_SHIFT + (24 if pubs else 0), source_shift=shift)
    if pubs:
        fig.update_layout(margin_b=shift + 52 + 24)
    if pubs:
        fig.add_annotation(text=esc(f"{pubs} publication{'s' if pubs != 1 else ''} not shown: no audience"),
                           showarrow=False, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                           yshift=-shift - 52, font=dict(size=SOURCE_SIZE, color=MUTED), align="left",
                           name="note")
    return fig


# ------------------------------------------------------------------------------------------------ network

NETWORK_HEIGHT = 640
LABEL_FONT = 13
LABEL_WIDTH_PX = 280
"""Plot-area width (px) from which network labels are placed without collisions: a 360 px phone's column less
the margins. The page gives the chart a wider box on phones, but it can be drawn at the column's width for a
moment first; the labels hold there too. The axes keep equal scales, so a wider plot only spreads the markers
further apart under labels of the same pixel size."""
LAYOUT_PAD = 0.6
"""Layout units of room around the outermost nodes (as in :func:`~analysis.network.data_scale`)."""
NETWORK_MARGIN = dict(t=HEADER_PX + 56, b=SOURCE_SHIFT + 56, l=16, r=16)  # three source lines fit
"""Margins of a network whose legend takes 56 px; the top margin grows with the stacked legend's entries."""
LEGEND_TITLE_PX, LEGEND_ROW_PX = 24, 21
"""Height of the stacked network legend's title and of each of its entries (13 px font)."""


def _node_size(records: int) -> int:
    return 12 + 6 * min(records, 6)


def _label_trace(nodes: Sequence[go.Scatter], font_size: float) -> go.Scatter:
    """One text-only trace (``meta`` "labels") with the non-empty labels of the node traces ``nodes``, at their
    positions: drawn after every marker, with a white halo over edges, and skipped by hover and clicks (which
    go to the node under it)."""
    xs, ys, texts, where, sizes = [], [], [], [], []
    for trace in nodes:
        positions = (trace.textposition if isinstance(trace.textposition, tuple | list)
                     else [trace.textposition] * len(trace.x))
        for x, y, text, position, size in zip(trace.x, trace.y, trace.text, positions, trace.marker.size,
                                              strict=True):
            if text:
                xs.append(x)
                ys.append(y)
                texts.append(text)
                where.append(position)
                sizes.append(size)
    # Invisible markers of the nodes' sizes: Plotly sets text beside a marker by its radius (with no marker
    # the text would sit on the node's centre).
    return go.Scatter(x=xs, y=ys, text=texts, textposition=where, mode="markers+text", hoverinfo="skip",
                      showlegend=False, meta="labels", name="labels", cliponaxis=False,
                      marker=dict(size=sizes, color=INK, opacity=0),
                      textfont=dict(size=font_size, color=INK, shadow="0px 0px 2px #FFFFFF"))


def network_figure(g: nx.Graph, pos: Mapping[str, tuple[float, float]], ctx: ChartContext,
                   names: Mapping[str, str] | None = None, colour_by: str = "working_group",
                   max_labels: int = 30, label_width_px: int = LABEL_WIDTH_PX,
                   label_font: int = LABEL_FONT, height: int = NETWORK_HEIGHT) -> go.Figure:
    """The co-lead network: edges as lines (width by weight), nodes sized by records led, at full opacity,
    coloured by working group (``colour_by="working_group"``: a node whose records span several groups
    is black, "Several working groups" — the bridges between groups) or by organisation type
    (``colour_by="org_type"``). People are squares and hub records (more than
    :data:`~analysis.network.MAX_CLIQUE_LEADS` leads) diamonds.

    Only the most connected nodes carry a text label, placed by :func:`~analysis.network.place_labels`
    so that no two labels (``label_font`` px) overlap in a plot area ``label_width_px`` wide (at most
    ``max_labels``); every
    node names itself on hover. Node ``customdata`` is the node id, so a click can list its records.

    ``height`` fixes the plot area's height (``height`` minus :data:`NETWORK_MARGIN`'s top and bottom); the
    legend is stacked one entry a line in the top margin, and the figure is taller by what it needs. Labels are
    placed for that plot area at every width from ``label_width_px`` up (axis ranges fixed to the padded
    layout extent).

    Traces: one edge trace per (weight, relation) (``meta`` = "edges", ``hoverinfo`` = "skip"), then one
    node trace per colour group (``meta`` = "nodes", ``name`` = the group).
    """
    title = "Co-lead organisation network"
    if colour_by not in ("working_group", "org_type"):
        raise ValueError(f"colour_by must be 'working_group' or 'org_type', not {colour_by!r}")
    if g.number_of_nodes() == 0:
        return empty_figure(title, ctx, "No leads among the records that match the filters.")
    fig = go.Figure()
    by_weight: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for a, b, d in g.edges(data=True):
        by_weight.setdefault((int(d["weight"]), d.get("relation", "co-lead")), []).append((a, b))
    for (w, rel), edges in sorted(by_weight.items()):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b in edges:
            xs += [pos[a][0], pos[b][0], None]
            ys += [pos[a][1], pos[b][1], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False, meta="edges",
                                 line=dict(width=1.2 + 2.2 * (min(w, 4) - 1), color="#7B8794",
                                           dash="dot" if rel in ("affiliation", "hub") else "solid"),
                                 name=f"{rel} ×{w}"))
    palette = WG_COLOURS if colour_by == "working_group" else ORG_TYPE_COLOURS
    key = "working_group" if colour_by == "working_group" else "org_type"
    groups = sorted({str(d.get(key) or "Unknown") for _, d in g.nodes(data=True)},
                    key=lambda t: (list(palette).index(t) if t in palette else 50, t))
    # The legend is stacked (one entry a line) in the top margin, so it is as narrow as its longest entry and
    # never runs off the right of a phone; the figure grows by its height, so the plot area keeps ``height``'s.
    legend_px = LEGEND_TITLE_PX + LEGEND_ROW_PX * len(groups)
    # The margins are fixed: left to itself, Plotly would widen the left margin by the legend's width (a
    # vertical legend pushes sideways even when it sits in the top margin) and narrow the plot area the labels
    # were placed for.
    margin = {**NETWORK_MARGIN, "t": NETWORK_MARGIN["t"] - 56 + legend_px + 12, "autoexpand": False}
    plot_h = height - NETWORK_MARGIN["t"] - NETWORK_MARGIN["b"]
    height = plot_h + margin["t"] + margin["b"]
    sizes = {n: float(_node_size(d.get("records", 0))) for n, d in g.nodes(data=True)}
    labelled = place_labels(g, pos, width_px=label_width_px, height_px=plot_h, font_size=label_font,
                            marker_sizes=sizes, max_labels=max_labels, pad=LAYOUT_PAD)
    for grp in groups:
        nodes = [n for n, d in g.nodes(data=True) if str(d.get(key) or "Unknown") == grp]
        hover = []
        for n in nodes:
            d = g.nodes[n]
            partners = ", ".join(sorted(str(g.nodes[m]["label"]) for m in g.neighbors(n))) or "none"
            if len(partners) > 300:
                partners = partners[:299] + "…"
            extra = f"<br>Organisation: {esc(d['affiliation'])}" if d.get("affiliation") else ""
            wgs = ", ".join(d.get("working_groups", ())) or "none"
            hover.append(f"<b>{esc((names or {}).get(n, n))}</b><br>{esc(d['org_type'])}{extra}"
                         f"<br>Working groups: {esc(wgs)}<br>Records led: {d['records']}"
                         f"<br>Co-leads: {esc(partners)}<br><i>Click to list its records</i>")
        colour = mark_colour(palette.get(grp, "#999999"))
        symbols = ["square" if g.nodes[n]["org_type"] == PERSON_TYPE else
                   "diamond" if g.nodes[n]["org_type"] == HUB_TYPE else "circle" for n in nodes]
        # The node trace holds each label (text, position) but draws only markers: the labels are drawn by one
        # text trace on top of every marker (see _label_trace), so a later group's markers never cover them.
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers", name=esc(grp),
            text=[esc(g.nodes[n]["label"]) if n in labelled else "" for n in nodes],
            textposition=[labelled.get(n, "top center") for n in nodes],
            textfont=dict(size=label_font, color=INK), customdata=nodes, hovertext=hover, hoverinfo="text",
            meta="nodes", cliponaxis=False,
            marker=dict(size=[sizes[n] for n in nodes], color=colour, opacity=1,
                        line=dict(color="#FFFFFF", width=1.5), symbol=symbols),
        ))
    fig.add_trace(_label_trace([t for t in fig.data if t.meta == "nodes"], label_font))
    # Equal scales: the layout's distances are drawn as computed, never squashed by the figure's shape. The
    # ranges are the padded extent (Plotly widens one of them to fill the area, so a wide plot uses its width)
    # and not autoranged: autorange pads by marker size and text, and the labels were placed for these ranges.
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    extent = [[min(xs) - LAYOUT_PAD, max(xs) + LAYOUT_PAD], [min(ys) - LAYOUT_PAD, max(ys) + LAYOUT_PAD]]
    fig.update_xaxes(visible=False, range=extent[0])
    fig.update_yaxes(visible=False, range=extent[1], scaleanchor="x", scaleratio=1)
    fig.update_layout(hovermode="closest", clickmode="event+select", dragmode="pan")
    legend_title = "Working group" if colour_by == "working_group" else "Organisation type"
    legend_on_top(fig, legend_title, height)
    fig.update_layout(legend=dict(orientation="v", tracegroupgap=0, itemsizing="constant"))
    isolated = [str(g.nodes[n]["label"]) for n in nx.isolates(g)]
    comps = nx.number_connected_components(g)
    several = [str(d["label"]) for _, d in g.nodes(data=True) if d.get("working_group") == SEVERAL_WGS]
    hubs = g.graph.get("hubs", [])
    alt = (f"Network of {g.number_of_nodes()} leads and {g.number_of_edges()} co-lead links in {comps} groups; "
           f"node size shows records led, colour the {'working group' if key == 'working_group' else 'type'}. "
           f"Leads in several working groups: {', '.join(several[:20]) or 'none'}. "
           f"Leads with no co-lead: {', '.join(isolated[:20]) or 'none'}"
           f"{' and more' if len(isolated) > 20 else ''}."
           + (f" {len(hubs)} record(s) with more than 50 leads drawn as hubs." if hubs else ""))
    fig = finish(fig, title, ctx, alt, height=height)
    fig.update_layout(margin=margin, meta={**fig.layout.meta, "extent": extent})
    return fig


# ------------------------------------------------------------------------------------------------ gaps

STATE_ORDER = (TBD_STATE, "missing", UNREADABLE, NOT_APPLICABLE, PRESENT)
STATE_SYMBOLS = {PRESENT: "✓", TBD_STATE: "TBD", "missing": "✗", UNREADABLE: "?", NOT_APPLICABLE: "n/a"}


def completeness_figure(comp: pd.DataFrame, fields: Sequence[str], ctx: ChartContext) -> go.Figure:
    """Record × field matrix coloured by state (present / TBD / missing / unreadable / not applicable),
    a categorical heatmap; each cell also carries a symbol (✓, TBD, ✗, ?, n/a) so colour is not needed."""
    title = "Completeness of records"
    if comp.empty:
        return empty_figure(title, ctx)
    states = list(STATE_ORDER)
    code = {s: i for i, s in enumerate(states)}
    cells = comp[list(fields)].to_numpy()
    z = [[code.get(v, code["missing"]) for v in row] for row in cells]
    n = len(states)
    scale = []
    for i, s in enumerate(states):
        scale += [[i / n, STATE_COLOURS[s]], [(i + 1) / n, STATE_COLOURS[s]]]
    # Line first and the label cut short, so the rows stay apart and fit beside the cells on a phone.
    labels = [f"line {line} · {esc(lbl[:26])}{'…' if len(lbl) > 26 else ''}"
              for lbl, line in zip(comp["label"].map(lambda v: str(v) if isinstance(v, str) and v else "Untitled"),
                                   comp["source_line"], strict=True)]
    fig = go.Figure(go.Heatmap(
        z=z, x=list(fields), y=labels, zmin=-0.5, zmax=n - 0.5, colorscale=scale, xgap=2, ygap=2,
        text=[[STATE_SYMBOLS.get(v, "✗") for v in row] for row in cells], texttemplate="%{text}",
        textfont=dict(color=INK), customdata=[[str(v) for v in row] for row in cells],
        hovertemplate="%{y}<br>%{x}: %{customdata}<extra></extra>", showscale=False,
    ))
    fig.update_yaxes(autorange="reversed", title=None, showgrid=False)
    fig.update_xaxes(side="top", title=None, showgrid=False)
    words = {PRESENT: "✓ present", TBD_STATE: "TBD", "missing": "✗ missing", UNREADABLE: "? unreadable",
             NOT_APPLICABLE: "n/a not applicable"}
    shown = [words[s] for s in (PRESENT, TBD_STATE, "missing", UNREADABLE, NOT_APPLICABLE) if s in set(cells.ravel())]
    key = "<br>".join(" · ".join(shown[i:i + 2]) for i in range(0, len(shown), 2))
    full = int((comp["n_missing"] == 0).sum())
    alt = (f"Completeness of {len(comp)} records across {len(fields)} fields: {full} complete; the least "
           f"complete, {_or(comp.iloc[0]['label'], 'Untitled')}, lacks {comp.iloc[0]['n_missing']} fields.")
    fig = finish(fig, title, ctx, alt, height=max(420, 290 + 30 * len(comp)))
    # Room above the cells for field names Plotly may turn upright on a phone; the key sits above the row
    # labels, left of the field names, in short lines.
    fig.update_layout(margin_t=HEADER_PX + 12 + 90)
    fig.add_annotation(text=key, showarrow=False, xref="paper", yref="paper", x=0, y=1, xanchor="right",
                       yanchor="bottom", xshift=-8, yshift=4, font=dict(size=13, color=INK), name="key",
                       align="right")
    return fig
