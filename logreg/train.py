"""Gradient descent as a generator: one frozen snapshot per epoch, the caller owns the loop.

An epoch of full-batch gradient descent is
    θ_{t+1} = θ_t − η·∇L(θ_t),   θ = (w, b),   ∇L = (Xᵀ(σ(z) − y)/n + λ·w, mean(σ(z) − y)).
Snapshot t holds θ_t (the parameters after t updates) with its loss, gradient and accuracy, so
snapshot 0 is the starting point and `epochs` updates give `epochs + 1` snapshots.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .model import gradients

INITS = ("zeros", "ones", "random")
_BLOCK = 32768  # rows per block of the exp stage: its three vectors (3 × 256 KiB) stay in a 1 MiB L2 cache


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


@dataclass(frozen=True)
class _Stats:
    loss: float
    accuracy: float
    grad_w: np.ndarray
    grad_b: float


class _Pass:
    """One pass over (X, y) at (w, b): mean loss, accuracy and the data gradient together.

    Every sample is seen through its margin. With s = 2y − 1 ∈ {−1, +1}, x̃ = [x, 1], θ = (w, b),
        u = s·(x̃·θ) = s·z   is positive exactly when the sample lies on its own side of the line,
    and with e = e^(−u) both the loss and its gradient are short:
        ℓ = −log σ(u) = log(1 + e^(−u)) = log1p(e),
        ∂ℓ/∂θ = −σ(−u)·s·x̃,   σ(−u) = e/(1 + e), the probability the model gives the wrong class.
    Confident and right (u → +∞): e → 0 and both keep every digit; nothing computes 1 − p.
    Confident and wrong (u → −∞): e overflows to ∞ once −u > 709, where ℓ = −u + log1p(e^u) is −u
    to double precision and σ(−u) = 1; the rare block where that happens is patched.
    With the rows S̃ = s·x̃ formed once, −u for every sample is one product S̃·(−θ) and the whole
    gradient, bias included (its column of S̃ is s), one product S̃ᵀ·σ(−u). The products run over
    all rows at once; exp, log1p and σ(−u) run on blocks of rows small enough to stay in the CPU
    cache. Beyond the least an epoch needs (two products, one exp, one log1p) that adds one
    division for σ(−u) and a comparison for the accuracy.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, block: int = _BLOCK):
        self.X, self.y = X, y
        order = np.argsort(y, kind="stable")  # label-0 rows first: their ties at u = 0 count as correct
        self.n_zero = int(np.count_nonzero(y == 0))
        s = 2.0 * y[order] - 1.0
        self.S = np.ascontiguousarray(np.column_stack([X[order], np.ones(len(y))]) * s[:, None])
        self.block = max(1, min(block, len(y)))
        self._r = np.empty(len(y))  # −u, then σ(−u) block by block
        self._e, self._t = np.empty(self.block), np.empty(self.block)

    def __call__(self, w: np.ndarray, b: float) -> _Stats:
        S, n, n_zero = self.S, self.S.shape[0], self.n_zero
        r = self._r
        with np.errstate(all="ignore"):  # e = ∞ is expected and patched; anything else non-finite the caller reports
            np.dot(S, -np.append(w, b), out=r)  # r = −u
            # correct: u > 0, or a tie u = 0 on a label-0 row (class 1 ⇔ z > 0)
            correct = int(np.count_nonzero(r[:n_zero] <= 0.0)) + int(np.count_nonzero(r[n_zero:] < 0.0))
            loss_sum = 0.0
            for start in range(0, n, self.block):
                minus_u = r[start : start + self.block]
                e, t = self._e[: len(minus_u)], self._t[: len(minus_u)]
                np.exp(minus_u, out=e)  # e = e^(−u)
                np.log1p(e, out=t)  # ℓ
                block_loss = float(t.sum())
                huge = None
                if block_loss == np.inf:  # e overflowed somewhere: there ℓ = −u and σ(−u) = 1
                    huge = np.isinf(e)
                    block_loss = float(np.where(huge, minus_u, t).sum())
                loss_sum += block_loss
                np.add(e, 1.0, out=t)
                np.divide(e, t, out=minus_u)  # σ(−u) = e/(1 + e), in place of −u
                if huge is not None:
                    np.copyto(minus_u, 1.0, where=huge)
            grad = -(S.T @ r) / n  # −Σ σ(−u_i)·s_i·x̃_i / n
        return _Stats(loss_sum / n, correct / n, grad[:-1], float(grad[-1]))


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


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float)
    a.flags.writeable = False
    return a


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
        test_pass = _Pass(X_test, y_test)

    rng = np.random.RandomState(seed)
    w, b = initial_parameters(init, d, rng)
    full = _Pass(X, y)
    mini = batch_size is not None and batch_size < n
    return _run(full, test_pass, w, b, learning_rate, epochs, loss_threshold, l2, batch_size, mini, rng)


def _run(full, test_pass, w, b, lr, epochs, loss_threshold, l2, batch_size, mini, rng):
    X, y = full.X, full.y
    n = X.shape[0]

    def snapshot(t: int, w: np.ndarray, b: float) -> Snapshot | None:
        with np.errstate(over="ignore", invalid="ignore"):  # non-finite values are caught just below
            s = full(w, b)
            penalty = 0.5 * l2 * float(w @ w)
            gw = s.grad_w + l2 * w
            t_loss = t_acc = None
            if test_pass is not None:
                ts = test_pass(w, b)
                t_loss, t_acc = ts.loss, ts.accuracy
        values = [s.loss, penalty, s.grad_b, *gw, *w, b] + ([t_loss] if t_loss is not None else [])
        if not np.all(np.isfinite(values)):
            return None
        return Snapshot(t, _readonly(w), float(b), s.loss, s.loss + penalty, s.accuracy,
                        _readonly(gw), s.grad_b, t_loss, t_acc)

    def advance(w: np.ndarray, b: float, current: Snapshot) -> tuple[np.ndarray, float]:
        if not mini:
            with np.errstate(over="ignore", invalid="ignore"):  # an overflow here is reported as diverged
                return step(w, b, current.gradient_w, current.gradient_b, lr)
        order = rng.permutation(n)
        with np.errstate(all="ignore"):
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                grad_w, grad_b = gradients(X[idx], y[idx], w, b, l2)
                w, b = step(w, b, grad_w, grad_b, lr)
        return w, b

    current = snapshot(0, w, b)
    if current is None:
        raise ValueError("the starting parameters give a non-finite loss; choose a smaller start")
    for t in range(1, epochs + 1):
        if loss_threshold is not None and current.loss <= loss_threshold:
            break
        w, b = advance(w, b, current)
        nxt = snapshot(t, w, b) if np.all(np.isfinite(w)) and np.isfinite(b) else None
        if nxt is None:
            yield Snapshot(**{**current.__dict__, "diverged": True})
            return
        yield current
        current = nxt
    yield current
