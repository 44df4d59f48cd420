"""The curvature of the objective: its Hessian, its sharpness, and the sharpness along a run.

With x̃ = [x, 1], θ = (w, b), z = x̃·θ and p = σ(z), the objective mean cross-entropy + (λ/2)‖w‖² has
    H(θ) = X̃ᵀ diag(p(1 − p)) X̃ / n + λ·diag(1, …, 1, 0),     shape (d + 1, d + 1), bias last.
Its largest eigenvalue is the sharpness s(θ). Three numbers follow from it:
  * L = λ_max(X̃ᵀX̃/(4n) + λ·diag(1, …, 1, 0)) is s(0): p(1 − p) ≤ ¼ with equality at z = 0, so no
    θ is sharper (analysis.lipschitz).
    Below η = 2/L every full-batch step lowers the objective, from any start: a guarantee.
  * s(θ*) at a finite minimum θ*: gradient descent settles there only if η < 2/s(θ*); above it
    each step near θ* overshoots along the sharpest direction: the run oscillates, or moves away.
  * s(θ_t) along a run, against 2/η: where it exceeds 2/η, a step overshoots locally.
When a line separates the classes there is no θ*: ‖w‖ grows, every p(1 − p) shrinks, H → 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .analysis import Optimum

_CHUNK = 1 << 14  # elements of an (n, snapshots) block: 128 KiB of float64, so each block stays in the CPU cache


def _with_ones(X: np.ndarray) -> np.ndarray:
    return np.column_stack([X, np.ones(X.shape[0])])


def _penalty(d: int, l2: float) -> np.ndarray:
    """λ·diag(1, …, 1, 0): the penalty curves the weights, never the bias."""
    return l2 * np.diag([1.0] * d + [0.0])


def sigmoid_slope(z: np.ndarray) -> np.ndarray:
    """σ'(z) = σ(z)·σ(−z) = p(1 − p), evaluated as e/(1 + e)² with e = e^(−|z|) ∈ [0, 1].

    Symmetric in z, so only e^(−|z|) is needed: no overflow, and no 1 − p that rounds to 0
    (at z = 40, p rounds to 1, so p(1 − p) from p is 0; e/(1 + e)² gives the true 4.2e−18).
    """
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return e / (1.0 + e) ** 2


def hessian(X: np.ndarray, y: np.ndarray | None, w: np.ndarray, b: float, l2: float = 0.0) -> np.ndarray:
    """H(θ) = X̃ᵀ diag(p(1 − p)) X̃ / n + λ·diag(1, …, 1, 0), shape (d + 1, d + 1), bias last.

    X (n, d), w (d,), b a float. y (n,) is not used: the log loss curves the same way whatever
    the labels are (∂²ℓ/∂z² = σ'(z)); it is taken so that the call reads like `gradients`.
    """
    X = np.asarray(X, dtype=float)
    Xt = _with_ones(X)
    q = sigmoid_slope(Xt @ np.append(np.asarray(w, dtype=float), b))  # (n,)
    H = (Xt * q[:, None]).T @ Xt / X.shape[0]
    # the product's two triangles may round differently in the last bit: average them, so H is exactly symmetric
    return 0.5 * (H + H.T) + _penalty(X.shape[1], l2)


def sharpness(X: np.ndarray, y: np.ndarray | None, w: np.ndarray, b: float, l2: float = 0.0) -> float:
    """s(θ) = λ_max(H(θ)), the largest curvature of the objective at θ = (w, b)."""
    return float(np.linalg.eigvalsh(hessian(X, y, w, b, l2))[-1])


def sharpness_along(
    X: np.ndarray, W: np.ndarray, B: np.ndarray, l2: float = 0.0, *, max_rows: int | None = None, seed: int = 0
) -> np.ndarray:
    """s(θ_t) for T snapshots at once, shape (T,): W (T, d) weights, B (T,) biases.

    For every snapshot H_t = X̃ᵀ diag(q_t) X̃ / n + λ·I_w with q_t = p(1 − p) at θ_t. All logits come
    from one product Z = X̃·Θᵀ (n, T); the (d + 1)(d + 2)/2 distinct entries of every H_t from a
    second one, Mᵀ·Q, where M (n, ·) holds the products x̃_i·x̃_j of column pairs; eigvalsh then
    runs on the (T, d + 1, d + 1) stack. Per snapshot that is one exp over the n rows and two thin
    products, less than one training epoch (which adds a log1p): measured on two shared cores, all
    snapshots of a run cost 0.10–0.17 of its training time at n = 1,000 and 0.6–0.8 at n = 20,000.
    Blocks of snapshots keep the (n, T) arrays inside the CPU cache.

    Cheaper on request: pass only the snapshots you show (a thinned subset of the run), and/or
    max_rows, which computes every H_t on the same seeded random sample of max_rows rows (an
    unbiased estimate of H_t; λ_max is then an estimate too, not exact). max_rows = 2,000 at
    n = 20,000 measured 0.05–0.09 of the training time, with s off by up to 3–17% (worst snapshot of
    300, three seeds, three runs): fine for a curve, too coarse to compare s with 2/η near the line.
    """
    X = np.asarray(X, dtype=float)
    W = np.asarray(W, dtype=float).reshape(len(B), -1)
    B = np.asarray(B, dtype=float)
    if max_rows is not None and X.shape[0] > max_rows:
        X = X[np.sort(np.random.RandomState(seed).choice(X.shape[0], max_rows, replace=False))]
    n, d = X.shape
    k = d + 1
    Xt = _with_ones(X)
    rows, cols = np.triu_indices(k)
    M = Xt[:, rows] * Xt[:, cols]  # (n, k(k+1)/2): x̃_i·x̃_j for every pair i ≤ j
    Theta = np.column_stack([W, B])  # (T, k)
    H = np.empty((len(B), k, k))
    step = max(1, _CHUNK // max(n, 1))
    for start in range(0, len(B), step):
        block = slice(start, start + step)
        Q = sigmoid_slope(Xt @ Theta[block].T)  # (n, c): p(1 − p) per row and snapshot
        entries = (M.T @ Q).T / n  # (c, k(k+1)/2)
        H[block, rows, cols] = entries
        H[block, cols, rows] = entries
    H += _penalty(d, l2)
    return np.linalg.eigvalsh(H)[:, -1]


def sharpness_along_runs(
    X: np.ndarray, runs: Sequence[tuple[np.ndarray, np.ndarray]], l2: float = 0.0
) -> list[np.ndarray]:
    """`sharpness_along(X, W, B, l2)` for each (W, B) of `runs` (many runs on the same data), bit for bit.

    Each run's Hessians are made as sharpness_along makes them, in blocks of the same snapshots; what
    does not depend on the run (X̃, the products of its column pairs) is made once, and eigvalsh runs
    once on every run's stack together (it solves each 3 × 3 problem on its own: the same numbers)."""
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    k = d + 1
    Xt = _with_ones(X)
    rows, cols = np.triu_indices(k)
    M = Xt[:, rows] * Xt[:, cols]  # (n, k(k+1)/2), as in sharpness_along
    thetas = [np.column_stack([np.asarray(W, dtype=float).reshape(len(B), -1), B]) for W, B in runs]
    H = np.empty((sum(len(t) for t in thetas), k, k))
    step = max(1, _CHUNK // max(n, 1))
    first = 0
    for Theta in thetas:  # each run's blocks start at its own first snapshot, as in sharpness_along
        for start in range(0, len(Theta), step):
            block = slice(first + start, first + min(start + step, len(Theta)))
            Q = sigmoid_slope(Xt @ Theta[start : start + step].T)  # (n, c)
            entries = (M.T @ Q).T / n
            H[block, rows, cols] = entries
            H[block, cols, rows] = entries
        first += len(Theta)
    H += _penalty(d, l2)
    if not thetas:
        return []
    ends = np.cumsum([len(t) for t in thetas])[:-1]
    return np.split(np.linalg.eigvalsh(H)[:, -1], ends)


def sharpness_at_minimum(X: np.ndarray, best: Optimum, l2: float = 0.0) -> float | None:
    """s(θ*) at the minimum `best` (from analysis.optimum with the same l2), None without one.

    Gradient descent can settle at θ* only if η < 2/s(θ*).
    """
    if not best.exists:
        return None
    return sharpness(X, None, best.w, best.b, l2)
