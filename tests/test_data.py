"""logreg.data: the synthetic generator of the tutorials and the seeded split."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import logreg
from logreg.data import Dataset, make_synthetic, split


def global_state_equal(a, b) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and tuple(a[2:]) == tuple(b[2:])


def test_seed_0_is_the_tutorial_bit_for_bit():
    saved = np.random.get_state()
    try:
        np.random.seed(0)
        X_ref = np.random.randn(1000, 2)
        y_ref = (1 / (1 + np.exp(-(X_ref @ np.array([2.0, -3.0]) + 0.5))) > 0.5).astype(float)
    finally:
        np.random.set_state(saved)
    data = make_synthetic(n=1000, true_w=(2, -3), bias=0.5, seed=0)
    assert data.X.dtype == np.float64 and data.y.dtype == np.float64
    assert data.X.shape == (1000, 2) and data.y.shape == (1000,)
    assert np.array_equal(data.X, X_ref)  # bit for bit
    assert np.array_equal(data.y, y_ref)
    assert data.X.tobytes() == X_ref.tobytes()
    assert 0 < data.y.sum() < 1000
    np.testing.assert_array_equal(data.true_w, [2.0, -3.0])
    assert data.true_b == 0.5
    # the defaults are the tutorial's
    default = make_synthetic()
    assert np.array_equal(default.X, X_ref) and np.array_equal(default.y, y_ref)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"labels": "logistic"}, {"flip": 0.2}, {"labels": "logistic", "flip": 0.1, "seed": 5}],
)
def test_global_random_state_untouched(kwargs):
    saved = np.random.get_state()
    try:
        np.random.seed(12345)
        np.random.random_sample(7)  # some position in the stream that is not the start
        before = np.random.get_state()
        make_synthetic(n=300, **kwargs)
        after = np.random.get_state()
        assert global_state_equal(before, after)
        # and the next global draw is what it would have been
        expected_next = np.random.RandomState()
        expected_next.set_state(before)
        assert np.random.random_sample() == expected_next.random_sample()
    finally:
        np.random.set_state(saved)


def test_arrays_are_read_only():
    data = make_synthetic(n=10)
    for a in (data.X, data.y, data.true_w):
        assert not a.flags.writeable
        with pytest.raises(ValueError):
            a[0] = 1.0
    assert data.n == 10


def test_same_seed_same_data_and_different_seed_differs():
    a, b, c = make_synthetic(n=50, seed=3), make_synthetic(n=50, seed=3), make_synthetic(n=50, seed=4)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


def test_threshold_labels_are_sign_of_true_logit():
    data = make_synthetic(n=500, true_w=(1.0, 1.0), bias=-0.3, seed=2)
    z = data.X @ np.array([1.0, 1.0]) - 0.3
    np.testing.assert_array_equal(data.y, (z > 0).astype(float))
    assert set(np.unique(data.y)) == {0.0, 1.0}


def test_logistic_labels_recover_the_true_weights():
    data = make_synthetic(n=50_000, true_w=(2.0, -3.0), bias=0.5, seed=1, labels="logistic")
    best = logreg.optimum(data.X, data.y)
    assert best.exists
    np.testing.assert_allclose(best.w, [2.0, -3.0], atol=0.15)
    assert best.b == pytest.approx(0.5, abs=0.08)
    # threshold labels of the same points are not the same labels: logistic ones are noisy
    threshold = make_synthetic(n=50_000, seed=1)
    disagree = np.mean(threshold.y != data.y)
    assert 0.05 < disagree < 0.3


def test_logistic_labels_have_the_model_frequency():
    # with w = 0 every label is Bernoulli(σ(bias))
    data = make_synthetic(n=40_000, true_w=(0.0, 0.0), bias=1.0, seed=8, labels="logistic")
    assert data.y.mean() == pytest.approx(1 / (1 + np.exp(-1.0)), abs=0.01)


@pytest.mark.parametrize("flip", [0.05, 0.2, 0.5])
@pytest.mark.parametrize("labels", ["threshold", "logistic"])
def test_flip_fraction_is_roughly_right(flip, labels):
    clean = make_synthetic(n=20_000, seed=6, labels=labels)
    noisy = make_synthetic(n=20_000, seed=6, labels=labels, flip=flip)
    assert np.array_equal(clean.X, noisy.X)  # flipping changes labels only
    assert np.mean(clean.y != noisy.y) == pytest.approx(flip, abs=0.015)


def test_flip_zero_changes_nothing():
    a, b = make_synthetic(n=200, seed=1, flip=0.0), make_synthetic(n=200, seed=1)
    assert np.array_equal(a.y, b.y)


@pytest.mark.parametrize(
    ("scale", "shift"),
    [((10.0, 0.1), (0.0, 0.0)), ((1.0, 1.0), (5.0, -3.0)), ((1e5, 2.0), (-40.0, 1e3)), ((0.01, 300.0), (7.0, 7.0))],
)
def test_scale_and_shift_keep_the_labels_and_the_true_boundary(scale, shift):
    base = make_synthetic(n=2000, seed=0)
    moved = make_synthetic(n=2000, seed=0, scale=scale, shift=shift)
    np.testing.assert_allclose(moved.X, base.X * np.array(scale) + np.array(shift), rtol=1e-15)
    assert np.array_equal(moved.y, base.y)
    np.testing.assert_allclose(moved.true_w, np.array([2.0, -3.0]) / np.array(scale), rtol=1e-15)
    # the true (w, b) in shown units put every point on the same side as before
    z_shown = moved.X @ moved.true_w + moved.true_b
    z_base = base.X @ np.array([2.0, -3.0]) + 0.5
    clear = np.abs(z_base) > 1e-6 * (1 + np.abs(moved.X @ moved.true_w).max())
    assert clear.mean() > 0.99
    np.testing.assert_array_equal((z_shown[clear] > 0).astype(float), moved.y[clear])
    np.testing.assert_allclose(z_shown, z_base, atol=1e-9 * (1 + np.abs(moved.X @ moved.true_w).max()))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n": 0}, "n"),
        ({"n": -5}, "n"),
        ({"n": 10.0}, "n"),
        ({"n": "100"}, "n"),
        ({"labels": "gaussian"}, "labels"),
        ({"flip": 0.6}, "flip"),
        ({"flip": -0.1}, "flip"),
        ({"flip": float("nan")}, "flip"),
        ({"scale": (0.0, 1.0)}, "scale"),
        ({"scale": (-1.0, 1.0)}, "scale"),
        ({"scale": (1.0, float("inf"))}, "scale"),
        ({"scale": (1.0, 2.0, 3.0)}, "scale"),
        ({"shift": (float("nan"), 0.0)}, "shift"),
        ({"shift": (1.0,)}, "shift"),
        ({"true_w": (1.0, 2.0, 3.0)}, "true_w"),
        ({"true_w": (float("inf"), 2.0)}, "true_w"),
        ({"bias": float("nan")}, "bias"),
        ({"seed": -1}, "seed"),
        # finite arguments whose products overflow
        ({"scale": (1e308, 1e308)}, "scale"),
        ({"scale": (1e-308, 1.0)}, "scale"),
        ({"shift": (1e308, 0.0)}, "shift"),
        ({"true_w": (1e308, 1e308)}, "true_w"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_parameter(kwargs, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ValueError, not a RuntimeWarning on the way
        with pytest.raises(ValueError) as info:
            make_synthetic(**kwargs)
    message = str(info.value)
    assert message
    assert name.lower() in message.lower()


# --- split --------------------------------------------------------------------------------------


def numbered(n: int) -> Dataset:
    X = np.column_stack([np.arange(n, dtype=float), -np.arange(n, dtype=float)])
    y = (np.arange(n) % 3 == 0).astype(float)
    return Dataset(
        X=X,
        y=y,
        feature_names=("a", "b"),
        class_names=("no", "yes"),
        true_w=np.array([1.0, 2.0]),
        true_b=0.25,
        notes=("note",),
    )


@pytest.mark.parametrize(("n", "fraction"), [(100, 0.2), (101, 0.3), (7, 0.5), (2, 0.5), (1000, 0.01)])
def test_split_is_disjoint_covers_everything_and_keeps_rows_whole(n, fraction):
    data = numbered(n)
    train, test = split(data, fraction, seed=3)
    ids_train, ids_test = train.X[:, 0].astype(int), test.X[:, 0].astype(int)
    assert len(ids_test) == math.ceil(fraction * n)
    assert len(ids_train) + len(ids_test) == n
    assert not set(ids_train) & set(ids_test)
    assert sorted([*ids_train, *ids_test]) == list(range(n))
    for part, ids in ((train, ids_train), (test, ids_test)):
        np.testing.assert_array_equal(part.X[:, 1], -ids)  # rows not torn apart
        np.testing.assert_array_equal(part.y, data.y[ids])  # labels follow their rows
        assert part.feature_names == ("a", "b") and part.class_names == ("no", "yes")
        assert part.true_b == 0.25 and part.notes == ("note",)
        np.testing.assert_array_equal(part.true_w, [1.0, 2.0])
        assert not part.X.flags.writeable and not part.y.flags.writeable


@pytest.mark.parametrize(
    ("n", "fraction", "seed"),
    [
        (28, 0.2, 42),
        (100, 0.3, 0),
        (101, 0.3, 7),
        (7, 0.5, 1),
        (1000, 0.01, 3),
        (10, 0.05, 9),
        (20, 0.15, 5),
        (2, 0.5, 0),
    ],
)
def test_split_selects_the_rows_of_sklearn_train_test_split(n, fraction, seed):
    sk = pytest.importorskip("sklearn.model_selection")
    data = numbered(n)
    X_train, X_test, y_train, y_test = sk.train_test_split(data.X, data.y, test_size=fraction, random_state=seed)
    train, test = split(data, fraction, seed=seed)
    np.testing.assert_array_equal(train.X, X_train)  # same rows, same order
    np.testing.assert_array_equal(test.X, X_test)
    np.testing.assert_array_equal(train.y, y_train)
    np.testing.assert_array_equal(test.y, y_test)


def test_split_by_hand():
    # RandomState(0).permutation(8) is [6, 2, 1, 7, 3, 0, 5, 4]; a quarter is ⌈2.0⌉ = 2 test rows
    assert np.random.RandomState(0).permutation(8).tolist() == [6, 2, 1, 7, 3, 0, 5, 4]
    train, test = split(numbered(8), 0.25, seed=0)
    assert test.X[:, 0].tolist() == [6, 2] and train.X[:, 0].tolist() == [1, 7, 3, 0, 5, 4]
    # 0.3 × 8 = 2.4 rounds up to 3
    assert split(numbered(8), 0.3, seed=0)[1].X[:, 0].tolist() == [6, 2, 1]


def test_split_is_seeded():
    data = numbered(200)
    a, b, c = split(data, 0.25, seed=1), split(data, 0.25, seed=1), split(data, 0.25, seed=2)
    assert np.array_equal(a[1].X, b[1].X) and np.array_equal(a[0].X, b[0].X)
    assert not np.array_equal(a[1].X, c[1].X)
    # the test rows are a shuffle, not the first or last rows
    ids = a[1].X[:, 0]
    assert ids.min() < 150 and ids.max() >= 50


def test_split_with_zero_fraction_returns_everything_and_none():
    data = numbered(10)
    train, test = split(data, 0.0)
    assert test is None
    assert train is data


@pytest.mark.parametrize(
    ("n", "fraction", "pattern"),
    [
        (10, 1.0, "test.fraction"),
        (10, -0.1, "test.fraction"),
        (10, float("nan"), "test.fraction"),
        (10, 1.5, "test.fraction"),
        (1, 0.6, "test.fraction"),  # rounds to one test row out of one: no training left
    ],
)
def test_split_bad_fraction(n, fraction, pattern):
    with pytest.raises(ValueError, match=pattern):
        split(numbered(n), fraction)
