"""The one-chart baseline of bench_pages.py: a bare Streamlit page holding one Plotly chart and one multiselect.

Run with ``streamlit run benchmarks/bare_page.py``. The figure is the same kind and size as the dashboard's
bar charts (horizontal bars, 480 px high, full width in the wide layout). The multiselect has the dashboard's
Format filter's key, label and options, and is changed the same way (pick "webinar", close the list): the
script reruns and redraws the chart with the chosen formats only.
"""

import plotly.graph_objects as go
import streamlit as st

COUNTS = {
    "listening session": 7,
    "webinar": 5,
    "Not stated": 2,
    "Migration Coffee": 1,
    "TBD": 1,
    "published commentary": 1,
}

st.set_page_config(page_title="Bare page", layout="wide")
chosen = st.sidebar.multiselect("Format", list(COUNTS), key="f_formats", placeholder="All formats")
shown = {k: v for k, v in COUNTS.items() if k in chosen} if chosen else COUNTS
fig = go.Figure(
    go.Bar(
        x=list(shown.values()),
        y=list(shown),
        orientation="h",
        marker_color="#0072B2",
        text=list(shown.values()),
        textposition="outside",
    )
)
fig.update_layout(
    height=480,
    title=dict(text="By format (records)", subtitle=dict(text=", ".join(chosen) or "All formats")),
    margin=dict(t=96, b=112, l=16, r=16),
    yaxis=dict(autorange="reversed", automargin=True),
    xaxis=dict(title="records"),
    paper_bgcolor="#FFFFFF",
    plot_bgcolor="#FFFFFF",
)
st.plotly_chart(
    fig,
    key="bare_chart",
    theme=None,
    config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}},
)
