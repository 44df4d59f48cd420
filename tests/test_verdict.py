"""logreg.verdict: each kind from what the run did, its first word, its rise count, its explanation."""

from __future__ import annotations

import numpy as np
import pytest

from logreg.analysis import Optimum, lipschitz, max_stable_learning_rate, optimum
from logreg.curvature import sharpness, sharpness_along, sharpness_at_minimum
from logreg.data import make_synthetic
from logreg.train import Snapshot, train
from logreg.verdict import KINDS, TOLERANCE, last_quarter_start, rise_epochs, verdict

FIRST_WORDS = {
    "converged": "Converged:",
    "improving": "Still improving:",
    "oscillating": "Oscillating:",
    "diverged": "Diverged",
    "noisy": "Noisy:",
    "stopped": "Stopped",
}


def judged(data, lr, epochs, l2=0.0, **kw):
    """Train, then judge with every curvature number the verdict can use (as the app does)."""
    h = list(train(data.X, data.y, learning_rate=lr, epochs=epochs, l2=l2, **kw))
    best = optimum(data.X, data.y, l2)
    tail = h[last_quarter_start(h[-1].epoch) :]
    s = sharpness_along(data.X, np.array([x.w for x in tail]), np.array([x.b for x in tail]), l2)
    v = verdict(
        h,
        lr,
        max_stable_learning_rate(data.X, l2),
        best,
        l2=l2,
        sharpness_at_min=sharpness_at_minimum(data.X, best, l2),
        sharpness_now=float(s[-1]),
        sharpness_peak=float(s.max()),
    )
    return h, best, v


def fake(objectives, diverged=False) -> list[Snapshot]:
    """Snapshots with the given objectives and a zero gradient: the verdict reads nothing else."""
    z = np.zeros(2)
    return [
        Snapshot(t, z, 0.0, o, o, 0.5, z, 0.0, diverged=diverged and t == len(objectives) - 1)
        for t, o in enumerate(objectives)
    ]


MINIMUM = Optimum(True, np.zeros(2), 0.0, 0.3, "Newton's method converged", 5)


def assert_first_word(v):
    assert v.kind in KINDS
    assert v.message.startswith(FIRST_WORDS[v.kind])
    assert sum(v.message.startswith(w) for w in FIRST_WORDS.values()) == 1


# --- the rules on hand-made histories -------------------------------------------------------------


def test_rise_epochs_and_the_last_quarter_by_hand():
    assert rise_epochs(fake([1.0, 0.9, 0.95, 0.8, 0.85, 0.7])).tolist() == [2, 4]
    assert rise_epochs(fake([0.5, 0.5, 0.5 * (1 + 1e-14)])).tolist() == []  # rounding is not a rise
    assert (last_quarter_start(300), last_quarter_start(100), last_quarter_start(3), last_quarter_start(1)) == (
        225,
        75,
        2,
        0,
    )


def test_a_run_within_tolerance_that_rose_early_is_converged_and_counts_its_rises():
    h = fake([0.7, 0.5, 0.6, 0.4, 0.45] + [0.3 + 10.0**-k for k in range(1, 17)])
    v = verdict(h, 10.0, 7.9, MINIMUM, sharpness_at_min=0.1)
    assert v.kind == "converged" and v.rises == 2 and v.last_quarter_rises == 0
    assert_first_word(v)
    assert "rose in 2 of 20 epochs, the last at epoch 4" in v.message
    assert "2/L = 7.9" in v.message and "2/s(θ*) = 20" in v.message


def test_within_tolerance_but_still_rising_at_the_end_is_oscillating():
    h = fake([0.7, 0.5] + [0.3 + 1e-6 * (t % 2) for t in range(20)])
    v = verdict(h, 25.0, 7.9, MINIMUM, sharpness_at_min=0.1)
    assert v.kind == "oscillating" and v.last_quarter_rises > 0
    assert "above 2/s(θ*) = 20" in v.message


def test_converged_just_above_two_over_the_sharpness_at_the_minimum_claims_no_settling():
    # the unstable direction grows by |1 − η·s(θ*)| per epoch: from very close it can stay hidden for a while
    h = fake([0.7, 0.5] + [0.3 + 10.0**-k for k in range(6, 14)])
    v = verdict(h, 20.2, 7.9, MINIMUM, sharpness_at_min=0.1)
    assert v.kind == "converged"
    assert "|1 − η·s(θ*)| = 1.02 per epoch" in v.message and "cannot" not in v.message


@pytest.mark.parametrize("mini_batch", [False, True])
def test_a_run_that_never_rose_is_never_oscillating_diverged_or_noisy(mini_batch):
    h = fake([0.7, 0.6, 0.5, 0.45, 0.41])
    v = verdict(h, 50.0, 7.9, MINIMUM, mini_batch=mini_batch, sharpness_at_min=0.1)
    assert v.kind == "improving" and v.rises == 0
    assert "never rose" in v.message


def test_a_divergence_counts_as_a_rise():
    v = verdict(fake([0.7], diverged=True), 1e308, 7.9)
    assert v.kind == "diverged" and v.rises == 1 and v.last_quarter_rises == 1
    assert_first_word(v)


# --- the rules on real runs -----------------------------------------------------------------------


def test_converged(logistic):
    h, best, v = judged(logistic, 0.5, 1000)
    assert v.kind == "converged" and v.rises == 0
    assert h[-1].objective - best.objective <= TOLERANCE * best.objective
    assert_first_word(v)
    # without an optimum it looks at the gradient
    assert verdict(h, 0.5, max_stable_learning_rate(logistic.X), None).kind == "converged"


def test_still_improving(logistic):
    h, best, v = judged(logistic, 1.0, 3)
    assert v.kind == "improving" and v.message.startswith("Still improving:")
    assert verdict(h, 1.0, max_stable_learning_rate(logistic.X), None).kind == "improving"


def test_still_improving_on_separable_data_says_why_a_large_rate_descends(separable):
    h, best, v = judged(separable, 20.0, 100)  # far above 2/L ≈ 7.9
    assert not best.exists and v.kind == "improving" and v.rises == 0
    assert "no finite minimum" in v.message
    s_end = sharpness(separable.X, separable.y, h[-1].w, h[-1].b)
    assert s_end < 2 / 20.0  # what the message says is true
    assert f"s = {s_end:.3g}, below 2/η = 0.1" in v.message
    assert f"L = {lipschitz(separable.X):.3g} at θ = 0" in v.message


def test_oscillating_above_two_over_the_sharpness_at_the_minimum(logistic):
    s_min = sharpness_at_minimum(logistic.X, optimum(logistic.X, logistic.y))
    lr = 1.5 * 2 / s_min
    h, best, v = judged(logistic, lr, 200)
    assert v.kind == "oscillating" and v.last_quarter_rises > 0
    assert_first_word(v)
    assert f"above 2/s(θ*) = {2 / s_min:.3g}" in v.message
    assert h[-1].objective - best.objective > TOLERANCE * best.objective


def test_between_two_over_l_and_two_over_the_sharpness_at_the_minimum_it_converges(logistic):
    # 2/L is a guarantee from σ' ≤ ¼, not a limit: this data's runs settle up to 2/s(θ*)
    s_min = sharpness_at_minimum(logistic.X, optimum(logistic.X, logistic.y))
    lr = 0.5 * (2 / s_min + max_stable_learning_rate(logistic.X))
    _, _, v = judged(logistic, lr, 300)
    assert v.kind == "converged"
    assert "above 2/L" in v.message and f"below 2/s(θ*) = {2 / s_min:.3g}" in v.message


def test_diverged_with_a_penalty_names_eta_lambda(logistic):
    h, _, v = judged(logistic, 100.0, 300, l2=1.0)
    assert h[-1].diverged and v.kind == "diverged" and v.rises >= 1
    assert "η·λ = 100 is at least 2" in v.message and "by 99 every epoch" in v.message
    assert_first_word(v)


def test_diverged_without_a_penalty_needs_an_absurd_rate(logistic):
    # each step moves θ by at most η·max‖x̃‖, so only a step that overflows by itself leaves the finite numbers
    h = list(train(logistic.X, logistic.y, learning_rate=1e308, epochs=10, init="ones"))
    assert h[-1].diverged
    v = verdict(h, 1e308, max_stable_learning_rate(logistic.X))
    assert v.kind == "diverged" and v.rises >= 1


def test_names_the_objective_under_a_penalty_and_never_a_minimum_above_the_loss():
    d = make_synthetic(labels="logistic")
    h, best, v = judged(d, 1.0, 1000, l2=1.0)
    assert v.kind == "converged" and "objective" in v.message
    assert h[-1].loss < best.objective <= h[-1].objective  # the penalised minimum sits above the plain loss


def test_noisy_mini_batches_and_an_early_stop():
    d = make_synthetic(labels="logistic")
    best, stable = optimum(d.X, d.y), max_stable_learning_rate(d.X)
    noisy = list(train(d.X, d.y, learning_rate=2.0, epochs=50, batch_size=1))
    v = verdict(noisy, 2.0, stable, best, mini_batch=True)
    assert 2.0 < stable and v.kind == "noisy" and v.rises > 0
    assert_first_word(v)
    stopped = list(train(d.X, d.y, learning_rate=1.0, epochs=100, loss_threshold=0.52))
    v = verdict(stopped, 1.0, stable, best, loss_threshold=0.52)
    assert v.kind == "stopped" and f"epoch {stopped[-1].epoch}" in v.message
    assert_first_word(v)


def test_mini_batch_runs_get_no_full_batch_guarantee():
    d = make_synthetic(n=300, seed=4, labels="logistic")
    h = list(train(d.X, d.y, learning_rate=0.01, epochs=20, batch_size=100))
    best = optimum(d.X, d.y)
    v = verdict(
        h, 0.01, max_stable_learning_rate(d.X), best, mini_batch=True, sharpness_at_min=sharpness_at_minimum(d.X, best)
    )
    assert v.kind == "improving" and v.rises == 0
    assert "guarantees nothing" in v.message and "guaranteed to lower" not in v.message and "s(θ*)" not in v.message


def test_a_run_stopped_at_its_start_claims_no_epochs():
    d = make_synthetic(n=300, seed=4, labels="logistic")
    h = list(train(d.X, d.y, learning_rate=1.0, epochs=20, loss_threshold=0.7))
    assert len(h) == 1
    v = verdict(h, 1.0, max_stable_learning_rate(d.X), loss_threshold=0.7)
    assert v.kind == "stopped" and "never rose" not in v.message and v.message.startswith("Stopped at epoch 0")
