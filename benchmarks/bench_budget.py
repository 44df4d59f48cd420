"""The page's time budget: the cost constants of logreg/ui/budget.py measured, and whole pages against it.

    python benchmarks/bench_budget.py               # both parts, a few minutes on 2 cores
    python benchmarks/bench_budget.py calibrate     # µs per row-pass, per update, ...: the constants
    python benchmarks/bench_budget.py pages         # the heaviest links against the default page

calibrate: each constant is the median CPU time (time.process_time, all threads) of a few repeats,
divided by the units it did, at the size where the unit costs most, with BLAS on one thread as the page
runs it. It prints the measured value beside the one in budget.py; budget.py keeps a rounded-up value.

pages: every page runs under streamlit.testing.v1.AppTest with the shared cache emptied first, so its
data, analysis, landscape and runs are all computed: a first visit. Pages are measured in rounds, one
of each per round (noise on a shared machine hits them alike); each row gives the median CPU seconds,
the ratio to the default page, and the budget's prediction for the same page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from logreg.analysis import landscape, optimum  # noqa: E402
from logreg.curvature import sharpness_along  # noqa: E402
from logreg.data import make_synthetic  # noqa: E402
from logreg.figures import animation_figure  # noqa: E402
from logreg.lesson import learning_rate_note, learning_rate_summary  # noqa: E402
from logreg.plot_parts import thinning  # noqa: E402
from logreg.tabular import feature_columns, from_frame, read_csv  # noqa: E402
from logreg.train import train  # noqa: E402
from logreg.ui import budget  # noqa: E402
from logreg.ui.cached import digest  # noqa: E402
from logreg.ui.run import analyse  # noqa: E402

budget.one_blas_thread()  # as the page runs: every product on one thread


def cpu(f, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        f()
        times.append(time.process_time() - start)
    return statistics.median(times)


def calibrate() -> dict[str, float]:
    big, small = 200_000, 100
    d_big = make_synthetic(big, (2.0, -3.0), 0.5, 0, labels="logistic")
    d_small = make_synthetic(small, (2.0, -3.0), 0.5, 0, labels="logistic")
    d_sep = make_synthetic(big, (2.0, -3.0), 0.5, 0)  # separable: the optimum's slowest case
    out = {}
    e = 2000
    per_small = cpu(lambda: list(train(d_small.X, d_small.y, learning_rate=0.1, epochs=e))) / (e + 1)
    e = 20
    per_big = cpu(lambda: list(train(d_big.X, d_big.y, learning_rate=0.1, epochs=e))) / (e + 1)
    out["EPOCH_US"] = 1e6 * per_small  # upper bounds: each unit carries the other's share at its own size
    out["ROW_PASS_US"] = 1e6 * per_big / big
    # mini-batches: batch 1 on 2,000 rows (updates dominate), batch 256 on 200,000 (rows dominate)
    d_mid = make_synthetic(2000, (2.0, -3.0), 0.5, 0, labels="logistic")
    full_mid = out["EPOCH_US"] + out["ROW_PASS_US"] * 2000  # the epoch's full pass, taken out below
    t1 = cpu(lambda: list(train(d_mid.X, d_mid.y, learning_rate=0.1, epochs=20, batch_size=1)), 1) / 20
    t256 = cpu(lambda: list(train(d_big.X, d_big.y, learning_rate=0.1, epochs=2, batch_size=256)), 3) / 2
    updates = -(-big // 256)
    row_256 = (t256 - per_big) * 1e6
    # two equations: t1 = 2000·UPDATE + 2000·BATCH_ROW (+ a pass), t256 = updates·UPDATE + big·BATCH_ROW (+ a pass)
    a = np.array([[2000.0, 2000.0], [updates, big]])
    rhs = np.array([t1 * 1e6 - full_mid, row_256])
    out["UPDATE_US"], out["BATCH_ROW_US"] = np.linalg.solve(a, rhs)
    T = 300
    W, B = np.random.RandomState(0).randn(T, 2), np.random.RandomState(1).randn(T)
    s_small = cpu(lambda: sharpness_along(d_small.X, W, B)) / T
    s_big = cpu(lambda: sharpness_along(d_big.X, W[:20], B[:20])) / 20
    out["SNAPSHOT_US"] = 1e6 * s_small
    out["SHARPNESS_ROW_US"] = 1e6 * s_big / big

    def data_analysis(d) -> None:  # what the page computes once per dataset: the minimum, 2/L, the η words
        best, _ = analyse(d, 0.0)
        learning_rate_summary(d.X, best), learning_rate_note(d.X, best)

    out["OPTIMUM_ROW_US"] = 1e6 * max(cpu(lambda: data_analysis(d_big), 1), cpu(lambda: data_analysis(d_sep), 1)) / big
    # with a minimum the grid is refined around it (47 × 47 instead of 32 × 32): the landscape's slowest case
    best_mid = optimum(d_mid.X, d_mid.y)
    out["LANDSCAPE_ROW_US"] = (
        1e6 * cpu(lambda: landscape(d_mid.X, d_mid.y, (-6.0, 6.0, -6.0, 6.0), best=best_mid), 3) / 2000
    )
    raw = csv_bytes(big)

    def upload() -> None:  # what the page does with a new file before training: as controls.csv_data does
        digest(raw)
        frame = read_csv(raw)
        feature_columns(frame)
        from_frame(frame, ("a", "b"), "y", scaling="standardize", test_fraction=0.2, seed=0)

    out["CSV_ROW_US"] = 1e6 * cpu(upload, 3) / big
    hist = list(train(d_mid.X, d_mid.y, learning_rate=0.1, epochs=299))
    few = cpu(lambda: animation_figure(d_mid, hist[:30], plan=thinning(30, 2000)), 3)
    many = cpu(lambda: animation_figure(d_mid, hist, plan=thinning(300, 2000)), 3)
    out["FIGURE_FRAME_US"] = 1e6 * (many - few) / 270
    return out


def show_calibration(measured: dict[str, float]) -> None:
    print(f"{'constant':<18} {'measured':>12} {'in budget.py':>14}")
    for name, value in measured.items():
        print(f"{name:<18} {value:>12.4g} {getattr(budget, name):>14.4g}")


# ---------------------------------------------------------------- whole pages under AppTest
def csv_bytes(rows: int, seed: int = 0) -> bytes:
    rng = np.random.RandomState(seed)
    x = rng.randn(rows, 2)
    y = (rng.rand(rows) < 1 / (1 + np.exp(-(2 * x[:, 0] - 3 * x[:, 1])))).astype(int)
    lines = ["a,b,y"] + [f"{p:.4f},{q:.4f},{t}" for (p, q), t in zip(x, y)]
    return ("\n".join(lines) + "\n").encode()


PAGES = {
    "default page": {},
    "issue's race link": {
        "view": "Learning rates side by side",
        "batch": "256",
        "n": "20000",
        "epochs": "5000",
        "stop": "0.01",
        "test": "0.5",
    },
    "race, n=20000, full, 5000 epochs": {
        "view": "Learning rates side by side",
        "n": "20000",
        "epochs": "5000",
        "test": "0.5",
    },
    "batch 1, n=20000, 5000 epochs": {"batch": "1", "n": "20000", "epochs": "5000"},
    "batch 1, n=20000, test 0.5, stop": {"batch": "1", "n": "20000", "epochs": "5000", "test": "0.5", "stop": "0.0001"},
    "race, x1 × 100 + 50, n=20000": {
        "view": "Learning rates side by side",
        "n": "20000",
        "epochs": "5000",
        "xscale": "100",
        "xshift": "50",
    },
    "math tab, n=20000, test 0.5": {"view": "Math at one epoch", "n": "20000", "epochs": "5000", "test": "0.5"},
    "truth tab, n=20000, λ 0.1": {"view": "Ground truth", "n": "20000", "epochs": "5000", "l2": "0.1"},
    "summary, n=20000, full, 5000 epochs": {"n": "20000", "epochs": "5000", "test": "0.5", "labels": "logistic"},
    "race, CSV 200,000 rows, 5000 epochs": {
        "view": "Learning rates side by side",
        "source": "csv",
        "epochs": "5000",
        "csv": 200_000,
    },
    "race, CSV 200,000 rows, batch 1": {
        "view": "Learning rates side by side",
        "source": "csv",
        "batch": "1",
        "epochs": "5000",
        "csv": 200_000,
    },
}


def page_run(query: dict, raw: bytes | None):
    from streamlit.testing.v1 import AppTest

    from logreg.ui import cached

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    for k, v in query.items():
        if k != "csv":
            at.query_params[k] = v
    cached.CACHE.clear()
    if raw is None:
        start = time.process_time()
        at.run()
    else:
        at.run()  # the empty upload form
        at.file_uploader[0].set_value(("data.csv", raw, "text/csv"))
        cached.CACHE.clear()
        start = time.process_time()
        at.run()
    seconds = time.process_time() - start
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return seconds, at


def predicted(query: dict) -> float:
    from logreg.ui.settings import Settings, parse_query

    values, _ = parse_query({k: v for k, v in query.items() if k not in ("view", "csv")})
    s = Settings.from_values(values)
    rows = query.get("csv", s.n)
    test = 0.2 if "csv" in query else s.test
    n_test = int(np.ceil(test * rows))
    race = query.get("view") == "Learning rates side by side"
    file_rows = rows if "csv" in query else 0
    p = budget.plan(
        s.epochs, rows - n_test, n_test, s.batch_size, race=race, landscape=s.land == "on", file_rows=file_rows
    )
    return p.seconds


def pages(rounds: int) -> None:
    raw = {name: csv_bytes(q["csv"]) for name, q in PAGES.items() if "csv" in q}
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    for _ in range(rounds):
        for name, query in PAGES.items():
            seconds, _ = page_run(query, raw.get(name))
            times[name].append(seconds)
    base = statistics.median(times["default page"])
    print(f"{'page (first visit: caches emptied)':<38} {'CPU s':>7} {'× default':>10} {'predicted s':>12}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:<38} {med:>7.2f} {med / base:>10.1f} {predicted(PAGES[name]):>12.2f}")
    print(f"budget: {budget.PAGE_BUDGET_S} s CPU per page; medians of {rounds} rounds, pages interleaved")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", nargs="?", choices=("calibrate", "pages", "all"), default="all")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.part in ("calibrate", "all"):
        show_calibration(calibrate())
    if args.part in ("pages", "all"):
        pages(args.rounds)


if __name__ == "__main__":
    main()
