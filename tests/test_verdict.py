"""logreg.verdict: each kind from what the run did, its first word, its rise count, its explanation."""

from __future__ import annotations

import numpy as np
import pytest

from logreg.analysis import Optimum, lipschitz, max_stable_learning_rate, optimum
from logreg.curvature import sharpness, sharpness_along, sharpness_at_minimum
from logreg.data import make_synthetic
from logreg.train import Snapshot, train
from logreg.verdict import (
    FROZEN,
    GROWTH,
    KINDS,
    TOLERANCE,
    VISIBLE,
    Kind,
    last_quarter_start,
    rise_epochs,
    verdict,
    wobble_bound,
)

FIRST_WORDS = {
    Kind.CONVERGED: "Converged:",
    Kind.IMPROVING: "Still improving:",
    Kind.STALLED: "Stopped changing:",
    Kind.OSCILLATING: "Oscillating:",
    Kind.DIVERGING: "Diverging:",
    Kind.NOISY: "Noisy:",
    Kind.STOPPED: "Stopped:",
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
SEPARABLE = Optimum(False, None, None, None, "a line separates the two classes", 9, 0)
FAR = Optimum(True, np.zeros(2), 0.0, 0.01, "Newton's method converged", 5)  # far below every fake history


def assert_first_word(v):
    assert isinstance(v.kind, Kind) and v.kind in KINDS
    assert v.message.startswith(FIRST_WORDS[v.kind]) and v.message.startswith(v.badge + ": ")
    assert sum(v.message.startswith(w) for w in FIRST_WORDS.values()) == 1
    assert v.message == f"{v.badge}: {v.headline} {v.details}".strip()
    assert v.headline and "\n" not in v.headline


def test_the_kinds_and_their_badges_are_one_fixed_list():
    assert [k.badge for k in Kind] == [
        "Converged",
        "Still improving",
        "Stopped changing",
        "Oscillating",
        "Diverging",
        "Noisy",
        "Stopped",
    ]
    # the slugs the page's style sheet and the rate chart key on
    assert [str(k) for k in Kind] == [
        "converged",
        "improving",
        "stalled",
        "oscillating",
        "diverged",
        "noisy",
        "stopped",
    ]


def test_an_empty_history_is_a_value_error():
    with pytest.raises(ValueError, match="empty history"):
        verdict([], 0.1, 7.9)


def test_wobble_bound_is_the_next_power_of_ten_by_hand():
    assert [wobble_bound(x) for x in (3.1e-4, 1e-3, 0.02, 0.5, 1e-15)] == ["0.001", "0.01", "0.1", "1", "0.000000001"]


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
    assert v.kind is Kind.CONVERGED and v.rises == 2 and v.last_quarter_rises == 0 and v.visible_rises == 2
    assert_first_word(v)
    assert v.headline == "The loss rose at first, then settled at the bottom."
    assert "rose in 2 of 20 epochs, the last at epoch 4" in v.details
    assert "2/L = 7.9" in v.details and "1/s(θ*) = 10 " in v.details and "do not overshoot" in v.details


def test_within_tolerance_but_still_rising_at_the_end_above_two_over_s_swings_too_little_to_see():
    h = fake([0.7, 0.5] + [0.3 + 3e-6 * (t % 2) for t in range(20)])
    v = verdict(h, 25.0, 7.9, MINIMUM, sharpness_at_min=0.1)
    assert v.kind is Kind.OSCILLATING and v.last_quarter_rises > 0 and v.visible_rises == 0
    assert v.headline == "Too big to settle: it swings around the bottom by less than 0.00001."
    assert "above 2/s(θ*) = 20" in v.details and "by more than the last" in v.details


def test_the_same_wobble_below_two_over_s_is_converged_and_named():
    h = fake([0.7, 0.5] + [0.3 + 3e-6 * (t % 2) for t in range(20)])
    v = verdict(h, 15.0, 7.9, MINIMUM, sharpness_at_min=0.1)
    assert v.kind is Kind.CONVERGED and v.last_quarter_rises > 0
    assert v.headline == "Settled at the bottom; it wobbles by less than 0.00001."
    assert "between 1/s(θ*) = 10 and 2/s(θ*) = 20" in v.details and "by less each time" in v.details


def test_a_rise_counts_in_the_words_only_when_it_shows_on_the_chart():
    # range 0.4: a rise shows above VISIBLE · 0.4 = 0.002
    small = fake([0.7, 0.5, 0.4] + [0.35 - 1e-4 * t + 0.0015 * (t % 2) for t in range(20)])
    big = fake([0.7, 0.5, 0.4] + [0.35 - 1e-4 * t + 0.0025 * (t % 2) for t in range(20)])
    vs, vb = verdict(small, 1.0, 7.9, FAR), verdict(big, 1.0, 7.9, FAR)
    assert VISIBLE == 1 / 200 and vs.rises == vb.rises == 10
    assert vs.visible_rises == 0 and vs.kind is Kind.STALLED
    assert vs.headline == "Settled: the loss wobbles by less than 0.01, too little to see."
    assert "10 of these rises are under 1/200 of its range" in vs.details
    assert vb.visible_rises == 10 and vb.kind is Kind.OSCILLATING
    assert_first_word(vs)
    assert_first_word(vb)


def test_a_run_that_grows_by_orders_of_magnitude_is_diverging_whatever_its_rises():
    swinging = fake([0.7, 50.0, 0.6, 80.0, 0.65, 71.0])  # rises and falls, ends over GROWTH times its start
    v = verdict(swinging, 1.0, 7.9)
    assert GROWTH == 100 and v.kind is Kind.DIVERGING and v.rises == 3
    assert v.headline == "Too big: the loss grew over 100 times larger instead of going down."
    assert "grew from 0.7 to 71" in v.details
    assert verdict(fake([0.7, 50.0, 0.6, 80.0, 0.65, 69.0]), 1.0, 7.9).kind is Kind.OSCILLATING
    assert verdict(fake([0.7, 1.0, np.inf]), 1.0, 7.9).kind is Kind.DIVERGING  # overflowed
    assert_first_word(v)


@pytest.mark.parametrize("last", [0.0, 0.25])
def test_a_frozen_run_has_stopped_changing_never_still_improving(last):
    h = fake([0.7, 0.5, 0.3] + [last] * 9)
    v = verdict(h, 1.0, 7.9, SEPARABLE)
    assert v.kind is Kind.STALLED
    assert_first_word(v)
    zero = "The loss is 0 as far as the computer can tell, so steps change nothing."
    assert v.headline == (zero if last == 0 else "The loss has not changed at all in the last 2 epochs.")
    # a change of FROZEN relative or less is rounding, not a change
    tiny = fake([0.7, 0.5, 0.3, 0.25, 0.25 * (1 - FROZEN / 2)])
    assert verdict(tiny, 1.0, 7.9, SEPARABLE).kind is Kind.STALLED
    # at the minimum the same flat end is Converged
    assert verdict(fake([0.7, 0.5, 0.3, 0.3, 0.3]), 1.0, 7.9, MINIMUM).kind is Kind.CONVERGED


@pytest.mark.parametrize(
    ("lr", "words"),
    [
        (
            5.0,
            "It is below 1/s(θ*) = 10 (s(θ*) = 0.1 is the curvature at the minimum), so steps near the minimum "
            "do not overshoot.",
        ),
        (15.0, "It is between 1/s(θ*) = 10 and 2/s(θ*) = 20"),
        (
            25.0,
            "It is above 2/s(θ*) = 20 (s(θ*) = 0.1 is the curvature at the minimum): near the minimum each "
            "step overshoots by more than the last, so no run can settle there.",
        ),
    ],
)
def test_the_overshoot_sentence_has_three_cases(lr, words):
    h = fake([0.7, 0.6, 0.5, 0.45, 0.41])
    assert words in verdict(h, lr, 7.9, MINIMUM, sharpness_at_min=0.1).details


def test_converged_just_above_two_over_the_sharpness_at_the_minimum_claims_no_settling():
    # the unstable direction grows by |1 − η·s(θ*)| per epoch: from very close it can stay hidden for a while
    h = fake([0.7, 0.5] + [0.3 + 10.0**-k for k in range(6, 14)])
    v = verdict(h, 20.2, 7.9, MINIMUM, sharpness_at_min=0.1)
    assert v.kind is Kind.CONVERGED
    assert v.headline == "At the bottom for now, but its steps are too big to stay there."
    assert "|1 − η·s(θ*)| = 1.02 per epoch" in v.message and "cannot" not in v.message


@pytest.mark.parametrize("mini_batch", [False, True])
def test_a_run_that_never_rose_is_never_oscillating_diverged_or_noisy(mini_batch):
    h = fake([0.7, 0.6, 0.5, 0.45, 0.41])
    v = verdict(h, 50.0, 7.9, MINIMUM, mini_batch=mini_batch, sharpness_at_min=0.1)
    assert v.kind is Kind.IMPROVING and v.rises == 0
    assert "never rose" in v.message
    assert v.headline == "The loss is still going down at the end of the run."


def test_a_divergence_counts_as_a_rise():
    v = verdict(fake([0.7], diverged=True), 1e308, 7.9)
    assert v.kind is Kind.DIVERGING and v.rises == 1 and v.last_quarter_rises == 1
    assert v.headline == "Too big: the numbers grew too large for the computer to hold."
    assert_first_word(v)


def test_features_so_large_that_two_over_l_is_zero_are_said_plainly():
    v = verdict(fake([0.7, 0.6, 0.5]), 0.1, 0.0, FAR)
    assert "nan" not in v.message and "2/L is too small to write" in v.details
    assert "2/L = nan" not in verdict(fake([0.7, 0.6]), 0.1, float("nan"), FAR).message


# --- the rules on real runs -----------------------------------------------------------------------


def test_converged(logistic):
    h, best, v = judged(logistic, 0.5, 1000)
    assert v.kind is Kind.CONVERGED and v.rises == 0
    assert h[-1].objective - best.objective <= TOLERANCE * best.objective
    assert_first_word(v)
    # without an optimum it looks at the gradient
    assert verdict(h, 0.5, max_stable_learning_rate(logistic.X), None).kind is Kind.CONVERGED


def test_still_improving(logistic):
    h, best, v = judged(logistic, 1.0, 3)
    assert v.kind is Kind.IMPROVING and v.message.startswith("Still improving:")
    assert verdict(h, 1.0, max_stable_learning_rate(logistic.X), None).kind is Kind.IMPROVING


def test_still_improving_on_separable_data_says_why_a_large_rate_descends(separable):
    h, best, v = judged(separable, 20.0, 100)  # far above 2/L ≈ 7.9
    assert not best.exists and v.kind is Kind.IMPROVING and v.rises == 0
    assert "no finite minimum" in v.message
    s_end = sharpness(separable.X, separable.y, h[-1].w, h[-1].b)
    assert s_end < 2 / 20.0  # what the message says is true
    assert f"s = {s_end:.3g}, below 2/η = 0.1" in v.message
    assert f"L = {lipschitz(separable.X):.3g} at θ = 0" in v.message


def test_oscillating_above_two_over_the_sharpness_at_the_minimum(logistic):
    s_min = sharpness_at_minimum(logistic.X, optimum(logistic.X, logistic.y))
    lr = 1.5 * 2 / s_min
    h, best, v = judged(logistic, lr, 200)
    assert v.kind is Kind.OSCILLATING and v.last_quarter_rises > 0
    assert_first_word(v)
    assert f"above 2/s(θ*) = {2 / s_min:.3g}" in v.message
    assert h[-1].objective - best.objective > TOLERANCE * best.objective


def test_between_two_over_l_and_two_over_the_sharpness_at_the_minimum_it_converges(logistic):
    # 2/L is a guarantee from σ' ≤ ¼, not a limit: this data's runs settle up to 2/s(θ*)
    s_min = sharpness_at_minimum(logistic.X, optimum(logistic.X, logistic.y))
    lr = 0.5 * (2 / s_min + max_stable_learning_rate(logistic.X))
    _, _, v = judged(logistic, lr, 300)
    assert v.kind is Kind.CONVERGED
    assert "above 2/L" in v.message and f"and 2/s(θ*) = {2 / s_min:.3g}" in v.message


def test_diverged_with_a_penalty_names_eta_lambda(logistic):
    h, _, v = judged(logistic, 100.0, 300, l2=1.0)
    assert h[-1].diverged and v.kind is Kind.DIVERGING and v.rises >= 1
    assert "η·λ = 100 is at least 2" in v.message and "by 99 every epoch" in v.message
    assert_first_word(v)


def test_diverged_without_a_penalty_needs_an_absurd_rate(logistic):
    # each step moves θ by at most η·max‖x̃‖, so only a step that overflows by itself leaves the finite numbers
    h = list(train(logistic.X, logistic.y, learning_rate=1e308, epochs=10, init="ones"))
    assert h[-1].diverged
    v = verdict(h, 1e308, max_stable_learning_rate(logistic.X))
    assert v.kind is Kind.DIVERGING and v.rises >= 1


def test_names_the_objective_under_a_penalty_and_never_a_minimum_above_the_loss():
    d = make_synthetic(labels="logistic")
    h, best, v = judged(d, 1.0, 1000, l2=1.0)
    assert v.kind is Kind.CONVERGED and "objective" in v.message
    assert h[-1].loss < best.objective <= h[-1].objective  # the penalised minimum sits above the plain loss


def test_noisy_mini_batches_and_an_early_stop():
    d = make_synthetic(labels="logistic")
    best, stable = optimum(d.X, d.y), max_stable_learning_rate(d.X)
    noisy = list(train(d.X, d.y, learning_rate=2.0, epochs=50, batch_size=1))
    v = verdict(noisy, 2.0, stable, best, mini_batch=True)
    assert 2.0 < stable and v.kind is Kind.NOISY and v.rises > 0
    assert_first_word(v)
    stopped = list(train(d.X, d.y, learning_rate=1.0, epochs=100, loss_threshold=0.52))
    v = verdict(stopped, 1.0, stable, best, loss_threshold=0.52)
    assert v.kind is Kind.STOPPED and f"epoch {stopped[-1].epoch}" in v.message
    assert_first_word(v)


def test_mini_batch_runs_get_no_full_batch_guarantee():
    d = make_synthetic(n=300, seed=4, labels="logistic")
    h = list(train(d.X, d.y, learning_rate=0.01, epochs=20, batch_size=100))
    best = optimum(d.X, d.y)
    v = verdict(
        h, 0.01, max_stable_learning_rate(d.X), best, mini_batch=True, sharpness_at_min=sharpness_at_minimum(d.X, best)
    )
    assert v.kind is Kind.IMPROVING and v.rises == 0
    assert "guarantees nothing" in v.message and "guaranteed to lower" not in v.message and "s(θ*)" not in v.message


def test_a_run_stopped_at_its_start_claims_no_epochs():
    d = make_synthetic(n=300, seed=4, labels="logistic")
    h = list(train(d.X, d.y, learning_rate=1.0, epochs=20, loss_threshold=0.7))
    assert len(h) == 1
    v = verdict(h, 1.0, max_stable_learning_rate(d.X), loss_threshold=0.7)
    assert (
        v.kind is Kind.STOPPED and "never rose" not in v.message and v.message.startswith("Stopped: Stopped at epoch 0")
    )
