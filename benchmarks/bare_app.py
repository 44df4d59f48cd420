"""The comparison point for the rerun budget: the same 1000 points in one static chart, nothing else."""

import sys
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from logreg import make_synthetic  # noqa: E402

st.select_slider("learning rate", options=[0.05, 0.1, 0.2, 0.5, 1.0, 2.0], value=0.1, key="lr")
data = make_synthetic()
st.plotly_chart(
    go.Figure(go.Scatter(x=data.X[:, 0], y=data.X[:, 1], mode="markers", marker={"color": data.y})), key="chart"
)
