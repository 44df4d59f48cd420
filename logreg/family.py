"""Every learning rate at once: a family of descents that differ only in η, trained together.

`train_family(X, y, learning_rates=(…), epochs=E, …)` takes `train`'s settings (start, L2
penalty, batch size and seed, stop value, test data) and returns a `Family`: for each rate η_k the
run `list(train(X, y, learning_rate=η_k, …))` would give, as arrays. `family.snapshots(k)` hands
run k back as `train`'s snapshots.

Full batch, the K runs share each epoch's work. With Θ the K × (d + 1) matrix whose row k is
θ_k = (w_k, b_k) and R = −s·x̃ the rows as `kernel.py` stores them (r = R·θ = −u, the negated
margin), `FamilyPass.evaluate(Θ)` gives every run's loss, accuracy and gradient: the products
R·θ_k and [σ(−u) | ℓ]ᵀ·[R | 1] of each run, then one exp, one log1p, one division and one count
over the K·n pairs together. Each run then takes its own step, θ_k ← θ_k − η_k·∇_k, as `train`
does; a run that stopped or diverged drops out of Θ.

Exact, not close. One product R·Θᵀ for all runs (`FamilyPass(exact=False)`) is faster at
n = 1,000, but BLAS rounds a row's logit differently for a matrix than for the one vector `Pass`
gives it (fused multiply-adds in another order), and on data that is not separable the large
rates oscillate and grow a last-bit difference to 1e-9 relative within 100 epochs. So the
family keeps `Pass`'s two products per run, on arrays of the same layout, and repeats every step,
penalty and test of `train` in the same floating-point operations: each run equals `train`'s bit
for bit (tests/test_family.py). Mini-batch runs, data beyond one block of `Pass`
(n > kernel.BLOCK) and batched=False run each rate through `train` itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .kernel import BLOCK
from .train import Snapshot, _check_xy, _snapshot, initial_parameters, step, train

_ABOVE_ZERO = float(np.nextafter(0.0, 1.0))  # the least double above 0: r < it ⇔ r ≤ 0


class FamilyPass:
    """Mean loss, accuracy and gradient over (X, y) at K parameter vectors at once.

    `evaluate(thetas)`, thetas (K, d + 1) with rows θ_k = (w_k, b_k), returns (losses (K,),
    accuracies (K,), gradients (K, d + 1)), row k equal to `Pass(X, y).evaluate(θ_k)` and so to
    `model.loss`, `model.accuracy` and `model.gradients` (ties at z = 0 counted as class 0).
    exact=True (the default): bit for bit equal to `Pass` (one block, n ≤ kernel.BLOCK): each run
    gets its own two products, on the same arrays of the same shapes as `Pass`'s, and the K runs
    share the exp, log1p, division and counting between them. exact=False: one product R·Θᵀ for
    all runs and one for all their sums, to about 1e-15 relative of `Pass`.
    One caller at a time: the buffers are reused.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, exact: bool = True):
        n, d = X.shape
        order = np.argsort(y, kind="stable")  # the rows in Pass's order: label 0, then label 1
        minus_s = 1.0 - 2.0 * y[order]
        self.n, self.d, self.exact = n, d, exact
        self.threshold = np.where(y[order] == 0, _ABOVE_ZERO, 0.0)  # right ⇔ r < threshold, as in Pass
        self._rows_and_ones = np.empty((n, d + 2), order="F")  # [R | 1], R = −s·x̃, laid out as Pass's
        np.multiply(X[order], minus_s[:, None], out=self._rows_and_ones[:, :d])
        self._rows_and_ones[:, d] = minus_s
        self._rows_and_ones[:, d + 1] = 1.0
        self._rows = self._rows_and_ones[:, : d + 1]  # R, (n, d + 1)
        self._grow(1)

    def _grow(self, k: int) -> None:
        """Buffers for k runs: r = −u and e = e^(−u) (k, n), each run's [σ(−u); ℓ] (k, 2, n), right marks."""
        self._room = k
        self._minus_u, self._e = np.empty((k, self.n)), np.empty((k, self.n))
        self._pairs, self._right = np.empty((k, 2, self.n)), np.empty((k, self.n), dtype=bool)

    def _sums(self, pairs: np.ndarray, runs: range | np.ndarray) -> np.ndarray:
        """[σ(−u), ℓ]ᵀ·[R | 1] of the given runs, (len(runs), 2, d + 2)."""
        if self.exact:
            sums = np.empty((len(runs), 2, self.d + 2))
            for i, k in enumerate(runs):
                pairs[k].dot(self._rows_and_ones, sums[i])
            return sums
        return pairs[runs].reshape(-1, self.n).dot(self._rows_and_ones).reshape(len(runs), 2, -1)

    def evaluate(self, thetas: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(mean losses (K,), accuracies (K,), ∇ mean losses (K, d + 1)) at the K rows of thetas."""
        k = len(thetas)
        if k > self._room:
            self._grow(k)
        minus_u, e, pairs = self._minus_u[:k], self._e[:k], self._pairs[:k]
        sigma, loss = pairs[:, 0], pairs[:, 1]
        thetas = np.asarray(thetas, dtype=float)
        if self.exact:
            for run in range(k):
                self._rows.dot(thetas[run], minus_u[run])  # r = −u, Pass's product
        else:
            np.dot(thetas, self._rows.T, minus_u)  # r = −u of every run, (K, n)
        np.exp(minus_u, e)
        np.log1p(e, loss)  # ℓ
        np.add(e, 1.0, sigma)
        np.divide(e, sigma, sigma)  # σ(−u) = e/(1 + e)
        sums = self._sums(pairs, range(k))  # [Rᵀσ(−u), 1ᵀσ(−u)], [Rᵀℓ, 1ᵀℓ] of each run
        overflowed = np.flatnonzero(sums[:, 1, -1] == math.inf)
        if len(overflowed):  # e overflowed there: ℓ = −u and σ(−u) = 1 where it did
            huge = np.isinf(e[overflowed])
            loss[overflowed] = np.where(huge, minus_u[overflowed], loss[overflowed])
            sigma[overflowed] = np.where(huge, 1.0, sigma[overflowed])
            sums[overflowed] = self._sums(pairs, overflowed)
        right = np.count_nonzero(np.less(minus_u, self.threshold, self._right[:k]), axis=1)
        return sums[:, 1, -1] / self.n, right / self.n, sums[:, 0, :-1] / self.n


@dataclass(frozen=True, eq=False)
class Family:
    """K runs that differ only in the learning rate. Arrays are read-only.

    Run k has epochs[k] + 1 snapshots, 0 … epochs[k]; its arrays hold them at [k, 0 … epochs[k]]
    and repeat the last one after it, up to T − 1 = max(epochs) (no NaN padding: a run that ended
    stays where it ended). Each (K, T) array holds what the Snapshot field of the same name holds;
    w and gradient_w are (K, T, d). test_loss, test_accuracy are None without test data.
    diverged[k]: run k's last snapshot has diverged=True (the next update left the finite numbers).
    stopped[k]: run k's last loss is ≤ loss_threshold: the stop rule ended it there (or, at the
    last epoch, it reached the stop value just as the epochs ran out).
    """

    rates: np.ndarray  # (K,) η of each run
    epochs: np.ndarray  # (K,) int, the epoch of each run's last snapshot
    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    objective: np.ndarray
    accuracy: np.ndarray
    gradient_w: np.ndarray
    gradient_b: np.ndarray
    test_loss: np.ndarray | None
    test_accuracy: np.ndarray | None
    diverged: np.ndarray  # (K,) bool
    stopped: np.ndarray  # (K,) bool

    def snapshots(self, k: int) -> list[Snapshot]:
        """Run k as `train` yields it: snapshots 0 … epochs[k], the last with its diverged flag.

        Each column of the run becomes Python floats in one tolist() (float(x) of each entry, the same
        numbers), and each Snapshot is filled as `train` fills its own (train._snapshot)."""
        last = int(self.epochs[k])
        shown = slice(0, last + 1)
        scalars = [getattr(self, name) for name in _SCALARS]
        columns = [[None] * (last + 1) if a is None else a[k, shown].tolist() for a in scalars]
        w, gradient_w = self.w[k], self.gradient_w[k]
        run = [
            _snapshot(t, w[t], b, loss, objective, accuracy, gradient_w[t], gradient_b, test_loss, test_accuracy)
            for t, b, loss, objective, accuracy, gradient_b, test_loss, test_accuracy in zip(range(last + 1), *columns)
        ]
        if self.diverged[k]:
            run[-1] = replace(run[-1], diverged=True)
        return run


_SCALARS = ("b", "loss", "objective", "accuracy", "gradient_b", "test_loss", "test_accuracy")


class _Record:
    """The snapshots of K runs as (K, epochs + 1[, d]) arrays, filled epoch by epoch."""

    def __init__(self, rates: np.ndarray, epochs: int, d: int, tests: bool):
        k, t = len(rates), epochs + 1
        self.rates, self.tests = rates, tests
        self.arrays = {name: np.zeros((k, t)) for name in _SCALARS}
        self.arrays.update(w=np.zeros((k, t, d)), gradient_w=np.zeros((k, t, d)))
        self.last = np.full(k, epochs)
        self.diverged = np.zeros(k, dtype=bool)

    def put(self, runs: np.ndarray | int, epoch: int, values: dict) -> None:
        for name, value in values.items():
            self.arrays[name][runs, epoch] = value

    def family(self, threshold: float | None) -> Family:
        """The Family, cut to the longest run, each run's last snapshot repeated after its end."""
        length = int(self.last.max()) + 1
        out = {}
        for name, array in self.arrays.items():
            array = array[:, :length].copy()
            for k, last in enumerate(self.last):
                array[k, last + 1 :] = array[k, last]
            array.flags.writeable = False
            out[name] = array if self.tests or not name.startswith("test_") else None
        final_loss = out["loss"][:, -1]  # each run's last loss, repeated to the end
        stopped = np.zeros(len(final_loss), dtype=bool) if threshold is None else final_loss <= threshold
        for array in (self.rates, self.last, self.diverged, stopped):
            array.flags.writeable = False
        return Family(self.rates, self.last, diverged=self.diverged, stopped=stopped, **out)


def _record_run(record: _Record, k: int, run: list[Snapshot]) -> None:
    """Run k, as train yielded it, into the record."""
    for s in run:
        values = {name: getattr(s, name) for name in ("w", "gradient_w", *_SCALARS)}
        if not record.tests:
            values = {name: v for name, v in values.items() if not name.startswith("test_")}
        record.put(k, s.epoch, values)
    record.last[k] = run[-1].epoch
    record.diverged[k] = run[-1].diverged


class _Together:
    """One full-batch evaluation of many runs: the numbers of each run's snapshot at Θ, as `train` makes them."""

    def __init__(self, X: np.ndarray, y: np.ndarray, test: tuple | None, l2: float):
        self.data, self.l2, self.d = FamilyPass(X, y), l2, X.shape[1]
        self.test = None if test is None else FamilyPass(*test)

    def at(self, thetas: np.ndarray) -> tuple[dict, np.ndarray, np.ndarray]:
        """(the snapshot values at each row of Θ, ∇ of the objective there (K, d + 1), which rows are finite).

        Overflow is expected (exp on confident mistakes, patched) or judged here (a diverging run),
        never a warning, as in `train`."""
        with np.errstate(all="ignore"):
            return self._at(thetas)

    def _at(self, thetas: np.ndarray) -> tuple[dict, np.ndarray, np.ndarray]:
        d, l2 = self.d, self.l2
        loss, accuracy, gradient = self.data.evaluate(thetas)
        w, b = thetas[:, :d], thetas[:, d]
        if l2:  # ∇_w of loss + (λ/2)·‖w‖²
            gradient[:, :d] += l2 * w
        # (λ/2)·‖w‖² as train computes it (math.hypot, then squared), even at λ = 0: a ‖w‖² beyond
        # the floats ends the run there too
        norms = np.array([math.hypot(*theta[:d]) for theta in thetas.tolist()])
        penalty = 0.5 * l2 * (norms * norms)
        finite = np.isfinite(loss) & np.isfinite(penalty) & np.isfinite(b) & np.isfinite(gradient).all(axis=1)
        values = dict(w=w, b=b, loss=loss, objective=loss + penalty, accuracy=accuracy)
        values.update(gradient_w=gradient[:, :d], gradient_b=gradient[:, d])
        if self.test is not None:
            values["test_loss"], values["test_accuracy"], _ = self.test.evaluate(thetas)
            finite &= np.isfinite(values["test_loss"])
        return values, gradient, finite


def _descend_together(
    together: _Together,
    record: _Record,
    theta: np.ndarray,
    epochs: int,
    threshold: float | None,
    between_epochs: Callable[[], None] | None,
) -> None:
    """`train`'s loop for every run at once: stop at loss ≤ threshold, end at the last finite snapshot."""
    live = np.arange(len(record.rates))  # the runs still descending
    thetas = np.tile(theta, (len(live), 1))
    values, gradient, finite = together.at(thetas)
    if not finite.all():
        raise ValueError("the starting parameters give a non-finite loss; choose a smaller start")
    record.put(live, 0, values)
    loss = values["loss"]
    for epoch in range(1, epochs + 1):
        if threshold is not None:
            done = loss <= threshold
            record.last[live[done]] = epoch - 1
            live, thetas, gradient = live[~done], thetas[~done], gradient[~done]
        if len(live) == 0:
            break
        thetas = _step_each(thetas, gradient, record.rates[live, None])
        values, gradient, finite = together.at(thetas)
        gone = live[~finite]  # the next update left the finite numbers: the last snapshot was the last
        record.last[gone], record.diverged[gone] = epoch - 1, True
        live, thetas, gradient = live[finite], thetas[finite], gradient[finite]
        record.put(live, epoch, {name: v[finite] for name, v in values.items()})
        loss = values["loss"][finite]
        if between_epochs is not None:
            between_epochs()


def _step_each(thetas: np.ndarray, gradient: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """`train.step` for every run at once: θ_k ← θ_k − η_k·∇_k, rows of Θ (K, d + 1), rates (K, 1).
    The bias is kept as a column (K, 1) so that each run's η meets its own row."""
    w, b = step(thetas[:, :-1], thetas[:, -1:], gradient[:, :-1], gradient[:, -1:], rates)
    return np.hstack((w, b))


def train_family(
    X: np.ndarray,
    y: np.ndarray,
    *,
    learning_rates: Sequence[float],
    epochs: int,
    init: str | tuple = "zeros",
    loss_threshold: float | None = None,
    l2: float = 0.0,
    batch_size: int | None = None,
    seed: int = 0,
    X_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
    between_epochs: Callable[[], None] | None = None,
    batched: bool = True,
) -> Family:
    """One run of `train` per learning rate, with every other setting shared; see the module docstring.

    Run k equals `list(train(X, y, learning_rate=learning_rates[k], epochs=epochs, …))` bit for bit,
    whether the full-batch runs are trained together (batched=True, the default) or each rate runs
    through `train` (mini-batches, n > kernel.BLOCK, or batched=False).
    between_epochs: called after every epoch (of all the runs together, or of each run in turn);
    it may raise to stop the work, as the app's `still_wanted()` does when the viewer has gone.
    """
    rates = np.array(learning_rates, dtype=float).reshape(-1)
    if len(rates) == 0 or not np.all(np.isfinite(rates) & (rates > 0)):
        raise ValueError(f"learning_rates must be one or more finite numbers > 0; got {learning_rates!r}")
    settings = dict(epochs=epochs, init=init, loss_threshold=loss_threshold, l2=l2, batch_size=batch_size, seed=seed)
    # train checks the other settings as it is called, before any epoch runs
    train(X, y, learning_rate=float(rates[0]), X_test=X_test, y_test=y_test, **settings)
    X, y = _check_xy(X, y, "training")
    record = _Record(rates, int(epochs), X.shape[1], X_test is not None)
    if not batched or (batch_size is not None and batch_size < len(y)) or len(y) > BLOCK:
        for k, rate in enumerate(rates):
            run = []
            for snapshot in train(X, y, learning_rate=float(rate), X_test=X_test, y_test=y_test, **settings):
                run.append(snapshot)
                if between_epochs is not None:
                    between_epochs()
            _record_run(record, k, run)
        return record.family(loss_threshold)
    w, b = initial_parameters(init, X.shape[1], np.random.RandomState(seed))
    test = None if X_test is None else _check_xy(X_test, y_test, "test")
    together = _Together(X, y, test, float(l2))
    _descend_together(together, record, np.append(w, b), int(epochs), loss_threshold, between_epochs)
    return record.family(loss_threshold)
