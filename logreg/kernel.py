"""The fast epoch kernel: one pass over (X, y) gives the mean loss, the accuracy and the gradient.

`Pass(X, y).evaluate(theta)`, with θ = (w, b) as d + 1 numbers, returns the model's own numbers,
    loss     = model.loss(X, y, w, b)            (to about 1e-15 relative),
    accuracy = model.accuracy(X, y, w, b)        (exactly, ties at z = 0 included),
    gradient = model.gradients(X, y, w, b)       (to about 1e-15 relative), as d + 1 floats;
tests/test_kernel.py holds it to that. `model` says what the numbers mean; this module says how
to get all three in one pass.

Every sample is seen through its margin. With s = 2y − 1 ∈ {−1, +1}, x̃ = [x, 1] and z = x̃·θ,
    u = s·z   is positive exactly when the sample lies on its own side of the line,
and with e = e^(−u) both the loss and its derivative are short:
    ℓ = −log σ(u) = log(1 + e^(−u)) = log1p(e),
    ∂ℓ/∂θ = −σ(−u)·s·x̃,   σ(−u) = e/(1 + e), the probability the model gives the wrong class.
Confident and right (u → +∞): e → 0 and both keep every digit; nothing computes 1 − p.
Confident and wrong (u → −∞): e overflows to ∞ once −u > 709, where ℓ = −u + log1p(e^u) is −u
to double precision and σ(−u) = 1; the rare block where that happens is patched.

The rows R = −s·x̃ are formed once, with a column of ones beside them: [R | 1], stored column by
column, the layout in which the products stream through memory. Then r = R·θ = −u for every
sample is one matrix–vector product, and one more product, [σ(−u), ℓ]ᵀ·[R | 1], gives the whole
gradient Rᵀσ(−u) (bias included) and the summed loss 1ᵀℓ together. Beyond the least an epoch
needs (two products, one exp, one log1p) a pass adds one addition and one division for σ(−u),
and one comparison and one count for the accuracy. At the app's sizes (n ≤ 20,000) the rows are
one block; larger data is taken in blocks of rows, each stored on its own, so that a block's
vectors are still in the CPU cache when the next step reads them. At n = 1,000 each NumPy call
costs about a microsecond whatever it computes, so there the number of calls is the cost.

Overflow in exp (above) and non-finite parameters (a diverging run) raise NumPy's floating-point
warnings; callers evaluate under `np.errstate(all="ignore")` and judge the results themselves.
"""

from __future__ import annotations

import math

import numpy as np

BLOCK = 32768  # rows per block: the fastest of 4096 … 65536 at 1e5 and 1e6 rows (fewer blocks, fewer calls)
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
        self.n, self.d = n, d
        # A sample is classified right when u > 0, i.e. r < 0; but a tie z = 0 is class 0, so on a
        # label-0 row (r = z) r = 0 counts as right too. One comparison r < threshold does both.
        self.threshold = np.where(y[order] == 0, _ABOVE_ZERO, 0.0)
        self._r = np.empty(n)  # r = −u
        self._right = np.empty(n, dtype=bool)
        self._sums = np.empty((2, d + 2))  # [σ(−u), ℓ]ᵀ·[R | 1] of one block
        block = max(1, min(block, n))
        e = np.empty(block)  # e^(−u) of one block
        ones = np.ones(block)  # 1 + e is e + ones: adding an array is faster than adding a scalar
        columns = np.empty((block, 2), order="F")  # [σ(−u), ℓ] of one block
        # Each block of rows gets its own [R | 1], R = −s·x̃, contiguous and column by column: R·θ
        # gives −u for the block's samples, and [σ(−u), ℓ]ᵀ·[R | 1] its share of the gradient,
        # Rᵀσ(−u), and of the summed loss, 1ᵀℓ, in one product. (BLAS is several times slower on
        # a block cut out of one tall array than on a block stored alone.)
        self._blocks = []  # (R, [R | 1], r, e, 1, σ(−u), ℓ, [σ(−u), ℓ]ᵀ) of each block, views made once
        for start in range(0, n, block):
            size = min(block, n - start)
            rows = np.empty((size, d + 2), order="F")
            part = order[start : start + size]
            np.multiply(X[part], minus_s[start : start + size, None], out=rows[:, :d])
            rows[:, d] = minus_s[start : start + size]
            rows[:, d + 1] = 1.0
            pair = columns[:size]
            self._blocks.append(
                (
                    rows[:, : d + 1],
                    rows,
                    self._r[start : start + size],
                    e[:size],
                    ones[:size],
                    pair[:, 0],
                    pair[:, 1],
                    pair.T,
                )
            )

    def evaluate(self, theta: np.ndarray | list[float]) -> tuple[float, float, list[float]]:
        """(mean loss, accuracy, ∇ mean loss) at θ = (w, b), d + 1 numbers.

        The gradient is (Xᵀ(σ(z) − y)/n, mean(σ(z) − y)) as a list of d + 1 floats.
        """
        n, sums = self.n, self._sums
        loss_sum, gradient_sum = 0.0, None
        for rows, rows_and_ones, minus_u, e, ones, sigma, loss, columns_t in self._blocks:
            # (outputs passed by position and products as methods: each saves a fraction of a µs
            # of NumPy's argument handling, which at n = 1,000 costs as much as the arithmetic)
            rows.dot(theta, minus_u)  # r = −u
            np.exp(minus_u, e)  # e = e^(−u)
            np.log1p(e, loss)  # ℓ
            np.add(e, ones, sigma)
            np.divide(e, sigma, sigma)  # σ(−u) = e/(1 + e)
            columns_t.dot(rows_and_ones, sums)
            part, losses = sums.tolist()  # [Rᵀσ(−u), 1ᵀσ(−u)], [Rᵀℓ, 1ᵀℓ]
            if losses[-1] == math.inf:  # e overflowed somewhere: there ℓ = −u and σ(−u) = 1
                huge = np.isinf(e)
                np.copyto(loss, minus_u, where=huge)
                np.copyto(sigma, 1.0, where=huge)
                columns_t.dot(rows_and_ones, sums)
                part, losses = sums.tolist()
            loss_sum += losses[-1]
            del part[-1]  # Rᵀσ(−u) is the gradient's sum, bias included
            gradient_sum = part if gradient_sum is None else [a + b for a, b in zip(gradient_sum, part)]
        right = np.count_nonzero(np.less(self._r, self.threshold, self._right))
        return loss_sum / n, int(right) / n, [g / n for g in gradient_sum]
