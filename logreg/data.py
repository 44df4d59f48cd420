"""Datasets: a small frozen value, the synthetic generator of the tutorials, and a seeded split."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from .model import sigmoid

LABEL_MODES = ("threshold", "logistic")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Features X (n, d) float64 and labels y (n,) float64 of 0/1, with what is known about them.

    true_w / true_b: the weights that generated the labels, in the units of X (None for real data).
    class_names: what label 0 and label 1 stand for.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...] = ("x1", "x2")
    class_names: tuple[str, str] = ("0", "1")
    true_w: np.ndarray | None = None
    true_b: float | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def n(self) -> int:
        return int(self.X.shape[0])


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=float)
    a.flags.writeable = False
    return a


def make_synthetic(
    n: int = 1000,
    true_w: tuple[float, float] = (2.0, -3.0),
    bias: float = 0.5,
    seed: int = 0,
    *,
    labels: str = "threshold",
    flip: float = 0.0,
    scale: tuple[float, float] = (1.0, 1.0),
    shift: tuple[float, float] = (0.0, 0.0),
) -> Dataset:
    """Two Gaussian features labelled by a known logistic model.

    X0 ~ N(0, I) drawn as `RandomState(seed).randn(n, 2)`, so seed 0 gives the same numbers as
    the tutorial's `np.random.seed(0); np.random.randn(n, 2)`, without touching the global state.
    Labels come from z = X0·true_w + bias:
      "threshold": y = [σ(z) > 0.5] (the tutorial: separable data);
      "logistic":  y ~ Bernoulli(σ(z)) (the model is exactly right, so the weights are recoverable).
    Then a fraction `flip` of labels is flipped (chosen at random), and the features shown are
    X = X0·scale + shift; true_w / true_b are converted to those units, so the true boundary
    stays where it was.
    """
    scale_arr, shift_arr = _checked_settings(n, labels, flip, scale, shift)
    w0 = np.asarray(true_w, dtype=float)
    if w0.shape != (2,) or not np.all(np.isfinite(w0)) or not np.isfinite(bias):
        raise ValueError(f"true_w must be two finite numbers and bias finite; got {true_w!r}, {bias!r}")

    rng = np.random.RandomState(seed)
    X0 = rng.randn(n, 2)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is refused just below
        z = X0 @ w0 + bias
        X = X0 * scale_arr + shift_arr
        # w0·X0 + b = w0·(X − shift)/scale + b  =>  w = w0/scale, b' = b − Σ w0·shift/scale
        w_shown = w0 / scale_arr
        b_shown = float(bias - np.sum(w_shown * shift_arr))
    if not np.all(np.isfinite(z)):
        raise ValueError(f"true_w and bias are too large: the logits overflow; got {true_w!r}, {bias!r}")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(w_shown)) and np.isfinite(b_shown)):
        raise ValueError(
            f"scale and shift are too extreme: the features or true weights overflow; got {scale!r}, {shift!r}"
        )
    p = sigmoid(z)
    if labels == "threshold":
        y = (p > 0.5).astype(float)
    else:
        y = (rng.random_sample(n) < p).astype(float)
    if flip > 0:
        flipped = rng.random_sample(n) < flip
        y = np.where(flipped, 1.0 - y, y)

    return Dataset(X=_frozen(X), y=_frozen(y), true_w=_frozen(w_shown), true_b=b_shown)


def _checked_settings(n, labels: str, flip: float, scale, shift) -> tuple[np.ndarray, np.ndarray]:
    """make_synthetic's size, label mode, noise and units, checked; (scale, shift) as arrays."""
    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise ValueError(f"n must be a whole number ≥ 1; got {n!r}")
    if labels not in LABEL_MODES:
        raise ValueError(f"labels must be one of {LABEL_MODES}; got {labels!r}")
    if not 0.0 <= flip <= 0.5:
        raise ValueError(f"flip must be a fraction between 0 and 0.5; got {flip!r}")
    scale_arr = np.asarray(scale, dtype=float)
    shift_arr = np.asarray(shift, dtype=float)
    if scale_arr.shape != (2,) or not np.all(np.isfinite(scale_arr)) or np.any(scale_arr <= 0):
        raise ValueError(f"scale must be two positive finite numbers; got {scale!r}")
    if shift_arr.shape != (2,) or not np.all(np.isfinite(shift_arr)):
        raise ValueError(f"shift must be two finite numbers; got {shift!r}")
    return scale_arr, shift_arr


def split(data: Dataset, test_fraction: float, seed: int = 0) -> tuple[Dataset, Dataset | None]:
    """A seeded shuffle into (train, test), the same rows and order as scikit-learn's
    `train_test_split(X, y, test_size=test_fraction, random_state=seed)`; test is None when
    test_fraction is 0.

    With order = RandomState(seed).permutation(n) and n_test = ⌈test_fraction·n⌉ (the product
    rounded up as a float, as scikit-learn does): test = rows order[:n_test], train = rows
    order[n_test:], each in that order. Both parts keep every field but X and y; the training
    part keeps at least one row.
    """
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in [0, 1); got {test_fraction!r}")
    if test_fraction == 0:
        return data, None
    n_test = math.ceil(test_fraction * data.n)
    if data.n - n_test < 1:
        raise ValueError(f"a test fraction of {test_fraction} leaves no training samples out of {data.n}")
    order = np.random.RandomState(seed).permutation(data.n)
    test_idx, train_idx = order[:n_test], order[n_test:]

    def part(idx: np.ndarray) -> Dataset:
        return replace(data, X=_frozen(data.X[idx]), y=_frozen(data.y[idx]))

    return part(train_idx), part(test_idx)


def with_points(data: Dataset | None, points) -> Dataset:
    """data with `points` ((x1, x2, c), …) appended as rows, in their order (data None: those points alone,
    with no true weights). Every other field of data is kept."""
    rows = np.array([(x1, x2) for x1, x2, _ in points], dtype=float).reshape(-1, 2)
    labels = np.array([c for _, _, c in points], dtype=float)
    if data is None:
        if not len(labels):
            raise ValueError("no points to make data of")
        return Dataset(X=_frozen(rows), y=_frozen(labels))
    if data.X.shape[1] != 2:
        raise ValueError(f"points have two features; the data has {data.X.shape[1]}")
    return replace(data, X=_frozen(np.vstack([data.X, rows])), y=_frozen(np.concatenate([data.y, labels])))
