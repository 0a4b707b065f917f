"""Figure builders for the history of captures: moved records as arrows, and the backlog over time.

Pure functions from frames to Plotly figures, finished like every other chart of the app
(:func:`analysis.figures.finish`: title, filter subtitle, source line, alt text, file name). Colours are
Okabe–Ito; text is dark grey or Okabe–Ito blue, both above 4.5:1 contrast on white.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .compare import Changes
from .figures import ChartContext, empty_figure, esc, finish, legend_on_top, wrap_label

NEW_COLOUR = "#0072B2"  # Okabe–Ito blue: 5.2:1 on white, also used for text
OLD_COLOUR = "#4A5560"  # the template's secondary text grey: 7.6:1 on white
UNDATED_COLOUR = "#D55E00"  # Okabe–Ito vermillion (lines and markers only, never text)
TEXT_COLOUR = "#1A1A1A"
DAY_MS = 86_400_000


def moves_figure(changes: Changes, ctx: ChartContext) -> go.Figure:
    """Each moved record as an arrow from its old date to its new one, one row per record.

    Traces: "old date" (hollow markers) and "new date" (filled markers), one point per record; the arrows
    are layout annotations named "move" (tail at the old date, head at the new one). With no moved record,
    a figure that says so.
    """
    title = "Moved records"
    f = changes.frame
    moved = f[(f["kind"] == "moved") & f["old_date"].notna() & f["new_date"].notna()]
    if moved.empty:
        return empty_figure(title, ctx, "No record moved between these captures.")
    moved = moved.sort_values(["new_date", "old_date", "label"], kind="stable")
    rows = [wrap_label(label, 24) for label in moved["label"]]  # short lines leave a phone's plot some width
    hover = [f"{esc(r.label)}<br>{esc(r.before)} → {esc(r.after)} ({esc(r.detail)})"
             for r in moved.itertuples(index=False)]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=moved["old_date"], y=rows, mode="markers", name="old date",
        marker=dict(symbol="circle-open", size=11, color=OLD_COLOUR, line=dict(width=2)),
        hovertext=hover, hoverinfo="text", meta="old",
    ))
    fig.add_trace(go.Scatter(
        x=moved["new_date"], y=rows, mode="markers+text", name="new date",
        marker=dict(symbol="circle", size=11, color=NEW_COLOUR, line=dict(color=TEXT_COLOUR, width=1)),
        text=[esc(d) for d in moved["detail"]], textposition="middle right",
        textfont=dict(color=TEXT_COLOUR, size=12), hovertext=hover, hoverinfo="text", meta="new",
    ))
    for row, old, new in zip(rows, moved["old_date"], moved["new_date"], strict=True):
        fig.add_annotation(
            x=new, y=row, ax=old, ay=row, xref="x", yref="y", axref="x", ayref="y", text="", showarrow=True,
            arrowhead=2, arrowsize=1.4, arrowwidth=2, arrowcolor=NEW_COLOUR, standoff=7, startstandoff=7,
            name="move",
        )
    lo = min(moved["old_date"].min(), moved["new_date"].min()) - pd.Timedelta(days=3)
    hi = max(moved["old_date"].max(), moved["new_date"].max()) + pd.Timedelta(days=6)
    # At most three date ticks: on a phone the plot beside the record labels is under 200 px wide.
    fig.update_xaxes(type="date", tickformat="%-d %b", range=[lo, hi], title=None, nticks=3)
    fig.update_yaxes(categoryorder="array", categoryarray=rows[::-1], title=None)
    fig.update_layout(hovermode="closest")
    height = 250 + 48 * len(moved)
    legend_on_top(fig, "", height)  # under the subtitle, never over it or the data, at any width
    parts = [f"{r.label} from {r.old_date:%-d %B} to {r.new_date:%-d %B}" for r in moved.itertuples(index=False)]
    alt = f"{len(moved)} record{'s' if len(moved) != 1 else ''} moved: " + "; ".join(parts) + "."
    return finish(fig, title, ctx, alt, height=height)


def backlog_figure(backlog: pd.DataFrame, ctx: ChartContext) -> go.Figure:
    """Open pipeline items and undated records per capture date (``backlog`` from :func:`analysis.ageing.backlog`).

    Traces: "open pipeline" and "undated", lines with markers and the count at each point; a partial
    capture's points are hollow (its counts are lower bounds).
    """
    title = "Backlog per capture"
    if backlog.empty:
        return empty_figure(title, ctx, "No captures stored yet.")
    b = backlog.sort_values(["as_of", "capture_id"], kind="stable")
    fig = go.Figure()
    # Counts sit above the pipeline's points and below the undated ones, so equal counts never print on top of
    # each other.
    for column, name, colour, symbol, where in (
            ("open_pipeline", "open pipeline", NEW_COLOUR, "circle", "top center"),
            ("undated", "undated", UNDATED_COLOUR, "square", "bottom center")):
        symbols = [f"{symbol}-open" if p else symbol for p in b["partial"]]
        hover = [f"{esc(n)} (as of {d:%-d %B %Y}{', partial' if p else ''}): {v} {name}"
                 for n, d, p, v in zip(b["name"], b["as_of"], b["partial"], b[column], strict=True)]
        fig.add_trace(go.Scatter(
            x=b["as_of"], y=b[column], mode="lines+markers+text", name=name, meta=column,
            line=dict(color=colour, width=2, dash="solid" if column == "open_pipeline" else "dash"),
            marker=dict(color=colour, size=10, symbol=symbols, line=dict(color=colour, width=2)),
            text=[str(v) for v in b[column]], textposition=where, textfont=dict(color=TEXT_COLOUR, size=12),
            hovertext=hover, hoverinfo="text",
        ))
    top = int(max(b["open_pipeline"].max(), b["undated"].max()))
    # Room under 0 for an undated count printed below its point, and above the top for the pipeline's.
    fig.update_yaxes(range=[-max(0.7, top * 0.14), top + max(1, round(top * 0.2))], title="records",
                     dtick=1 if top <= 10 else None, zeroline=True, zerolinecolor="#8A939B")
    first_day, last_day = b["as_of"].min(), b["as_of"].max()
    # Padding on both sides, so the first and last points (and their counts) are never cut by the plot's edge;
    # a single date gets a week each side, not a lone point on an unreadable scale.
    pad = max(pd.Timedelta(days=1), (last_day - first_day) * 0.06) if len(b) > 1 else pd.Timedelta(days=7)
    fig.update_xaxes(type="date", tickformat="%-d %b %Y", title=None, range=[first_day - pad, last_day + pad])
    legend_on_top(fig, "", 420)  # under the subtitle, never over it or the data, at any width
    first, last = b.iloc[0], b.iloc[-1]
    alt = (f"Backlog in {len(b)} capture{'s' if len(b) != 1 else ''}: open pipeline {first.open_pipeline} → "
           f"{last.open_pipeline}, undated {first.undated} → {last.undated} from {first.as_of:%-d %B %Y} to "
           f"{last.as_of:%-d %B %Y}.")
    return finish(fig, title, ctx, alt, height=420)
