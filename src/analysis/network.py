"""The co-lead network: organisations linked when they co-led at least one record.

Nodes are organisations (people folded into their organisation), or, with ``people_as_nodes``, people
as their own nodes linked to their organisation. Edge weight = number of records co-led. Isolated
leads stay in the graph. The layout is seeded, so every run draws the same picture.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import networkx as nx
import numpy as np
import pandas as pd

from .schedule import Schedule

PERSON_TYPE = "Person"
HUB_TYPE = "Record with many leads"
"""``org_type`` of the record node that stands for a record with more than :data:`MAX_CLIQUE_LEADS` leads."""
MAX_CLIQUE_LEADS = 50
"""A record naming more leads than this is drawn as a hub (a star through a node for the record), not as
a clique: a clique of n leads has n(n-1)/2 edges, so one record of 10,000 names would need 50 million."""
NO_WG = "No working group"
SEVERAL_WGS = "Several working groups"
BETWEENNESS_SAMPLE = 300
"""Above this many nodes, betweenness is estimated from a seeded sample of source nodes (bounded time)."""
BETWEENNESS_SOURCES = 100
"""The most sampled source nodes for graphs above :data:`BETWEENNESS_SAMPLE` nodes."""
BETWEENNESS_BUDGET = 200_000
"""Node and edge visits allowed for sampled betweenness: each source costs one pass over the graph, so a
graph of 10,000 nodes gets 10 sources (about a second here), one of 1,000 organisations about 60."""


def _main_wg(wgs: Sequence[str]) -> str:
    if not wgs:
        return NO_WG
    return wgs[0] if len(wgs) == 1 else SEVERAL_WGS


def build_graph(schedule: Schedule, people_as_nodes: bool = False) -> nx.Graph:
    """Build the co-lead graph.

    Node attributes: ``label`` (acronym or name), ``org_type``, ``kind`` ("organisation" | "person" |
    "record"), ``records`` (number of records led), ``sessions`` (their ids, in source order),
    ``affiliation`` for people, ``working_groups`` (sorted tuple of the working groups of its records)
    and ``working_group`` (that group, :data:`SEVERAL_WGS` or :data:`NO_WG`). Edge attributes:
    ``weight`` (records co-led), ``sessions``, ``relation`` ("co-lead", "affiliation" or "hub").

    A record with more than :data:`MAX_CLIQUE_LEADS` distinct leads is not turned into a clique: it
    becomes a node of its own (``kind`` "record", ``org_type`` :data:`HUB_TYPE`, id "record:<session_id>")
    linked once to each of its leads (``relation`` "hub"). Such records are listed in
    ``g.graph["hubs"]`` (dicts with session_id, label, leads, source_line) so a page can report them.
    ``g.graph["hubs"]`` is always present (an empty list when there are none).
    """
    ref = schedule.reference
    g = nx.Graph()
    g.graph["hubs"] = []
    leads = schedule.leads
    if not people_as_nodes:
        leads = leads.assign(node=leads["organisation"].fillna(leads["name"]))
    else:
        leads = leads.assign(node=leads["name"])
    leads = leads.dropna(subset=["node"]).drop_duplicates(["session_id", "node"])
    s = schedule.sessions
    order = {sid: i for i, sid in enumerate(s["session_id"])}
    wg_of = {sid: wg for sid, wg in zip(s["session_id"], s["working_group"], strict=True) if isinstance(wg, str)}
    orgs = ref.organisations
    for row in leads.itertuples(index=False):
        node = row.node
        is_person = people_as_nodes and row.kind == "person"
        if node not in g:
            org = orgs.get(node)
            g.add_node(
                node,
                label=(node if is_person else (org.acronym if org else node)),
                org_type=PERSON_TYPE if is_person else (row.org_type if isinstance(row.org_type, str) else "Unknown"),
                kind="person" if is_person else "organisation",
                affiliation=row.affiliation if is_person and isinstance(row.affiliation, str) else None,
                sessions=[],
            )
        g.nodes[node]["sessions"].append(row.session_id)
    for _node, data in g.nodes(data=True):
        data["sessions"] = sorted(set(data["sessions"]), key=lambda sid: order.get(sid, 0))
        data["records"] = len(data["sessions"])
        data["working_groups"] = tuple(sorted({wg_of[sid] for sid in data["sessions"] if sid in wg_of},
                                              key=lambda w: (len(w), w)))
        data["working_group"] = _main_wg(data["working_groups"])
    labels = dict(zip(s["session_id"], s["label"], strict=True))
    lines = dict(zip(s["session_id"], s["source_line"], strict=True))
    for sid, nodes in leads.groupby("session_id", sort=False)["node"]:
        members = sorted(set(nodes))
        if len(members) > MAX_CLIQUE_LEADS:
            hub = f"record:{sid}"
            label = str(labels.get(sid, sid))
            wgs = (wg_of[sid],) if sid in wg_of else ()
            g.add_node(hub, label=label if len(label) <= 40 else label[:39] + "…", org_type=HUB_TYPE, kind="record",
                       affiliation=None, sessions=[sid], records=1, working_groups=wgs, working_group=_main_wg(wgs))
            g.add_edges_from((hub, m, {"weight": 1, "sessions": [sid], "relation": "hub"}) for m in members)
            g.graph["hubs"].append({"session_id": sid, "label": label, "leads": len(members),
                                    "source_line": int(lines.get(sid, 0))})
            continue
        for a, b in combinations(members, 2):
            if g.has_edge(a, b):
                g[a][b]["weight"] += 1
                g[a][b]["sessions"].append(sid)
            else:
                g.add_edge(a, b, weight=1, sessions=[sid], relation="co-lead")
    if people_as_nodes:
        for node, data in list(g.nodes(data=True)):
            org = data.get("affiliation")
            if data["kind"] == "person" and org:
                if org not in g:
                    o = orgs.get(org)
                    g.add_node(org, label=o.acronym if o else org, org_type=o.kind_label if o else "Unknown",
                               kind="organisation", affiliation=None, sessions=[], records=0,
                               working_groups=(), working_group=NO_WG)
                if not g.has_edge(node, org):
                    g.add_edge(node, org, weight=1, sessions=[], relation="affiliation")
    return g


def hub_records(g: nx.Graph) -> pd.DataFrame:
    """The records drawn as hubs because they name more than :data:`MAX_CLIQUE_LEADS` leads.

    Columns: session_id, label, leads (distinct leads named), source_line; empty when there are none.
    """
    cols = ["session_id", "label", "leads", "source_line"]
    return pd.DataFrame(g.graph.get("hubs", []), columns=cols)


def edge_table(g: nx.Graph) -> pd.DataFrame:
    """The edge list for Gephi or a spreadsheet: one row per link, strongest first.

    Columns: ``source`` and ``target`` (node ids: canonical names), ``source_label`` and
    ``target_label`` (acronyms), ``weight`` (records co-led), ``relation`` ("co-lead", "affiliation",
    "hub") and ``records`` (the session ids, "; "-joined). Text only, never "nan".
    """
    cols = ["source", "target", "source_label", "target_label", "weight", "relation", "records"]
    rows = []
    for a, b, d in g.edges(data=True):
        a, b = sorted((a, b))
        rows.append({"source": a, "target": b, "source_label": str(g.nodes[a].get("label", a)),
                     "target_label": str(g.nodes[b].get("label", b)), "weight": int(d.get("weight", 1)),
                     "relation": str(d.get("relation", "co-lead")), "records": "; ".join(d.get("sessions", []))})
    out = pd.DataFrame(rows, columns=cols)
    out["weight"] = out["weight"].astype("int64")
    return out.sort_values(["weight", "source", "target"], ascending=[False, True, True],
                           kind="stable").reset_index(drop=True)


def graphml_bytes(g: nx.Graph) -> bytes:
    """The graph as GraphML (UTF-8, via :func:`networkx.write_graphml`) for Gephi and similar tools.

    Lists and tuples (sessions, working groups) are written as "; "-joined text and missing values as
    "", since GraphML holds only scalars. Does not mutate ``g``.
    """
    h = nx.Graph()
    h.graph.update({"hubs": len(g.graph.get("hubs", []))})

    def clean(d: Mapping[str, object]) -> dict[str, object]:
        out: dict[str, object] = {}
        for k, v in d.items():
            if isinstance(v, list | tuple | set):
                out[k] = "; ".join(str(x) for x in v)
            elif v is None or (isinstance(v, float) and math.isnan(v)):
                out[k] = ""
            elif isinstance(v, bool | int | float | str):
                out[k] = v
            else:
                out[k] = str(v)
        return out

    for n, d in g.nodes(data=True):
        h.add_node(n, **clean(d))
    for a, b, d in g.edges(data=True):
        h.add_edge(a, b, **clean(d))
    buf = io.BytesIO()
    nx.write_graphml(h, buf, encoding="utf-8")
    return buf.getvalue()


LARGE_GROUP = 150
"""Connected groups above this many nodes get the vectorised force layout (:func:`_force_layout`)."""
HUGE_GROUP = 2000
"""Connected groups above this many nodes are placed on a circle: a force layout needs n² memory."""


def _force_layout(adjacency: np.ndarray, seed: int, iterations: int = 40) -> np.ndarray:
    """Fruchterman–Reingold in numpy for one connected group: (n, 2) positions in about [-1, 1].

    Every iteration moves each node by the sum of repulsion from all nodes (k²/d) and attraction along its
    edges (d²/k), capped by a temperature that cools linearly; seeded start positions make it reproducible.
    """
    n = adjacency.shape[0]
    rng = np.random.default_rng(seed)
    x, y = rng.random(n, dtype=np.float32), rng.random(n, dtype=np.float32)
    k = np.float32(1.0 / n**0.5)
    temperature = 0.1
    step = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        dist = np.hypot(dx, dy)
        np.maximum(dist, 0.01, out=dist)
        force = k * k / (dist * dist) - adjacency * (dist / k)
        mx = (dx * force).sum(axis=1)
        my = (dy * force).sum(axis=1)
        length = np.hypot(mx, my)
        length[length < 0.01] = 0.1
        x += mx * (temperature / length)
        y += my * (temperature / length)
        temperature -= step
    pos = np.column_stack([x - x.mean(), y - y.mean()])
    span = float(np.abs(pos).max()) or 1.0
    return pos / span


def _component_layout(sub: nx.Graph, nodes: list[str], seed: int) -> Mapping[str, Sequence[float]]:
    """Positions in about [-1, 1] for one connected group of three or more nodes (sorted ``nodes``)."""
    if len(nodes) <= LARGE_GROUP:
        return nx.spring_layout(sub, seed=seed, weight=None, iterations=300, k=2.0 / len(nodes) ** 0.5)
    if len(nodes) > HUGE_GROUP:
        return nx.circular_layout(nodes)
    adjacency = nx.to_numpy_array(sub, nodelist=nodes, weight=None, dtype=np.float32)
    pos = _force_layout(adjacency, seed)
    return {n: (float(x), float(y)) for n, (x, y) in zip(nodes, pos, strict=True)}


def layout(g: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Seeded layout: each connected group laid out on its own (spring layout), groups packed in rows,
    largest first. The same graph and seed always give the same positions, so screenshots are reproducible.
    """
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    row_width = max(14.0, 2.5 * g.number_of_nodes() ** 0.5)
    for comp in comps:
        # A fresh graph in sorted order: subgraph views iterate a set, whose order changes between processes,
        # and the spring layout's seeded start positions follow node order.
        sub = nx.Graph()
        sub.add_nodes_from(comp)
        sub.add_edges_from(sorted(tuple(sorted(e)) for e in g.subgraph(comp).edges))
        size = 0.8 * len(comp) ** 0.5 if len(comp) > 1 else 0.0
        if len(comp) == 1:
            local = {comp[0]: (0.0, 0.0)}
        elif len(comp) == 2:
            local = {comp[0]: (-0.5, 0.0), comp[1]: (0.5, 0.0)}
        else:
            raw = _component_layout(sub, comp, seed)
            local = {n: (float(p[0]) * size, float(p[1]) * size) for n, p in raw.items()}
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        x_lo, x_hi, y_hi = min(xs), max(xs), max(ys)
        # Room for the widest label: about 0.075 layout units per character at the default size.
        longest = max(len(str(g.nodes[n].get("label", n))) for n in comp)
        width = x_hi - x_lo + max(1.1, 0.075 * longest + 0.3)
        height = y_hi - min(ys) + 0.7
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y - row_height, 0.0
        dx = x - x_lo + width / 2 - (x_hi - x_lo) / 2  # computed once: per node it made layout quadratic
        dy = y - y_hi - 0.35
        for n, (px, py) in local.items():
            pos[n] = (px + dx, py + dy)
        x += width
        row_height = max(row_height, height)
    return pos


def centrality(g: nx.Graph) -> pd.DataFrame:
    """Degree, weighted degree and betweenness per node, with ``bridge`` for articulation points.

    A bridge organisation is one whose removal splits its part of the network: it is the only link
    between groups of co-leads. Columns: node, label, org_type, working_group (the node's working
    group, "Several working groups" or "No working group"), working_groups ("WG2, WG5"; "" when none),
    records, partners, co_led_records, betweenness (normalised, 0–1, rounded to 3 places; estimated
    from at most :data:`BETWEENNESS_SOURCES` seeded sources, within :data:`BETWEENNESS_BUDGET`, above
    :data:`BETWEENNESS_SAMPLE` nodes), betweenness_of_max (the
    betweenness divided by the largest one, 0–1; all 0 when no node lies between others: use it, or
    ``max_value=table["betweenness"].max()``, to scale bars to the maximum) and bridge. Sorted by
    betweenness, then records led.
    """
    cols = ["node", "label", "org_type", "working_group", "working_groups", "records", "partners", "co_led_records",
            "betweenness", "betweenness_of_max", "bridge"]
    if g.number_of_nodes() == 0:
        return pd.DataFrame(columns=cols)
    n = g.number_of_nodes()
    per_source = n + g.number_of_edges()
    k = max(8, min(BETWEENNESS_SOURCES, BETWEENNESS_BUDGET // per_source)) if n > BETWEENNESS_SAMPLE else None
    between = nx.betweenness_centrality(g, k=k, normalized=True, seed=0 if k else None)
    top = max(between.values())
    bridges = set(nx.articulation_points(g))
    rows = [{
        "node": n,
        "label": d["label"],
        "org_type": d["org_type"],
        "working_group": d.get("working_group", NO_WG),
        "working_groups": ", ".join(d.get("working_groups", ())),
        "records": d["records"],
        "partners": g.degree(n),
        "co_led_records": int(sum(w for _, _, w in g.edges(n, data="weight"))),
        "betweenness": round(between[n], 3),
        "betweenness_of_max": round(between[n] / top, 3) if top > 0 else 0.0,
        "bridge": n in bridges,
    } for n, d in g.nodes(data=True)]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["betweenness", "records", "node"], ascending=[False, False, True],
                           kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------------------ labels

ARIAL_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667,
    556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556,
    556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722,
    500, 500, 500, 334, 260, 334, 584,
)
"""Advance widths of printable ASCII (32–126) in Arial / Helvetica / Liberation Sans, in thousandths of an em.
The charts' labels fall back to these fonts (Source Sans Pro is seldom installed), and Segoe UI and Source Sans
are no wider; a label's box is as wide as its letters, so "OHCHR" is wider than "IHEID"."""
WIDE_EM = 1.0
"""Width of an East Asian wide or full-width character."""
OTHER_EM = 0.78
"""Width of any other character not in :data:`ARIAL_WIDTHS` and not a letter with an ASCII base (as wide as the
widest capitals)."""
LINE_HEIGHT_EM = 1.25
LABEL_POSITIONS = ("top center", "bottom center", "middle right", "middle left")
FORCE_LABELS = 5
"""The best-connected nodes whose label may cross another node's marker when it fits nowhere else."""


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in pixels (y upwards)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, pad: float = 0.0) -> bool:
        """True when the boxes, each grown by ``pad`` pixels, intersect."""
        return not (self.x1 + pad <= other.x0 - pad or other.x1 + pad <= self.x0 - pad
                    or self.y1 + pad <= other.y0 - pad or other.y1 + pad <= self.y0 - pad)


def text_width_em(text: str) -> float:
    """Estimated width of ``text`` in ems: the sum of its characters' :data:`ARIAL_WIDTHS`; an accented letter
    counts as its base letter (é as e), an East Asian wide character as :data:`WIDE_EM`, anything else as
    :data:`OTHER_EM`."""
    total = 0.0
    for ch in text:
        code = ord(ch) if ord(ch) < 127 else ord(unicodedata.normalize("NFD", ch)[0])
        if 32 <= code < 127:
            total += ARIAL_WIDTHS[code - 32] / 1000
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            total += WIDE_EM
        else:
            total += OTHER_EM
    return total


def label_box(x: float, y: float, text: str, position: str, font_size: float, marker_size: float) -> Box:
    """The estimated pixel box of a marker's text label, as Plotly places it for ``position``.

    ``x``, ``y``: the marker centre in pixels; width = :func:`text_width_em` × font size,
    height = :data:`LINE_HEIGHT_EM` × font size; the label sits beside the marker (radius
    ``marker_size``/2) on the side ``position`` names.
    """
    w = text_width_em(text) * font_size
    h = LINE_HEIGHT_EM * font_size
    r = marker_size / 2 + 1
    if position == "top center":
        return Box(x - w / 2, y + r, x + w / 2, y + r + h)
    if position == "bottom center":
        return Box(x - w / 2, y - r - h, x + w / 2, y - r)
    if position == "middle right":
        return Box(x + r, y - h / 2, x + r + w, y + h / 2)
    if position == "middle left":
        return Box(x - r - w, y - h / 2, x - r, y + h / 2)
    raise ValueError(f"unknown label position {position!r}")


def _axis_extent(pos: Mapping[str, tuple[float, float]], pad: float) -> tuple[float, float, float, float]:
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    return min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad


def data_scale(pos: Mapping[str, tuple[float, float]], width_px: float, height_px: float,
               pad: float = 0.6) -> tuple[tuple[float, float], tuple[float, float], float]:
    """(x range, y range, pixels per layout unit) when ``pos`` is drawn with equal scales in a plot area of
    ``width_px`` × ``height_px``, each range padded by ``pad`` units; the ranges are widened to fill the
    area, as Plotly does for ``scaleanchor`` axes."""
    x0, x1, y0, y1 = _axis_extent(pos, pad)
    scale = min(width_px / (x1 - x0), height_px / (y1 - y0))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w, half_h = width_px / scale / 2, height_px / scale / 2
    return (cx - half_w, cx + half_w), (cy - half_h, cy + half_h), scale


@dataclass(frozen=True)
class _Anchored:
    """A box that moves with a node: the node's layout position and the box's fixed offsets in pixels from
    the node's centre. At ``s`` pixels per layout unit it covers [s·x + ox0, s·x + ox1] × [s·y + oy0, s·y + oy1]
    (up to a translation common to every box)."""

    x: float
    y: float
    off: Box

    def at(self, s: float, dx: float = 0.0, dy: float = 0.0) -> Box:
        return Box(s * self.x + self.off.x0 + dx, s * self.y + self.off.y0 + dy,
                   s * self.x + self.off.x1 + dx, s * self.y + self.off.y1 + dy)


def _clash(a: _Anchored, b: _Anchored, gap: float, s_lo: float, s_hi: float) -> bool:
    """True when ``a`` and ``b``, kept ``gap`` px apart, overlap at some scale in [s_lo, s_hi].

    Along each axis the two sides' separation is linear in the scale, so each of the four "overlapping"
    conditions (k·s < c) bounds s on one side; the boxes clash when the bounds leave an interval.
    """
    lo, hi = s_lo, s_hi
    conditions = ((a.x - b.x, b.off.x1 - a.off.x0 + gap), (b.x - a.x, a.off.x1 - b.off.x0 + gap),
                  (a.y - b.y, b.off.y1 - a.off.y0 + gap), (b.y - a.y, a.off.y1 - b.off.y0 + gap))
    for k, c in conditions:
        if k > 0:
            hi = min(hi, c / k)
        elif k < 0:
            lo = max(lo, c / k)
        elif c <= 0:
            return False
    if lo > hi:
        return False
    mid = (lo + hi) / 2
    return all(k * mid < c for k, c in conditions)


def place_labels(g: nx.Graph, pos: Mapping[str, tuple[float, float]], *, width_px: float, height_px: float,
                 font_size: float, marker_sizes: Mapping[str, float], max_labels: int = 30,
                 spacing_px: float = 8.0, max_width_px: float | None = None, pad: float = 0.6) -> dict[str, str]:
    """Choose which nodes get a text label, and where, so that no two labels overlap at any plot width.

    The chart is assumed drawn with axis ranges set to the layout's extent padded by ``pad`` units and equal
    scales (Plotly then widens one range to fill the area), in a plot area ``height_px`` high and from
    ``width_px`` (the narrowest it is drawn at) to ``max_width_px`` wide (no limit when None). Over that span
    the scale (pixels per layout unit) runs from :func:`data_scale`'s at ``width_px`` up to the one at which
    the height limits it; labels keep their pixel size while markers spread apart. A label is accepted only
    when, at *every* scale in that range, its box keeps ``spacing_px`` from every label already placed and
    1 px from every other marker, and stays inside the plot area (checked exactly: see :func:`_clash`).

    The most connected nodes come first (betweenness up to :data:`BETWEENNESS_SAMPLE` nodes, then partners,
    then records led); each tries :data:`LABEL_POSITIONS` in turn and takes the first that fits. The first
    :data:`FORCE_LABELS` may cross another node's marker when nothing else fits; labels never overlap each
    other. At most ``max_labels`` nodes are labelled; the rest show their name on hover. Returns node →
    Plotly ``textposition``.
    """
    if g.number_of_nodes() == 0:
        return {}
    x0, x1, y0, y1 = _axis_extent(pos, pad)
    xspan, yspan = x1 - x0, y1 - y0
    s_lo = min(width_px / xspan, height_px / yspan)
    s_hi = height_px / yspan
    if max_width_px is not None:
        s_hi = min(s_hi, max_width_px / xspan)
    s_hi = max(s_hi, s_lo)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    # Scales at which the inside-the-area check is made: the ends, and where the width stops limiting the
    # scale (between them every box edge moves linearly, so the ends of each piece suffice).
    s_knee = width_px / xspan
    checks = sorted({s_lo, s_hi} | ({s_knee} if s_lo < s_knee < s_hi else set()))

    def inside(a: _Anchored) -> bool:
        for s in checks:
            w = max(width_px, s * xspan)
            b = a.at(s, w / 2 - s * cx, height_px / 2 - s * cy)
            if b.x0 < 0 or b.y0 < 0 or b.x1 > w or b.y1 > height_px:
                return False
        return True

    n_nodes = g.number_of_nodes()
    # Betweenness ranks the bridges first; above BETWEENNESS_SAMPLE nodes only a few labels fit anyway, and
    # the number of partners ranks them well enough at a fraction of the cost.
    between = (nx.betweenness_centrality(g) if 2 < n_nodes <= BETWEENNESS_SAMPLE
               else dict.fromkeys(g.nodes, 0.0))
    ranked = sorted(g.nodes, key=lambda n: (-between.get(n, 0.0), -g.degree(n), -g.nodes[n].get("records", 0),
                                            str(g.nodes[n].get("label", n))))
    markers = {}
    for n in g.nodes:
        r = marker_sizes.get(n, 10) / 2
        markers[n] = _Anchored(pos[n][0], pos[n][1], Box(-r, -r, r, r))
    # Only markers near a candidate matter: a grid in layout units, each marker entered with its extent at
    # the smallest scale (where it is largest in layout units), keeps the check cheap for 1,000 nodes.
    cell = 80.0 / s_lo
    grid: dict[tuple[int, int], list[str]] = {}
    for n, m in markers.items():
        r = m.off.x1 / s_lo
        for i in range(int((m.x - r) // cell), int((m.x + r) // cell) + 1):
            for j in range(int((m.y - r) // cell), int((m.y + r) // cell) + 1):
                grid.setdefault((i, j), []).append(n)
    placed: list[_Anchored] = []
    out: dict[str, str] = {}

    def fits(box: _Anchored, n: str, over_markers: bool) -> bool:
        if not inside(box):
            return False
        if any(_clash(box, p, spacing_px, s_lo, s_hi) for p in placed):
            return False
        if over_markers:
            return True
        reach = 2.0 / s_lo
        bx0 = box.x + min(box.off.x0 / s_lo, box.off.x0 / s_hi) - reach
        bx1 = box.x + max(box.off.x1 / s_lo, box.off.x1 / s_hi) + reach
        by0 = box.y + min(box.off.y0 / s_lo, box.off.y0 / s_hi) - reach
        by1 = box.y + max(box.off.y1 / s_lo, box.off.y1 / s_hi) + reach
        near = {m for i in range(int(bx0 // cell), int(bx1 // cell) + 1)
                for j in range(int(by0 // cell), int(by1 // cell) + 1) for m in grid.get((i, j), ())}
        return not any(m != n and _clash(box, markers[m], 1.0, s_lo, s_hi) for m in near)

    for rank, n in enumerate(ranked[: max(max_labels * 4, max_labels)]):
        if len(out) >= max_labels:
            break
        text = str(g.nodes[n].get("label", n))
        boxes = [(position, _Anchored(pos[n][0], pos[n][1],
                                      label_box(0.0, 0.0, text, position, font_size, marker_sizes.get(n, 10))))
                 for position in LABEL_POSITIONS]
        # The best-connected few are labelled even if the label must cross another marker; never another label.
        passes = (False, True) if rank < FORCE_LABELS else (False,)
        for over_markers in passes:
            chosen = next((pb for pb in boxes if fits(pb[1], n, over_markers)), None)
            if chosen is not None:
                placed.append(chosen[1])
                out[n] = chosen[0]
                break
    return out


def node_records(g: nx.Graph, node: str, schedule: Schedule) -> pd.DataFrame:
    """The records a node led (date, topic, format, section), in source order; empty when unknown."""
    cols = ["date", "topic", "format", "section", "source_line"]
    if node not in g:
        return pd.DataFrame(columns=cols)
    ids = g.nodes[node]["sessions"]
    s = schedule.sessions
    out = s[s["session_id"].isin(ids)].sort_values("source_line")
    out = out.assign(date=out["date"].dt.strftime("%-d %b %Y").fillna("Undated"))
    return out[cols].reset_index(drop=True)
