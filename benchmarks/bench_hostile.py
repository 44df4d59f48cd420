"""Hostile pages: links and files made to cost the server most, each measured against the default page.

    python benchmarks/bench_hostile.py                     # 8 random links and 8 random files, seed 0
    python benchmarks/bench_hostile.py --cases 20 --seed 7 # more of them, other ones
    python benchmarks/bench_hostile.py --max-rows 2000     # small files only (a smoke run)

Every page runs under streamlit.testing.v1.AppTest with the shared cache emptied first (a first visit), as
`bench_budget.py pages` runs it, and its CPU time is that of the whole process (time.process_time). Each
row gives the page's CPU seconds, the ratio to the default page measured in the same run (before and after
the hostile pages: the median of the two), the plan's prediction (logreg/app/budget.py) and OVER where the
page took more than the 1.5 s budget. A file the app refuses (more than 1,000 columns) has no prediction:
its page shows a message, and should do so quickly.

The links are random combinations of every control of logreg/app/settings.py at its extremes or anywhere in
its range, on every tab (view=), with long runs favoured, plus the links that once broke the budget. The
files are drawn from classes: long column names, long label values, wide files, and ties (points exactly
on a line with distinct coordinates, 0/1 columns, few distinct points repeated, small integers labelled
by an integer line), each with random sizes up to 200,000 rows, scaled or not; the files that once broke
the budget (200,000 rows of ties) and those nearest a limit (900 and 5,000 columns, 40,000-letter labels)
are measured first (--no-known leaves the known links and files out).
"""

from __future__ import annotations

import argparse
import statistics
import string
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
from bench_budget import page_run, predicted  # noqa: E402

from logreg.app import budget  # noqa: E402
from logreg.app.settings import CONTROLS  # noqa: E402
from logreg.tabular import MAX_COLUMNS, MAX_ROWS  # noqa: E402

VIEWS = ("Summary", "Math at one epoch", "Learning rates side by side", "Ground truth")
KNOWN_LINKS = {  # links that once cost several times their prediction
    "shifted features, the issue's link": {
        "n": "19990",
        "epochs": "4999",
        "test": "0.5",
        "stop": "0.6931",
        "xscale": "0.1",
        "xshift": "100",
        "l2": "0.001",
        "lr": "5",
        "init": "random",
        "w1": "-5",
        "w2": "5",
        "bias": "0",
        "seed": "6081",
    },
    "race, n=20000, test 0.5, full batch": {"view": VIEWS[2], "n": "20000", "epochs": "5000", "test": "0.5"},
}


# ------------------------------------------------------------------------------------------- links
def _value(control, rng: np.random.RandomState) -> str:
    """A value of one control: an extreme most of the time, else anywhere in its range."""
    if control.kind == "choice":
        options = list(control.options)
        pick = (
            options[0] if rng.rand() < 0.3 else options[-1] if rng.rand() < 0.5 else options[rng.randint(len(options))]
        )
        return str(pick)
    low, high = float(control.low), float(control.high)
    if rng.rand() < 0.7:
        value = high if rng.rand() < 0.6 else low
    else:
        value = low + round(rng.rand() * (high - low) / control.step) * control.step
    return str(int(round(value))) if control.kind == "int" else f"{value:.6g}"


def random_link(rng: np.random.RandomState) -> dict[str, str]:
    """Every link parameter drawn (source stays synthetic: a file can't travel in a link), with n and the
    epochs large more often than not, on a random tab."""
    query = {c.key: _value(c, rng) for c in CONTROLS if c.key != "source"}
    if rng.rand() < 0.7:
        query["n"], query["epochs"] = "20000", "5000"
    query["view"] = VIEWS[rng.randint(len(VIEWS))]
    return query


# ------------------------------------------------------------------------------------------- files
def _csv(columns: list[str], rows: list[list[str]]) -> bytes:
    return ("\n".join([",".join(columns)] + [",".join(r) for r in rows]) + "\n").encode()


def _numbers(M: np.ndarray, y: np.ndarray) -> list[list[str]]:
    return [[repr(float(v)) for v in row] + [str(int(t))] for row, t in zip(M.tolist(), y)]


def long_names(rng: np.random.RandomState, rows: int) -> bytes:
    """Three columns whose names are thousands of characters long."""
    names = ["".join(rng.choice(list(string.ascii_letters), rng.randint(1000, 3000))) for _ in range(3)]
    X = np.round(rng.randn(rows, 2), 3)
    return _csv(names, _numbers(X, (X @ [1.0, -1.0] > 0) * 1))


def long_labels(rng: np.random.RandomState, rows: int, length: int | None = None) -> bytes:
    """Two features and a label column whose two values are tens of thousands of letters long."""
    length = length or int(rng.choice([4000, 40000]))
    values = ["a" * length, "b" * (length - 1) + "c"]
    rows = min(rows, 4000_000 // length)  # the file stays a few MB
    X = np.round(rng.randn(rows, 2), 3)
    y = (X @ [1.0, 2.0] > 0) * 1
    return _csv(["x1", "x2", "label"], [[repr(a), repr(b), values[t]] for (a, b), t in zip(X.tolist(), y)])


def wide(rng: np.random.RandomState, rows: int, cols: int | None = None) -> bytes:
    """Hundreds to thousands of numeric columns (the app takes at most MAX_COLUMNS)."""
    cols = cols or int(rng.choice([MAX_COLUMNS - 100, MAX_COLUMNS + 1, 5000]))
    rows = max(2, min(rows, 2_000_000 // cols))
    M = np.round(rng.randn(rows, cols - 1), 2)
    return _csv([f"c{j}" for j in range(cols - 1)] + ["y"], _numbers(M, (M[:, 0] > 0) * 1))


def ties(rng: np.random.RandomState, rows: int, kind: int | None = None) -> bytes:
    """Many points exactly on a line, of one of four kinds, the rest labelled by their side of it."""
    kind = rng.randint(4) if kind is None else kind
    if kind == 0:  # a line x2 = −x1 through distinct points, random labels on it
        x1 = np.round(rng.randn(rows), 4)
        x2 = np.where(rng.rand(rows) < 0.5, -x1, -x1 + np.round(rng.randn(rows), 4))
    elif kind == 1:  # two 0/1 columns
        x1, x2 = rng.randint(0, 2, rows) * 1.0, rng.randint(0, 2, rows) * 1.0
    elif kind == 2:  # a few distinct points, each repeated thousands of times
        points = np.round(rng.randn(rng.randint(3, 30), 2), 2)
        x1, x2 = points[rng.randint(len(points), size=rows)].T
    else:  # small integers, labelled by an integer line
        x1, x2 = rng.randint(-5, 6, rows) * 1.0, rng.randint(-5, 6, rows) * 1.0
    z = x1 + x2 - (rng.randint(-2, 3) if kind == 3 else 0.0)
    y = np.where(z > 0, 1, np.where(z < 0, 0, rng.rand(rows) < 0.5)).astype(int)
    return _csv(["x1", "x2", "y"], _numbers(np.column_stack([x1, x2]), y))


FILES: dict[str, Callable[[np.random.RandomState, int], bytes]] = {
    "ties": ties,
    "long names": long_names,
    "long labels": long_labels,
    "wide": wide,
}


def random_file(rng: np.random.RandomState, kind: str, max_rows: int) -> tuple[str, bytes, dict, dict]:
    """(a name, the file, the link's parameters, the sidebar's widgets) for one file of this kind."""
    rows = int(min(max_rows, rng.choice([2000, 50000, MAX_ROWS, MAX_ROWS])))
    raw = FILES[kind](rng, rows)
    scaling = str(rng.choice(["standardize", "none"]))
    test = float(rng.choice([0.0, 0.2, 0.5]))
    query = {"source": "csv", "view": VIEWS[rng.randint(len(VIEWS))], "epochs": str(rng.choice([100, 5000]))}
    if rng.rand() < 0.3:
        query["batch"] = str(rng.choice(["1", "256"]))
    lines = raw.count(b"\n") - 1
    query["csv"] = lines
    name = f"{kind}, {lines:,} rows, {len(raw) / 1e6:.1f} MB, {scaling}, test {test:g}, {query['view'][:12]}"
    return name, raw, query, {"csv_scaling": scaling, "csv_test": test}


# the files that once broke the budget, or come nearest a limit: (name, maker, rows, scaling, view)
KNOWN_FILES = (
    ("ties: 200,000 rows, half on x2 = −x1 at distinct places", lambda r, n: ties(r, n, 0), MAX_ROWS, "none", 0),
    ("ties: the same, standardized", lambda r, n: ties(r, n, 0), MAX_ROWS, "standardize", 2),
    ("ties: 200,000 rows of two 0/1 columns", lambda r, n: ties(r, n, 1), MAX_ROWS, "none", 0),
    ("ties: 200,000 rows, a few distinct points repeated", lambda r, n: ties(r, n, 2), MAX_ROWS, "standardize", 3),
    ("ties: 200,000 rows of small integers", lambda r, n: ties(r, n, 3), MAX_ROWS, "none", 1),
    ("names of 1,000–3,000 characters", long_names, 2000, "standardize", 0),
    ("labels of 40,000 letters", lambda r, n: long_labels(r, n, 40000), 100, "none", 0),
    ("900 columns", lambda r, n: wide(r, n, MAX_COLUMNS - 100), 2000, "standardize", 0),
    ("5,000 columns (refused)", lambda r, n: wide(r, n, 5000), 400, "standardize", 0),
)


# ------------------------------------------------------------------------------------------- the run
def known_files(max_rows: int) -> list[tuple[str, dict, bytes, dict]]:
    out = []
    for name, make, rows, scaling, view in KNOWN_FILES:
        raw = make(np.random.RandomState(0), min(rows, max_rows))
        query = {"source": "csv", "view": VIEWS[view], "epochs": "5000", "csv": raw.count(b"\n") - 1}
        out.append((f"file: {name}, {scaling}, {VIEWS[view]}", query, raw, {"csv_scaling": scaling}))
    return out


def cases(count: int, seed: int, max_rows: int, known: bool = True) -> list[tuple[str, dict, bytes | None, dict]]:
    rng = np.random.RandomState(seed)
    out = [(name, q, None, {}) for name, q in KNOWN_LINKS.items()] + known_files(max_rows) if known else []
    for i in range(count):
        q = random_link(rng)
        out.append(
            (f"link {i}: " + "&".join(f"{k}={v}" for k, v in q.items() if k != "view") + f" [{q['view']}]", q, None, {})
        )
    kinds = list(FILES)
    for i in range(count):
        name, raw, q, widgets = random_file(rng, kinds[i % len(kinds)], max_rows)
        out.append((f"file {i}: {name}", q, raw, widgets))
    return out


def prediction(query: dict, raw: bytes | None, widgets: dict) -> float | None:
    if raw is None:
        return predicted(query)
    if raw.split(b"\n", 1)[0].count(b",") + 1 > MAX_COLUMNS:
        return None  # refused: a message, no training
    return predicted(query, widgets.get("csv_test"))


def measure(count: int, seed: int, max_rows: int, known: bool = True) -> None:
    todo = cases(count, seed, max_rows, known)
    default = [page_run({}, None)[0]]
    results = []
    for name, query, raw, widgets in todo:
        seconds, _ = page_run(query, raw, widgets)
        results.append((name, seconds, prediction(query, raw, widgets)))
    default.append(page_run({}, None)[0])
    report(results, statistics.median(default))


def report(results: list[tuple[str, float, float | None]], base: float) -> None:
    width = 100
    print(f"{'page (first visit: caches emptied)':<{width}} {'CPU s':>7} {'× default':>10} {'predicted s':>12}")
    print(f"{'default page':<{width}} {base:>7.2f} {1.0:>10.1f} {predicted({}):>12.2f}")
    for name, seconds, guess in results:
        flag = "  OVER" if seconds > budget.PAGE_BUDGET_S else ""
        guess_text = "refused" if guess is None else f"{guess:.2f}"
        print(f"{name[:width]:<{width}} {seconds:>7.2f} {seconds / base:>10.1f} {guess_text:>12}{flag}")
    worst = max(results, key=lambda r: r[1])
    print(
        f"worst page: {worst[0][:width]}: {worst[1]:.2f} s = {worst[1] / base:.1f}× the default page ({base:.2f} s); "
        f"{sum(r[1] > budget.PAGE_BUDGET_S for r in results)} of {len(results)} pages over the "
        f"{budget.PAGE_BUDGET_S:g} s budget"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=8, help="random links, and random files, of each (default 8)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-rows", type=int, default=MAX_ROWS, help="the largest file's rows")
    parser.add_argument("--no-known", action="store_true", help="leave out the links that once broke the budget")
    args = parser.parse_args(argv)
    budget.one_blas_thread()  # as the page runs: every product on one thread
    measure(args.cases, args.seed, args.max_rows, known=not args.no_known)


if __name__ == "__main__":
    main()
