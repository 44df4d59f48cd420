"""The teaching panels under the main figure: each draws with Streamlit and says what to look at."""

from __future__ import annotations

import inspect

import numpy as np
import streamlit as st

from ..analysis import angle_degrees
from ..app import cached, families
from ..app.budget import Plan
from ..app.cached import DataChoice
from ..app.run import Run
from ..app.settings import Settings
from ..formatting import number, tex_number
from ..model import gradients, loss
from ..panels import epoch_detail_figure, truth_figure
from ..train import step
from ..verdict import Kind
from .chart import held, name_chart, show
from .listen import eta_on_screen


def run_on_screen(data: DataChoice, settings: Settings, budget: Plan, key: str) -> Run:
    """The run of the η on screen (the player switches η in the browser; this panel hears it by `key`)."""
    return families.family(data, settings, budget)[families.rate_index(eta_on_screen(key))]


@st.fragment
def math_panel(data: DataChoice, settings: Settings, budget: Plan) -> None:
    """The derivation with the numbers of the run on screen at an epoch the student picks; an η moved in the
    player, or a new epoch, reruns this panel only."""
    math_at_epoch(run_on_screen(data, settings, budget, "eta_math"))


def math_at_epoch(r: Run) -> None:
    """The derivation with this run's numbers at an epoch the student picks."""
    st.caption(
        "Pick an epoch: every quantity of gradient descent is filled in with its value at that epoch, and "
        "the plot shows how hard each point pulls on the boundary."
    )
    last = r.history[-1].epoch
    # the player sets this key when the viewer pauses or steps: the tab follows the animation
    st.session_state["math_epoch"] = min(max(int(st.session_state.get("math_epoch", 0)), 0), max(last, 1))
    epoch = min(st.slider("epoch", 0, max(last, 1), key="math_epoch", disabled=last == 0), last)
    left, right = st.columns([1.1, 1])
    with left:
        _derivation(r, epoch)
    with right:
        _pulls(r, epoch)
    with st.expander("The code that computes this (the project's own source)"):
        st.caption(
            "The loss and its gradient, as the formulas above write them, and `step`, the update "
            "θ ← θ − η∇L. Training computes the same loss and gradient in one pass over the data "
            "(`logreg/kernel.py`; every learning rate at once in `logreg/family.py`) and makes its update "
            "with this `step`; the tests check both passes against these functions."
        )
        for function in (loss, gradients, step):
            st.code(inspect.getsource(function), language="python")


def _derivation(r: Run, epoch: int) -> None:
    """z, ŷ, L and its gradient at `epoch`, then the update that makes the next epoch's parameters."""
    s = r.history[epoch]
    lam, n = r.settings.l2, r.train.n
    w1, w2, b = (float(v) for v in (*s.w, s.b))
    g1, g2, gb = (float(v) for v in (*s.gradient_w, s.gradient_b))
    T = tex_number
    st.latex(
        rf"z_i = w_1 x_{{i1}} + w_2 x_{{i2}} + b = {T(w1)}\,x_{{i1}} {'+' if w2 >= 0 else '-'} "
        rf"{T(abs(w2))}\,x_{{i2}} {'+' if b >= 0 else '-'} {T(abs(b))}"
    )
    st.latex(r"\hat y_i = \sigma(z_i) = \frac{1}{1 + e^{-z_i}}")
    penalty_term = r" + \tfrac{\lambda}{2}\lVert w \rVert^2" if lam else ""
    st.latex(
        rf"L = -\frac{{1}}{{n}}\sum_{{i=1}}^{{n}}\big[y_i \log \hat y_i + (1 - y_i)\log(1 - \hat y_i)\big]"
        rf"{penalty_term} = {number(s.objective, '.4f')} \quad (n = {n})"
    )
    penalty = r" + \lambda w_{1}" if lam else ""
    st.latex(
        rf"\frac{{\partial L}}{{\partial w_1}} = \frac{{1}}{{n}}\sum_i (\hat y_i - y_i)\,x_{{i1}}{penalty}"
        rf" = {T(g1)}"
    )
    st.latex(
        rf"\frac{{\partial L}}{{\partial w_2}} = \frac{{1}}{{n}}\sum_i (\hat y_i - y_i)\,x_{{i2}}"
        rf"{penalty.replace('w_{1}', 'w_{2}')} = {T(g2)}"
    )
    st.latex(rf"\frac{{\partial L}}{{\partial b}} = \frac{{1}}{{n}}\sum_i (\hat y_i - y_i) = {T(gb)}")
    _update(r, epoch)
    if lam:
        st.caption(
            f"λ = {number(lam)}: L includes the penalty (λ/2)·‖w‖², which adds λ·w to the weight gradients "
            f"(not to b). The cross-entropy alone is {s.loss:.4f}."
        )


def _update(r: Run, epoch: int) -> None:
    """The step from `epoch` to the next, or why there is no single one to show."""
    s = r.history[epoch]
    s_next = r.history[epoch + 1] if epoch + 1 < len(r.history) else None
    eta, n, T = r.settings.lr, r.train.n, tex_number
    w1, w2, b = (float(v) for v in (*s.w, s.b))
    g1, g2, gb = (float(v) for v in (*s.gradient_w, s.gradient_b))
    full_batch = r.settings.batch_size is None or r.settings.batch_size >= n
    if s_next is not None and full_batch:
        st.latex(
            rf"w_1 \leftarrow w_1 - \eta\,\tfrac{{\partial L}}{{\partial w_1}} = {T(w1)} - {T(eta)}\cdot"
            rf"({T(g1)}) = {T(float(s_next.w[0]))}"
        )
        st.latex(
            rf"w_2 \leftarrow {T(w2)} - {T(eta)}\cdot({T(g2)}) = {T(float(s_next.w[1]))}, \quad "
            rf"b \leftarrow {T(b)} - {T(eta)}\cdot({T(gb)}) = {T(float(s_next.b))}"
        )
        st.caption(f"These are the parameters of epoch {epoch + 1}: one step of full-batch gradient descent.")
    elif s_next is not None:
        st.caption(
            f"With batch size {r.settings.batch}, an epoch makes several smaller steps, each with the "
            "gradient of one mini-batch, so epoch "
            f"{epoch + 1} is not one step of the full gradient shown here."
        )
    else:
        st.caption("This is the last epoch of the run.")


def _pulls(r: Run, epoch: int) -> None:
    """Every training point sized by its pull on the gradient at `epoch`, with the boundary then."""
    s, n = r.history[epoch], r.train.n
    show(epoch_detail_figure(r.train, s), key="math_plot")
    name_chart("math_plot", f"Epoch {s.epoch} in detail: every training point, sized by its pull on the gradient, "
               "and the boundary at that epoch.")  # fmt: skip
    wrong = int(round((1 - s.accuracy) * n))
    st.caption(
        f"Epoch {epoch}: {wrong} of {n} training points misclassified (crosses). A point's size is "
        f"|ŷ − y|, its share of the gradient: well-classified points barely pull."
        + (" Showing a random sample of 3,000 points." if n > 3000 else "")
    )


def race_notes(r: Run, data: DataChoice, chosen_by_lesson: bool) -> None:
    """What the race shows and what its rates can say, under the chart: the race itself is the player's (it
    races up to four of the family's rates on the run's chart, chosen in its bar, with no rerun)."""
    summary, _ = cached.rate_note(data, r.settings.l2)
    mini = r.settings.batch_size is not None and r.settings.batch_size < r.train.n
    st.caption(
        "The same data and starting point trained at several learning rates, in lockstep: choose up to four "
        "rates in the bar above the chart, each drawn in its own colour, dash and marker. "
        + ("With a minimum L*, the loss panel can show L − L* on a log scale, where steady (linear) convergence "
           "is a straight line. " if r.best.exists else "")
        + summary
        + " "
        + ("With mini-batches these rates say nothing certain: each step follows a few points' gradient. " * mini)
        + ("" if chosen_by_lesson or mini else "No rate of the control is below 2/L here, so no race was chosen. ")
        + ("" if r.best.exists else f"No minimum L* exists ({r.best.reason}), so the curves show the loss. ")
        + ("With λ > 0, L includes the penalty (λ/2)·‖w‖². " if r.settings.l2 > 0 else "")
    )  # fmt: skip


@st.fragment
def truth_panel(data: DataChoice, settings: Settings, budget: Plan) -> None:
    """The learned weights against the true ones, for the run on screen (an η moved reruns this panel only)."""
    truth_of(run_on_screen(data, settings, budget, "eta_truth"))


def truth_of(r: Run) -> None:
    if r.true_line is None:
        st.info("Uploaded data has no true weights to compare with: this panel is for synthetic data.")
        return
    true_w = r.true_line[0]
    last = r.history[-1]
    angle = angle_degrees(last.w, true_w)
    st.caption(
        "How the learned weights compare with the ones that made the data: their direction (the angle; the "
        "boundary's slope) and their size ‖w‖ (how sure the model is)."
    )
    held(truth_figure(r.history, true_w), key="truth_plot")  # a new figure with every run: updated in place
    name_chart("truth_plot", "Ground truth: the angle between the learned and the true weights, and the size of the "
               "weights, over the epochs of the run on screen.")  # fmt: skip
    st.markdown(
        f"After {last.epoch} epochs: angle {'—' if angle is None else f'{angle:.2f}°'}, "
        f"‖w‖ = {number(float(np.linalg.norm(last.w)), '.3f')} (true ‖w‖ = {np.linalg.norm(true_w):.3f})."
    )
    s = r.settings
    if r.verdict.kind in (Kind.DIVERGING, Kind.OSCILLATING, Kind.NOISY):
        st.markdown(
            f"**Lesson:** this run did not settle ({r.verdict.kind}): the weights jump with every step, so "
            "compare them with the truth only after choosing a smaller learning rate."
        )
    elif np.all(r.train.y == r.train.y[0]):
        st.markdown(
            "**Lesson:** every label is the same class, so there is no boundary to find: the model only "
            "pushes its bias towards that class, and the weights say nothing about the true ones."
        )
    elif s.l2 > 0:
        st.markdown(
            f"**Lesson:** the L2 penalty λ = {number(s.l2)} pulls w towards 0, so ‖w‖ stays finite even "
            "when a line separates the classes; the learned weights are the minimum of the penalised loss."
        )
    elif r.best.exists:
        st.markdown(
            "**Lesson:** with labels drawn from the logistic model (or noisy labels), the classes overlap, "
            "the loss has a minimum, and the learned weights approach it: close to the true weights when "
            "there is enough data."
        )
    else:
        st.markdown(_no_minimum_lesson(r, true_w))


def _no_minimum_lesson(r: Run, true_w: np.ndarray) -> str:
    """What the angle and ‖w‖ did over the last quarter of the run on screen, where the loss has no minimum."""
    history = r.history
    since = history[max(len(history) - 1 - max(len(history) // 4, 1), 0)]
    last = history[-1]
    before, now = angle_degrees(since.w, true_w), angle_degrees(last.w, true_w)
    size_then, size_now = (float(np.linalg.norm(s.w)) for s in (since, last))
    epochs = f"from epoch {since.epoch} to {last.epoch}"
    if before is None or now is None:
        angle = "the angle is not defined while w = 0"
    elif abs(now - before) < 0.05:
        angle = f"the angle has levelled off ({before:.2f}° → {now:.2f}° {epochs})"
    else:
        angle = f"the angle is still changing ({before:.2f}° → {now:.2f}° {epochs})"
    grows = "keeps growing" if size_now > size_then else "did not grow"
    why = (
        "a line separates the classes, so the loss keeps falling as ‖w‖ grows without bound"
        if r.best.ties is not None
        else "no minimum of the loss was found"
    )
    return (
        f"**Lesson:** here {why}: {angle}, and ‖w‖ {grows} "
        f"({size_then:.3g} → {size_now:.3g}). Add label noise, labels drawn from the model, or an L2 penalty to "
        "get a finite answer."
    )
