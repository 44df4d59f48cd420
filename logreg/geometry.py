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


def clip_lines(w: np.ndarray, b: np.ndarray, level: float, box: tuple[float, float, float, float]) -> np.ndarray:
    """Segments of the lines w·x + b = level inside box = (x_min, x_max, y_min, y_max).

    w (F, 2), b (F,) for F lines at once. Returns (F, 4): x_start, y_start, x_end, y_end, NaN
    where a line has no direction (w = 0) or misses the box. The line is written as
    x(t) = x0 + t·d with x0 = (level − b)/‖w‖ · n its point nearest the origin, n = w/‖w‖ the unit
    normal and d = (−n2, n1), and t is clipped to the box one axis at a time. ‖w‖ comes from hypot,
    never from w·w, which underflows for tiny weights (1e-200) and overflows for huge ones.
    """
    w = np.atleast_2d(np.asarray(w, dtype=float))
    b = np.atleast_1d(np.asarray(b, dtype=float))
    out = np.full((w.shape[0], 4), np.nan)
    norm = np.hypot(w[:, 0], w[:, 1])
    ok = norm > 0
    if not ok.any():
        return out
    w, b, norm = w[ok], b[ok], norm[ok]
    n = w / norm[:, None]
    with np.errstate(over="ignore", invalid="ignore"):  # a line beyond the floats misses the box
        x0 = ((level - b) / norm)[:, None] * n  # (F, 2)
    d = np.stack([-n[:, 1], n[:, 0]], axis=1)
    lows, highs = np.array(box[0::2], dtype=float), np.array(box[1::2], dtype=float)
    t_lo = np.full(len(b), -np.inf)
    t_hi = np.full(len(b), np.inf)
    with np.errstate(over="ignore", invalid="ignore"):  # a non-finite t (a line at infinity) is a miss
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


def level_segments(x: np.ndarray, y: np.ndarray, Z: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Where Z = level on a grid: line segments found cell by cell (marching squares).

    x (G1,), y (G2,), Z (G2, G1) with Z[i, j] at (x[j], y[i]). Returns x and y arrays holding the
    segments as [start, end, NaN, start, end, NaN, …] (NaN breaks a plotted line). On each cell
    edge whose ends lie on opposite sides of the level, the crossing is linearly interpolated;
    a cell crossed on two edges gives one segment, on four (a saddle) two.
    """
    Z = np.asarray(Z, dtype=float)
    X, Y = np.meshgrid(np.asarray(x, float), np.asarray(y, float))
    corners = [
        (slice(None, -1), slice(None, -1)),
        (slice(None, -1), slice(1, None)),
        (slice(1, None), slice(1, None)),
        (slice(1, None), slice(None, -1)),
    ]  # cell corners in order
    zs = [Z[c] for c in corners]
    xs = [X[c] for c in corners]
    ys = [Y[c] for c in corners]
    px, py, hit = [], [], []
    for k in range(4):  # edge k joins corner k and corner k+1
        a, b = zs[k], zs[(k + 1) % 4]
        crosses = (a > level) != (b > level)
        t = np.where(crosses, (level - a) / np.where(crosses, b - a, 1.0), 0.0)
        px.append(xs[k] + t * (xs[(k + 1) % 4] - xs[k]))
        py.append(ys[k] + t * (ys[(k + 1) % 4] - ys[k]))
        hit.append(crosses)
    px, py, hit = np.stack(px, -1), np.stack(py, -1), np.stack(hit, -1)  # (G2-1, G1-1, 4)
    count = hit.sum(-1)
    out_x, out_y = [], []
    two = count == 2
    if two.any():
        order = np.argsort(~hit[two], axis=-1, kind="stable")[:, :2]  # the two crossed edges
        sx = np.take_along_axis(px[two], order, -1)
        sy = np.take_along_axis(py[two], order, -1)
        out_x.append(sx)
        out_y.append(sy)
    four = count == 4
    if four.any():  # a saddle: join edges 0–1 and 2–3
        out_x += [px[four][:, [0, 1]], px[four][:, [2, 3]]]
        out_y += [py[four][:, [0, 1]], py[four][:, [2, 3]]]
    if not out_x:
        return np.array([]), np.array([])
    sx, sy = np.vstack(out_x), np.vstack(out_y)
    gap = np.full((len(sx), 1), np.nan)
    return np.hstack([sx, gap]).ravel(), np.hstack([sy, gap]).ravel()


def contour_levels(Z: np.ndarray, count: int = 14) -> np.ndarray:
    """The levels contour_lines draws: min(Z) + gaps spaced evenly in log(gap) up to Z's 95th percentile,
    so the rings crowd near the minimum of a loss surface, where the path ends. Empty for a flat Z.

    The smallest gap is at most 1/1000 of the range, and at most what the lowest 0.5% of the values
    span, so that in a long, flat-bottomed valley the first ring still closes around the minimum.
    """
    low, high = float(np.min(Z)), float(np.quantile(Z, 0.95))
    if not high > low:
        return np.array([])
    first = min(1e-3 * (high - low), float(np.quantile(Z, 0.005)) - low)
    return low + np.geomspace(max(first, 1e-9 * (high - low), 1e-12), high - low, count)


def contour_lines(x: np.ndarray, y: np.ndarray, Z: np.ndarray, count: int = 14) -> tuple[np.ndarray, np.ndarray]:
    """The `count` level sets of contour_levels(Z) as one line (NaN-separated segments), float32."""
    parts = [level_segments(x, y, Z, level) for level in contour_levels(Z, count)]
    if not parts:
        return np.array([], np.float32), np.array([], np.float32)
    return (
        np.concatenate([p[0] for p in parts]).astype(np.float32),
        np.concatenate([p[1] for p in parts]).astype(np.float32),
    )
