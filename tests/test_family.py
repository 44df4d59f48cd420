"""logreg.family: every learning rate at once, each run bit for bit the run `train` gives."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg import model
from logreg.app.settings import LR_OPTIONS
from logreg.data import make_synthetic, split
from logreg.family import FamilyPass, train_family
from logreg.kernel import Pass
from logreg.train import train

ROOT = Path(__file__).resolve().parents[1]
RTOL, ATOL = 1e-12, 1e-14
FIELDS = ("epoch", "b", "loss", "objective", "accuracy", "gradient_b", "test_loss", "test_accuracy", "diverged")


def evaluate(p: FamilyPass, thetas) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with np.errstate(all="ignore"):  # exp overflows on confident mistakes; the pass patches it
        return p.evaluate(np.asarray(thetas, dtype=float))


def assert_same_run(got, expected):
    """Bit for bit: every field of every snapshot equal, arrays read-only as train's."""
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        for name in FIELDS:
            assert getattr(a, name) == getattr(b, name), (name, a.epoch)
        for name in ("w", "gradient_w"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), (name, a.epoch)
            assert not getattr(a, name).flags.writeable


def assert_family_is_train(X, y, rates, **kw):
    family = train_family(X, y, learning_rates=rates, **kw)
    for k, rate in enumerate(rates):
        assert_same_run(family.snapshots(k), list(train(X, y, learning_rate=rate, **kw)))
    return family


@pytest.fixture(scope="module")
def default_data():
    return make_synthetic(n=1000, true_w=(2.0, -3.0), bias=0.5, seed=0)


# --- the kernel: hand values, the model's functions, extreme logits ------------------------------


def test_hand_values_of_one_sample_at_many_weights():
    # one sample x = 1, label 1, at w = 0, −1000 (ℓ = |z|), −400·2 (e^800 overflows), 40, 1000
    p = FamilyPass(np.array([[1.0]]), np.array([1.0]))
    loss, accuracy, gradient = evaluate(p, [[0.0, 0.0], [-1000.0, 0.0], [-800.0, 0.0], [40.0, 0.0], [1000.0, 0.0]])
    expected = [math.log(2), 1000.0, 800.0, math.exp(-40.0), 0.0]
    np.testing.assert_allclose(loss, expected, rtol=1e-15, atol=0)
    np.testing.assert_allclose(gradient[:, 1], [-0.5, -1.0, -1.0, -math.exp(-40.0), 0.0], rtol=1e-15, atol=0)
    np.testing.assert_array_equal(gradient[:, 0], gradient[:, 1])  # ∂ℓ/∂w = (σ(z) − y)·x with x = 1
    np.testing.assert_array_equal(accuracy, [0.0, 0.0, 0.0, 1.0, 1.0])  # z = 0 is class 0


@pytest.mark.parametrize("exact", [True, False])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_row_equals_the_model_with_extreme_logits(seed, exact):
    rng = np.random.RandomState(seed)
    X = rng.randn(60, 2) * [1.0, 3.0]
    X[:4] = [[-900.0, 0.0], [800.0, 1.0], [-750.0, -1.0], [0.0, 0.0]]  # |z| > 709 at w = (1, 0): e^(−u) overflows
    y = (rng.random_sample(60) < 0.5).astype(float)
    y[:3] = [1.0, 0.0, 1.0]  # each of the three wrong by more than 709
    thetas = np.vstack([[1.0, 0.0, 0.0], np.zeros(3), rng.randn(5, 3) * 3, [-1.0, 0.0, 0.0]])
    loss, accuracy, gradient = evaluate(FamilyPass(X, y, exact=exact), thetas)
    assert loss[0] > (900 + 800 + 750) / 60
    for k, (w1, w2, b) in enumerate(thetas):
        w = np.array([w1, w2])
        assert loss[k] == pytest.approx(model.loss(X, y, w, b), rel=RTOL, abs=ATOL)
        gw, gb = model.gradients(X, y, w, b)
        np.testing.assert_allclose(gradient[k], [*gw, gb], rtol=RTOL, atol=ATOL)
        assert accuracy[k] == model.accuracy(X, y, w, b)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.integers(1, 4), st.integers(1, 25))
def test_exact_rows_equal_pass_bit_for_bit(seed, n, d, k):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * rng.uniform(0.1, 10, size=d)
    y = rng.randint(0, 2, size=n).astype(float)
    thetas = rng.randn(k, d + 1) * rng.choice([1.0, 100.0, 1000.0], size=(k, 1))
    loss, accuracy, gradient = evaluate(FamilyPass(X, y), thetas)
    one = Pass(X, y)
    for row, theta in enumerate(thetas):
        with np.errstate(all="ignore"):
            expected = one.evaluate(theta.tolist())
        assert (loss[row], accuracy[row], gradient[row].tolist()) == expected


def test_buffers_grow_and_leave_no_trace():
    rng = np.random.RandomState(4)
    X, y = rng.randn(30, 2), (rng.random_sample(30) < 0.5).astype(float)
    p = FamilyPass(X, y)
    first = evaluate(p, [[0.3, -2.0, 0.1]])
    evaluate(p, rng.randn(9, 3) * 1e4)  # more runs than before, overflow patched
    again = evaluate(p, [[0.3, -2.0, 0.1]])
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)


# --- the family is train's runs, bit for bit ------------------------------------------------------


@pytest.mark.parametrize(
    "settings_",
    [
        {},
        {"l2": 0.1},
        {"loss_threshold": 0.3},
        {"init": "random", "seed": 3},
        {"init": "ones", "l2": 0.01},
        {"init": ([0.5, -0.5], 0.25)},
    ],
    ids=["default", "l2", "stop", "random", "ones", "explicit"],
)
def test_every_rate_equals_train(default_data, settings_):
    family = assert_family_is_train(default_data.X, default_data.y, LR_OPTIONS, epochs=100, **settings_)
    if "loss_threshold" in settings_:
        assert family.stopped.any() and (family.epochs < 100).any()
        assert np.all(family.loss[np.arange(19), family.epochs][family.stopped] <= 0.3)


def test_logistic_labels_equal_train_where_a_near_miss_would_not():
    """Labels drawn at random: large rates oscillate, and a last-bit difference grows to 1e-9 in
    100 epochs (the one-product kernel's would); the family's runs stay bit for bit train's."""
    data = make_synthetic(n=1000, seed=0, labels="logistic")
    assert_family_is_train(data.X, data.y, LR_OPTIONS, epochs=100)


def test_test_data_and_mini_batches(default_data):
    train_part, test_part = split(default_data, 0.2, seed=0)
    extra = dict(X_test=test_part.X, y_test=test_part.y)
    family = assert_family_is_train(train_part.X, train_part.y, LR_OPTIONS, epochs=60, **extra)
    assert family.test_loss.shape == family.loss.shape and family.test_accuracy is not None
    assert_family_is_train(default_data.X, default_data.y, LR_OPTIONS, epochs=20, batch_size=16, seed=2)


def test_divergent_rates_end_where_train_ends():
    data = make_synthetic(n=1000, seed=0, scale=(100.0, 100.0))
    family = assert_family_is_train(data.X, data.y, LR_OPTIONS, epochs=100, l2=1.0)
    assert family.diverged[-1] and family.epochs[-1] < 100  # η = 100 leaves the floats
    assert not family.diverged[0]
    assert np.all(family.epochs[family.diverged] < 100)


def test_batched_false_and_batched_give_the_same_family(default_data):
    kw = dict(learning_rates=(0.1, 20.0, 100.0), epochs=30, loss_threshold=0.05)
    a = train_family(default_data.X, default_data.y, **kw)
    b = train_family(default_data.X, default_data.y, batched=False, **kw)
    for name in ("rates", "epochs", "w", "b", "loss", "objective", "accuracy", "gradient_w", "gradient_b"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(a.diverged, b.diverged) and np.array_equal(a.stopped, b.stopped)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(2, 40),
    st.lists(st.sampled_from(LR_OPTIONS), min_size=1, max_size=6),
    st.sampled_from([0.0, 0.1]),
    st.sampled_from([None, 0.2]),
)
def test_random_small_families_equal_train(seed, n, rates, l2, stop):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 2) * rng.choice([1.0, 30.0])
    y = rng.randint(0, 2, size=n).astype(float)
    assert_family_is_train(X, y, rates, epochs=15, l2=l2, loss_threshold=stop, init="random", seed=seed % 7)


# --- the Family value ------------------------------------------------------------------------------


def test_runs_are_padded_with_their_last_snapshot_and_read_only(default_data):
    family = train_family(default_data.X, default_data.y, learning_rates=(0.1, 10.0), epochs=50, loss_threshold=0.1)
    assert family.stopped.tolist() == [False, True] and family.epochs[0] == 50 and family.epochs[1] < 50
    last = family.epochs[1]
    assert family.loss.shape == (2, 51) and family.w.shape == (2, 51, 2)
    assert np.all(family.loss[1, last:] == family.loss[1, last]) and np.all(family.w[1, last:] == family.w[1, last])
    for array in (family.rates, family.epochs, family.w, family.loss, family.diverged, family.stopped):
        assert not array.flags.writeable
    assert family.test_loss is None and family.test_accuracy is None
    assert len(family.snapshots(1)) == last + 1


def test_between_epochs_is_called_and_may_stop_the_work(default_data):
    calls = []
    train_family(
        default_data.X, default_data.y, learning_rates=(0.1, 1.0), epochs=7, between_epochs=lambda: calls.append(1)
    )
    assert len(calls) == 7  # after every epoch of the family

    def leave():
        raise RuntimeError("the viewer has gone")

    with pytest.raises(RuntimeError, match="viewer"):
        train_family(default_data.X, default_data.y, learning_rates=(0.1,), epochs=7, between_epochs=leave)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"learning_rates": ()}, "learning_rates"),
        ({"learning_rates": (0.1, -1.0)}, "learning_rates"),
        ({"learning_rates": (0.1, math.inf)}, "learning_rates"),
        ({"learning_rates": (0.1,), "epochs": -1}, "epochs"),
        ({"learning_rates": (0.1,), "init": "twos"}, "init"),
    ],
)
def test_bad_settings_are_refused(default_data, kw, message):
    with pytest.raises(ValueError, match=message):
        train_family(default_data.X, default_data.y, **{"epochs": 5, **kw})


def test_a_start_with_a_non_finite_loss_is_refused():
    X, y = np.array([[1.0], [2.0]]), np.array([0.0, 1.0])
    with pytest.raises(ValueError, match="starting parameters"):
        train_family(X, y, learning_rates=(0.1, 1.0), epochs=3, init=([1e308], 1e308), l2=1.0)


def test_benchmark_script_runs():
    script = ROOT / "benchmarks" / "bench_family.py"
    result = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "separate/family" in result.stdout and "whole family" in result.stdout
