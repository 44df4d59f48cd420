"""The Predictions tab: what the run on screen predicts at a threshold τ, at the epoch the player rests on.

A reading of the run's probabilities p = σ(w·x + b), never a new run: moving τ reruns this fragment only and
trains nothing (the caches key runs with τ at its default). Every number comes from logreg.metrics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from ..app import cached
from ..app.budget import Plan
from ..app.cached import DataChoice
from ..app.family_view import decision, frames_of
from ..app.run import Run
from ..app.settings import BY_KEY, Settings, plain
from ..data import Dataset
from ..formatting import number, shorten
from ..metrics import Confusion, both_classes, confusion, roc_auc, roc_auc_along, roc_curve, threshold_trade
from ..model import logits, sigmoid
from ..predictions_figure import RocView, auc_figure, roc_figure
from .chart import name_chart, show
from .controls import widget
from .views import run_on_screen

THRESHOLD = BY_KEY["threshold"]
NAME_CHARS = 40  # a class name from an uploaded file, in a table's header

# The share link's τ, written into the address bar as the player writes the other settings (replaced, not
# pushed; every other parameter stays): the player's link holds the sidebar's settings only. The player on the
# page moves its decision line to p = τ and rings the points on its wrong side, with no rerun of the page.
_LINK_JS = """
export default function (component) {
  const { data } = component;
  if (data.decision && window.__lrPlayer) window.__lrPlayer.setDecision(data.decision);
  const params = new URLSearchParams(window.location.search);
  if (data.value === null) params.delete(data.key); else params.set(data.key, data.value);
  const search = params.toString();
  if (search === window.location.search.slice(1)) return;
  const url = window.location.pathname + (search ? `?${search}` : '') + window.location.hash;
  window.history.replaceState(window.history.state, '', url);
}
"""
_LINK = st.components.v2.component("logreg.reading_link", html="<span hidden></span>", js=_LINK_JS)


@dataclass(frozen=True, eq=False)
class Rows:
    """One set of rows (training or test) read at the epoch on screen."""

    name: str  # "training rows" or "test rows"
    data: Dataset
    p: np.ndarray  # the model's probabilities σ(w·x + b) at the epoch (n,)

    @property
    def y(self) -> np.ndarray:
        return self.data.y


@st.fragment
def predictions_panel(data: DataChoice, settings: Settings, budget: Plan) -> None:
    """The run of the η on screen read at τ, at the epoch the player rests on (its last epoch until the viewer
    pauses or steps); an η moved in the player, or τ moved here, reruns this panel only."""
    r = run_on_screen(data, settings, budget, "eta_predictions")
    tau = threshold_control()
    last = r.history[-1].epoch
    rests = st.session_state.get("_followed")  # the epoch the player rests on (page.follow keeps it)
    epoch = last if rests is None else min(max(int(rests), 0), last)
    read_at(data, r, tau, epoch)


def threshold_control() -> float:
    """The τ slider, bound to the share link's `threshold`; returns τ on the 0.05 grid."""
    value = widget(
        THRESHOLD,
        st,
        help="A point is called class 1 where the model's probability p ≥ τ. Moving τ reads the same run "
        "differently: nothing is trained again.",
    )
    tau = round(float(value), 10)
    link = {"key": THRESHOLD.key, "value": None if tau == THRESHOLD.default else number(tau), "decision": decision(tau)}
    _LINK(key="threshold_link", data=link)
    return tau


def rows_at(r: Run, index: int) -> list[Rows]:
    """The training rows, and the test rows when some are held out, with their probabilities at snapshot index."""
    s = r.history[index]
    sets = [("training rows", r.train)] + ([("test rows", r.test)] if r.test is not None else [])
    return [Rows(name, d, sigmoid(logits(d.X, s.w, s.b))) for name, d in sets]


def read_at(data: DataChoice, r: Run, tau: float, epoch: int) -> None:
    """The confusion matrices, the rates, the sentence on τ, and the ROC chart at `epoch`."""
    index = min(epoch, len(r.history) - 1)
    rows = rows_at(r, index)
    classes = [plain(shorten(str(c), NAME_CHARS)) for c in r.train.class_names]
    at_tau = [confusion(x.y, x.p, tau) for x in rows]
    st.caption(
        f"Epoch {epoch}, η = {number(r.settings.lr)}: a point is called {classes[1]} where the model's probability "
        f"p ≥ τ = {tau:g}. A false alarm is a point of class {classes[0]} called {classes[1]}; a miss, a point of "
        f"class {classes[1]} called {classes[0]}. The epoch is the one the player rests on: pause or step to move it."
    )
    reference = THRESHOLD.default
    st.markdown("**" + threshold_trade(confusion(rows[0].y, rows[0].p, reference), at_tau[0], reference, tau) + "**")
    columns = st.columns(len(rows))
    for column, x, c in zip(columns, rows, at_tau):
        with column:
            st.table(matrix_table(c, classes), alt=f"The confusion matrix of the {x.name} at τ = {tau:g}")
            st.caption(f"The {x.name}: {c.n:,} points.")
    st.table(rates_table(rows, at_tau), alt=f"Accuracy, precision, recall, F1 and the four rates at τ = {tau:g}")
    roc_chart(data, r, rows, tau, epoch)


def matrix_table(c: Confusion, classes: list[str]) -> pd.DataFrame:
    """The four counts, each with its name: a row per true class, a column per predicted class."""
    return pd.DataFrame(
        {
            f"called {classes[0]}": [f"{c.tn:,} correct (true negatives)", f"{c.fn:,} misses (false negatives)"],
            f"called {classes[1]}": [f"{c.fp:,} false alarms (false positives)", f"{c.tp:,} correct (true positives)"],
        },
        index=[f"class {classes[0]}", f"class {classes[1]}"],
    )


def _share(top: int, bottom: int, empty: str) -> str:
    """top / bottom as a percentage with its counts, or in words when bottom is 0 (never NaN)."""
    return f"{top / bottom:.1%} ({top:,} of {bottom:,})" if bottom else f"— ({empty})"


def rates_table(rows: list[Rows], at_tau: list[Confusion]) -> pd.DataFrame:
    """Accuracy, precision, recall and F1, then the four rates of the matrix, one column per set of rows."""
    columns = {}
    for x, c in zip(rows, at_tau):
        f1 = 2 * c.tp + c.fp + c.fn
        columns[x.name] = [
            _share(c.tp + c.tn, c.n, "no points"),
            _share(c.tp, c.tp + c.fp, "no point is called 1"),
            _share(c.tp, c.tp + c.fn, "no point is class 1"),
            f"{c.f1:.3f}" if f1 else "— (no point is class 1 or called 1)",
            _share(c.fp, c.fp + c.tn, "no point is class 0"),
            _share(c.tn, c.fp + c.tn, "no point is class 0"),
            _share(c.fn, c.tp + c.fn, "no point is class 1"),
        ]
    index = [
        "accuracy: correct, of all points",
        "precision: truly 1, of those called 1",
        "recall (true positive rate): found, of class 1",
        "F1: 2·precision·recall / (precision + recall)",
        "false positive rate: false alarms, of class 0",
        "true negative rate: called 0, of class 0",
        "false negative rate: misses, of class 1",
    ]
    return pd.DataFrame(columns, index=index)


def auc_by_frame(data: DataChoice, r: Run, d: Dataset, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, AUC) of one set of rows at the snapshots that become the player's frames: cached with the run
    (τ plays no part). Read-only arrays."""

    def compute() -> tuple[np.ndarray, np.ndarray]:
        index = frames_of(r)
        shown = [r.history[i] for i in index]
        epochs = np.array([s.epoch for s in shown])
        aucs = roc_auc_along(d.X, d.y, np.array([s.w for s in shown]), np.array([s.b for s in shown]))
        epochs.flags.writeable = aucs.flags.writeable = False
        return epochs, aucs

    return cached.CACHE.get(("auc by frame", data.source, r.settings, len(r.history), name), compute)


def roc_view(data: DataChoice, r: Run, x: Rows, tau: float, epoch: int) -> RocView:
    """One set of rows' ROC curve at `epoch`, τ's point on it, and its AUC at the frames up to `epoch`."""
    fpr, tpr, _ = roc_curve(x.y, x.p)
    c = confusion(x.y, x.p, tau)
    auc = roc_auc(x.y, x.p)
    epochs, aucs = auc_by_frame(data, r, x.data, x.name)
    upto = epochs <= epoch
    epochs, aucs = epochs[upto], aucs[upto]
    if not epochs.size or epochs[-1] != epoch:  # the epoch on screen, between two frames
        epochs, aucs = np.r_[epochs, epoch], np.r_[aucs, auc]
    return RocView(x.name, fpr, tpr, (c.false_positive_rate, c.recall), auc, epochs, aucs)


def roc_chart(data: DataChoice, r: Run, rows: list[Rows], tau: float, epoch: int) -> None:
    """The ROC chart of the sets of rows that hold both classes, and its words (the chart's text alternative)."""
    drawn = [x for x in rows if both_classes(x.y)]
    for x in rows:
        if x not in drawn:
            st.info(
                f"The {x.name} hold only class {plain(shorten(str(r.train.class_names[int(x.y[0])]), NAME_CHARS))}"
                ", so they have no ROC curve or AUC: both need points of both classes."
            )
    if not drawn:
        return
    views = [roc_view(data, r, x, tau, epoch) for x in drawn]
    left, right = st.columns(2)  # one above the other on a phone
    with left:
        show(roc_figure(views, tau), key="roc_plot")
        name_chart("roc_plot", f"The ROC curve at epoch {epoch}, with the point for the threshold τ = {number(tau)}.")
    with right:
        show(auc_figure(views, epoch, r.history[-1].epoch), key="auc_plot")
        name_chart("auc_plot", f"The AUC over the epochs, up to epoch {epoch}.")
    st.caption(roc_words(views, tau, epoch))


def roc_words(views: list[RocView], tau: float, epoch: int) -> str:
    """What the chart shows, in words, with its numbers."""
    first = views[0]
    aucs = ", ".join(f"{v.auc:.3f} on the {v.rows}" for v in views)
    return (
        f"**ROC curve at epoch {epoch}.** For every τ from 1 down to 0, the share of class 1 found (true "
        f"positive rate) against the share of class 0 called 1 (false positive rate); the diagonal is a model "
        f"that guesses. The marked point is τ = {tau:g}: on the {first.rows}, true positive rate "
        f"{first.point[1]:.1%} at false positive rate {first.point[0]:.1%}. The area under the curve (AUC), "
        f"the chance that a random point of class 1 gets a higher p than a random point of class 0, is {aucs}. "
        f"**AUC over the epochs**, beside it, up to epoch {epoch}: from {first.aucs[0]:.3f} at epoch "
        f"{int(first.epochs[0])} to {first.aucs[-1]:.3f}. τ moves the point along the curve; training moves the "
        "curve."
    )
