"""The chart of every learning rate: the loss each rate's run has at the epoch on screen. No Streamlit.

x is every rate of the η control (log scale), y the loss of that rate's run at the epoch the player shows
(log scale); each rate's marker shows its verdict by shape and colour, 2/L and (with a minimum) 2/s(θ*)
are labelled vertical lines, and the rate on screen is ringed. The browser moves the markers from the
runs' numbers as the animation plays: the whole curve falls epoch by epoch, and where the loss has a
minimum the rates that are too large rise at the right, a U.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .figures import _log_ticks
from .formatting import number
from .plot_parts import AXIS, INK, Role
from .verdict import Kind

KIND_STYLE = {  # verdict kind: (marker symbol, colour, legend text); colour-blind-safe (Okabe–Ito)
    Kind.CONVERGED: ("circle", "#009E73", "converged"),
    Kind.STOPPED: ("diamond", "#56B4E9", "stopped at the loss asked"),
    Kind.IMPROVING: ("square", "#0072B2", "still improving"),
    Kind.STALLED: ("hourglass", "#555555", "stopped changing"),
    Kind.NOISY: ("star", "#CC79A7", "noisy"),
    Kind.OSCILLATING: ("triangle-up", "#E69F00", "oscillating"),
    Kind.DIVERGING: ("x", "#D55E00", "diverging"),
}


def loss_range(losses: Sequence[np.ndarray], cap: float) -> list[float]:
    """log10 range holding every run's loss at every frame, up to `cap` (higher losses are pinned there)."""
    values = np.concatenate([np.minimum(np.asarray(v, float), cap) for v in losses])
    positive = values[np.isfinite(values) & (values > 0)]
    low, high = (float(positive.min()), float(positive.max())) if positive.size else (1e-3, 1.0)
    return [float(np.log10(low)) - 0.1, float(np.log10(max(high, low * 10))) + 0.1]


def rates_figure(
    rates: Sequence[float],
    kinds: Sequence[str | None],
    start_loss: Sequence[float],
    y_range: Sequence[float],
    edges: Sequence[tuple[str, float]],
    selected: int,
    height: int = 300,
    font_scale: float = 1.0,
) -> dict:
    """The chart at epoch 0: one trace per verdict kind (meta.rates: the indices of its rates, so the browser
    can move their markers), the ring on `selected`, and each (label, value) of `edges` as a vertical line."""
    data = []
    for kind, (symbol, color, label) in KIND_STYLE.items():
        members = [i for i, k in enumerate(kinds) if k == kind]
        if not members:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": label,
                "x": [rates[i] for i in members],
                "y": [start_loss[i] for i in members],
                "meta": {"rates": members},
                "marker": {"symbol": symbol, "color": color, "size": 13, "line": {"width": 1, "color": INK}},
                "hovertemplate": "η = %{x}<br>loss %{y:.4g}<extra>" + label + "</extra>",
                "cliponaxis": False,
            }
        )
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": "η on screen",
            "uid": Role.RATE_SELECTED,
            "x": [rates[selected]],
            "y": [start_loss[selected]],
            "marker": {"symbol": "circle-open", "size": 26, "color": INK, "line": {"width": 3}},
            "hoverinfo": "skip",
            "cliponaxis": False,
        }
    )
    return {"data": data, "layout": _layout(rates, y_range, edges, height, font_scale)}


def _edges(rates: Sequence[float], edges: Sequence[tuple[str, float]], font_size: int) -> tuple[list, list]:
    """Each (label, value) within the chart's rates as a dashed vertical line and its label: the first label
    left of its line, the next right of its own, so that close lines keep both clear."""
    shapes, notes = [], []
    for side, (label, value) in enumerate(edges):
        if not (np.isfinite(value) and min(rates) / 3 <= value <= max(rates) * 3):
            continue
        line = {"type": "line", "xref": "x", "yref": "paper", "x0": value, "x1": value, "y0": 0, "y1": 1}
        shapes.append({**line, "line": {"color": "#555555", "dash": "dash", "width": 2}})
        left = side % 2 == 0
        notes.append(
            {
                "x": float(np.log10(value)),
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": f"{label} = {number(value, '.3g')}",
                "showarrow": False,
                "xanchor": "right" if left else "left",
                "xshift": -4 if left else 4,
                "yanchor": "top",
                "font": {"size": font_size, "color": INK},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )
    return shapes, notes


def _layout(
    rates: Sequence[float], y_range: Sequence[float], edges: Sequence[tuple[str, float]], height: int, font_scale: float
) -> dict:
    """Both axes logarithmic, large dark type, the legend above the panel."""
    size = lambda px: round(px * font_scale)  # noqa: E731
    shapes, notes = _edges(rates, edges, size(15))
    axis = {**AXIS, "tickfont": {"size": size(16)}, "title": {"font": {"size": size(18)}}}
    ticks = [v for v in (1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100) if min(rates) <= v <= max(rates)]
    y_ticks = _log_ticks(*y_range)
    return {
        "height": height,
        "margin": {"l": 70, "r": 20, "t": 30, "b": 60},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": {"size": size(16), "color": INK},
        "xaxis": {
            **axis,
            "type": "log",
            "title": {**axis["title"], "text": "learning rate η"},
            "tickvals": ticks,
            "ticktext": [number(v) for v in ticks],
            "range": [np.log10(min(rates)) - 0.2, np.log10(max(rates)) + 0.2],
        },
        "yaxis": {
            **axis,
            "type": "log",
            "title": {**axis["title"], "text": "loss at this epoch"},
            "range": list(y_range),
            "tickvals": y_ticks,
            "ticktext": [number(v, ".3g") for v in y_ticks],
        },
        "shapes": shapes,
        "annotations": notes,
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": size(14)}},
        "showlegend": True,
    }
