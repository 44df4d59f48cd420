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
from ..lesson import Lane, learning_rate_note, learning_rate_summary, race_rates
from ..tabular import Scaler, TabularData, read_csv
from ..tabular import feature_columns as find_feature_columns
from .cache import ByteBudgetCache
from .run import CsvColumns, Run, Synthetic, analyse, run
from .settings import LR_OPTIONS, Settings

CACHE_BYTES = 150 * 2**20  # every session's cached data, runs and landscapes together
CACHE = ByteBudgetCache(CACHE_BYTES)


@dataclass(frozen=True, eq=False)
class DataChoice:
    """The data the sidebar chose: its source (the cache key) and the parts made from it."""

    source: Synthetic | CsvColumns
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
    """The words under the η control, in one line and in full: what this data guarantees, and where
    runs oscillate."""
    best, _ = analysis(data, l2)
    return CACHE.get(("rate note", data.source, l2), lambda: (
        learning_rate_summary(data.train.X, best, l2=l2), learning_rate_note(data.train.X, best, l2=l2)))


def training(data: DataChoice, settings: Settings) -> Run:
    """The run of `settings` on `data`."""
    return CACHE.get(("run", data.source, settings), lambda: run(
        settings, data.train, data.test, data.scaler, analysis=analysis(data, settings.l2)))


def race_run(data: DataChoice, settings: Settings, lr: float) -> Run:
    """The same data, start and analysis at another learning rate, without an early stop (lockstep);
    the page's own run when it is the same."""
    return training(data, replace(settings, lr=lr, stop=0.0))


def race_lanes(data: DataChoice, settings: Settings) -> tuple[Lane, ...]:
    """Up to four rates of the η control whose full-batch runs, from the page's start and for its epochs, show
    too slow, guaranteed, and oscillating or rising-then-lower; none for mini-batch runs."""
    if settings.batch_size is not None and settings.batch_size < data.train.n:
        return ()
    best, _ = analysis(data, settings.l2)
    key = ("race lanes", data.source, settings.l2, settings.epochs, settings.init, settings.seed)
    return CACHE.get(key, lambda: race_rates(data.train.X, data.train.y, LR_OPTIONS, l2=settings.l2,
                                             epochs=settings.epochs, init=settings.init, seed=settings.seed, best=best))


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
    return CACHE.get(("landscape", data.source, box, r.settings.l2), lambda: landscape(
        r.train.X, r.train.y, box, l2=r.settings.l2, best=r.best, truth=truth))


def frame_sharpness(data: DataChoice, r: Run, frame_index: np.ndarray) -> np.ndarray:
    """The sharpness s(θ) at the snapshots that become frames, one value each (read-only)."""
    def compute() -> np.ndarray:
        shown = [r.history[i] for i in frame_index]
        values = sharpness_along(r.train.X, np.array([s.w for s in shown]), np.array([s.b for s in shown]),
                                 r.settings.l2)
        values.flags.writeable = False
        return values

    return CACHE.get(("sharpness", data.source, r.settings, tuple(frame_index.tolist())), compute)
