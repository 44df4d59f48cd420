"""logreg.analysis: optimum, step-size bounds, loss landscape, angles, contributions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg import model
from logreg.analysis import (
    angle_degrees,
    best_bias,
    lipschitz,
    loss_grid,
    max_stable_learning_rate,
    optimum,
    point_contributions,
)
from logreg.data import make_synthetic
from logreg.train import train


def grad_norm(X, y, w, b, l2=0.0) -> float:
    gw, gb = model.gradients(X, y, w, b, l2)
    return float(np.hypot(np.linalg.norm(gw), gb))


# --- optimum ------------------------------------------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 0.01, 1.0])
def test_optimum_has_zero_gradient_and_beats_gradient_descent(logistic, l2):
    X, y = logistic.X, logistic.y
    best = optimum(X, y, l2=l2)
    assert best.exists
    assert best.w.shape == (2,) and isinstance(best.b, float)
    assert grad_norm(X, y, best.w, best.b, l2) < 1e-8
    assert best.objective == pytest.approx(model.loss(X, y, best.w, best.b, l2), rel=1e-14)
    assert 0 < best.iterations <= 100
    for lr, init in [(0.5, "zeros"), (3.0, "ones"), (7.0, "random")]:
        history = list(train(X, y, learning_rate=lr, epochs=200, l2=l2, init=init))
        # gradient descent gets there to rounding (its loss is summed differently), never below
        assert best.objective <= min(s.objective for s in history) * (1 + 1e-13)
        assert best.objective <= min(model.loss(X, y, s.w, s.b, l2) for s in history) * (1 + 1e-13)
    # and it is a minimum: every nearby point is higher
    rng = np.random.RandomState(0)
    for _ in range(20):
        dw, db = rng.randn(2) * 1e-3, float(rng.randn()) * 1e-3
        assert model.loss(X, y, best.w + dw, best.b + db, l2) > best.objective


def test_optimum_with_l2_exists_on_separable_data(separable):
    best = optimum(separable.X, separable.y, l2=0.01)
    assert best.exists
    assert grad_norm(separable.X, separable.y, best.w, best.b, 0.01) < 1e-8
    history = list(train(separable.X, separable.y, learning_rate=2.0, epochs=300, l2=0.01))
    assert best.objective <= min(s.objective for s in history) * (1 + 1e-13)
    # the penalty shrinks the weights: a bigger λ gives a smaller ‖w‖
    assert np.linalg.norm(optimum(separable.X, separable.y, l2=0.1).w) < np.linalg.norm(best.w)


def test_no_finite_optimum_on_separable_data(separable):
    best = optimum(separable.X, separable.y)
    assert not best.exists
    assert best.w is None and best.b is None and best.objective is None
    assert "no finite minimum" in best.reason


def test_no_finite_optimum_with_ties_on_the_line():
    X = np.array([[-2.0, 0.0], [-1.0, 1.0], [0.0, 0.0], [0.0, 0.0], [1.0, 0.5], [2.0, -1.0]])
    y = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    best = optimum(X, y)
    assert not best.exists
    assert "no finite minimum" in best.reason


def separable_by_lp(X: np.ndarray, y: np.ndarray) -> tuple[bool, bool]:
    """(a line separates the classes, ties allowed; a line separates them strictly), by linear programs.

    With a_i = s_i·[x_i, 1]: some δ with a·δ ≥ 0 and Σ a·δ ≥ 1 (ties allowed), or with a·δ ≥ 1 (strict).
    """
    linprog = pytest.importorskip("scipy.optimize").linprog
    s = 2 * y - 1
    A = np.column_stack([X, np.ones(len(y))]) * s[:, None]
    free = [(None, None)] * A.shape[1]
    ties = linprog(
        np.zeros(A.shape[1]),
        A_ub=np.vstack([-A, -A.sum(0)]),
        b_ub=np.r_[np.zeros(len(y)), -1.0],
        bounds=free,
        method="highs",
    )
    strict = linprog(np.zeros(A.shape[1]), A_ub=-A, b_ub=-np.ones(len(y)), bounds=free, method="highs")
    return ties.status == 0, strict.status == 0


def fewest_on_the_line(X: np.ndarray, y: np.ndarray) -> int:
    """The fewest points any separating line has on it, by linear programs: point i lies on every such line
    exactly when max a_i·δ subject to A·δ ≥ 0, |δ| ≤ 1 is 0 (an implicit equality of the cone), and a line
    through the cone's relative interior has exactly those on it."""
    linprog = pytest.importorskip("scipy.optimize").linprog
    A = np.column_stack([X, np.ones(len(y))]) * (2 * y - 1)[:, None]
    on_every_line = 0
    for i in range(len(y)):
        most = linprog(-A[i], A_ub=-A, b_ub=np.zeros(len(y)), bounds=[(-1, 1)] * A.shape[1], method="highs")
        on_every_line += most.status == 0 and -most.fun <= 1e-9
    return on_every_line


def grid_data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Small-integer features (exact in floats, so the LP's tolerances cannot blur a tie) of five kinds."""
    rng = np.random.RandomState(seed)
    kind, n = seed % 5, rng.randint(6, 80)
    if kind == 0:  # two 0/1 columns, random labels
        return rng.randint(0, 2, (n, 2)).astype(float), (rng.random_sample(n) < 0.5).astype(float)
    if kind in (1, 2):  # labelled by a line with integer weights; points on the line get a random label
        X = rng.randint(-3, 4, (n, 2)).astype(float)
        z = X @ (rng.randint(-2, 3, 2) if kind == 2 else np.array([1, 1])) + rng.randint(-1, 2)
        return X, np.where(z > 0, 1.0, np.where(z < 0, 0.0, (rng.random_sample(n) < 0.5) * 1.0))
    if kind == 3:  # a strictly separable set with a small feature scale
        X = rng.randn(n, 2) * [0.01, 1.0]
        return X, (X @ [100.0, -1.0] > 0) * 1.0
    X = rng.randint(0, 2, (n, 2)).astype(float)  # "bought only with both": 1 at (1, 1), mixed where x1 = 0 at times
    y = (X[:, 0] * X[:, 1] == 1) * 1.0
    if rng.random_sample() < 0.5:
        y[X[:, 0] == 0] = rng.random_sample(int((X[:, 0] == 0).sum())) < 0.5
    return X, y


@pytest.mark.parametrize("seed", range(150))
def test_optimum_exists_exactly_when_no_line_separates_the_classes(seed):
    X, y = grid_data(seed)
    if y.min() == y.max():
        return
    ties_allowed, strict = separable_by_lp(X, y)
    best = optimum(X, y)
    assert best.exists == (not ties_allowed), best.reason
    if best.exists:  # a true minimum: the gradient vanishes there
        assert best.ties is None
        assert grad_norm(X, y, best.w, best.b) < 1e-8
    else:
        assert "no finite minimum" in best.reason and "did not reach" not in best.reason
        assert best.w is None and best.b is None and best.objective is None
        # the reason says whether points lie on the line; with strict separation possible it finds a strict line
        assert ("exactly on" in best.reason) == (not strict), best.reason
        assert (best.ties == 0) == strict and best.ties is not None
        # the count is said only when it is the fewest any separating line has (the LP's implicit equalities)
        fewest = fewest_on_the_line(X, y)
        assert best.ties >= fewest
        if best.forced:
            assert best.ties == fewest and (best.ties == 0 or f"{best.ties} point" in best.reason), best.reason
        else:
            assert "some points" in best.reason and f"{best.ties} point" not in best.reason, best.reason


BOTH_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [1, 1], [1, 1], [0, 1], [1, 0], [1, 1]], dtype=float)
BOTH_Y = np.array([0, 0, 0, 1, 0, 1, 0, 0, 1], dtype=float)


def test_quasi_complete_separation_with_zero_one_columns():
    # bought only with both: label 1 at (1, 1) sometimes, 0 everywhere else. The line x1 + x2 = 2 has every
    # 0 on its side and the mixed (1, 1) points on it: the loss falls towards their loss, never reaching it.
    X, y = BOTH_X, BOTH_Y
    assert separable_by_lp(X, y) == (True, False)
    best = optimum(X, y)
    assert not best.exists and best.iterations <= 100
    assert "no finite minimum" in best.reason and "4 points lie exactly on every such line" in best.reason
    assert best.ties == 4 and best.forced  # each (1, 1) point shares its place with one of the other class
    # the loss along that line's direction falls to the loss of the tied points: 4 points at p = 3/4
    limit = 4 * -(0.75 * math.log(0.75) + 0.25 * math.log(0.25)) / 9
    w, b = np.array([1.0, 1.0]), -2.0
    # along c·(w, b), with the bias shifted by the tied points' optimum logit log(3), the loss falls towards it
    values = [model.loss(X, y, c * w, c * b + math.log(3.0)) for c in (1.0, 2.0, 5.0, 10.0)]
    assert all(a > b_ > limit for a, b_ in zip(values, values[1:]))
    assert model.loss(X, y, 50 * w, -100 + math.log(3.0)) == pytest.approx(limit, rel=1e-15)


@pytest.mark.parametrize("scale", [(0.01, 1.0), (1.0, 0.01), (1e-3, 1e3)])
def test_strictly_separable_sets_with_small_feature_scales(scale):
    data = make_synthetic(n=20000, seed=0, scale=scale)  # threshold labels: separable
    assert separable_by_lp(data.X, data.y)[1]
    best = optimum(data.X, data.y)
    assert not best.exists
    assert "no finite minimum" in best.reason and "did not reach" not in best.reason


def test_ties_forced_by_both_labels_at_one_point_with_near_ties_beside_them():
    # integer points labelled by x1 − x2, those on the line at random, then scaled by (0.1, 0.001): in floats
    # 3 × 0.1 is not exactly three times 0.1, so points of the old tie line sit a hair off it. With both labels at
    # exactly two points, the only candidate line goes through those two; it is checked here in fractions.
    from fractions import Fraction

    rng = np.random.RandomState(1094)
    X = rng.randint(0, 4, (30, 2)).astype(float)
    z = X[:, 0] - X[:, 1]
    y = np.where(z > 0, 1.0, np.where(z < 0, 0.0, (rng.random_sample(30) < 0.5) * 1.0))
    X = X * [0.1, 0.001]
    both = sorted(
        {tuple(x) for x, t in zip(X.tolist(), y) if t == 1} & {tuple(x) for x, t in zip(X.tolist(), y) if t == 0}
    )
    assert len(both) == 2
    (a1, b1), (a2, b2) = [(Fraction(a), Fraction(b)) for a, b in both]
    w, c = (b2 - b1, a1 - a2), -((b2 - b1) * a1 + (a1 - a2) * b1)
    margins = [(2 * t - 1) * (w[0] * Fraction(a) + w[1] * Fraction(b) + c) for (a, b), t in zip(X.tolist(), y)]
    separates = all(m >= 0 for m in margins) or all(m <= 0 for m in margins)
    assert separates  # for this seed the line through the two points leaves every other point on its side
    best = optimum(X, y)
    assert not best.exists and "no finite minimum" in best.reason and "exactly on" in best.reason


def test_near_ties_that_are_not_exact_leave_a_minimum():
    # 0.03 is not 3 × 0.01 in binary, so these five mixed-label points are not exactly on one line: a finite
    # minimum exists (far out), and optimum must not claim that none does
    from fractions import Fraction

    assert Fraction(0.03) != 3 * Fraction(0.01)
    tie_x1 = np.array([0.0, 0.01, 0.02, 0.03, 0.04])
    X = np.column_stack([np.repeat(tie_x1, 2), np.repeat(4 - 100 * np.arange(5), 2)])
    y = np.tile([0.0, 1.0], 5)
    best = optimum(X, y)
    assert "no finite minimum" not in best.reason


def test_many_distinct_points_on_the_line_are_proven_with_bounded_exact_work():
    # 20,000 points, half of them on x1 + x2 = 0 at distinct places with random labels: each tie is summed
    # exactly once (as integers), within the allowance optimum gives its checks
    rng = np.random.RandomState(3)
    x1 = np.round(rng.randn(20000), 4) + np.arange(20000) * 1e-4
    x2 = np.where(rng.random_sample(20000) < 0.5, -x1, -x1 + np.round(rng.randn(20000), 4))
    z = x1 + x2
    y = np.where(z > 0, 1.0, np.where(z < 0, 0.0, (rng.random_sample(20000) < 0.5) * 1.0))
    X = np.column_stack([x1, x2])
    assert separable_by_lp(X, y) == (True, False)
    best = optimum(X, y)
    assert not best.exists and best.ties == int(np.sum(z == 0)) > 9000
    # they lie on every separating line (their labels alternate along it), but no two share a place, so that
    # is not proven here: the words say "some" rather than a count that might be too high
    assert not best.forced and "some points lying exactly on it" in best.reason


def test_a_check_cut_short_says_that_nothing_was_decided(monkeypatch):
    import logreg.analysis as analysis

    monkeypatch.setattr(analysis, "EXACT_TRIES", 0)  # no direction may be checked at all
    best = optimum(BOTH_X, BOTH_Y)
    assert not best.exists and best.ties is None
    assert "did not reach" in best.reason and "left undecided" in best.reason
    assert "no finite minimum" not in best.reason


@pytest.mark.parametrize("label", [0.0, 1.0])
@pytest.mark.parametrize("l2", [0.0, 0.5])
def test_single_class_has_no_optimum(label, l2):
    X = np.random.RandomState(1).randn(30, 2)
    best = optimum(X, np.full(30, label), l2=l2)
    assert not best.exists
    assert "one class" in best.reason


@pytest.mark.parametrize(
    ("X", "y", "needle"),
    [
        (np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0.0, 2.0]), "labels 0 and 1 only; got also [2.0]"),
        (np.array([[np.nan, 1.0], [1.0, 0.0]]), np.array([0.0, 1.0]), "finite numbers only"),
        (np.array([[np.inf, 1.0], [1.0, 0.0]]), np.array([0.0, 1.0]), "finite numbers only"),
        (np.zeros((0, 2)), np.zeros(0), "got shape (0, 2)"),
        (np.zeros((3, 2)), np.zeros(2), "y must have shape (3,)"),
    ],
)
def test_optimum_rejects_data_it_cannot_fit_with_a_clear_value_error(X, y, needle):
    with pytest.raises(ValueError, match="optimum") as raised:
        optimum(X, y)
    assert needle in str(raised.value)


def test_optimum_of_twice_the_labels_is_a_value_error_not_a_missed_minimum(logistic):
    with pytest.raises(ValueError, match="labels 0 and 1 only"):
        optimum(logistic.X, 2 * logistic.y)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_newtons_stopping_test_holds_for_the_full_step_at_the_answer(seed, l2):
    # the test is on the undamped step: at the θ returned, the full Newton step is within the stated tolerance
    d = make_synthetic(n=200, seed=seed, labels="logistic", flip=0.1)
    best = optimum(d.X, d.y, l2)
    assert best.exists
    theta = np.append(best.w, best.b)
    p = model.sigmoid(d.X @ best.w + best.b)
    Xt = np.column_stack([d.X, np.ones(len(d.y))])
    penalty = l2 * np.diag([1.0, 1.0, 0.0])
    H = (Xt * (p * (1 - p))[:, None]).T @ Xt / len(d.y) + penalty
    g = Xt.T @ (p - d.y) / len(d.y) + penalty @ theta
    assert np.linalg.norm(np.linalg.solve(H, g)) <= 1e-10 * (1 + np.linalg.norm(theta))


# --- lipschitz / stable step --------------------------------------------------------------------


def test_lipschitz_closed_form_on_hand_examples():
    # X̃ = [[1, 1], [−1, 1]]: X̃ᵀX̃/(4n) = I/4
    X = np.array([[1.0], [-1.0]])
    assert lipschitz(X) == pytest.approx(0.25, rel=1e-15)
    assert lipschitz(X, l2=0.5) == pytest.approx(0.75, rel=1e-15)  # the penalty skips the bias
    # X̃ = [[2, 1], [0, 1]]: [[4, 2], [2, 2]]/8, largest eigenvalue (3 + √5)/8
    X = np.array([[2.0], [0.0]])
    assert lipschitz(X) == pytest.approx((3 + math.sqrt(5)) / 8, rel=1e-14)
    # one sample x: X̃ᵀX̃/4 = x̃x̃ᵀ/4 has eigenvalue ‖x̃‖²/4
    X = np.array([[3.0, 4.0]])
    assert lipschitz(X) == pytest.approx((9 + 16 + 1) / 4, rel=1e-14)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(1, 4), st.sampled_from([0.0, 0.1, 2.0]))
def test_lipschitz_bounds_the_hessian_everywhere(seed, n, d, l2):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * rng.uniform(0.1, 10, size=d) + rng.uniform(-3, 3, size=d)
    y = rng.randint(0, 2, size=n).astype(float)
    L = lipschitz(X, l2)
    Xt = np.column_stack([X, np.ones(n)])
    for scale in (0.0, 0.1, 1.0, 10.0):
        theta = rng.randn(d + 1) * scale
        p = model.sigmoid(Xt @ theta)
        H = (Xt * (p * (1 - p))[:, None]).T @ Xt / n + l2 * np.diag([1.0] * d + [0.0])
        assert np.linalg.eigvalsh(H)[-1] <= L * (1 + 1e-12)
    # at θ = 0 every σ' = ¼ and the bound is attained
    H0 = Xt.T @ Xt / (4 * n) + l2 * np.diag([1.0] * d + [0.0])
    assert np.linalg.eigvalsh(H0)[-1] == pytest.approx(L, rel=1e-12)
    # a gradient is L-Lipschitz: ‖∇f(a) − ∇f(b)‖ ≤ L‖a − b‖
    a, b = rng.randn(d + 1), rng.randn(d + 1)
    ga = np.append(*model.gradients(X, y, a[:d], a[d], l2))
    gb = np.append(*model.gradients(X, y, b[:d], b[d], l2))
    assert np.linalg.norm(ga - gb) <= L * np.linalg.norm(a - b) * (1 + 1e-9) + 1e-12


@pytest.mark.parametrize("c", [1e151, 1e154, 1e160, 1e200])
def test_lipschitz_of_features_beyond_1e154_is_finite_or_infinite_never_nan(c):
    # one sample x = (c, 0): L = ‖x̃‖²/4 = (c² + 1)/4, scaled back from X̃/c
    X = np.array([[c, 0.0]])
    L = lipschitz(X)
    assert not math.isnan(L) and not math.isnan(max_stable_learning_rate(X))
    if c * c < math.inf:
        assert L == pytest.approx(c * c / 4, rel=1e-14)
    else:
        assert L == math.inf and max_stable_learning_rate(X) == 0.0
    # scaled (entries above 1e150) it agrees with the plain formula where that does not overflow yet
    big = np.array([[3.0, 4.0], [-1.0, 2.0]]) * 1e151
    assert lipschitz(big) == pytest.approx(_unscaled(big), rel=1e-13)
    assert lipschitz(big, l2=2.0) == pytest.approx(_unscaled(big), rel=1e-13)  # λ is nothing beside c²


def _unscaled(X: np.ndarray) -> float:
    """L the obvious way, for data whose X̃ᵀX̃ does not overflow."""
    Xt = np.column_stack([X, np.ones(len(X))])
    return float(np.linalg.eigvalsh(Xt.T @ Xt / (4 * len(X)))[-1])


def test_max_stable_learning_rate_is_two_over_l(logistic):
    for l2 in (0.0, 0.3):
        assert max_stable_learning_rate(logistic.X, l2) == 2.0 / lipschitz(logistic.X, l2)
    assert max_stable_learning_rate(np.array([[1.0], [-1.0]])) == pytest.approx(8.0, rel=1e-15)


# --- loss grid ----------------------------------------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 0.4])
@pytest.mark.parametrize("b", [0.0, -1.25, 3.0])
def test_loss_grid_slice_equals_model_loss(logistic, b, l2):
    w1 = np.linspace(-4, 4, 5)
    w2 = np.array([-6.0, 0.5, 2.0])
    values, bias = loss_grid(logistic.X, logistic.y, w1, w2, b, l2)
    assert values.shape == (3, 5) and bias.shape == (3, 5)  # (len(w2), len(w1))
    assert np.all(bias == b)
    for i in range(3):
        for j in range(5):
            expected = model.loss(logistic.X, logistic.y, np.array([w1[j], w2[i]]), b, l2)
            assert values[i, j] == pytest.approx(expected, rel=1e-12)
    # orientation is not symmetric: swapping the axes gives the transposed grid
    values_t, _ = loss_grid(logistic.X, logistic.y, w2, w1, b, l2)
    assert values_t.shape == (5, 3)
    assert not np.allclose(values_t, values.T)


def test_loss_grid_at_extreme_logits_by_hand():
    # two points, each on its own side with margin u = |w1| (or the wrong side at −|w1|): ℓ = log(1 + e^(−u))
    X = np.array([[1.0, 0.0], [-1.0, 0.0]])
    y = np.array([1.0, 0.0])
    w1 = np.array([-800.0, -45.0, 45.0, 800.0])
    values, _ = loss_grid(X, y, w1, np.array([0.0]), 0.0)
    # u = w1 for both points: e^(−u) to double precision when u ≥ 40, −u when u ≤ −40
    assert values[0, 0] == 800.0 and values[0, 1] == pytest.approx(45.0, rel=1e-15)
    assert values[0, 2] == pytest.approx(math.exp(-45.0), rel=1e-15)
    assert values[0, 3] == 0.0  # e^(−800) is below the smallest double
    assert values[0, 2] > 0.0  # not cancelled to 0, as log(1 + e^z) − y·z would be


@pytest.mark.parametrize("b", [None, 0.7])
def test_loss_grid_block_by_block_equals_the_whole_grid_at_once(logistic, b, monkeypatch):
    from logreg import analysis

    w1, w2 = np.linspace(-5, 5, 9), np.linspace(-8, 3, 7)
    monkeypatch.setattr(analysis, "GRID_BLOCK", 10**9)  # one block: every grid point at once
    whole, whole_bias = loss_grid(logistic.X, logistic.y, w1, w2, b, 0.1)
    monkeypatch.setattr(analysis, "GRID_BLOCK", 5 * len(logistic.y))  # blocks of 5 grid points, the last shorter
    values, bias = loss_grid(logistic.X, logistic.y, w1, w2, b, 0.1)
    np.testing.assert_allclose(values, whole, rtol=1e-12)
    np.testing.assert_allclose(bias, whole_bias, rtol=0, atol=1e-7)  # Newton stops within 1e-7, block by block


def old_bias_search(Z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The search loss_grid used before: 25 Newton steps from b = 0 on every column, each clipped to ±5."""
    B = np.zeros(Z.shape[1])
    for _ in range(25):
        P = model.sigmoid(Z + B)
        step = np.mean(P - y[:, None], axis=0) / (np.mean(P * (1 - P), axis=0) + 1e-12)
        B = B - np.clip(step, -5, 5)
        if np.max(np.abs(step)) < 1e-7:
            break
    return B


def brent_bias(z: np.ndarray, y: np.ndarray) -> float:
    """The root of g(b) = mean σ(z + b) − ȳ by scipy's brentq, on the bracket logit ȳ − (max z, min z)."""
    brentq = pytest.importorskip("scipy.optimize").brentq
    t = math.log(y.mean() / (1 - y.mean()))
    return brentq(lambda b: float(np.mean(model.sigmoid(z + b)) - y.mean()), t - z.max(), t - z.min(), xtol=1e-12)


def shifted_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The issue's link: x1 × 0.1 + 100, true weights (−5, 5), and a grid over its landscape box, as (X, y, W)."""
    data = make_synthetic(n=2000, true_w=(-5.0, 5.0), bias=0.0, seed=6081, scale=(0.1, 1.0), shift=(100.0, 0.0))
    W1, W2 = np.meshgrid(np.linspace(-60, 10, 15), np.linspace(-1, 6, 9))
    return data.X, data.y, np.stack([W1.ravel(), W2.ravel()])


def test_best_bias_by_hand():
    # all logits equal (z_i = 3): the minimiser is logit ȳ − 3 exactly, the warm start itself
    y = np.array([1.0, 0.0, 0.0, 0.0])
    B = best_bias(np.full((4, 2), 3.0), y)
    np.testing.assert_allclose(B, math.log(1 / 3) - 3.0, rtol=0, atol=1e-12)
    # two points with z = ±1 and labels 1, 0: symmetric, so b = 0
    assert abs(best_bias(np.array([[1.0], [-1.0]]), np.array([1.0, 0.0]))[0]) < 1e-12


@pytest.mark.parametrize("data", ["logistic", "shifted"])
def test_best_bias_equals_brent_and_the_old_search_where_that_converged(logistic, data):
    if data == "logistic":
        X, y = logistic.X, logistic.y
        W = np.stack([g.ravel() for g in np.meshgrid(np.linspace(-5, 5, 7), np.linspace(-8, 3, 6))])
    else:
        X, y, W = shifted_data()
    Z = X @ W
    B = best_bias(Z, y)
    reference = np.array([brent_bias(Z[:, j], y) for j in range(Z.shape[1])])
    np.testing.assert_allclose(B, reference, rtol=0, atol=1e-6)  # stated tolerance: 1e-6 in b (steps stop at 1e-7)
    values = np.mean(model.loss_from_logits(Z + B, y[:, None]), axis=0)
    best_values = np.mean(model.loss_from_logits(Z + reference, y[:, None]), axis=0)
    np.testing.assert_allclose(values, best_values, rtol=1e-12)  # the loss is flat at its minimum
    old = old_bias_search(Z, y)
    old_values = np.mean(model.loss_from_logits(Z + old, y[:, None]), axis=0)
    if data == "logistic":  # the old search converged here: the same landscape to 1e-12
        np.testing.assert_allclose(values, old_values, rtol=1e-12)
    else:  # 25 steps of at most 5 could not reach biases near −100·w1: its values were too high
        assert np.all(values <= old_values * (1 + 1e-12)) and np.max(old_values - values) > 1.0


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([1e-3, 1.0, 50.0]), st.sampled_from([0.0, 100.0, -1e4]))
def test_best_bias_is_within_its_step_budget_and_near_brent(seed, spread, shift):
    # random columns of logits, some shifted far from 0: the work is bounded by BIAS_STEPS_PER_POINT steps per
    # column, and the loss at the bias found is within 1e-4 (relative) of the loss at brentq's root; where the
    # logits are spread far (50) with random labels g is a staircase and a few columns stop before 1e-7
    import logreg.analysis as analysis

    rng = np.random.RandomState(seed)
    n, c = rng.randint(2, 300), rng.randint(1, 40)
    y = (rng.random_sample(n) < rng.uniform(0.05, 0.95)).astype(float)
    y[:2] = [0.0, 1.0]
    Z = rng.randn(n, c) * spread + shift * rng.randn(c)
    calls = []
    original = analysis.sigmoid
    analysis.sigmoid = lambda z: calls.append(z.shape[1]) or original(z)
    try:
        B = best_bias(Z, y)
    finally:
        analysis.sigmoid = original
    assert sum(calls) <= analysis.BIAS_STEPS_PER_POINT * c + c  # column-steps: the bounded work
    found = np.array([np.mean(model.loss_from_logits(Z[:, j] + B[j], y)) for j in range(c)])
    best = np.array([np.mean(model.loss_from_logits(Z[:, j] + brent_bias(Z[:, j], y), y)) for j in range(c)])
    # the landscape draws a block's values on one scale: a column stopped early is off by a small part of the
    # block's largest loss. Random labels on logits spread by 50 make g a staircase, the worst case for the
    # bounded search (seed 3156: 2.0e-4 off where losses reach 16; seed 685644: 0.020 where they reach 10.8,
    # 0.18% of it, far below the spacing of the drawn contours)
    assert np.all(best - 1e-12 * np.maximum(1.0, best) <= found)
    assert np.all(found <= best + (1e-2 if spread >= 50 else 1e-4) * max(1.0, float(best.max())))
    if spread < 50:
        assert np.all(found <= best + 1e-12 * np.maximum(1.0, best))


def test_the_landscape_works_in_bounded_memory():
    # a page's landscape: 2,000 sampled points and a grid refined around the minimum (about 47 × 47 points);
    # computed at once it held several 2,000 × 2,209 arrays of 35 MB each, over 200 MB together
    import tracemalloc

    from logreg.analysis import landscape, landscape_box

    data = make_synthetic(n=5000, seed=1, labels="logistic")
    best = optimum(data.X, data.y, 0.0)
    box = landscape_box([np.zeros(2), best.w, data.true_w])
    tracemalloc.start()
    try:
        land = landscape(data.X, data.y, box, best=best, truth=data.true_w)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert land.values.size > 40**2
    assert peak < 24 * 2**20


@pytest.mark.parametrize("l2", [0.0, 0.4])
def test_loss_grid_with_bias_minimised_out(logistic, l2):
    X, y = logistic.X, logistic.y
    w1 = np.linspace(-5, 5, 7)
    w2 = np.linspace(-8, 3, 6)
    values, bias = loss_grid(X, y, w1, w2, None, l2)
    at_zero, _ = loss_grid(X, y, w1, w2, 0.0, l2)
    assert values.shape == bias.shape == (6, 7)
    assert np.all(values <= at_zero + 1e-12)
    assert np.any(values < at_zero - 1e-6)  # the data bias is 0.5, so b = 0 is not the best everywhere
    for i in range(6):
        for j in range(7):
            w = np.array([w1[j], w2[i]])
            b = float(bias[i, j])
            assert values[i, j] == pytest.approx(model.loss(X, y, w, b, l2), rel=1e-12)
            # the bias is optimal: ∂L/∂b = mean(σ(z) − y) = 0
            assert abs(model.gradients(X, y, w, b, l2)[1]) < 1e-9
            for db in (-0.01, 0.01):
                assert model.loss(X, y, w, b + db, l2) > values[i, j]


# --- contributions and angles -------------------------------------------------------------------


def test_point_contributions_sum_to_the_gradient(logistic):
    rng = np.random.RandomState(2)
    for _ in range(5):
        w, b = rng.randn(2) * 2, float(rng.randn())
        c = point_contributions(logistic.X, logistic.y, w, b)
        assert c.shape == (logistic.n, 3)
        gw, gb = model.gradients(logistic.X, logistic.y, w, b)
        np.testing.assert_allclose(c[:, :2].sum(axis=0), gw, rtol=1e-12, atol=1e-15)
        assert c[:, 2].sum() == pytest.approx(gb, rel=1e-12, abs=1e-15)
        # each row is the sample's residual times [x, 1], over n
        i = 17
        r = float(model.sigmoid(logistic.X[i] @ w + b)) - logistic.y[i]
        np.testing.assert_allclose(c[i], r * np.append(logistic.X[i], 1.0) / logistic.n, rtol=1e-13)


@pytest.mark.parametrize(
    ("w", "w_true", "expected"),
    [
        ([1.0, 0.0], [1.0, 0.0], 0.0),
        ([2.0, -3.0], [4.0, -6.0], 0.0),
        ([1.0, 0.0], [0.0, 2.0], 90.0),
        ([1.0, 1.0], [-2.0, -2.0], 180.0),
        ([1.0, 0.0], [1.0, 1.0], 45.0),
        ([1.0, 0.0], [-1.0, math.sqrt(3)], 120.0),
    ],
)
def test_angle_degrees_hand_values(w, w_true, expected):
    # arccos of a cosine one ulp from ±1 is ~1e-6° off, hence the tolerance
    assert angle_degrees(np.array(w), np.array(w_true)) == pytest.approx(expected, abs=1e-5)


def test_angle_degrees_zero_vector_is_none():
    assert angle_degrees(np.zeros(2), np.array([1.0, 2.0])) is None
    assert angle_degrees(np.array([1.0, 2.0]), np.zeros(2)) is None


# ---------------------------------------------------------------- the landscape's rings around a narrow valley
def _encloses(land, point, level) -> bool:
    """Whether the region below `level`, as the contours trace it (bilinear in each cell), holds `point`
    and stays inside the panel: then the ring at `level` closes around the point."""
    from scipy.ndimage import label

    x, y, Z = land.w1, land.w2, land.values
    j = int(np.searchsorted(x, point[0])) - 1
    i = int(np.searchsorted(y, point[1])) - 1
    tx = (point[0] - x[j]) / (x[j + 1] - x[j])
    ty = (point[1] - y[i]) / (y[i + 1] - y[i])
    at = (
        (1 - tx) * (1 - ty) * Z[i, j]
        + tx * (1 - ty) * Z[i, j + 1]
        + (1 - tx) * ty * Z[i + 1, j]
        + tx * ty * Z[i + 1, j + 1]
    )
    if not at < level:
        return False
    regions, _ = label(Z < level)
    corners = {regions[a, b] for a in (i, i + 1) for b in (j, j + 1)} - {0}
    border = set(regions[0]) | set(regions[-1]) | set(regions[:, 0]) | set(regions[:, -1])
    return bool(corners) and not corners & border


@pytest.mark.parametrize("l2", [0.01, 0.001])
def test_the_lowest_ring_closes_around_the_minimum_of_a_narrow_valley(l2):
    from logreg.analysis import Landscape, landscape, landscape_box, loss_grid
    from logreg.geometry import contour_levels

    data = make_synthetic(scale=(100.0, 1.0), shift=(50.0, 0.0))  # the "Badly scaled feature" preset's data
    best = optimum(data.X, data.y, l2)
    assert best.exists
    box = landscape_box([np.zeros(2), best.w, data.true_w])
    land = landscape(data.X, data.y, box, l2=l2, best=best, truth=data.true_w)
    lowest = contour_levels(land.values)[0]
    assert _encloses(land, best.w, lowest)
    # on an even grid of the same size the valley falls between the lines: the refinement is what closes it
    even = np.linspace(box[0], box[1], len(land.w1)), np.linspace(box[2], box[3], len(land.w2))
    values, _ = loss_grid(data.X, data.y, even[0], even[1], None, l2)
    plain = Landscape(even[0], even[1], values, "", None)
    assert not _encloses(plain, best.w, contour_levels(values)[0])


@settings(max_examples=60, deadline=None)
@given(
    points=st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(0, 1)), min_size=4, max_size=30),
    line=st.tuples(st.integers(-2, 2), st.integers(-2, 2), st.integers(-2, 2)),
)
def test_the_count_on_the_line_is_the_fewest_or_is_not_given(points, line):
    # points labelled by an integer line, those on it with the label drawn: ties of every kind
    X = np.array([p[:2] for p in points], dtype=float)
    z = X @ np.array(line[:2], dtype=float) + line[2]
    y = np.where(z > 0, 1.0, np.where(z < 0, 0.0, [float(p[2]) for p in points]))
    if y.min() == y.max():
        return
    best = optimum(X, y)
    if best.exists or best.ties is None:
        return
    fewest = fewest_on_the_line(X, y)
    assert best.ties >= fewest
    assert not best.forced or best.ties == fewest
