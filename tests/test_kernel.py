"""logreg.kernel: one pass gives the same loss, accuracy and gradient as the model's functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg import model
from logreg.kernel import BLOCK, Pass

RTOL, ATOL = 1e-12, 1e-14


def evaluate(p: Pass, w, b) -> tuple[float, float, np.ndarray, float]:
    """(loss, accuracy, ∂L/∂w, ∂L/∂b) from one pass, under the errstate its callers use."""
    theta = np.append(np.asarray(w, dtype=float), b)
    with np.errstate(all="ignore"):  # exp overflows on confident mistakes; the pass patches it
        loss, accuracy, gradient = p.evaluate(theta)
    assert all(isinstance(v, float) for v in (loss, accuracy, *gradient)) and len(gradient) == p.d + 1
    return loss, accuracy, np.array(gradient[:-1]), gradient[-1]


def assert_equals_model(p: Pass, X, y, w, b):
    loss, accuracy, gw, gb = evaluate(p, w, b)
    assert loss == pytest.approx(model.loss(X, y, w, b), rel=RTOL, abs=ATOL)
    expected_w, expected_b = model.gradients(X, y, w, b)
    np.testing.assert_allclose(gw, expected_w, rtol=RTOL, atol=ATOL)
    assert gb == pytest.approx(expected_b, rel=RTOL, abs=ATOL)
    assert accuracy == model.accuracy(X, y, w, b)


def reference(X, y, w, b) -> tuple[float, float, list[float], float]:
    """A per-sample loop in plain floats: ℓ = max(z, 0) − y·z + log1p(e^(−|z|)), ∂ℓ/∂z = σ(z) − y."""
    n, d = X.shape
    loss, right, gw, gb = 0.0, 0, [0.0] * d, 0.0
    for i in range(n):
        z = b + math.fsum(float(X[i, j]) * float(w[j]) for j in range(d))
        loss += max(z, 0.0) - y[i] * z + math.log1p(math.exp(-abs(z)))
        p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        right += int((z > 0) == (y[i] == 1))
        for j in range(d):
            gw[j] += (p - y[i]) * float(X[i, j])
        gb += p - y[i]
    return loss / n, right / n, [g / n for g in gw], gb / n


# --- hand values, extreme logits included -------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "label", "w", "loss", "gradient", "accuracy"),
    [
        (1.0, 1.0, 0.0, math.log(2), -0.5, 0.0),  # z = 0: p = 1/2, and a tie is class 0
        (1.0, 0.0, 0.0, math.log(2), 0.5, 1.0),
        (1.0, 1.0, -1000.0, 1000.0, -1.0, 0.0),  # confident and wrong: ℓ = |z|, σ(z) − y = −1
        (1.0, 0.0, 1000.0, 1000.0, 1.0, 0.0),
        (2.0, 1.0, -400.0, 800.0, -1.0, 0.0),  # e^(−u) = e^800 overflows: the patched path
        (1.0, 1.0, 1000.0, 0.0, 0.0, 1.0),  # confident and right: ℓ = e^(−1000) = 0 in doubles
        (1.0, 1.0, 40.0, math.exp(-40.0), -math.exp(-40.0), 1.0),  # ℓ ≈ e^(−40), every digit kept
        (1.0, 0.0, 30.0, 30.0 + math.log1p(math.exp(-30.0)), 1.0 / (1.0 + math.exp(-30.0)), 0.0),
    ],
)
def test_hand_values_of_one_sample(x, label, w, loss, gradient, accuracy):
    p = Pass(np.array([[x]]), np.array([label]))
    got_loss, got_accuracy, gw, gb = evaluate(p, [w], 0.0)
    assert got_loss == pytest.approx(loss, rel=1e-15, abs=0.0)
    assert gb == pytest.approx(gradient, rel=1e-15, abs=0.0)  # ∂ℓ/∂b = σ(z) − y
    assert gw[0] == pytest.approx(gradient * x, rel=1e-15, abs=0.0)  # ∂ℓ/∂w = (σ(z) − y)·x
    assert got_accuracy == accuracy


def test_hand_values_of_two_samples_average():
    # z = (0, 2): ℓ = (log 2 + log(1 + e^−2)) for labels (1, 1); ∂L/∂b = ((1/2 − 1) + (σ(2) − 1))/2
    p = Pass(np.array([[0.0], [1.0]]), np.array([1.0, 1.0]))
    loss, accuracy, gw, gb = evaluate(p, [2.0], 0.0)
    assert loss == pytest.approx((math.log(2) + math.log1p(math.exp(-2.0))) / 2, rel=1e-15)
    sigma2 = 1.0 / (1.0 + math.exp(-2.0))
    assert gb == pytest.approx((-0.5 + sigma2 - 1.0) / 2, rel=1e-15)
    assert gw[0] == pytest.approx((sigma2 - 1.0) / 2, rel=1e-15)
    assert accuracy == 0.5


# --- finite differences -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_matches_five_point_finite_differences(seed):
    rng = np.random.RandomState(seed)
    X = rng.randn(40, 3) * [1.0, 3.0, 0.5]
    y = (rng.random_sample(40) < 0.5).astype(float)
    p = Pass(X, y, block=7)
    theta = rng.randn(4)
    _, _, gw, gb = evaluate(p, theta[:3], theta[3])
    h = 1e-4
    for j in range(4):

        def loss_at(step, j=j):
            t = theta.copy()
            t[j] += step
            return evaluate(p, t[:3], t[3])[0]

        fd = (-loss_at(2 * h) + 8 * loss_at(h) - 8 * loss_at(-h) + loss_at(-2 * h)) / (12 * h)
        assert [*gw, gb][j] == pytest.approx(fd, rel=1e-8, abs=1e-10)


# --- an independent reference and the model's own functions -------------------------------------


@pytest.mark.parametrize("block", [1, 2, 7, 40, 41, 1000])
def test_pass_with_small_blocks_equals_model_functions_and_a_loop(block):
    rng = np.random.RandomState(block)
    X = rng.randn(53, 3) * [1.0, 4.0, 0.2]
    y = (rng.random_sample(53) < 0.4).astype(float)
    p = Pass(X, y, block=block)
    points = [(np.zeros(3), 0.0), (np.ones(3), 0.0), (rng.randn(3), 0.7), (rng.randn(3) * 5, -2.0)]
    for w, b in points:
        assert_equals_model(p, X, y, w, b)
        loss, accuracy, gw, gb = evaluate(p, w, b)
        ref_loss, ref_accuracy, ref_w, ref_b = reference(X, y, w, b)
        assert loss == pytest.approx(ref_loss, rel=RTOL)
        assert accuracy == ref_accuracy
        np.testing.assert_allclose(gw, ref_w, rtol=1e-11, atol=ATOL)
        assert gb == pytest.approx(ref_b, rel=1e-11, abs=ATOL)


def test_overflow_patched_in_one_block_of_many():
    """Confident mistakes (−u > 709, where e^(−u) overflows) in some blocks of rows, not all."""
    rng = np.random.RandomState(3)
    X = rng.randn(30, 2)
    y = (X[:, 0] > 0).astype(float)
    w, b = np.array([1.0, 0.0]), 0.0
    X[12:15] = [[-900.0, 0.0], [-800.0, 1.0], [-750.0, -1.0]]
    y[12:15] = 1.0  # label 1 at z = −900, −800, −750: each wrong by more than 709
    p = Pass(X, y, block=5)
    assert_equals_model(p, X, y, w, b)
    loss, _, _, _ = evaluate(p, w, b)
    assert loss > (900 + 800 + 750) / 30


def ties_problem():
    """Rows with x1 = x2, so that w = (1, −1), b = 0 puts them exactly on the boundary, of both labels."""
    rng = np.random.RandomState(5)
    X = rng.randn(41, 2)
    X[::3, 1] = X[::3, 0]
    y = (rng.random_sample(41) < 0.5).astype(float)
    return X, y


@pytest.mark.parametrize("block", [1, 3, 7, 41])
def test_pass_counts_ties_at_zero_as_class_0(block):
    X, y = ties_problem()
    p = Pass(X, y, block=block)
    w, b = np.array([1.0, -1.0]), 0.0
    z = X @ w + b
    assert np.count_nonzero(z == 0) >= 10 and set(y[z == 0]) == {0.0, 1.0}
    assert evaluate(p, w, b)[1] == model.accuracy(X, y, w, b)
    assert evaluate(p, np.zeros(2), 0.0)[1] == np.mean(y == 0)
    assert evaluate(p, -w, -0.0)[1] == model.accuracy(X, y, -w, -0.0)


@pytest.mark.parametrize("label", [0.0, 1.0])
def test_pass_with_one_class(label):
    X = np.random.RandomState(0).randn(20, 2)
    y = np.full(20, label)
    p = Pass(X, y, block=7)
    for w, b in [(np.zeros(2), 0.0), (np.array([0.5, -1.0]), 0.3)]:
        assert_equals_model(p, X, y, w, b)


def test_buffers_reused_across_calls_leave_no_trace():
    """The pass reuses its buffers: a call at a far point, overflow patch included, does not change
    the next call's numbers; θ may come as a list or an array."""
    rng = np.random.RandomState(8)
    X, y = rng.randn(70, 2), (rng.random_sample(70) < 0.5).astype(float)
    p = Pass(X, y, block=16)
    theta = [0.3, -2.0, 0.1]
    with np.errstate(all="ignore"):
        first = p.evaluate(theta)
        far = p.evaluate([1e4, -1e4, 5e3])
        again = p.evaluate(np.array(theta))
    assert again == first
    assert far[0] > 100.0


def test_the_pass_does_not_touch_its_inputs():
    rng = np.random.RandomState(1)
    X, y = rng.randn(25, 2), (rng.random_sample(25) < 0.5).astype(float)
    X0, y0 = X.copy(), y.copy()
    theta = np.array([1.0, 2.0, -0.5])
    theta0 = theta.copy()
    evaluate(Pass(X, y, block=4), theta[:2], theta[2])
    assert np.array_equal(X, X0) and np.array_equal(y, y0) and np.array_equal(theta, theta0)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.integers(1, 4), st.integers(1, 70))
def test_pass_equals_model_functions_on_random_data(seed, n, d, block):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * rng.uniform(0.1, 10, size=d)
    y = rng.randint(0, 2, size=n).astype(float)
    w, b = rng.randn(d) * 2, float(rng.randn())
    assert_equals_model(Pass(X, y, block=block), X, y, w, b)


def test_default_block_spans_a_large_problem():
    n = BLOCK + 5
    rng = np.random.RandomState(2)
    X, y = rng.randn(n, 2), (rng.random_sample(n) < 0.3).astype(float)
    assert_equals_model(Pass(X, y), X, y, np.array([2.0, -1.0]), 0.25)
