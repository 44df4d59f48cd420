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
    INK,
    LANE_COLORS,
    LANE_DASHES,
    LANE_SYMBOLS,
    LANES,
    TEST_COLOR,
    TRAIN_COLOR,
    TRUE_COLOR,
    Role,
    Thinning,
    Traces,
    boundary_status,
    data_box,
    epoch_slider,
    lane_uid,
    play_controls,
    segments,
    shown_names,
    thinning,
    xy,
)
from .train import Snapshot


def readout(s: Snapshot, names: Sequence[str], box, inside: bool | None = None) -> str:
    """The scrubber's line for one epoch: parameters, loss and accuracy, and the boundary in words."""
    text = (
        f"epoch {s.epoch} · w1 {number(s.w[0], '+.3f')} w2 {number(s.w[1], '+.3f')} b {number(s.b, '+.3f')}"
        f" · loss {number(s.loss, '.4f')} · accuracy {s.accuracy:.1%}"
    )
    if s.test_loss is not None:
        text += f" · test loss {number(s.test_loss, '.4f')} · test accuracy {s.test_accuracy:.1%}"
    return text + " · " + boundary_status(s.w, s.b, box, inside)


def _points(data: Dataset, idx: np.ndarray | None, split_name: str, test: bool) -> list[dict]:
    """The points of one part, a trace per class. Test points are open symbols drawn in the class colour
    (an open symbol takes its outline from marker.color), so they stand out from the filled training points."""
    X, y = (data.X, data.y) if idx is None else (data.X[idx], data.y[idx])
    features, classes = shown_names(data)
    full_features, full_classes = shown_names(data, limit=None)  # hover text names a column in full
    traces = []
    for k in (0, 1):
        sel = y == k
        traces.append(
            {
                "type": "scattergl" if len(X) > 5000 else "scatter",
                "mode": "markers",
                "name": f"{classes[k]} ({split_name})",
                "x": X[sel, 0].astype(np.float32),
                "y": X[sel, 1].astype(np.float32),
                "marker": {
                    "color": CLASS_COLORS[k],
                    "symbol": CLASS_SYMBOLS[k] + ("-open" if test else ""),
                    "size": 9 if test else 8,
                    "line": {"width": 2} if test else {"width": 0.5, "color": "white"},
                },
                "xaxis": "x",
                "yaxis": "y",
                "hovertemplate": f"{full_features[0]} %{{x:.3g}}<br>{full_features[1]} %{{y:.3g}}"
                f"<extra>class {full_classes[k]} ({split_name})</extra>",
                "meta": {Role.POINTS: k},  # the player rings the points on the wrong side of the line p = τ
            }
        )
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
    def of(
        cls, train: Dataset, test: Dataset | None, history: Sequence[Snapshot], plan: Thinning, level: float = 0.0
    ) -> _Course:
        box = data_box(
            train.X if plan.point_index is None else train.X[plan.point_index], None if test is None else test.X
        )
        shown = [history[i] for i in plan.frame_index]
        W = np.array([s.w for s in shown])
        B = np.array([s.b for s in shown])
        prob_x, prob_y = segments(W, B, [float(v) for v in logit(np.array(PROBABILITY_LEVELS))], box)
        line_x, line_y = segments(W, B, [level], box)  # the decision line w·x + b = logit(τ)
        has_test = history[0].test_loss is not None
        return cls(
            history,
            shown,
            box,
            prob_x,
            prob_y,
            line_x,
            line_y,
            epochs=np.array([s.epoch for s in history], dtype=np.float32),
            loss=np.array([s.loss for s in history]),
            accuracy=np.array([s.accuracy for s in history], dtype=np.float32),
            test_loss=np.array([s.test_loss for s in history]) if has_test else None,
            test_accuracy=np.array([s.test_accuracy for s in history], dtype=np.float32) if has_test else None,
        )

    def updates(self, k: int, landscape: Landscape | None, sharpness: Sharpness | None) -> dict[str, dict]:
        """The moving traces' values at frame k, by role."""
        s = self.shown[k]
        has_test = self.test_loss is not None
        out = {
            Role.PROBABILITY: xy(self.prob_x[k], self.prob_y[k]),
            Role.BOUNDARY: xy(self.line_x[k], self.line_y[k]),
            Role.LOSS_MARKER: {
                "x": [s.epoch] * (1 + has_test),
                "y": [float(s.loss)] + ([float(s.test_loss)] if has_test else []),
            },
            Role.ACCURACY_MARKER: {
                "x": [s.epoch] * (1 + has_test),
                "y": [float(s.accuracy)] + ([float(s.test_accuracy)] if has_test else []),
            },
        }
        if landscape is not None:
            inside, pinned = _pin(s.w, landscape)
            x, y = inside or pinned
            out[Role.LANDSCAPE_POINT] = {
                "x": [x],
                "y": [y],
                "text": ["" if inside else "off the panel"],
                "marker": {"symbol": ["circle" if inside else "x-thin-open"]},
            }
        if sharpness is not None:
            out[Role.SHARPNESS_MARKER] = {"x": [s.epoch], "y": [float(sharpness.values[k])]}
        return out


@dataclass(frozen=True, eq=False)
class Sharpness:
    """The sharpness s(θ) = λmax of the Hessian at each frame's snapshot, and the rate it is compared with.

    values (F,): one per frame (the snapshots `thinning` keeps). Gradient descent with rate η
    overshoots along the sharpest direction wherever s(θ) > 2/η.
    """

    values: np.ndarray
    learning_rate: float

    @property
    def log_range(self) -> list[float]:
        """The panel's log10 range: every value and the level 2/η."""
        values = np.asarray(self.values, float)
        edge = 2.0 / self.learning_rate
        positive = values[values > 0]
        low = min(float(positive.min()) if positive.size else edge, edge)
        high = max(float(values.max()) if values.size else edge, edge)
        return [float(np.log10(low)) - 0.15, float(np.log10(high)) + 0.15]


def _pin(w: np.ndarray, land: Landscape) -> tuple[tuple[float, float] | None, tuple[float, float] | None]:
    """(w1, w2) inside the landscape panel, or None and the point on the panel's edge towards it."""
    x0, x1, y0, y1 = float(land.w1[0]), float(land.w1[-1]), float(land.w2[0]), float(land.w2[-1])
    x, y = float(w[0]), float(w[1])
    if x0 <= x <= x1 and y0 <= y <= y1:
        return (x, y), None
    # along the ray from the panel's centre towards w, to where it leaves the panel
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = x - cx, y - cy
    t = min((x1 - cx) / abs(dx) if dx else np.inf, (y1 - cy) / abs(dy) if dy else np.inf)
    return None, (cx + t * dx, cy + t * dy)


def animation_figure(
    train: Dataset,
    history: Sequence[Snapshot],
    *,
    test: Dataset | None = None,
    true_line: tuple[np.ndarray, float] | None = None,
    plan: Thinning | None = None,
    landscape: Landscape | None = None,
    sharpness: Sharpness | None = None,
    frame_ms: int = 30,
    height: int = 720,
    player: bool = False,
    font_scale: float = 1.0,
    frames: bool = True,
    lanes: bool = False,
    decision_level: float = 0.0,
) -> dict:
    """The main view: data, learned boundary and probability lines; loss; accuracy; optionally the
    loss landscape over (w1, w2) and the sharpness along the run.

    history: snapshots 0..T of one run on `train`. true_line: the generating (w, b), drawn dashed.
    All frames share fixed axis ranges and restyle only the traces that move; each has a `uid`
    naming its role ("probability", "boundary", "loss marker", …), and so do the curves that a
    player reveals epoch by epoch ("loss curve", "path", …).
    player: the page's player bar drives the frames with its own scrubber and shows each frame's readout
    (layout.meta["readouts"]), so Plotly's Play/Pause and scrubber are left out: Plotly's scrubber took a
    sixth of the chart's redraw (the figure alone, as exported, keeps them).
    frames: False leaves the frames out (the page's player draws every frame itself from the run's numbers);
    the moving traces then hold frame 0's values.
    lanes: the race: instead of one run's traces, LANES empty lanes (boundary, loss and accuracy curves and
    markers, path and point, by `plot_parts.lane_uid`), which the player fills from every rate's numbers;
    no sharpness panel, and no frames.
    decision_level: logit(τ), where the boundary is drawn (0: p = ½); the player's figure also rings the points
    on its wrong side at frame 0 (the player rings them at every other frame).
    """
    if not history:
        raise ValueError("history must hold at least one snapshot")
    if lanes and (frames or sharpness is not None):
        raise ValueError("the race's lanes are drawn by the player: no frames and no sharpness panel")
    plan = plan or thinning(len(history), train.n)
    if sharpness is not None and len(sharpness.values) != len(plan.frame_index):
        raise ValueError(f"sharpness needs one value per frame ({len(plan.frame_index)}); got {len(sharpness.values)}")
    course = _Course.of(train, test, history, plan, decision_level)
    traces = Traces()
    traces.add(*_data_traces(train, test, plan, true_line, course.box))
    if lanes:
        _lane_traces(traces, landscape, course.history)
    else:
        _run_traces(traces, course, landscape, sharpness, font_scale)
        if player and not frames:  # the player moves it at every other frame
            traces.add({**WRONG_TRACE, **_wrong_side(train, test, plan, history[0], decision_level)})
    steps = enumerate(course.shown) if frames else ()
    animation = [traces.frame(str(s.epoch), course.updates(k, landscape, sharpness)) for k, s in steps]
    layout = _layout(train, course, landscape, sharpness, plan, frame_ms, height, player, font_scale, lanes)
    return {"data": traces.data, "layout": layout, "frames": animation}


_HIDDEN = {"type": "scatter", "mode": "markers", "showlegend": False, "hoverinfo": "skip"}
# the points on the wrong side of the decision line p = τ, ringed (a shape, not a colour): the player fills it
WRONG_TRACE = {
    "type": "scatter",
    "mode": "markers",
    "name": "wrong at τ (ringed)",
    "showlegend": False,  # a seventh key wrapped the legend onto the panels: the caption under the chart says it
    "uid": Role.WRONG,
    "x": [],
    "y": [],
    "marker": {"symbol": "circle-open", "size": 13, "color": INK, "line": {"width": 1.25}},
    "xaxis": "x",
    "yaxis": "y",
    "hoverinfo": "skip",
}


def _wrong_side(train: Dataset, test: Dataset | None, plan: Thinning, s: Snapshot, level: float) -> dict:
    """The drawn points on the wrong side of the line w·x + b = level at snapshot s: a point is called 1 on or
    above it (p ≥ τ). From the coordinates as drawn (float32), as the player computes it at the other frames."""
    X, y = (train.X, train.y) if plan.point_index is None else (train.X[plan.point_index], train.y[plan.point_index])
    if test is not None:
        X, y = np.vstack([X, test.X]), np.concatenate([y, test.y])
    drawn = X.astype(np.float32).astype(float)
    called = s.w[0] * drawn[:, 0] + s.w[1] * drawn[:, 1] + s.b >= level
    wrong = called != (y == 1)
    return {"x": drawn[wrong, 0].astype(np.float32), "y": drawn[wrong, 1].astype(np.float32)}


def _empty() -> dict:
    return {**_HIDDEN, "x": np.array([], dtype=np.float32), "y": np.array([], dtype=np.float32)}


def _data_traces(
    train: Dataset, test: Dataset | None, plan: Thinning, true_line: tuple[np.ndarray, float] | None, box
) -> list[dict]:
    """The data panel's fixed traces: training and test points, a trace per class, and the true boundary
    (empty traces stand in for what is missing, so every figure has the same trace positions)."""
    traces = _points(train, plan.point_index, "train", False)
    traces += _points(test, None, "test", True) if test is not None else [_empty(), _empty()]
    if true_line is None:
        return [*traces, {**_empty(), "mode": "lines"}]
    tx, ty = segments(np.asarray(true_line[0], float)[None, :], np.array([true_line[1]]), [0.0], box)
    line = {"color": TRUE_COLOR, "dash": "dash", "width": 2.5}
    return [*traces, {"type": "scatter", "mode": "lines", "name": "true boundary", "x": tx[0], "y": ty[0],
                      "line": line, "hoverinfo": "skip"}]  # fmt: skip


def _marker(role: Role, first: dict, axis: str, marker: dict, **extra) -> dict:
    """A moving marker on panel `axis`, holding frame 0's values."""
    return {
        **_HIDDEN,
        **first[role],
        "marker": {**first[role].get("marker", {}), **marker},
        "xaxis": f"x{axis}",
        "yaxis": f"y{axis}",
        "cliponaxis": False,
        **extra,
    }


def _run_traces(
    traces: Traces, course: _Course, landscape: Landscape | None, sharpness: Sharpness | None, font_scale: float
) -> None:
    """One run's traces: its boundary and lines of equal probability, its curves and their markers, its
    path and point on the landscape, and its sharpness; the moving ones hold frame 0's values."""
    first = course.updates(0, landscape, sharpness)
    lines = {"type": "scatter", "mode": "lines", "hoverinfo": "skip"}
    dots = {"color": "#555555", "dash": "dot", "width": 1.5}
    traces.add_moving(Role.PROBABILITY, {**lines, "name": "p = 0.1 … 0.9", **first[Role.PROBABILITY], "line": dots})
    solid = {"color": "#000000", "width": 3.5}
    traces.add_moving(Role.BOUNDARY, {**lines, "name": "boundary (p = 0.5)", **first[Role.BOUNDARY], "line": solid})
    colors = [TRAIN_COLOR, TEST_COLOR][: 2 if course.test_loss is not None else 1]
    for what, axis, fmt, train_curve, test_curve in (
        ("loss", "2", ".4f", course.loss, course.test_loss),
        ("accuracy", "3", ".1%", course.accuracy, course.test_accuracy),
    ):
        traces.add(*_curves(what, axis, fmt, course.epochs, train_curve, test_curve))
        role = Role(f"{what} marker")
        traces.add_moving(role, _marker(role, first, axis, {"color": colors, "size": 12}))
    if landscape is not None:
        traces.add(*_landscape_traces(landscape, course.history))
        # one marker, always there: the point itself, or a cross on the panel's edge towards it, "off the panel"
        orange = {"size": 14, "color": "#D55E00", "line": {"color": "#D55E00", "width": 2}}
        text = {"textposition": "top center", "textfont": {"size": 14, "color": "#D55E00"}}
        point = _marker(Role.LANDSCAPE_POINT, first, "4", orange, mode="markers+text", **text)
        traces.add_moving(Role.LANDSCAPE_POINT, point)
    if sharpness is not None:
        traces.add(*_sharpness_traces(sharpness, course, round(16 * font_scale)))
        purple = {"size": 12, "color": "#7B3294"}
        traces.add_moving(Role.SHARPNESS_MARKER, _marker(Role.SHARPNESS_MARKER, first, "5", purple))


def _lane_traces(traces: Traces, landscape: Landscape | None, history: Sequence[Snapshot]) -> None:
    """The race's LANES lanes, empty: the player fills each from the numbers of the rate it shows. A lane
    differs from the others by colour, dash and marker shape, never by colour alone."""
    if landscape is not None:
        traces.add(*_landscape_traces(landscape, history, path=False))
    for k in range(LANES):
        color, dash, symbol = LANE_COLORS[k], LANE_DASHES[k], LANE_SYMBOLS[k]
        line = {"type": "scatter", "mode": "lines", "showlegend": False, "hoverinfo": "skip", "x": [], "y": []}
        marker = {
            **_HIDDEN,
            "x": [],
            "y": [],
            "cliponaxis": False,
            "marker": {"color": color, "symbol": symbol, "size": 12},
        }
        ring = {**marker["marker"], "size": 14, "line": {"color": "#ffffff", "width": 1.5}}
        parts = {
            Role.LANE_BOUNDARY: {**line, "line": {"color": color, "dash": dash, "width": 3.5}},
            Role.LANE_LOSS: {
                **line,
                "xaxis": "x2",
                "yaxis": "y2",
                "line": {"color": color, "dash": dash, "width": 3, "simplify": False},
            },
            Role.LANE_LOSS_MARKER: {**marker, "xaxis": "x2", "yaxis": "y2"},
            Role.LANE_ACCURACY: {
                **line,
                "xaxis": "x3",
                "yaxis": "y3",
                "line": {"color": color, "dash": dash, "width": 3, "simplify": False},
            },
            Role.LANE_ACCURACY_MARKER: {**marker, "xaxis": "x3", "yaxis": "y3"},
        }
        if landscape is not None:
            parts[Role.LANE_PATH] = {
                **line,
                "xaxis": "x4",
                "yaxis": "y4",
                "line": {"color": color, "dash": dash, "width": 2.5, "simplify": False},
            }
            parts[Role.LANE_POINT] = {**marker, "xaxis": "x4", "yaxis": "y4", "marker": ring}
        for role, trace in parts.items():
            traces.add({**trace, "uid": lane_uid(role, k)})


def _curves(
    what: str, axis: str, fmt: str, epochs: np.ndarray, train: np.ndarray, test: np.ndarray | None
) -> list[dict]:
    """A panel's training and test curves (the test one empty without test data). Their uids let a
    player draw them up to the epoch on screen only; simplify=False keeps every point for that."""
    on_axes = {"xaxis": f"x{axis}", "yaxis": f"y{axis}", "showlegend": False}
    curves = []
    for part, y, style, uid in (
        ("training", train, {"color": TRAIN_COLOR, "width": 3}, Role(f"{what} curve")),
        ("test", test, {"color": TEST_COLOR, "dash": "dash", "width": 3}, Role(f"test {what} curve")),
    ):
        x = epochs if y is not None else np.array([], np.float32)
        curves.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"{part} {what}",
                "x": x,
                "uid": uid,
                "y": y if y is not None else np.array([], np.float32),
                "line": {**style, "simplify": False},
                **on_axes,
                "hovertemplate": f"epoch %{{x}}<br>{part} {what} %{{y:{fmt}}}<extra></extra>",
            }
        )
    return curves


def _landscape_traces(land: Landscape, history: Sequence[Snapshot], path: bool = True) -> list[dict]:
    """The landscape panel's fixed traces: the loss contours, the run's path (none for the race, whose
    lanes have their own), the minimum, the truth and the start, each named where it is drawn."""
    cx, cy = land.contours
    none = {"type": "scatter", "x": [], "y": [], "showlegend": False, "xaxis": "x4", "yaxis": "y4"}
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": cx,
            "y": cy,
            "xaxis": "x4",
            "yaxis": "y4",
            "line": {"color": "#6b8fb5", "width": 1},
            "name": "loss contours",
            "showlegend": False,
            "hoverinfo": "skip",
        },
        {
            **none,
            "x": [land.minimum[0]],
            "y": [land.minimum[1]],
            "mode": "markers+text",
            "name": "minimum",
            "marker": {"symbol": "star", "size": 17, "color": "#F0E442", "line": {"color": "#000", "width": 1.5}},
            **_label("minimum", "top center"),
            "hovertemplate": "minimum of the loss<extra></extra>",
        }
        if land.minimum
        else dict(none),
        {
            **none,
            "x": [land.truth[0]],
            "y": [land.truth[1]],
            "mode": "markers+text",
            "name": "true weights",
            "marker": {"symbol": "x", "size": 13, "color": TRUE_COLOR},
            **_label("true w", "bottom left", TRUE_COLOR),
            "hovertemplate": "true weights<extra></extra>",
        }
        if land.truth
        else dict(none),
    ]
    if history:  # where every run starts, named (the run's own point moves away from it)
        traces.append(_start(history[0].w))
    if path:
        ws = np.array([s.w for s in history])  # float64, like the losses
        traces.insert(1, {
            **none,
            "mode": "lines",
            "x": ws[:, 0],
            "y": ws[:, 1],
            "line": {"color": "#D55E00", "width": 2.5, "simplify": False},
            "name": "path of (w1, w2)",
            "hoverinfo": "skip",
            "uid": Role.PATH,
        })  # fmt: skip
    return traces


def _start(w0: np.ndarray) -> dict:
    """The landscape's start point, named."""
    marker = {"symbol": "circle-open", "size": 12, "color": INK, "line": {"width": 2}}
    return {"type": "scatter", "mode": "markers+text", "x": [float(w0[0])], "y": [float(w0[1])], "xaxis": "x4",
            "yaxis": "y4", "name": "start", "showlegend": False, "marker": marker,
            **_label("start", "middle right"), "hoverinfo": "skip"}  # fmt: skip


def _curve_key(k: str, test: bool, size: int) -> dict:
    """Panel k's curves named over its top right corner: training solid, test dashed."""
    key = f"<span style='color:{TRAIN_COLOR}'>━ training</span>"
    key += f"   <span style='color:{TEST_COLOR}'>╍ test</span>" if test else ""
    return {**_panel_title(key, k, size), "x": 1, "xanchor": "right"}


def _label(text: str, position: str, color: str = INK) -> dict:
    """A marker's name, written beside it."""
    return {"text": [text], "textposition": position, "textfont": {"size": 14, "color": color}}


def _sharpness_traces(sharp: Sharpness, course: _Course, font_size: int = 16) -> list[dict]:
    """The sharpness at each frame's epoch, and the level 2/η above which a step overshoots, with its value
    written at the right end of its dashed line, on the side with more room (a trace, so that the player
    moves it with η in the same step as the curves)."""
    epochs = np.array([s.epoch for s in course.shown], dtype=np.float32)
    edge = 2.0 / sharp.learning_rate
    last = float(max(course.epochs[-1], 1))
    low, high = sharp.log_range
    upper = np.log10(edge) > (low + high) / 2
    return [
        {
            "type": "scatter",
            "mode": "text",
            "x": [last],
            "y": [edge],
            "text": [f"2/η = {number(edge, '.3g')}"],
            "textposition": "bottom left" if upper else "top left",
            "textfont": {"size": font_size, "color": "#7B3294"},
            "xaxis": "x5",
            "yaxis": "y5",
            "uid": Role.RATE_EDGE_LABEL,
            "showlegend": False,
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": np.array([0.0, last], np.float32),
            "y": [edge, edge],
            "xaxis": "x5",
            "yaxis": "y5",
            "line": {"color": "#7B3294", "dash": "dash", "width": 2},
            "name": "2/η",
            "uid": Role.RATE_EDGE,
            "showlegend": False,
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": epochs,
            "y": np.asarray(sharp.values, float),
            "xaxis": "x5",
            "yaxis": "y5",
            "line": {"color": "#7B3294", "width": 3, "simplify": False},
            "uid": Role.SHARPNESS_CURVE,
            "name": "sharpness",
            "showlegend": False,
            "hovertemplate": "epoch %{x}<br>sharpness s(θ) %{y:.4g}<extra></extra>",
        },
    ]


# Panel placement on a wide screen, as (x domain, y domain) per axis pair: the data on the left,
# the curves in the middle, the landscape and the sharpness on the right. The loss panel is at
# least a third of the height.
_WIDE = {
    "": ([0.0, 0.36], [0.0, 1.0]),
    "2": ([0.45, 0.69], [0.58, 1.0]),
    "3": ([0.45, 0.69], [0.0, 0.36]),
    "4": ([0.78, 1.0], [0.58, 1.0]),
    "5": ([0.78, 1.0], [0.0, 0.36]),
}  # the gaps between rows hold an x axis's ticks and title even in a 560 px chart (a laptop)
_WIDE_NO_LANDSCAPE = {**_WIDE, "2": ([0.45, 1.0], [0.58, 1.0])}
_RACE_ROWS = {"3": ([0.45, 1.0], [0.0, 0.36])}  # the race has no sharpness panel: accuracy takes the row
# On a narrow screen the panels stack in this order, each this many pixels high ("width": square).
NARROW_PANELS = (("", 250), ("2", 150), ("3", 150), ("4", "width"), ("5", 180))  # the data: 300 px wide or more


def _layout(
    train: Dataset,
    course: _Course,
    landscape: Landscape | None,
    sharpness: Sharpness | None,
    plan: Thinning,
    frame_ms: int,
    height: int,
    player: bool,
    font_scale: float,
    lanes: bool = False,
) -> dict:
    """Fixed axis ranges for every panel and large dark type; for the figure alone, Plotly's Play, Pause and
    scrubber above the plots, and for the player, each frame's readout in `meta` (its bar has the scrubber)."""
    names, _ = shown_names(train)
    box = course.box
    curves = [course.loss] + ([course.test_loss] if course.test_loss is not None else [])
    loss_top = float(np.max(np.concatenate(curves))) * 1.08 or 1.0
    last_epoch = max(int(course.epochs[-1]), 1)
    domains = _WIDE if landscape is not None else _WIDE_NO_LANDSCAPE
    domains = {**domains, **(_RACE_ROWS if lanes else {})}
    pair = _Panels(domains, font_scale)
    layout = {
        "height": height,
        "margin": {"l": 70, "r": 20, "t": 40 if player else 110, "b": 110},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": {"size": pair.size(18), "color": INK},
        # under the panels, clear of the x axes' titles (the race's legend is one short row: lower still)
        "legend": {
            "orientation": "h",
            "x": 0,
            "y": -0.16 if lanes else -0.11,
            "yanchor": "top",
            "font": {"size": pair.size(16)},
        },
        **pair("", list(box[:2]), list(box[2:]), names[0], names[1]),
        **pair("2", [0, last_epoch], [0, loss_top], "epoch", "loss"),
        **pair("3", [0, last_epoch], [0, 1.02], "epoch", "accuracy", tickformat=".0%"),
        "annotations": [],
    }
    if player:
        inside = ~np.isnan(course.line_x[:, 0])  # whether each frame's boundary crosses the data panel
        labels = [readout(s, names, box, bool(inside[k])) for k, s in enumerate(course.shown)]
        layout["meta"] = {"readouts": labels}  # the player's own scrubber and readout line show them
    else:
        layout.update(_plotly_player(course, names, frame_ms, pair.size))
    if not lanes:  # the curves named where they are drawn: training solid, test dashed
        layout["annotations"].append(_curve_key("2", course.test_loss is not None, pair.size(14)))  # accuracy: alike
    if landscape is not None:
        w1, w2 = [float(landscape.w1[0]), float(landscape.w1[-1])], [float(landscape.w2[0]), float(landscape.w2[-1])]
        layout.update(pair("4", w1, w2, f"w_{names[0]}", f"w_{names[1]}"))
        layout["annotations"].append(_panel_title("loss landscape", "4", pair.size(16)))
    if sharpness is not None:
        y_range = sharpness.log_range
        ticks = _log_ticks(*y_range)
        log = {"type": "log", "tickvals": ticks, "ticktext": [number(v, ".3g") for v in ticks]}
        layout.update(pair("5", [0, last_epoch], y_range, "epoch", "sharpness s(θ)", **log))
    return layout


def _panel_title(text: str, k: str, size: int) -> dict:
    """A panel's name, above its top left corner."""
    return {
        "showarrow": False,
        "x": 0,
        "y": 1.0,
        "xanchor": "left",
        "yanchor": "bottom",
        "font": {"size": size, "color": INK},
        "text": text,
        "xref": f"x{k} domain",
        "yref": f"y{k} domain",
    }


@dataclass(frozen=True)
class _Panels:
    """Axis pairs placed by `domains`, in type scaled by `font_scale`."""

    domains: dict[str, tuple[list[float], list[float]]]
    font_scale: float

    def size(self, px: float) -> int:
        return round(px * self.font_scale)

    def __call__(self, k: str, x_range, y_range, x_title: str, y_title: str, **y_extra) -> dict:
        axis = {**AXIS, "tickfont": {"size": self.size(16)}}
        # tick labels stand off their axes, so that a panel's corner ticks (the y axis's 0, the x axis's 0)
        # do not touch
        title = {"font": {"size": self.size(18)}}
        x_dom, y_dom = self.domains[k]
        return {
            f"xaxis{k}": {
                **axis,
                "domain": x_dom,
                "range": x_range,
                "anchor": f"y{k}",
                "title": {**title, "text": x_title},
                "ticklabelstandoff": 4,
            },
            f"yaxis{k}": {
                **axis,
                "domain": y_dom,
                "range": y_range,
                "anchor": f"x{k}",
                "title": {**title, "text": y_title},
                "ticklabelstandoff": 10,
                **y_extra,
            },
        }


def _plotly_player(course: _Course, names: Sequence[str], frame_ms: int, size) -> dict:
    """Play and Pause beside Plotly's scrubber, above the plots, where a laptop screen shows them (the
    figure alone, as the offline file holds it)."""
    inside = ~np.isnan(course.line_x[:, 0])
    labels = [readout(s, names, course.box, bool(inside[k])) for k, s in enumerate(course.shown)]
    steps = [str(s.epoch) for s in course.shown]
    scrubber = epoch_slider(steps, labels, font_size=size(16), x=0.16, len=0.84, y=1.0, yanchor="bottom")
    return {
        "sliders": [{**scrubber, "pad": {"t": 0, "b": 40}}],
        "updatemenus": [
            play_controls(frame_ms, x=0, y=1.0, xanchor="left", yanchor="bottom", pad={"t": 0, "r": 10, "b": 40})
        ],
    }


def _log_ticks(low: float, high: float) -> list[float]:
    """At most about six round values between 10^low and 10^high: powers of ten, or 1-2-5 steps within a
    couple of decades (Plotly's own log ticks label every 2 and 5 and crowd a small panel)."""
    decades = np.arange(np.floor(low), np.ceil(high) + 1)
    for mantissas in ((1.0, 2.0, 5.0), (1.0, 3.0), (1.0,)):
        values = [m * 10.0**d for d in decades for m in mantissas if low <= np.log10(m * 10.0**d) <= high]
        if len(values) <= 6:
            break
    step = max(1, int(np.ceil(len(values) / 6)))
    return values[::step]
