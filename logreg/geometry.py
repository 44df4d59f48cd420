"""Where lines of constant probability cross the plotted box (NumPy only).

The model's level sets are straight lines: σ(w1·x1 + w2·x2 + b) = p  ⇔  w1·x1 + w2·x2 + b = logit(p).
p = ½ gives the decision boundary x2 = −(w1·x1 + b)/w2 (vertical, x1 = −b/w1, when w2 = 0).
"""

from __future__ import annotations

import numpy as np

PROBABILITY_LEVELS = (0.1, 0.25, 0.75, 0.9)


def logit(p: float | np.ndarray) -> np.ndarray:
    """logit(p) = log(p / (1 − p)), the inverse of the sigmoid."""
    p = np.asarray(p, dtype=float)
    return np.log(p) - np.log1p(-p)


def clip_lines(
    w: np.ndarray, b: np.ndarray, level: float, box: tuple[float, float, float, float]
) -> np.ndarray:
    """Segments of the lines w·x + b = level inside box = (x_min, x_max, y_min, y_max).

    w (F, 2), b (F,) for F lines at once. Returns (F, 4): x_start, y_start, x_end, y_end, NaN
    where a line has no direction (w = 0) or misses the box. The line is written as
    x(t) = x0 + t·d with x0 = (level − b)·w/‖w‖² its point nearest the origin and d = (−w2, w1)/‖w‖,
    and t is clipped to the box one axis at a time.
    """
    w = np.atleast_2d(np.asarray(w, dtype=float))
    b = np.atleast_1d(np.asarray(b, dtype=float))
    out = np.full((w.shape[0], 4), np.nan)
    norm2 = np.einsum("ij,ij->i", w, w)
    ok = norm2 > 0
    if not ok.any():
        return out
    w, b, norm2 = w[ok], b[ok], norm2[ok]
    norm = np.sqrt(norm2)
    x0 = (level - b)[:, None] * w / norm2[:, None]  # (F, 2)
    d = np.stack([-w[:, 1], w[:, 0]], axis=1) / norm[:, None]
    lows, highs = np.array(box[0::2], dtype=float), np.array(box[1::2], dtype=float)
    t_lo = np.full(len(b), -np.inf)
    t_hi = np.full(len(b), np.inf)
    for axis in range(2):
        di, xi = d[:, axis], x0[:, axis]
        moving = np.abs(di) > 1e-15
        safe = np.where(moving, di, 1.0)
        a, c = (lows[axis] - xi) / safe, (highs[axis] - xi) / safe
        t_lo = np.where(moving, np.maximum(t_lo, np.minimum(a, c)), t_lo)
        t_hi = np.where(moving, np.minimum(t_hi, np.maximum(a, c)), t_hi)
        inside = (xi >= lows[axis]) & (xi <= highs[axis])
        t_hi = np.where(moving | inside, t_hi, -np.inf)  # parallel to this axis and outside the box
    hit = t_lo < t_hi
    t_lo, t_hi = np.where(hit, t_lo, 0.0), np.where(hit, t_hi, 0.0)
    seg = np.concatenate([x0 + t_lo[:, None] * d, x0 + t_hi[:, None] * d], axis=1)
    seg[~hit] = np.nan
    out[ok] = seg
    return out
