"""logreg.lesson: the words under the η control and the race's rates, checked by training.

`python3 tests/test_lesson.py` prints the sweep's table: dataset, η, verdict kind, rises.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest

from logreg.analysis import Optimum, lipschitz, optimum
from logreg.app.run import synthetic_split
from logreg.app.settings import DEFAULTS, LR_OPTIONS, PRESETS, Settings
from logreg.curvature import sharpness_along, sharpness_at_minimum
from logreg.data import Dataset
from logreg.lesson import ROLES, SETTLING, Words, learning_rate_note, race_rates, rate_words
from logreg.train import train
from logreg.verdict import KINDS, TOLERANCE, Kind, last_quarter_start, rise_epochs, verdict

PRESET_SETTINGS = {p.name: Settings.from_values({**DEFAULTS, **p.values}) for p in PRESETS}
SWEEP_SETTINGS = {
    **{name: replace(s, epochs=300) for name, s in PRESET_SETTINGS.items()},
    "flipped labels 10%": Settings(flip=0.1, epochs=300),
    "logistic labels, n 300, seed 7": Settings(labels="logistic", n=300, seed=7, epochs=300),
    "threshold labels, λ 0.01": Settings(l2=0.01, epochs=300),
    "logistic labels, λ 0.1": Settings(labels="logistic", l2=0.1, epochs=300),
}
SWEEP_RATES = [r for r in LR_OPTIONS if r >= 0.01]


@cache
def prepared(s: Settings) -> tuple[Dataset, Optimum, float, float | None]:
    data, _ = synthetic_split(s)
    best = optimum(data.X, data.y, s.l2)
    return data, best, 2 / lipschitz(data.X, s.l2), sharpness_at_minimum(data.X, best, s.l2)


def judged(s: Settings, lr: float):
    """Train as the app does (full batch) and judge with every curvature number, as logreg.app.run does."""
    data, best, stable, s_min = prepared(s)
    h = list(train(data.X, data.y, learning_rate=lr, epochs=s.epochs, init=s.init, l2=s.l2, seed=s.seed))
    tail = h[last_quarter_start(h[-1].epoch) :]
    sharp = sharpness_along(data.X, np.array([x.w for x in tail]), np.array([x.b for x in tail]), s.l2)
    v = verdict(
        h,
        lr,
        stable,
        best,
        l2=s.l2,
        sharpness_at_min=s_min,
        sharpness_now=float(sharp[-1]),
        sharpness_peak=float(sharp.max()),
    )
    return h, v


# --- the words under the η control ----------------------------------------------------------------


def test_note_with_a_minimum_names_both_rates():
    data, best, stable, s_min = prepared(PRESET_SETTINGS["Learning rate too large"])
    words = rate_words(data.X, best)
    assert words.headline == "Steps below η = 7.9 always lower the loss. Above η = 20 the run can't settle."
    assert 7.9 < stable < 8 and 19 < 2 / s_min < 20  # each rounded the safe way
    note = learning_rate_note(data.X, best)
    assert note == str(words) == f"{words.headline} {words.details}"
    assert words.details.startswith(f"Below η = 2/L = {stable:.3g} every step is guaranteed to lower the loss")
    assert f"2/s(θ*) = {2 / s_min:.3g}" in note and f"s(θ*) = {s_min:.3g}" in note
    assert f"1/s(θ*) = {1 / s_min:.3g} steps near it do not overshoot" in note and "by less than the last" in note
    assert "separates" not in note


def test_note_on_separable_data_says_why_large_rates_work():
    data, best, stable, s_min = prepared(Settings())
    note = learning_rate_note(data.X, best)
    assert s_min is None and f"2/L = {stable:.3g}" in note and best.ties == 0
    assert "no minimum" in note and "curvature shrinks" in note and "s(θ*)" not in note
    assert rate_words(data.X, best).headline == (
        "Steps below η = 7.9 always lower the loss. Big steps may swing, then fall too."
    )


def test_note_with_points_on_the_separating_line_claims_no_fall_to_zero():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [3.0, 1.0], [1.0, 0.0], [1.0, 0.5]])
    y = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 1.0])  # x1 = 1 separates them, with three points on the line
    best = optimum(X, y)
    assert not best.exists and best.ties
    words = rate_words(X, best)
    assert words.headline.endswith("always lower the loss. Larger steps may keep swinging.")
    assert "floor above 0" in words.details and "towards 0" not in words.details


def test_note_under_a_penalty_speaks_of_the_objective():
    data, best, stable, s_min = prepared(SWEEP_SETTINGS["threshold labels, λ 0.01"])
    note = learning_rate_note(data.X, best, l2=0.01)
    assert "lower the objective" in note and f"2/s(θ*) = {2 / s_min:.3g}" in note and "loss has" not in note


def test_note_without_a_known_minimum_claims_only_the_guarantee():
    data, _, stable, _ = prepared(Settings(labels="logistic"))
    unknown = Optimum(False, None, None, None, "Newton's method did not reach the minimum in 100 steps", 100)
    assert rate_words(data.X, unknown) == Words(
        "Steps below η = 7.9 are sure to lower the loss.",
        f"Below η = 2/L = {stable:.3g} every step is guaranteed to lower the loss, from any start.",
    )


def test_note_on_features_too_large_for_two_over_l_says_so_plainly():
    X = np.array([[1e200, 1.0], [-1e200, 2.0], [3e199, -1.0]])
    words = rate_words(X, Optimum(False, None, None, None, "unknown", 0))
    assert "nan" not in str(words) and words.headline.startswith("The numbers are so large")


# --- the race's rates, checked by training each one again -----------------------------------------


@pytest.mark.parametrize("name", list(PRESET_SETTINGS))
def test_race_rates_show_what_their_roles_say(name):
    s = PRESET_SETTINGS[name]
    data, best, stable, s_min = prepared(s)
    lanes = race_rates(data.X, data.y, LR_OPTIONS, l2=s.l2, epochs=s.epochs, init=s.init, seed=s.seed)
    assert 3 <= len(lanes) <= 4
    assert [x.learning_rate for x in lanes] == sorted({x.learning_rate for x in lanes})
    assert all(x.learning_rate in LR_OPTIONS and x.role in ROLES for x in lanes)
    runs = {x.role: (x, *judged(s, x.learning_rate)) for x in lanes}
    assert len(runs) == len(lanes)  # no role twice
    _, good_h, good_v = runs["guaranteed"]
    good_end = good_h[-1].objective
    assert runs["guaranteed"][0].learning_rate < stable and good_v.rises == 0
    for lane, h, v in runs.values():
        assert (lane.kind, lane.rises, lane.final_objective) == (v.kind, v.rises, h[-1].objective)
        rises = rise_epochs(h)
        if lane.role == "too slow":
            assert v.kind is Kind.IMPROVING and len(rises) == 0 and h[-1].objective > good_end
        elif lane.role == "smooth above 2/L":
            assert lane.learning_rate > stable and len(rises) == 0 and h[-1].objective <= good_end
            assert v.kind in SETTLING
        elif lane.role == "rose, then fell lower":  # and its own verdict says it settled or still falls
            assert len(rises) > 0 and h[-1].objective < good_end and v.kind in SETTLING
        elif lane.role == "oscillating":
            assert v.kind is Kind.OSCILLATING and np.any(rises > last_quarter_start(s.epochs))
    if s_min is not None:  # the race straddles 2/s(θ*), and the lane above it oscillates
        assert lanes[0].learning_rate < 2 / s_min < lanes[-1].learning_rate
        assert lanes[-1].role == "oscillating"


# Not "Badly scaled feature": there η = 0.002 oscillates for all 1000 epochs, and whether it ends above or
# below the guaranteed rate changes with the last bits of the arithmetic (chaotic, not the effect itself).
@pytest.mark.parametrize("name", ["Imbalanced classes"])
def test_race_on_separable_data_shows_a_large_rate_that_rises_yet_ends_lower(name):
    s = PRESET_SETTINGS[name]
    data, best, stable, _ = prepared(s)
    assert not best.exists
    lanes = {x.role: x for x in race_rates(data.X, data.y, LR_OPTIONS, epochs=s.epochs, init=s.init, seed=s.seed)}
    big, good = lanes["rose, then fell lower"], lanes["guaranteed"]
    assert big.learning_rate > 2 * stable and big.rises > 0 and big.final_objective < good.final_objective


def test_race_on_the_tutorial_data_every_rate_descends_and_larger_is_lower():
    # measured: on this data no rate up to 100 ever rises, so the race shows the other half of the lesson
    s = PRESET_SETTINGS["Seed 004 tutorial"]
    data, _, stable, _ = prepared(s)
    lanes = race_rates(data.X, data.y, LR_OPTIONS, epochs=s.epochs)
    assert [x.rises for x in lanes] == [0] * len(lanes) and lanes[-1].learning_rate > 10 * stable
    ends = [x.final_objective for x in lanes]
    assert ends == sorted(ends, reverse=True)


def test_race_too_slow_lane_steps_down_until_its_run_is_still_improving():
    s = SWEEP_SETTINGS["logistic labels, n 300, seed 7"]
    data, best, stable, _ = prepared(s)
    lanes = {x.role: x for x in race_rates(data.X, data.y, LR_OPTIONS, epochs=5000)}
    good, slow = lanes["guaranteed"], lanes["too slow"]
    h = list(train(data.X, data.y, learning_rate=good.learning_rate / 100, epochs=5000))
    assert verdict(h, good.learning_rate / 100, stable, best).kind is Kind.CONVERGED  # one step down is not enough
    assert slow.learning_rate < good.learning_rate / 100 and slow.kind is Kind.IMPROVING


def test_race_needs_an_option_below_two_over_l():
    data, _, stable, _ = prepared(PRESET_SETTINGS["Badly scaled feature"])
    assert race_rates(data.X, data.y, [o for o in LR_OPTIONS if o > stable], epochs=10) == ()


# --- the sweep: every verdict's claim against the run's own history -------------------------------


def sweep_rows():
    for name, s in SWEEP_SETTINGS.items():
        for lr in SWEEP_RATES:
            h, v = judged(s, lr)
            yield name, s, lr, h, v


def test_sweep_every_verdict_is_true_of_its_run():
    seen = set()
    for name, s, lr, h, v in sweep_rows():
        data, best, stable, s_min = prepared(s)
        rises, where = rise_epochs(h), f"{name}, η = {lr}"
        objectives = np.array([x.objective for x in h])
        tail = objectives[last_quarter_start(h[-1].epoch) :]
        shows = np.ptp(objectives) / 200  # a change the chart shows
        seen_rises = [
            t for t in rises if t > last_quarter_start(h[-1].epoch) and objectives[t] - objectives[t - 1] > shows
        ]
        seen.add(v.kind)
        assert v.kind in KINDS, where
        assert v.rises == len(rises) + int(h[-1].diverged), where
        if lr < stable:  # the guarantee on the words under the control
            assert len(rises) == 0 and not h[-1].diverged, where
        if s_min is not None and lr > 2 / s_min:  # "cannot settle there"
            assert v.kind is not Kind.CONVERGED, where
        if v.rises == 0:
            assert v.kind not in (Kind.OSCILLATING, Kind.DIVERGING, Kind.NOISY), where
        if v.kind is Kind.CONVERGED:
            assert h[-1].objective - best.objective <= TOLERANCE * max(1.0, best.objective), where
            assert not seen_rises, where
        if v.kind is Kind.OSCILLATING:
            assert np.any(rises > last_quarter_start(h[-1].epoch)), where
            assert ("rises and falls" in v.message) == bool(np.any(np.diff(tail) < 0)), where
        if v.kind in (Kind.IMPROVING, Kind.STALLED):
            assert not seen_rises, where
            assert best.exists is False or h[-1].objective - best.objective > TOLERANCE * max(1.0, best.objective)
        if v.kind is Kind.STALLED:
            assert np.ptp(tail) <= shows, where
        if v.kind is Kind.DIVERGING:
            assert h[-1].diverged or objectives[-1] >= 100 * objectives[0], where
        assert (f"2/L = {stable:.3g}" in v.message) or v.kind is Kind.STOPPED, where
    assert {Kind.CONVERGED, Kind.IMPROVING, Kind.OSCILLATING, Kind.DIVERGING} <= seen  # every full-batch kind


if __name__ == "__main__":
    print("| dataset | η | verdict | rises |")
    print("|---|---|---|---|")
    for name, _, lr, _, v in sweep_rows():
        print(f"| {name} | {lr:g} | {v.kind} | {v.rises} |")
