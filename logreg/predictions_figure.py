"""The chart of what the model predicts at one epoch: the ROC curve with the point τ reads on it, and the
AUC over the epochs up to that one. A pure function of numbers (logreg.metrics computes them); no Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .plot_parts import AXIS, INK, TEST_COLOR, TRAIN_COLOR

MAX_CURVE_POINTS = 2000  # a curve of 20,000 points draws no differently: every ⌈k/2000⌉-th vertex, ends kept
STYLE = {  # per set of rows: colour, dash, the marker of τ's point (shape apart from colour for colour-blind eyes)
    "training rows": (TRAIN_COLOR, "solid", "circle"),
    "test rows": (TEST_COLOR, "dash", "diamond"),
}


@dataclass(frozen=True, eq=False)
class RocView:
    """One set of rows (the training or the test rows) at the epoch on screen, as the chart draws it."""

    rows: str  # a key of STYLE
    fpr: np.ndarray  # the ROC curve: false positive rate (k,)
    tpr: np.ndarray  # and true positive rate (k,)
    point: tuple[float, float]  # (false positive rate, true positive rate) at τ
    auc: float  # the area under this curve
    epochs: np.ndarray  # the epochs whose AUC is drawn, up to the epoch on screen (m,)
    aucs: np.ndarray  # the AUC at each (m,)


def _thinned(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most about MAX_CURVE_POINTS of the curve's vertices, evenly spaced, the first and last kept."""
    if x.size <= MAX_CURVE_POINTS:
        return x, y
    keep = np.unique(np.r_[np.arange(0, x.size, -(-x.size // MAX_CURVE_POINTS)), x.size - 1])
    return x[keep], y[keep]


def _traces(view: RocView, tau: float) -> list[dict]:
    color, dash, symbol = STYLE[view.rows]
    fpr, tpr = _thinned(np.asarray(view.fpr, float), np.asarray(view.tpr, float))
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "x": fpr,
            "y": tpr,
            "name": f"ROC, {view.rows} (AUC {view.auc:.3f})",
            "line": {"color": color, "dash": dash, "width": 2.5},
            "hovertemplate": "false positive rate %{x:.3f}<br>true positive rate %{y:.3f}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "x": [view.point[0]],
            "y": [view.point[1]],
            "name": f"τ = {tau:g}, {view.rows}",
            "marker": {"symbol": symbol, "size": 15, "color": color, "line": {"width": 2, "color": INK}},
            "hovertemplate": f"τ = {tau:g}<br>" + "false positive rate %{x:.3f}<br>recall %{y:.3f}<extra></extra>",
            "cliponaxis": False,
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": np.asarray(view.epochs, float),
            "y": np.asarray(view.aucs, float),
            "name": f"AUC, {view.rows}",
            "xaxis": "x2",
            "yaxis": "y2",
            "line": {"color": color, "dash": dash, "width": 2.5},
            "marker": {"size": [0] * max(len(view.aucs) - 1, 0) + [10], "color": color, "symbol": symbol},  # the last
            "hovertemplate": "epoch %{x}<br>AUC %{y:.4f}<extra></extra>",
            "showlegend": False,
            "cliponaxis": False,
        },
    ]


def predictions_figure(views: Sequence[RocView], tau: float, epoch: int, last_epoch: int, height: int = 430) -> dict:
    """Left: each set of rows' ROC curve at `epoch`, the point τ reads on it, and the diagonal of a model that
    guesses. Right: the AUC of each set at the epochs up to `epoch`, on an axis that spans the whole run
    (0 to `last_epoch`), so the curve grows as the player moves on."""
    chance = {
        "type": "scatter",
        "mode": "lines",
        "x": [0.0, 1.0],
        "y": [0.0, 1.0],
        "name": "a model that guesses (AUC 0.5)",
        "line": {"color": "#555555", "dash": "dot", "width": 1.5},
        "hoverinfo": "skip",
    }
    data = [chance] + [t for view in views for t in _traces(view, tau)]
    lowest = min([0.5] + [float(np.min(v.aucs)) for v in views if len(v.aucs)])
    axis = {**AXIS, "title": {"font": {"size": 17}}}
    unit = {**axis, "range": [-0.02, 1.02], "dtick": 0.2}
    layout = {
        "height": height,
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": {"size": 16, "color": INK},
        "margin": {"l": 70, "r": 20, "t": 40, "b": 60},
        "legend": {"orientation": "h", "x": 0, "y": 1.04, "yanchor": "bottom", "font": {"size": 14}},
        "xaxis": {**unit, "domain": [0, 0.45], "title": {**axis["title"], "text": "false positive rate"}},
        "yaxis": {**unit, "title": {**axis["title"], "text": "true positive rate (recall)"}},
        "xaxis2": {
            **axis,
            "domain": [0.58, 1],
            "anchor": "y2",
            "range": [0, max(last_epoch, 1)],
            "title": {**axis["title"], "text": f"epoch (on screen: {epoch})"},
        },
        "yaxis2": {**axis, "anchor": "x2", "range": [lowest - 0.03, 1.02], "title": {**axis["title"], "text": "AUC"}},
        "showlegend": True,
    }
    return {"data": data, "layout": layout}
