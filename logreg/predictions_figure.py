"""The charts of what the model predicts at one epoch: the ROC curve with the point τ reads on it, and the
AUC over the epochs up to that one (two figures: side by side on a wide screen, one above the other on a
phone). Pure functions of numbers (logreg.metrics computes them); no Streamlit.
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


def _roc_traces(view: RocView, tau: float, label: bool) -> list[dict]:
    """The curve (in the legend, with its AUC) and τ's point on it (labelled τ = … when `label`)."""
    color, dash, symbol = STYLE[view.rows]
    fpr, tpr = _thinned(np.asarray(view.fpr, float), np.asarray(view.tpr, float))
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "x": fpr,
            "y": tpr,
            "name": f"{view.rows}, AUC {view.auc:.3f}",
            "legendgroup": view.rows,
            "line": {"color": color, "dash": dash, "width": 2.5},
            "hovertemplate": "false positive rate %{x:.3f}<br>true positive rate %{y:.3f}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers+text" if label else "markers",
            "x": [view.point[0]],
            "y": [view.point[1]],
            "name": f"τ = {tau:g}, {view.rows}",
            "legendgroup": view.rows,
            "showlegend": False,
            "text": [f"τ = {tau:g}"] if label else None,
            "textposition": "middle right",
            "textfont": {"size": 16, "color": INK},
            "marker": {"symbol": symbol, "size": 15, "color": color, "line": {"width": 2, "color": INK}},
            "hovertemplate": f"τ = {tau:g}<br>" + "false positive rate %{x:.3f}<br>recall %{y:.3f}<extra></extra>",
            "cliponaxis": False,
        },
    ]


def _layout(height: int) -> dict:
    """Large dark type; the legend above the panel, in a top margin that holds two rows of it: a legend that
    pushed the margin out after the first draw left the lines clipped below the new top (Streamlit's chart)."""
    return {
        "height": height,
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": {"size": 16, "color": INK},
        "margin": {"l": 70, "r": 20, "t": 80, "b": 60},
        "legend": {"orientation": "h", "x": 0, "y": 1.03, "yanchor": "bottom", "font": {"size": 14}},
        "showlegend": True,
    }


def roc_figure(views: Sequence[RocView], tau: float, height: int = 430) -> dict:
    """Each set of rows' ROC curve at the epoch on screen, the point τ reads on it (labelled on the first), and
    the diagonal of a model that guesses."""
    chance = {
        "type": "scatter",
        "mode": "lines",
        "x": [0.0, 1.0],
        "y": [0.0, 1.0],
        "name": "guessing, AUC 0.5",
        "line": {"color": "#555555", "dash": "dot", "width": 1.5},
        "hoverinfo": "skip",
    }
    data = [chance] + [t for k, view in enumerate(views) for t in _roc_traces(view, tau, label=k == 0)]
    axis = {**AXIS, "range": [-0.02, 1.02], "dtick": 0.2, "title": {"font": {"size": 17}}}
    layout = {
        **_layout(height),
        "xaxis": {**axis, "title": {**axis["title"], "text": "false positive rate"}},
        "yaxis": {**axis, "title": {**axis["title"], "text": "true positive rate (recall)"}},
    }
    return {"data": data, "layout": layout}


def auc_figure(views: Sequence[RocView], epoch: int, last_epoch: int, height: int = 430) -> dict:
    """The AUC of each set of rows at the epochs up to `epoch` (its last point marked), on an axis that spans the
    whole run (0 to `last_epoch`), so the curve grows as the player moves on."""
    data = []
    for view in views:
        color, dash, symbol = STYLE[view.rows]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": np.asarray(view.epochs, float),
                "y": np.asarray(view.aucs, float),
                "name": f"{view.rows}",
                "line": {"color": color, "dash": dash, "width": 2.5},
                "marker": {"size": [0] * max(len(view.aucs) - 1, 0) + [12], "color": color, "symbol": symbol},
                "hovertemplate": "epoch %{x}<br>AUC %{y:.4f}<extra></extra>",
                "cliponaxis": False,
            }
        )
    lowest = min([0.5] + [float(np.min(v.aucs)) for v in views if len(v.aucs)])
    axis = {**AXIS, "title": {"font": {"size": 17}}}
    layout = {
        **_layout(height),
        "xaxis": {
            **axis,
            "range": [0, max(last_epoch, 1)],
            "title": {**axis["title"], "text": f"epoch (on screen: {epoch})"},
        },
        "yaxis": {**axis, "range": [lowest - 0.03, 1.02], "title": {**axis["title"], "text": "AUC"}},
    }
    return {"data": data, "layout": layout}
