"""Every control of the app as data: its URL name, allowed values and default; share-link parsing;
presets. Pure Python (no Streamlit), so every rule here is tested directly.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from ..formatting import number, shorten
from .drawn import POINTS_CONTROL, START_CONTROL, ParsedControl, Points, Start
from .methods import DEFAULT_METHODS, METHODS_CONTROL, Methods

LR_OPTIONS = (
    0.0001,
    0.0002,
    0.0005,
    0.001,
    0.002,
    0.005,
    0.01,
    0.02,
    0.05,
    0.1,
    0.2,
    0.5,
    1.0,
    2.0,
    5.0,
    10.0,
    20.0,
    50.0,
    100.0,
)  # log-spaced: 1, 2, 5 per decade
L2_OPTIONS = (0.0, 0.0001, 0.001, 0.01, 0.1, 1.0)
SCALE_OPTIONS = (0.01, 0.1, 1.0, 10.0, 100.0)
BATCH_OPTIONS = ("1", "4", "16", "64", "256", "full")


@dataclass(frozen=True)
class Control:
    """One control: URL name, kind ("float", "int", "choice"), default and what is allowed."""

    key: str
    label: str
    kind: str
    default: object
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple = ()

    def allowed(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(number(o) if isinstance(o, float) else str(o) for o in self.options)
        step = f" in steps of {number(self.step)}" if self.step else ""
        return f"a number from {number(self.low)} to {number(self.high)}{step}"

    def parse(self, raw: str) -> tuple[object, str | None]:
        """(value, None) when raw is allowed; (value, note) when it was snapped to the nearest
        allowed value; raises ValueError when it is unusable."""
        text = raw.strip()
        if self.kind == "choice":
            if isinstance(self.options[0], float):
                given = _number(text)
                nearest = min(self.options, key=lambda o: _distance(o, given))
                if given < min(self.options) / 2 or given > max(self.options) * 2:
                    raise ValueError("out of range")
                return nearest, None if math.isclose(nearest, given) else f"rounded to {number(nearest)}"
            if text not in self.options:
                raise ValueError("not an option")
            return text, None
        given = _number(text)
        if not self.low <= given <= self.high:
            raise ValueError("out of range")
        snapped = self.low + round((given - self.low) / self.step) * self.step
        snapped = round(snapped, 10)
        if self.kind == "int":
            snapped = int(round(snapped))
        note = None if math.isclose(snapped, given, abs_tol=1e-9) else f"rounded to {number(snapped)}"
        return snapped, note


def _distance(option: float, number: float) -> float:
    """How far apart two values are on a log-scaled control (0 is its own point)."""
    if option <= 0 or number <= 0:
        return abs(option - number) * 1e6
    return abs(math.log10(option) - math.log10(number))


_NUMBER_CHARS = frozenset("0123456789+-.eE")


def _number(text: str) -> float:
    """A number written in ASCII: digits, a sign, a point and an exponent (float() alone would also read
    other scripts' digits, such as "١٠٠" or "𝟓", and underscores)."""
    if len(text) > 32:
        raise ValueError("too long")
    if not text or not set(text) <= _NUMBER_CHARS:
        raise ValueError("not a number in ASCII digits")
    value = float(text)  # raises ValueError on text such as "1e" or "--1"
    if not math.isfinite(value):
        raise ValueError("not finite")
    return value


@dataclass(frozen=True)
class Settings:
    """The values of all controls, and the one place their defaults are written.

    The defaults reproduce the seed 004 tutorial: its data, its learning rate and its 100 epochs.
    """

    source: str = "synthetic"  # "synthetic", "csv" or "mine" (only the points added by clicking)
    w1: float = 2.0  # the tutorial's true weights and bias
    w2: float = -3.0
    bias: float = 0.5
    n: int = 1000  # the tutorial's 1000 points
    seed: int = 0  # seed 0 gives the tutorial's exact points
    labels: str = "threshold"  # the tutorial's y = [σ(z) > 0.5]: separable classes
    flip: float = 0.0  # no label noise
    xscale: float = 1.0  # x1 in its own units
    xshift: float = 0.0
    test: float = 0.0  # the tutorial trains on every point
    lr: float = 0.1  # the tutorial's η
    epochs: int = 100  # the tutorial's loop
    init: str = "zeros"  # the tutorial starts from w = 0, b = 0
    l2: float = 0.0  # plain cross-entropy, as in the tutorial
    batch: str = "full"  # full-batch gradient descent
    stop: float = 0.0  # 0: no early stop
    land: str = "on"  # the loss landscape panel is shown
    threshold: float = 0.5  # τ: a point is called 1 where p ≥ 0.5, the class the model finds more likely
    points: Points = Points()  # points added by clicking the data panel, or by the link: none
    start: Start = Start()  # the start chosen on the landscape (used while init is "chosen")
    opt: Methods = DEFAULT_METHODS  # the methods the optimizers tab races: gradient descent, momentum and Adam
    beta: float = 0.9  # momentum's β (momentum and Nesterov), optax's and PyTorch's usual value

    @classmethod
    def from_values(cls, values: Mapping[str, object]) -> Settings:
        return cls(**{f.name: values.get(f.name, getattr(cls, f.name)) for f in fields(cls)})

    @property
    def batch_size(self) -> int | None:
        return None if self.batch == "full" else int(self.batch)

    @property
    def loss_threshold(self) -> float | None:
        return self.stop if self.stop > 0 else None

    @property
    def initial(self) -> str | tuple[tuple[float, float], float]:
        """What training starts from: init's name, or the chosen point as ((w1, w2), b) (0, 0, 0 while none is
        chosen yet)."""
        if self.init != "chosen":
            return self.init
        w1, w2, b = self.start or (0.0, 0.0, 0.0)
        return (w1, w2), b


_DEFAULT = Settings()


def _control(
    key: str,
    label: str,
    kind: str,
    low: float | None = None,
    high: float | None = None,
    step: float | None = None,
    options: tuple = (),
) -> Control:
    """A control whose default is the Settings field of the same name (one place for every default)."""
    return Control(key, label, kind, getattr(_DEFAULT, key), low, high, step, options)


CONTROLS: tuple[Control, ...] = (
    _control("source", "Data", "choice", options=("synthetic", "csv", "mine")),
    _control("w1", "true w1", "float", -5.0, 5.0, 0.1),
    _control("w2", "true w2", "float", -5.0, 5.0, 0.1),
    _control("bias", "true bias", "float", -5.0, 5.0, 0.1),
    _control("n", "number of points n", "int", 10, 20000, 10),
    _control("seed", "random seed", "int", 0, 9999, 1),
    _control("labels", "labels", "choice", options=("threshold", "logistic")),
    _control("flip", "flipped labels", "float", 0.0, 0.4, 0.01),
    _control("xscale", "x1 scaled by", "choice", options=SCALE_OPTIONS),
    _control("xshift", "then shifted by", "float", -100.0, 100.0, 1.0),
    _control("test", "test fraction", "float", 0.0, 0.5, 0.05),
    _control("lr", "learning rate η", "choice", options=LR_OPTIONS),
    _control("epochs", "epochs", "int", 1, 5000, 1),
    _control("init", "start from", "choice", options=("zeros", "ones", "random", "chosen")),
    _control("l2", "L2 penalty λ", "choice", options=L2_OPTIONS),
    _control("batch", "batch size", "choice", options=BATCH_OPTIONS),
    _control("stop", "stop at loss (0 = off)", "float", 0.0, 0.7, 0.0001),  # typed exactly, as a notebook's
    _control("land", "loss landscape panel", "choice", options=("on", "off")),
)
# Readings of a run: they change what the page reads from a run's probabilities, never the run itself (no
# training, no run's identity: the caches key runs with each reading at its default). The page's sidebar
# does not draw them: each is drawn, and written into the address bar, by the tab that reads with it.
READINGS: tuple[Control, ...] = (_control("threshold", "threshold τ", "float", 0.05, 0.95, 0.05),)
# Chosen by clicking the chart (points.py): the points added to the data, and the start chosen on the landscape.
DRAWN: tuple[ParsedControl, ...] = (POINTS_CONTROL, START_CONTROL)
# The optimizers tab's choices: they train the race's own runs, never the page's (the caches key the page's runs
# with these at their defaults, `page_runs`). Drawn by that tab; the player writes them into the address bar.
RACED: tuple[Control | ParsedControl, ...] = (METHODS_CONTROL, _control("beta", "momentum β", "float", 0.0, 0.99, 0.01))
BY_KEY = {c.key: c for c in CONTROLS + READINGS + DRAWN + RACED}
DEFAULTS = {c.key: c.default for c in CONTROLS + READINGS + DRAWN + RACED}
assert [f.name for f in fields(Settings)] == list(BY_KEY), "every setting has exactly one control"


def page_runs(settings: Settings, **changes: object) -> Settings:
    """The settings that make the page's runs: every reading (τ) and the optimizers tab's choices at their
    defaults, so that none of them trains the page's runs again (`changes`: more fields to set)."""
    keep = {c.key: c.default for c in READINGS + RACED}
    return replace(settings, **{**keep, **changes})


MAX_SHOWN = 1000  # characters of any visitor's text (a name, a value, a message quoting them) shown on the page


def quote_value(raw: str) -> str:
    """A URL value quoted for a message: short, printable, and shown as typed, never as markup."""
    text = "".join(ch if ch.isprintable() else "?" for ch in raw[:24])
    return "'" + plain(text + ("…" if len(raw) > 24 else "")) + "'"


def plain(text: object) -> str:
    """Text that Streamlit's Markdown shows as typed, with no link, emphasis, colour or formula.

    The text is first cut to MAX_SHOWN characters (a visitor's file can hold names and values of any
    length), then read once from left to right, with no regular expression: every ASCII punctuation
    mark is backslash-escaped (CommonMark shows an escaped mark as itself). Escapes do not stop a web or
    mail address from becoming a link, since that is found in the text after escapes are read: a word
    that could become one is shown as code, which is never linked.
    """
    out = []
    for space, run in itertools.groupby(shorten(str(text), MAX_SHOWN), str.isspace):
        word = "".join(run)
        if space:
            out.append(word)
        elif _linkable(word):
            out.append(_code(word))
        else:
            out.append("".join("\\" + ch if ch in _PUNCTUATION else ch for ch in word))
    return "".join(out)


def _linkable(word: str) -> bool:
    """Whether Markdown could make a link of word: a web or mail address, or anything with a scheme's ":/"
    (more words than a real address: those are only shown as code)."""
    lower = word.lower()
    return any(mark in lower for mark in _LINK_MARKS)


def _code(word: str) -> str:
    """word as a Markdown code span: a fence longer than any run of backticks in it."""
    longest = max((len(list(run)) for tick, run in itertools.groupby(word, "`".__eq__) if tick), default=0)
    pad = " " if word.startswith("`") or word.endswith("`") else ""
    return f"{'`' * (longest + 1)}{pad}{word}{pad}{'`' * (longest + 1)}"


_LINK_MARKS = ("www.", ":/", "mailto:", "xmpp:", "@")
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def parse_query(query: Mapping[str, str | list[str]]) -> tuple[dict[str, object], list[str]]:
    """Values from a share link's parameters, and a notice for each one that could not be used as given.

    Unknown parameters are ignored. A repeated parameter uses its last value.
    """
    values: dict[str, object] = {}
    notices: list[str] = []
    for key, raw in query.items():
        control = BY_KEY.get(key)
        if control is None:
            continue
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else ""
        raw = str(raw)
        default = number(control.default) if isinstance(control.default, float) else str(control.default)
        try:
            value, note = control.parse(raw)
        except (ValueError, OverflowError):
            notices.append(
                f"The link's {key}={quote_value(raw)} was not used: {control.label} must be "
                f"{control.allowed()}. Using the default, {default}."
            )
            continue
        values[key] = value
        if note:
            notices.append(
                f"The link's {key}={quote_value(raw)} was {note}: {control.label} must be {control.allowed()}."
            )
    if values.get("start") and "init" not in values:  # a link with a start starts there
        values["init"] = "chosen"
    return values, notices


@dataclass(frozen=True)
class Preset:
    name: str
    values: Mapping[str, object]
    watch: str


PRESETS: tuple[Preset, ...] = (
    Preset(
        "Seed 004 tutorial",
        {},
        "The tutorial's run: the line finds its angle at once, then the loss falls slowly. "
        "Its losses 0.6931, 0.5710, 0.4932 … 0.3013 appear at epochs 0, 10, 20 … 90. After the first step the "
        "boundary is already at its final angle (accuracy 43% → 98.3%); then the weights grow and the lines of "
        "equal probability close in on it.",
    ),
    Preset(
        "Overlapping classes",
        {"labels": "logistic", "w1": 1.0, "w2": -1.5, "bias": 0.0, "flip": 0.05, "lr": 1.0, "epochs": 300, "test": 0.3},
        "No line splits the two classes, so the loss levels off above 0. "
        "The loss has a minimum, and the weights settle there: near the true ones, a little smaller because 5% "
        "of the labels are flipped. Compare the training and test curves.",
    ),
    Preset(
        "Learning rate too large",
        {"labels": "logistic", "lr": 50.0, "epochs": 100},
        "Too big: each step jumps past the bottom, so the loss swings. "
        "This data has a minimum, and η = 50 is far above 2/s(θ*) ≈ 19, the rate above which no run can settle "
        "there: each step overshoots it, the boundary swings back and forth and the loss goes up and down "
        "instead of levelling off. The sharpness panel shows why: s(θ) against 2/η.",
    ),
    Preset(
        "Badly scaled feature",
        {"xscale": 100.0, "xshift": 50.0, "lr": 0.0005, "epochs": 1000},
        "One feature is 100 times larger, so safe steps are tiny and learning crawls. "
        "x1 is in units 100 times larger than x2 (like age in years next to a 0/1 feature). The loss is so steep "
        "along x1 that the guaranteed rate 2/L is tiny, and at such a rate the x2 direction barely moves: scaling "
        "features first fixes this.",
    ),
    Preset(
        "Imbalanced classes",
        {"bias": -4.0, "lr": 0.5, "epochs": 500, "test": 0.3},
        "Few points are class 1, so accuracy looks good before the model has learned much. "
        "Accuracy starts high just by calling everything class 0; the loss shows the "
        "model still has to learn where the rare class is.",
    ),
    Preset(
        "Choosing a threshold",
        {"labels": "logistic", "w1": 1.0, "w2": -1.5, "bias": -3.0, "lr": 1.0, "epochs": 300, "test": 0.3},
        "Accuracy looks high, but the model misses most of the rare class. "
        "84 of the 700 training points are class 1 (12%), so calling every point 0 scores 88.0%; at epoch 300 "
        "the run scores 89.0% at τ = 0.5 yet finds only 21 of the 84 (recall 25.0%). In the Predictions tab, "
        "lower τ to 0.2: it finds 53 of them (63.1%), for 73 false alarms instead of 14.",
    ),
    Preset(
        "One point changes everything",
        {"points": Points(((2.0, -2.0, 0),)), "lr": 5.0, "epochs": 500},
        "One point on the wrong side gives the loss a minimum. The tutorial's data plus one class-0 point at "
        "(2, −2), on the class-1 side. "
        "No line separates the classes any more, so the loss no longer falls towards 0 as the weights grow: its "
        "minimum, 0.0850 at w ≈ (8.7, −12.8), b ≈ 2.05, gets its ★ on the landscape, and the run at η = 5 closes "
        "in on it (loss 0.0859 at epoch 500). The note under η now names a rate above which no run can settle, "
        "2/s(θ*) ≈ 76. Click the point to remove it, and the minimum is gone.",
    ),
)
