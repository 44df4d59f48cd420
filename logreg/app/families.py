"""Every rate of the η control trained on the page's data, kept in the server's one cache.

The page sends the browser every learning rate's run, so that moving η never waits for the server: the
runs are trained together (`logreg.family`), each equal bit for bit to `train` with its own rate, and
judged one by one as a single run is (`run.run` with the family's snapshots).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..curvature import sharpness_along_runs
from ..family import train_family
from . import budget, cached
from .cached import CACHE, DataChoice, analysis
from .family_view import Member, frames_of
from .run import Run, run, train_options
from .settings import LR_OPTIONS, Settings, page_runs
from .watch import still_wanted


def family(data: DataChoice, settings: Settings, plan: budget.Plan) -> tuple[Run | None, ...]:
    """One run per rate of the η control (LR_OPTIONS, in order) with every other setting of `settings`: the
    rate of `settings` for the epochs `plan` gives the page's run, the others for plan.family_epochs (the
    same, unless the budget needed fewer; None where not even one epoch fitted). Trained together, once per
    data and settings."""
    # η plays no part in the key (every rate is here), nor τ (it reads a run's probabilities, never trains one)
    shared = page_runs(settings, lr=LR_OPTIONS[0])
    own = rate_index(settings.lr)  # the η on screen is never cut for the other rates
    epochs = plan.family_epochs
    if epochs == 0:
        runs: tuple[Run | None, ...] = (None,) * len(LR_OPTIONS)
    else:
        note = plan.note(data.train.n)
        runs = CACHE.get(("family", data.source, shared, epochs), lambda: _trained(data, shared, epochs, note))
    if epochs >= plan.epochs:
        return runs
    return (*runs[:own], cached.training(data, settings, plan), *runs[own + 1 :])


def _trained(data: DataChoice, settings: Settings, epochs: int, note: str | None) -> tuple[Run, ...]:
    s, train, test = settings, data.train, data.test
    epochs = min(epochs, s.epochs)
    trained = train_family(
        train.X,
        train.y,
        learning_rates=LR_OPTIONS,
        epochs=epochs,
        **train_options(s, test),
        between_epochs=still_wanted(),
    )
    judged = analysis(data, s.l2)
    return tuple(
        run(
            replace(s, lr=lr),
            train,
            test,
            data.scaler,
            analysis=judged,
            epochs=epochs,
            note=note,
            history=trained.snapshots(k),
        )
        for k, lr in enumerate(LR_OPTIONS)
    )


def members(data: DataChoice, runs: tuple[Run | None, ...], plan: budget.Plan) -> tuple[Member | None, ...]:
    """Each run of `family(data, settings, plan)` with the snapshots that become its frames and the
    sharpness at each (cached as the runs are; None for a rate that was not trained)."""
    trained = next(r for r in runs if r is not None)
    lengths = tuple(0 if r is None else len(r.history) for r in runs)
    shared = page_runs(trained.settings, lr=LR_OPTIONS[0])
    key = ("family frames", data.source, shared, plan.epochs, lengths)

    def compute() -> tuple[tuple[np.ndarray, np.ndarray] | None, ...]:
        # only the frames and their sharpness are kept here: the runs are the family entry's, counted there.
        # Every run is on the same data with the same λ: their sharpness is computed together.
        shown = [r for r in runs if r is not None]
        indices = [frames_of(r) for r in shown]
        histories = [[r.history[i] for i in index] for r, index in zip(shown, indices)]
        thetas = [(np.array([s.w for s in h]), np.array([s.b for s in h])) for h in histories]
        frames = iter(zip(indices, sharpness_along_runs(trained.train.X, thetas, trained.settings.l2)))
        out: list[tuple[np.ndarray, np.ndarray] | None] = []
        for r in runs:
            if r is None:
                out.append(None)
                continue
            index, values = next(frames)
            index.flags.writeable = values.flags.writeable = False
            out.append((index, values))
        return tuple(out)

    frames = CACHE.get(key, compute)
    return tuple(None if r is None else Member(r, *f) for r, f in zip(runs, frames))


def rate_index(lr: float) -> int:
    """The position of η among the control's rates (the nearest one)."""
    return int(np.argmin([abs(np.log10(v) - np.log10(lr)) for v in LR_OPTIONS]))
