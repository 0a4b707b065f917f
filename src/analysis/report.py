"""The one-page report: the same figures and facts for the Report page, the HTML file and PNG images.

:func:`report_figures` is the single source of the report's charts; :func:`report_html` makes one
self-contained HTML file (plotly.js embedded once, works offline, print styles for a landscape page);
:func:`write_report` writes it, and PNGs of every chart when asked (kaleido, using the system Chromium).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from .aggregate import chase_list, format_audience_matrix, highlights, metrics, trim_matrix
from .figures import (
    EXPORT_PRESETS,
    ChartContext,
    _slug,
    esc,
    heatmap_figure,
    move_source,
    network_figure,
    set_height,
    stop_png_server,
    timeline_figure,
    to_png,
)
from .network import build_graph, layout
from .schedule import Schedule

REPORT_TITLE = "Outreach coverage: UN Network on Migration, COVID-19 online series 2020"
REPORT_PRESET = "A4 landscape full width"
"""The export preset of the report's PNGs when none is named."""


class ChangesLike(Protocol):
    """What the report needs from :func:`analysis.compare.diff`'s result."""

    frame: pd.DataFrame
    summary: str


def report_figures(full: Schedule, view: Schedule, ctx: ChartContext) -> dict[str, go.Figure]:
    """The report's charts, keyed by a short name: timeline, matrix, network.

    ``full`` is the unfiltered schedule (it fixes the matrix's rows and columns), ``view`` the filtered one.
    """
    g = build_graph(view)
    figs = {
        "timeline": timeline_figure(view, ctx, weekly=False),
        "matrix": heatmap_figure(trim_matrix(format_audience_matrix(view), full), ctx),
        "network": network_figure(g, layout(g), ctx, label_font=11, max_labels=16,
                                 height=440),
    }
    # Compact versions: the report is laid out to fit one landscape page; the matrix as tall as the timeline
    # beside it, with its column labels tilted (so the source line can sit closer under them).
    lanes = len(figs["timeline"].layout.yaxis.categoryarray or ())
    row_height = max(420, 300 + 18 * lanes)
    set_height(figs["timeline"], row_height)
    figs["timeline"].update_layout(legend_title=dict(text="Format (◆ pipeline, ○ planned)", side="left"))
    for fig in figs.values():
        fig.update_layout(font=dict(size=12), legend=dict(font=dict(size=11)))
        fig.update_xaxes(tickfont=dict(size=11))
        fig.update_yaxes(tickfont=dict(size=11))
    if figs["matrix"].data:
        figs["matrix"].update_xaxes(tickangle=-30)
        move_source(figs["matrix"], 100)
        set_height(figs["matrix"], row_height)
    if figs["timeline"].data:
        figs["timeline"].update_xaxes(title="date (2020)", row=1, col=1)
    return figs


def metrics_strip(view: Schedule) -> str:
    """The headline metrics as a compact HTML strip (shared by the Report page and the HTML file)."""
    cards = "".join(f'<div class="metric"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>'
                    for k, v in metric_items(view))
    return f'<section class="metrics">{cards}</section>'


def metric_items(view: Schedule) -> list[tuple[str, str]]:
    """(label, value) pairs of the headline metrics, in display order."""
    m = metrics(view)
    return [
        ("Records", str(m.records)),
        ("Events", str(m.events)),
        ("Held / planned / undated", f"{m.held} / {m.planned} / {m.undated}"),
        ("Pipeline items", str(m.pipeline)),
        ("Lead organisations", str(m.organisations)),
        ("People named", str(m.people)),
        ("Audiences reached", str(m.audiences)),
        ("Date span (2020)", m.span),
    ]


def open_gaps(view: Schedule, limit: int = 12) -> pd.DataFrame:
    """The top of the chase list (:func:`~analysis.aggregate.chase_list`) for the report: columns Record,
    Leads, What is missing, Line (text; "5–6" for a record over two lines). Never "nan" or "None"."""
    chase = chase_list(view).head(limit)
    out = chase[["item", "leads", "what is missing", "source line(s)"]]
    return out.rename(columns={"item": "Record", "leads": "Leads", "what is missing": "What is missing",
                               "source line(s)": "Line"}).reset_index(drop=True)


def changes_html(changes: ChangesLike | None, limit: int = 5) -> str:
    """A compact "Changes since" block from a comparison of two captures ("" when ``changes`` is None).

    Uses ``changes.summary`` (text) and up to ``limit`` rows of ``changes.frame`` (kind, label, before,
    after); every value is escaped, and missing values are shown as "–".
    """
    if changes is None:
        return ""
    frame = changes.frame

    def cell(value: object) -> str:
        text = esc(value).strip()
        return text if text else "–"

    rows = "".join(
        f"<tr><td>{cell(r.get('kind'))}</td><td>{cell(r.get('label'))}</td><td>{cell(r.get('before'))}</td>"
        f"<td>{cell(r.get('after'))}</td></tr>" for r in frame.head(limit).to_dict("records"))
    more = (f"<p class=\"more\">and {len(frame) - limit} more changes.</p>" if len(frame) > limit else "")
    table = (f"<table><thead><tr><th>Change</th><th>Record</th><th>Before</th><th>After</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>" if rows else "")
    return (f'<section class="changes"><h2>Changes since the earlier capture</h2>'
            f"<p>{cell(changes.summary)}</p>{table}{more}</section>")


def _abbr(text: str, glossary: dict[str, str]) -> str:
    """Escape text and wrap known acronyms in <abbr title=…> so they expand on hover."""
    out = html.escape(text)
    for short, long in sorted(glossary.items(), key=lambda kv: -len(kv[0])):
        token = html.escape(short)
        if token and token in out and len(short) <= 12:
            out = out.replace(token, f'<abbr title="{html.escape(long, quote=True)}">{token}</abbr>', 1)
    return out


METRICS_CSS = """
.metrics { display: grid; grid-template-columns: repeat(8, 1fr); gap: 8px; margin: 12px 0; }
.metric { border: 1px solid #D9DEE3; border-radius: 6px; padding: 6px 10px; font-family: inherit; }
.metric b { display: block; font-size: 22px; white-space: nowrap; }
.metric span { font-size: 12px; color: #4A5560; }
"""

_CSS = METRICS_CSS + """
:root { --ink:#1A1A1A; --muted:#4A5560; --line:#D9DEE3; --accent:#0072B2; }
* { box-sizing: border-box; }
body { font-family: "Source Sans Pro","Segoe UI",Helvetica,Arial,sans-serif; color: var(--ink); margin: 0;
       padding: 18px 24px; background: #fff; }
header h1 { font-size: 24px; margin: 0 0 4px; }
header p { margin: 2px 0; color: var(--muted); font-size: 14px; }
.grid { display: grid; grid-template-columns: 1.25fr 1fr; gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 4px; break-inside: avoid; }
ul.highlights { margin: 6px 0 10px; padding-left: 20px; font-size: 14px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #F2F5F8; }
h2 { font-size: 17px; margin: 6px 4px; }
.summary.with-changes { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; align-items: start; }
.changes { font-size: 13px; margin: 6px 0 8px; }
.changes h2 { font-size: 15px; margin: 0 4px 2px; }
.changes table { font-size: 12px; }
.changes td, .changes th { padding: 2px 6px; }
.changes p { margin: 2px 4px; }
footer { margin-top: 10px; font-size: 12px; color: var(--muted); }
abbr { text-decoration: underline dotted; cursor: help; }
@media print {
  @page { size: A4 landscape; margin: 8mm; }
  /* The screen layout is about 1400 × 1400 px; scaled to fit one landscape sheet (281 × 194 mm). */
  body { padding: 0; zoom: 0.48; }
  body.with-changes { zoom: 0.45; }  /* the changes block adds about 60 px */
  .card { border-color: #bbb; }
  .modebar-container { display: none !important; }
}
"""


def report_html(full: Schedule, view: Schedule, ctx: ChartContext, query: str = "",
                generated: dt.datetime | None = None, changes: ChangesLike | None = None) -> str:
    """One self-contained HTML report (plotly.js inline, no network needed) with the filter state in it.

    Args:
        full: the unfiltered schedule; view: the filtered one; ctx: filters wording, source and page.
        query: the dashboard URL query string of the filters ("" when unfiltered), written into the page.
        generated: timestamp written in the footer; defaults to now.
        changes: a comparison of two captures (an object with ``.frame`` and ``.summary``, as from
            :func:`analysis.compare.diff`); when given, a "Changes since" block follows the highlights.
    """
    figs = report_figures(full, view, ctx)
    glossary = full.reference.glossary()
    parts = []
    for i, (name, fig) in enumerate(figs.items()):
        div = pio.to_html(fig, include_plotlyjs="inline" if i == 0 else False, full_html=False,
                          config={"displaylogo": False, "responsive": True}, div_id=f"chart-{name}")
        alt = html.escape(str((fig.layout.meta or {}).get("alt", "")))
        parts.append(f'<figure class="card" role="img" aria-label="{alt}">{div}</figure>')
    bullets = "".join(f"<li>{html.escape(h).replace('**', '')}</li>" for h in highlights(view))
    gaps = open_gaps(view)
    rows = "".join(
        f"<tr><td>{_abbr(str(r['Record']), glossary)}</td><td>{html.escape(str(r['Leads']))}</td>"
        f"<td>{html.escape(str(r['What is missing']))}</td><td>{html.escape(str(r['Line']))}</td></tr>"
        for _, r in gaps.iterrows())
    gaps_html = (f"<table><thead><tr><th>Record</th><th>Leads</th><th>What is missing</th><th>Line</th></tr>"
                 f"</thead><tbody>{rows}</tbody></table>" if rows else "<p>No open gaps for these filters.</p>")
    stamp = (generated or dt.datetime.now()).strftime("%-d %B %Y %H:%M")
    # With a comparison, highlights and changes sit side by side so the report still fits one page.
    block = changes_html(changes)
    summary = (f'<section class="summary with-changes"><ul class="highlights">{bullets}</ul>{block}</section>'
               if block else f'<ul class="highlights">{bullets}</ul>')
    filters_line = html.escape(ctx.filters) + (f" (link query: <code>?{html.escape(query)}</code>)" if query else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(REPORT_TITLE)}</title>
<style>{_CSS}</style></head>
<body{' class="with-changes"' if block else ''}>
<header><h1>{html.escape(REPORT_TITLE)}</h1>
<p><b>Filters:</b> {filters_line}</p>
<p>{html.escape(ctx.source)}</p></header>
{metrics_strip(view)}
{summary}
<section class="grid">
{parts[0]}
{parts[1]}
{parts[2]}
<div class="card"><h2>Open gaps</h2>{gaps_html}</div>
</section>
<footer>{html.escape(full.meta.preamble[0] if full.meta.preamble else "")}. Generated {stamp}.</footer>
</body></html>"""


def write_report(schedule: Schedule, out: Path, png: bool = False, ctx: ChartContext | None = None,
                 presets: Sequence[str] = tuple(EXPORT_PRESETS), changes: ChangesLike | None = None) -> list[Path]:
    """Write ``report.html`` into ``out`` (and with ``png`` one PNG per chart per export preset, named
    ``<chart>-<preset slug>.png``, e.g. ``timeline-a4-landscape-full-width.png``, sized by
    :func:`~analysis.figures.to_png`); return the paths written. ``changes`` as for :func:`report_html`.
    Raises KeyError for an unknown preset name before writing anything.
    """
    for preset in presets:
        EXPORT_PRESETS[preset]
    out.mkdir(parents=True, exist_ok=True)
    ctx = ctx or ChartContext(filters="All records", source=schedule.meta.citation, page="report")
    path = out / "report.html"
    path.write_text(report_html(schedule, schedule, ctx, changes=changes), encoding="utf-8")
    written = [path]
    if png:
        import kaleido

        figs = report_figures(schedule, schedule, ctx)
        kaleido.start_sync_server(silence_warnings=True)
        try:
            for name, fig in figs.items():
                for preset in presets:
                    target = out / f"{name}-{_slug(preset)}.png"
                    target.write_bytes(to_png(fig, preset))
                    written.append(target)
        finally:
            stop_png_server()
    return written
