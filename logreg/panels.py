"""Figures for the teaching panels: one epoch in detail and ground truth (the race is the run's chart).

Pure functions returning Plotly figures; no Streamlit. They reuse the main figure's building blocks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .analysis import angle_degrees
from .data import Dataset
from .model import sigmoid
from .plot_parts import (
    AXIS,
    CLASS_COLORS,
    CLASS_SYMBOLS,
    INK,
    data_box,
    segments,
    shown_names,
    thinning,
    xy,
)
from .train import Snapshot


def epoch_detail_figure(data: Dataset, s: Snapshot, max_points: int = 3000, height: int = 520) -> dict:
    """The data at epoch s.epoch: each point's size is its pull |ŷ − y| on the gradient, and
    misclassified points are drawn as crosses. The boundary and probability lines are those of s."""
    plan = thinning(1, data.n, max_points=max_points)
    idx = np.arange(data.n) if plan.point_index is None else plan.point_index
    X, y = data.X[idx], data.y[idx]
    p = sigmoid(X @ s.w + s.b)
    pull = np.abs(p - y)
    wrong = (X @ s.w + s.b > 0) != (y == 1)
    box = data_box(X)
    features, classes = shown_names(data)
    traces = []
    for k in (0, 1):
        for miss in (False, True):
            sel = (y == k) & (wrong == miss)
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": X[sel, 0],
                    "y": X[sel, 1],
                    "name": f"{classes[k]}, {'misclassified' if miss else 'correct'}",
                    "marker": {
                        "color": CLASS_COLORS[k],
                        "symbol": "x-thin-open" if miss else CLASS_SYMBOLS[k],
                        "size": 4 + 18 * pull[sel],
                        "line": {"width": 2 if miss else 0.5, "color": CLASS_COLORS[k] if miss else "white"},
                    },
                    "customdata": np.column_stack([p[sel], pull[sel]]),
                    "hovertemplate": "ŷ = %{customdata[0]:.3f}<br>|ŷ − y| = %{customdata[1]:.3f}<extra></extra>",
                }
            )
    lx, ly = segments(s.w[None, :], np.array([s.b]), [0.0], box)
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            **xy(lx[0], ly[0]),
            "name": "boundary at this epoch",
            "line": {"color": "#000", "width": 3},
            "hoverinfo": "skip",
        }
    )
    layout = {
        "height": height,
        "plot_bgcolor": "white",
        "font": {"size": 17, "color": INK},
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        "legend": {"orientation": "h", "y": 1.08, "font": {"size": 16}},
        "xaxis": {**AXIS, "range": list(box[:2]), "title": {"text": features[0]}},
        "yaxis": {**AXIS, "range": list(box[2:]), "title": {"text": features[1]}},
    }
    return {"data": traces, "layout": layout}


def truth_figure(history: Sequence[Snapshot], true_w: np.ndarray, height: int = 380) -> dict:
    """Over epochs: the angle between learned and true weights, and ‖w‖ against ‖w_true‖."""
    epochs = np.array([s.epoch for s in history], dtype=np.float32)
    angles = [angle_degrees(s.w, true_w) for s in history]
    angle = np.array([np.nan if a is None else a for a in angles], dtype=np.float32)
    norms = np.array([np.linalg.norm(s.w) for s in history])
    true_norm = float(np.linalg.norm(true_w))
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": epochs,
            "y": angle,
            "name": "angle to the true weights",
            "line": {"color": "#0072B2", "width": 2.5},
            "hovertemplate": "epoch %{x}<br>angle %{y:.2f}°<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": epochs,
            "y": norms,
            "name": "‖w‖ learned",
            "xaxis": "x2",
            "yaxis": "y2",
            "line": {"color": "#D55E00", "width": 2.5},
            "hovertemplate": "epoch %{x}<br>‖w‖ %{y:.3f}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": [0, float(epochs[-1])],
            "y": [true_norm, true_norm],
            "name": "‖w‖ true",
            "xaxis": "x2",
            "yaxis": "y2",
            "line": {"color": "#009E73", "dash": "dash"},
            "hoverinfo": "skip",
        },
    ]
    return {"data": data, "layout": _truth_layout(angle, norms, true_norm, height)}


def _truth_layout(angle: np.ndarray, norms: np.ndarray, true_norm: float, height: int) -> dict:
    """Two panels side by side, each y axis from 0 to a little above its largest value."""
    finite = angle[np.isfinite(angle)]
    layout = {
        "height": height,
        "plot_bgcolor": "white",
        "font": {"size": 17, "color": INK},
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        # above the panels and anchored there: as it wraps on a narrow screen Plotly makes room for it
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "xaxis": {**AXIS, "domain": [0, 0.42], "title": {"text": "epoch"}},
        "yaxis": {
            **AXIS,
            "title": {"text": "angle (degrees)"},
            "range": [0, max(float(finite.max()) if finite.size else 90.0, 1.0) * 1.05],
        },
        "xaxis2": {**AXIS, "domain": [0.58, 1], "anchor": "y2", "title": {"text": "epoch"}},
        "yaxis2": {
            **AXIS,
            "anchor": "x2",
            "title": {"text": "‖w‖"},
            "range": [0, max(float(norms.max()), true_norm) * 1.08 or 1.0],
        },
    }
    return layout
