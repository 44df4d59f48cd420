"""Gradient descent (or another optimizer) as a generator: one frozen snapshot per epoch, the caller owns the loop.

An epoch of full-batch gradient descent is one update of θ = (w, b) over all n samples,
    θ_{t+1} = θ_t − η·∇L(θ_t),   ∇L = (Xᵀ(σ(z) − y)/n + λ·w, mean(σ(z) − y)).
An epoch of mini-batch descent with batch size B < n is one pass over a fresh shuffle of the
samples: ⌈n/B⌉ updates, each the same step along the gradient of one batch of B (the last may
be smaller).
Snapshot t holds θ_t (the parameters after t epochs) with its loss, gradient and accuracy on all
the training data, so snapshot 0 is the starting point and `epochs` epochs give `epochs + 1`
snapshots. The numbers come from the one-pass kernel in `kernel.py`, equal to `model.loss`,
`model.gradients` and `model.accuracy`.
Other optimizers (momentum, Nesterov, Adam, Newton's method: `optimizers.py`) replace the update
θ ← θ − η·g by θ ← θ + step, with the step and the optimizer's state from its `update`, once per
update as gradient descent: once an epoch with the full batch, once a batch with mini-batches.
"""

from __future__ import annotations

import contextvars
import math
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .kernel import Pass
from .model import gradients
from .optimizers import NewtonState, NoFiniteMinimum, Optimizer, Transformation, parse_optimizer, transformation

INITS = ("zeros", "ones", "random")


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The state after `epoch` epochs (of full-batch descent: `epoch` updates). Arrays are read-only.

    loss, accuracy: mean cross-entropy and accuracy on the training data at (w, b).
    objective: loss + (λ/2)·‖w‖², what gradient descent minimises.
    gradient_w (d,), gradient_b: ∇objective at (w, b) over all training data.
    test_loss, test_accuracy: the same on held-out data, None without it.
    diverged: True on the last snapshot when the next update would leave the finite numbers.
    no_minimum: True on the last snapshot of Newton's method when its next step could not be taken because
        the Hessian has vanished, as on data a line separates: no finite minimum (optimizers.NoFiniteMinimum).
    halvings: how many times Newton's method halved the step that led here (0: the full step; 0 for the others).
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
    no_minimum: bool = False
    halvings: int = 0


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


def initial_parameters(init: str | tuple, d: int, rng: np.random.RandomState) -> tuple[np.ndarray, float]:
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
    optimizer: Optimizer | str = Optimizer.GD,
    momentum: float = 0.9,
) -> Iterator[Snapshot]:
    """Gradient descent (or `optimizer`) on the mean cross-entropy (+ (λ/2)‖w‖²), one snapshot per epoch.

    X (n, d), y (n,) of 0/1. Yields snapshots 0..epochs; stops early at the first snapshot whose
    training loss is ≤ loss_threshold (that snapshot is the last), or when the parameters would
    stop being finite (the last snapshot then has diverged=True).
    batch_size: None or ≥ n is full-batch descent (every tutorial's); smaller runs one shuffled
    pass of mini-batch updates per epoch, shuffled by `seed` (which also seeds init="random").
    optimizer: "gd" (the default), "momentum", "nesterov", "adam" or "newton" (an Optimizer or its value), each
    as `optimizers.py` writes it with η = learning_rate; momentum is β of momentum and Nesterov. Newton's method
    takes the full batch only; on data with no finite minimum its last snapshot has no_minimum=True, and from a
    start so far out that its Hessian vanishes with points on the wrong side it raises optimizers.HessianVanished.
    """
    X, y = _check_xy(X, y, "training")
    n, d = X.shape
    optimizer = parse_optimizer(optimizer)
    _check_settings(learning_rate, epochs, l2, loss_threshold, batch_size, momentum)
    mini_batch = batch_size is not None and batch_size < n
    if optimizer is Optimizer.NEWTON and mini_batch:
        raise ValueError(f"Newton's method takes the full batch: batch_size must be None or ≥ {n}; got {batch_size}")
    test_pass = _test_pass(X_test, y_test, d)

    rng = np.random.RandomState(seed)
    w, b = initial_parameters(init, d, rng)
    descent = _Descent(float(learning_rate), int(epochs), loss_threshold, float(l2))
    batches = _MiniBatches(X, y, int(batch_size), rng) if mini_batch else None
    other = None  # gradient descent keeps its own update, on floats, unchanged
    if optimizer is not Optimizer.GD:
        other = transformation(optimizer, float(learning_rate), momentum=float(momentum), X=X, y=y, l2=float(l2))
    return _descend(_Epochs(Pass(X, y), test_pass, descent, batches, other), w.tolist() + [b])


def _check_settings(
    learning_rate: float,
    epochs: int,
    l2: float,
    loss_threshold: float | None,
    batch_size: int | None,
    momentum: float,
) -> None:
    """ValueError naming the first setting of `train` out of its range."""
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
    if not (np.isfinite(momentum) and 0 <= momentum < 1):
        raise ValueError(f"momentum must be a number from 0 up to (not including) 1; got {momentum!r}")


def _test_pass(X_test: np.ndarray | None, y_test: np.ndarray | None, d: int) -> Pass | None:
    """The kernel over the held-out data, None without it."""
    if (X_test is None) != (y_test is None):
        raise ValueError("X_test and y_test must be given together")
    if X_test is None:
        return None
    X_test, y_test = _check_xy(X_test, y_test, "test")
    if X_test.shape[1] != d:
        raise ValueError(f"X_test must have {d} columns like X; got {X_test.shape[1]}")
    return Pass(X_test, y_test)


def compare(
    X: np.ndarray,
    y: np.ndarray,
    optimizers: Sequence[Optimizer | str],
    *,
    learning_rate: float,
    epochs: int,
    momentum: float = 0.9,
    newton_rate: float = 1.0,
    init: str | tuple = "zeros",
    l2: float = 0.0,
    batch_size: int | None = None,
    seed: int = 0,
) -> dict[Optimizer, list[Snapshot]]:
    """Each optimizer's whole history on the same data, from the same start, with the same shuffles:
    {optimizer: [snapshot 0, …]} in the order given. η = learning_rate for all but Newton's method, which
    takes newton_rate (1: the classical method)."""
    histories = {}
    for optimizer in map(parse_optimizer, optimizers):
        rate = newton_rate if optimizer is Optimizer.NEWTON else learning_rate
        histories[optimizer] = list(
            train(
                X,
                y,
                learning_rate=rate,
                epochs=epochs,
                init=init,
                l2=l2,
                batch_size=batch_size,
                seed=seed,
                optimizer=optimizer,
                momentum=momentum,
            )
        )
    return histories


def first_epoch_below(history: Sequence[Snapshot], loss: float) -> int | None:
    """The epoch of the first snapshot whose training loss is at or below `loss`; None if none is."""
    return next((s.epoch for s in history if s.loss <= loss), None)


@dataclass(frozen=True)
class _Descent:
    """The settings of one descent, checked by `train`."""

    learning_rate: float  # η
    epochs: int  # the most epochs: full-batch updates, or shuffled passes of mini-batch updates
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

    def optimized_epoch(
        self, theta: np.ndarray, optimizer: Transformation, state: object, l2: float
    ) -> tuple[np.ndarray, object]:
        """θ (d + 1,) and the optimizer's state after one shuffled pass: θ ← θ + step, the step from the
        optimizer's `update` with the `gradients` of each batch of B rows in turn."""
        d = self.X.shape[1]
        order = self.rng.permutation(len(self.y))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            gradient_w, gradient_b = gradients(self.X[rows], self.y[rows], theta[:d], float(theta[d]), l2)
            update, state = optimizer.update(np.append(gradient_w, gradient_b), state, theta)
            theta = theta + update
        return theta, state


def _snapshot(
    epoch: int,
    w: np.ndarray,
    b: float,
    loss: float,
    objective: float,
    accuracy: float,
    gradient_w: np.ndarray,
    gradient_b: float,
    test_loss: float | None,
    test_accuracy: float | None,
) -> Snapshot:
    """Snapshot(...) with diverged=False (and the other defaults), filled in one step. A frozen dataclass's own __init__
    sets its eleven fields one object.__setattr__ at a time, a tenth of an epoch at n = 1,000;
    the object is the same (tests/test_train.py compares the two)."""
    snapshot = object.__new__(Snapshot)
    snapshot.__dict__.update(
        epoch=epoch,
        w=w,
        b=b,
        loss=loss,
        objective=objective,
        accuracy=accuracy,
        gradient_w=gradient_w,
        gradient_b=gradient_b,
        test_loss=test_loss,
        test_accuracy=test_accuracy,
        diverged=False,
        no_minimum=False,
        halvings=0,
    )
    return snapshot


class _Epochs:
    """A descent epoch by epoch: the current θ and its gradient, each epoch's update, each snapshot.

    θ = (w, b) and its gradient travel between epochs as lists of d + 1 Python floats: at the
    app's sizes an epoch takes a few microseconds, and one NumPy call on a vector of three numbers
    costs as much as the arithmetic on a thousand. Each snapshot gets its w and ∇_w in one new
    read-only array.
    """

    def __init__(
        self,
        data: Pass,
        test: Pass | None,
        descent: _Descent,
        batches: _MiniBatches | None,
        optimizer: Transformation | None = None,
    ):
        self.data, self.test, self.descent, self.batches = data, test, descent, batches
        self.optimizer = optimizer  # None: gradient descent, by the update in `advance`
        self.state: object = None  # the optimizer's state, made from θ_0 at the first update
        self.d, self.l2, self.eta = data.d, descent.l2, descent.learning_rate
        self.theta: list[float] = []  # θ of the last snapshot made
        self.gradient: list[float] = []  # ∇ of the objective there: ∇_w (λ·w included), then ∂/∂b
        # an array over immutable bytes is read-only from the start: one call, no copy
        self._pack = struct.Struct(f"{2 * data.d}d").pack

    def snapshot(self, epoch: int, theta: list[float]) -> Snapshot | None:
        """The snapshot at θ, which becomes the current point; None when any of its numbers is not finite."""
        d, l2 = self.d, self.l2
        loss, accuracy, gradient = self.data.evaluate(theta)
        w, b = theta[:d], theta[d]
        if l2:  # ∇_w of loss + (λ/2)·‖w‖²
            gradient = [g + l2 * v for g, v in zip(gradient, w)] + gradient[d:]
        norm = math.hypot(*w)
        # (λ/2)·‖w‖², computed even at λ = 0: a ‖w‖² beyond the floats (or a w that is not finite)
        # ends the run there too
        penalty = 0.5 * l2 * (norm * norm)
        # one sum is finite only when every term is (NaN and ∞ carry through); when it is not, the
        # terms are looked at one by one, since finite terms can add up past the largest float
        if not math.isfinite(loss + penalty + b + sum(gradient)) and not (
            math.isfinite(loss) and math.isfinite(penalty) and math.isfinite(b) and all(map(math.isfinite, gradient))
        ):
            return None
        test_loss = test_accuracy = None
        if self.test is not None:
            test_loss, test_accuracy, _ = self.test.evaluate(theta)
            if not math.isfinite(test_loss):
                return None
        self.theta, self.gradient = theta, gradient
        arrays = np.frombuffer(self._pack(*w, *gradient[:d]))  # [w, ∇_w], read-only
        return _snapshot(
            epoch, arrays[:d], b, loss, loss + penalty, accuracy, arrays[d:], gradient[d], test_loss, test_accuracy
        )

    def advance(self, epoch: int) -> Snapshot | None:
        """Snapshot `epoch`: one epoch of updates from the current point, then the snapshot there."""
        if self.optimizer is not None:
            return self.optimized(epoch)
        if self.batches is None:  # θ ← θ − η·∇, the `step` of full-batch descent, on floats
            eta = self.eta
            theta = [p - eta * g for p, g in zip(self.theta, self.gradient)]
        else:
            d = self.data.d
            w, b = self.batches.epoch(
                np.array(self.theta[:d]), self.theta[d], self.descent.learning_rate, self.descent.l2
            )
            theta = w.tolist() + [float(b)]
        return self.snapshot(epoch, theta)

    def optimized(self, epoch: int) -> Snapshot | None:
        """`advance` with the optimizer's updates θ ← θ + step instead of gradient descent's."""
        theta = np.array(self.theta)
        if self.state is None:
            self.state = self.optimizer.init(theta)
        if self.batches is None:  # the gradient at θ is the current snapshot's
            update, self.state = self.optimizer.update(np.array(self.gradient), self.state, theta)
            theta = theta + update
        else:
            theta, self.state = self.batches.optimized_epoch(theta, self.optimizer, self.state, self.l2)
        snapshot = self.snapshot(epoch, theta.tolist())
        if snapshot is not None and isinstance(self.state, NewtonState) and self.state.halvings:
            snapshot = replace(snapshot, halvings=self.state.halvings)
        return snapshot


def _descend(epochs: _Epochs, theta: list[float]) -> Iterator[Snapshot]:
    """The generator behind `train`, from θ_0. Each snapshot is computed one epoch ahead of being
    handed out, so that the last one can say whether the next update would have diverged."""
    # Overflow is expected (exp in the kernel) or reported (a diverging run), never a warning. The
    # setting lives in a context of its own, entered only while computing: an errstate held across
    # a yield would leak into the caller's code while the generator is suspended.
    quiet = contextvars.copy_context()
    quiet.run(np.seterr, all="ignore")
    current = quiet.run(epochs.snapshot, 0, theta)
    if current is None:
        raise ValueError("the starting parameters give a non-finite loss; choose a smaller start")
    threshold = epochs.descent.loss_threshold
    for epoch in range(1, epochs.descent.epochs + 1):
        if threshold is not None and current.loss <= threshold:
            break
        try:
            following = quiet.run(epochs.advance, epoch)
        except NoFiniteMinimum:  # Newton's method: the Hessian has vanished, so its next step cannot be taken
            yield replace(current, no_minimum=True)
            return
        if following is None:
            yield replace(current, diverged=True)
            return
        yield current
        current = following
    yield current
