"""Gradient descent as a generator: one frozen snapshot per epoch, the caller owns the loop.

An epoch of full-batch gradient descent is one update of θ = (w, b) over all n samples,
    θ_{t+1} = θ_t − η·∇L(θ_t),   ∇L = (Xᵀ(σ(z) − y)/n + λ·w, mean(σ(z) − y)).
An epoch of mini-batch descent with batch size B < n is one pass over a fresh shuffle of the
samples: ⌈n/B⌉ updates, each the same step along the gradient of one batch of B (the last may
be smaller).
Snapshot t holds θ_t (the parameters after t epochs) with its loss, gradient and accuracy on all
the training data, so snapshot 0 is the starting point and `epochs` epochs give `epochs + 1`
snapshots. The numbers come from the one-pass kernel in `kernel.py`, equal to `model.loss`,
`model.gradients` and `model.accuracy`.
"""

from __future__ import annotations

import contextvars
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from .kernel import Pass
from .model import gradients

INITS = ("zeros", "ones", "random")


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The state after `epoch` updates. Arrays are read-only.

    loss, accuracy: mean cross-entropy and accuracy on the training data at (w, b).
    objective: loss + (λ/2)·‖w‖², what gradient descent minimises.
    gradient_w (d,), gradient_b: ∇objective at (w, b) over all training data.
    test_loss, test_accuracy: the same on held-out data, None without it.
    diverged: True on the last snapshot when the next update would leave the finite numbers.
    """

    epoch: int
    w: np.ndarray
    b: float
    loss: float
    objective: float
    accuracy: float
    gradient_w: np.ndarray
    gradient_b: float
    test_loss: float | None = None
    test_accuracy: float | None = None
    diverged: bool = False


def _check_xy(X: np.ndarray, y: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{what} X must be a 2-D array (n samples, d features); got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"{what} y must have shape ({X.shape[0]},) to match X; got {y.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{what} X must hold finite numbers only; it has NaN or infinity")
    if not np.all((y == 0) | (y == 1)):
        bad = np.unique(y[(y != 0) & (y != 1)])[:5]
        raise ValueError(f"{what} y must hold labels 0 and 1 only; got also {bad.tolist()}")
    return np.ascontiguousarray(X), np.ascontiguousarray(y)


def initial_parameters(
    init: str | tuple, d: int, rng: np.random.RandomState
) -> tuple[np.ndarray, float]:
    """Starting (w, b): "zeros" (w = 0, b = 0), "ones" (w = 1, b = 0), "random" (N(0, 1) each),
    or an explicit (w, b)."""
    if isinstance(init, str):
        if init == "zeros":
            return np.zeros(d), 0.0
        if init == "ones":
            return np.ones(d), 0.0
        if init == "random":
            theta = rng.standard_normal(d + 1)
            return theta[:d], float(theta[d])
        raise ValueError(f"init must be one of {INITS} or a pair (w, b); got {init!r}")
    try:
        w, b = init
        w = np.asarray(w, dtype=float).reshape(-1)
        b = float(b)
    except (TypeError, ValueError):
        raise ValueError(f"init must be one of {INITS} or a pair (w, b); got {init!r}") from None
    if w.shape != (d,) or not (np.all(np.isfinite(w)) and np.isfinite(b)):
        raise ValueError(f"init (w, b) must be {d} finite weights and a finite bias; got {init!r}")
    return w, b


def step(
    w: np.ndarray, b: float, gradient_w: np.ndarray, gradient_b: float, learning_rate: float
) -> tuple[np.ndarray, float]:
    """One gradient-descent update: w ← w − η·∂L/∂w, b ← b − η·∂L/∂b (new values; nothing is modified)."""
    return w - learning_rate * gradient_w, b - learning_rate * gradient_b


def train(
    X: np.ndarray,
    y: np.ndarray,
    *,
    learning_rate: float,
    epochs: int,
    init: str | tuple = "zeros",
    loss_threshold: float | None = None,
    l2: float = 0.0,
    batch_size: int | None = None,
    seed: int = 0,
    X_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
) -> Iterator[Snapshot]:
    """Gradient descent on the mean cross-entropy (+ (λ/2)‖w‖²), one snapshot per epoch.

    X (n, d), y (n,) of 0/1. Yields snapshots 0..epochs; stops early at the first snapshot whose
    training loss is ≤ loss_threshold (that snapshot is the last), or when the parameters would
    stop being finite (the last snapshot then has diverged=True).
    batch_size: None or ≥ n is full-batch descent (every tutorial's); smaller runs one shuffled
    pass of mini-batch updates per epoch, shuffled by `seed` (which also seeds init="random").
    """
    X, y = _check_xy(X, y, "training")
    n, d = X.shape
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a finite number > 0; got {learning_rate!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be a whole number ≥ 0; got {epochs!r}")
    if not (np.isfinite(l2) and l2 >= 0):
        raise ValueError(f"l2 must be a finite number ≥ 0; got {l2!r}")
    if loss_threshold is not None and not np.isfinite(loss_threshold):
        raise ValueError(f"loss_threshold must be a finite number or None; got {loss_threshold!r}")
    if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
        raise ValueError(f"batch_size must be a whole number ≥ 1 or None; got {batch_size!r}")
    test_pass = None
    if (X_test is None) != (y_test is None):
        raise ValueError("X_test and y_test must be given together")
    if X_test is not None:
        X_test, y_test = _check_xy(X_test, y_test, "test")
        if X_test.shape[1] != d:
            raise ValueError(f"X_test must have {d} columns like X; got {X_test.shape[1]}")
        test_pass = Pass(X_test, y_test)

    rng = np.random.RandomState(seed)
    w, b = initial_parameters(init, d, rng)
    descent = _Descent(float(learning_rate), int(epochs), loss_threshold, float(l2))
    batches = _MiniBatches(X, y, int(batch_size), rng) if batch_size is not None and batch_size < n else None
    return _descend(_Evaluation(Pass(X, y), test_pass, descent.l2), descent, batches, w.tolist() + [b])


@dataclass(frozen=True)
class _Descent:
    """The settings of one descent, checked by `train`."""

    learning_rate: float  # η
    epochs: int  # the most updates of θ (or shuffled passes, with mini-batches)
    loss_threshold: float | None  # stop at the first snapshot whose loss is at or below it; None: never
    l2: float  # λ of the penalty (λ/2)·‖w‖²


@dataclass(frozen=True, eq=False)
class _MiniBatches:
    """The data of a mini-batch descent: an epoch is one pass over a fresh shuffle, ⌈n/B⌉ updates."""

    X: np.ndarray  # (n, d)
    y: np.ndarray  # (n,)
    batch_size: int  # B < n
    rng: np.random.RandomState  # draws the shuffle of every epoch, in turn

    def epoch(self, w: np.ndarray, b: float, learning_rate: float, l2: float) -> tuple[np.ndarray, float]:
        """(w, b) after one shuffled pass: a `step` along `gradients` of each batch of B rows in turn."""
        order = self.rng.permutation(len(self.y))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            gradient_w, gradient_b = gradients(self.X[rows], self.y[rows], w, b, l2)
            w, b = step(w, b, gradient_w, gradient_b, learning_rate)
        return w, b


class _Evaluation:
    """Snapshot t from θ_t = (w, b): loss, accuracy and gradient from the kernel, plus the penalty.

    θ travels between epochs as a list of d + 1 Python floats: at the app's sizes an epoch is a
    few microseconds, and a NumPy call on a vector of three numbers costs as much as the
    arithmetic on a thousand. Each snapshot gets one new array, made read-only, that holds
    w and ∇_w side by side.
    """

    def __init__(self, data: Pass, test: Pass | None, l2: float):
        self.data, self.test, self.l2 = data, test, l2
        self._theta = np.empty(data.d + 1)  # θ for the kernel's products
        self._gradient = np.empty(data.d + 1)  # ∇(mean loss) at θ, from the kernel

    def __call__(self, epoch: int, theta: list[float]) -> Snapshot | None:
        """The snapshot at θ, or None when any of its numbers is not finite."""
        d, l2 = self.data.d, self.l2
        self._theta[:] = theta
        loss, accuracy = self.data.evaluate(self._theta, self._gradient)
        *gradient_w, gradient_b = self._gradient.tolist()
        w, b = theta[:d], theta[d]
        gradient_w = [g + l2 * v for g, v in zip(gradient_w, w)]  # ∇_w of loss + (λ/2)·‖w‖²
        # (λ/2)·‖w‖², computed even at λ = 0: a ‖w‖² beyond the floats ends the run there too
        penalty = 0.5 * l2 * sum(v * v for v in w)
        test_loss = test_accuracy = None
        checked = [*w, *gradient_w, b, gradient_b, loss, penalty]
        if self.test is not None:
            test_loss, test_accuracy = self.test.evaluate(self._theta)
            checked.append(test_loss)
        if not all(map(math.isfinite, checked)):
            return None
        arrays = np.array(checked[: 2 * d])  # [w, ∇_w]
        arrays.flags.writeable = False
        return Snapshot(epoch, arrays[:d], b, loss, loss + penalty, accuracy, arrays[d:], gradient_b,
                        test_loss, test_accuracy)


def _next_snapshot(
    evaluation: _Evaluation, descent: _Descent, batches: _MiniBatches | None, current: Snapshot
) -> Snapshot | None:
    """One epoch from `current`: its update (or pass of mini-batch updates), then the snapshot after it."""
    if batches is None:  # θ ← θ − η·∇, the `step` of full-batch descent on the floats of θ
        eta = descent.learning_rate
        theta = current.w.tolist() + [current.b]
        gradient = current.gradient_w.tolist() + [current.gradient_b]
        theta = [p - eta * g for p, g in zip(theta, gradient)]
    else:
        w, b = batches.epoch(current.w, current.b, descent.learning_rate, descent.l2)
        theta = w.tolist() + [float(b)]
    return evaluation(current.epoch + 1, theta)


def _descend(
    evaluation: _Evaluation, descent: _Descent, batches: _MiniBatches | None, theta: list[float]
) -> Iterator[Snapshot]:
    """The generator behind `train`. Each snapshot is computed one epoch ahead of being handed
    out, so that the last one can say whether the next update would have diverged."""
    # Overflow is expected (exp in the kernel) or reported (a diverging run), never a warning. The
    # setting lives in a context of its own, entered only while computing: an errstate held across
    # a yield would leak into the caller's code while the generator is suspended.
    quiet = contextvars.copy_context()
    quiet.run(np.seterr, all="ignore")
    current = quiet.run(evaluation, 0, theta)
    if current is None:
        raise ValueError("the starting parameters give a non-finite loss; choose a smaller start")
    for _ in range(descent.epochs):
        if descent.loss_threshold is not None and current.loss <= descent.loss_threshold:
            break
        following = quiet.run(_next_snapshot, evaluation, descent, batches, current)
        if following is None:
            yield replace(current, diverged=True)
            return
        yield current
        current = following
    yield current

