"""Figures for the teaching panels: one epoch in detail, learning rates side by side, ground truth.

Pure functions returning Plotly figures; no Streamlit. They reuse the main figure's building blocks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .analysis import Landscape, angle_degrees
from .data import Dataset
from .model import sigmoid
from .plot_parts import (
    AXIS,
    CLASS_COLORS,
    CLASS_SYMBOLS,
    INK,
    Thinning,
    Traces,
    data_box,
    epoch_slider,
    play_controls,
    segments,
    shown_names,
    thinning,
    xy,
)
from .train import Snapshot

# The race is redrawn on every change while its tab is open: each frame and point adds to that redraw
# (bench_redraw), and a short race shows no more on a projector.
RACE_FRAMES = 50
RACE_POINTS = 300  # the data behind the boundaries: a sample shows the same cloud
RUN_COLORS = ("#56B4E9", "#000000", "#D55E00", "#CC79A7")  # Okabe–Ito: one per learning rate


def race_thinning(n_snapshots: int, n_points: int) -> Thinning:
    """The race's frames and points: at most RACE_FRAMES of the snapshots and RACE_POINTS of the points."""
    return thinning(n_snapshots, n_points, max_frames=RACE_FRAMES, max_points=RACE_POINTS)


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


def race_figure(
    train: Dataset,
    runs: Sequence[tuple[str, Sequence[Snapshot]]],
    *,
    best_objective: float | None,
    landscape: Landscape | None,
    log_loss: bool = True,
    frame_ms: int = 40,
    height: int = 600,
    player: bool = False,
) -> dict:
    """Several runs on the same data, played in lockstep: their boundaries (left), their loss or,
    when the minimum L* exists, their suboptimality L(θ_t) − L* (right, top) and their paths over the
    landscape (right, bottom). Frames restyle each run's boundary, loss marker and landscape point.

    A run that stopped early (diverged) keeps its last snapshot in later frames.
    player: the page's player bar drives the frames with its own scrubber, so Plotly's Play, Pause and
    scrubber are left out and each frame's readout is in layout.meta["readouts"].
    """
    length = max(len(h) for _, h in runs)
    plan = race_thinning(length, train.n)
    box = data_box(train.X if plan.point_index is None else train.X[plan.point_index])
    idx = plan.point_index if plan.point_index is not None else np.arange(train.n)
    X, y = train.X[idx].astype(np.float32), train.y[idx]
    gap = best_objective is not None
    features, _ = shown_names(train)
    data: list[dict] = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": X[y == k, 0],
            "y": X[y == k, 1],
            "showlegend": False,
            "marker": {"color": CLASS_COLORS[k], "symbol": CLASS_SYMBOLS[k], "size": 6, "opacity": 0.5},
            "hoverinfo": "skip",
        }
        for k in (0, 1)
    ]
    per_run = []
    for r, (label, history) in enumerate(runs):
        color = RUN_COLORS[r % len(RUN_COLORS)]
        at = np.minimum(plan.frame_index, len(history) - 1)
        W = np.array([history[i].w for i in at])
        B = np.array([history[i].b for i in at])
        lx, ly = segments(W, B, [0.0], box)
        objective = np.array([s.objective for s in history])
        curve = np.maximum(objective - best_objective, 1e-16) if gap else objective
        epochs = np.array([s.epoch for s in history], dtype=np.float32)
        path = np.array([s.w for s in history])  # float64: a diverging run outgrows float32
        per_run.append((lx, ly, at, curve, epochs, path))
        data += [
            {
                "type": "scatter",
                "mode": "lines",
                "x": epochs,
                "y": curve,
                "name": label,
                "line": {"color": color, "width": 2.5},
                "xaxis": "x2",
                "yaxis": "y2",
                "legendgroup": label,
                "hovertemplate": f"{label}<br>epoch %{{x}}<br>{'L − L*' if gap else 'loss'} %{{y:.3g}}<extra></extra>",
            },
        ]
        if landscape is not None:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": path[:, 0],
                    "y": path[:, 1],
                    "xaxis": "x3",
                    "yaxis": "y3",
                    "line": {"color": color, "width": 2},
                    "showlegend": False,
                    "legendgroup": label,
                    "hoverinfo": "skip",
                }
            )
    if landscape is not None:
        cx, cy = landscape.contours
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": cx,
                "y": cy,
                "xaxis": "x3",
                "yaxis": "y3",
                "line": {"color": "#9db4cc", "width": 1},
                "showlegend": False,
                "hoverinfo": "skip",
            }
        )
        if landscape.minimum:
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [landscape.minimum[0]],
                    "y": [landscape.minimum[1]],
                    "xaxis": "x3",
                    "yaxis": "y3",
                    "name": "minimum",
                    "marker": {"symbol": "star", "size": 15, "color": "#F0E442", "line": {"color": "#000", "width": 1}},
                }
            )
    traces = Traces(data)
    first = _race_updates(per_run, 0, landscape is not None)
    for r, (label, _) in enumerate(runs):
        for role, style in _race_styles(r, label, landscape is not None).items():
            traces.add_moving(role, {**style, **first[role]})
    frames = [
        traces.frame(str(int(e)), _race_updates(per_run, k, landscape is not None))
        for k, e in enumerate(plan.frame_index)
    ]

    all_curves = np.concatenate([c for _, _, _, c, _, _ in per_run])
    low, high = float(np.min(all_curves)), float(np.max(all_curves))
    if log_loss:
        y2 = {
            "type": "log",
            "exponentformat": "power",
            "range": [np.log10(max(low, 1e-16)) - 0.2, np.log10(max(high, 1e-15)) + 0.2],
        }
    else:
        y2 = {"range": [min(0.0, low), high * 1.05 or 1.0]}
    layout = {
        "height": height,
        "plot_bgcolor": "white",
        "font": {"size": 17, "color": INK},
        "margin": {"l": 60, "r": 20, "t": 30, "b": 110},
        "legend": {
            "orientation": "h",
            "x": 0.5,
            "xanchor": "center",
            "y": 1.02,
            "yanchor": "bottom",
            "font": {"size": 16},
        },
        "xaxis": {**AXIS, "domain": [0, 0.46], "range": list(box[:2]), "title": {"text": features[0]}},
        "yaxis": {**AXIS, "range": list(box[2:]), "title": {"text": features[1]}},
        "xaxis2": {
            **AXIS,
            "domain": [0.56, 1],
            "anchor": "y2",
            "range": [0, max(length - 1, 1)],
            "title": {"text": "epoch"},
        },
        "yaxis2": {
            **AXIS,
            **y2,
            "domain": [0.58 if landscape is not None else 0, 1],
            "anchor": "x2",
            "title": {"text": "loss − minimum (L − L*)" if gap else "loss"},
        },
    }
    labels = [f"epoch {int(e)}" for e in plan.frame_index]
    if player:  # the player's bar has the scrubber and shows the readout
        layout["meta"] = {"readouts": labels}
        layout["margin"]["b"] = 70
    else:
        steps = [str(int(e)) for e in plan.frame_index]
        layout["sliders"] = [epoch_slider(steps, labels, x=0.2, len=0.8, y=-0.08, yanchor="top")]
        layout["updatemenus"] = [play_controls(frame_ms, x=0, y=-0.12, xanchor="left", yanchor="top")]
    if landscape is not None:
        layout["xaxis3"] = {
            **AXIS,
            "domain": [0.56, 1],
            "anchor": "y3",
            "range": [float(landscape.w1[0]), float(landscape.w1[-1])],
            "title": {"text": f"w_{features[0]}", "standoff": 2},
        }
        layout["yaxis3"] = {
            **AXIS,
            "domain": [0, 0.38],
            "anchor": "x3",
            "range": [float(landscape.w2[0]), float(landscape.w2[-1])],
            "title": {"text": f"w_{features[1]}"},
        }
    return {"data": traces.data, "layout": layout, "frames": frames}


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
    return {"data": data, "layout": layout}


def _race_styles(r: int, label: str, with_landscape: bool) -> dict[str, dict]:
    """How run r's moving traces look, by role: its boundary, its loss marker, its landscape point.

    A role is also its trace's uid. When a run is taken out of the race, Plotly.react looks up each
    removed trace's colour bar with the selector ".cb" + uid: a uid with a space before a digit
    ("boundary 2") is no valid selector, and the redraw stops half done. Hence no spaces."""
    color = RUN_COLORS[r % len(RUN_COLORS)]
    fixed = {"type": "scatter", "showlegend": False, "hoverinfo": "skip"}
    styles = {
        f"run{r}-boundary": {**fixed, "mode": "lines", "line": {"color": color, "width": 3}, "legendgroup": label},
        f"run{r}-loss-marker": {
            **fixed,
            "mode": "markers",
            "xaxis": "x2",
            "yaxis": "y2",
            "marker": {"color": color, "size": 11},
        },
    }
    if with_landscape:
        styles[f"run{r}-landscape-point"] = {
            **fixed,
            "mode": "markers",
            "xaxis": "x3",
            "yaxis": "y3",
            "marker": {"color": color, "size": 11, "line": {"color": "#fff", "width": 1.5}},
        }
    return styles


def _race_updates(per_run: list[tuple], k: int, with_landscape: bool) -> dict[str, dict]:
    """Every run's moving traces at frame k, by role (a run that ended keeps its last snapshot)."""
    out = {}
    for r, (lx, ly, at, curve, epochs, path) in enumerate(per_run):
        i = at[k]
        out[f"run{r}-boundary"] = xy(lx[k], ly[k])
        out[f"run{r}-loss-marker"] = {"x": [float(epochs[i])], "y": [float(curve[i])]}
        if with_landscape:
            out[f"run{r}-landscape-point"] = {"x": [float(path[i, 0])], "y": [float(path[i, 1])]}
    return out
