"""A plain-language verdict on a run, judged by what a person sees of its curve, explained by the curvature.

Each verdict has a kind (Kind), a headline a student reads in one breath, and details with the exact
numbers for the teacher. A change of the objective is *visible* when it is larger than VISIBLE times the
range of the run's objective (what the loss chart spans); smaller rises are wobbles, named as such.
The kinds, checked in this order:
  Diverging         the last snapshot has diverged=True (the next step would leave the finite numbers), or
                    the objective ends GROWTH times above its start or more, whatever its rises and falls.
  Stopped           the loss reached the stop value that was asked for.
  Converged         within TOLERANCE of the minimum (or, with no optimum given, a gradient below 1e-6) with no
                    visible rise in the last quarter of the epochs (wobbles allowed, unless η > 2/s(θ*):
                    then the run swings around the minimum and cannot stay).
  Stopped changing  the objective changed by less than FROZEN (relative) over the last quarter.
  Noisy             a mini-batch run with a visible rise.
  Oscillating       a visible rise in the last quarter; or, with η > 2/s(θ*), rises too small to see.
  Stopped changing  only wobbles in the last quarter and no visible fall over it.
  Still improving   everything else: no visible rise in the last quarter.
A run that never rose is therefore never Noisy or Oscillating.

The explanation uses the rates of logreg.curvature: 2/L, below which every step is guaranteed to lower the
objective; 1/s(θ*) and 2/s(θ*) at the minimum θ*: below the first a step near θ* does not overshoot,
between them it overshoots by less each time, above the second it overshoots by more and no run can
settle there; and 2/η against the sharpness s where the run is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .analysis import Optimum
from .formatting import plain
from .train import Snapshot


class Kind(StrEnum):
    """What a run did. The values are stable slugs (the page's style sheet and the rate chart key on them)."""

    CONVERGED = "converged"
    IMPROVING = "improving"
    STALLED = "stalled"
    OSCILLATING = "oscillating"
    DIVERGING = "diverged"
    NOISY = "noisy"
    STOPPED = "stopped"

    @property
    def badge(self) -> str:
        """The short word or two that starts the verdict on the page and in the command line."""
        return BADGES[self]


BADGES = {
    Kind.CONVERGED: "Converged",
    Kind.IMPROVING: "Still improving",
    Kind.STALLED: "Stopped changing",
    Kind.OSCILLATING: "Oscillating",
    Kind.DIVERGING: "Diverging",
    Kind.NOISY: "Noisy",
    Kind.STOPPED: "Stopped",
}
KINDS = tuple(Kind)
TOLERANCE = 1e-4  # relative gap to the minimum that counts as converged: 4 significant digits of the objective
RISE = 1e-12  # relative increase that counts as a rise: far above rounding in a mean of n terms, far below any step
VISIBLE = 1 / 200  # a change shows on the chart when larger than this fraction of the run's range (1 px in 200)
GROWTH = 100.0  # an objective that ends this many times above its start has blown up: Diverging
FROZEN = 1e-12  # relative change over the last quarter below which the objective has stopped changing


@dataclass(frozen=True)
class Verdict:
    """kind: a Kind; headline: one plain line; details: the exact numbers behind it, for the teacher.

    rises: epochs whose objective is above the previous epoch's (a divergence counts as one);
    last_quarter_rises: how many of them fall in the last quarter (epochs after last_quarter_start);
    visible_rises: the rises larger than VISIBLE times the run's range (a divergence counts as one).
    """

    kind: Kind
    headline: str
    details: str
    rises: int = 0
    last_quarter_rises: int = 0
    visible_rises: int = 0

    @property
    def badge(self) -> str:
        return self.kind.badge

    @property
    def message(self) -> str:
        """Badge, headline and details in one text: "Converged: Settled at the bottom. …"."""
        return f"{self.badge}: {self.headline} {self.details}".strip()


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


def wobble_bound(spread: float) -> str:
    """The smallest power of ten above `spread` (> 0), in decimals: 0.00031 → "0.001"."""
    power = int(np.ceil(np.log10(spread))) if spread > 0 else -12
    power = max(power + (10.0**power <= spread), -9)
    return plain(10.0**power)


@dataclass(frozen=True, eq=False)
class Curve:
    """What a person sees of a run's objective (epochs 0..T), computed once.

    rises, visible: rise epochs (a divergence adds T + 1), all and those larger than VISIBLE·range.
    tail: the objectives from last_quarter_start(T) on; spread its max − min; fall its first minus its last.
    """

    T: int
    objectives: np.ndarray
    rises: np.ndarray
    visible: np.ndarray
    tail: np.ndarray
    step: float  # the smallest change that shows: VISIBLE times the range

    @classmethod
    def of(cls, history: Sequence[Snapshot]) -> Curve:
        objectives = np.array([s.objective for s in history], dtype=float)
        T, diverged = history[-1].epoch, history[-1].diverged
        finite = objectives[np.isfinite(objectives)]
        step = VISIBLE * float(np.ptp(finite)) if finite.size else 0.0
        rises = rise_epochs(history)
        with np.errstate(invalid="ignore"):
            visible = rises[objectives[rises] - objectives[rises - 1] > step] if len(rises) else rises
        if diverged:
            rises, visible = np.append(rises, T + 1), np.append(visible, T + 1)
        return cls(T, objectives, rises, visible, objectives[last_quarter_start(T) :], step)

    @property
    def quarter(self) -> int:
        return self.T - last_quarter_start(self.T)

    def tail_rises(self, visible: bool = False) -> int:
        """Rises in the last quarter (of T + 1 steps when the run diverged, the divergence being the last)."""
        epochs = self.visible if visible else self.rises
        return int(np.count_nonzero(epochs > last_quarter_start(self.T)))

    @property
    def spread(self) -> float:
        return float(np.ptp(self.tail))

    @property
    def frozen(self) -> bool:
        return self.T >= 1 and self.spread <= FROZEN * float(np.max(np.abs(self.tail)))

    @property
    def falls_visibly(self) -> bool:
        return float(self.tail[0] - self.tail[-1]) > self.step

    @property
    def grew(self) -> bool:
        start, end = self.objectives[0], self.objectives[-1]
        return not np.isfinite(end) or (start > 0 and end >= GROWTH * start)


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
    With λ > 0 gradient descent minimises the objective, loss + (λ/2)‖w‖², and the words say so.
    Rates only bound full-batch steps: mini-batch runs are judged by their curve alone.
    Raises ValueError on an empty history.
    """
    if len(history) == 0:
        raise ValueError("verdict needs the run's snapshots, epoch 0 at least; got an empty history")
    curve = Curve.of(history)
    if mini_batch:  # 2/L and 2/s(θ*) bound full-batch steps: no curvature sentence applies to mini-batches
        sharpness_at_min = sharpness_now = sharpness_peak = None
    why = _Why(
        learning_rate, max_stable, best, l2, sharpness_at_min, sharpness_now, sharpness_peak, history[-1], mini_batch
    )
    kind, headline, details = _judge(curve, why, loss_threshold)
    return Verdict(kind, headline, " ".join(details.split()), len(curve.rises), curve.tail_rises(), len(curve.visible))


def _judge(curve: Curve, why: _Why, loss_threshold: float | None) -> tuple[Kind, str, str]:
    """(kind, headline, details), the kinds checked in the module's order."""
    last, noun = why.last, why.noun
    if last.diverged or curve.grew:
        return _diverging(curve, why)
    if loss_threshold is not None and last.loss <= loss_threshold:
        return (
            Kind.STOPPED,
            f"Stopped at epoch {curve.T}: the loss reached the stop value that was set.",
            f"The loss {last.loss:.4f} reached the stop value {loss_threshold:g}. {_rose(curve, noun)}",
        )
    swinging = why.s_min is not None and why.lr > 2 / why.s_min  # near θ* each step overshoots by more
    if curve.tail_rises(visible=True) == 0 and (curve.tail_rises() == 0 or not swinging):
        gap = why.gap()
        if gap is not None and gap <= TOLERANCE * max(1.0, abs(why.best.objective)):
            return _converged(curve, why, gap)
        if why.best is None and why.gradient() < 1e-6:
            return (
                Kind.CONVERGED,
                "Settled: the steps have become too small to change anything.",
                f"The gradient is down to {why.gradient():.1e}. {_rose(curve, noun)}",
            )
    if curve.frozen:
        return _stalled(curve, why)
    if why.mini and len(curve.visible):
        return (
            Kind.NOISY,
            f"Bumpy: each step uses only a few points, so the {noun} jumps around.",
            f"The {why.what} went up in {len(curve.rises)} of {curve.T} epochs ({len(curve.visible)} of them "
            "large enough to see). Each mini-batch step follows the gradient of a few points, not of all of "
            "them; a smaller η or a larger batch smooths the curve.",
        )
    if curve.tail_rises(visible=True) or (curve.tail_rises() and swinging):
        return _oscillating(curve, why)
    if curve.tail_rises() and not curve.falls_visibly:
        return _stalled(curve, why)
    return _improving(curve, why)


def _diverging(curve: Curve, why: _Why) -> tuple[Kind, str, str]:
    noun, T = why.noun, curve.T
    if why.flips():
        headline = "Too big for the penalty: each step flips the weights and makes them bigger."
    elif why.last.diverged:
        headline = "Too big: the numbers grew too large for the computer to hold."
    else:
        headline = f"Too big: the {noun} grew over {GROWTH:.0f} times larger instead of going down."
    if why.last.diverged:
        happened = (
            f"Diverged after epoch {T}: the next step would leave the finite numbers. "
            f"The {why.what} rose in {len(curve.rises)} of {T + 1} steps."
        )
    else:
        start, end = curve.objectives[0], curve.objectives[-1]
        happened = (
            f"The {why.what} grew from {start:.4g} to {end:.3g}, more than {GROWTH:.0f} times its start; "
            f"it rose in {len(curve.rises)} of {T} epochs."
        )
    return Kind.DIVERGING, headline, f"{happened} {why.diverged()}"


def _converged(curve: Curve, why: _Why, gap: float) -> tuple[Kind, str, str]:
    noun, s_min = why.noun, why.s_min
    if curve.tail_rises():
        headline = f"Settled at the bottom; it wobbles by less than {wobble_bound(curve.spread)}."
    elif s_min is not None and why.lr > 2 / s_min:
        headline = "At the bottom for now, but its steps are too big to stay there."
    elif len(curve.visible):
        headline = f"The {noun} rose at first, then settled at the bottom."
    elif s_min is not None and why.lr > 1 / s_min:
        headline = "Settled at the bottom; near it, each step jumped past by less each time."
    else:
        headline = f"Settled at the bottom: the {noun} is as low as it gets."
    details = (
        f"The {why.what} is {max(gap, 0):.1e} above its minimum {why.best.objective:.4f}. "
        f"{_rose(curve, noun)} {why.settled(len(curve.rises) > 0)}"
    )
    return Kind.CONVERGED, headline, details


def _stalled(curve: Curve, why: _Why) -> tuple[Kind, str, str]:
    noun, quarter = why.noun, curve.quarter
    if curve.frozen and why.last.loss == 0:
        headline = "The loss is 0 as far as the computer can tell, so steps change nothing."
    elif curve.frozen:
        headline = f"The {noun} has not changed at all in the last {quarter} epochs."
    else:
        headline = f"Settled: the {noun} wobbles by less than {wobble_bound(curve.spread)}, too little to see."
    moved = f"Over the last {quarter} epochs it changed by {curve.spread:.2g}" + (
        ", within rounding." if curve.frozen else f", less than 1/200 of its range ({curve.step / VISIBLE:.3g})."
    )
    return Kind.STALLED, headline, f"{why.state()}. {moved} {_rose(curve, noun)} {why.reason()} {why.improving()}"


def _oscillating(curve: Curve, why: _Why) -> tuple[Kind, str, str]:
    noun, tail, quarter = why.noun, curve.tail_rises(), curve.quarter
    if not curve.tail_rises(visible=True):
        headline = f"Too big to settle: it swings around the bottom by less than {wobble_bound(curve.spread)}."
    elif why.flips():
        headline = "Too big for the penalty: each step flips the weights, so the objective swings."
    elif why.s_min is not None and why.lr > 2 / why.s_min:
        headline = f"Too big: each step jumps past the bottom, so the {noun} swings."
    elif why.no_minimum():
        headline = f"Steps still jump too far here, so the {noun} goes up and down."
    else:
        headline = f"Each step jumps too far, so the {noun} still goes up and down."
    falls = bool(np.any(np.diff(curve.tail) < 0))
    how = "still rises and falls" if falls else f"did not fall in any of the last {quarter} epochs"
    seen = curve.tail_rises(visible=True)
    where = "" if why.gap() is None else f"It ends {why.gap():.2e} above the minimum {why.best.objective:.4f}."
    details = (
        f"The {why.what} {how}: it went up in {len(curve.rises)} of {curve.T} epochs, {tail} of them in the "
        f"last {quarter}, {seen} of those large enough to see (over 1/200 of its range, {curve.step:.2g}). "
        f"{where} {why.oscillating()}"
    )
    return Kind.OSCILLATING, headline, details


def _improving(curve: Curve, why: _Why) -> tuple[Kind, str, str]:
    noun = why.noun
    if curve.falls_visibly:
        headline = f"The {noun} is still going down at the end of the run."
    else:
        headline = f"The {noun} is still going down, but too slowly to see on the chart."
    details = f"{why.state()}. {_rose(curve, noun, curve.quarter)} {why.reason()} {why.improving()}"
    return Kind.IMPROVING, headline, details


def _rose(curve: Curve, noun: str, quarter: int | None = None) -> str:
    """When the objective rose, in words; quarter: also say that the last quarter only fell."""
    rises, T = curve.rises, curve.T
    if T == 0:
        return ""
    if len(rises) == 0:
        return f"The {noun} never rose."
    since = "" if quarter is None or curve.tail_rises() else f", and not in the last {quarter} epochs"
    said = (
        f"It rose once, at epoch {rises[0]}{since}."
        if len(rises) == 1
        else f"It rose in {len(rises)} of {T} epochs, the last at epoch {rises[-1]}{since}."
    )
    small = len(rises) - len(curve.visible)
    if small:
        said += f" {small} of these rises are under 1/200 of its range ({curve.step:.2g}): too small to see."
    return said


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
    last: Snapshot
    mini: bool = False

    @property
    def noun(self) -> str:
        return "loss" if self.l2 == 0 else "objective"

    @property
    def what(self) -> str:
        return "loss" if self.l2 == 0 else "objective (loss + λ/2·‖w‖²)"

    def gap(self) -> float | None:
        """How far the last objective is above the minimum, when there is one."""
        if self.best is None or not self.best.exists:
            return None
        return float(self.last.objective - self.best.objective)

    def gradient(self) -> float:
        return float(np.hypot(np.linalg.norm(self.last.gradient_w), self.last.gradient_b))

    def state(self) -> str:
        gap = self.gap()
        if gap is not None:
            return f"The {self.what} is {gap:.2e} above its minimum {self.best.objective:.4f}"
        return f"The {self.what} is {self.last.objective:.4g}, its gradient {self.gradient():.2e}"

    def reason(self) -> str:
        if self.best is None or self.best.exists:
            return ""
        return self.best.reason[0].upper() + self.best.reason[1:] + "."

    def flips(self) -> bool:
        """ηλ ≥ 2: the penalty's own part of the step flips the weights without shrinking them."""
        return self.l2 > 0 and self.lr * self.l2 >= 2

    def guarantee(self) -> str:
        if self.mini:
            return "Each mini-batch step follows the gradient of a few points, so 2/L guarantees nothing for it."
        if not (np.isfinite(self.max_stable) and self.max_stable > 0):
            return (
                "The features are so large that their curvature L overflows the numbers a computer holds: "
                f"2/L is too small to write, so no learning rate is guaranteed to lower the {self.noun}."
            )
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
        """The overshoot near θ*: none below 1/s(θ*), shrinking up to 2/s(θ*), growing above it."""
        if self.s_min is None:
            return ""
        one, two = 1 / self.s_min, 2 / self.s_min
        curvature = f"s(θ*) = {self.s_min:.3g} is the curvature at the minimum"
        if self.lr <= one:
            return f"It is below 1/s(θ*) = {one:.3g} ({curvature}), so steps near the minimum do not overshoot."
        if self.lr < two:
            return (
                f"It is between 1/s(θ*) = {one:.3g} and 2/s(θ*) = {two:.3g} ({curvature}): near the minimum each "
                "step overshoots along the sharpest direction, by less each time, so the run can still settle."
            )
        return (
            f"It is above 2/s(θ*) = {two:.3g} ({curvature}): near the minimum each step overshoots by more than "
            "the last, so no run can settle there."
        )

    def no_minimum(self) -> bool:
        """No finite minimum because a line separates the classes (strictly or with points on it), λ = 0."""
        return self.best is not None and not self.best.exists and self.l2 == 0 and self.best.ties is not None

    def flat(self) -> str:
        """Without a minimum (λ = 0, separable): strictly, the curvature fades as ‖w‖ grows; with points on the
        line the loss falls to a floor above 0 and the curvature need not fade."""
        if not self.no_minimum() or self.s_now is None:
            return ""
        if self.best.ties and self.best.forced:
            return (
                "Some points lie on every line that separates the classes, so the loss falls towards a floor "
                "above 0 and the sharpness need not fade."
            )
        if self.best.ties:
            return (
                "Some points lie on the separating line found; if every such line has points on it, the loss "
                "falls towards a floor above 0 and the sharpness need not fade."
            )
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
                "There is no minimum"
                + (
                    ", and the curvature shrinks as ‖w‖ grows "
                    if not self.best.ties
                    else " (points lie on the separating line, so the curvature need not shrink) "
                )
                + f"(now ‖w‖ = {np.linalg.norm(self.last.w):.3g}), but within these epochs the run has not left "
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
        if not self.flips():
            return ""
        factor = abs(1 - self.lr * self.l2)
        scaled = "without shrinking them" if factor < 1.0005 else f"and multiplies them by {factor:.3g}"
        return (
            f"η·λ = {self.lr * self.l2:.3g} is at least 2: the penalty's own step w ← (1 − ηλ)·w flips the "
            f"weights {scaled} every epoch."
        )

    def diverged(self) -> str:
        return " ".join(p for p in (self.penalty(), self.guarantee()) if p)
