"""Figure builders: pure functions from tidy frames to self-explaining Plotly figures.

Every figure carries, inside itself (so a PNG or screenshot keeps it), a title, a subtitle naming the
active filters, and the source line; ``layout.meta`` holds ``alt`` (a text summary of what the chart
shows) and ``filename`` (for the 2× PNG download). One template (:data:`TEMPLATE`) and the Okabe–Ito
colour-blind-safe palette are used throughout.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .aggregate import PRESENT, TBD_STATE, UNDATED, count_by, weekly_counts
from .network import PERSON_TYPE
from .schedule import Schedule

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999")
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
ORG_TYPE_COLOURS: Mapping[str, str] = {
    "UN system": "#0072B2",
    "Inter-agency": "#009E73",
    "Civil society": "#E69F00",
    "Research and academic": "#CC79A7",
    PERSON_TYPE: "#F0E442",
    "Unknown": "#999999",
}
STATE_COLOURS = {PRESENT: "#009E73", TBD_STATE: "#E69F00", "missing": "#D55E00"}
SEQUENTIAL = [[0.0, "#EAF2FA"], [0.5, "#56B4E9"], [1.0, "#0B3C68"]]
FONT = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=14, color="#1A1A1A"),
        title=dict(font=dict(size=20), x=0.0, xanchor="left", xref="container", pad=dict(l=12)),
        colorway=list(OKABE_ITO),
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        hoverlabel=dict(font=dict(family=FONT, size=13), bgcolor="#FFFFFF", align="left"),
        legend=dict(font=dict(size=13), title=dict(font=dict(size=13))),
        xaxis=dict(gridcolor="#E3E7EB", linecolor="#8A939B", ticks="outside", automargin=True,
                   title=dict(font=dict(size=14))),
        yaxis=dict(gridcolor="#E3E7EB", linecolor="#8A939B", automargin=True, title=dict(font=dict(size=14))),
    )
)
SOURCE_SHIFT = 72  # px from the bottom of the plot area to the source line: clears tick labels and axis title


@dataclass(frozen=True)
class ChartContext:
    """What every chart says about itself: the active filters, the source line, and the page."""

    filters: str = "All records"
    source: str = ""
    page: str = "chart"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def esc(text: object) -> str:
    """Escape text for Plotly's HTML-like labels so source text (e.g. ``<script>``) shows literally."""
    return html.escape(str(text), quote=False)


def wrap_source(source: str, width: int = 48) -> str:
    """The source line wrapped to lines of at most ``width`` characters (fits a half-width chart), escaped."""
    return "<br>".join(esc(line) for line in textwrap.wrap(source, width)) or esc(source)


def finish(fig: go.Figure, title: str, ctx: ChartContext, alt: str, height: int | None = None) -> go.Figure:
    """Apply the template, title, filter subtitle, source line, alt text and file name to ``fig``."""
    top = 96
    fig.update_layout(
        template=TEMPLATE,
        title=dict(text=esc(title), subtitle=dict(text=esc(ctx.filters), font=dict(size=14, color="#4A5560"))),
        margin=dict(t=top, b=SOURCE_SHIFT + 52, l=16, r=16),
        meta={"alt": alt, "filename": f"{_slug(ctx.page)}-{_slug(title)}", "title": title, "filters": ctx.filters},
    )
    if height:
        fig.update_layout(height=height)
    fig.add_annotation(
        text=wrap_source(ctx.source), showarrow=False, xref="paper", yref="paper", x=1, y=0, xanchor="right",
        yanchor="top", yshift=-SOURCE_SHIFT, font=dict(size=11, color="#4A5560"), align="right", name="source",
    )
    return fig


def wrap_label(label: str, width: int = 12) -> str:
    """An axis label broken onto short lines so it needs no rotation, escaped."""
    lines = textwrap.wrap(str(label), width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(esc(line) for line in lines) or esc(label)


def empty_figure(title: str, ctx: ChartContext, message: str = "No records match the current filters.") -> go.Figure:
    """A figure that says there is nothing to show, with no empty axes."""
    fig = go.Figure()
    fig.add_annotation(text=esc(message), showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                       font=dict(size=16, color="#4A5560"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, title, ctx, f"{title}: {message}", height=320)


def png_config(fig: go.Figure) -> dict[str, object]:
    """Plotly config for ``st.plotly_chart``: 2× PNG download named after the page and chart."""
    meta = fig.layout.meta or {}
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": meta.get("filename", "chart")},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


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
        short = acr.get(r.name, r.name)
        if expand and short != r.name:
            short = f"{r.name} ({short})"
        if r.kind == "person":
            org = r.affiliation or ""
            short = f"{r.name} ({acr.get(org, org)})" if org else r.name
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
    orgs = schedule.leads.dropna(subset=["organisation"]).groupby("session_id", sort=False)["organisation"].agg(
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
    s = schedule.sessions
    leads = lead_summary(schedule, expand=True)

    def one(r: pd.Series) -> str:
        when = f"{r['date']:%a %-d %b %Y}" if pd.notna(r["date"]) else f"Undated ({esc(r['date_raw'] or 'blank')})"
        parts = [
            f"<b>{esc(r['topic'] or 'Untitled')}</b>",
            f"Date: {when}",
            f"Leads: {esc(leads.get(r['session_id'], 'not stated'))}",
            f"Format: {esc(r['format'] or 'not stated')} · events: {r['event_count']}",
            f"Audiences: {esc(', '.join(r['audiences']) or r['audience_raw'] or 'not stated')}",
            f"Themes: {esc(', '.join(r['themes']) or 'none')}",
            f"Section: {r['section']} · source line {r['source_line']}",
        ]
        return "<br>".join(parts)

    return s.apply(one, axis=1) if len(s) else pd.Series(dtype=object)


def _size(events: pd.Series) -> pd.Series:
    return 13 + 7 * (events.clip(upper=6) - 1)


def timeline_figure(schedule: Schedule, ctx: ChartContext, lane_by: str = "group", weekly: bool = True) -> go.Figure:
    """Records on a date axis, one row per working group or lead (or theme), coloured by format and
    sized by event count; undated records in an "Undated / TBD" panel on the same rows; weekly counts below
    (``weekly=False`` leaves them out, for the compact report).

    Traces: per format, one marker trace of dated records (``name`` = format) and one of undated records
    (``legendgroup`` = format, ``meta`` = "undated"); then the weekly bar trace (``meta`` = "weekly").
    """
    title = "Outreach timeline"
    s = schedule.sessions
    if s.empty:
        return empty_figure(title, ctx)
    lane = lanes(schedule, lane_by).map(esc)
    hover = _hover(schedule)
    order = (pd.DataFrame({"lane": lane, "date": s["date"]}).groupby("lane")["date"].min()
             .sort_values(na_position="last"))
    lane_order = list(order.index)
    if weekly:
        fig = make_subplots(rows=2, cols=2, shared_yaxes=True, column_widths=[0.84, 0.16],
                            row_heights=[0.76, 0.24], horizontal_spacing=0.015, vertical_spacing=0.1,
                            specs=[[{}, {}], [{}, None]])
    else:
        fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.8, 0.2], horizontal_spacing=0.015)
    dated = s["date"].notna()
    undated_rank = s[~dated].groupby(lane[~dated]).cumcount()
    formats = [f for f in FORMAT_COLOURS if f in set(s["format"].fillna("Not stated"))]
    formats += sorted(set(s["format"].fillna("Not stated")) - set(formats))
    fmt = s["format"].fillna("Not stated")
    for f in formats:
        colour = FORMAT_COLOURS.get(f, "#000000")
        for is_dated, col in ((True, 1), (False, 2)):
            m = (fmt == f) & (dated if is_dated else ~dated)
            if not m.any():
                continue
            sym = s.loc[m, "section"].map({"pipeline": "diamond", "schedule": "circle"})
            x = s.loc[m, "date"] if is_dated else undated_rank[m[m].index] + 1
            fig.add_trace(go.Scatter(
                x=x, y=lane[m], mode="markers", name=f, legendgroup=f,
                showlegend=is_dated or not (fmt[dated] == f).any(),
                marker=dict(color=colour, size=_size(s.loc[m, "event_count"]), symbol=sym,
                            line=dict(color="#1A1A1A", width=1), opacity=0.9),
                customdata=s.loc[m, "session_id"], hovertext=hover[m], hoverinfo="text",
                meta="dated" if is_dated else "undated",
            ), row=1, col=col)
    if weekly:
        weeks = weekly_counts(schedule)
        fig.add_trace(go.Bar(x=weeks["week"] + pd.Timedelta(days=3), y=weeks["records"], name="records per week",
                             marker_color="#56B4E9", showlegend=False, meta="weekly",
                             hovertemplate="Week of %{customdata:%-d %b}: %{y} records<extra></extra>",
                             customdata=weeks["week"], width=5 * 86400000), row=2, col=1)
    height = (360 if weekly else 230) + 38 * len(lane_order)
    fig.update_yaxes(categoryorder="array", categoryarray=lane_order[::-1], row=1, col=1, title=None)
    two_weeks = 14 * 86_400_000
    fig.update_xaxes(type="date", tickformat="%-d %b", row=1, col=1, showticklabels=True, dtick=two_weeks,
                     tickangle=0)
    if weekly:
        fig.update_yaxes(title="records<br>per week", row=2, col=1, rangemode="tozero", dtick=1)
        fig.update_xaxes(type="date", tickformat="%-d %b", row=2, col=1, dtick=two_weeks, tickangle=0)
    if dated.any():
        lo, hi = s.loc[dated, "date"].min(), s.loc[dated, "date"].max()
        pad = pd.Timedelta(days=5)
        monday = (lo - pd.Timedelta(days=lo.weekday())).normalize()
        fig.update_xaxes(range=[lo - pad, hi + pad], tick0=monday, row=1, col=1)
        if weekly:
            fig.update_xaxes(range=[lo - pad, hi + pad], tick0=monday, row=2, col=1)
    n_und = int((~dated).sum())
    fig.update_xaxes(range=[0.3, max(2, int(undated_rank.max()) + 1 if n_und else 1) + 0.7], showticklabels=False,
                     showgrid=False, ticks="", row=1, col=2,
                     title=f"{UNDATED}<br>({n_und})")
    key = '<span style="font-size:12px">◆ pipeline item · size = events</span>'
    fig.update_layout(legend=dict(title=f"Format<br>{key}", orientation="v", y=1.0,
                                  yanchor="top", x=1.01, xanchor="left"), hovermode="closest")
    alt = (f"Timeline of {len(s)} records: {int(dated.sum())} dated from {s.loc[dated, 'date'].min():%-d %B} to "
           f"{s.loc[dated, 'date'].max():%-d %B %Y} and {n_und} undated, in {len(lane_order)} rows "
           f"by {'theme' if lane_by == 'theme' else 'working group or lead'}, coloured by format."
           if dated.any() else f"Timeline of {len(s)} records, none of them dated.")
    if not weekly and dated.any():  # compact (report): monthly ticks fit a half-width chart
        first = s.loc[dated, "date"].min().replace(day=1)
        fig.update_xaxes(dtick="M1", tickformat="%B", tick0=first, row=1, col=1)
    return finish(fig, title, ctx, alt, height=height)


# ------------------------------------------------------------------------------------------------ bars

def bar_figure(counts: pd.DataFrame, title: str, ctx: ChartContext, measure: str = "records",
               colours: Mapping[str, str] | None = None, hover_names: Mapping[str, str] | None = None,
               value_label: str | None = None) -> go.Figure:
    """Horizontal bars of ``counts`` (columns value, count), largest on top, with the count at each bar.

    ``hover_names`` expands short labels (acronyms) on hover.
    """
    if counts.empty:
        return empty_figure(title, ctx)
    values = counts["value"].astype(str)
    colour = [(colours or {}).get(v, "#0072B2") for v in values]
    hover = [f"<b>{esc((hover_names or {}).get(v, v))}</b><br>{c} {measure}"
             for v, c in zip(values, counts["count"], strict=True)]
    fig = go.Figure(go.Bar(
        x=counts["count"], y=values.map(esc), orientation="h", marker_color=colour, text=counts["count"],
        textposition="outside", cliponaxis=False, hovertext=hover, hoverinfo="text",
    ))
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title=value_label or f"number of {measure}", rangemode="tozero",
                     range=[0, counts["count"].max() * 1.15 + 0.5], dtick=max(1, int(counts["count"].max() // 6)))
    top = counts.iloc[0]
    alt = (f"{title}: {len(counts)} categories; largest is {top['value']} with {top['count']} {measure}; "
           + "; ".join(f"{v}: {c}" for v, c in zip(counts["value"], counts["count"], strict=True)) + ".")
    return finish(fig, title, ctx, alt, height=max(320, 200 + 34 * len(counts)))


def breakdown_figure(schedule: Schedule, dimension: str, ctx: ChartContext, measure: str = "records") -> go.Figure:
    """A :func:`bar_figure` of :func:`~analysis.aggregate.count_by` for a dimension, titled and coloured."""
    titles = {
        "format": "By format", "audience": "By audience", "working_group": "By working group",
        "org_type": "By lead organisation type", "organisation": "By lead organisation",
        "theme": "By theme", "gcm_objective": "By GCM objective",
    }
    counts = count_by(schedule, dimension, measure)
    ref = schedule.reference
    hover: dict[str, str] = {}
    colours: Mapping[str, str] | None = None
    if dimension == "format":
        colours = FORMAT_COLOURS
    elif dimension == "org_type":
        colours = ORG_TYPE_COLOURS
    elif dimension == "organisation":
        acr = _acronyms(schedule)
        hover = {acr.get(v, v): v for v in counts["value"]}
        colours = {acr.get(o.name, o.name): ORG_TYPE_COLOURS.get(o.kind_label, "#999999")
                   for o in ref.organisations.values()}
        counts = counts.assign(value=counts["value"].map(lambda v: acr.get(v, v)))
    elif dimension == "working_group":
        hover = {k: f"{k}: {wg.title}" for k, wg in ref.working_groups.items()}
    elif dimension == "gcm_objective":
        hover = {f"Objective {k}": f"Objective {k}: {t}" for k, t in ref.gcm_objectives.items()}
    title = f"{titles.get(dimension, dimension)} ({measure})"
    return bar_figure(counts, title, ctx, measure, colours=colours, hover_names=hover)


def heatmap_figure(grid: pd.DataFrame, ctx: ChartContext, measure: str = "records") -> go.Figure:
    """Format × audience heatmap; empty cells are marked "gap" (a combination never used)."""
    title = f"Format × audience coverage ({measure})"
    if grid.empty or grid.to_numpy().sum() == 0:
        return empty_figure(title, ctx)
    z = grid.to_numpy()
    text = [[str(v) if v else "gap" for v in row] for row in z]
    zmasked = [[v if v else None for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=zmasked, x=[wrap_label(c) for c in grid.columns], y=[esc(i) for i in grid.index], text=text,
        texttemplate="%{text}", textfont=dict(size=14), colorscale=SEQUENTIAL, zmin=0, xgap=3, ygap=3,
        hovertemplate="%{y} × %{x}: %{text}<extra></extra>", colorbar=dict(title=measure, thickness=14),
    ))
    fig.update_layout(plot_bgcolor="#F4F4F4")
    fig.update_xaxes(side="bottom", tickangle=0, title="audience", showgrid=False)
    fig.update_yaxes(autorange="reversed", title="format", showgrid=False)
    gaps = int((z == 0).sum())
    alt = (f"Heatmap of {len(grid.index)} formats by {len(grid.columns)} audiences; {gaps} of {z.size} "
           f"combinations are never used (marked gap).")
    return finish(fig, title, ctx, alt, height=max(380, 230 + 48 * len(grid.index)))


# ------------------------------------------------------------------------------------------------ network

def network_figure(g: nx.Graph, pos: Mapping[str, tuple[float, float]], ctx: ChartContext,
                   names: Mapping[str, str] | None = None) -> go.Figure:
    """The co-lead network: edges as lines (width by weight), nodes sized by records led and coloured by
    organisation type; node ``customdata`` is the node id, so a click can list its records.

    Traces: one edge trace per distinct weight (``meta`` = "edges", ``hoverinfo`` = "skip"), then one
    node trace per organisation type (``meta`` = "nodes").
    """
    title = "Co-lead organisation network"
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
                                 line=dict(width=1.2 + 2.2 * (w - 1), color="#7B8794",
                                           dash="dot" if rel == "affiliation" else "solid"),
                                 name=f"{rel} ×{w}"))
    types = sorted({d["org_type"] for _, d in g.nodes(data=True)},
                   key=lambda t: list(ORG_TYPE_COLOURS).index(t) if t in ORG_TYPE_COLOURS else 99)
    for t in types:
        nodes = [n for n, d in g.nodes(data=True) if d["org_type"] == t]
        recs = [g.nodes[n]["records"] for n in nodes]
        hover = []
        for n in nodes:
            d = g.nodes[n]
            partners = ", ".join(sorted(g.nodes[m]["label"] for m in g.neighbors(n))) or "none"
            extra = f"<br>Organisation: {esc(d['affiliation'])}" if d.get("affiliation") else ""
            hover.append(f"<b>{esc((names or {}).get(n, n))}</b><br>{esc(t)}{extra}<br>Records led: {d['records']}"
                         f"<br>Co-leads: {esc(partners)}<br><i>Click to list its records</i>")
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers+text", name=t,
            text=[esc(g.nodes[n]["label"]) for n in nodes], textposition="top center",
            textfont=dict(size=13), customdata=nodes, hovertext=hover, hoverinfo="text", meta="nodes",
            marker=dict(size=[12 + 7 * min(r, 6) for r in recs], color=ORG_TYPE_COLOURS.get(t, "#999999"),
                        line=dict(color="#1A1A1A", width=1.2), symbol="square" if t == PERSON_TYPE else "circle"),
        ))
    fig.update_xaxes(visible=False)
    # Equal scales: the layout's distances are drawn as computed, never squashed by the figure's shape.
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(legend=dict(title="Organisation type", orientation="h", y=1.0, yanchor="bottom", x=0),
                      hovermode="closest", clickmode="event+select", dragmode="pan")
    isolated = [g.nodes[n]["label"] for n in nx.isolates(g)]
    comps = nx.number_connected_components(g)
    alt = (f"Network of {g.number_of_nodes()} leads and {g.number_of_edges()} co-lead links in {comps} groups; "
           f"node size shows records led. Leads with no co-lead: {', '.join(isolated) or 'none'}.")
    fig = finish(fig, title, ctx, alt, height=640)
    fig.update_layout(margin=dict(t=130))
    return fig


# ------------------------------------------------------------------------------------------------ gaps

def completeness_figure(comp: pd.DataFrame, fields: Sequence[str], ctx: ChartContext) -> go.Figure:
    """Record × field matrix coloured present / TBD / missing (a categorical heatmap)."""
    title = "Completeness of records"
    if comp.empty:
        return empty_figure(title, ctx)
    states = [TBD_STATE, "missing", PRESENT]
    code = {s: i for i, s in enumerate(states)}
    z = [[code[v] for v in row] for row in comp[list(fields)].to_numpy()]
    n = len(states)
    scale = []
    for i, s in enumerate(states):
        scale += [[i / n, STATE_COLOURS[s]], [(i + 1) / n, STATE_COLOURS[s]]]
    # The line number keeps rows apart: several pipeline rows share the label "Undated · TBD".
    labels = [f"{esc(lbl[:44])}{'…' if len(lbl) > 44 else ''} · line {line}"
              for lbl, line in zip(comp["label"], comp["source_line"], strict=True)]
    symbols = {PRESENT: "✓", TBD_STATE: "TBD", "missing": "✗"}
    fig = go.Figure(go.Heatmap(
        z=z, x=list(fields), y=labels, zmin=-0.5, zmax=n - 0.5, colorscale=scale, xgap=2, ygap=2,
        text=[[symbols[v] for v in row] for row in comp[list(fields)].to_numpy()], texttemplate="%{text}",
        customdata=[[v for v in row] for row in comp[list(fields)].to_numpy()],
        hovertemplate="%{y}<br>%{x}: %{customdata}<extra></extra>",
        colorbar=dict(tickvals=list(range(n)), ticktext=states, title="field", thickness=14),
    ))
    fig.update_yaxes(autorange="reversed", title=None, showgrid=False)
    fig.update_xaxes(side="top", title=None, showgrid=False)
    full = int((comp["n_missing"] == 0).sum())
    alt = (f"Completeness of {len(comp)} records across {len(fields)} fields: {full} complete; the least "
           f"complete, {comp.iloc[0]['label']}, lacks {comp.iloc[0]['n_missing']} fields.")
    return finish(fig, title, ctx, alt, height=max(360, 220 + 30 * len(comp)))
