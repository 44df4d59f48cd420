"""Plotly figures: pure functions from data and snapshots to a figure; no Streamlit here.

The animation is one figure whose frames the browser plays (Play/Pause and a scrubber):
the data points are sent once, and each frame restyles only the traces that move
(the boundary, the lines of equal probability and the markers on the loss/accuracy curves).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from _plotly_utils.utils import convert_to_base64

from .analysis import Landscape
from .data import Dataset
from .geometry import PROBABILITY_LEVELS, clip_lines, logit
from .train import Snapshot

# Okabe–Ito colours (distinguishable with colour-blindness); classes also differ by marker shape.
CLASS_COLORS = ("#0072B2", "#D55E00")
CLASS_SYMBOLS = ("circle", "triangle-up")
TRAIN_COLOR, TEST_COLOR, TRUE_COLOR = "#0072B2", "#CC79A7", "#009E73"
MAX_FRAMES = 300  # more frames play slower than 30 per second and weigh on the page
MAX_POINTS = 3000  # more points slow the browser without showing anything new


class FramedFigure(go.Figure):
    """A go.Figure kept as the plain dict it was built from, frames included.

    Plotly validates and deep-copies every trace and go.Frame it is given (about 1 ms a frame), on
    every rerun. These figures are made by this module only and checked against Plotly's schema by
    the tests, so they skip that: `to_dict()`, which Streamlit, `to_json` and `to_html` serialise,
    returns a copy of the dict with its NumPy arrays in Plotly's binary form.
    """

    def __init__(self, figure: dict):
        super().__init__()
        self._plain = figure

    def to_dict(self) -> dict:
        """A copy of the figure as Plotly's dict, its NumPy arrays in Plotly's binary form."""
        result = _copy_containers(self._plain)
        convert_to_base64(result["data"])  # NumPy arrays live in the traces only; frames hold short lists
        return result


def _copy_containers(value):
    """Copy dicts and lists (the caller may rewrite them); share everything else, arrays included."""
    if isinstance(value, dict):
        return {k: _copy_containers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_containers(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


@dataclass(frozen=True)
class Thinning:
    """Which snapshots become frames and which points are drawn, and how to say so."""

    frame_index: np.ndarray  # indices into the history, first and last always kept
    point_index: np.ndarray | None  # indices of the training points drawn; None = all
    n_points: int

    def notes(self, n_snapshots: int) -> list[str]:
        notes = []
        if len(self.frame_index) < n_snapshots:
            notes.append(
                f"The animation shows {len(self.frame_index)} of {n_snapshots} epochs, evenly spaced with the first "
                "and the last included; the loss and accuracy curves show every epoch."
            )
        if self.point_index is not None:
            notes.append(
                f"The plot shows a random sample of {len(self.point_index):,} of {self.n_points:,} training points; "
                "training, loss and accuracy use all of them."
            )
        return notes


def thinning(n_snapshots: int, n_points: int, max_frames: int = MAX_FRAMES, max_points: int = MAX_POINTS,
             seed: int = 0) -> Thinning:
    if n_snapshots <= max_frames:
        frames = np.arange(n_snapshots)
    else:
        frames = np.unique(np.round(np.linspace(0, n_snapshots - 1, max_frames)).astype(int))
    points = None
    if n_points > max_points:
        points = np.sort(np.random.RandomState(seed).choice(n_points, max_points, replace=False))
    return Thinning(frames, points, n_points)


def data_box(*arrays: np.ndarray, pad: float = 0.08) -> tuple[float, float, float, float]:
    """(x_min, x_max, y_min, y_max) around all points, padded; never empty."""
    X = np.vstack([a for a in arrays if a is not None and len(a)])
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.maximum(hi - lo, 1e-9 + 1e-6 * np.abs(hi))
    lo, hi = lo - pad * span, hi + pad * span
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def _segments(w: np.ndarray, b: np.ndarray, levels: Sequence[float], box) -> tuple[np.ndarray, np.ndarray]:
    """x and y arrays, (F, 3·L), of L segments per frame separated by NaN gaps (Plotly breaks lines there)."""
    parts_x, parts_y = [], []
    for level in levels:
        seg = clip_lines(w, b, float(level), box)
        parts_x += [seg[:, [0, 2]], np.full((len(b), 1), np.nan)]
        parts_y += [seg[:, [1, 3]], np.full((len(b), 1), np.nan)]
    return np.hstack(parts_x), np.hstack(parts_y)


def _xy(x: np.ndarray, y: np.ndarray) -> dict:
    """Coordinates for a frame trace: lists with None for gaps (NaN is not valid JSON)."""
    return {"x": [None if v != v else v for v in np.round(x, 5).tolist()],  # v != v: NaN
            "y": [None if v != v else v for v in np.round(y, 5).tolist()]}


def boundary_status(w: np.ndarray, b: float, box, inside: bool | None = None) -> str:
    """What a student sees of the boundary, in words. inside: whether the line crosses the box,
    when the caller has already clipped it."""
    if not np.any(w):
        return "no boundary yet (w = 0)"
    if inside is None:
        inside = not np.isnan(clip_lines(w[None, :], np.array([b]), 0.0, box)[0, 0])
    if not inside:
        return "boundary outside the view"
    if w[1] == 0:
        return f"vertical boundary x1 = {-b / w[0]:.3g}"
    return f"x2 = {-w[0] / w[1]:.3g}·x1 {'+' if -b / w[1] >= 0 else '−'} {abs(b / w[1]):.3g}"


def shown_names(data: Dataset) -> tuple[list[str], list[str]]:
    """Feature and class names as Plotly should print them: escaped, since Plotly reads a subset of
    HTML in text (a column named <a href=…> from an uploaded file must stay text, not become a link)."""
    def shown(text) -> str:
        return html.escape(str(text), quote=False)  # with < and > escaped no tag can form; quotes may stay

    return [shown(n) for n in data.feature_names], [shown(c) for c in data.class_names]


def number(x: float, spec: str) -> str:
    """x formatted by spec, or in scientific notation once it is too large to read that way."""
    if abs(x) < 1e6:
        return format(x, spec)
    return format(x, ("+" if "+" in spec else "") + ".3e")


def readout(s: Snapshot, names: Sequence[str], box, inside: bool | None = None) -> str:
    """The scrubber's line for one epoch: parameters, loss and accuracy, and the boundary in words."""
    text = (f"epoch {s.epoch} · w1 {number(s.w[0], '+.3f')} w2 {number(s.w[1], '+.3f')} b {number(s.b, '+.3f')}"
            f" · loss {number(s.loss, '.4f')} · accuracy {s.accuracy:.1%}")
    if s.test_loss is not None:
        text += f" · test loss {number(s.test_loss, '.4f')} · test accuracy {s.test_accuracy:.1%}"
    return text + " · " + boundary_status(s.w, s.b, box, inside)


def _points(data: Dataset, idx: np.ndarray | None, split_name: str, test: bool) -> list[dict]:
    X, y = (data.X, data.y) if idx is None else (data.X[idx], data.y[idx])
    features, classes = shown_names(data)
    traces = []
    for k in (0, 1):
        sel = y == k
        traces.append({
            "type": "scattergl" if len(X) > 5000 else "scatter",
            "mode": "markers",
            "name": f"{classes[k]} ({split_name})",
            "x": X[sel, 0].astype(np.float32), "y": X[sel, 1].astype(np.float32),
            "marker": {
                "color": CLASS_COLORS[k] if not test else "rgba(0,0,0,0)",
                "symbol": CLASS_SYMBOLS[k] + ("-open" if test else ""),
                "size": 7 if not test else 8,
                "line": {"width": 1.5 if test else 0.5, "color": CLASS_COLORS[k] if test else "white"},
            },
            "xaxis": "x", "yaxis": "y",
            "hovertemplate": f"{features[0]} %{{x:.3g}}<br>{features[1]} %{{y:.3g}}"
                             f"<extra>class {classes[k]} ({split_name})</extra>",
        })
    return traces


def animation_figure(
    train: Dataset,
    history: Sequence[Snapshot],
    *,
    test: Dataset | None = None,
    true_line: tuple[np.ndarray, float] | None = None,
    plan: Thinning | None = None,
    landscape: Landscape | None = None,
    frame_ms: int = 30,
    height: int = 640,
) -> FramedFigure:
    """The main view: data, learned boundary and probability lines (left); loss and accuracy (right).

    history: snapshots 0..T of one run on `train`. true_line: the generating (w, b), drawn dashed.
    landscape: adds a fourth panel, the loss over (w1, w2) with the run's path and its current point.
    All frames share fixed axis ranges; frame k restyles traces 5, 6, 9 and 12 (and 17) only.
    """
    if not history:
        raise ValueError("history must hold at least one snapshot")
    plan = plan or thinning(len(history), train.n)
    names, _ = shown_names(train)
    box = data_box(train.X if plan.point_index is None else train.X[plan.point_index],
                   None if test is None else test.X)
    shown = [history[i] for i in plan.frame_index]
    W = np.array([s.w for s in shown])
    B = np.array([s.b for s in shown])
    prob_x, prob_y = _segments(W, B, [float(v) for v in logit(np.array(PROBABILITY_LEVELS))], box)
    line_x, line_y = _segments(W, B, [0.0], box)

    epochs = np.array([s.epoch for s in history], dtype=np.float32)
    loss = np.array([s.loss for s in history])  # float64: a diverging run's loss can pass float32's 3.4e38
    acc = np.array([s.accuracy for s in history], dtype=np.float32)
    has_test = history[0].test_loss is not None
    t_loss = np.array([s.test_loss for s in history]) if has_test else np.array([])
    t_acc = np.array([s.test_accuracy for s in history], dtype=np.float32) if has_test else np.array([], np.float32)
    loss_top = float(np.max(np.concatenate([loss, t_loss]))) * 1.08 or 1.0
    last_epoch = max(int(epochs[-1]), 1)

    empty = np.array([], dtype=np.float32)
    data = _points(train, plan.point_index, "train", False)
    data += _points(test, None, "test", True) if test is not None else [
        {"type": "scatter", "mode": "markers", "x": empty, "y": empty, "showlegend": False, "hoverinfo": "skip"}
    ] * 2
    if true_line is not None:
        tx, ty = _segments(np.asarray(true_line[0], float)[None, :], np.array([true_line[1]]), [0.0], box)
        data.append({"type": "scatter", "mode": "lines", "name": "true boundary", "x": tx[0], "y": ty[0],
                     "line": {"color": TRUE_COLOR, "dash": "dash", "width": 2}, "hoverinfo": "skip"})
    else:
        data.append({"type": "scatter", "mode": "lines", "x": empty, "y": empty, "showlegend": False})

    def frame_traces(k: int) -> list[dict]:
        s = shown[k]
        marker_y = [float(s.loss)] + ([float(s.test_loss)] if has_test else [])
        acc_y = [float(s.accuracy)] + ([float(s.test_accuracy)] if has_test else [])
        traces = [
            {**_xy(prob_x[k], prob_y[k])},
            {**_xy(line_x[k], line_y[k])},
            {"x": [s.epoch] * len(marker_y), "y": marker_y},
            {"x": [s.epoch] * len(acc_y), "y": acc_y},
        ]
        if landscape is not None:
            traces.append({"x": [float(s.w[0])], "y": [float(s.w[1])]})
        return traces

    first = frame_traces(0)
    marker_colors = [TRAIN_COLOR, TEST_COLOR][: 2 if has_test else 1]
    data += [
        {"type": "scatter", "mode": "lines", "name": "p = 0.1, 0.25, 0.75, 0.9", **first[0],
         "line": {"color": "#888888", "dash": "dot", "width": 1.2}, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "lines", "name": "learned boundary (p = 0.5)", **first[1],
         "line": {"color": "#000000", "width": 3}, "hoverinfo": "skip"},
        *_curve_panel("loss", "2", ".4f", epochs, loss, t_loss if has_test else None, first[2], marker_colors),
        *_curve_panel("accuracy", "3", ".1%", epochs, acc, t_acc if has_test else None, first[3], marker_colors),
    ]
    moving = [5, 6, 9, 12]
    if landscape is not None:
        data += _landscape_traces(landscape, history, names, first[4])
        moving.append(17)
    frames = [{"name": str(s.epoch), "traces": moving, "data": frame_traces(k)} for k, s in enumerate(shown)]

    inside = ~np.isnan(line_x[:, 0])  # the clipped boundary of each frame, computed above
    labels = [readout(s, names, box, bool(inside[k])) for k, s in enumerate(shown)]
    steps = [{"method": "animate", "label": labels[k],
              "args": [[str(s.epoch)], {"mode": "immediate", "frame": {"duration": 0, "redraw": False},
                                        "transition": {"duration": 0}}]}
             for k, s in enumerate(shown)]
    play = {"label": "▶ Play", "method": "animate",
            "args": [None, {"frame": {"duration": frame_ms, "redraw": False}, "transition": {"duration": 0},
                            "fromcurrent": True, "mode": "immediate"}]}
    pause = {"label": "❚❚ Pause", "method": "animate",
             "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate",
                               "transition": {"duration": 0}}]}
    axis = {"showgrid": True, "gridcolor": "#e6e6e6", "zeroline": False, "fixedrange": True}
    domains = _LAYOUT_WITH_LANDSCAPE if landscape is not None else _LAYOUT
    layout = {
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 95, "b": 85},
        "plot_bgcolor": "white",
        "font": {"size": 15},
        "legend": {"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top", "font": {"size": 13}},
        "xaxis": {**axis, "domain": domains["x"], "range": list(box[:2]), "title": {"text": names[0]}},
        "yaxis": {**axis, "domain": [0, 1], "range": list(box[2:]), "title": {"text": names[1]}},
        "xaxis2": {**axis, "domain": domains["x2"], "range": [0, last_epoch], "anchor": "y2",
                   "title": {"text": "epoch" if landscape is not None else ""}},
        "yaxis2": {**axis, "domain": domains["y2"], "range": [0, loss_top], "anchor": "x2",
                   "title": {"text": "loss"}},
        "xaxis3": {**axis, "domain": domains["x3"], "range": [0, last_epoch], "anchor": "y3",
                   "title": {"text": "epoch"}},
        "yaxis3": {**axis, "domain": domains["y3"], "range": [0, 1.02], "anchor": "x3", "tickformat": ".0%",
                   "title": {"text": "accuracy"}},
        # Play, Pause and the scrubber sit above the plots, where a laptop screen shows them
        "updatemenus": [{"type": "buttons", "direction": "left", "showactive": False, "x": 0, "y": 1.02,
                         "xanchor": "left", "yanchor": "bottom", "pad": {"t": 0, "r": 10},
                         "buttons": [play, pause]}],
        "sliders": [{"active": 0, "steps": steps, "x": 0.2, "len": 0.8, "y": 1.0, "yanchor": "bottom",
                     "pad": {"t": 0, "b": 10}, "ticklen": 0, "minorticklen": 0,
                     "font": {"size": 1, "color": "rgba(0,0,0,0)"},
                     "currentvalue": {"visible": True, "prefix": "", "xanchor": "left",
                                      "font": {"size": 15, "color": "#222"}},
                     "transition": {"duration": 0}}],
    }
    if landscape is not None:
        layout["xaxis4"] = {**axis, "domain": domains["x4"], "range": [float(landscape.w1[0]), float(landscape.w1[-1])],
                            "anchor": "y4", "title": {"text": f"w_{names[0]}", "standoff": 2}}
        layout["yaxis4"] = {**axis, "domain": domains["y4"], "range": [float(landscape.w2[0]), float(landscape.w2[-1])],
                            "anchor": "x4", "title": {"text": f"w_{names[1]}"}}
        layout["annotations"] = [{"text": f"loss landscape ({landscape.description})", "showarrow": False,
                                  "xref": "x4 domain", "yref": "y4 domain", "x": 0, "y": 1.0,
                                  "xanchor": "left", "yanchor": "bottom", "font": {"size": 13}}]
    return FramedFigure({"data": data, "layout": layout, "frames": frames})


_LAYOUT = {"x": [0, 0.56], "x2": [0.66, 1], "y2": [0.56, 1], "x3": [0.66, 1], "y3": [0, 0.44]}
_LAYOUT_WITH_LANDSCAPE = {"x": [0, 0.44], "x4": [0.53, 1], "y4": [0.44, 0.95],
                          "x2": [0.53, 0.72], "y2": [0, 0.3], "x3": [0.83, 1], "y3": [0, 0.3]}


def _curve_panel(what: str, axis: str, number: str, epochs: np.ndarray, train: np.ndarray,
                 test: np.ndarray | None, marker: dict, colors: list[str]) -> list[dict]:
    """A panel's three traces: the training curve, the test curve (empty without test data) and the
    markers of the current epoch (the one that moves)."""
    on_axes = {"xaxis": f"x{axis}", "yaxis": f"y{axis}", "showlegend": False}
    curves = []
    for part, y, style in (("training", train, {"color": TRAIN_COLOR}),
                           ("test", test, {"color": TEST_COLOR, "dash": "dash"})):
        x = epochs if y is not None else np.array([], np.float32)
        curves.append({"type": "scatter", "mode": "lines", "name": f"{part} {what}", "x": x,
                       "y": y if y is not None else np.array([], np.float32), "line": style, **on_axes,
                       "hovertemplate": f"epoch %{{x}}<br>{part} {what} %{{y:{number}}}<extra></extra>"})
    curves.append({"type": "scatter", "mode": "markers", **marker, "marker": {"color": colors, "size": 11},
                   **on_axes, "hoverinfo": "skip"})
    return curves


def _landscape_traces(land: Landscape, history: Sequence[Snapshot], names: Sequence[str], current: dict) -> list:
    """Traces 13–17, line and marker traces only (frames leave them in place): the loss contours,
    the run's path, the minimum, the truth and the current point."""
    path = np.array([s.w for s in history])  # float64, like the losses
    cx, cy = land.contours
    none = {"type": "scatter", "x": [], "y": [], "showlegend": False, "xaxis": "x4", "yaxis": "y4"}
    return [
        {"type": "scatter", "mode": "lines", "x": cx, "y": cy, "xaxis": "x4", "yaxis": "y4",
         "line": {"color": "#6b8fb5", "width": 1}, "name": "loss contours", "showlegend": False,
         "hoverinfo": "skip"},
        {"type": "scatter", "mode": "lines", "x": path[:, 0], "y": path[:, 1], "xaxis": "x4", "yaxis": "y4",
         "line": {"color": "#D55E00", "width": 2}, "name": "path of (w1, w2)", "showlegend": False,
         "hoverinfo": "skip"},
        {**none, "mode": "markers", "x": [land.minimum[0]], "y": [land.minimum[1]], "name": "minimum",
         "marker": {"symbol": "star", "size": 15, "color": "#F0E442", "line": {"color": "#000", "width": 1}},
         "hovertemplate": "minimum of the loss<extra></extra>"} if land.minimum else dict(none),
        {**none, "mode": "markers", "x": [land.truth[0]], "y": [land.truth[1]], "name": "true weights",
         "marker": {"symbol": "x", "size": 12, "color": TRUE_COLOR},
         "hovertemplate": "true weights<extra></extra>"} if land.truth else dict(none),
        {"type": "scatter", "mode": "markers", **current, "xaxis": "x4", "yaxis": "y4", "showlegend": False,
         "marker": {"size": 13, "color": "#D55E00", "line": {"color": "#fff", "width": 2}}, "hoverinfo": "skip"},
    ]
