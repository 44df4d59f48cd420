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
from ..data import Dataset
from ..tabular import TabularData, read_csv
from .cache import ByteBudgetCache
from .run import CsvColumns, Run, Synthetic, analyse, run
from .settings import Settings

CACHE_BYTES = 150 * 2**20  # every session's cached data, runs and landscapes together
CACHE = ByteBudgetCache(CACHE_BYTES)


@dataclass(frozen=True, eq=False)
class DataChoice:
    """The data the sidebar chose: its source (the cache key) and the parts made from it."""

    source: Synthetic | CsvColumns
    train: Dataset
    test: Dataset | None
    units_note: str | None = None  # set when the features were scaled before training


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def table(raw: bytes, sha: str) -> pd.DataFrame:
    """An uploaded file read as a table (sha: its digest, computed once by the caller)."""
    return CACHE.get(("table", sha), lambda: read_csv(raw))


def tabular(source: CsvColumns, frame: pd.DataFrame) -> TabularData:
    return CACHE.get(source, lambda: source.load(frame))


def synthetic(source: Synthetic) -> DataChoice:
    train, test = CACHE.get(source, source.load)
    return DataChoice(source, train, test)


def analysis(data: DataChoice, l2: float) -> tuple[Optimum, float]:
    """The minimum and the largest stable rate: they depend on the data and λ only."""
    return CACHE.get(("analysis", data.source, l2), lambda: analyse(data.train, l2))


def training(data: DataChoice, settings: Settings) -> Run:
    """The run of `settings` on `data`."""
    return CACHE.get(("run", data.source, settings), lambda: run(
        settings, data.train, data.test, data.units_note, analysis=analysis(data, settings.l2)))


def race_run(data: DataChoice, settings: Settings, lr: float) -> Run:
    """The same data, start and analysis at another learning rate, without an early stop (lockstep);
    the page's own run when it is the same."""
    return training(data, replace(settings, lr=lr, stop=0.0))


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
