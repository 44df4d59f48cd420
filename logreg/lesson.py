"""The learning-rate lesson fitted to the data: the words under the η control, and a race of rates
chosen by training, so that each rate shows what its role says.

Rates that matter (logreg.curvature): 2/L, below which every full-batch step lowers the objective;
2/s(θ*), above which no run can settle at the minimum θ*, when there is one. Without a minimum
(λ = 0 and a line separating the classes) the curvature fades as ‖w‖ grows, so a rate far above
2/L can still descend: it may rise and fall for a while first, for longer the larger η is (Wu,
Bartlett, Telgarsky and Yu, COLT 2024), and then fall faster than a small rate does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .analysis import Optimum, lipschitz, optimum
from .curvature import sharpness_at_minimum
from .formatting import plain
from .train import Snapshot, train
from .verdict import Kind, verdict

ROLES = {
    "too slow": "smaller than the guaranteed rate: every step descends, but after these epochs it is still improving",
    "guaranteed": "the largest rate below 2/L: every step is guaranteed to lower the objective",
    "smooth above 2/L": "above 2/L, where nothing is guaranteed, yet the objective never rose and it ends "
    "no higher than the guaranteed rate's",
    "rose, then fell lower": "its objective rose at some epochs, then settled or kept falling, and it ends lower than "
    "the guaranteed rate",
    "oscillating": "its objective still rises in the last quarter of the epochs",
}


SETTLING = (Kind.CONVERGED, Kind.IMPROVING, Kind.STALLED)  # verdicts of runs that end falling or settled


@dataclass(frozen=True)
class Lane:
    """One rate of the race, with what its run did when race_rates trained it.

    role: a key of ROLES. kind, rises: the run's verdict kind and number of rises.
    final_objective: the objective at the last snapshot.
    """

    learning_rate: float
    role: str
    kind: Kind
    rises: int
    final_objective: float


@dataclass(frozen=True)
class Words:
    """A headline a student reads in one breath, then the exact numbers behind it, for the teacher."""

    headline: str
    details: str

    def __str__(self) -> str:
        return f"{self.headline} {self.details}".strip()


def has_no_minimum_because_separable(best: Optimum, l2: float) -> bool:
    """True when analysis.optimum found no finite minimum because a line separates the classes (with or
    without points on it: best.ties)."""
    return l2 == 0 and not best.exists and best.ties is not None


def rate_words(X: np.ndarray, best: Optimum, *, l2: float = 0.0) -> Words:
    """The words under the η control, fitted to X (n, d) and its optimum `best` (analysis.optimum, same l2).

    The headline rounds each rate the safe way (2/L down, 2/s(θ*) up); the details give 2/L as a guarantee;
    with a minimum, 1/s(θ*) and 2/s(θ*), the rates at which steps near it start to overshoot and can no
    longer settle; on separable data, why large rates still descend. Every sentence holds for every start.
    """
    objective = "loss" if l2 == 0 else "objective"
    guaranteed = 2.0 / lipschitz(X, l2)
    s_min = sharpness_at_minimum(X, best, l2)
    if not guaranteed >= 1e-9:  # features so large that 2/L is below what a sentence can show (or 0)
        return Words(
            f"The numbers are so large that no step is sure to lower the {objective}.",
            f"2/L = {guaranteed:.3g}: below it every step is guaranteed to lower the {objective}. Scaling the "
            "features first fixes this.",
        )
    low = plain(guaranteed, "down")
    details = [f"Below η = 2/L = {guaranteed:.3g} every step is guaranteed to lower the {objective}, from any start."]
    if s_min is not None:
        high = "" if 2 / s_min >= 1e12 else f" Above η = {plain(2 / s_min, 'up')} the run can't settle."
        headline = f"Steps below η = {low} always lower the {objective}.{high}"
        details.append(_minimum_words(objective, s_min))
    elif has_no_minimum_because_separable(best, l2) and not best.ties:
        headline = f"Steps below η = {low} always lower the loss. Big steps may swing, then fall too."
        details.append(
            "A line separates the classes, so the loss has no minimum: it falls towards 0 as ‖w‖ grows, every "
            "p(1 − p) fades with it, and the curvature shrinks towards 0, below 2/η for any η in the end. So rates "
            "far above 2/L can descend here: a large one may first make the loss rise and fall, for a number of "
            "epochs that grows with η (possibly more than the run has), then fall faster than a small one."
        )
    elif has_no_minimum_because_separable(best, l2) and best.forced:
        headline = f"Steps below η = {low} always lower the loss. Larger steps may keep swinging."
        details.append(
            "A line separates the classes, but some points lie exactly on every such line: the loss has no "
            "minimum, yet it falls only towards a floor above 0 (the loss of the points on the line), and the "
            "curvature need not shrink, so a rate above 2/L may keep the loss swinging for as long as the run lasts."
        )
    elif has_no_minimum_because_separable(best, l2):
        headline = f"Steps below η = {low} always lower the loss. Larger steps may keep swinging."
        details.append(
            "A line separates the classes, with some points lying exactly on the line found: the loss has no "
            "minimum. If every such line has points on it, the loss falls only towards a floor above 0 and the "
            "curvature need not shrink, so a rate above 2/L may keep the loss swinging for as long as the run lasts."
        )
    else:
        headline = f"Steps below η = {low} are sure to lower the {objective}."
    return Words(headline, " ".join(details))


def _minimum_words(objective: str, s_min: float) -> str:
    """The three rates near a minimum with curvature s(θ*): no overshoot, overshoots that shrink, no settling."""
    return (
        f"The {objective} has a minimum, where the curvature is s(θ*) = {s_min:.3g}. Below η = 1/s(θ*) = "
        f"{1 / s_min:.3g} steps near it do not overshoot; between that and η = 2/s(θ*) = {2 / s_min:.3g} each "
        "overshoots by less than the last, and the run can settle; above 2/s(θ*) gradient descent cannot settle "
        "there, since near it every step overshoots by more than the last: the run oscillates, or moves away. "
        "Between 2/L and 2/s(θ*) nothing is guaranteed, yet runs can still settle."
    )


def learning_rate_note(X: np.ndarray, best: Optimum, *, l2: float = 0.0) -> str:
    """`rate_words` as one text: the headline, then the exact numbers."""
    return str(rate_words(X, best, l2=l2))


def learning_rate_summary(X: np.ndarray, best: Optimum, *, l2: float = 0.0) -> str:
    """`rate_words`' headline: one plain line."""
    return rate_words(X, best, l2=l2).headline


def race_rates(
    X: np.ndarray,
    y: np.ndarray,
    options: Sequence[float],
    *,
    l2: float = 0.0,
    epochs: int = 300,
    init: str | tuple = "zeros",
    seed: int = 0,
    best: Optimum | None = None,
    histories: Mapping[float, Sequence[Snapshot]] | None = None,
) -> tuple[Lane, ...]:
    """Up to four rates from `options` whose full-batch runs show the lesson, sorted by rate.

    Lanes, chosen by training each candidate for `epochs` epochs from `init` (pass the race's own
    epochs and start: the roles are what those runs did):
      "too slow"              the largest option at most 1/100 of the guaranteed one (or smaller) whose
                              run is still improving;
      "guaranteed"            the largest option below 2/L;
    then, in this order of preference, two of
      "oscillating"           the smallest option whose run still rises in its last quarter (with a
                              minimum: the smallest such option above 2/s(θ*));
      "rose, then fell lower" the largest option whose run rose yet ends below the guaranteed lane's;
      "smooth above 2/L"      the largest option above 2/L whose run never rose and ends no higher;
    these two only for runs whose own verdict is Converged, Still improving or Stopped changing (SETTLING):
    a run that ends lower only because of where its last epoch falls in a swing is not one of them.
    With a minimum the lanes straddle 2/s(θ*) whenever an option above it oscillates. Options that
    show none of these roles on this data are left out, so fewer than four lanes may come back, and
    none when no option is below 2/L. Full-batch only: 2/L and 2/s(θ*) say nothing of mini-batches.
    Cost: one training run of `epochs` epochs per candidate: the guaranteed rate, the too-slow ones
    tried, and the options above 2/L up to the first that oscillates (all of them when none does).
    On the app's presets that is 4 to 6 runs; worth caching per data and settings. histories: runs
    already trained, by rate (the app passes its family of every rate): a candidate found there is
    judged on that run and not trained again, so the roles are what the runs drawn did.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    best = optimum(X, y, l2) if best is None else best
    judge = _Judge(X, y, best, dict(l2=l2, epochs=epochs, init=init, seed=seed), histories or {})
    opts = sorted(float(o) for o in options)
    below = [o for o in opts if o < judge.guaranteed_rate]
    if not below:
        return ()
    good = judge.lane(below[-1], "guaranteed")
    slow = _too_slow(judge, below, good)
    extras = _beyond_guaranteed(judge, [o for o in opts if o > good.learning_rate], good)
    chosen = [x for x in (slow, good) if x is not None] + extras[:2]
    return tuple(sorted(chosen, key=lambda x: x.learning_rate))


class _Judge:
    """Each candidate rate's run, trained once (or taken from `histories`) and judged by its verdict."""

    def __init__(self, X: np.ndarray, y: np.ndarray, best: Optimum, options: dict, histories: Mapping) -> None:
        self.X, self.y, self.options, self.histories = X, y, options, histories
        self.best, self.l2 = best, options["l2"]
        self.guaranteed_rate = 2.0 / lipschitz(X, self.l2)
        self.s_min = sharpness_at_minimum(X, best, self.l2)
        self.runs: dict[float, Lane] = {}

    def lane(self, lr: float, role: str) -> Lane:
        if lr not in self.runs:
            history = self.histories.get(lr)
            if history is None:
                history = list(train(self.X, self.y, learning_rate=lr, **self.options))
            v = verdict(history, lr, self.guaranteed_rate, self.best, l2=self.l2, sharpness_at_min=self.s_min)
            self.runs[lr] = Lane(lr, role, v.kind, v.rises, _final(history))
        return _as(self.runs[lr], role)


def _too_slow(judge: _Judge, below: list[float], good: Lane) -> Lane | None:
    """The largest option at most 1/100 of the guaranteed one (else the smallest) still improving."""
    for lr in reversed([o for o in below if o <= good.learning_rate / 100] or below[:1]):
        candidate = judge.lane(lr, "too slow")
        if candidate.kind is Kind.IMPROVING and lr < good.learning_rate:
            return candidate
    return None


def _beyond_guaranteed(judge: _Judge, above: list[float], good: Lane) -> list[Lane]:
    """Among the options above the guaranteed one, in order of preference: the oscillating one, the
    one that rose then fell lower, the smooth one (see race_rates)."""
    s_min = judge.s_min
    if s_min is not None:
        between = [judge.lane(o, "") for o in above if o < 2 / s_min]
        beyond = [o for o in above if o >= 2 / s_min]
    else:
        between, beyond = [], above
    oscillating = None
    for lr in beyond:
        candidate = judge.lane(lr, "")
        between.append(candidate)
        ends_higher = candidate.final_objective >= good.final_objective
        if candidate.kind is Kind.OSCILLATING and (s_min is not None or ends_higher):
            oscillating = _as(candidate, "oscillating")
            break
    taken = None if oscillating is None else oscillating.learning_rate
    others = [c for c in between if c.learning_rate != taken]
    lower = [c for c in others if c.kind in SETTLING and c.final_objective < good.final_objective]
    rose = [c for c in lower if c.rises > 0]
    smooth = [c for c in others if c.kind in SETTLING and c.rises == 0 and c.final_objective <= good.final_objective]
    extras = [
        oscillating,
        _as(rose[-1], "rose, then fell lower") if rose else None,
        _as(smooth[-1], "smooth above 2/L") if smooth else None,
    ]
    return [x for x in extras if x is not None]


def _as(lane: Lane, role: str) -> Lane:
    return Lane(lane.learning_rate, role, lane.kind, lane.rises, lane.final_objective)


def _final(history: Sequence[Snapshot]) -> float:
    return float(history[-1].objective)
