"""The page's time budget: the cost constants of logreg/app/budget.py measured, and whole pages against it.

    python benchmarks/bench_budget.py               # both parts, a few minutes on 2 cores
    python benchmarks/bench_budget.py calibrate     # µs per row-pass, per update, ...: the constants
    python benchmarks/bench_budget.py pages         # the heaviest links against the default page
    python benchmarks/bench_budget.py pages --pages optimizers   # only those pages (and the default)
    python benchmarks/bench_budget.py methods       # the optimizers tab's runs: METHOD_FACTOR, NEWTON_*_US

calibrate: each constant is the median CPU time (time.process_time, all threads) of a few repeats,
divided by the units it did, at the size where the unit costs most, with BLAS on one thread as the page
runs it, on each kind of data in KINDS (the default's, and those that cost most per unit: huge logits,
shifted features, points exactly on a line), both sides of a split counted. It prints the largest, the
kind it came from, and the value in budget.py; budget.py keeps a rounded-up value of the largest.

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
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from logreg.analysis import landscape, landscape_box, max_stable_learning_rate, optimum  # noqa: E402
from logreg.app import budget  # noqa: E402
from logreg.app.cached import digest  # noqa: E402
from logreg.app.settings import LR_OPTIONS  # noqa: E402
from logreg.curvature import sharpness_along  # noqa: E402
from logreg.data import make_synthetic  # noqa: E402
from logreg.figures import animation_figure  # noqa: E402
from logreg.lesson import learning_rate_note, learning_rate_summary  # noqa: E402
from logreg.plot_parts import thinning  # noqa: E402
from logreg.tabular import feature_columns, from_frame, read_csv  # noqa: E402
from logreg.train import train  # noqa: E402


def cpu(f, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        f()
        times.append(time.process_time() - start)
    return statistics.median(times)


# The data each constant is measured on: the default kind, and the kinds that cost most per unit. "huge logits":
# x1 × 100 + 100 trained at η = 100, so the logits reach far beyond ±745 and e^(−|z|) underflows (each row
# of each pass cost 4.5 times the default's); "shifted": the link x1 × 0.1 + 100, η = 5, λ = 0.001.
KINDS = {
    "default": ({}, {"learning_rate": 0.1}),
    "shifted": (
        {"true_w": (-5.0, 5.0), "bias": 0.0, "seed": 6081, "scale": (0.1, 1.0), "shift": (100.0, 0.0)},
        {"learning_rate": 5.0, "l2": 0.001, "init": "random", "seed": 6081},
    ),
    "huge logits": ({"scale": (100.0, 1.0), "shift": (100.0, 0.0)}, {"learning_rate": 100.0}),
}


def kind_data(kind: str, n: int):
    data_args, _ = KINDS[kind]
    args = {"true_w": (2.0, -3.0), "bias": 0.5, "seed": 0, "labels": "logistic", **data_args}
    return make_synthetic(n, args.pop("true_w"), args.pop("bias"), args.pop("seed"), **args)


def ties_data(n: int, scaled: bool, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Half the points on x2 = −x1 at distinct places with random labels, the rest labelled by their side:
    quasi-complete separation with many distinct ties (standardized, the ties are a hair off the line, so
    no proof exists and Newton's method runs all its steps: the optimum's slowest case)."""
    rng = np.random.RandomState(seed)
    x1 = np.round(rng.randn(n), 4)
    x2 = np.where(rng.rand(n) < 0.5, -x1, -x1 + np.round(rng.randn(n), 4))
    z = x1 + x2
    y = np.where(z > 0, 1.0, np.where(z < 0, 0.0, (rng.rand(n) < 0.5) * 1.0))
    X = np.column_stack([x1, x2])
    return ((X - X.mean(0)) / X.std(0) if scaled else X), y


def trained(*args, **kwargs) -> list:
    return list(train(*args, **kwargs))


def worst(measures: dict[str, float]) -> tuple[float, str]:
    """The largest of the measures, and the kind it was measured on."""
    kind = max(measures, key=measures.get)
    return measures[kind], kind


def family_snapshot_us(epochs: int = 5000) -> float:
    """CPU µs per snapshot of a page's runs of every rate on 100 points (where snapshots cost most), as the
    page plans them: trained together, judged, their frames made, and each kept in the byte-counted cache,
    which walks every snapshot (logreg.app.cache.size_of) each time a value that holds it is stored."""
    from logreg.app import cached, families
    from logreg.app.run import Synthetic
    from logreg.app.settings import Settings

    s = Settings(n=100, epochs=epochs)
    data = cached.synthetic(Synthetic.of(s))
    plan = cached.page_plan(data, s, race=False)

    def page_runs() -> None:
        cached.CACHE.clear()
        families.members(data, families.family(data, s, plan), plan)

    snapshots = plan.epochs + 1 + (len(LR_OPTIONS) - 1) * (plan.family_epochs + 1)
    return 1e6 * cpu(page_runs, 3) / snapshots


def training_constants() -> dict[str, tuple[float, str]]:
    """EPOCH_US, ROW_PASS_US (training and test rows, as a split page passes over both), UPDATE_US, BATCH_ROW_US."""
    out = {}
    epoch, row = {}, {}
    for kind, (_, fit) in KINDS.items():
        small = kind_data(kind, 100)
        epoch[kind] = 1e6 * cpu(partial(trained, small.X, small.y, epochs=2000, **fit)) / 2001
        for n_train, n_test in ((200_000, 0), (10_000, 10_000)):
            d = kind_data(kind, n_train + n_test)
            test = {"X_test": d.X[n_train:], "y_test": d.y[n_train:]} if n_test else {}
            e = max(20, 2_000_000 // (n_train + n_test))
            per = cpu(partial(trained, d.X[:n_train], d.y[:n_train], epochs=e, **test, **fit)) / (e + 1)
            row[f"{kind}, {n_train:,} + {n_test:,}"] = (1e6 * per - epoch[kind]) / (n_train + n_test)
    epoch["every rate's run kept in the cache"] = family_snapshot_us()
    out["EPOCH_US"], out["ROW_PASS_US"] = worst(epoch), worst(row)
    # mini-batches: batch 1 on 2,000 rows (updates dominate), batch 256 on 200,000 (rows dominate); two equations
    # t1 = 2000·UPDATE + 2000·BATCH_ROW (+ a pass), t256 = updates·UPDATE + big·BATCH_ROW (+ a pass)
    update, batch_row = {}, {}
    for kind, (_, fit) in KINDS.items():
        mid, big = kind_data(kind, 2000), kind_data(kind, 200_000)
        full = cpu(partial(trained, big.X, big.y, epochs=4, **fit), 1) / 5
        t1 = cpu(partial(trained, mid.X, mid.y, epochs=20, batch_size=1, **fit), 1) / 20
        t256 = cpu(partial(trained, big.X, big.y, epochs=2, batch_size=256, **fit), 3) / 2
        a = np.array([[2000.0, 2000.0], [-(-200_000 // 256), 200_000.0]])
        rhs = np.array([1e6 * (t1 - full / 100), 1e6 * (t256 - full)])
        update[kind], batch_row[kind] = np.linalg.solve(a, rhs)
    out["UPDATE_US"], out["BATCH_ROW_US"] = worst(update), worst(batch_row)
    return out


def analysis_constants() -> dict[str, tuple[float, str]]:
    """OPTIMUM_ROW_US (the minimum, 2/L and the η words per training row) and LANDSCAPE_ROW_US (per sampled row)."""

    def data_analysis(X, y) -> None:  # what the page computes once per dataset: the minimum, 2/L, the η words
        best = optimum(X, y)
        max_stable_learning_rate(X)
        learning_rate_summary(X, best), learning_rate_note(X, best)

    n = 160_000  # the training rows of the largest file
    optimum_us = {}
    for kind in KINDS:
        d = kind_data(kind, n)
        optimum_us[kind] = 1e6 * cpu(partial(data_analysis, d.X, d.y), 1) / n
    sep = make_synthetic(n, (2.0, -3.0), 0.5, 0)  # separable
    optimum_us["separable"] = 1e6 * cpu(lambda: data_analysis(sep.X, sep.y), 1) / n
    for scaled in (False, True):
        X, y = ties_data(n, scaled)
        optimum_us[f"ties on a line{', standardized' if scaled else ''}"] = (
            1e6 * cpu(partial(data_analysis, X, y), 1) / n
        )
    land = {}
    for kind in KINDS:  # with a minimum the grid is refined around it (47 × 47): the landscape's slowest case
        d = kind_data(kind, 2000)
        best = optimum(d.X, d.y, KINDS[kind][1].get("l2", 0.0))
        box = landscape_box([np.zeros(2), d.true_w] + ([best.w] if best.exists else []))
        land[kind] = 1e6 * cpu(partial(landscape, d.X, d.y, box, best=best, truth=d.true_w), 3) / 2000
    return {"OPTIMUM_ROW_US": worst(optimum_us), "LANDSCAPE_ROW_US": worst(land)}


def methods_constants() -> dict[str, tuple[float, str]]:
    """METHOD_FACTOR (a run of momentum, Nesterov or Adam against gradient descent's, side by side on the same
    data), NEWTON_EPOCH_US (a step of Newton's method on 100 points, where its fixed cost shows) and
    NEWTON_ROW_US (per row of a step on 200,000 points, less that fixed cost)."""
    factor, fixed, row = {}, {}, {}
    for kind, (_, fit) in KINDS.items():
        for n, epochs in ((1000, 300), (20_000, 40)):
            d = kind_data(kind, n)
            gd = cpu(partial(trained, d.X, d.y, epochs=epochs, **fit))
            for method in ("momentum", "nesterov", "adam"):
                other = cpu(partial(trained, d.X, d.y, epochs=epochs, optimizer=method, **fit))
                factor[f"{method}, {kind}, {n:,} points"] = other / gd
        newton = {**fit, "learning_rate": 1.0, "optimizer": "newton"}
        small, big = kind_data(kind, 100), kind_data(kind, 200_000)
        steps = len(trained(small.X, small.y, epochs=200, **newton))
        fixed[kind] = 1e6 * cpu(partial(trained, small.X, small.y, epochs=200, **newton)) / steps
        steps = len(trained(big.X, big.y, epochs=10, **newton))
        row[kind] = (1e6 * cpu(partial(trained, big.X, big.y, epochs=10, **newton), 1) / steps - fixed[kind]) / 200_000
    return {"METHOD_FACTOR": worst(factor), "NEWTON_EPOCH_US": worst(fixed), "NEWTON_ROW_US": worst(row)}


def calibrate() -> dict[str, tuple[float, str]]:
    """Every constant of budget.py, measured on each kind of data: (the largest, the kind it came from)."""
    out = training_constants()
    small, big, mid = kind_data("default", 100), kind_data("default", 200_000), kind_data("default", 2000)
    T = 300
    W, B = np.random.RandomState(0).randn(T, 2), np.random.RandomState(1).randn(T)
    out["SNAPSHOT_US"] = (1e6 * cpu(lambda: sharpness_along(small.X, W, B)) / T, "default")
    out["SHARPNESS_ROW_US"] = (1e6 * cpu(lambda: sharpness_along(big.X, W[:20], B[:20])) / 20 / 200_000, "default")
    out.update(analysis_constants())
    raw = csv_bytes(200_000)

    def upload() -> None:  # what the page does with a new file before training: as controls.csv_data does
        digest(raw)
        frame = read_csv(raw)
        feature_columns(frame)
        from_frame(frame, ("a", "b"), "y", scaling="standardize", test_fraction=0.2, seed=0)

    out["CSV_ROW_US"] = (1e6 * cpu(upload, 3) / 200_000, "default")
    hist = list(train(mid.X, mid.y, learning_rate=0.1, epochs=299))
    few = cpu(lambda: animation_figure(mid, hist[:30], plan=thinning(30, 2000)), 3)
    many = cpu(lambda: animation_figure(mid, hist, plan=thinning(300, 2000)), 3)
    out["FIGURE_FRAME_US"] = (1e6 * (many - few) / 270, "default")
    return {**out, **methods_constants()}


def show_calibration(measured: dict[str, tuple[float, str]]) -> None:
    print(f"{'constant':<18} {'measured':>12} {'in budget.py':>14}  {'on (the worst kind of data)'}")
    for name, (value, kind) in measured.items():
        print(f"{name:<18} {value:>12.4g} {getattr(budget, name):>14.4g}  {kind}")


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
    "optimizers, 4 with Newton, n=20000": {
        "view": "Optimizers side by side",
        "opt": "gd,momentum,adam,newton",
        "labels": "logistic",
        "n": "20000",
        "epochs": "5000",
    },
    "optimizers, batch 16, n=20000": {
        "view": "Optimizers side by side",
        "opt": "gd,momentum,nesterov,adam",
        "batch": "16",
        "n": "20000",
        "epochs": "5000",
    },
}
OPTIMIZERS_VIEW = "Optimizers side by side"


def page_run(query: dict, raw: bytes | None, widgets: dict | None = None):
    """(CPU seconds of the whole process for one first visit of the page, the AppTest after it).

    query: the link's parameters ("csv" is not one: it marks an upload); raw: the uploaded file, if any;
    widgets: sidebar widgets set by key after the upload, before the measured run (e.g. csv_scaling)."""
    from streamlit.testing.v1 import AppTest

    from logreg.app import cached

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
        if widgets:
            at.run()  # the upload's own widgets appear once the file is read
            for key, value in widgets.items():
                _set(at, key, value)
        cached.CACHE.clear()
        start = time.process_time()
        at.run()
    seconds = time.process_time() - start
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return seconds, at


def _set(at, key: str, value) -> None:
    """Set the sidebar widget with this key: csv_scaling (a segmented control), csv_test (a slider), csv_f1 …
    A file the app refused has none: its page shows why, and that page is what is measured."""
    kind = {"csv_scaling": at.button_group, "csv_test": at.slider}.get(key, at.selectbox)
    try:
        widget = kind(key=key)
    except KeyError:
        return
    widget.set_value(value)


def predicted(query: dict, test: float | None = None) -> float:
    """The plan's predicted CPU seconds for this page (test: an upload's test fraction, default 0.2)."""
    from logreg.app.settings import Settings, parse_query

    values, _ = parse_query({k: v for k, v in query.items() if k not in ("view", "csv")})
    s = Settings.from_values(values)
    rows = query.get("csv", s.n)
    test = (0.2 if test is None else test) if "csv" in query else s.test
    n_test = int(np.ceil(test * rows))
    race = query.get("view") == "Learning rates side by side"
    file_rows = rows if "csv" in query else 0
    methods = len(s.opt) if query.get("view") == OPTIMIZERS_VIEW else 0
    newton = bool(methods) and "newton" in str(s.opt)
    options = dict(race=race, landscape=s.land == "on", file_rows=file_rows, methods=methods, newton=newton)
    p = budget.plan(s.epochs, rows - n_test, n_test, s.batch_size, **options)
    return p.seconds


def pages(rounds: int, only: list[str] | None = None) -> None:
    """Every page of PAGES (or those whose name holds one of `only`, and the default page), in rounds."""
    chosen = {n: q for n, q in PAGES.items() if not only or n == "default page" or any(t in n for t in only)}
    raw = {name: csv_bytes(q["csv"]) for name, q in chosen.items() if "csv" in q}
    times: dict[str, list[float]] = {name: [] for name in chosen}
    for _ in range(rounds):
        for name, query in chosen.items():
            seconds, _ = page_run(query, raw.get(name))
            times[name].append(seconds)
    base = statistics.median(times["default page"])
    print(f"{'page (first visit: caches emptied)':<38} {'CPU s':>7} {'× default':>10} {'predicted s':>12}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:<38} {med:>7.2f} {med / base:>10.1f} {predicted(PAGES[name]):>12.2f}")
    print(f"budget: {budget.PAGE_BUDGET_S} s CPU per page; medians of {rounds} rounds, pages interleaved")


def main() -> None:
    budget.one_blas_thread()  # as the page runs: every product on one thread
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", nargs="?", choices=("calibrate", "pages", "methods", "all"), default="all")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", nargs="+", metavar="TEXT", help="pages: only those whose name holds a text")
    args = parser.parse_args()
    if args.part in ("calibrate", "all"):
        show_calibration(calibrate())
    if args.part == "methods":
        show_calibration(methods_constants())
    if args.part in ("pages", "all"):
        pages(args.rounds, args.pages)


if __name__ == "__main__":
    main()
