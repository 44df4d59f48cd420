"""A plain-language verdict on a run, judged by what the run did, explained by the curvature.

The kinds, checked in this order, each the first word of the message:
  Diverged         the last snapshot has diverged=True: the next step would leave the finite numbers.
  Stopped          the loss reached the stop value that was asked for.
  Converged        within TOLERANCE of the minimum (or, with no optimum given, a gradient below 1e-6)
                   and no rise in the last quarter of the epochs; earlier rises are counted in the message.
  Noisy            a mini-batch run whose objective rose.
  Oscillating      a full-batch run whose objective still rises in the last quarter of its epochs.
  Still improving  everything else: the objective did not rise in the last quarter.
A run that never rose is therefore never Diverged, Noisy or Oscillating. A diverged run has always
risen: the step that leaves the finite numbers is counted as a rise (the last one).

The explanation uses three rates (see logreg.curvature): 2/L, below which every step is
guaranteed to lower the objective; 2/s(θ*), above which no run can settle at the minimum θ*; and
2/η against the sharpness s where the run is, which says whether a step there overshoots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .analysis import Optimum
from .train import Snapshot

KINDS = ("converged", "improving", "oscillating", "diverged", "noisy", "stopped")
TOLERANCE = 1e-4  # relative gap to the minimum that counts as converged: 4 significant digits of the objective
RISE = 1e-12  # relative increase that counts as a rise: far above rounding in a mean of n terms, far below any step


@dataclass(frozen=True)
class Verdict:
    """kind: one of KINDS ("improving" is the message's "Still improving"); message: what happened and why.

    rises: epochs whose objective is above the previous epoch's (a divergence counts as one);
    last_quarter_rises: how many of them fall in the last quarter (epochs after last_quarter_start).
    """

    kind: str
    message: str
    rises: int = 0
    last_quarter_rises: int = 0


def rise_epochs(history: Sequence[Snapshot]) -> np.ndarray:
    """The epochs t ≥ 1 whose objective is above epoch t − 1's by more than RISE (relative), shape (k,)."""
    objectives = np.array([s.objective for s in history])
    up = np.diff(objectives) > RISE * np.maximum(1.0, np.abs(objectives[:-1]))
    return np.flatnonzero(up) + 1


def last_quarter_start(epochs: int) -> int:
    """The epoch after which the last quarter of `epochs` updates begins: rises at epochs > this count.

    The quarter is at least one epoch long. For the sharpness over the last quarter, take the
    snapshots from this epoch on (history[last_quarter_start(T):]).
    """
    return epochs - max(1, epochs // 4)


def verdict(
    history: Sequence[Snapshot],
    learning_rate: float,
    max_stable: float,
    best: Optimum | None = None,
    *,
    l2: float = 0.0,
    mini_batch: bool = False,
    loss_threshold: float | None = None,
    sharpness_at_min: float | None = None,
    sharpness_now: float | None = None,
    sharpness_peak: float | None = None,
) -> Verdict:
    """Judge a run from its snapshots (epochs 0..T) and explain it with the run's own numbers.

    max_stable: 2/L (analysis.max_stable_learning_rate with the same l2). best: the optimum, if known.
    The curvature, each optional (a sentence that needs one is left out without it):
      sharpness_at_min  s(θ*), from curvature.sharpness_at_minimum;
      sharpness_now     s at the last snapshot, from curvature.sharpness;
      sharpness_peak    the largest s over the snapshots history[last_quarter_start(T):], from
                        curvature.sharpness_along (an oscillating run swings between sharp and flat
                        places, so one snapshot can miss where its steps overshoot).
    With λ > 0 gradient descent minimises the objective, loss + (λ/2)‖w‖², and the messages say so.
    Rates only bound full-batch steps: mini-batch runs are judged by their curve alone.
    """
    last = history[-1]
    T = last.epoch
    rises = rise_epochs(history)
    if last.diverged:
        rises = np.append(rises, T + 1)
    tail = int(np.count_nonzero(rises > last_quarter_start(T + int(last.diverged))))
    quarter = T - last_quarter_start(T)
    noun = "loss" if l2 == 0 else "objective"
    what = "loss" if l2 == 0 else "objective (loss + λ/2·‖w‖²)"
    if mini_batch:  # 2/L and 2/s(θ*) bound full-batch steps: no curvature sentence applies to mini-batches
        sharpness_at_min = sharpness_now = sharpness_peak = None
    why = _Why(
        learning_rate, max_stable, best, l2, sharpness_at_min, sharpness_now, sharpness_peak, noun, last, mini_batch
    )

    def made(kind: str, message: str) -> Verdict:
        return Verdict(kind, " ".join(message.split()), len(rises), tail)

    if last.diverged:
        return made(
            "diverged",
            f"Diverged after epoch {T}: the next step would leave the finite numbers. "
            f"The {what} rose in {len(rises)} of {T + 1} steps. {why.diverged()}",
        )
    if loss_threshold is not None and last.loss <= loss_threshold:
        return made(
            "stopped",
            f"Stopped at epoch {T}, as asked: the loss {last.loss:.4f} reached the stop value "
            f"{loss_threshold:g}. {_rose(rises, T, noun)}",
        )
    gap = None if best is None or not best.exists else last.objective - best.objective
    grad_norm = float(np.hypot(np.linalg.norm(last.gradient_w), last.gradient_b))
    if tail == 0 and gap is not None and gap <= TOLERANCE * max(1.0, abs(best.objective)):
        return made(
            "converged",
            f"Converged: the {what} is {max(gap, 0):.1e} above its minimum "
            f"{best.objective:.4f}. {_rose(rises, T, noun)} {why.settled(len(rises) > 0)}",
        )
    if tail == 0 and best is None and grad_norm < 1e-6:
        return made("converged", f"Converged: the gradient is down to {grad_norm:.1e}. {_rose(rises, T, noun)}")
    if mini_batch and len(rises):
        return made(
            "noisy",
            f"Noisy: the {what} went up in {len(rises)} of {T} epochs. Each mini-batch step follows "
            "the gradient of a few points, not of all of them; a smaller η or a larger batch "
            "smooths the curve.",
        )
    if tail:
        where = "" if gap is None else f"It ends {gap:.2e} above the minimum {best.objective:.4f}."
        objectives = np.array([x.objective for x in history[last_quarter_start(T) :]])
        falls = bool(np.any(np.diff(objectives) < 0))
        how = "still rises and falls" if falls else f"did not fall in any of the last {quarter} epochs"
        return made(
            "oscillating",
            f"Oscillating: the {what} {how}: it went up in {len(rises)} of {T} epochs, "
            f"{tail} of them in the last {quarter}. {where} {why.oscillating()}",
        )
    if gap is not None:
        state = f"the {what} is {gap:.2e} above its minimum {best.objective:.4f}"
    else:
        state = f"the {what} is {last.objective:.4g}, its gradient {grad_norm:.2e}"
    reason = "" if best is None or best.exists else best.reason[0].upper() + best.reason[1:] + "."
    return made("improving", f"Still improving: {state}. {_rose(rises, T, noun, quarter)} {reason} {why.improving()}")


def _rose(rises: np.ndarray, T: int, noun: str, quarter: int | None = None) -> str:
    """When the objective rose, in words; quarter: also say that the last quarter only fell."""
    if T == 0:
        return ""
    if len(rises) == 0:
        return f"The {noun} never rose."
    since = "" if quarter is None else f", and not in the last {quarter} epochs"
    if len(rises) == 1:
        return f"It rose once, at epoch {rises[0]}{since}."
    return f"It rose in {len(rises)} of {T} epochs, the last at epoch {rises[-1]}{since}."


def _apart(a: float, b: float) -> tuple[str, str]:
    """a and b with 3 significant digits, or more (up to 8) when 3 would print them alike."""
    for digits in range(3, 9):
        sa, sb = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if sa != sb:
            break
    return sa, sb


@dataclass(frozen=True)
class _Why:
    """The mechanism in words, built only from the numbers given."""

    lr: float
    max_stable: float
    best: Optimum | None
    l2: float
    s_min: float | None
    s_now: float | None
    s_peak: float | None
    noun: str
    last: Snapshot
    mini: bool = False

    def guarantee(self) -> str:
        if self.mini:
            return "Each mini-batch step follows the gradient of a few points, so 2/L guarantees nothing for it."
        if self.lr < self.max_stable:
            return (
                f"η = {self.lr:.3g} is below 2/L = {self.max_stable:.3g}: every step is guaranteed to lower the "
                f"{self.noun}."
            )
        return (
            f"η = {self.lr:.3g} is above 2/L = {self.max_stable:.3g}, the rate below which every step is "
            f"guaranteed to lower the {self.noun}."
        )

    def minimum(self) -> str:
        if self.s_min is None:
            return ""
        rate = f"2/s(θ*) = {2 / self.s_min:.3g} (s(θ*) = {self.s_min:.3g} is the curvature at the minimum)"
        if self.lr < 2 / self.s_min:
            return f"It is below {rate}, so steps near the minimum do not overshoot."
        return f"It is above {rate}: near the minimum each step overshoots, so no run can settle there."

    def no_minimum(self) -> bool:
        return self.best is not None and not self.best.exists and self.l2 == 0 and "separates" in self.best.reason

    def flat(self) -> str:
        """Without a minimum (λ = 0, separable): the curvature fades as ‖w‖ grows."""
        if not self.no_minimum() or self.s_now is None:
            return ""
        now, rate = _apart(self.s_now, 2 / self.lr)
        said = (
            f"As ‖w‖ grows (now {np.linalg.norm(self.last.w):.3g}) every p(1 − p) fades, and the sharpness has "
            f"fallen from L = {2 / self.max_stable:.3g} at θ = 0 to s = {now}"
        )
        if self.lr >= self.max_stable and self.s_now < 2 / self.lr:
            return said + f", below 2/η = {rate}: that is why this rate above 2/L descends here."
        return said + "."

    def settled(self, rose: bool) -> str:
        if self.s_min is not None and self.lr > 2 / self.s_min:  # close to θ* now, but it cannot stay there
            return " ".join(
                [
                    self.guarantee(),
                    (
                        f"It is above 2/s(θ*) = {2 / self.s_min:.3g} (s(θ*) = {self.s_min:.3g} is the curvature at "
                        "the minimum), so near the minimum each step overshoots and the distance along the sharpest "
                        f"direction grows by |1 − η·s(θ*)| = {abs(1 - self.lr * self.s_min):.3g} per epoch; within "
                        "these epochs that has not shown as a rise in the last quarter."
                    ),
                ]
            )
        parts = [self.guarantee(), self.minimum()]
        if rose and self.lr >= self.max_stable:
            parts.append("Above 2/L descent is not guaranteed: this run rose before it settled.")
        return " ".join(p for p in parts if p)

    def oscillating(self) -> str:
        parts = [self.penalty(), self.guarantee(), self.minimum()]
        if self.s_peak is not None:
            above = self.s_peak > 2 / self.lr
            peak, rate = _apart(self.s_peak, 2 / self.lr)
            parts.append(
                f"In the last quarter the sharpness reached s = {peak}, "
                f"{'above' if above else 'below'} 2/η = {rate}"
                + (": there a step overshoots along the sharpest direction." if above else ".")
            )
        if self.no_minimum() and self.s_peak is not None and self.s_peak > 2 / self.lr:
            parts.append(
                "There is no minimum, and the curvature shrinks as ‖w‖ grows "
                f"(now {np.linalg.norm(self.last.w):.3g}), but within these epochs the run has not left "
                "the places sharp enough to make it overshoot."
            )
        return " ".join(p for p in parts if p)

    def improving(self) -> str:
        parts = [self.guarantee(), self.minimum(), self.flat()]
        if not self.flat() and self.s_now is not None:
            now, rate = _apart(self.s_now, 2 / self.lr)
            parts.append(
                f"Where the run is now the sharpness is s = {now}, "
                f"{'above' if self.s_now > 2 / self.lr else 'below'} 2/η = {rate}."
            )
        return " ".join(p for p in parts if p)

    def penalty(self) -> str:
        """When ηλ ≥ 2 the penalty's own part of the step no longer shrinks w."""
        if self.l2 == 0 or self.lr * self.l2 < 2:
            return ""
        factor = abs(1 - self.lr * self.l2)
        scaled = "without shrinking them" if factor < 1.0005 else f"and multiplies them by {factor:.3g}"
        return (
            f"η·λ = {self.lr * self.l2:.3g} is at least 2: the penalty's own step w ← (1 − ηλ)·w flips the "
            f"weights {scaled} every epoch."
        )

    def diverged(self) -> str:
        return " ".join(p for p in (self.penalty(), self.guarantee()) if p)
