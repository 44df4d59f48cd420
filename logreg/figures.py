"""The main animated figure: pure functions from data and snapshots to a Plotly figure dict; no Streamlit.

The animation is one figure whose frames the browser plays (Play/Pause and a scrubber):
the data points are sent once, and each frame restyles only the traces that move
(the boundary, the lines of equal probability and the markers on the loss/accuracy curves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .analysis import Landscape
from .data import Dataset
from .formatting import number
from .geometry import PROBABILITY_LEVELS, logit
from .plot_parts import (
    AXIS,
    CLASS_COLORS,
    CLASS_SYMBOLS,
    TEST_COLOR,
    TRAIN_COLOR,
    TRUE_COLOR,
    Thinning,
    Traces,
    boundary_status,
    data_box,
    epoch_slider,
    play_controls,
    segments,
    shown_names,
    thinning,
    xy,
)
from .train import Snapshot


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


@dataclass(frozen=True, eq=False)
class _Course:
    """What the animation needs of a run: its snapshots as arrays, and the frames' geometry."""

    history: Sequence[Snapshot]
    shown: list[Snapshot]  # the snapshots that become frames
    box: tuple[float, float, float, float]  # the data panel's fixed ranges
    prob_x: np.ndarray  # (F, ·) lines of equal probability per frame, NaN-separated
    prob_y: np.ndarray
    line_x: np.ndarray  # (F, 3) the boundary per frame
    line_y: np.ndarray
    epochs: np.ndarray  # (T,) every snapshot's epoch, for the curves
    loss: np.ndarray  # float64: a diverging run's loss can pass float32's 3.4e38
    accuracy: np.ndarray
    test_loss: np.ndarray | None
    test_accuracy: np.ndarray | None

    @classmethod
    def of(cls, train: Dataset, test: Dataset | None, history: Sequence[Snapshot], plan: Thinning) -> _Course:
        box = data_box(train.X if plan.point_index is None else train.X[plan.point_index],
                       None if test is None else test.X)
        shown = [history[i] for i in plan.frame_index]
        W = np.array([s.w for s in shown])
        B = np.array([s.b for s in shown])
        prob_x, prob_y = segments(W, B, [float(v) for v in logit(np.array(PROBABILITY_LEVELS))], box)
        line_x, line_y = segments(W, B, [0.0], box)
        has_test = history[0].test_loss is not None
        return cls(
            history, shown, box, prob_x, prob_y, line_x, line_y,
            epochs=np.array([s.epoch for s in history], dtype=np.float32),
            loss=np.array([s.loss for s in history]),
            accuracy=np.array([s.accuracy for s in history], dtype=np.float32),
            test_loss=np.array([s.test_loss for s in history]) if has_test else None,
            test_accuracy=np.array([s.test_accuracy for s in history], dtype=np.float32) if has_test else None,
        )

    def updates(self, k: int, landscape: bool) -> dict[str, dict]:
        """The moving traces' values at frame k, by role."""
        s = self.shown[k]
        has_test = self.test_loss is not None
        out = {
            "probability": xy(self.prob_x[k], self.prob_y[k]),
            "boundary": xy(self.line_x[k], self.line_y[k]),
            "loss marker": {"x": [s.epoch] * (1 + has_test),
                            "y": [float(s.loss)] + ([float(s.test_loss)] if has_test else [])},
            "accuracy marker": {"x": [s.epoch] * (1 + has_test),
                                "y": [float(s.accuracy)] + ([float(s.test_accuracy)] if has_test else [])},
        }
        if landscape:
            out["landscape point"] = {"x": [float(s.w[0])], "y": [float(s.w[1])]}
        return out


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
) -> dict:
    """The main view: data, learned boundary and probability lines (left); loss and accuracy (right).

    history: snapshots 0..T of one run on `train`. true_line: the generating (w, b), drawn dashed.
    landscape: adds a fourth panel, the loss over (w1, w2) with the run's path and its current point.
    All frames share fixed axis ranges and restyle only the traces that move (each has a `uid`
    naming its role: "probability", "boundary", "loss marker", "accuracy marker", "landscape point").
    """
    if not history:
        raise ValueError("history must hold at least one snapshot")
    plan = plan or thinning(len(history), train.n)
    course = _Course.of(train, test, history, plan)
    traces = _traces(train, test, course, plan, true_line, landscape)
    frames = [traces.frame(str(s.epoch), course.updates(k, landscape is not None))
              for k, s in enumerate(course.shown)]
    layout = _layout(train, course, landscape, frame_ms, height)
    return {"data": traces.data, "layout": layout, "frames": frames}


def _traces(train: Dataset, test: Dataset | None, course: _Course, plan: Thinning,
            true_line: tuple[np.ndarray, float] | None, landscape: Landscape | None) -> Traces:
    """Every trace in drawing order; the moving ones hold frame 0's values."""
    empty = np.array([], dtype=np.float32)
    hidden = {"type": "scatter", "mode": "markers", "x": empty, "y": empty, "showlegend": False, "hoverinfo": "skip"}
    traces = Traces()
    traces.add(*_points(train, plan.point_index, "train", False))
    traces.add(*(_points(test, None, "test", True) if test is not None else [hidden, hidden]))
    if true_line is not None:
        tx, ty = segments(np.asarray(true_line[0], float)[None, :], np.array([true_line[1]]), [0.0], course.box)
        traces.add({"type": "scatter", "mode": "lines", "name": "true boundary", "x": tx[0], "y": ty[0],
                    "line": {"color": TRUE_COLOR, "dash": "dash", "width": 2}, "hoverinfo": "skip"})
    else:
        traces.add({**hidden, "mode": "lines"})
    first = course.updates(0, landscape is not None)
    traces.add_moving("probability", {
        "type": "scatter", "mode": "lines", "name": "p = 0.1, 0.25, 0.75, 0.9", **first["probability"],
        "line": {"color": "#888888", "dash": "dot", "width": 1.2}, "hoverinfo": "skip"})
    traces.add_moving("boundary", {
        "type": "scatter", "mode": "lines", "name": "learned boundary (p = 0.5)", **first["boundary"],
        "line": {"color": "#000000", "width": 3}, "hoverinfo": "skip"})
    colors = [TRAIN_COLOR, TEST_COLOR][: 2 if course.test_loss is not None else 1]
    for what, axis, fmt, train_curve, test_curve in (
        ("loss", "2", ".4f", course.loss, course.test_loss),
        ("accuracy", "3", ".1%", course.accuracy, course.test_accuracy),
    ):
        traces.add(*_curves(what, axis, fmt, course.epochs, train_curve, test_curve))
        traces.add_moving(f"{what} marker", {
            "type": "scatter", "mode": "markers", **first[f"{what} marker"], "marker": {"color": colors, "size": 11},
            "xaxis": f"x{axis}", "yaxis": f"y{axis}", "showlegend": False, "hoverinfo": "skip"})
    if landscape is not None:
        traces.add(*_landscape_traces(landscape, course.history))
        traces.add_moving("landscape point", {
            "type": "scatter", "mode": "markers", **first["landscape point"], "xaxis": "x4", "yaxis": "y4",
            "showlegend": False, "marker": {"size": 13, "color": "#D55E00", "line": {"color": "#fff", "width": 2}},
            "hoverinfo": "skip"})
    return traces


def _curves(what: str, axis: str, fmt: str, epochs: np.ndarray, train: np.ndarray,
            test: np.ndarray | None) -> list[dict]:
    """A panel's training and test curves (the test one empty without test data)."""
    on_axes = {"xaxis": f"x{axis}", "yaxis": f"y{axis}", "showlegend": False}
    curves = []
    for part, y, style in (("training", train, {"color": TRAIN_COLOR}),
                           ("test", test, {"color": TEST_COLOR, "dash": "dash"})):
        x = epochs if y is not None else np.array([], np.float32)
        curves.append({"type": "scatter", "mode": "lines", "name": f"{part} {what}", "x": x,
                       "y": y if y is not None else np.array([], np.float32), "line": style, **on_axes,
                       "hovertemplate": f"epoch %{{x}}<br>{part} {what} %{{y:{fmt}}}<extra></extra>"})
    return curves


def _landscape_traces(land: Landscape, history: Sequence[Snapshot]) -> list[dict]:
    """The landscape panel's fixed traces: the loss contours, the run's path, the minimum and the truth."""
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
    ]


def _layout(train: Dataset, course: _Course, landscape: Landscape | None, frame_ms: int, height: int) -> dict:
    """Fixed axis ranges for every panel, Play/Pause and the scrubber above the plots."""
    names, _ = shown_names(train)
    box = course.box
    curves = [course.loss] + ([course.test_loss] if course.test_loss is not None else [])
    loss_top = float(np.max(np.concatenate(curves))) * 1.08 or 1.0
    last_epoch = max(int(course.epochs[-1]), 1)
    inside = ~np.isnan(course.line_x[:, 0])  # whether each frame's boundary crosses the data panel
    labels = [readout(s, names, box, bool(inside[k])) for k, s in enumerate(course.shown)]
    domains = _LAYOUT_WITH_LANDSCAPE if landscape is not None else _LAYOUT
    layout = {
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 95, "b": 85},
        "plot_bgcolor": "white",
        "font": {"size": 15},
        "legend": {"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top", "font": {"size": 13}},
        "xaxis": {**AXIS, "domain": domains["x"], "range": list(box[:2]), "title": {"text": names[0]}},
        "yaxis": {**AXIS, "domain": [0, 1], "range": list(box[2:]), "title": {"text": names[1]}},
        "xaxis2": {**AXIS, "domain": domains["x2"], "range": [0, last_epoch], "anchor": "y2",
                   "title": {"text": "epoch" if landscape is not None else ""}},
        "yaxis2": {**AXIS, "domain": domains["y2"], "range": [0, loss_top], "anchor": "x2",
                   "title": {"text": "loss"}},
        "xaxis3": {**AXIS, "domain": domains["x3"], "range": [0, last_epoch], "anchor": "y3",
                   "title": {"text": "epoch"}},
        "yaxis3": {**AXIS, "domain": domains["y3"], "range": [0, 1.02], "anchor": "x3", "tickformat": ".0%",
                   "title": {"text": "accuracy"}},
        # Play, Pause and the scrubber sit above the plots, where a laptop screen shows them
        "updatemenus": [play_controls(frame_ms, x=0, y=1.02, xanchor="left", yanchor="bottom",
                                      pad={"t": 0, "r": 10})],
        "sliders": [epoch_slider([str(s.epoch) for s in course.shown], labels, x=0.2, len=0.8, y=1.0,
                                 yanchor="bottom", pad={"t": 0, "b": 10})],
    }
    if landscape is not None:
        layout["xaxis4"] = {**AXIS, "domain": domains["x4"], "range": [float(landscape.w1[0]), float(landscape.w1[-1])],
                            "anchor": "y4", "title": {"text": f"w_{names[0]}", "standoff": 2}}
        layout["yaxis4"] = {**AXIS, "domain": domains["y4"], "range": [float(landscape.w2[0]), float(landscape.w2[-1])],
                            "anchor": "x4", "title": {"text": f"w_{names[1]}"}}
        layout["annotations"] = [{"text": f"loss landscape ({landscape.description})", "showarrow": False,
                                  "xref": "x4 domain", "yref": "y4 domain", "x": 0, "y": 1.0,
                                  "xanchor": "left", "yanchor": "bottom", "font": {"size": 13}}]
    return layout


_LAYOUT = {"x": [0, 0.56], "x2": [0.66, 1], "y2": [0.56, 1], "x3": [0.66, 1], "y3": [0, 0.44]}
_LAYOUT_WITH_LANDSCAPE = {"x": [0, 0.44], "x4": [0.53, 1], "y4": [0.44, 0.95],
                          "x2": [0.53, 0.72], "y2": [0, 0.3], "x3": [0.83, 1], "y3": [0, 0.3]}
