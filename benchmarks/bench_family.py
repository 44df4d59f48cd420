"""Every learning rate at once: the family trained together against 19 runs of `train`, one after another.

For n = 1,000 (the app's default) and 20,000 (its largest) samples of `make_synthetic(n, seed=0)`,
full batch, the 19 rates of the η control, 100 epochs, this prints medians over the repeats of

  separate  19 × list(train(…, learning_rate=η, epochs=100)), one rate after another;
  family    train_family(…, learning_rates=all 19, epochs=100): bit for bit the same runs;
  1-product the family's kernel with one product R·Θᵀ for all runs (FamilyPass(exact=False)),
            evaluate + step for 100 epochs: what the shared product would save (not bit for bit);

as milliseconds per epoch of all 19 runs, and the ratio separate / family measured side by side
(the three alternate, repeat after repeat, so that noise on a shared machine falls on all alike).
Last, the CPU time (time.process_time) of the whole family for 100 epochs on the default data.

    python benchmarks/bench_family.py            # about half a minute
    python benchmarks/bench_family.py --quick    # a few seconds (smoke test)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from logreg import FamilyPass, make_synthetic, train, train_family  # noqa: E402
from logreg.app.settings import LR_OPTIONS  # noqa: E402

EPOCHS = 100


def separate(X: np.ndarray, y: np.ndarray, epochs: int) -> None:
    for rate in LR_OPTIONS:
        list(train(X, y, learning_rate=rate, epochs=epochs))


def together(X: np.ndarray, y: np.ndarray, epochs: int) -> None:
    train_family(X, y, learning_rates=LR_OPTIONS, epochs=epochs)


def one_product(X: np.ndarray, y: np.ndarray, epochs: int) -> None:
    """evaluate + step of all 19 runs through the one-product kernel (no stops, no record)."""
    kernel, rates = FamilyPass(X, y, exact=False), np.array(LR_OPTIONS)[:, None]
    thetas = np.zeros((len(LR_OPTIONS), X.shape[1] + 1))
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            _, _, gradient = kernel.evaluate(thetas)
            thetas = thetas - rates * gradient


def measure(n: int, repeats: int, epochs: int) -> dict[str, list[float]]:
    data = make_synthetic(n=n, seed=0)
    ways = {"separate": separate, "family": together, "1-product": one_product}
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(repeats):  # alternate: each repeat times all three, one after another
        for name, way in ways.items():
            start = time.perf_counter()
            way(data.X, data.y, epochs)
            times[name].append((time.perf_counter() - start) / epochs)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats and epochs: a smoke test")
    args = parser.parse_args()
    repeats, epochs = (2, 5) if args.quick else (15, EPOCHS)
    print(f"19 rates ({LR_OPTIONS[0]} … {LR_OPTIONS[-1]}), full batch, {epochs} epochs, median of {repeats} repeats")
    print(f"{'n':>7} {'separate ms/ep':>15} {'family ms/ep':>13} {'1-product ms/ep':>16} {'separate/family':>16}")
    for n in (1_000, 20_000):
        times = measure(n, repeats, epochs)
        med = {name: statistics.median(t) * 1e3 for name, t in times.items()}
        ratio = statistics.median(s / f for s, f in zip(times["separate"], times["family"]))
        print(f"{n:>7} {med['separate']:>15.3f} {med['family']:>13.3f} {med['1-product']:>16.3f} {ratio:>16.2f}")
    data = make_synthetic(n=1000, true_w=(2.0, -3.0), bias=0.5, seed=0)
    cpu = []
    for _ in range(repeats):
        start = time.process_time()
        train_family(data.X, data.y, learning_rates=LR_OPTIONS, epochs=epochs)
        cpu.append(time.process_time() - start)
    print(f"whole family, {epochs} epochs, default data: {statistics.median(cpu) * 1e3:.1f} ms CPU (median)")


if __name__ == "__main__":
    main()
