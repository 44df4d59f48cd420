"""What the browser needs to show every learning rate's run at once: numbers, never drawings. No Streamlit.

The page's player shows one run at a time, but it holds every rate of the η control: moving η switches to
another run it already has, with no round trip to the server. For each run it gets the numbers of the
snapshots that become frames (epoch, w, b, loss, accuracy, test numbers, sharpness) and the words about it
(its verdict); from those the browser draws the boundary, the lines of equal probability, the markers,
the curves and the readout line of any frame. Every number comes from the Python core.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..figures import _log_ticks
from ..formatting import number
from ..geometry import PROBABILITY_LEVELS, logit
from ..plot_parts import CLASS_COLORS, LANE_COLORS, LANES, Role, lanes, shown_names, thinning
from ..rate_figure import loss_range, rates_figure
from ..verdict import Kind
from .run import Run
from .settings import DEFAULTS, LR_OPTIONS

BADGES = {kind: kind.badge for kind in Kind}  # each verdict kind as the short word that starts its message
SHARPNESS_DECADES = 1e-8  # the sharpness panel spans at most eight decades below the largest value
LOSS_HEADROOM = 4.0  # the loss panel holds every run up to this many times the starting loss; above, it is clipped


@dataclass(frozen=True, eq=False)
class Member:
    """One learning rate's run as the browser gets it: the frames' snapshots' numbers and its verdict."""

    run: Run
    frame_index: np.ndarray  # which snapshots become frames (first and last kept)
    sharpness: np.ndarray | None  # s(θ) at each frame's snapshot (None: a lane of the optimizers' race, drawn
    # on the race's chart, which has no sharpness panel)


def _column(values: Sequence[float | None]) -> np.ndarray:
    return np.array(values, dtype=float)


def member_numbers(m: Member) -> dict:
    """A run's frames as columns (float64 where the page prints them, so its words are the core's numbers)."""
    shown = [m.run.history[i] for i in m.frame_index]
    columns = {
        "epoch": np.array([s.epoch for s in shown], dtype=np.int32),
        "w1": _column([s.w[0] for s in shown]),
        "w2": _column([s.w[1] for s in shown]),
        "b": _column([s.b for s in shown]),
        "loss": _column([s.loss for s in shown]),
        "accuracy": _column([s.accuracy for s in shown]),
    }
    if m.sharpness is not None:
        columns["sharpness"] = np.asarray(m.sharpness, dtype=np.float32)
    if shown[0].test_loss is not None:
        columns["test_loss"] = _column([s.test_loss for s in shown])
        columns["test_accuracy"] = _column([s.test_accuracy for s in shown])
    if m.run.scaler is not None:  # the same line in the file's own units
        W, b = m.run.scaler.history_to_original(np.array([s.w for s in shown]), columns["b"])
        columns.update(w1_file=W[:, 0].copy(), w2_file=W[:, 1].copy(), b_file=np.asarray(b, float))
    verdict = m.run.verdict
    words = {"headline": verdict.headline, "details": verdict.details}  # the page writes badge: headline
    return {**columns, "kind": str(verdict.kind), "badge": BADGES[verdict.kind], **words}


def trained(members: Sequence[Member | None]) -> list[Member]:
    """The members whose runs were trained (a page whose budget fits none of the other rates has one)."""
    return [m for m in members if m is not None]


def loss_top(members: Sequence[Member | None]) -> float:
    """The top of the loss panel: every run's loss, up to LOSS_HEADROOM times the start (a run that rises
    further is clipped at the top, its marker pinned there)."""
    members = trained(members)
    start = max(float(m.run.history[0].loss) for m in members)
    cap = LOSS_HEADROOM * max(start, 1e-12)
    highest = max(float(np.max(np.minimum([s.loss for s in m.run.history], cap))) for m in members)
    curves = [
        min(float(np.nanmax([s.test_loss for s in m.run.history])), cap)
        for m in members
        if m.run.history[0].test_loss is not None
    ]
    return 1.08 * max([highest, start, *curves])


def sharpness_axis(members: Sequence[Member | None]) -> dict:
    """A log axis holding every run's sharpness and the levels 2/η within two decades of them."""
    members = trained(members)
    values = np.concatenate([np.asarray(m.sharpness, float) for m in members])
    positive = values[np.isfinite(values) & (values > 0)]
    low, high = (float(positive.min()), float(positive.max())) if positive.size else (1e-3, 1.0)
    low = max(low, high * SHARPNESS_DECADES)  # a run whose curvature fades to 1e-300 is clipped at the bottom
    edges = [2.0 / m.run.settings.lr for m in members]
    near = [e for e in edges if low / 100 <= e <= high * 100]
    low, high = min([low, *near]), max([high, *near])
    y_range = [float(np.log10(low)) - 0.15, float(np.log10(high)) + 0.15]
    ticks = _log_ticks(*y_range)
    return {"range": y_range, "tickvals": ticks, "ticktext": [number(v, ".3g") for v in ticks]}


def family_payload(members: Sequence[Member | None], figure: dict) -> dict:
    """Everything the player needs to show any rate's run at any of its frames, for `figure`, the first run
    on screen built with frames=False (its panels' ranges are the ones every run is drawn in)."""
    layout = figure["layout"]
    box = [*layout["xaxis"]["range"], *layout["yaxis"]["range"]]
    land = [*layout["xaxis4"]["range"], *layout["yaxis4"]["range"]] if "xaxis4" in layout else None
    names, _ = shown_names(trained(members)[0].run.train)
    top = loss_top(members)
    return {
        "rates": list(LR_OPTIONS),
        "labels": [number(v) for v in LR_OPTIONS],
        "default_index": LR_OPTIONS.index(DEFAULTS["lr"]),
        "rates_range": loss_range([_losses(m) for m in trained(members)], top),
        "runs": [None if m is None else member_numbers(m) for m in members],  # None: η moved asks the server
        "loss_top": top,
        "box": [float(v) for v in box],
        "landscape_box": None if land is None else [float(v) for v in land],
        "levels": [float(v) for v in logit(np.array(PROBABILITY_LEVELS))],
        "names": names,
        "colors": list(CLASS_COLORS),
    }


def _losses(m: Member) -> np.ndarray:
    return np.array([m.run.history[i].loss for i in m.frame_index])


def fitted(figure: dict, members: Sequence[Member]) -> dict:
    """The figure with its loss and sharpness panels' ranges holding every rate's run (fixed axes: switching
    η moves traces only)."""
    layout = dict(figure["layout"])
    layout["yaxis2"] = {**layout["yaxis2"], "range": [0, loss_top(members)]}
    if "yaxis5" in layout:
        layout["yaxis5"] = {**layout["yaxis5"], **sharpness_axis(members)}
    return {**figure, "layout": layout}


def rates_chart(
    members: Sequence[Member | None], selected: int, edges: Sequence[tuple[str, float]], font_scale: float = 1.0
) -> dict:
    """The chart of every trained rate at epoch 0 (the player moves its markers epoch by epoch)."""
    top = loss_top(members)
    start = float(members[selected].run.history[0].loss)  # every run starts from the same point
    return rates_figure(
        list(LR_OPTIONS),
        [None if m is None else m.run.verdict.kind for m in members],
        [start] * len(members),
        loss_range([_losses(m) for m in trained(members)], top),
        edges,
        selected,
        font_scale=font_scale,
    )


def eta_slug(lr: float) -> str:
    """η as the player marks the page with it (body's data-eta) and as a CSS class part: 0.1 → 0_1."""
    return number(lr).replace(".", "_")


def frames_of(run: Run) -> np.ndarray:
    """The snapshots of a run that become frames: at most MAX_FRAMES, the first and the last kept."""
    return thinning(len(run.history), run.train.n).frame_index


GAP_FLOOR = 1e-16  # L − L* below this is drawn at it: the log axis cannot show 0
RATES_TITLE = "Race these learning rates η (up to four):"  # the race's bar, before its buttons


def race_payload(
    members: Sequence[Member | None], chosen: Sequence[int], roles: Sequence[str | None], best_objective: float | None
) -> dict:
    """What the player needs to race up to LANES of the family's rates on the run's chart: the lanes' trace
    uids, the rates chosen first (`chosen`, indices into LR_OPTIONS) and each rate's role in the lesson
    (`roles`, None for most). With a minimum L* (best_objective), each run's L − L* at its frames and a log
    axis holding them all: the race's loss panel can show how fast each rate closes the gap."""
    payload = {
        "lanes": lanes(),
        "count": LANES,
        "colors": list(LANE_COLORS),
        "chosen": [int(i) for i in chosen if members[i] is not None][:LANES],
        "roles": list(roles),
        "gap": None,
        "gap_axis": None,
        "title": RATES_TITLE,
    }
    if best_objective is None:
        return payload
    gaps = [None if m is None else _gap(m, best_objective) for m in members]
    shown = np.concatenate([g for g in gaps if g is not None])
    y_range = [float(np.log10(shown.min())) - 0.2, float(np.log10(shown.max())) + 0.2]
    ticks = [10.0**d for d in range(int(np.ceil(y_range[0])), int(np.floor(y_range[1])) + 1)]
    step = max(1, -(-len(ticks) // 6))
    ticks = ticks[::step]
    payload["gap"] = gaps
    payload["gap_axis"] = {
        "type": "log",
        "range": y_range,
        "tickvals": ticks,
        "ticktext": [number(v, ".0e") if not 1e-3 <= v <= 1e3 else number(v, "g") for v in ticks],
        "title": {"text": "L − L* (log)"},
    }
    return payload


def _gap(m: Member, best_objective: float) -> np.ndarray:
    """L(θ) − L* at a run's frames (the objective: the loss plus any penalty), at least GAP_FLOOR."""
    objective = np.array([m.run.history[i].objective for i in m.frame_index])
    return np.maximum(objective - best_objective, GAP_FLOOR).astype(np.float32)  # drawn, never printed


def decision(tau: float) -> dict:
    """The decision line p = τ for the player: its level w·x + b = logit(τ) = log(τ/(1 − τ)) (0 at τ = ½,
    today's boundary) and its name in the legend. A point is called 1 on or above it (p ≥ τ)."""
    return {"logit": float(logit(tau)), "name": f"boundary (p = {number(tau)})"}


def named_boundary(figure: dict, line: dict) -> dict:
    """The figure with its decision line named for τ (`decision`)."""
    data = [{**t, "name": line["name"]} if t.get("uid") == Role.BOUNDARY else t for t in figure["data"]]
    return {**figure, "data": data}
