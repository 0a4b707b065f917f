"""The co-lead network: organisations linked when they co-led at least one record.

Nodes are organisations (people folded into their organisation), or, with ``people_as_nodes``, people
as their own nodes linked to their organisation. Edge weight = number of records co-led. Isolated
leads stay in the graph. The layout is seeded, so every run draws the same picture.
"""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import pandas as pd

from .schedule import Schedule

PERSON_TYPE = "Person"


def build_graph(schedule: Schedule, people_as_nodes: bool = False) -> nx.Graph:
    """Build the co-lead graph.

    Node attributes: ``label`` (acronym or name), ``org_type``, ``kind`` ("organisation" | "person"),
    ``records`` (number of records led), ``sessions`` (their ids, in source order), ``affiliation`` for
    people. Edge attributes: ``weight`` (records co-led), ``sessions``, ``relation`` ("co-lead" or
    "affiliation").
    """
    ref = schedule.reference
    g = nx.Graph()
    leads = schedule.leads
    if not people_as_nodes:
        leads = leads.assign(node=leads["organisation"].fillna(leads["name"]))
    else:
        leads = leads.assign(node=leads["name"])
    leads = leads.drop_duplicates(["session_id", "node"])
    order = {sid: i for i, sid in enumerate(schedule.sessions["session_id"])}
    for row in leads.itertuples(index=False):
        node = row.node
        is_person = people_as_nodes and row.kind == "person"
        if node not in g:
            org = ref.organisations.get(node)
            g.add_node(
                node,
                label=(node if is_person else (org.acronym if org else node)),
                org_type=PERSON_TYPE if is_person else (row.org_type or "Unknown"),
                kind="person" if is_person else "organisation",
                affiliation=row.affiliation if is_person else None,
                sessions=[],
            )
        g.nodes[node]["sessions"].append(row.session_id)
    for _node, data in g.nodes(data=True):
        data["sessions"] = sorted(set(data["sessions"]), key=lambda s: order.get(s, 0))
        data["records"] = len(data["sessions"])
    for sid, group in leads.groupby("session_id", sort=False):
        for a, b in combinations(sorted(set(group["node"])), 2):
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
                    o = ref.organisations.get(org)
                    g.add_node(org, label=o.acronym if o else org, org_type=o.kind_label if o else "Unknown",
                               kind="organisation", affiliation=None, sessions=[], records=0)
                if not g.has_edge(node, org):
                    g.add_edge(node, org, weight=1, sessions=[], relation="affiliation")
    return g


def layout(g: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Seeded layout: each connected group laid out on its own (spring layout), groups packed in rows,
    largest first. The same graph and seed always give the same positions, so screenshots are reproducible.
    """
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    row_width = 14.0
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
            raw = nx.spring_layout(sub, seed=seed, weight=None, iterations=300, k=2.0 / len(comp) ** 0.5)
            local = {n: (float(p[0]) * size, float(p[1]) * size) for n, p in raw.items()}
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        # Room for the widest label: about 0.075 layout units per character at the default size.
        longest = max(len(str(g.nodes[n].get("label", n))) for n in comp)
        width = max(xs) - min(xs) + max(1.1, 0.075 * longest + 0.3)
        height = max(ys) - min(ys) + 0.7
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y - row_height, 0.0
        for n, (px, py) in local.items():
            pos[n] = (x + px - min(xs) + width / 2 - (max(xs) - min(xs)) / 2, y + py - max(ys) - 0.35)
        x += width
        row_height = max(row_height, height)
    return pos


def centrality(g: nx.Graph) -> pd.DataFrame:
    """Degree, weighted degree and betweenness per node, with ``bridge`` for articulation points.

    A bridge organisation is one whose removal splits its part of the network: it is the only link
    between groups of co-leads. Sorted by betweenness, then records led.
    """
    cols = ["node", "label", "org_type", "records", "partners", "co_led_records", "betweenness", "bridge"]
    if g.number_of_nodes() == 0:
        return pd.DataFrame(columns=cols)
    between = nx.betweenness_centrality(g, normalized=True)
    bridges = set(nx.articulation_points(g))
    rows = [{
        "node": n,
        "label": d["label"],
        "org_type": d["org_type"],
        "records": d["records"],
        "partners": g.degree(n),
        "co_led_records": int(sum(w for _, _, w in g.edges(n, data="weight"))),
        "betweenness": round(between[n], 3),
        "bridge": n in bridges,
    } for n, d in g.nodes(data=True)]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["betweenness", "records", "node"], ascending=[False, False, True],
                           kind="stable").reset_index(drop=True)


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
