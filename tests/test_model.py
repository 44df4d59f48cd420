"""logreg.model: the stable sigmoid, the loss written on logits, its gradient, predictions."""

from __future__ import annotations

import decimal
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from logreg import model

FINITE_Z = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


# --- a slow reference: one sample at a time, with the math module -------------------------------


def ref_sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def ref_sample_loss(z: float, y: float) -> float:
    # log(1 + e^z) − y·z in 60-digit decimal arithmetic: nothing cancels or underflows at this precision
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        dz = decimal.Decimal(z)
        return float((1 + dz.exp()).ln() - decimal.Decimal(y) * dz)


def ref_loss_and_gradients(X, y, w, b, l2=0.0):
    n, d = X.shape
    total = 0.0
    gw = [0.0] * d
    gb = 0.0
    for i in range(n):
        z = b
        for j in range(d):
            z += float(X[i, j]) * float(w[j])
        total += ref_sample_loss(z, float(y[i]))
        r = ref_sigmoid(z) - float(y[i])
        for j in range(d):
            gw[j] += r * float(X[i, j])
        gb += r
    penalty = 0.5 * l2 * sum(float(v) * float(v) for v in w)
    return (
        total / n + penalty,
        np.array([g / n + l2 * float(v) for g, v in zip(gw, w)]),
        gb / n,
    )


def random_problem(seed: int, n: int = 60, d: int = 3):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * rng.uniform(0.5, 3.0, size=d)
    y = (rng.random_sample(n) < 0.5).astype(float)
    w = rng.randn(d)
    b = float(rng.randn())
    return X, y, w, b


# --- sigmoid ------------------------------------------------------------------------------------


def test_sigmoid_hand_values_without_warnings():
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = model.sigmoid(z)
    assert s[2] == 0.5
    assert s[4] == 1.0
    assert s[3] == 1.0  # 1/(1 + 4e-18) rounds to 1
    assert 0.0 <= s[0] < 1e-300
    assert s[1] == pytest.approx(math.exp(-40.0) / (1.0 + math.exp(-40.0)), rel=1e-14)
    assert s[1] > 0  # not flushed to zero: e^-40 is representable


def test_sigmoid_scalar_and_negative_zero():
    assert float(model.sigmoid(0.0)) == 0.5
    assert float(model.sigmoid(-0.0)) == 0.5
    assert float(model.sigmoid(2.0)) == pytest.approx(1.0 / (1.0 + math.exp(-2.0)), rel=1e-15)
    assert float(model.sigmoid(-2.0)) == pytest.approx(1.0 / (1.0 + math.exp(2.0)), rel=1e-15)


@pytest.mark.parametrize("z", [-745.0, -709.0, -30.0, -1.0, -1e-300, 1e-300, 1.0, 30.0, 709.0, 745.0])
def test_sigmoid_matches_reference(z):
    assert float(model.sigmoid(z)) == pytest.approx(ref_sigmoid(z), rel=1e-14, abs=0.0)


@settings(max_examples=200, deadline=None)
@given(FINITE_Z)
def test_sigmoid_symmetry_and_range(z):
    s, s_neg = float(model.sigmoid(z)), float(model.sigmoid(-z))
    assert 0.0 <= s <= 1.0
    assert s_neg == pytest.approx(1.0 - s, abs=2e-16)


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 50), elements=FINITE_Z))
def test_sigmoid_is_monotone_and_vectorised(z):
    s = model.sigmoid(z)
    order = np.argsort(z)
    assert np.all(np.diff(s[order]) >= 0)
    assert np.array_equal(s, np.array([float(model.sigmoid(v)) for v in z]))


# --- loss ---------------------------------------------------------------------------------------


def test_loss_from_logits_hand_values():
    z = np.array([-1000.0, 1000.0, 0.0, 0.0, 1000.0, -1000.0])
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = model.loss_from_logits(z, y)
    assert out[0] == 1000.0
    assert out[1] == 1000.0
    assert out[2] == pytest.approx(math.log(2.0), rel=1e-15)
    assert out[3] == pytest.approx(math.log(2.0), rel=1e-15)
    assert 0.0 <= out[4] < 1e-300
    assert 0.0 <= out[5] < 1e-300


@pytest.mark.parametrize("u", [40.0, 100.0, 700.0, 740.0])
def test_loss_on_the_right_side_keeps_every_digit(u):
    # ℓ = log(1 + e^(−u)) = e^(−u)·(1 − e^(−u)/2 + …): for u ≥ 40 that is e^(−u) to double precision.
    # A form that computes log(1 + e^u) − u here cancels to 0.
    z = np.array([u, -u])
    y = np.array([1.0, 0.0])
    out = model.loss_from_logits(z, y)
    assert out[0] == out[1] == pytest.approx(math.exp(-u), rel=1e-15, abs=0.0)
    assert out[0] > 0.0


def test_mean_loss_of_a_confident_right_model_is_not_rounded_away():
    # every sample on its side with margin 41: the mean loss is e^(−41) ≈ 1.6e-18, not ~1e-309
    X = np.array([[41.0], [-41.0], [42.0], [-42.0]])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    expected = (math.exp(-41.0) + math.exp(-42.0)) / 2
    assert model.loss(X, y, np.array([1.0]), 0.0) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("z", [-40.0, -3.0, -0.5, 0.25, 2.0, 35.0])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_loss_from_logits_matches_cross_entropy(z, y):
    expected = ref_sample_loss(z, y)
    # the textbook form, where it is still accurate
    p = ref_sigmoid(z)
    textbook = -(y * math.log(p) + (1 - y) * math.log1p(-p)) if 1e-12 < p < 1 - 1e-12 else expected
    got = float(model.loss_from_logits(np.array([z]), np.array([y]))[0])
    assert got == pytest.approx(expected, rel=1e-13, abs=1e-300)
    assert got == pytest.approx(textbook, rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(FINITE_Z, st.sampled_from([0.0, 1.0]))
def test_loss_is_nonnegative_and_finite(z, y):
    out = float(model.loss_from_logits(np.array([z]), np.array([y]))[0])
    assert np.isfinite(out)
    assert out >= 0.0
    # and it is the right size: ≈ |z| when the sign is wrong, ≈ 0 when it is right
    wrong = (z > 0) != (y == 1.0)
    if abs(z) > 40 and wrong:
        assert out == pytest.approx(abs(z), rel=1e-12)
    elif abs(z) > 40:
        assert out < 1e-17


def test_loss_and_gradients_match_per_sample_reference():
    for seed in range(4):
        X, y, w, b = random_problem(seed)
        for l2 in (0.0, 0.3):
            ref_l, ref_gw, ref_gb = ref_loss_and_gradients(X, y, w, b, l2)
            gw, gb = model.gradients(X, y, w, b, l2)
            assert model.loss(X, y, w, b, l2) == pytest.approx(ref_l, rel=1e-12)
            np.testing.assert_allclose(gw, ref_gw, rtol=1e-10, atol=1e-14)
            assert gb == pytest.approx(ref_gb, rel=1e-10, abs=1e-14)


def test_loss_with_extreme_logits_matches_reference():
    X = np.array([[1000.0], [-1000.0], [500.0], [0.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    w, b = np.array([1.0]), 0.0
    ref_l, ref_gw, ref_gb = ref_loss_and_gradients(X, y, w, b)
    assert model.loss(X, y, w, b) == pytest.approx(ref_l, rel=1e-14)
    assert model.loss(X, y, w, b) == pytest.approx((1000.0 + math.log(2.0)) / 4, rel=1e-14)
    gw, gb = model.gradients(X, y, w, b)
    np.testing.assert_allclose(gw, ref_gw, rtol=1e-14)
    assert gb == pytest.approx(ref_gb, rel=1e-14)


def test_l2_penalty_is_half_lambda_norm_squared_and_skips_bias():
    X, y, w, b = random_problem(7)
    base = model.loss(X, y, w, b)
    assert model.loss(X, y, w, b, l2=0.4) == pytest.approx(base + 0.2 * float(w @ w), rel=1e-14)
    gw0, gb0 = model.gradients(X, y, w, b)
    gw, gb = model.gradients(X, y, w, b, l2=0.4)
    np.testing.assert_allclose(gw, gw0 + 0.4 * w, rtol=1e-14)
    assert gb == gb0


# --- gradient vs finite differences ------------------------------------------------------------


def five_point(f, x: float, h: float) -> float:
    return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)


@pytest.mark.parametrize("l2", [0.0, 0.7])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_five_point_finite_differences(seed, l2):
    X, y, w, b = random_problem(seed, n=80, d=3)
    gw, gb = model.gradients(X, y, w, b, l2)
    h = 1e-3
    for j in range(len(w)):

        def f(t, j=j):
            w2 = w.copy()
            w2[j] = t
            return model.loss(X, y, w2, b, l2)

        assert five_point(f, w[j], h) == pytest.approx(gw[j], rel=1e-7, abs=1e-9)
    fd_b = five_point(lambda t: model.loss(X, y, w, t, l2), b, h)
    assert fd_b == pytest.approx(gb, rel=1e-7, abs=1e-9)


# --- predict / accuracy -------------------------------------------------------------------------


def test_predict_is_class_one_only_where_z_positive():
    X = np.array([[1.0], [0.0], [-1.0], [1e-300]])
    w, b = np.array([1.0]), 0.0
    np.testing.assert_array_equal(model.predict(X, w, b), [1.0, 0.0, 0.0, 1.0])
    # z = 0 exactly is class 0, so at zero weights every label-0 sample is right
    y = np.array([1.0, 0.0, 1.0, 0.0])
    assert model.accuracy(X, y, np.zeros(1), 0.0) == 0.5
    assert model.accuracy(X, y, w, b) == 0.5
    assert model.accuracy(X, 1.0 - y, w, b) == 0.5
    assert model.accuracy(X, np.array([1.0, 0.0, 0.0, 1.0]), w, b) == 1.0


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 40),
    st.integers(1, 4),
    st.floats(-5, 5),
)
def test_predict_and_accuracy_agree_with_sign_of_logit(seed, n, d, b):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * 3
    w = rng.randn(d)
    y = rng.randint(0, 2, size=n).astype(float)
    z = X @ w + b
    pred = model.predict(X, w, b)
    np.testing.assert_array_equal(pred, (z > 0).astype(float))
    assert pred.shape == (n,)
    assert model.accuracy(X, y, w, b) == pytest.approx(np.mean((z > 0) == (y == 1)), abs=0)
