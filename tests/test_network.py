"""analysis.network: the co-lead graph, its seeded layout, centrality with bridges, and a node's records."""

from __future__ import annotations

import io
import random
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from analysis import Schedule, load_schedule
from analysis.figures import ChartContext, network_figure
from analysis.filters import Filters, apply_filters
from analysis.network import (
    HUB_TYPE,
    MAX_CLIQUE_LEADS,
    PERSON_TYPE,
    SEVERAL_WGS,
    build_graph,
    centrality,
    edge_table,
    graphml_bytes,
    hub_records,
    label_box,
    layout,
    node_records,
    place_labels,
    text_width_em,
)

IDC = "International Detention Coalition"
FAO = "Food and Agriculture Organization"
ZOLBERG = "Zolberg Institute on Migration and Mobility, The New School"
PEOPLE = {
    "António Vitorino": "International Organization for Migration",
    "Liu Zhenmin": "UN Department of Economic and Social Affairs",
    "Gillian Triggs": "UNHCR",
    "Charlotte Petri Gornitzka": "UNICEF",
    "Asako Okai": "UN Development Programme",
    "Moussa Oumarou": "International Labour Organization",
}


@pytest.fixture(scope="module")
def s() -> Schedule:
    return load_schedule()


@pytest.fixture(scope="module")
def g(s: Schedule) -> nx.Graph:
    return build_graph(s)


@pytest.fixture(scope="module")
def gp(s: Schedule) -> nx.Graph:
    return build_graph(s, people_as_nodes=True)


def co_lead_pairs(schedule: Schedule, column: str = "organisation") -> Counter[frozenset[str]]:
    """Expected edges, worked out directly from the leads frame: pair → number of records co-led."""
    pairs: Counter[frozenset[str]] = Counter()
    for _sid, group in schedule.leads.groupby("session_id"):
        for a, b in combinations(sorted(set(group[column].dropna())), 2):
            pairs[frozenset((a, b))] += 1
    return pairs


def edge_weights(graph: nx.Graph, relation: str = "co-lead") -> Counter[frozenset[str]]:
    return Counter({frozenset((a, b)): d["weight"] for a, b, d in graph.edges(data=True) if d["relation"] == relation})


# ------------------------------------------------------------------------------ organisations as nodes


def test_one_node_per_canonical_organisation_that_leads(s: Schedule, g: nx.Graph) -> None:
    assert g.number_of_nodes() == 24
    assert set(g.nodes) == set(s.leads["organisation"].dropna())
    assert not set(PEOPLE) & set(g.nodes)  # people are folded into their organisation


@pytest.mark.parametrize("node", [FAO, ZOLBERG, "Mixed Migration Centre", "Bloque Latinoamericano sobre Migración"])
def test_isolated_leads_are_kept(g: nx.Graph, node: str) -> None:
    assert node in g
    assert g.degree(node) == 0
    assert g.nodes[node]["records"] == 1


def test_edges_are_exactly_the_co_lead_pairs(s: Schedule, g: nx.Graph) -> None:
    assert edge_weights(g) == co_lead_pairs(s)
    assert g.number_of_edges() == 27


@pytest.mark.parametrize(
    ("a", "b", "weight", "lines"),
    [
        (IDC, "UNICEF", 3, [5, 8, 15]),  # the three WG2 records
        (IDC, "UNHCR", 3, [5, 8, 15]),
        ("UNICEF", "UNHCR", 4, [5, 8, 11, 15]),  # WG2 ×3 and 17 June (Petri Gornitzka, Triggs)
        ("UN Women", "Women in Migration Network", 2, [10, 12]),  # written both ways round
        ("UN Development Programme", "International Labour Organization", 1, [11]),
        ("World Health Organization", "UN-Habitat", 1, [4]),
    ],
)
def test_edge_weight_is_the_number_of_records_co_led(s: Schedule, g: nx.Graph, a: str, b: str, weight: int,
                                                     lines: list[int]) -> None:
    edge = g[a][b]
    assert edge["weight"] == weight
    assert edge["relation"] == "co-lead"
    line_of = dict(zip(s.sessions["session_id"], s.sessions["source_line"], strict=True))
    assert sorted(line_of[sid] for sid in edge["sessions"]) == lines


@pytest.mark.parametrize(
    ("node", "label", "org_type", "records"),
    [
        ("UNICEF", "UNICEF", "UN system", 5),
        ("UNHCR", "UNHCR", "UN system", 4),
        (IDC, "IDC", "Civil society", 3),
        ("International Organization for Migration", "IOM", "UN system", 2),
        ("Inter-Agency Coordination Group against Trafficking in Persons", "ICAT", "Inter-agency", 1),
        ("Mixed Migration Centre", "MMC", "Research and academic", 1),
    ],
)
def test_node_attributes(g: nx.Graph, node: str, label: str, org_type: str, records: int) -> None:
    d = g.nodes[node]
    assert (d["label"], d["org_type"], d["kind"], d["records"]) == (label, org_type, "organisation", records)
    assert len(d["sessions"]) == records


def test_records_led_match_the_organisation_breakdown(s: Schedule, g: nx.Graph) -> None:
    led = s.leads.dropna(subset=["organisation"]).groupby("organisation")["session_id"].nunique()
    assert {n: d["records"] for n, d in g.nodes(data=True)} == led.to_dict()


def test_graph_of_a_filtered_view_has_only_its_leads(s: Schedule) -> None:
    sub = apply_filters(s, Filters(working_groups=("WG2",)))
    graph = build_graph(sub)
    assert set(graph.nodes) == {IDC, "UNICEF", "UNHCR"}
    assert edge_weights(graph) == {frozenset((IDC, "UNICEF")): 3, frozenset((IDC, "UNHCR")): 3,
                                   frozenset(("UNICEF", "UNHCR")): 3}


def test_graph_of_nothing_is_empty(s: Schedule) -> None:
    graph = build_graph(apply_filters(s, Filters(formats=("webinar",), working_groups=("WG6",))))
    assert graph.number_of_nodes() == 0
    assert layout(graph) == {}
    assert centrality(graph).empty


# ------------------------------------------------------------------------------ people as nodes


def test_people_as_nodes_adds_the_six_people_linked_to_their_organisation(s: Schedule, gp: nx.Graph) -> None:
    people = {n for n, d in gp.nodes(data=True) if d["kind"] == "person"}
    assert people == set(PEOPLE)
    assert gp.number_of_nodes() == 30  # 24 organisations + 6 people
    for person, org in PEOPLE.items():
        d = gp.nodes[person]
        assert (d["org_type"], d["affiliation"], d["records"]) == (PERSON_TYPE, org, 1)
        assert gp[person][org]["relation"] == "affiliation"
    affiliation = [(a, b) for a, b, d in gp.edges(data=True) if d["relation"] == "affiliation"]
    assert len(affiliation) == 6


def test_people_as_nodes_co_lead_edges_are_between_the_named_leads(s: Schedule, gp: nx.Graph) -> None:
    assert edge_weights(gp) == co_lead_pairs(s, "name")
    assert gp["UNICEF"]["UNHCR"]["weight"] == 3  # 17 June now links the people, not their organisations
    assert gp["Asako Okai"]["Moussa Oumarou"]["weight"] == 1
    # Organisations reached only through a person are still nodes, leading no record themselves.
    assert gp.nodes["UN Development Programme"]["records"] == 0


# ------------------------------------------------------------------------------ layout


@pytest.mark.parametrize("people", [False, True])
def test_layout_is_deterministic_and_covers_every_node(s: Schedule, people: bool) -> None:
    first = layout(build_graph(s, people_as_nodes=people))
    second = layout(build_graph(s, people_as_nodes=people))
    assert first == second
    assert set(first) == set(build_graph(s, people_as_nodes=people).nodes)
    assert len(set(first.values())) == len(first)  # no two nodes on the same spot


def test_layout_seed_is_used(g: nx.Graph) -> None:
    assert layout(g, seed=7) == layout(g)
    assert layout(g, seed=8) != layout(g, seed=7)


# ------------------------------------------------------------------------------ centrality


def test_centrality_table(g: nx.Graph) -> None:
    table = centrality(g)
    assert list(table.columns) == ["node", "label", "org_type", "working_group", "working_groups", "records",
                                   "partners", "co_led_records", "betweenness", "betweenness_of_max", "bridge"]
    assert len(table) == 24
    assert table.iloc[0]["node"] == "UNICEF"  # highest betweenness
    row = table.set_index("node").loc["UNICEF"]
    assert (row["partners"], row["co_led_records"], bool(row["bridge"])) == (8, 13, True)
    assert table.set_index("node").loc[FAO, "partners"] == 0
    assert table["betweenness"].is_monotonic_decreasing
    # Bars scale to the maximum: the top node is 1.0 even though its betweenness is far below 1.
    assert table.iloc[0]["betweenness_of_max"] == 1.0 and table.iloc[0]["betweenness"] < 0.5
    assert table["betweenness_of_max"].between(0, 1).all()


@pytest.mark.parametrize(("node", "wg", "wgs"), [
    ("UNICEF", "WG2", "WG2"),  # WG2 records, plus records without a working group
    ("International Detention Coalition", "WG2", "WG2"),
    ("World Health Organization", "WG6", "WG6"),
    ("Office of the UN High Commissioner for Human Rights", "WG3", "WG3"),
    (FAO, "No working group", ""),
])
def test_working_group_of_each_node(g: nx.Graph, node: str, wg: str, wgs: str) -> None:
    row = centrality(g).set_index("node").loc[node]
    assert (row["working_group"], row["working_groups"]) == (wg, wgs)
    assert g.nodes[node]["working_group"] == wg


def test_a_node_in_several_working_groups_is_marked_so() -> None:
    page = ("Date | Topic | Working Group (WG) and Co-leads | Format, Audience and Purpose | Documents |\n"
            "---|---|---|---|---|\n"
            "7 May | A | WG2: IDC, UNICEF | Format: Webinar | |\n"
            "8 May | B | WG6: WHO, UNICEF | Format: Webinar | |\n")
    g = build_graph(load_schedule(page.encode()))
    assert g.nodes["UNICEF"]["working_groups"] == ("WG2", "WG6")
    assert g.nodes["UNICEF"]["working_group"] == SEVERAL_WGS
    assert centrality(g).iloc[0]["node"] == "UNICEF"  # the only link between the two groups


def test_bridges_are_the_articulation_points(g: nx.Graph) -> None:
    table = centrality(g)
    assert set(table.loc[table["bridge"], "node"]) == set(nx.articulation_points(g)) == {"UNICEF"}


# ------------------------------------------------------------------------------ a node's records


def test_node_records_lists_the_records_in_source_order(s: Schedule, g: nx.Graph) -> None:
    recs = node_records(g, "UNICEF", s)
    assert list(recs.columns) == ["date", "topic", "format", "section", "source_line"]
    assert recs["source_line"].tolist() == [5, 8, 11, 15, 16]
    assert recs["date"].tolist() == ["20 May 2020", "4 Jun 2020", "17 Jun 2020", "Undated", "Undated"]


def test_node_records_of_an_organisation_led_through_a_person(s: Schedule, g: nx.Graph) -> None:
    recs = node_records(g, "UN Development Programme", s)
    assert recs["source_line"].tolist() == [11]
    assert recs.iloc[0]["topic"] == "COVID-19 and People on the Move"


def test_node_records_of_an_unknown_node_is_empty(s: Schedule, g: nx.Graph) -> None:
    recs = node_records(g, "Nobody", s)
    assert recs.empty
    assert list(recs.columns) == ["date", "topic", "format", "section", "source_line"]


def test_build_graph_never_mutates_its_input() -> None:
    schedule = load_schedule()
    before = schedule.leads.copy(deep=True)
    build_graph(schedule)
    build_graph(schedule, people_as_nodes=True)
    pd.testing.assert_frame_equal(before, schedule.leads)


def test_layout_is_the_same_in_processes_with_different_hash_seeds() -> None:
    # String hashing differs between processes; the picture must not.
    import json
    import os
    import subprocess
    import sys

    code = ("import json; from analysis import load_schedule; from analysis.network import build_graph, layout; "
            "g = build_graph(load_schedule()); print(json.dumps(sorted(layout(g).items())))")
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    assert runs[0] == runs[1]


# ------------------------------------------------------------------------------ exports for Gephi


def test_edge_table_lists_every_link_once(g: nx.Graph) -> None:
    table = edge_table(g)
    assert list(table.columns) == ["source", "target", "source_label", "target_label", "weight", "relation", "records"]
    assert len(table) == g.number_of_edges() == 27
    assert table["weight"].is_monotonic_decreasing
    assert (table["source"] < table["target"]).all()
    top = table.iloc[0]
    assert {top["source_label"], top["target_label"]} == {"UNICEF", "UNHCR"} and top["weight"] == 4
    text = table.astype(str).to_numpy().ravel()
    assert not {"nan", "None", "NaT"} & set(text)


def test_graphml_round_trips(gp: nx.Graph) -> None:
    data = graphml_bytes(gp)
    assert data.startswith(b"<?xml") and b"graphml" in data[:400]
    back = nx.read_graphml(io.BytesIO(data))
    assert set(back.nodes) == set(gp.nodes)
    assert back.number_of_edges() == gp.number_of_edges()
    assert back.nodes["UNICEF"]["label"] == "UNICEF"
    assert back.nodes["UNICEF"]["working_groups"] == "WG2"
    assert b">nan<" not in data and b">None<" not in data


# ------------------------------------------------------------------------------ hostile sizes


def _page(records: list[list[str]]) -> bytes:
    rows = ["Date | Topic | Working Group (WG) and Co-leads | Format, Audience and Purpose | Documents |",
            "---|---|---|---|---|"]
    for i, leads in enumerate(records):
        rows.append(f"{1 + i % 28} May | Topic {i} | {', '.join(leads)} | Format: Webinar Audience: Member States |  |")
    return "\n".join(rows).encode()


def test_a_record_with_more_than_50_leads_is_a_hub_not_a_clique() -> None:
    many = [f"Org{i:04d} Foundation" for i in range(400)]
    sched = load_schedule(_page([many, ["UNICEF", "UNHCR"]]))
    g = build_graph(sched)
    hubs = hub_records(g)
    assert len(hubs) == 1 and hubs.iloc[0]["leads"] == 400 and hubs.iloc[0]["source_line"] == 3
    hub = f"record:{hubs.iloc[0]['session_id']}"
    assert g.nodes[hub]["org_type"] == HUB_TYPE and g.degree(hub) == 400
    assert g.number_of_edges() == 400 + 1  # a star, not 400 × 399 / 2 = 79,800 edges
    assert all(g[hub][n]["relation"] == "hub" for n in g.neighbors(hub))


def test_exactly_50_leads_is_still_a_clique() -> None:
    g = build_graph(load_schedule(_page([[f"Org{i:04d} Foundation" for i in range(MAX_CLIQUE_LEADS)]])))
    assert hub_records(g).empty and g.graph["hubs"] == []
    assert g.number_of_edges() == MAX_CLIQUE_LEADS * (MAX_CLIQUE_LEADS - 1) // 2


def _thousand_organisations() -> Schedule:
    rng = random.Random(1)
    records = [[f"Org{o:04d} Foundation" for o in rng.sample(range(1000), 4)] for _ in range(400)]
    records += [[f"Org{i:04d} Foundation"] for i in range(1000)]
    return load_schedule(_page(records))


@pytest.mark.timeout(60)
def test_a_thousand_organisations_build_and_lay_out_well_under_three_seconds() -> None:
    sched = _thousand_organisations()
    assert sched.leads["name"].nunique() == 1000
    best = float("inf")
    # CPU time of this process (the server's own work), the best of two runs: wall time on a shared, busy
    # machine measures the neighbours as much as this code.
    for _ in range(2):
        start = time.process_time()
        g = build_graph(sched)
        pos = layout(g)
        table = centrality(g)
        fig = network_figure(g, pos, ChartContext())
        best = min(best, time.process_time() - start)
    assert g.number_of_nodes() == 1000 and len(pos) == 1000 and len(table) == 1000
    assert sum(len(t.x) for t in fig.data if t.meta == "nodes") == 1000
    assert best < 1.5, f"{best:.2f} s of CPU"


@pytest.mark.timeout(120)
def test_one_record_of_10000_leads_stays_small_and_fast() -> None:
    sched = load_schedule(_page([[f"Org{i:05d} Foundation" for i in range(10_000)]]))
    start = time.process_time()
    g = build_graph(sched)
    pos = layout(g)
    table = centrality(g)
    fig = network_figure(g, pos, ChartContext())
    spent = time.process_time() - start
    assert g.number_of_edges() == 10_000  # a star through the record, not 50 million clique edges
    assert len(hub_records(g)) == 1 and len(pos) == len(table) == 10_001 and fig.data
    assert spent < 5.0, f"{spent:.2f} s of CPU"


# ------------------------------------------------------------------------------ labels


def _boxes(g: nx.Graph, pos: dict, placed: dict[str, str], width: float, height: float, font: float,
           sizes: dict[str, float]) -> list:
    from analysis.network import data_scale

    (x0, _), (y0, _), scale = data_scale(pos, width, height)
    return [label_box((pos[n][0] - x0) * scale, (pos[n][1] - y0) * scale, str(g.nodes[n]["label"]), where, font,
                      sizes[n]) for n, where in placed.items()]


def test_label_width_follows_the_letters_not_their_count() -> None:
    """Helvetica's published widths: O 0.778, H/C/R 0.722, I 0.278, E 0.667, D 0.722 em. Five capitals can
    differ by an em; an accented letter is as wide as its base; a CJK character a full em."""
    assert text_width_em("OHCHR") == pytest.approx(0.778 + 3 * 0.722 + 0.722)
    assert text_width_em("IHEID") == pytest.approx(2 * 0.278 + 0.722 + 0.667 + 0.722)
    assert text_width_em("OHCHR") - text_width_em("IHEID") > 0.9
    assert text_width_em("Zoë") == text_width_em("Zoe")
    assert text_width_em("東京") == pytest.approx(2.0)
    assert text_width_em("") == 0
    box = label_box(0, 0, "OHCHR", "top center", 13, 10)
    assert box.x1 - box.x0 == pytest.approx(text_width_em("OHCHR") * 13)


def test_label_widths_match_a_metric_compatible_font_when_installed() -> None:
    """Every printable ASCII character's width matches Liberation Sans (metric-compatible with Arial and
    Helvetica, the fonts the labels fall back to) to a thousandth of an em."""
    image_font = pytest.importorskip("PIL.ImageFont")
    path = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")
    if not path.exists():
        pytest.skip(f"{path} not installed")
    font = image_font.truetype(str(path), 1000)
    for code in range(32, 127):
        assert text_width_em(chr(code)) == pytest.approx(font.getlength(chr(code)) / 1000, abs=0.0015), chr(code)


@pytest.mark.parametrize("people", [False, True])
def test_placed_labels_never_overlap(s: Schedule, people: bool) -> None:
    g = build_graph(s, people_as_nodes=people)
    pos = layout(g)
    sizes = dict.fromkeys(g.nodes, 20.0)
    placed = place_labels(g, pos, width_px=560, height_px=420, font_size=13, marker_sizes=sizes)
    assert len(placed) >= 10
    boxes = _boxes(g, pos, placed, 560, 420, 13, sizes)
    for i, a in enumerate(boxes):
        assert a.x0 >= 0 and a.x1 <= 560 and a.y0 >= 0 and a.y1 <= 420
        for b in boxes[i + 1:]:
            assert not a.overlaps(b, 2.0), (a, b)
    # The most connected node is always labelled.
    assert centrality(g).iloc[0]["node"] in placed


def _crowded_graph(seed: int) -> nx.Graph:
    """A dense made-up co-lead graph (60 organisations with long and short names, a dozen hubs): labels
    compete for room at every width."""
    rnd = random.Random(seed)
    g = nx.Graph()
    for i in range(60):
        g.add_node(f"org{i}", label=rnd.choice(["UN", "IOM", "UNICEF", "Zolberg Institute", f"Org {i}"]),
                   records=rnd.randint(1, 6))
    for i in range(60):
        for j in rnd.sample(range(60), 3):
            if i != j:
                g.add_edge(f"org{i}", f"org{j}", weight=1)
    return g


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_placed_labels_hold_at_every_width_from_the_narrowest(s: Schedule, seed: int) -> None:
    """Placed once for a 320 px plot area, the labels neither overlap each other nor leave the plot area at
    any wider plot (sampled every 7 px up to 2,000 px), where the markers spread apart under them."""
    graphs = [build_graph(s), build_graph(s, people_as_nodes=True), _crowded_graph(seed)]
    g = graphs[seed - 1] if seed < 3 else graphs[2]
    pos = layout(g, seed=seed)
    sizes = {n: 12.0 + 6 * min(int(d.get("records", 1)), 6) for n, d in g.nodes(data=True)}
    placed = place_labels(g, pos, width_px=320, height_px=372, font_size=13, marker_sizes=sizes)
    assert len(placed) >= 5
    for width in range(320, 2001, 7):
        boxes = _boxes(g, pos, placed, width, 372, 13, sizes)
        for i, a in enumerate(boxes):
            assert a.x0 >= -0.01 and a.x1 <= width + 0.01 and a.y0 >= -0.01 and a.y1 <= 372.01, (width, a)
            for b in boxes[i + 1:]:
                assert not a.overlaps(b, 2.0), (width, a, b)
