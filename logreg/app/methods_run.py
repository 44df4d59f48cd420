"""The optimizers tab's runs: each method it races, on the page's data, from the page's start, at the page's η
(Newton's method at η = 1, the classical method), for the page's epochs; kept in the server's one cache. No
Streamlit."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..formatting import number
from ..optimizer_words import NAMES, ending_sentence, halving_sentence, reached_sentence, target_loss
from ..optimizers import HessianVanished, Optimizer
from ..train import Snapshot, train
from . import budget
from .cached import CACHE, DataChoice, analysis
from .run import Run, run, train_options
from .settings import DEFAULTS, Settings
from .watch import still_wanted

NEWTON_RATE = 1.0  # Newton's method takes full steps: the classical method (halved only where one would not help)


@dataclass(frozen=True, eq=False)
class Raced:
    """The methods that ran, in the order chosen, their runs, and a plain sentence for each that could not run."""

    methods: tuple[Optimizer, ...]
    runs: tuple[Run, ...]
    left_out: tuple[str, ...]

    def headline(self) -> str | None:
        """Who reached the race's loss first, and when the others did (None: nothing ran)."""
        if not self.runs:
            return None
        histories = {m: r.history for m, r in zip(self.methods, self.runs)}
        return reached_sentence(histories, target_loss(histories.values()))

    def endings(self) -> list[str]:
        """Why a run stopped before its last epoch, and where Newton's method halved its step."""
        said = [ending_sentence(m, r.history) for m, r in zip(self.methods, self.runs)]
        said += [halving_sentence(r.history) for m, r in zip(self.methods, self.runs) if m is Optimizer.NEWTON]
        return [s for s in said if s]


def rate_of(method: Optimizer, lr: float) -> float:
    """The η a method runs at on the page: the page's, or NEWTON_RATE for Newton's method."""
    return NEWTON_RATE if method is Optimizer.NEWTON else lr


def raced(data: DataChoice, settings: Settings, plan: budget.Plan) -> Raced:
    """Each method of settings.opt on `data`, for the epochs `plan` gives the page (cached per data and settings)."""
    shared = replace(settings, threshold=DEFAULTS["threshold"])  # τ reads a run, never trains one
    key = ("methods", data.source, shared, plan.epochs)
    return CACHE.get(key, lambda: _raced(data, shared, plan.epochs, plan.note(data.train.n)))


def _raced(data: DataChoice, s: Settings, epochs: int, note: str | None) -> Raced:
    methods, runs, left = [], [], []
    mini_batch = s.batch_size is not None and s.batch_size < data.train.n
    judged = analysis(data, s.l2)
    for method in s.opt:
        if method is Optimizer.NEWTON and mini_batch:
            left.append(
                f"Newton's method uses every point at each step, so it does not race with batch size {s.batch}: "
                "choose batch size full in the sidebar."
            )
            continue
        try:
            history = _history(data, s, method, epochs)
        except HessianVanished:
            left.append(
                "Newton's method could not start: from this start every point is so far from the line that the loss "
                "has almost no curvature to follow. Start nearer w = 0, b = 0, or add an L2 penalty."
            )
            continue
        settings = replace(s, lr=rate_of(method, s.lr))
        runs.append(run(settings, data.train, data.test, data.scaler, judged, epochs, note, history=history))
        methods.append(method)
    return Raced(tuple(methods), tuple(runs), tuple(left))


def _history(data: DataChoice, s: Settings, method: Optimizer, epochs: int) -> tuple[Snapshot, ...]:
    check = still_wanted()  # training stops, and nothing is kept, if its viewer goes away
    snapshots = []
    options = train_options(s, data.test)
    rate = rate_of(method, s.lr)
    for snapshot in train(
        data.train.X, data.train.y, learning_rate=rate, epochs=epochs, optimizer=method, momentum=s.beta, **options
    ):
        snapshots.append(snapshot)
        check()
    return tuple(snapshots)


def lane_label(method: Optimizer, s: Settings) -> str:
    """A lane's name in the race's bar and list: "momentum (β = 0.9)", "Newton's method (η = 1)"."""
    if method in (Optimizer.MOMENTUM, Optimizer.NESTEROV):
        return f"{NAMES[method]} (β = {number(s.beta)})"
    if method is Optimizer.NEWTON:
        return f"{NAMES[method]} (η = {number(NEWTON_RATE)})"
    return NAMES[method]
