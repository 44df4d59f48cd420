"""The fast epoch kernel: one pass over (X, y) gives the mean loss, the accuracy and the gradient.

`Pass(X, y).evaluate(theta, gradient)` returns the same numbers as the model's own functions,
    loss     = model.loss(X, y, w, b)            (to about 1e-15 relative),
    accuracy = model.accuracy(X, y, w, b)        (exactly, ties at z = 0 included),
    gradient = model.gradients(X, y, w, b)       (to about 1e-15 relative),
with theta = (w, b) as one vector of d + 1 numbers; the tests in tests/test_kernel.py hold it to
that. `model` says what the numbers mean; this module says how to get all three in one pass.

Every sample is seen through its margin. With s = 2y − 1 ∈ {−1, +1}, x̃ = [x, 1] and z = x̃·θ,
    u = s·z   is positive exactly when the sample lies on its own side of the line,
and with e = e^(−u) both the loss and its derivative are short:
    ℓ = −log σ(u) = log(1 + e^(−u)) = log1p(e),
    ∂ℓ/∂θ = −σ(−u)·s·x̃,   σ(−u) = e/(1 + e), the probability the model gives the wrong class.
Confident and right (u → +∞): e → 0 and both keep every digit; nothing computes 1 − p.
Confident and wrong (u → −∞): e overflows to ∞ once −u > 709, where ℓ = −u + log1p(e^u) is −u
to double precision and σ(−u) = 1; the rare block where that happens is patched.

The rows R = −s·x̃ are formed once, so r = R·θ = −u for every sample is one matrix–vector
product and the whole gradient, bias included, is one more: Rᵀ·σ(−u)/n. R is stored column by
column, the layout in which both products stream through memory. exp, log1p and σ(−u) run on
blocks of rows small enough to stay in the CPU cache. Beyond the least an epoch needs (two
products, one exp, one log1p) a pass adds one addition and one division for σ(−u), one sum for
the loss and one comparison for the accuracy.

Overflow in exp (above) and non-finite parameters (a diverging run) raise NumPy's floating-point
warnings; callers evaluate under `np.errstate(all="ignore")` and judge the results themselves.
"""

from __future__ import annotations

import numpy as np

BLOCK = 32768  # rows per block of the exp stage: its three vectors (3 × 256 KiB) stay in a 1 MiB L2 cache
_ABOVE_ZERO = float(np.nextafter(0.0, 1.0))  # the least double above 0: r < it ⇔ r ≤ 0


class Pass:
    """Mean loss, accuracy and gradient of the mean loss over (X, y) at θ = (w, b), in one pass.

    X (n, d) and y (n,) of 0/1 are read once, here; the pass keeps its own label-sorted copy of
    the rows and reuses its buffers on every call, so one Pass serves one caller at a time.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, block: int = BLOCK):
        n, d = X.shape
        order = np.argsort(y, kind="stable")  # label-0 rows first, then label-1 rows
        minus_s = 1.0 - 2.0 * y[order]  # −s: +1 for label 0, −1 for label 1
        rows = np.empty((n, d + 1), order="F")  # R = −s·x̃, column by column
        np.multiply(X[order], minus_s[:, None], out=rows[:, :d])
        rows[:, d] = minus_s
        self.n, self.d = n, d
        self.rows = rows
        # A sample is classified right when u > 0, i.e. r < 0; but a tie z = 0 is class 0, so on a
        # label-0 row (r = z) r = 0 counts as right too. One comparison r < threshold does both.
        self.threshold = np.where(y[order] == 0, _ABOVE_ZERO, 0.0)
        block = max(1, min(block, n))
        self._r = np.empty(n)  # r = −u, then σ(−u) block by block
        self._right = np.empty(n, dtype=bool)
        e, t = np.empty(block), np.empty(block)
        self._blocks = [
            (self._r[start : start + block], e[: min(block, n - start)], t[: min(block, n - start)])
            for start in range(0, n, block)
        ]

    def evaluate(self, theta: np.ndarray, gradient: np.ndarray | None = None) -> tuple[float, float]:
        """(mean loss, accuracy) at theta = (w, b), shape (d + 1,); with `gradient` given, also
        writes ∇(mean loss) = (Xᵀ(σ(z) − y)/n, mean(σ(z) − y)) into it, shape (d + 1,)."""
        r = self._r
        np.dot(self.rows, theta, out=r)  # r = −u
        right = np.count_nonzero(np.less(r, self.threshold, out=self._right))
        loss_sum = 0.0
        for minus_u, e, t in self._blocks:
            np.exp(minus_u, out=e)  # e = e^(−u)
            np.log1p(e, out=t)  # ℓ
            block_loss = float(np.add.reduce(t))
            huge = None
            if block_loss == np.inf:  # e overflowed somewhere: there ℓ = −u and σ(−u) = 1
                huge = np.isinf(e)
                block_loss = float(np.add.reduce(np.where(huge, minus_u, t)))
            loss_sum += block_loss
            if gradient is not None:
                np.add(e, 1.0, out=t)
                np.divide(e, t, out=minus_u)  # σ(−u) = e/(1 + e), in place of −u
                if huge is not None:
                    np.copyto(minus_u, 1.0, where=huge)
        if gradient is not None:
            np.dot(self.rows.T, r, out=gradient)  # Σ σ(−u_i)·(−s_i·x̃_i)
            np.divide(gradient, self.n, out=gradient)
        return loss_sum / self.n, right / self.n
