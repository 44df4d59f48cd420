"""logreg.curvature: the Hessian, the sharpness, the sharpness along a run and at the minimum."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from logreg import model
from logreg.analysis import lipschitz, optimum
from logreg.curvature import (
    hessian,
    sharpness,
    sharpness_along,
    sharpness_along_runs,
    sharpness_at_minimum,
    sigmoid_slope,
)
from logreg.data import make_synthetic
from logreg.train import train


@pytest.fixture(scope="module")
def logistic():
    return make_synthetic(n=400, seed=3, labels="logistic")


def loop_hessian(X, w, b, l2=0.0) -> np.ndarray:
    """Σ_i σ'(z_i)·x̃_i x̃_iᵀ / n + λ·I_w, one sample at a time, σ' from math.exp: the obvious reference."""
    n, d = X.shape
    H = np.zeros((d + 1, d + 1))
    for x in X:
        xt = np.append(x, 1.0)
        z = float(xt[:d] @ w + b)
        p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        H += p * (1.0 - p) * np.outer(xt, xt)
    H /= n
    H[:d, :d] += l2 * np.eye(d)
    return H


def fd_hessian(X, y, w, b, l2=0.0, h=1e-5) -> np.ndarray:
    """Central differences of model.gradients, column by column."""
    d = len(w)
    theta = np.append(w, b)
    cols = []
    for j in range(d + 1):
        e = np.zeros(d + 1)
        e[j] = h
        gp = np.append(*model.gradients(X, y, (theta + e)[:d], (theta + e)[d], l2))
        gm = np.append(*model.gradients(X, y, (theta - e)[:d], (theta - e)[d], l2))
        cols.append((gp - gm) / (2 * h))
    return np.column_stack(cols)


# --- hand values ----------------------------------------------------------------------------------


def test_sigmoid_slope_hand_values():
    # σ'(0) = ¼; σ'(ln 3) = ¾·¼ = 3/16; symmetric; e^(−40) survives where 1 − σ(40) rounds to 0
    np.testing.assert_allclose(
        sigmoid_slope(np.array([0.0, math.log(3), -math.log(3)])), [0.25, 3 / 16, 3 / 16], rtol=1e-15
    )
    assert model.sigmoid(40.0) == 1.0  # so p(1 − p) from p would be 0
    assert sigmoid_slope(40.0) == pytest.approx(math.exp(-40), rel=1e-15)
    assert sigmoid_slope(np.array([-1000.0, 1000.0])).tolist() == [0.0, 0.0]


def test_hessian_hand_values():
    # one sample x = 2 at θ = 0: H = ¼·[[4, 2], [2, 1]], eigenvalues 0 and 5/4
    X = np.array([[2.0]])
    H = hessian(X, np.array([1.0]), np.zeros(1), 0.0)
    np.testing.assert_allclose(H, [[1.0, 0.5], [0.5, 0.25]], rtol=1e-15)
    assert sharpness(X, np.array([1.0]), np.zeros(1), 0.0) == pytest.approx(1.25, rel=1e-15)
    # at z = 2·w + b = ln 3 every entry scales by 3/16 instead of 1/4; λ adds to the weight only
    H = hessian(X, np.array([0.0]), np.array([math.log(3)]), -math.log(3), l2=0.5)
    np.testing.assert_allclose(H, np.array([[4.0, 2.0], [2.0, 1.0]]) * 3 / 16 + [[0.5, 0.0], [0.0, 0.0]], rtol=1e-14)


def test_hessian_does_not_depend_on_the_labels(logistic):
    X, y = logistic.X, logistic.y
    w, b = np.array([0.3, -0.7]), 0.2
    np.testing.assert_array_equal(hessian(X, y, w, b), hessian(X, 1 - y, w, b))


# --- finite differences and references ------------------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 0.1])
@pytest.mark.parametrize("theta", [(0.0, 0.0, 0.0), (1.5, -2.0, 0.3), (8.0, -12.0, 2.0)])
def test_hessian_matches_finite_differences_of_the_gradient(logistic, theta, l2):
    X, y = logistic.X, logistic.y
    w, b = np.array(theta[:2]), theta[2]
    H = hessian(X, y, w, b, l2)
    np.testing.assert_allclose(H, fd_hessian(X, y, w, b, l2), atol=1e-8)


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_hessian_matches_a_per_sample_loop(logistic, l2):
    X = logistic.X
    for w, b in [(np.zeros(2), 0.0), (np.array([2.0, -3.0]), 0.5), (np.array([40.0, -60.0]), 10.0)]:
        np.testing.assert_allclose(hessian(X, None, w, b, l2), loop_hessian(X, w, b, l2), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("l2", [0.0, 0.001, 1.0])
@pytest.mark.parametrize("scale", [1.0, 100.0])
def test_sharpness_at_zero_is_lipschitz(l2, scale):
    d = make_synthetic(n=300, seed=5, scale=(scale, 1.0), shift=(3.0, 0.0))
    s0 = sharpness(d.X, d.y, np.zeros(2), 0.0, l2)
    assert s0 == pytest.approx(lipschitz(d.X, l2), rel=1e-14)


# --- properties -----------------------------------------------------------------------------------

finite = st.floats(-50, 50, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    X=hnp.arrays(float, st.tuples(st.integers(1, 30), st.integers(1, 3)), elements=st.floats(-20, 20)),
    theta=hnp.arrays(float, 4, elements=finite),
    l2=st.sampled_from([0.0, 0.01, 1.0]),
)
def test_hessian_is_symmetric_psd_and_never_sharper_than_l(X, theta, l2):
    d = X.shape[1]
    w, b = theta[:d], float(theta[d])
    H = hessian(X, None, w, b, l2)
    assert H.shape == (d + 1, d + 1)
    np.testing.assert_array_equal(H, H.T)
    top = lipschitz(X, l2)
    eig = np.linalg.eigvalsh(H)
    assert eig[0] >= -1e-12 * max(top, 1.0)
    assert sharpness(X, None, w, b, l2) <= top * (1 + 1e-12) + 1e-300


# --- along a run ----------------------------------------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_sharpness_along_a_run_matches_one_snapshot_at_a_time(logistic, l2):
    X, y = logistic.X, logistic.y
    h = list(train(X, y, learning_rate=25.0, epochs=40, l2=l2))  # above 2/s(θ*): the sharpness moves
    W, B = np.array([s.w for s in h]), np.array([s.b for s in h])
    along = sharpness_along(X, W, B, l2)
    assert along.shape == (len(h),)
    one_by_one = [sharpness(X, y, s.w, s.b, l2) for s in h]
    np.testing.assert_allclose(along, one_by_one, rtol=1e-12)
    assert along[0] == pytest.approx(lipschitz(X, l2), rel=1e-14)
    assert np.ptp(along) > 0.1 * along[0]  # a test of a constant would prove nothing


def test_sharpness_along_blocks_of_many_snapshots():
    # n·T far beyond one block: every block must land on its own snapshots
    d = make_synthetic(n=3000, seed=1, labels="logistic")
    rng = np.random.RandomState(0)
    W, B = rng.randn(40, 2) * 3, rng.randn(40)
    np.testing.assert_allclose(
        sharpness_along(d.X, W, B), [sharpness(d.X, None, w, b) for w, b in zip(W, B)], rtol=1e-12
    )


@pytest.mark.parametrize("n", [1, 7, 400, 3000])
@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_sharpness_along_runs_is_sharpness_along_of_each_run_bit_for_bit(n, l2):
    # runs of many lengths (one, a block's worth and more: 16384 // n snapshots a block) on one data set
    d = make_synthetic(n=n, seed=4, labels="logistic")
    rng = np.random.RandomState(n)
    lengths = [1, 2, 5, 16384 // n, 16384 // n + 1, 101, 150]
    runs = [(rng.randn(t, 2) * 4, rng.randn(t)) for t in lengths]
    together = sharpness_along_runs(d.X, runs, l2)
    assert [len(v) for v in together] == lengths
    for (W, B), values in zip(runs, together):
        np.testing.assert_array_equal(values, sharpness_along(d.X, W, B, l2))
    assert sharpness_along_runs(d.X, [], l2) == []


def test_sharpness_along_on_a_row_sample():
    d = make_synthetic(n=3000, seed=2, labels="logistic")
    W, B = np.array([[0.0, 0.0], [1.0, -1.5]]), np.array([0.0, 0.2])
    sampled = sharpness_along(d.X, W, B, max_rows=500, seed=7)
    idx = np.sort(np.random.RandomState(7).choice(3000, 500, replace=False))
    np.testing.assert_allclose(sampled, [sharpness(d.X[idx], None, w, b) for w, b in zip(W, B)], rtol=1e-12)
    exact = sharpness_along(d.X, W, B)
    assert not np.array_equal(sampled, exact)
    np.testing.assert_allclose(sampled, exact, rtol=0.15)  # an estimate from 500 of 3000 rows
    np.testing.assert_array_equal(sharpness_along(d.X, W, B, max_rows=3000), exact)  # all rows: exact


# --- at the minimum -------------------------------------------------------------------------------


def sklearn_optimum(X, y, l2):
    """scikit-learn's minimiser of mean log loss + (λ/2)‖w‖², intercept unpenalised.

    Its objective is C·Σℓ + ½‖w‖² = nCλ·(mean ℓ/(nCλ) …), the same minimiser when C = 1/(nλ); C = ∞ is no
    penalty. Its lbfgs/newton solvers never penalise the intercept (only liblinear does).
    """
    from sklearn.linear_model import LogisticRegression

    C = np.inf if l2 == 0 else 1.0 / (len(y) * l2)
    clf = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    return clf.coef_[0], float(clf.intercept_[0])


@pytest.mark.parametrize("l2", [0.0, 0.01, 0.1])
def test_sharpness_at_the_minimum_agrees_with_scikit_learn(logistic, l2):
    X, y = logistic.X, logistic.y
    w_sk, b_sk = sklearn_optimum(X, y, l2)
    gw, gb = model.gradients(X, y, w_sk, b_sk, l2)
    assert np.hypot(np.linalg.norm(gw), gb) < 1e-8  # scikit-learn did find the minimum of this objective
    best = optimum(X, y, l2)
    np.testing.assert_allclose(np.append(best.w, best.b), np.append(w_sk, b_sk), atol=1e-6)
    ours = sharpness_at_minimum(X, best, l2)
    # independent route: eigenvalues of central differences of the gradient at scikit-learn's θ*
    reference = float(np.linalg.eigvalsh(fd_hessian(X, y, w_sk, b_sk, l2))[-1])
    assert ours == pytest.approx(reference, rel=1e-6)
    assert ours < lipschitz(X, l2)


def test_no_sharpness_at_a_minimum_that_does_not_exist():
    d = make_synthetic(n=200, seed=0)  # threshold labels: separable
    assert sharpness_at_minimum(d.X, optimum(d.X, d.y)) is None


def test_separable_run_flattens_the_curvature():
    # no minimum: ‖w‖ grows and every p(1 − p) shrinks, so the sharpness falls towards 0
    d = make_synthetic(n=500, seed=0)
    h = list(train(d.X, d.y, learning_rate=5.0, epochs=300))
    s = sharpness_along(d.X, np.array([x.w for x in h]), np.array([x.b for x in h]))
    assert s[-1] < 0.15 * s[0]
    assert np.linalg.norm(h[-1].w) > 3 * np.linalg.norm(h[10].w)
