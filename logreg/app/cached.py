"""The work that every viewer of the server shares, kept in one byte-bounded cache.

Each entry's key is built here, in one place, from frozen values: the data's source (which holds
every input that shapes the data), the settings, and what else the result depends on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..analysis import Landscape, Optimum, landscape, landscape_box
from ..curvature import sharpness_along
from ..data import Dataset
from ..lesson import Lane, race_rates, rate_words
from ..optimizers import Optimizer
from ..tabular import Scaler, TabularData, read_csv
from ..tabular import feature_columns as find_feature_columns
from . import budget
from .cache import ByteBudgetCache
from .run import CsvColumns, Run, Synthetic, analyse, run
from .settings import LR_OPTIONS, Settings, page_runs
from .watch import still_wanted

MEMORY_BYTES = 150 * 2**20  # what the server may grow by beyond its warm baseline, whatever the links and uploads
# Every session's cached data, runs and landscapes together. The rest of MEMORY_BYTES is for what the
# cache's count does not see: the allocator's partly used pages once entries leave, and sessions Streamlit
# keeps for a while after their tab closed (the soak benchmark measured about 20 MiB of these beyond a
# full cache of 150 MiB).
CACHE_BYTES = 128 * 2**20
CACHE = ByteBudgetCache(CACHE_BYTES)


@dataclass(frozen=True, eq=False)
class DataChoice:
    """The data the sidebar chose: its source (the cache key) and the parts made from it."""

    source: Synthetic | CsvColumns | Sample
    train: Dataset
    test: Dataset | None
    scaler: Scaler | None = None  # how an uploaded file's columns were divided and scaled


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def table(raw: bytes, sha: str) -> pd.DataFrame:
    """An uploaded file read as a table (sha: its digest, computed once by the caller)."""
    return CACHE.get(("table", sha), lambda: read_csv(raw))


def feature_columns(frame: pd.DataFrame, sha: str) -> tuple[list[str], dict[str, str]]:
    """The file's columns that can be features, and why each other one can't."""
    return CACHE.get(("feature columns", sha), lambda: find_feature_columns(frame))


def tabular(source: CsvColumns, frame: pd.DataFrame) -> TabularData:
    return CACHE.get(source, lambda: source.load(frame))


def synthetic(source: Synthetic) -> DataChoice:
    train, test = CACHE.get(source, source.load)
    return DataChoice(source, train, test)


def analysis(data: DataChoice, l2: float) -> tuple[Optimum, float]:
    """The minimum and the largest stable rate: they depend on the data and λ only."""
    return CACHE.get(("analysis", data.source, l2), lambda: analyse(data.train, l2))


def rate_note(data: DataChoice, l2: float) -> tuple[str, str]:
    """The words under the η control: (headline, details), the plain line first, then the exact numbers
    (lesson.rate_words): what this data guarantees, and where runs overshoot and oscillate."""
    best, _ = analysis(data, l2)

    def words() -> tuple[str, str]:
        said = rate_words(data.train.X, best, l2=l2)
        return said.headline, said.details

    return CACHE.get(("rate note", data.source, l2), words)


def page_plan(data: DataChoice, settings: Settings, race: bool, methods: bool = False) -> budget.Plan:
    """The epochs every run on this page makes, within the page's time budget (race: the race tab is open;
    methods: the optimizers tab is open, and settings.opt race)."""
    n_test = 0 if data.test is None else data.test.n
    file_rows = data.train.n + n_test if isinstance(data.source, CsvColumns) else 0  # the upload is read too
    return budget.plan(
        settings.epochs,
        data.train.n,
        n_test,
        settings.batch_size,
        race=race,
        landscape=settings.land == "on",
        file_rows=file_rows,
        file_cells=file_rows * data.source.columns if file_rows else 0,
        methods=len(settings.opt) if methods else 0,
        newton=methods and Optimizer.NEWTON in settings.opt,
    )


@dataclass(frozen=True)
class Sample:
    """A seeded random part of a source's points: what a page trains on when its budget is too small for all."""

    source: Synthetic | CsvColumns
    n_train: int
    n_test: int
    seed: int


def sample(data: DataChoice, plan: budget.Plan, seed: int) -> DataChoice:
    """The data `plan` trains on: all of `data`, or a seeded random plan.n_train of its training points
    (and plan.n_test of its test points), in their original order."""
    if not plan.sampled:
        return data
    source = Sample(data.source, plan.n_train, plan.n_test, seed)

    def part(d: Dataset | None, k: int) -> Dataset | None:
        if d is None or k == 0:
            return None
        keep = np.sort(np.random.RandomState(seed).choice(d.n, k, replace=False))
        X, y = d.X[keep], d.y[keep]
        X.flags.writeable = y.flags.writeable = False
        return replace(d, X=X, y=y)

    train, test = CACHE.get(source, lambda: (part(data.train, plan.n_train), part(data.test, plan.n_test)))
    return DataChoice(source, train, test, data.scaler)


def training(data: DataChoice, settings: Settings, plan: budget.Plan | None = None) -> Run:
    """The run of `settings` on `data`, making the epochs `plan` allows (default: the page's own plan
    without the race). Training stops, and nothing is kept, if its viewer goes away."""
    plan = plan or page_plan(data, settings, race=False)
    return _trained(data, settings, plan.epochs, plan.note(data.train.n))


def _trained(data: DataChoice, settings: Settings, epochs: int, note: str | None) -> Run:
    """The run of `settings` on `data` for `epochs` epochs, from the cache or trained; training stops, and
    nothing is kept, if its viewer goes away."""
    return CACHE.get(
        ("run", data.source, page_runs(settings), epochs),  # τ reads a run only
        lambda: run(
            settings,
            data.train,
            data.test,
            data.scaler,
            analysis=analysis(data, settings.l2),
            epochs=epochs,
            note=note,
            between_epochs=still_wanted(),
        ),
    )


def race_lanes(data: DataChoice, runs: tuple[Run | None, ...]) -> tuple[Lane, ...]:
    """Up to four rates of the η control whose full-batch runs show too slow, guaranteed, and oscillating or
    rising-then-lower; none for mini-batch runs. `runs`: the family of every rate (families.family), whose
    runs the race draws: each candidate is judged on its own run there, not trained again."""
    trained = [r for r in runs if r is not None]
    if not trained:
        return ()
    settings = trained[0].settings
    if settings.batch_size is not None and settings.batch_size < data.train.n:
        return ()
    best, _ = analysis(data, settings.l2)
    epochs = max(len(r.history) for r in trained) - 1
    shared = page_runs(settings, lr=LR_OPTIONS[0])
    key = ("race lanes", data.source, shared, tuple(len(r.history) for r in trained))
    return CACHE.get(
        key,
        lambda: race_rates(
            data.train.X,
            data.train.y,
            LR_OPTIONS,
            l2=settings.l2,
            epochs=epochs,
            init=settings.initial,
            seed=settings.seed,
            best=best,
            histories={r.settings.lr: r.history for r in trained},
        ),
    )


def run_landscape(data: DataChoice, r: Run) -> Landscape:
    """The landscape around the start, the minimum and the true weights: it depends on the data, not on η
    or the number of epochs, so moving those reuses it. With neither a minimum nor true weights, the run's
    end is included too."""
    points = [r.history[0].w, np.zeros(2)]
    points += [r.best.w] if r.best.exists else []
    points += [r.true_line[0]] if r.true_line is not None else []
    if len(points) == 2:
        points.append(r.history[-1].w)
    box = landscape_box(points)
    truth = None if r.true_line is None else r.true_line[0]
    return CACHE.get(
        ("landscape", data.source, box, r.settings.l2),
        lambda: landscape(r.train.X, r.train.y, box, l2=r.settings.l2, best=r.best, truth=truth),
    )


def frame_sharpness(data: DataChoice, r: Run, frame_index: np.ndarray) -> np.ndarray:
    """The sharpness s(θ) at the snapshots that become frames, one value each (read-only)."""

    def compute() -> np.ndarray:
        shown = [r.history[i] for i in frame_index]
        values = sharpness_along(
            r.train.X, np.array([s.w for s in shown]), np.array([s.b for s in shown]), r.settings.l2
        )
        values.flags.writeable = False
        return values

    key = ("sharpness", data.source, page_runs(r.settings), tuple(frame_index.tolist()))
    return CACHE.get(key, compute)
