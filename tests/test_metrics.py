"""logreg.metrics: the confusion matrix at a threshold, its rates, the ROC curve and its AUC.

Three kinds of evidence for each function: values worked out by hand (extreme logits included), scikit-learn's
own functions on random data with ties (hypothesis), and an independent reading: a loop over the points, every
pair of points for the AUC, and properties that must hold whatever the data.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk
from sklearn.exceptions import UndefinedMetricWarning

from logreg.metrics import (
    Confusion,
    both_classes,
    confusion,
    confusion_from_logits,
    confusion_matrix,
    precision_recall_f1,
    roc_auc,
    roc_auc_along,
    roc_curve,
    roc_point,
    threshold_trade,
)
from logreg.model import sigmoid

THRESHOLDS = [round(0.05 * k, 10) for k in range(1, 20)]  # the page's τ grid


# ---------------------------------------------------------------- by hand
def test_four_points_by_hand():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.6, 0.4, 0.9])
    c = confusion(y, p, 0.5)
    assert c == Confusion(tn=1, fp=1, fn=1, tp=1) and c.n == 4
    assert confusion_matrix(y, p, 0.5).tolist() == [[1, 1], [1, 1]]
    assert (c.accuracy, c.precision, c.recall, c.f1) == (0.5, 0.5, 0.5, 0.5)
    assert (c.false_positive_rate, c.specificity, c.miss_rate) == (0.5, 0.5, 0.5)
    # p = τ counts as positive: at τ = 0.6 the point with p = 0.6 is still called 1
    assert confusion(y, p, 0.6) == Confusion(tn=1, fp=1, fn=1, tp=1)
    assert confusion(y, p, 0.61) == Confusion(tn=2, fp=0, fn=1, tp=1)
    assert precision_recall_f1(y, p, 0.61) == (1.0, 0.5, pytest.approx(2 / 3))
    assert confusion(y, p, 0.05) == Confusion(tn=0, fp=2, fn=0, tp=2)


def test_the_curve_by_hand_with_a_tie():
    # scores 0.9 (1), 0.6 (0), 0.6 (1), 0.1 (0): the tie at 0.6 is one diagonal step
    y = np.array([1, 0, 1, 0])
    s = np.array([0.9, 0.6, 0.6, 0.1])
    fpr, tpr, thresholds = roc_curve(y, s)
    assert fpr.tolist() == [0.0, 0.0, 0.5, 1.0]
    assert tpr.tolist() == [0.0, 0.5, 1.0, 1.0]
    assert thresholds.tolist() == [np.inf, 0.9, 0.6, 0.1]
    # area: 0.5·(0.5 + 1)/2 + 0.5·1 = 0.875; pairs: (0.9 > 0.6, 0.9 > 0.1, 0.6 = 0.6, 0.6 > 0.1) = 3.5 / 4
    assert roc_auc(y, s) == 0.875
    assert roc_point(y, s, 0.6) == (0.5, 1.0) and roc_point(y, s, 0.95) == (0.0, 0.0)


def test_extreme_logits_saturate_the_probabilities_and_tie():
    z = np.array([-1000.0, -40.0, 40.0, 1000.0])
    y = np.array([0, 1, 0, 1])
    p = sigmoid(z)
    assert p.tolist() == [0.0, pytest.approx(4.248354255291589e-18, rel=1e-12), 1.0, 1.0]
    for tau in THRESHOLDS:  # finite everywhere: no overflow, no NaN
        assert confusion_from_logits(y, z, tau) == Confusion(tn=1, fp=1, fn=1, tp=1)
    # on the probabilities σ(40) and σ(1000) are both 1.0 and tie (½ a pair); on the logits they do not
    assert roc_auc(y, p) == 0.625 and roc_auc(y, z) == 0.75
    assert roc_auc(y, p) == sk.roc_auc_score(y, p) and roc_auc(y, z) == sk.roc_auc_score(y, z)


def test_empty_denominators_give_zero_never_nan():
    nobody = confusion(np.array([0, 0, 0]), np.array([0.1, 0.2, 0.3]), 0.5)  # no positives, none predicted
    assert nobody == Confusion(tn=3, fp=0, fn=0, tp=0)
    assert (nobody.precision, nobody.recall, nobody.f1, nobody.miss_rate) == (0.0, 0.0, 0.0, 0.0)
    assert nobody.accuracy == 1.0 and nobody.specificity == 1.0 and nobody.false_positive_rate == 0.0
    ones = confusion(np.array([1, 1]), np.array([0.9, 0.2]), 0.5)  # no negatives
    assert (ones.false_positive_rate, ones.specificity) == (0.0, 0.0) and ones.recall == 0.5
    assert Confusion(0, 0, 0, 0).accuracy == 0.0


def test_one_class_has_no_roc_curve():
    assert not both_classes(np.array([1.0, 1.0])) and both_classes(np.array([0, 1]))
    for y in (np.zeros(5), np.ones(5)):
        with pytest.raises(ValueError, match="both classes"):
            roc_curve(y, np.linspace(0, 1, 5))
        with pytest.raises(ValueError, match="both classes"):
            roc_auc(y, np.linspace(0, 1, 5))
        with pytest.warns(UndefinedMetricWarning):  # scikit-learn warns and answers NaN
            assert np.isnan(sk.roc_auc_score(y, np.linspace(0, 1, 5)))


def test_bad_inputs_are_refused_with_what_was_wrong():
    with pytest.raises(ValueError, match="same length; got 2 and 3"):
        confusion(np.array([0, 1]), np.array([0.1, 0.2, 0.3]), 0.5)
    with pytest.raises(ValueError, match="labels 0 and 1"):
        confusion(np.array([0, 2]), np.array([0.1, 0.2]), 0.5)
    with pytest.raises(ValueError, match="NaN"):
        roc_curve(np.array([0, 1]), np.array([0.1, np.nan]))


def test_the_trade_sentence_by_hand():
    at_half, at_07 = Confusion(tn=80, fp=12, fn=8, tp=100), Confusion(tn=87, fp=5, fn=19, tp=89)
    assert threshold_trade(at_half, at_07, 0.5, 0.7) == (
        "Raising τ from 0.5 to 0.7: fewer false alarms (12 → 5), more misses (8 → 19)."
    )
    assert threshold_trade(at_07, at_half, 0.7, 0.5) == (
        "Lowering τ from 0.7 to 0.5: more false alarms (5 → 12), fewer misses (19 → 8)."
    )
    assert threshold_trade(at_half, Confusion(tn=80, fp=12, fn=9, tp=99), 0.5, 0.55) == (
        "Raising τ from 0.5 to 0.55: false alarms unchanged (12), more misses (8 → 9)."
    )
    assert threshold_trade(at_half, at_half, 0.5, 0.6) == (
        "Raising τ from 0.5 to 0.6 changes no prediction here: still 12 false alarms and 8 misses."
    )
    assert threshold_trade(Confusion(1, 1, 1, 1), Confusion(1, 1, 1, 1), 0.5, 0.5) == (
        "At τ = 0.5: 1 false alarm and 1 miss. Raise τ for fewer false alarms and more misses; lower it for the "
        "reverse."
    )


# ---------------------------------------------------------------- against scikit-learn, and a loop
LEVELS = [0.0, 1e-300, 0.05, 0.25, 0.5, 0.5000000000000001, 0.7, 0.95, 1 - 1e-16, 1.0]  # ties and extremes


@st.composite
def labelled(draw, both: bool = False):
    n = draw(st.integers(2 if both else 1, 60))
    y = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    if both:
        y[0], y[1] = 0, 1
    p = draw(st.lists(st.one_of(st.sampled_from(LEVELS), st.floats(0, 1)), min_size=n, max_size=n))
    return np.array(y), np.array(p)


def loop_confusion(y, p, tau) -> Confusion:
    """The counts one point at a time."""
    tn = fp = fn = tp = 0
    for label, prob in zip(y.tolist(), p.tolist()):
        called = prob >= tau
        tp += label == 1 and called
        fp += label == 0 and called
        fn += label == 1 and not called
        tn += label == 0 and not called
    return Confusion(tn=tn, fp=fp, fn=fn, tp=tp)


@settings(max_examples=150, deadline=None)
@given(labelled(), st.sampled_from(THRESHOLDS + [0.0, 1.0, 0.5000000000000001]))
def test_the_counts_and_rates_equal_scikit_learns_and_a_loop(case, tau):
    y, p = case
    c = confusion(y, p, tau)
    assert c == loop_confusion(y, p, tau)
    called = (p >= tau).astype(int)
    assert np.array_equal(c.matrix, sk.confusion_matrix(y, called, labels=[0, 1]))
    precision, recall, f1, _ = sk.precision_recall_fscore_support(
        y, called, average="binary", zero_division=0, labels=[0, 1]
    )
    assert precision_recall_f1(y, p, tau) == (pytest.approx(precision), pytest.approx(recall), pytest.approx(f1))
    assert c.accuracy == pytest.approx(sk.accuracy_score(y, called))
    for value in (c.accuracy, c.precision, c.recall, c.f1, c.false_positive_rate, c.specificity, c.miss_rate):
        assert 0.0 <= value <= 1.0


def pairwise_auc(y, s) -> float:
    """P(a point of class 1 scores above one of class 0), ties ½: every pair, one at a time."""
    pos, neg = s[y == 1].tolist(), s[y == 0].tolist()
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in pos for b in neg)
    return wins / (len(pos) * len(neg))


@settings(max_examples=150, deadline=None)
@given(labelled(both=True))
def test_the_curve_and_area_equal_scikit_learns_and_every_pair(case):
    y, s = case
    fpr, tpr, thresholds = roc_curve(y, s)
    ref = sk.roc_curve(y, s, drop_intermediate=False)
    for ours, theirs in zip((fpr, tpr, thresholds), ref):
        assert np.array_equal(ours, theirs)
    auc = roc_auc(y, s)
    assert auc == pytest.approx(sk.roc_auc_score(y, s), abs=1e-12)
    assert auc == pytest.approx(pairwise_auc(y, s), abs=1e-12)
    assert roc_auc(y, -s) == pytest.approx(1 - auc, abs=1e-12)  # reversed ranking, the other side of the pairs


@settings(max_examples=100, deadline=None)
@given(labelled(both=True), st.sampled_from(THRESHOLDS))
def test_the_point_for_tau_is_on_the_curve_and_moving_tau_trades(case, tau):
    y, p = case
    fpr, tpr, _ = roc_curve(y, p)
    assert roc_point(y, p, tau) in set(zip(fpr.tolist(), tpr.tolist()))
    higher = min(1.0, tau + 0.05)
    before, after = confusion(y, p, tau), confusion(y, p, higher)
    assert after.fp <= before.fp and after.fn >= before.fn  # raising τ: fewer false alarms, more misses
    words = threshold_trade(before, after, tau, higher)
    assert str(before.fp) in words and str(after.fn) in words and "nan" not in words.lower()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_auc_along_a_history_is_the_auc_of_each_row(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(50, 2))
    y = (rng.random(50) < 0.3).astype(float)
    y[:2] = [0, 1]
    W = rng.normal(scale=rng.choice([0.1, 10.0, 1000.0]), size=(6, 2))  # large weights saturate σ
    B = rng.normal(size=6)
    along = roc_auc_along(X, y, W, B)
    assert along.shape == (6,)
    for k in range(6):
        assert along[k] == roc_auc(y, sigmoid(X @ W[k] + B[k]))
        assert along[k] == pytest.approx(sk.roc_auc_score(y, sigmoid(X @ W[k] + B[k])), abs=1e-12)
