"""Words a 16-year-old reads in one breath, every one of them true of the run on screen.

Two halves: the readability limits of every headline (verdicts, the note under η, the presets), and a table
of runs whose verdicts are checked against an independent reading of each history: the loss curve as a
person sees it on the chart, and the minimum from scikit-learn (existence decided by a linear program).
"""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pytest

from logreg.analysis import Optimum, max_stable_learning_rate, optimum
from logreg.app.settings import PRESETS
from logreg.curvature import sharpness_along, sharpness_at_minimum
from logreg.data import make_synthetic
from logreg.lesson import rate_words
from logreg.train import Snapshot, train
from logreg.verdict import Kind, last_quarter_start, verdict

MAX_WORDS = 15
MAX_GRADE = 9.0
ALLOWED = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;'%-η=")
VOWELS = "aeiouy"


def syllables(word: str) -> int:
    """Syllables of an English word by its vowel groups, a silent final e dropped (not in "-le"); a number
    or η counts as two."""
    w = "".join(c for c in word.lower() if c.isalnum())
    if any(c.isdigit() for c in w) or w == "η":
        return 2
    groups = sum(1 for i, c in enumerate(w) if c in VOWELS and (i == 0 or w[i - 1] not in VOWELS))
    if w.endswith("e") and not w.endswith("le") and groups > 1:
        groups -= 1
    return max(1, groups)


def words_of(text: str) -> list[str]:
    return [t for t in text.split() if any(c.isalnum() for c in t)]


def grade(text: str) -> float:
    """Flesch–Kincaid grade: 0.39·words/sentences + 11.8·syllables/words − 15.59."""
    words = words_of(text)
    sentences = max(1, sum(1 for t in text.split() if t[-1] in ".!?" and not t[:-1].replace(".", "").isdigit()))
    return 0.39 * len(words) / sentences + 11.8 * sum(map(syllables, words)) / len(words) - 15.59


def assert_plain(headline: str) -> None:
    """One line, at most MAX_WORDS words, grade MAX_GRADE or below, no symbol beyond letters, digits, η, =
    and punctuation, and no e-notation."""
    assert headline and "\n" not in headline, headline
    assert len(words_of(headline)) <= MAX_WORDS, headline
    assert grade(headline) <= MAX_GRADE, (grade(headline), headline)
    assert set(headline) <= ALLOWED, (set(headline) - ALLOWED, headline)
    for token in headline.split():
        core = token.strip(".,:;%")
        assert not (any(c.isdigit() for c in core) and "e" in core.lower()), headline  # 1e-05, 5e+78
    assert "nan" not in headline.lower().split(), headline


def test_the_syllable_count_and_grade_by_hand():
    counted = {"the": 1, "bottom": 2, "settle": 2, "objective": 3, "improving": 3, "oscillating": 4, "swings": 1}
    assert {w: syllables(w) for w in counted} == counted
    assert (syllables("computer"), syllables("downhill"), syllables("0.001"), syllables("η")) == (3, 2, 2, 2)
    # "The cat sat on the mat.": 6 words, 6 syllables, one sentence: 0.39·6 + 11.8 − 15.59
    assert grade("The cat sat on the mat.") == pytest.approx(0.39 * 6 + 11.8 - 15.59)
    with pytest.raises(AssertionError):
        assert_plain("It is above 2/s(θ*) = 19.4, so no run can settle there.")
    with pytest.raises(AssertionError):
        assert_plain("Converged: the loss is 5.6e-17 above its minimum.")
    with pytest.raises(AssertionError):  # grade far above 9
        assert_plain("Nonmonotonic optimization trajectories characterize overparameterized classification.")


# --- the presets and the note under η -------------------------------------------------------------


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_each_presets_sentence_starts_with_a_plain_headline(preset):
    headline, _, details = preset.watch.partition(". ")
    assert details  # the exact numbers follow the headline
    assert_plain(headline + ".")


NOTE_DATA = {
    "separable": (make_synthetic(n=300, seed=0), 0.0),
    "logistic": (make_synthetic(n=300, seed=1, labels="logistic"), 0.0),
    "logistic, λ 0.1": (make_synthetic(n=300, seed=1, labels="logistic"), 0.1),
    "scaled x1": (make_synthetic(n=300, seed=2, labels="logistic", scale=(100, 1), shift=(50, 0)), 0.0),
    "tiny features": (make_synthetic(n=300, seed=2, labels="logistic", scale=(1e-4, 1e-4)), 0.0),
}


@pytest.mark.parametrize("name", list(NOTE_DATA))
def test_the_note_under_eta_starts_with_a_plain_headline(name):
    data, l2 = NOTE_DATA[name]
    words = rate_words(data.X, optimum(data.X, data.y, l2), l2=l2)
    assert_plain(words.headline)
    assert "2/L = " in words.details


def test_the_note_on_points_lying_on_the_line_and_on_huge_features_is_plain():
    X, y = tied()
    assert_plain(rate_words(X, optimum(X, y)).headline)
    huge = np.array([[1e200, 1.0], [-1e200, 2.0], [3e199, -1.0]])
    assert_plain(rate_words(huge, Optimum(False, None, None, None, "unknown", 0)).headline)


# --- the table: verdicts against an independent reading of each run --------------------------------


def tied() -> tuple[np.ndarray, np.ndarray]:
    """An integer grid with class 1 right of x1 = 0, class 0 left, and both classes on x1 = 0 itself: the
    line x1 = 0 separates them with points on it, so the loss has no minimum and a positive floor."""
    g = np.arange(-3.0, 4.0)
    X = np.array([(a, b) for a in g for b in g])
    y = (X[:, 0] > 0).astype(float)
    y[(X[:, 0] == 0) & (X[:, 1] % 2 == 0)] = 1.0
    return X, y


def separable_by_lp(X: np.ndarray, y: np.ndarray) -> bool:
    """Whether a line separates the classes, points on it allowed (no finite minimum without a penalty)."""
    linprog = pytest.importorskip("scipy.optimize").linprog
    A = np.column_stack([X, np.ones(len(y))]) * (2 * y - 1)[:, None]
    found = linprog(
        np.zeros(A.shape[1]),
        A_ub=np.vstack([-A, -A.sum(0)]),
        b_ub=np.r_[np.zeros(len(y)), -1.0],
        bounds=[(None, None)] * A.shape[1],
        method="highs",
    )
    return found.status == 0


@cache
def sklearn_minimum(key: str, l2: float) -> float | None:
    """The minimum of mean log loss + (λ/2)‖w‖² from scikit-learn (C = 1/(nλ); no penalty: C = ∞), or None
    when a linear program finds a separating line and λ = 0."""
    lm = pytest.importorskip("sklearn.linear_model")
    X, y = DATA[key]()
    if l2 == 0 and separable_by_lp(X, y):
        return None
    C = np.inf if l2 == 0 else 1.0 / (l2 * len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = lm.LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    z = X @ fit.coef_[0] + fit.intercept_[0]
    return float(np.mean(np.logaddexp(0, z) - y * z) + 0.5 * l2 * fit.coef_[0] @ fit.coef_[0])


def synthetic(**kw):
    return lambda: (lambda d: (d.X, d.y))(make_synthetic(**kw))


DATA = {
    "separable": synthetic(n=300, seed=0),
    "ties": tied,
    "logistic": synthetic(n=300, seed=3, labels="logistic"),
    "flipped": synthetic(n=300, seed=5, flip=0.1),
    "scaled x1": synthetic(n=300, seed=4, labels="logistic", scale=(100, 1), shift=(50, 0)),
    "tiny": synthetic(n=20, seed=3, scale=(100, 1)),
}
RATES = (0.001, 0.1, 1.0, 10.0, 20.0, 50.0, 100.0)
RUNS = (
    [(key, lr, 0.0, None, 200) for key in ("separable", "ties", "logistic", "flipped") for lr in RATES]
    + [(key, lr, l2, None, 200) for key in ("logistic", "separable") for l2 in (0.01, 1.0) for lr in RATES[1:]]
    + [("scaled x1", lr, 0.0, None, 300) for lr in (0.0001, 0.0005, 0.001, 0.003, 0.01, 1.0)]
    + [(key, lr, 0.0, batch, 40) for key in ("logistic", "flipped") for lr, batch in ((0.1, 16), (2.0, 1), (5.0, 32))]
    + [("tiny", 100.0, 0.0, None, 5000), ("logistic", 5.0, 0.0, None, 2000), ("ties", 20.0, 0.0, None, 2000)]
)


def judged(key: str, lr: float, l2: float, batch: int | None, epochs: int):
    """Train and judge as the page does (logreg.app.run): the verdict with every curvature number."""
    X, y = DATA[key]()
    h = list(train(X, y, learning_rate=lr, epochs=epochs, l2=l2, batch_size=batch, seed=0))
    best = optimum(X, y, l2)
    tail = h[last_quarter_start(h[-1].epoch) :]
    with np.errstate(all="ignore"):
        s = sharpness_along(X, np.array([x.w for x in tail]), np.array([x.b for x in tail]), l2)
    v = verdict(
        h,
        lr,
        max_stable_learning_rate(X, l2),
        best,
        l2=l2,
        mini_batch=batch is not None,
        sharpness_at_min=sharpness_at_minimum(X, best, l2),
        sharpness_now=float(s[-1]) if np.isfinite(s[-1]) else None,
        sharpness_peak=float(np.nanmax(s)) if np.isfinite(s).any() else None,
    )
    return h, v


def reading(h: list[Snapshot], minimum: float | None, mini: bool) -> set[Kind]:
    """The kinds a person looking at the loss chart (and told the minimum) would accept for this run.

    The chart spans the run's range; a change smaller than 1/200 of it does not show.
    """
    o = np.array([x.objective for x in h])
    if h[-1].diverged or not np.isfinite(o[-1]) or o[-1] >= 100 * o[0]:
        return {Kind.DIVERGING}
    shows = np.ptp(o) / 200
    tail = o[h[-1].epoch - max(1, h[-1].epoch // 4) :]
    steps = np.diff(tail)
    swings = bool(np.any(steps > shows))  # a rise you can see in the last quarter
    rises_at_all = bool(np.any(steps > 1e-12 * np.maximum(1, np.abs(tail[:-1]))))
    at_min = minimum is not None and o[-1] - minimum <= 1e-4 * max(1.0, abs(minimum)) + 1e-9
    if swings:
        return {Kind.NOISY} if mini else {Kind.OSCILLATING}
    if at_min:
        # at the bottom; invisible wobbles there may be an unsettled swing (η > 2/s(θ*)) named as such
        return {Kind.CONVERGED, Kind.OSCILLATING} if rises_at_all and not mini else {Kind.CONVERGED}
    if mini and np.any(np.diff(o) > shows):
        return {Kind.NOISY}
    ok = set()
    if tail[0] - tail[-1] > 0:
        ok.add(Kind.IMPROVING)
    if np.ptp(tail) <= shows:
        ok.add(Kind.STALLED)
    if rises_at_all and not mini:
        ok.add(Kind.OSCILLATING)  # a swing too small to see, which the headline must say
    return ok


def test_the_table_has_at_least_sixty_runs_of_every_kind_of_data():
    assert len(RUNS) >= 60
    assert {key for key, *_ in RUNS} == set(DATA)
    assert {lr for _, lr, *_ in RUNS} >= {0.001, 100.0} and any(b for *_, b, _ in RUNS)


@cache
def table() -> list[tuple]:
    rows = []
    for key, lr, l2, batch, epochs in RUNS:
        h, v = judged(key, lr, l2, batch, epochs)
        rows.append(((key, lr, l2, batch, epochs), h, v, sklearn_minimum(key, l2)))
    return rows


def test_every_verdict_of_the_table_is_what_a_person_sees():
    kinds = set()
    for run, h, v, minimum in table():
        kinds.add(v.kind)
        assert v.kind in reading(h, minimum, run[3] is not None), (run, v.message)
    assert kinds >= {Kind.CONVERGED, Kind.IMPROVING, Kind.STALLED, Kind.OSCILLATING, Kind.DIVERGING, Kind.NOISY}


def test_every_headline_of_the_table_is_plain_and_true_of_its_curve():
    for run, h, v, _ in table():
        assert_plain(v.headline)
        assert v.message.startswith(f"{v.badge}: {v.headline}")
        o = np.array([x.objective for x in h])
        tail = o[last_quarter_start(h[-1].epoch) :]
        if "less than" in v.headline:  # "wobbles by less than 0.001", "swings … by less than 0.00001"
            bound = float(v.headline.rsplit("less than ", 1)[1].split()[0].rstrip(".,"))
            assert np.ptp(tail) < bound, (run, v.headline)
        if "too slowly to see" in v.headline or "too little to see" in v.headline:
            assert np.ptp(tail) <= np.ptp(o) / 200, (run, v.headline)
        if "has not changed at all" in v.headline or "is 0 as far as" in v.headline:
            assert np.ptp(tail) <= 1e-12 * np.max(np.abs(tail)), (run, v.headline)
        if "still going down" in v.headline:
            assert tail[-1] < tail[0], (run, v.headline)
        assert "nan" not in v.message.split(), run


def test_every_other_headline_of_the_verdict_is_plain():
    # the branches the table may not reach, on hand-made curves: stop value, penalty flips, no optimum given,
    # at the bottom for now, overflow
    z = np.zeros(2)

    def fake(objectives, diverged=False, gradient=0.0):
        return [
            Snapshot(t, z, 0.0, o, o, 0.5, z + gradient, 0.0, diverged=diverged and t == len(objectives) - 1)
            for t, o in enumerate(objectives)
        ]

    at = Optimum(True, z, 0.0, 0.3, "Newton's method converged", 5)
    cases = [
        verdict(fake([0.7, 0.6, 0.5]), 1.0, 7.9, loss_threshold=0.55),
        verdict(fake([0.7, 9.0, 0.8, 90.0], diverged=True), 100.0, 1.6, l2=1.0),
        verdict(fake([0.7, 0.6, 0.8, 0.5, 0.9, 0.6, 1.0], gradient=1.0), 50.0, 1.6, l2=1.0),
        verdict(fake([0.7, 0.5, 0.4, 0.4]), 1.0, 7.9),
        verdict(fake([0.7, 0.5] + [0.3 + 10.0**-k for k in range(6, 14)]), 20.2, 7.9, at, sharpness_at_min=0.1),
        verdict(fake([0.7, 1.0, np.inf]), 1.0, 7.9),
        verdict(fake([0.7, 0.6, 0.5]), 1.0, 0.0),
    ]
    for v in cases:
        assert_plain(v.headline)
    assert {v.kind for v in cases} >= {Kind.STOPPED, Kind.DIVERGING, Kind.OSCILLATING, Kind.CONVERGED}
