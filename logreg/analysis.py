"""What the teaching views need besides the run itself: the optimum, the safe step size,
the loss landscape, the angle to the truth and each point's pull (verdicts: logreg.verdict)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, partial

import numpy as np

from .geometry import contour_lines
from .model import logits, loss, loss_from_logits, sigmoid
from .separation import Allowance, DistinctRows, certify_separation, distinct_rows, margin_rows
from .train import _check_xy


def _with_ones(X: np.ndarray) -> np.ndarray:
    return np.column_stack([X, np.ones(X.shape[0])])


def lipschitz(X: np.ndarray, l2: float = 0.0) -> float:
    """L, the largest curvature the objective can have: λ_max(X̃ᵀX̃/(4n) + λ·diag(1, …, 1, 0)).

    σ'(z) ≤ ¼, so the Hessian X̃ᵀ diag(σ'(z)) X̃ / n + λ·I_w never exceeds this matrix.
    Features beyond about 1e154 would overflow X̃ᵀX̃: then X̃ is divided by its largest entry c first and
    L multiplied by c² after (∞ when L itself is beyond the floats, so that 2/L is 0, never NaN).
    """
    Xt = _with_ones(np.asarray(X, dtype=float))
    n, k = Xt.shape
    c = float(np.max(np.abs(Xt)))
    c = c if c > 1e150 else 1.0  # unscaled below: the same rounding as ever for every ordinary data set
    H = (Xt / c).T @ (Xt / c) / (4.0 * n) + (l2 / c / c) * np.diag([1.0] * (k - 1) + [0.0])
    return float(np.linalg.eigvalsh(H)[-1]) * c * c


def max_stable_learning_rate(X: np.ndarray, l2: float = 0.0) -> float:
    """2/L: every learning rate below it makes each full-batch step lower the objective."""
    return 2.0 / lipschitz(X, l2)


@dataclass(frozen=True, eq=False)
class Optimum:
    """The minimiser of the objective, or why there is no finite one (exists=False)."""

    exists: bool
    w: np.ndarray | None
    b: float | None
    objective: float | None
    reason: str
    iterations: int
    # set when a line was proven to separate the classes: how many points lie exactly on it (0: strictly)
    ties: int | None = None
    # True: those points lie on every separating line, so the loss falls only towards their loss, above 0;
    # False: a line with fewer of them on it (maybe none) was not ruled out (separation.Separation.forced)
    forced: bool = True


EXACT_ROWS_PER_ROW = 3  # the exact checks of one optimum sum at most this many rows exactly per data row
EXACT_TRIES = 48  # and project and check at most this many candidate directions


def optimum(X: np.ndarray, y: np.ndarray, l2: float = 0.0, max_iter: int = 100) -> Optimum:
    """Newton's method (IRLS) on mean cross-entropy + (λ/2)‖w‖², with a halving line search.

    Converged when the full (undamped) Newton step is below 1e-10·(1 + ‖θ‖). With no penalty, a finite minimiser
    exists unless a line separates the classes, strictly or with ties on the line (see
    `logreg.separation`). Then Newton's iterates head off to infinity along a separating direction;
    directions taken from their path are checked exactly, and a passing one is reported as
    "no finite minimum" with its reason. "did not reach" is said only when no such proof is found.
    Raises ValueError for data gradient descent could not train on either: X not (n, d) with n, d ≥ 1,
    NaN or ±∞ in X, y not (n,) or labels other than 0 and 1.
    """
    X, y = _check_xy(X, y, "optimum:")
    n, d = X.shape
    if np.all(y == y[0]):
        return Optimum(False, None, None, None, "all labels are one class: the bias grows without bound", 0)
    Xt = _with_ones(X)
    rows = distinct_rows(margin_rows(X, y)) if l2 == 0 else None  # (u, d + 1): each distinct margin row once
    # the exact checks' work, bounded in rows summed exactly and directions tried (see separation.Allowance)
    allowance = Allowance(rows=EXACT_ROWS_PER_ROW * n + 4096, tries=EXACT_TRIES)
    penalty = l2 * np.diag([1.0] * d + [0.0])
    theta = np.zeros(d + 1)
    path = [theta]

    def objective(th: np.ndarray) -> float:
        return loss(X, y, th[:d], th[d], l2)

    no_minimum = partial(_no_minimum, rows, path, allowance)  # no_minimum(it): a proof, or None

    f = objective(theta)
    it = 0
    with np.errstate(all="ignore"):
        for it in range(1, max_iter + 1):
            g, step = _newton_direction(X, Xt, y, theta, penalty)
            if step is None:
                break
            accepted = _line_search(objective, theta, f, g, step)
            if accepted is None:
                break
            t, theta, f = accepted
            path.append(theta)
            if rows is not None and (np.all(rows.rows @ theta > 0) or it in (5, 10, 20, 40, 80)):
                found = no_minimum(it)  # every margin positive: θ itself is the certificate
                if found is not None:
                    return found
            if np.linalg.norm(step) <= 1e-10 * (1.0 + np.linalg.norm(theta)):  # the full step, before damping
                found = no_minimum(it)  # flat only because e^(−margin) underflowed?
                if found is not None:
                    return found
                return Optimum(True, theta[:d].copy(), float(theta[d]), float(f), "Newton's method converged", it)
            if not np.all(np.isfinite(theta)) or np.linalg.norm(theta) > 1e8:
                break
    return no_minimum(it) or _not_reached(it, allowance.cut)


def _no_minimum(rows: DistinctRows | None, path: list[np.ndarray], allowance: Allowance, it: int) -> Optimum | None:
    """A separating direction from Newton's path (its last point, and how far it moved lately), proven exactly,
    or None (always None with a penalty: rows is None then)."""
    if rows is None or allowance.cut:
        return None
    last = path[-1]
    candidates = [last] + [last - path[-1 - m] for m in (1, 2, 5, 10, 20, 40) if m < len(path)]
    found = certify_separation(rows, candidates, allowance)
    if found is None:
        return None
    reason = _no_minimum_reason(found.ties, found.forced)
    return Optimum(False, None, None, None, reason, it, found.ties, found.forced)


def _newton_direction(
    X: np.ndarray, Xt: np.ndarray, y: np.ndarray, theta: np.ndarray, penalty: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None]:
    """(g, H⁻¹g) at θ: the gradient (∂L/∂w, ∂L/∂b) and the Newton step, H = X̃ᵀ diag(σ(1 − σ)) X̃ / n + λ·I_w
    (None when H is singular). One σ serves both; g is model.gradients from it."""
    n, k = Xt.shape
    p = sigmoid(logits(X, theta[:-1], theta[-1]))
    g = Xt.T @ (p - y) / n + penalty @ theta
    H = (Xt * (p * (1 - p))[:, None]).T @ Xt / n + penalty
    try:
        return g, np.linalg.solve(H + 1e-12 * np.eye(k), g)
    except np.linalg.LinAlgError:
        return g, None


ROUNDING = 64 * np.finfo(float).eps  # a mean of n log-losses is exact to within a few ulps of each term


def _line_search(objective, theta: np.ndarray, f: float, g: np.ndarray, step: np.ndarray):
    """(t, θ − t·step, its objective) for the first t = 1, ½, ¼, … that lowers the objective enough
    (Armijo, 1e-4), or None once t ≤ 1e-10. The full step (t = 1) is also taken when its objective is within
    rounding of f (ROUNDING·|f|): near the minimum the decrease is below what the objective can show, Newton's
    step is then accurate, and halving it would only stall the stopping test (on the full step)."""
    t = 1.0
    while t > 1e-10:
        candidate = theta - t * step
        fc = objective(candidate)
        slack = ROUNDING * abs(f) if t == 1.0 else 0.0
        if np.isfinite(fc) and fc <= f + 1e-4 * t * float(g @ -step) + slack:
            return t, candidate, fc
        t *= 0.5
    return None


def _not_reached(it: int, cut: bool) -> Optimum:
    unsure = (
        ", and whether a line separates the classes was left undecided: too many points lie on or near the "
        "lines its path pointed to for the page's time to check them all exactly"
        if cut
        else ""
    )
    reason = f"Newton's method did not reach the minimum in {it} steps{unsure}, so none is shown"
    return Optimum(False, None, None, None, reason, it)


def _no_minimum_reason(ties: int, forced: bool = True) -> str:
    if ties == 0:
        return (
            "a line separates the two classes, so the loss keeps falling towards 0 as the weights grow: "
            "there is no finite minimum (an L2 penalty gives one)"
        )
    if not forced:
        return (
            "a line separates the two classes, with some points lying exactly on it, so the loss keeps "
            "falling as the weights grow: there is no finite minimum (an L2 penalty gives one)"
        )
    points = "1 point lies" if ties == 1 else f"{ties} points lie"
    return (
        f"a line separates the two classes, and {points} exactly on every such line, so the loss keeps "
        "falling towards the loss of those points as the weights grow: there is no finite minimum "
        "(an L2 penalty gives one)"
    )


GRID_BLOCK = 1 << 16  # numbers in one block's (n, grid points) arrays: 512 KiB of float64, in the CPU cache


def loss_grid(
    X: np.ndarray, y: np.ndarray, w1: np.ndarray, w2: np.ndarray, b: float | None, l2: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Objective over a grid of (w1, w2), shape (len(w2), len(w1)), for two-feature data.

    b a number: the slice at that bias. b None: the bias minimised out at every grid point
    (a few vectorised Newton steps on b, the objective being convex in b). Returns (values, b grid).
    The logits come from products X·W with W a (2, block) stack of grid weights, a block of grid
    points at a time, so that no array holds more than about GRID_BLOCK numbers: the whole grid at
    once would be several arrays of n × G (2,000 points and a 47 × 47 grid: 35 MB each).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    W1, W2 = np.meshgrid(np.asarray(w1, float), np.asarray(w2, float))
    W = np.stack([W1.ravel(), W2.ravel()])  # (2, G)
    B = np.full(W.shape[1], 0.0 if b is None else float(b))
    values = np.empty(W.shape[1])
    step = max(1, GRID_BLOCK // max(len(y), 1))
    for start in range(0, W.shape[1], step):  # blocks of grid points whose (n, ·) arrays stay in the CPU cache
        block = slice(start, start + step)
        values[block], B[block] = _loss_block(X, y, W[:, block], B[block], b is None)
    values += 0.5 * l2 * (W**2).sum(0)
    return values.reshape(W1.shape), B.reshape(W1.shape)


BIAS_STEPS = 60  # the most safeguarded Newton steps on one grid point's bias (bisection alone needs about 45)
BIAS_STEPS_PER_POINT = 8  # and at most this many on average over a block's grid points (3 to 4 are usual)


def _loss_block(
    X: np.ndarray, y: np.ndarray, W: np.ndarray, B: np.ndarray, minimise: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Mean loss at the grid points W (2, c) with biases B (c,), those minimised out first if `minimise`."""
    Z = X @ W  # (n, c): logits without bias
    if minimise:
        B = best_bias(Z, y)
    # the same per-sample loss as model.loss, on every grid point's logits at once
    return np.mean(loss_from_logits(Z + B, y[:, None]), axis=0), B


def best_bias(Z: np.ndarray, y: np.ndarray, steps: int = BIAS_STEPS) -> np.ndarray:
    """argmin over b of mean ℓ(z_i + b, y_i) for every column of Z (n, c), shape (c,), to within 1e-7.

    The derivative g(b) = mean(σ(z + b)) − ȳ rises with b, from −ȳ to 1 − ȳ, so the minimiser lies in the
    bracket [logit ȳ − max z, logit ȳ − min z] (there every σ(z_i + b) is at most, then at least, ȳ).
    Newton's step b − g/g′ starts from logit ȳ − mean z (exact when a column's logits are all equal, as
    when a feature's shift dominates them) and is replaced by the bracket's midpoint when it leaves the
    bracket; each g narrows the bracket. A column stops once its step is below 1e-7 (as the old search
    did), after `steps` steps, or when the block has taken BIAS_STEPS_PER_POINT steps per column in all:
    the time is bounded, and a column stopped early keeps its last step, inside the bracket: a value a
    little above the minimum (by at most |g|·(bracket width), the loss being convex). With one class only
    (ȳ 0 or 1) ȳ is taken 1/(2n) from it: the minimum is then at b = ∓∞.
    """
    n, c = Z.shape
    mean_y = min(max(float(np.mean(y)), 0.5 / n), 1 - 0.5 / n)
    target = np.log(mean_y) - np.log1p(-mean_y)  # logit ȳ
    lo, hi = target - Z.max(axis=0), target - Z.min(axis=0)
    B = np.clip(target - Z.mean(axis=0), lo, hi)
    active, left = np.arange(c), BIAS_STEPS_PER_POINT * c
    for _ in range(steps):
        a = active
        P = sigmoid((Z if len(a) == c else Z[:, a]) + B[a])
        g = np.mean(P, axis=0) - mean_y
        lo[a], hi[a] = np.where(g <= 0, B[a], lo[a]), np.where(g >= 0, B[a], hi[a])
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            newton = B[a] - g / np.mean(P * (1 - P), axis=0)
        new = np.where((newton >= lo[a]) & (newton <= hi[a]), newton, 0.5 * (lo[a] + hi[a]))
        moved = np.abs(new - B[a])
        B[a] = new
        left -= len(a)
        active = a[(moved >= 1e-7) & (g != 0)]
        if not len(active) or left < len(active):
            break
    return B


@dataclass(frozen=True, eq=False)
class Landscape:
    """The objective over a (w1, w2) grid, with what it is a slice of, for the landscape view."""

    w1: np.ndarray  # (G,)
    w2: np.ndarray  # (G,)
    values: np.ndarray  # (G, G): rows follow w2, columns w1
    description: str  # which slice of the three-parameter loss this is
    minimum: tuple[float, float] | None  # (w1, w2) of the optimum, when one exists
    truth: tuple[float, float] | None = None  # the generating weights, when known
    sample_note: str | None = None  # set when the grid was computed on a sample of the points

    @cached_property
    def contours(self) -> tuple[np.ndarray, np.ndarray]:
        """Level sets of `values` as one NaN-separated line (x, y), computed once."""
        return contour_lines(self.w1, self.w2, self.values)


def _nice_range(lo: float, hi: float) -> tuple[float, float]:
    """Widen [lo, hi] by 15% and round outwards to a round step, so small moves reuse the same grid."""
    span = max(hi - lo, 1.0)
    lo, hi = lo - 0.15 * span, hi + 0.15 * span
    step = 10 ** np.floor(np.log10(span)) / 2
    return float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step)


def landscape_box(points: Sequence[np.ndarray]) -> tuple[float, float, float, float]:
    """A rounded (w1_min, w1_max, w2_min, w2_max) around the given weight vectors."""
    P = np.array([np.asarray(p, float)[:2] for p in points])
    (a, b), (c, d) = _nice_range(P[:, 0].min(), P[:, 0].max()), _nice_range(P[:, 1].min(), P[:, 1].max())
    return a, b, c, d


def refined_axis(low: float, high: float, count: int, near: float | None, depth: int = 7) -> np.ndarray:
    """count evenly spaced values over [low, high]; with `near` inside, also `near` itself and lines at
    cell·2^-k on either side of it for k = 0 … depth − 1. A valley of any width down to cell/2^depth
    is then resolved around `near`; sorted, no repeats."""
    coarse = np.linspace(low, high, count)
    if near is None or not low < near < high:
        return coarse
    cell = (high - low) / (count - 1)
    offsets = cell * 2.0 ** -np.arange(depth)
    extra = np.concatenate([[near], near - offsets, near + offsets])
    return np.unique(np.concatenate([coarse, extra[(extra > low) & (extra < high)]]))


def landscape(
    X: np.ndarray,
    y: np.ndarray,
    box: tuple[float, float, float, float],
    *,
    l2: float = 0.0,
    grid: int = 32,
    best: Optimum | None = None,
    truth: np.ndarray | None = None,
    max_points: int = 2000,
    seed: int = 0,
) -> Landscape:
    """min over b of the objective on a lattice over box (two-feature data): `grid` lines each way, and
    through the minimum more lines, ever closer to it (refined_axis), so that the rings around a narrow
    valley close around the minimum. (Contours are traced cell by cell: a valley narrower than a cell
    would otherwise fall between the grid lines, as it does along a feature in large units.)

    With more than max_points samples, a seeded random sample of max_points is used (and said).
    """
    note = None
    if len(y) > max_points:
        idx = np.random.RandomState(seed).choice(len(y), max_points, replace=False)
        X, y = X[idx], y[idx]
        note = f"The landscape is computed on a random sample of {max_points:,} points."
    minimum = (float(best.w[0]), float(best.w[1])) if best is not None and best.exists else None
    w1 = refined_axis(box[0], box[1], grid, None if minimum is None else minimum[0])
    w2 = refined_axis(box[2], box[3], grid, None if minimum is None else minimum[1])
    values, _ = loss_grid(X, y, w1, w2, None, l2)
    true_w = None if truth is None else (float(truth[0]), float(truth[1]))
    return Landscape(w1, w2, values, "b minimised out at every point", minimum, true_w, note)


def angle_degrees(w: np.ndarray, w_true: np.ndarray) -> float | None:
    """Angle between the learned and the true weight vectors, in degrees; None if either is 0."""
    w, w_true = np.asarray(w, float), np.asarray(w_true, float)
    norms = np.linalg.norm(w) * np.linalg.norm(w_true)
    if norms == 0:
        return None
    return float(np.degrees(np.arccos(np.clip(w @ w_true / norms, -1.0, 1.0))))


def point_contributions(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """Each sample's term of the data gradient, shape (n, d + 1): (σ(z_i) − y_i)·[x_i, 1] / n.

    Summed over samples it is (∂L/∂w, ∂L/∂b) without the penalty.
    """
    residual = sigmoid(X @ w + b) - y
    return _with_ones(X) * residual[:, None] / X.shape[0]
