"""The time budget of one page: what each part of the server's work costs, known before it runs.

One server process serves a whole class, so no link may make one page load or rerun cost much more
than PAGE_BUDGET_S seconds of CPU. The cost of each part is predicted from the data's size and the
settings, in rows × passes, with constants measured by `benchmarks/bench_budget.py`; a run whose
prediction does not fit makes fewer epochs, and the page says so. No Streamlit here.

Costs in µs, for n_train training rows and n_test test rows:
  a run of E epochs   (E + 1)·(EPOCH + ROW_PASS·(n_train + n_test))            one pass per snapshot
                      + E·(UPDATE·⌈n_train/B⌉ + BATCH_ROW·n_train)             mini-batches of B only
                      + (E//4 + 1)·(SNAPSHOT + SHARPNESS_ROW·n_train)          the verdict's sharpness
  the page            min(E + 1, MAX_FRAMES)·(SNAPSHOT + SHARPNESS_ROW·n_train) the sharpness per frame
                      + FIGURE_FRAME·min(E + 1, MAX_FRAMES) + PAGE              figures and widgets
  the data            OPTIMUM_ROW·n_train + LANDSCAPE_ROW·min(n_train, 2000)   once per dataset (cached)
  an uploaded file    CSV_ROW·rows + CSV_CELL·rows·columns                     read, checked, split and scaled
The race tab chooses its rates from the family's runs, in lockstep with the page's run; only where the
family does not reach the page's epochs does it train up to RACE_RUNS runs of its own to choose them, and
then those share the budget too.
The optimizers tab trains up to four runs of its own (one per method raced, at the page's epochs): they share
the budget as the page's own run does, so the page's epochs are those all of them can make.
Every other rate of the η control (FAMILY_RUNS runs) is trained too, so that moving η needs no rerun: they
get what the page's own run leaves of the budget, and the run of the η on screen is never cut for them.
Where not even one epoch of theirs fits (mini-batches of a few points on many rows), they are not trained,
and moving η asks the server for that rate's run, as a change of any other setting does.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

from ..plot_parts import MAX_FRAMES

PAGE_BUDGET_S = 1.5  # CPU seconds for one page load or rerun, whatever the link or file
RACE_RUNS = 6  # the runs lesson.race_rates trains to choose the race's rates when the family has none
FAMILY_RUNS = 18  # the η control's other rates (19 in all): each run, its frames' sharpness and its verdict
MIN_EPOCHS = 10  # fewer epochs show no learning: below this the page trains on fewer points instead
MIN_ROWS = 200  # never fewer points than this, whatever the settings

# Measured with `python3 benchmarks/bench_budget.py calibrate` on two shared cores (AMD EPYC, NumPy 2.4, BLAS on
# one thread as the page runs it): the median CPU time per unit at the size where each unit costs most (full-batch
# rows at n = 200,000, whose arrays leave the CPU cache, and at 10,000 + 10,000 split rows; updates at batch 1),
# on the kind of data where it costs most (logits far beyond ±745 after η = 100 on x1 × 100 + 100, each row
# of a pass 4.5 times the default data's; points exactly on a line; features shifted by 100), rounded up to
# about twice that (1.5 times for the optimum and the landscape, already measured at their worst), for a
# machine busy with other work.
EPOCH_US = 50.0  # one snapshot's fixed cost: the generator, the Snapshot and its read-only arrays (13 µs), and
# its share of the page's runs of every rate (trained together, judged, framed and counted by the cache):
# 18–25 µs per snapshot on 100 points, 5000 epochs (73 µs before cache.size_of sampled long histories)
ROW_PASS_US = 0.05  # one row, training or test, of one full pass: logit, exp, log1p, σ, accuracy, gradient
# (0.025 µs with huge logits, 0.006 µs on the default data)
UPDATE_US = 40.0  # one mini-batch update's fixed cost: gather, gradient, step (Python-bound: the script
# thread measured 14 µs alone, 16–24 µs beside a thread that polls it, as AppTest's and the server's do)
BATCH_ROW_US = 0.30  # one row of the mini-batch updates of an epoch (gathered by index, then the gradient)
SNAPSHOT_US = 3.0  # one snapshot's fixed cost in the sharpness (a 3 × 3 eigenvalue problem)
SHARPNESS_ROW_US = 0.02  # one row of one snapshot's sharpness
OPTIMUM_ROW_US = 16.0  # Newton's method, the exact separation check, 2/L and s(θ*) for the η control's words; its
# worst, 10.5 µs: 160,000 standardized points a hair off a line (100 Newton steps, no proof, the exact check's
# allowance spent), where the default data take 2.3 µs
LANDSCAPE_ROW_US = 200.0  # one row of the landscape's grid, refined around a minimum (47 × 47), the bias minimised
# out at every point (at most 2,000 rows): 165 µs on the link x1 × 0.1 + 100 (the bias far from 0), 60–90 µs
# on the default data; analysis.best_bias takes at most 8 steps per grid point on average
LANDSCAPE_ROWS = 2000  # the landscape's sample (analysis.landscape's max_points)
METHOD_FACTOR = 2.0  # a run of momentum, Nesterov or Adam against gradient descent's, side by side: at most 1.58
# (`python3 benchmarks/bench_budget.py methods`: Adam on the default data, 1,000 points)
NEWTON_EPOCH_US = 330.0  # Newton's method: one step's fixed cost, the Hessian, its solve and the step's check
# (164 µs on 100 points with huge logits)
NEWTON_ROW_US = 0.24  # and per row of a step: the Hessian's products and the halving's objective (0.118 µs at
# 200,000 shifted points)
FIGURE_FRAME_US = 50.0  # building one frame of the animation (and of the race)
CSV_ROW_US = 1.0  # one row of an uploaded file: its digest, parsing, the columns checked, split and scaled
CSV_CELL_US = 0.25  # one cell of an uploaded file, read and checked as a number (0.12 µs measured on 1,000 columns)
PAGE_US = 250_000.0  # the page's fixed work: widgets, figures sent, the tabs' own panels (AppTest, default page:
# 0.22–0.31 s in all, of which the terms above predict about 0.06 s)


@dataclass(frozen=True)
class Plan:
    """What one page trains: the epochs of every run on it, on how many points, the predicted CPU time."""

    epochs: int  # the epochs each run makes (the asked number, or fewer to fit the budget)
    asked: int
    runs: int  # the runs trained for this page besides the family: 1, or 1 + RACE_RUNS (see plan)
    seconds: float  # predicted CPU seconds for the whole page
    n_train: int  # the training points used: all of them, unless even MIN_EPOCHS epochs did not fit
    n_test: int
    all_train: int  # the training and test points the data has
    all_test: int
    family_epochs: int = 0  # the epochs of the other rates' runs: `epochs`, fewer, or 0 (none fit the budget)
    race: bool = False  # the race tab is open: the race's lanes make the page's epochs
    methods: int = 0  # the optimizers tab is open: the runs of the methods it races make the page's epochs

    @property
    def cut(self) -> bool:
        return self.epochs < self.asked or self.n_train < self.all_train or self.family_cut

    @property
    def family_cut(self) -> bool:
        return self.family_epochs < self.epochs

    @property
    def sampled(self) -> bool:
        return self.n_train < self.all_train

    def note(self, n_train: int | None = None) -> str | None:
        """The one sentence the page shows when the runs were cut."""
        if not self.cut:
            return None
        runs = "this run and the race's runs" if self.race else "this run"
        runs = "this run and the optimizers' runs" if self.methods else runs
        points = f"on {self.all_train:,} training points"
        if self.sampled:
            test = f" (and {self.n_test:,} of the {self.all_test:,} test points)" if self.all_test else ""
            points = f"on a random {self.n_train:,} of the {self.all_train:,} training points{test}"
        epochs = (
            f"{self.epochs:,} of the {self.asked:,} epochs asked for"
            if self.epochs < self.asked
            else f"all {self.asked:,} epochs asked for"
        )
        others = ""
        if self.family_cut and self.family_epochs:
            others = (
                f"; the other learning rates' runs make {self.family_epochs:,} of them (move η and the run on "
                "screen ends there; choose that η again, or change a setting, for its whole run)"
            )
        elif self.family_cut:
            others = "; the other learning rates are trained only when η moves to them"
        return (
            f"To keep the shared server responsive, every page gets about {PAGE_BUDGET_S:g} s of its time, so "
            f"{runs} make{'' if self.race or self.methods else 's'} {epochs} {points}{others} (fewer points, a "
            "larger batch or fewer epochs run them all)."
        )


def run_us(epochs: int, n_train: int, n_test: int, batch_size: int | None) -> float:
    """Predicted CPU µs of one run: training and the verdict's sharpness over the last quarter."""
    per_snapshot = EPOCH_US + ROW_PASS_US * (n_train + n_test)
    cost = (epochs + 1) * per_snapshot
    if batch_size is not None and batch_size < n_train:
        cost += epochs * (UPDATE_US * -(-n_train // batch_size) + BATCH_ROW_US * n_train)
    return cost + (epochs // 4 + 1) * (SNAPSHOT_US + SHARPNESS_ROW_US * n_train)


def methods_us(epochs: int, n_train: int, n_test: int, batch_size: int | None, methods: int, newton: bool) -> float:
    """Predicted CPU µs of the optimizers tab's runs: `methods` runs, Newton's method among them when `newton`."""
    others = (methods - int(newton)) * METHOD_FACTOR * run_us(epochs, n_train, n_test, batch_size)
    if not newton:
        return others
    steps = (epochs + 1) * (NEWTON_EPOCH_US + NEWTON_ROW_US * n_train) - (epochs + 1) * EPOCH_US
    return others + run_us(epochs, n_train, n_test, None) + max(steps, 0.0)


def family_us(epochs: int, n_train: int, n_test: int, batch_size: int | None) -> float:
    """Predicted CPU µs of the η control's other rates' runs: each run with its verdict, and the sharpness at
    each of its frames."""
    frames = min(epochs + 1, MAX_FRAMES)
    per_run = run_us(epochs, n_train, n_test, batch_size) + frames * (SNAPSHOT_US + SHARPNESS_ROW_US * n_train)
    return FAMILY_RUNS * per_run


def data_us(n_train: int, landscape: bool = True, file_rows: int = 0, file_cells: int = 0) -> float:
    """Predicted CPU µs of the work that depends on the data only (done once per dataset, then cached).

    n_train: the training rows the page trains on (the η control's words are fitted to the same rows);
    file_rows: the rows of an uploaded file, read and made ready for training (0: synthetic data);
    file_cells: its cells (rows × columns: every column is read and checked).
    """
    return (
        OPTIMUM_ROW_US * n_train
        + (LANDSCAPE_ROW_US * min(n_train, LANDSCAPE_ROWS) if landscape else 0.0)
        + CSV_ROW_US * file_rows
        + CSV_CELL_US * file_cells
    )


def page_us(
    epochs: int,
    n_train: int,
    n_test: int,
    batch_size: int | None,
    runs: int = 1,
    landscape: bool = True,
    *,
    file_rows: int = 0,
    file_cells: int = 0,
    race: bool | None = None,
) -> float:
    """Predicted CPU µs of a page whose `runs` runs make `epochs` epochs each, the data's work included
    (file_rows: see data_us); race: the race tab is open (default: runs > 1), which builds its frames too."""
    race = runs > 1 if race is None else race
    frames = min(epochs + 1, MAX_FRAMES)
    return (
        runs * run_us(epochs, n_train, n_test, batch_size)
        + frames * (SNAPSHOT_US + SHARPNESS_ROW_US * n_train)
        + FIGURE_FRAME_US * frames * (2 if race else 1)
        + PAGE_US
        + data_us(n_train, landscape or race, file_rows, file_cells)
    )


def plan(
    asked: int,
    n_train: int,
    n_test: int,
    batch_size: int | None,
    *,
    race: bool = False,
    landscape: bool = True,
    file_rows: int = 0,
    file_cells: int = 0,
    budget_s: float = PAGE_BUDGET_S,
    methods: int = 0,
    newton: bool = False,
) -> Plan:
    """The most epochs, up to `asked`, whose page fits the budget; on fewer points only where not even
    MIN_EPOCHS epochs fit (large files, tiny mini-batches).

    race: the race tab is open: every rate's run (the race's lanes) makes the page's epochs (the race is in
    lockstep), and the race's rates are chosen from those runs; where the family cannot make them, up to
    RACE_RUNS more runs train to choose the rates.
    file_rows, file_cells: the rows and cells of an uploaded file (0 for synthetic data): reading it is part of
    the page.
    methods: the optimizers tab is open and races this many methods (Newton's method among them: newton), each
    a run of the page's epochs.
    The prediction depends on the sizes and settings only, never on what happens to be cached, so the
    same link always makes the same run.
    """
    sizes = (asked, n_train, n_test, batch_size)
    options = dict(race=race, landscape=landscape, file_rows=file_rows, file_cells=file_cells, budget_s=budget_s)
    options.update(methods=methods, newton=newton)
    lockstep = _plan(*sizes, runs=1, **options)
    if not race or lockstep.family_epochs >= lockstep.epochs:
        return lockstep
    return _plan(*sizes, runs=1 + RACE_RUNS, **options)


def _plan(
    asked: int,
    n_train: int,
    n_test: int,
    batch_size: int | None,
    *,
    runs: int,
    race: bool,
    landscape: bool,
    file_rows: int,
    file_cells: int,
    budget_s: float,
    methods: int,
    newton: bool,
) -> Plan:
    budget_us = budget_s * 1e6

    def cost(e: int, rows: int) -> float:
        tests = round(n_test * rows / n_train)
        files = dict(file_rows=file_rows, file_cells=file_cells)
        page = page_us(e, rows, tests, batch_size, runs, landscape, **files, race=race)
        return page + (methods_us(e, rows, tests, batch_size, methods, newton) if methods else 0.0)

    def largest(lo: int, hi: int, fits) -> int:
        """The largest k in [lo, hi] with fits(k), fits being true at lo and monotone."""
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if fits(mid) else (lo, mid - 1)
        return lo

    floor = min(asked, MIN_EPOCHS)
    rows = n_train
    if asked >= 1 and cost(floor, n_train) > budget_us:  # fewer points: the only way to show a run at all
        rows = largest(min(n_train, MIN_ROWS), n_train, lambda r: cost(floor, r) <= budget_us)
    epochs = largest(min(floor, max(asked, 0)), max(asked, 0), lambda e: cost(e, rows) <= budget_us)
    tests = round(n_test * rows / n_train)
    with_family = lambda e: cost(e, rows) + (family_us(e, rows, tests, batch_size) if e else 0.0)  # noqa: E731
    least = min(floor, epochs)  # the race's lanes make the page's epochs (lockstep), never fewer than the floor
    if race and least and with_family(least) <= budget_us:
        epochs = largest(least, epochs, lambda e: with_family(e) <= budget_us)
    left = budget_us - cost(epochs, rows)  # the other rates get what the page's own run leaves: maybe nothing
    family = largest(0, epochs, lambda e: e == 0 or family_us(e, rows, tests, batch_size) <= left)
    seconds = (cost(epochs, rows) + (family_us(family, rows, tests, batch_size) if family else 0.0)) / 1e6
    return Plan(epochs, asked, runs, seconds, rows, tests, n_train, n_test, family, race, methods)


def one_blas_thread() -> bool:
    """Run every BLAS call (NumPy's matrix products, Newton's solves) on the calling thread, for the whole
    process; True once done. OpenBLAS otherwise splits a large product between threads that spin while they
    wait: on two cores shared with other work that spinning multiplied the CPU time of a product over
    100,000 rows by 8 (the sharpness, 0.009 → 0.07 µs per row and snapshot), and of a whole page by 1.6.
    One server serves many sessions, so more threads per page would not make the class faster anyway.

    NumPy has no setting for this, so the OpenBLAS that NumPy's wheel loaded is asked directly, through
    its own exported setter; on a system where no OpenBLAS is loaded (or no /proc/self/maps lists it)
    this does nothing and returns False, and the budget then holds on a quiet machine only. Call it once
    NumPy is imported: the libraries it sets are the ones loaded by then."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split(None, 5)[-1].strip() for line in maps if "openblas" in line.lower()}
    except OSError:
        return False
    done = False
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)  # the library already loaded: the same handle, nothing new runs
        except OSError:
            continue
        for name in _OPENBLAS_SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter(1)
                done = True
                break
    return done


# OpenBLAS's thread-count setter under the names its builds export: NumPy's wheels (64-bit integers,
# prefixed "scipy_"), SciPy's (32-bit), then plain builds
_OPENBLAS_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)
