"""Building blocks shared by every Plotly figure of the app; pure functions, no Streamlit.

A figure here is a plain dict {"data": [...], "layout": {...}, "frames": [...]}, the form Plotly's
JavaScript reads. Builders never wrap it in `go.Figure`: validating and deep-copying every trace and
frame costs about 1 ms a frame on every rerun. The tests check each figure against Plotly's schema.
NumPy arrays stay arrays until `to_browser` puts them in Plotly's binary form.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from .data import Dataset
from .formatting import number, shorten
from .geometry import clip_lines

# Okabe–Ito colours (distinguishable with colour-blindness); classes also differ by marker shape.
CLASS_COLORS = ("#0072B2", "#D55E00")
CLASS_SYMBOLS = ("circle", "triangle-up")
TRAIN_COLOR, TEST_COLOR, TRUE_COLOR = "#0072B2", "#AA3377", "#009E73"  # test: apart from train for colour-blind eyes
INK, GRID = "#111111", "#d9d9d9"  # text and grid: 18:1 and a light grid on white
MAX_FRAMES = 150  # every frame adds to a redraw: 150 instead of 300 took 0.80–0.86 of the time (bench_redraw)
MAX_POINTS = (
    1000  # more points slow every redraw (3000 of 20,000: up to 1.2× the time, bench_redraw) and show nothing new
)

AXIS = {
    "showgrid": True,
    "gridcolor": GRID,
    "zeroline": False,
    "fixedrange": True,
    "color": INK,
    "tickfont": {"size": 16},
}


class Role(StrEnum):
    """What a trace of the animated figure shows; also its Plotly uid. The page's player finds the traces it
    moves by these values, which travel to the browser with the figure (`roles()`), never written twice."""

    PROBABILITY = "probability"
    BOUNDARY = "boundary"
    LOSS_MARKER = "loss marker"
    ACCURACY_MARKER = "accuracy marker"
    LANDSCAPE_POINT = "landscape point"
    SHARPNESS_MARKER = "sharpness marker"
    LOSS_CURVE = "loss curve"
    TEST_LOSS_CURVE = "test loss curve"
    ACCURACY_CURVE = "accuracy curve"
    TEST_ACCURACY_CURVE = "test accuracy curve"
    PATH = "path"
    SHARPNESS_CURVE = "sharpness curve"
    RATE_EDGE = "rate edge"  # the dashed level 2/η on the sharpness panel
    RATE_EDGE_LABEL = "rate edge label"  # its value, written at its right end
    RATE_SELECTED = "rate selected"  # the chart of every rate: the ring around the rate on screen
    WRONG = "wrong at threshold"  # the data panel: a ring around each point on the wrong side of the line p = τ
    POINTS = "points"  # not a uid: the key of a point trace's meta, whose value is the class of its points
    # the race: each lane (one learning rate's run) has these traces, their uids `lane_uid(role, lane)`
    LANE_BOUNDARY = "lane boundary"
    LANE_LOSS = "lane loss"
    LANE_LOSS_MARKER = "lane loss marker"
    LANE_ACCURACY = "lane accuracy"
    LANE_ACCURACY_MARKER = "lane accuracy marker"
    LANE_PATH = "lane path"
    LANE_POINT = "lane point"


LANES = 4  # the race shows at most this many learning rates at once
# each lane differs by colour (at least 4.5:1 on white, apart for colour-blind eyes), dash and marker
LANE_COLORS = ("#000000", "#7B3294", "#A6611A", "#018571")
LANE_DASHES = ("solid", "dash", "dot", "dashdot")
LANE_SYMBOLS = ("circle", "square", "diamond", "triangle-down")
LANE_ROLES = tuple(r for r in Role if r.name.startswith("LANE_"))
LANE_CURVES = (Role.LANE_LOSS, Role.LANE_ACCURACY, Role.LANE_PATH)  # drawn up to the epoch on screen


def lane_uid(role: Role, lane: int) -> str:
    """The uid of a lane's trace. Plotly looks a removed trace's colour bar up with the selector ".cb" + uid,
    so no digit follows a space."""
    return f"{role.value}-{lane}"


def roles() -> dict[str, str]:
    """Every role's name and uid, as the browser reads them."""
    return {role.name: role.value for role in Role}


def lanes() -> list[dict[str, str]]:
    """Each lane's traces' uids by role name, as the browser reads them (never composed twice)."""
    return [{role.name: lane_uid(role, k) for role in LANE_ROLES} for k in range(LANES)]


@dataclass
class Traces:
    """The traces of one figure, in order, with the index of each trace that frames restyle.

    Frames name the traces they change by position; recording each moving trace's index as it is
    added keeps those positions right whatever is inserted before it.
    """

    data: list[dict] = field(default_factory=list)
    moving: dict[str, int] = field(default_factory=dict)  # role → index in data

    def add(self, *traces: dict) -> None:
        self.data.extend(traces)

    def add_moving(self, role: str, trace: dict) -> None:
        self.moving[role] = len(self.data)
        self.data.append({**trace, "uid": role})

    def frame(self, name: str, updates: dict[str, dict]) -> dict:
        """A frame restyling the moving traces, each from updates[role]."""
        roles = list(self.moving)
        return {"name": name, "traces": [self.moving[r] for r in roles], "data": [updates[r] for r in roles]}


@dataclass(frozen=True)
class Thinning:
    """Which snapshots become frames and which points are drawn, and how to say so."""

    frame_index: np.ndarray  # indices into the history, first and last always kept
    point_index: np.ndarray | None  # indices of the training points drawn; None = all
    n_points: int

    def notes(
        self,
        n_snapshots: int,
        what: str = "The animation",
        plot: str = "The plot",
        curves: str = "the loss and accuracy curves",
    ) -> list[str]:
        notes = []
        if len(self.frame_index) < n_snapshots:
            notes.append(
                f"{what} shows {len(self.frame_index)} of {n_snapshots} epochs, evenly spaced with the first "
                f"and the last included; {curves} show every epoch."
            )
        if self.point_index is not None:
            notes.append(
                f"{plot} shows a random sample of {len(self.point_index):,} of {self.n_points:,} training points; "
                "training, loss and accuracy use all of them."
            )
        return notes


def thinning(
    n_snapshots: int, n_points: int, max_frames: int = MAX_FRAMES, max_points: int = MAX_POINTS, seed: int = 0
) -> Thinning:
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


def segments(w: np.ndarray, b: np.ndarray, levels: Sequence[float], box) -> tuple[np.ndarray, np.ndarray]:
    """x and y arrays, (F, 3·L), of L segments per frame separated by NaN gaps (Plotly breaks lines there)."""
    parts_x, parts_y = [], []
    for level in levels:
        seg = clip_lines(w, b, float(level), box)
        parts_x += [seg[:, [0, 2]], np.full((len(b), 1), np.nan)]
        parts_y += [seg[:, [1, 3]], np.full((len(b), 1), np.nan)]
    return np.hstack(parts_x), np.hstack(parts_y)


def xy(x: np.ndarray, y: np.ndarray) -> dict:
    """Coordinates for a frame trace: lists with None for gaps (NaN is not valid JSON)."""
    return {
        "x": [None if v != v else v for v in np.round(x, 5).tolist()],  # v != v: NaN
        "y": [None if v != v else v for v in np.round(y, 5).tolist()],
    }


CHART_NAME = 28  # characters of a feature or class name on an axis, legend or readout (in full when hovered)


def shown_names(data: Dataset, limit: int | None = CHART_NAME) -> tuple[list[str], list[str]]:
    """Feature and class names as Plotly should print them: cut to `limit` characters with an ellipsis
    (None: in full, for hover text), and escaped, since Plotly reads a subset of HTML in text (a column
    named <a href=…> from an uploaded file must stay text, not become a link)."""

    def shown(text) -> str:
        text = str(text) if limit is None else shorten(str(text), limit)
        return html.escape(text, quote=False)  # with < and > escaped no tag can form; quotes may stay

    return [shown(n) for n in data.feature_names], [shown(c) for c in data.class_names]


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
        return f"vertical boundary x1 = {number(-b / w[0], '.3g')}"
    return f"x2 = {number(-w[0] / w[1], '.3g')}·x1 {'+' if -b / w[1] >= 0 else '−'} {number(abs(b / w[1]), '.3g')}"


def play_controls(frame_ms: int, **placement) -> dict:
    """Play and Pause as one Plotly updatemenu; placement: x, y, xanchor, yanchor, pad.

    Play continues from the frame on screen; Pause is the nested [None] (plotly.js #1221). Both use
    mode "immediate" so a press during a frame takes effect at once.
    """
    play = {
        "label": "▶ Play",
        "method": "animate",
        "args": [
            None,
            {
                "frame": {"duration": frame_ms, "redraw": False},
                "transition": {"duration": 0},
                "fromcurrent": True,
                "mode": "immediate",
            },
        ],
    }
    pause = {
        "label": "❚❚ Pause",
        "method": "animate",
        "args": [
            [None],
            {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}},
        ],
    }
    return {"type": "buttons", "direction": "left", "showactive": False, "buttons": [play, pause], **placement}


def epoch_slider(names: Sequence[str], labels: Sequence[str], font_size: int = 15, **placement) -> dict:
    """Plotly's own slider over the frames: one step per frame name, its label shown as the current value."""
    steps = [
        {
            "method": "animate",
            "label": label,
            "args": [
                [name],
                {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}},
            ],
        }
        for name, label in zip(names, labels)
    ]
    return {
        "active": 0,
        "steps": steps,
        "ticklen": 0,
        "minorticklen": 0,
        "font": {"size": 1, "color": "rgba(0,0,0,0)"},  # the tick labels: the current value says it
        "currentvalue": {"visible": True, "prefix": "", "xanchor": "left", "font": {"size": font_size, "color": INK}},
        "transition": {"duration": 0},
        **placement,
    }


# ---------------------------------------------------------------- what the browser receives
_DTYPES = {
    "float32": "f4",
    "float64": "f8",
    "int8": "i1",
    "int16": "i2",
    "int32": "i4",
    "uint8": "u1",
    "uint16": "u2",
    "uint32": "u4",
}


def _binary(a: np.ndarray) -> dict | list:
    """A NumPy array in plotly.js's typed-array form {"dtype", "bdata"[, "shape"]}, or a list."""
    code = _DTYPES.get(a.dtype.name)
    if code is None:
        return a.tolist()
    out = {
        "dtype": code,
        "bdata": base64.b64encode(
            np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        ).decode(),
    }
    if a.ndim > 1:
        out["shape"] = ", ".join(str(s) for s in a.shape)
    return out


def to_browser(value):
    """A copy of a figure (or any part of one) as plotly.js reads it: NumPy arrays in binary form.

    Dicts and lists are copied, so the caller's figure is never changed; everything else is shared.
    """
    if isinstance(value, dict):
        return {k: to_browser(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_browser(v) for v in value]
    if isinstance(value, np.ndarray):
        return _binary(value)
    if isinstance(value, np.generic):
        return value.item()
    return value
