"""logreg.train: the gradient-descent generator and its snapshots."""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import logreg
from logreg import model
from logreg.data import make_synthetic
from logreg.kernel import BLOCK
from logreg.train import Snapshot, _snapshot, initial_parameters, train

SEED_004 = [0.6931, 0.5710, 0.4932, 0.4403, 0.4019, 0.3726, 0.3495, 0.3305, 0.3147, 0.3013]
RTOL, ATOL = 1e-10, 1e-12


def run(X, y, **kwargs) -> list[Snapshot]:
    kwargs.setdefault("learning_rate", 0.1)
    kwargs.setdefault("epochs", 10)
    return list(train(X, y, **kwargs))


def assert_matches_model(s: Snapshot, X, y, l2=0.0):
    """Every number of a snapshot equals the plain model functions at its (w, b)."""
    np.testing.assert_allclose(s.loss, model.loss(X, y, s.w, s.b), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(s.objective, model.loss(X, y, s.w, s.b, l2), rtol=RTOL, atol=ATOL)
    gw, gb = model.gradients(X, y, s.w, s.b, l2)
    np.testing.assert_allclose(s.gradient_w, gw, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(s.gradient_b, gb, rtol=RTOL, atol=ATOL)
    assert s.accuracy == model.accuracy(X, y, s.w, s.b)


def assert_same_history(a: list[Snapshot], b: list[Snapshot]):
    assert len(a) == len(b)
    for s, t in zip(a, b):
        for f in dataclasses.fields(Snapshot):
            u, v = getattr(s, f.name), getattr(t, f.name)
            if isinstance(u, np.ndarray):
                assert np.array_equal(u, v), f.name
            else:
                assert u == v, f.name


def all_finite(s: Snapshot) -> bool:
    values = [s.loss, s.objective, s.accuracy, s.b, s.gradient_b, *s.w, *s.gradient_w]
    return bool(np.all(np.isfinite(values)))


# --- per-sample references ----------------------------------------------------------------------


def ref_sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def ref_gradient(X, y, w, b, l2=0.0):
    n, d = X.shape
    gw, gb = [0.0] * d, 0.0
    for i in range(n):
        z = b + sum(float(X[i, j]) * float(w[j]) for j in range(d))
        r = ref_sigmoid(z) - float(y[i])
        for j in range(d):
            gw[j] += r * float(X[i, j])
        gb += r
    return [g / n + l2 * float(v) for g, v in zip(gw, w)], gb / n


def ref_gd_step(X, y, w, b, lr, l2=0.0):
    gw, gb = ref_gradient(X, y, w, b, l2)
    return np.array([float(v) - lr * g for v, g in zip(w, gw)]), float(b) - lr * gb


@pytest.fixture(scope="module")
def seed0():
    return make_synthetic(n=1000, true_w=(2.0, -3.0), bias=0.5, seed=0)


# --- the seed 004 table -------------------------------------------------------------------------


def test_seed_004_table(seed0):
    history = list(train(seed0.X, seed0.y, learning_rate=0.1, epochs=100, init="zeros"))
    assert len(history) == 101
    assert [round(history[e].loss, 4) for e in range(0, 100, 10)] == SEED_004
    assert [s.epoch for s in history] == list(range(101))
    assert history[-1].loss < history[90].loss
    assert not any(s.diverged for s in history)


def test_snapshot_zero_is_the_start_and_epochs_plus_one_snapshots(seed0):
    for epochs in (0, 1, 7):
        history = run(seed0.X, seed0.y, epochs=epochs, init="ones")
        assert len(history) == epochs + 1
        np.testing.assert_array_equal(history[0].w, [1.0, 1.0])
        assert history[0].b == 0.0
        assert history[0].epoch == 0


# --- every snapshot equals the model functions --------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 0.05, 2.0])
@pytest.mark.parametrize("init", ["zeros", "ones", "random"])
def test_snapshots_equal_model_functions(seed0, l2, init):
    history = run(seed0.X, seed0.y, learning_rate=0.5, epochs=15, l2=l2, init=init, seed=4)
    for s in history:
        assert_matches_model(s, seed0.X, seed0.y, l2)
    # at zero weights every logit ties at 0: class 0 is predicted, so accuracy = share of label 0
    if init == "zeros":
        assert history[0].accuracy == np.mean(seed0.y == 0)
        assert history[0].loss == pytest.approx(math.log(2), rel=1e-15)


@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_snapshots_equal_model_functions_with_n_larger_than_the_block(l2):
    n = BLOCK + BLOCK // 2 + 1  # odd, spans two blocks, the last one partial
    data = make_synthetic(n=n, seed=11, labels="logistic", flip=0.1, scale=(3.0, 0.5), shift=(1.0, -2.0))
    history = run(data.X, data.y, learning_rate=0.3, epochs=3, l2=l2, init="zeros")
    assert len(history) == 4
    for s in history:
        assert_matches_model(s, data.X, data.y, l2)


def test_confident_model_loss_is_accurate_and_never_negative():
    """A loss summed as (Σlog1p(e) + (Σ|u| − Σu)/2)/n cancels catastrophically when every margin u is
    large: an earlier version of the kernel gave −7.6e-6 here (and −9e-8 at weights ×1e8), where the
    loss is 0. The loss must stay ≥ 0 and match model.loss."""
    failures = []
    # reached by training itself: two points, features ×1e5, η = 10 (loss −7.6e-6 at epoch 2)
    data = make_synthetic(n=2, bias=-10.0, seed=1, scale=(1e5, 1e5))
    for s in run(data.X, data.y, learning_rate=10.0, epochs=40, init="random", seed=2):
        expected = model.loss(data.X, data.y, s.w, s.b)
        if s.loss < 0 or abs(s.loss - expected) > ATOL + RTOL * expected:
            failures.append(("train", s.epoch, s.loss, expected))
    # a confident start on the tutorial data
    data = make_synthetic(n=1000, seed=1)
    for k in (1e2, 1e4, 1e8):
        w, b = np.array([2.0, -3.0]) * k, 0.5 * k
        (s,) = run(data.X, data.y, epochs=0, init=(w, b))
        expected = model.loss(data.X, data.y, w, b)
        if s.loss < 0 or abs(s.loss - expected) > ATOL + RTOL * expected:
            failures.append(("start", k, s.loss, expected))
    assert not failures


# --- an epoch is one gradient-descent step -------------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_epoch_equals_per_sample_gradient_descent_step(l2):
    data = make_synthetic(n=150, seed=3, labels="logistic")
    lr = 0.7
    history = run(data.X, data.y, learning_rate=lr, epochs=8, l2=l2, init="random", seed=2)
    for before, after in zip(history, history[1:]):
        w, b = ref_gd_step(data.X, data.y, before.w, before.b, lr, l2)
        np.testing.assert_allclose(after.w, w, rtol=RTOL, atol=ATOL)
        assert after.b == pytest.approx(b, rel=RTOL, abs=ATOL)
        assert after.epoch == before.epoch + 1


def test_whole_run_equals_per_sample_loop_from_the_start(seed0):
    lr = 0.1
    history = run(seed0.X[:200], seed0.y[:200], learning_rate=lr, epochs=20)
    w, b = np.zeros(2), 0.0
    for s in history:
        np.testing.assert_allclose(s.w, w, rtol=1e-9, atol=1e-12)
        assert s.b == pytest.approx(b, rel=1e-9, abs=1e-12)
        w, b = ref_gd_step(seed0.X[:200], seed0.y[:200], w, b, lr)


# --- initialisation -----------------------------------------------------------------------------


def test_init_ones_zeros_random_and_explicit(seed0):
    X, y = seed0.X, seed0.y
    s = run(X, y, epochs=0, init="zeros")[0]
    np.testing.assert_array_equal(s.w, [0.0, 0.0]) and s.b == 0.0
    s = run(X, y, epochs=0, init="ones")[0]
    np.testing.assert_array_equal(s.w, [1.0, 1.0])
    assert s.b == 0.0
    a = run(X, y, epochs=0, init="random", seed=9)[0]
    b = run(X, y, epochs=0, init="random", seed=9)[0]
    c = run(X, y, epochs=0, init="random", seed=10)[0]
    expected = np.random.RandomState(9).standard_normal(3)
    np.testing.assert_array_equal(a.w, expected[:2])
    assert a.b == expected[2]
    np.testing.assert_array_equal(a.w, b.w)
    assert a.b == b.b
    assert not np.array_equal(a.w, c.w)
    e = run(X, y, epochs=0, init=([0.25, -4.0], 1.5))[0]
    np.testing.assert_array_equal(e.w, [0.25, -4.0])
    assert e.b == 1.5
    e = run(X, y, epochs=0, init=(np.array([[3.0], [2.0]]), np.float32(0.5)))[0]  # any shape of d numbers
    np.testing.assert_array_equal(e.w, [3.0, 2.0])
    assert e.b == 0.5


def test_explicit_init_is_not_mutated(seed0):
    w0 = np.array([0.5, 0.5])
    history = run(seed0.X, seed0.y, epochs=5, init=(w0, 0.0))
    np.testing.assert_array_equal(w0, [0.5, 0.5])
    assert not np.array_equal(history[-1].w, w0)


def test_initial_parameters_directly():
    rng = np.random.RandomState(0)
    w, b = initial_parameters("random", 4, rng)
    assert w.shape == (4,) and isinstance(b, float)
    with pytest.raises(ValueError, match="init"):
        initial_parameters("xavier", 2, rng)


# --- loss threshold -----------------------------------------------------------------------------


def test_loss_threshold_stops_at_the_first_snapshot_at_or_below_it(seed0):
    full = run(seed0.X, seed0.y, epochs=100)
    for threshold in (0.4, 0.35, 0.5):
        history = run(seed0.X, seed0.y, epochs=100, loss_threshold=threshold)
        first = next(s.epoch for s in full if s.loss <= threshold)
        assert history[-1].epoch == first
        assert history[-1].loss <= threshold
        assert all(s.loss > threshold for s in history[:-1])
        assert_same_history(history, full[: first + 1])
    # a threshold exactly equal to a snapshot's loss stops there ("at or below")
    exact = full[25].loss
    assert full[24].loss > exact
    assert run(seed0.X, seed0.y, epochs=100, loss_threshold=exact)[-1].epoch == 25


def test_loss_threshold_met_at_the_start_or_never(seed0):
    assert [s.epoch for s in run(seed0.X, seed0.y, epochs=50, loss_threshold=0.7)] == [0]
    history = run(seed0.X, seed0.y, epochs=30, loss_threshold=0.01)
    assert len(history) == 31


# --- batches ------------------------------------------------------------------------------------


def test_full_batch_sizes_give_identical_histories(seed0):
    n = seed0.n
    sizes = (None, n, n + 1, 10**9)
    histories = [run(seed0.X, seed0.y, epochs=12, batch_size=bs, init="random", seed=1) for bs in sizes]
    for h in histories[1:]:
        assert_same_history(histories[0], h)


@pytest.mark.parametrize("init", ["zeros", "random"])
@pytest.mark.parametrize("l2", [0.0, 0.2])
def test_sgd_batch_size_1_equals_hand_written_loop(init, l2):
    data = make_synthetic(n=37, seed=4, labels="logistic")
    X, y = data.X, data.y
    lr, seed, epochs = 0.3, 17, 4
    history = run(X, y, learning_rate=lr, epochs=epochs, batch_size=1, init=init, seed=seed, l2=l2)
    rng = np.random.RandomState(seed)
    if init == "random":
        theta = rng.standard_normal(3)
        w, b = [float(theta[0]), float(theta[1])], float(theta[2])
    else:
        w, b = [0.0, 0.0], 0.0
    np.testing.assert_allclose(history[0].w, w, rtol=0, atol=0)
    for s in history[1:]:
        for i in rng.permutation(37):
            z = float(X[i, 0]) * w[0] + float(X[i, 1]) * w[1] + b
            r = ref_sigmoid(z) - float(y[i])
            w = [w[j] - lr * (r * float(X[i, j]) + l2 * w[j]) for j in range(2)]
            b = b - lr * r
        np.testing.assert_allclose(s.w, w, rtol=1e-10, atol=1e-12)
        assert s.b == pytest.approx(b, rel=1e-10, abs=1e-12)
        assert_matches_model(s, X, y, l2)


def test_mini_batches_equal_a_numpy_loop():
    data = make_synthetic(n=50, seed=2)
    X, y = data.X, data.y
    history = run(X, y, learning_rate=0.5, epochs=3, batch_size=7, seed=5)
    rng = np.random.RandomState(5)
    w, b = np.zeros(2), 0.0
    for s in history[1:]:
        order = rng.permutation(50)
        for start in range(0, 50, 7):
            idx = order[start : start + 7]
            gw, gb = ref_gradient(X[idx], y[idx], w, b)
            w, b = w - 0.5 * np.array(gw), b - 0.5 * gb
        np.testing.assert_allclose(s.w, w, rtol=1e-10, atol=1e-12)
        assert s.b == pytest.approx(b, rel=1e-10, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([None, 1, 3, 16]),
    st.sampled_from(["zeros", "ones", "random"]),
    st.floats(1e-3, 5.0),
)
def test_same_seed_same_history(seed, batch_size, init, lr):
    data = make_synthetic(n=40, seed=seed % 1000, labels="logistic")
    kwargs = dict(learning_rate=lr, epochs=6, batch_size=batch_size, init=init, seed=seed)
    assert_same_history(run(data.X, data.y, **kwargs), run(data.X, data.y, **kwargs))


def test_different_seed_different_shuffle():
    data = make_synthetic(n=40, seed=0, labels="logistic")
    a = run(data.X, data.y, epochs=2, batch_size=4, seed=1)
    b = run(data.X, data.y, epochs=2, batch_size=4, seed=2)
    assert not np.array_equal(a[-1].w, b[-1].w)


# --- descent ------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 60),
    st.integers(1, 3),
    st.sampled_from([0.0, 0.01, 0.5, 3.0]),
    st.floats(0.05, 1.0),
    st.sampled_from(["zeros", "ones", "random"]),
)
def test_objective_never_increases_below_one_over_l(seed, n, d, l2, fraction, init):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * rng.uniform(0.1, 20, size=d) + rng.uniform(-5, 5, size=d)
    y = rng.randint(0, 2, size=n).astype(float)
    lr = fraction / logreg.lipschitz(X, l2)
    history = run(X, y, learning_rate=lr, epochs=30, l2=l2, init=init, seed=seed)
    objectives = np.array([s.objective for s in history])
    slack = 1e-13 * np.maximum(1.0, np.abs(objectives[:-1]))
    assert np.all(np.diff(objectives) <= slack), objectives


# --- extreme settings ---------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [1e-3, 1.0, 10.0, 1000.0])
@pytest.mark.parametrize("scale", [(1.0, 1.0), (1e5, 1e5), (1e5, 1e-2)])
@pytest.mark.parametrize("n", [1, 2, 5000])
@pytest.mark.parametrize("bias", [-10.0, 10.0])
def test_extreme_settings_stay_finite_without_warnings(lr, scale, n, bias):
    data = make_synthetic(n=n, bias=bias, seed=1, scale=scale)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = run(data.X, data.y, learning_rate=lr, epochs=40, init="random", seed=2)
    assert len(history) == 41
    for s in history:
        assert all_finite(s)
        assert not s.diverged
        assert 0.0 <= s.accuracy <= 1.0
    # (the loss itself is checked in test_confident_model_loss_is_accurate_and_never_negative)


def test_huge_learning_rate_reports_divergence_without_warnings():
    data = make_synthetic(n=200, seed=0, scale=(1e5, 1e5))
    for lr in (1e200, 1e300, 1e308):
        for batch_size in (None, 10):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                history = run(data.X, data.y, learning_rate=lr, epochs=20, init="ones", batch_size=batch_size)
            assert history[-1].diverged
            assert len(history) < 21
            assert not any(s.diverged for s in history[:-1])
            assert all(all_finite(s) for s in history)


def test_finite_numbers_whose_sum_overflows_are_still_finite():
    # the finiteness check adds the snapshot's numbers first; here loss and b are each 1.5e308, finite,
    # and their sum is not, so only the term-by-term check can tell the snapshot is fine
    X, y = np.array([[0.0]]), np.array([0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        start, last = run(X, y, learning_rate=1e-300, epochs=1, init=([0.0], 1.5e308))
    assert start.loss == start.b == 1.5e308 and start.gradient_b == 1.0 and not start.diverged
    assert all_finite(start) and all_finite(last) and last.epoch == 1


def test_non_finite_start_is_refused_lazily_with_value_error(seed0):
    history = train(seed0.X, seed0.y, learning_rate=0.1, epochs=3, init=([1e200, 1e200], 0.0), l2=1.0)
    with pytest.raises(ValueError, match="start"):
        next(history)


# --- validation ---------------------------------------------------------------------------------


X_OK = np.random.RandomState(0).randn(6, 2)
Y_OK = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])


@pytest.mark.parametrize(
    ("X", "y", "kwargs", "pattern"),
    [
        (X_OK, Y_OK[:5], {}, r"\by\b.*shape"),
        (X_OK[:, 0], Y_OK, {}, r"\bX\b.*2-D"),
        (np.zeros((0, 2)), np.zeros(0), {}, r"\bX\b"),
        (np.where(np.eye(6, 2) == 1, np.nan, X_OK), Y_OK, {}, r"\bX\b.*finite"),
        (np.where(np.eye(6, 2) == 1, np.inf, X_OK), Y_OK, {}, r"\bX\b.*finite"),
        (X_OK, np.array([0.0, 1.0, 2.0, 1.0, 1.0, 0.0]), {}, r"\by\b.*0 and 1"),
        (X_OK, np.array([0.0, 1.0, 0.5, 1.0, 1.0, 0.0]), {}, r"\by\b.*0 and 1"),
        (X_OK, np.array([0.0, 1.0, np.nan, 1.0, 1.0, 0.0]), {}, r"\by\b.*0 and 1"),
        (X_OK, Y_OK, {"learning_rate": 0.0}, "learning_rate"),
        (X_OK, Y_OK, {"learning_rate": -0.1}, "learning_rate"),
        (X_OK, Y_OK, {"learning_rate": float("nan")}, "learning_rate"),
        (X_OK, Y_OK, {"learning_rate": float("inf")}, "learning_rate"),
        (X_OK, Y_OK, {"epochs": -1}, "epochs"),
        (X_OK, Y_OK, {"epochs": 2.5}, "epochs"),
        (X_OK, Y_OK, {"epochs": True}, "epochs"),
        (X_OK, Y_OK, {"init": "xavier"}, "init"),
        (X_OK, Y_OK, {"init": ([1.0, 2.0, 3.0], 0.0)}, "init"),
        (X_OK, Y_OK, {"init": ([1.0, np.nan], 0.0)}, "init"),
        (X_OK, Y_OK, {"init": ([1.0, 2.0], np.inf)}, "init"),
        (X_OK, Y_OK, {"init": ("ab", 0.0)}, "init"),
        (X_OK, Y_OK, {"init": (1.0, 2.0, 3.0)}, "init"),
        (X_OK, Y_OK, {"init": 5}, "init"),
        (X_OK, Y_OK, {"init": None}, "init"),
        (X_OK, Y_OK, {"l2": -1.0}, "l2"),
        (X_OK, Y_OK, {"l2": float("nan")}, "l2"),
        (X_OK, Y_OK, {"loss_threshold": float("nan")}, "loss_threshold"),
        (X_OK, Y_OK, {"batch_size": 0}, "batch_size"),
        (X_OK, Y_OK, {"batch_size": 2.0}, "batch_size"),
        (X_OK, Y_OK, {"X_test": X_OK}, "X_test and y_test"),
        (X_OK, Y_OK, {"y_test": Y_OK}, "X_test and y_test"),
        (X_OK, Y_OK, {"X_test": X_OK[:, :1], "y_test": Y_OK}, "X_test"),
        (X_OK, Y_OK, {"X_test": X_OK, "y_test": Y_OK + 3}, r"test y"),
        (X_OK, Y_OK, {"X_test": X_OK * np.nan, "y_test": Y_OK}, r"test X"),
    ],
)
def test_validation_errors_name_the_parameter(X, y, kwargs, pattern):
    kwargs = {"learning_rate": 0.1, "epochs": 3, **kwargs}
    with pytest.raises(ValueError, match=pattern):
        train(X, y, **kwargs)  # raised at the call, before any iteration


# --- held-out data and read-only snapshots ------------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 0.5])
def test_test_loss_and_accuracy_equal_model_functions(l2):
    data = make_synthetic(n=300, seed=7, labels="logistic")
    held = make_synthetic(n=111, seed=8, labels="logistic")
    history = run(data.X, data.y, epochs=10, l2=l2, X_test=held.X, y_test=held.y, learning_rate=1.0)
    for s in history:
        assert s.test_loss == pytest.approx(model.loss(held.X, held.y, s.w, s.b), rel=RTOL, abs=ATOL)
        assert s.test_accuracy == model.accuracy(held.X, held.y, s.w, s.b)
    assert history[0].test_accuracy == np.mean(held.y == 0)
    assert all(s.test_loss is None and s.test_accuracy is None for s in run(data.X, data.y, epochs=2))


def test_snapshot_arrays_are_read_only_and_snapshot_frozen(seed0):
    history = run(seed0.X, seed0.y, epochs=3)
    for s in history:
        for a in (s.w, s.gradient_w):
            assert not a.flags.writeable
            with pytest.raises(ValueError):
                a[0] = 123.0
        with pytest.raises(dataclasses.FrozenInstanceError):
            s.loss = 0.0  # type: ignore[misc]
    # snapshots do not share their arrays
    assert not np.shares_memory(history[0].w, history[1].w)


def test_training_does_not_touch_its_inputs():
    rng = np.random.RandomState(0)
    X = rng.randn(30, 2)
    y = (X[:, 0] > 0).astype(float)
    X0, y0 = X.copy(), y.copy()
    run(X, y, epochs=5, batch_size=4, init="random")
    assert np.array_equal(X, X0) and np.array_equal(y, y0)


def test_accepts_lists_and_integer_labels():
    X = [[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [-1.0, -2.0]]
    y = [0, 1, 1, 0]
    history = run(X, y, epochs=3)
    assert_matches_model(history[-1], np.array(X, float), np.array(y, float))


def test_snapshots_are_built_exactly_as_the_dataclass_builds_them():
    w, g = np.array([1.0, 2.0]), np.array([0.5, -0.5])
    fast = _snapshot(3, w, 0.5, 0.25, 0.3, 0.75, g, 0.1, 0.2, 0.6)
    slow = Snapshot(3, w, 0.5, 0.25, 0.3, 0.75, g, 0.1, 0.2, 0.6)
    assert type(fast) is Snapshot
    assert vars(fast) == vars(slow)
    assert list(vars(fast)) == [f.name for f in dataclasses.fields(Snapshot)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.epoch = 4  # type: ignore[misc]


# --- floating-point settings ----------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [None, 3])
def test_the_callers_floating_point_settings_are_left_alone(batch_size):
    """Training runs with NumPy's warnings off (an overflowing exp is expected and handled), but
    only while it computes: between two snapshots the caller's settings are its own."""
    data = make_synthetic(n=20, seed=1, scale=(1e5, 1e5))  # confident mistakes: exp overflows inside
    before = np.geterr()
    history = train(data.X, data.y, learning_rate=1e3, epochs=6, init="random", seed=2, batch_size=batch_size)
    count = 0
    for _ in history:
        count += 1
        assert np.geterr() == before
        with pytest.raises(RuntimeWarning, match="overflow"):  # pytest turns warnings into errors
            np.exp(np.array([1000.0]))
    assert count == 7
    assert np.geterr() == before


# --- gradient descent stays the default, to the bit ----------------------------------------------

# (settings, {epoch: (loss, w, b)}) printed with repr by the code before other optimizers were added
GD_BEFORE_OPTIMIZERS = [
    (
        {},
        {
            1: (0.6224462432160414, [0.07805137847013742, -0.17319280786505525], 0.0425),
            7: (0.43211194799807223, [0.4221967609471933, -0.832259569758134], 0.21195704808977567),
            30: (0.3064967096045609, [1.0142754396295628, -1.7894024435693787], 0.49379901189969094),
        },
    ),
    (
        {"l2": 0.01, "init": "random", "seed": 5},
        {
            1: (0.81574871438837, [0.5023054671739334, -0.4863213924721326], 2.2680142418512346),
            7: (0.4541681159695095, [0.770749904967416, -1.1673806515974072], 1.5286492562821528),
            30: (0.29661380708371765, [1.1263218401205504, -1.9306596156679472], 0.7637827131986243),
        },
    ),
    (
        {"batch_size": 16, "seed": 2},
        {
            1: (0.37363523952610467, [0.6351645661901771, -1.1961471073264358], 0.19907495038853978),
            7: (0.2678816509013323, [1.5561987090151717, -2.6228360221530798], 0.798193131962074),
            30: (0.25822485485363317, [2.0202062165739076, -3.481520122250049], 1.033927634355239),
        },
    ),
]


@pytest.mark.parametrize("settings_, expected", GD_BEFORE_OPTIMIZERS, ids=["full", "l2-random", "mini-batch"])
@pytest.mark.parametrize("optimizer", [None, "gd", logreg.Optimizer.GD])
def test_the_default_is_gradient_descent_bit_for_bit_as_before_other_optimizers(settings_, expected, optimizer):
    data = make_synthetic(n=200, true_w=(2.0, -3.0), bias=0.5, seed=3, labels="logistic")
    chosen = {} if optimizer is None else {"optimizer": optimizer}
    history = run(data.X, data.y, learning_rate=0.5, epochs=30, **settings_, **chosen)
    for epoch, (loss, w, b) in expected.items():
        s = history[epoch]
        assert (s.loss, s.w.tolist(), s.b) == (loss, w, b)
        assert (s.no_minimum, s.halvings) == (False, 0)
