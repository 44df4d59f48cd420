"""From settings to everything the page shows: data, the run, and its analysis. No Streamlit here.

Where data comes from is a frozen value (`Synthetic` or `CsvColumns`) holding every input that
shapes it, so it can key a cache: two sources that differ in any field are different keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import partial

import numpy as np
import pandas as pd

from ..analysis import Optimum, max_stable_learning_rate, optimum
from ..curvature import sharpness_along, sharpness_at_minimum
from ..data import Dataset, make_synthetic, split, with_points
from ..tabular import Scaler, TabularData, from_frame
from ..train import Snapshot, train
from ..verdict import Verdict, last_quarter_start, verdict
from .drawn import Points
from .settings import Settings


@dataclass(frozen=True, eq=False)
class Run:
    """One training run and what the views need of it."""

    settings: Settings
    train: Dataset
    test: Dataset | None
    history: tuple[Snapshot, ...]
    max_stable: float
    best: Optimum
    verdict: Verdict
    true_line: tuple[np.ndarray, float] | None
    scaler: Scaler | None = None  # how an uploaded file's columns were divided and scaled before training
    notes: tuple[str, ...] = ()  # what the run did differently from what was asked, in words
    epochs: int | None = None  # the epochs the page's time budget allowed (settings.epochs when not cut)


@dataclass(frozen=True)
class Synthetic:
    """Synthetic data: the settings that make it, and nothing else (η or epochs don't change it)."""

    w1: float
    w2: float
    bias: float
    n: int
    seed: int
    labels: str
    flip: float
    xscale: float
    xshift: float
    test: float

    @classmethod
    def of(cls, s: Settings | Mapping[str, object]) -> Synthetic:
        """From settings, or from the controls' values before they become settings."""
        get = s.__getitem__ if isinstance(s, Mapping) else partial(getattr, s)
        return cls(**{f.name: get(f.name) for f in fields(cls)})

    def data(self) -> Dataset:
        return make_synthetic(
            self.n,
            (self.w1, self.w2),
            self.bias,
            self.seed,
            labels=self.labels,
            flip=self.flip,
            scale=(self.xscale, 1.0),
            shift=(self.xshift, 0.0),
        )

    def load(self) -> tuple[Dataset, Dataset | None]:
        return split(self.data(), self.test, self.seed)


@dataclass(frozen=True)
class WithPoints:
    """Points added to synthetic data (base), or on their own (base None), then split as scikit-learn's
    train_test_split(test_size=test, random_state=seed): an added point goes where the seeded split puts it."""

    base: Synthetic | None
    points: Points
    test: float
    seed: int

    def load(self) -> tuple[Dataset, Dataset | None]:
        return split(with_points(None if self.base is None else self.base.data(), self.points), self.test, self.seed)


@dataclass(frozen=True)
class CsvColumns:
    """Data from an uploaded file: the file (by its SHA-256) and every choice made of its columns."""

    digest: str
    features: tuple[str, str]
    label: str
    scaling: str
    test: float
    seed: int  # the split's, as scikit-learn's train_test_split(random_state=seed)
    divide: tuple[float, float] = (1.0, 1.0)  # each feature divided by this first, as a notebook's x / 100
    columns: int = 3  # the file's columns: each is read and checked, which the page's budget counts

    def load(self, table: pd.DataFrame) -> TabularData:
        """The file's table made ready for training; `table` must be the file named by `digest`."""
        return from_frame(
            table,
            self.features,
            self.label,
            scaling=self.scaling,
            test_fraction=self.test,
            seed=self.seed,
            divide=dict(zip(self.features, self.divide)),
        )


def synthetic_data(s: Settings) -> Dataset:
    return Synthetic.of(s).data()


def synthetic_split(s: Settings) -> tuple[Dataset, Dataset | None]:
    """The data settings s describe, split: the synthetic data with the points added to it (s.points), or those
    points alone (source "mine")."""
    if s.source == "mine" or s.points:
        return WithPoints(None if s.source == "mine" else Synthetic.of(s), s.points, s.test, s.seed).load()
    return Synthetic.of(s).load()


def analyse(data: Dataset, l2: float) -> tuple[Optimum, float]:
    """What depends on the data and the penalty only: the minimum and the largest stable rate."""
    return optimum(data.X, data.y, l2), max_stable_learning_rate(data.X, l2)


def run(
    s: Settings,
    data: Dataset | None = None,
    test: Dataset | None = None,
    scaler: Scaler | None = None,
    analysis: tuple[Optimum, float] | None = None,
    epochs: int | None = None,
    note: str | None = None,
    between_epochs: Callable[[], None] | None = None,
    history: Sequence[Snapshot] | None = None,
) -> Run:
    """Train with settings `s` on `data` (default: the synthetic data the settings describe).

    Given data is used as it is (already split); synthetic data is split by s.test.
    analysis: `analyse(data, s.l2)` when the caller already has it.
    epochs: fewer epochs than s.epochs, when the page's time budget cut the run (`note` says so).
    between_epochs: called after every epoch; it may raise to stop the work (the viewer has gone).
    history: the run's snapshots when they were trained already (every rate at once, `logreg.family`),
    exactly what training with these settings gives; the analysis and the verdict are made from them.
    """
    if data is None:
        data, test = synthetic_split(s)
    epochs = s.epochs if epochs is None else min(epochs, s.epochs)
    if history is None:
        history = _trained(s, data, test, epochs, between_epochs)
    history = tuple(history)
    best, stable = analysis if analysis is not None else analyse(data, s.l2)
    true_line = (data.true_w, data.true_b) if data.true_w is not None else None
    mini_batch = s.batch_size is not None and s.batch_size < data.n
    # the sharpness over the last quarter only: what the verdict needs, at a quarter of the cost of the whole run
    tail = history[last_quarter_start(history[-1].epoch) :]
    curvature = sharpness_along(data.X, np.array([x.w for x in tail]), np.array([x.b for x in tail]), s.l2)
    judged = verdict(
        history,
        s.lr,
        stable,
        best,
        l2=s.l2,
        mini_batch=mini_batch,
        loss_threshold=s.loss_threshold,
        sharpness_at_min=sharpness_at_minimum(data.X, best, s.l2),
        sharpness_now=float(curvature[-1]),
        sharpness_peak=float(curvature.max()),
    )
    return Run(
        s,
        data,
        test,
        history,
        stable,
        best,
        judged,
        true_line,
        scaler,
        notes=(note,) if note and epochs < s.epochs else (),
        epochs=epochs,
    )


def train_options(s: Settings, test: Dataset | None) -> dict:
    """What `train` (and `train_family`) take from the settings besides the data, η and the epochs."""
    return {
        "init": s.initial,
        "loss_threshold": s.loss_threshold,
        "l2": s.l2,
        "batch_size": s.batch_size,
        "seed": s.seed,
        "X_test": None if test is None else test.X,
        "y_test": None if test is None else test.y,
    }


def _trained(
    s: Settings, data: Dataset, test: Dataset | None, epochs: int, between_epochs: Callable[[], None] | None
) -> tuple[Snapshot, ...]:
    """The snapshots of gradient descent with settings s on data, for `epochs` epochs."""
    snapshots = []
    for snapshot in train(data.X, data.y, learning_rate=s.lr, epochs=epochs, **train_options(s, test)):
        snapshots.append(snapshot)
        if between_epochs is not None:
            between_epochs()
    return tuple(snapshots)
