"""Network: who bridges. The co-lead network, the records of a clicked node (kept in the URL), the bridge
organisations, downloads for Gephi, and the centrality table on demand."""

import streamlit as st

from analysis.aggregate import metrics
from analysis.network import build_graph, graphml_bytes, hub_records, node_records
from dashboard import charts, ui, widgets
from dashboard.state import View, current_view, url_setting

view = current_view()
widgets.page_css()
ui.page_header(view, "Co-lead network", "Organisations linked when they co-led a record (line width = records "
               "co-led). Node size shows records led. Click a node to list its records; the link then opens on "
               "the same node.")
_PREVIOUS = "_net_previous_selection"


def _clicked(state: object) -> list[str]:
    points = state.selection.points if state is not None and hasattr(state, "selection") else []
    picked = [p.get("customdata") for p in points if p.get("customdata")]
    return list(dict.fromkeys(p[0] if isinstance(p, list) else p for p in picked))


def _node(picked: list[str]) -> str:
    """The clicked node, kept in the URL (``?node=…``): a new click replaces it, clearing the selection removes
    it, and a link with ``node`` opens on that node's records."""
    if picked != st.session_state.get(_PREVIOUS, []):
        st.session_state["net_node"] = picked[0] if picked else ""
    st.session_state[_PREVIOUS] = picked
    return url_setting("net_node", "", param="node")


@st.fragment
def network(view: View) -> None:
    """The people toggle (``?people=true``), the chart, the clicked node's records, bridges and downloads."""
    url_setting("net_people", False, param="people")
    people = st.toggle("Show people as their own nodes", value=False, key="net_people",
                       help="Off: people named as leads count for their organisation.")
    g = charts.derived(view, build_graph, people_as_nodes=people)
    state = widgets.chart(charts.figure(view, "network", "network", people=people), key="net_chart",
                          on_select="rerun", selection_mode="points", min_width=560)
    chosen = _node(_clicked(state))
    nodes = [chosen] if chosen else []

    st.subheader("Records of the selected lead", anchor=False)
    if not nodes:
        st.info("Click a node in the network to list its records here.", icon=":material/touch_app:")
    for i, node in enumerate(nodes):
        if node not in g:
            st.warning(f"{ui.md_escape(node)} is not in the network for the current filters and settings.")
            continue
        recs = node_records(g, node, view.schedule)
        st.markdown(f"**{ui.md_escape(node)}** — {len(recs)} record{'s' if len(recs) != 1 else ''} · "
                    f"working groups: {ui.md_escape(', '.join(g.nodes[node].get('working_groups', ())) or 'none')}")
        with st.container(key=f"net_records_{i}"):
            widgets.text_table(recs, {"date": "Date", "topic": "Topic", "format": "Format", "section": "Section",
                                      "source_line": "Line"})

    st.subheader("Who bridges", anchor=False)
    table = charts.derived(view, widgets.centrality_table, people_as_nodes=people)
    bridges = table[table["bridge"]]
    if len(bridges):
        names = ", ".join(f"**{ui.md_escape(r.label)}** ({ui.md_escape(r.working_groups or 'no working group')})"
                          for r in bridges.itertuples(index=False))
        st.markdown(f"Bridge organisations, the only link between groups of co-leads: {names}")
    else:
        st.markdown("No single lead is the only link between groups of co-leads.")

    downloads = st.container(horizontal=True, key="net_downloads")
    with downloads:
        edges = charts.derived(view, widgets.edge_list, people_as_nodes=people)
        widgets.csv_button(edges, "Edge list (CSV)", "co-lead-edges.csv", "dl_edges")
        widgets.bytes_button(lambda: graphml_bytes(g), "Graph (GraphML, for Gephi)", "co-lead-network.graphml",
                             "application/graphml+xml", "dl_graphml")
    unrecognised = charts.derived(view, metrics).unrecognised
    if unrecognised:
        st.caption(f"{unrecognised} lead name(s) are not in the reference data: each is a node as written, "
                   "counted as an organisation of unknown type, never as a person.")
    hubs = hub_records(g)
    if len(hubs):
        st.caption(f"{len(hubs)} record(s) name more than 50 leads and are drawn as a hub (one node for the record) "
                   "rather than linking every pair of leads.")

    with st.expander("Centrality table", icon=":material/table:", key="net_table_open", on_change="rerun"):
        if st.session_state.get("net_table_open"):
            top = float(table["betweenness"].max() or 0.0)
            st.dataframe(
                table, hide_index=True, key="net_table",
                column_config={
                    "node": st.column_config.TextColumn("Lead", width="medium"),
                    "label": st.column_config.TextColumn("Short name", width="small"),
                    "org_type": st.column_config.TextColumn("Type", width="small"),
                    "working_group": None,
                    "betweenness_of_max": None,
                    "working_groups": st.column_config.TextColumn("WG", width="small", help="Working groups of "
                                                                  "the records it led."),
                    "records": st.column_config.NumberColumn("Records", width="small", help="Records led."),
                    "partners": st.column_config.NumberColumn("Co-leads", width="small",
                                                              help="Degree: distinct co-leads."),
                    "co_led_records": st.column_config.NumberColumn("Links", width="small",
                                                                    help="Weighted degree: records co-led."),
                    "betweenness": st.column_config.ProgressColumn(
                        "Betweenness", min_value=0.0, max_value=top or 1.0, format="%.3f", width="small",
                        help=f"Share of shortest paths between other leads that pass through this one; the bar "
                        f"is scaled to the highest value shown ({top:.3f})."),
                    "bridge": st.column_config.CheckboxColumn("Bridge", width="small",
                                                              help="Removing it splits its group of co-leads."),
                },
            )


if ui.require_records(view):
    network(view)
ui.footer(view)
