"""Data with the viewer's own points: the synthetic data plus the points added by clicking, or ("my points")
those points alone. Each is a frozen source holding every input that shapes it, so that the family of runs,
the separation certificate, the minimum and the verdict, all keyed by the data's source, follow the points.
No Streamlit here."""

from __future__ import annotations

import numpy as np

from ..analysis import best_bias
from ..data import Dataset
from ..plot_parts import CLASS_COLORS, CLASS_SYMBOLS
from .cached import CACHE, DataChoice, synthetic
from .drawn import DECIMALS, START_LIMIT, Points, Start
from .run import Synthetic, WithPoints

MIN_EACH = 2  # "my points" trains once it has this many points of each class
CANVAS = (-4.0, 4.0)  # the empty canvas's x1 and x2 range: where the default data lie


def added(base: Synthetic, points: Points) -> DataChoice:
    """The synthetic data `base` describes, with `points` added (the data alone when there are none)."""
    if not points:
        return synthetic(base)
    source = WithPoints(base, points, base.test, base.seed)
    train, test = CACHE.get(source, source.load)
    return DataChoice(source, train, test)


def mine(points: Points, test: float, seed: int) -> tuple[DataChoice | None, str | None]:
    """ "My points": the data the points make, or None and what is still missing, in words."""
    short = [c for c in (0, 1) if points.of_class(c) < MIN_EACH]
    if short:
        return None, (
            f"Click the chart to add points: choose the class with the “add” button. Training starts once "
            f"there are at least {MIN_EACH} points of each class (now {points.of_class(0)} of class 0 and "
            f"{points.of_class(1)} of class 1)."
        )
    source = WithPoints(None, points, test, seed)
    train, held = CACHE.get(source, source.load)
    if len(set(train.y.tolist())) < 2:
        return None, ("The test fraction leaves only one class to train on: add points, or lower the test fraction.")
    return DataChoice(source, train, held), None


def start_for(w1: float, w2: float, data: Dataset | None) -> Start:
    """The start chosen at (w1, w2) on the landscape: b at its best for those weights on `data` (as the landscape
    draws the loss there), or 0 without data; rounded as the link writes it."""
    w = np.clip(np.array([w1, w2], dtype=float), -START_LIMIT, START_LIMIT)
    b = 0.0
    if data is not None:
        b = float(best_bias((data.X @ w)[:, None], data.y)[0])
    b = float(np.clip(b, -START_LIMIT, START_LIMIT)) if np.isfinite(b) else 0.0
    return Start(round(float(v), DECIMALS) + 0.0 for v in (*w, b))


ADDED_UID = "added points"


def added_trace(points) -> dict:
    """The points you added on the data panel, each in its class's colour and symbol, outlined in black (a click
    on one removes it)."""
    return {
        "type": "scatter",
        "mode": "markers",
        "uid": ADDED_UID,
        "name": "your points",
        "x": [p[0] for p in points],
        "y": [p[1] for p in points],
        "marker": {
            "symbol": [CLASS_SYMBOLS[p[2]] for p in points],
            "color": [CLASS_COLORS[p[2]] for p in points],
            "size": 13,
            "line": {"width": 2.5, "color": "#111111"},
        },
        "xaxis": "x",
        "yaxis": "y",
        "hovertemplate": "your point (%{x:.2f}, %{y:.2f})<extra>click to remove</extra>",
    }


def canvas_figure(points: Points, height: int = 520) -> dict:
    """The empty data panel of "my points": each class as the data panel draws it, on CANVAS, and your points
    ringed."""
    traces = []
    for c in (0, 1):
        mine_c = [p for p in points if p[2] == c]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": f"class {c}",
                "x": [p[0] for p in mine_c],
                "y": [p[1] for p in mine_c],
                "marker": {"color": CLASS_COLORS[c], "symbol": CLASS_SYMBOLS[c], "size": 10},
                "hoverinfo": "skip",
            }
        )
    axis = {"range": list(CANVAS), "zeroline": False, "gridcolor": "#e5e5e5", "linecolor": "#444", "mirror": True}
    layout = {
        "height": height,
        "margin": {"l": 60, "r": 10, "t": 30, "b": 60},
        "xaxis": {**axis, "title": {"text": "x1"}},
        "yaxis": {**axis, "title": {"text": "x2"}, "scaleanchor": "x"},
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "font": {"size": 16},
    }
    return {"data": [*traces, {**added_trace(points), "showlegend": False}], "layout": layout}
