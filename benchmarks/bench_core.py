"""How close is one epoch of `logreg.train` to the least work an epoch must do?

For n = 1e3 (the app's default), 1e4, 2e4 (the app's largest), 1e5 and 1e6 samples of
`make_synthetic(n, seed=0)` this prints, as medians:

  epoch  the time between successive `next()` calls on the `train` generator: one full-batch
         update plus one pass for loss, gradient and accuracy, and the snapshot (the real cost);
  floor  what no epoch can avoid: one np.exp, one np.log1p and the two matrix-vector products
         X·w and Xᵀ·r, on full arrays with preallocated outputs, X as the data come (row by row);
  floorF the same with X stored column by column, as the kernel stores its rows: in this layout
         OpenBLAS streams X·w several times faster, so this is the stricter floor;
  naive  one epoch as the tutorials write it: p = 1/(1 + e^(−z)), loss = −mean(y·log(p + ε) +
         (1 − y)·log(1 − p + ε)), dw = Xᵀ(p − y)/n, db = mean(p − y), then the update.

The three are measured in rotation, round after round, so that noise on a shared machine falls
on all of them alike; each figure is the median over every epoch (or call) of every round.

    python benchmarks/bench_core.py            # full run, under two minutes
    python benchmarks/bench_core.py --quick    # a few seconds (smoke test)
    python benchmarks/bench_core.py --json results.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

import logreg  # noqa: E402

SIZES = (1_000, 10_000, 20_000, 100_000, 1_000_000)
LEARNING_RATE = 0.1
# (epochs or calls per measurement, rounds) for each n: a full run measures for about 20 s
FULL = {1_000: (500, 31), 10_000: (300, 31), 20_000: (150, 31), 100_000: (80, 31), 1_000_000: (20, 31)}
QUICK = {1_000: (30, 3), 10_000: (15, 3), 20_000: (10, 3), 100_000: (5, 3), 1_000_000: (3, 3)}


def machine_info() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:  # which BLAS kernel runs (environment variables such as OPENBLAS_CORETYPE can change it)
        from threadpoolctl import threadpool_info

        blas = ", ".join(
            f"{i['internal_api']} {i.get('architecture', '?')} × {i['num_threads']} threads"
            for i in threadpool_info()
            if i["user_api"] == "blas"
        )
    except ImportError:
        blas = "unknown (threadpoolctl not installed)"
    return {
        "blas": blas,
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "numpy": np.__version__,
    }


def time_floor(X: np.ndarray, calls: int, bufs: dict) -> list[float]:
    """Each call: z = X·w, e = exp(z), log1p(e), g = Xᵀ·e, into preallocated buffers."""
    w, z, e, lg, g = bufs["w"], bufs["z"], bufs["e"], bufs["l"], bufs["g"]
    XT = X.T
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        np.matmul(X, w, out=z)
        np.exp(z, out=e)
        np.log1p(e, out=lg)
        np.matmul(XT, e, out=g)
        times.append(time.perf_counter() - t0)
    return times


def time_train(X: np.ndarray, y: np.ndarray, epochs: int) -> list[float]:
    """Time between successive next() calls on the generator; each one does exactly one epoch.

    The first next() also builds the pass and evaluates the start (two passes), and the last one
    only hands over the final snapshot, so both are left out.
    """
    it = logreg.train(X, y, learning_rate=LEARNING_RATE, epochs=epochs + 1, init="zeros")
    next(it)
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        next(it)
        times.append(time.perf_counter() - t0)
    for _ in it:
        pass
    return times


def time_naive(X: np.ndarray, y: np.ndarray, epochs: int) -> list[float]:
    """The tutorial loop, one epoch per timing."""
    n = X.shape[0]
    w, b, eps = np.zeros(X.shape[1]), 0.0, 1e-15
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        z = X @ w + b
        with np.errstate(over="ignore"):
            p = 1.0 / (1.0 + np.exp(-z))
        loss = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
        dw = X.T @ (p - y) / n
        db = np.mean(p - y)
        w = w - LEARNING_RATE * dw
        b = b - LEARNING_RATE * db
        times.append(time.perf_counter() - t0)
    assert np.isfinite(loss)
    return times


def measure(n: int, reps: int, rounds: int) -> dict:
    data = logreg.make_synthetic(n=n, seed=0)
    X, y = data.X, data.y
    X_columns = np.asfortranarray(X)
    bufs = {"w": np.array([1.0, -1.0]), "z": np.empty(n), "e": np.empty(n), "l": np.empty(n), "g": np.empty(2)}
    runs = {
        "floor": lambda: time_floor(X, reps, bufs),
        "floorF": lambda: time_floor(X_columns, reps, bufs),
        "epoch": lambda: time_train(X, y, reps),
        "naive": lambda: time_naive(X, y, reps),
    }
    names = list(runs)
    for name in names:  # warm up caches, allocator and BLAS threads
        runs[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:  # rotate who goes first
            samples[name] += runs[name]()
    med = {name: float(np.median(t)) for name, t in samples.items()}
    return {
        "n": n,
        "epoch_ms": med["epoch"] * 1e3,
        "floor_ms": med["floor"] * 1e3,
        "floor_columns_ms": med["floorF"] * 1e3,
        "naive_ms": med["naive"] * 1e3,
        "epoch_over_floor": med["epoch"] / med["floor"],
        "epoch_over_floor_columns": med["epoch"] / med["floorF"],
        "naive_over_epoch": med["naive"] / med["epoch"],
        "samples": {name: len(t) for name, t in samples.items()},
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="few repeats: a smoke test, not a measurement")
    p.add_argument("--json", metavar="PATH", help="also write the results to this JSON file")
    p.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="sample counts (default 1e3 … 1e6)")
    args = p.parse_args(argv)
    plan = QUICK if args.quick else FULL

    info = machine_info()
    print(f"{info['date']}  {info['cpu']}  nproc={info['nproc']}  Python {info['python']}  NumPy {info['numpy']}")
    print(f"BLAS: {info['blas']}")
    print(
        "medians in ms; epoch = one step of logreg.train; floor = exp + log1p + X·w + Xᵀ·r (X row by row; "
        "floorF: X column by column); naive = tutorial epoch"
    )
    print(
        f"{'n':>9}  {'epoch':>9}  {'floor':>9}  {'floorF':>9}  {'naive':>9}  {'epoch/floor':>11}  "
        f"{'epoch/floorF':>12}  {'naive/epoch':>11}"
    )
    rows = []
    for n in args.sizes:
        reps, rounds = plan.get(n, (max(3, min(300, 12_000_000 // n)), 3 if args.quick else 31))
        row = measure(n, reps, rounds)
        rows.append(row)
        print(
            f"{n:>9}  {row['epoch_ms']:>9.4f}  {row['floor_ms']:>9.4f}  {row['floor_columns_ms']:>9.4f}  "
            f"{row['naive_ms']:>9.4f}  {row['epoch_over_floor']:>10.2f}×  {row['epoch_over_floor_columns']:>11.2f}×  "
            f"{row['naive_over_epoch']:>10.2f}×",
            flush=True,
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": info, "quick": args.quick, "results": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
