"""Network: the co-lead organisation network, the records of a clicked node, and the centrality table."""

import streamlit as st

from analysis.network import build_graph, centrality, node_records
from dashboard import charts, ui
from dashboard.state import current_view

view = current_view()
ui.page_header(view, "Co-lead network", "Organisations linked when they co-led a record (line width = records "
               "co-led). Node size shows records led; colour shows the type of organisation. Click a node to "
               "list its records.")
if ui.require_records(view):
    people = st.toggle("Show people as their own nodes", key="net_people",
                       help="Off: the six principals of 17 June count for their organisations.")
    g = build_graph(view.schedule, people_as_nodes=people)
    fig = charts.figure(view, "network", "network", people=people)
    state = ui.chart(fig, key="net_chart", on_select="rerun", selection_mode="points")
    points = state.selection.points if state is not None and hasattr(state, "selection") else []
    picked = [p.get("customdata") for p in points if p.get("customdata")]
    picked = [p[0] if isinstance(p, list) else p for p in picked]
    st.subheader("Records of the selected lead")
    if not picked:
        st.info("Click a node in the network to list its records here.", icon=":material/touch_app:")
    for i, node in enumerate(dict.fromkeys(picked)):
        recs = node_records(g, node, view.schedule)
        st.markdown(f"**{node}** — {len(recs)} record{'s' if len(recs) != 1 else ''}")
        st.dataframe(recs, hide_index=True, key=f"net_records_{i}", column_config={
            "topic": st.column_config.TextColumn("Topic", width="large"),
            "source_line": st.column_config.NumberColumn("Source line", format="%d"),
        })
    st.subheader("Who connects whom")
    table = centrality(g)
    bridges = table.loc[table["bridge"], "label"].tolist()
    if bridges:
        st.markdown("**Bridge organisations** — the only link between groups of co-leads: " + ", ".join(bridges))
    else:
        st.markdown("No single lead is the only link between groups of co-leads.")
    st.dataframe(
        table, hide_index=True, key="net_table",
        column_config={
            "node": st.column_config.TextColumn("Lead"),
            "label": st.column_config.TextColumn("Short name"),
            "org_type": "Type",
            "records": st.column_config.NumberColumn("Records led"),
            "partners": st.column_config.NumberColumn("Co-leads", help="Degree: distinct co-leads."),
            "co_led_records": st.column_config.NumberColumn("Co-led links", help="Weighted degree."),
            "betweenness": st.column_config.ProgressColumn(
                "Betweenness", min_value=0.0, max_value=1.0, format="%.2f",
                help="Share of shortest paths between other leads that pass through this one."),
            "bridge": st.column_config.CheckboxColumn("Bridge", help="Removing it splits its group of co-leads."),
        },
    )
ui.footer(view)
