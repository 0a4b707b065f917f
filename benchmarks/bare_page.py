"""The baseline for bench_pages.py: a bare Streamlit page holding one Plotly chart and one selectbox.

Run with ``streamlit run benchmarks/bare_page.py``. The figure is the same kind and size as the dashboard's
bar charts (horizontal bars, 480 px high, full width in the wide layout); choosing a format in the selectbox
reruns the script and redraws the chart with that format only, as the dashboard's Format filter does.
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
ALL = "All formats"

st.set_page_config(page_title="Bare page", layout="wide")
choice = st.selectbox("Format", [ALL, *COUNTS], key="bare_format")
shown = COUNTS if choice == ALL else {choice: COUNTS[choice]}
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
    title=dict(text="By format (records)", subtitle=dict(text=choice)),
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
