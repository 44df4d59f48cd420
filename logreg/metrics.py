"""What the model predicts: a threshold τ on its probabilities, the confusion matrix and the ROC curve.

Shapes: y is (n,) labels in {0, 1}; p is (n,) probabilities p_i = σ(z_i); scores are any (n,) numbers that
rank the points (probabilities or logits). A point is predicted positive when p_i ≥ τ.

The conventions are scikit-learn's, so every number here equals its:
`confusion_matrix(y, ŷ, labels=[0, 1])`, `precision_recall_fscore_support(average="binary", zero_division=0)`,
`roc_curve(y, scores, drop_intermediate=False)` and `roc_auc_score(y, scores)`. A ratio whose denominator
is 0 (precision with no predicted positive, recall with no positive point…) is 0, never NaN. The ROC curve and
its AUC need both classes: without them they raise ValueError (scikit-learn warns and answers NaN).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import logits, sigmoid


def _ratio(top: int, bottom: int) -> float:
    """top / bottom, and 0.0 when bottom is 0 (scikit-learn's zero_division=0)."""
    return top / bottom if bottom else 0.0


@dataclass(frozen=True)
class Confusion:
    """The four counts at one threshold: a row per true class, a column per predicted class.

                   predicted 0   predicted 1
        actual 0       tn            fp        (fp: a false alarm)
        actual 1       fn            tp        (fn: a miss)

    Every rate below is 0.0 when its denominator is 0 (documented on each), never NaN.
    """

    tn: int
    fp: int
    fn: int
    tp: int

    @property
    def n(self) -> int:
        return self.tn + self.fp + self.fn + self.tp

    @property
    def matrix(self) -> np.ndarray:
        """[[tn, fp], [fn, tp]], shape (2, 2), as scikit-learn's confusion_matrix(labels=[0, 1])."""
        return np.array([[self.tn, self.fp], [self.fn, self.tp]])

    @property
    def accuracy(self) -> float:
        """(tp + tn) / n; 0 for no points."""
        return _ratio(self.tp + self.tn, self.n)

    @property
    def precision(self) -> float:
        """tp / (tp + fp): of the points predicted 1, the share that are 1; 0 when none is predicted 1."""
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        """tp / (tp + fn), the true positive rate: of the points that are 1, the share found; 0 with none."""
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def miss_rate(self) -> float:
        """fn / (tp + fn), the false negative rate (1 − recall when there are positives); 0 with none."""
        return _ratio(self.fn, self.tp + self.fn)

    @property
    def false_positive_rate(self) -> float:
        """fp / (fp + tn): of the points that are 0, the share predicted 1 (false alarms); 0 with none."""
        return _ratio(self.fp, self.fp + self.tn)

    @property
    def specificity(self) -> float:
        """tn / (fp + tn), the true negative rate (1 − false positive rate with negatives); 0 with none."""
        return _ratio(self.tn, self.fp + self.tn)

    @property
    def f1(self) -> float:
        """2·precision·recall / (precision + recall) = 2tp / (2tp + fp + fn); 0 when tp = fp = fn = 0."""
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)


def _labels(y: np.ndarray, values: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    """y as booleans and `values` as floats, checked: the same length, labels 0/1, no NaN among the values."""
    y = np.asarray(y, dtype=float).ravel()
    values = np.asarray(values, dtype=float).ravel()
    if y.shape != values.shape:
        raise ValueError(f"y and {what} must have the same length; got {y.size} and {values.size}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels 0 and 1 only")
    if np.isnan(values).any():
        raise ValueError(f"{what} must not hold NaN")
    return y == 1, values


def confusion(y: np.ndarray, p: np.ndarray, threshold: float) -> Confusion:
    """The counts when a point is predicted 1 where p ≥ threshold: tp = #{y = 1, p ≥ τ}, fp = #{y = 0, p ≥ τ},
    fn = #{y = 1, p < τ}, tn = #{y = 0, p < τ}."""
    positive, p = _labels(y, p, "p")
    predicted = p >= threshold
    tp = int(np.count_nonzero(positive & predicted))
    fp = int(np.count_nonzero(~positive & predicted))
    fn = int(np.count_nonzero(positive & ~predicted))
    return Confusion(tn=int(positive.size) - tp - fp - fn, fp=fp, fn=fn, tp=tp)


def confusion_from_logits(y: np.ndarray, z: np.ndarray, threshold: float) -> Confusion:
    """`confusion` of the probabilities σ(z): a point is predicted 1 where σ(z) ≥ threshold."""
    return confusion(y, sigmoid(z), threshold)


def confusion_matrix(y: np.ndarray, p: np.ndarray, threshold: float) -> np.ndarray:
    """[[tn, fp], [fn, tp]] at `threshold` (a point is positive where p ≥ threshold)."""
    return confusion(y, p, threshold).matrix


def precision_recall_f1(y: np.ndarray, p: np.ndarray, threshold: float) -> tuple[float, float, float]:
    """(tp / (tp + fp), tp / (tp + fn), 2tp / (2tp + fp + fn)) at `threshold`, each 0 when its denominator is 0."""
    c = confusion(y, p, threshold)
    return c.precision, c.recall, c.f1


def both_classes(y: np.ndarray) -> bool:
    """Whether y holds a 0 and a 1: the ROC curve and its AUC need both."""
    y = np.asarray(y)
    return bool(np.any(y == 0) and np.any(y == 1))


def roc_curve(y: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fpr, tpr, thresholds): the false and true positive rates when the points with score ≥ t are called 1,
    for t = +∞ and then every distinct score from the highest down, shapes (k + 1,) for k distinct scores.

    Tied scores move together (one point of the curve, a diagonal step), as in scikit-learn's
    roc_curve(drop_intermediate=False). Raises ValueError unless y holds both classes.
    """
    positive, scores = _labels(y, scores, "scores")
    if not both_classes(positive.astype(int)):
        raise ValueError("the ROC curve needs points of both classes; y holds only one")
    order = np.argsort(scores, kind="mergesort")[::-1]  # highest score first
    ranked, hits = scores[order], positive[order]
    last_of_each = np.r_[np.flatnonzero(np.diff(ranked)), ranked.size - 1]  # the end of every run of ties
    tps = np.cumsum(hits)[last_of_each]
    fps = last_of_each + 1 - tps
    tpr = np.r_[0, tps] / tps[-1]
    fpr = np.r_[0, fps] / fps[-1]
    return fpr, tpr, np.r_[np.inf, ranked[last_of_each]]


def roc_auc(y: np.ndarray, scores: np.ndarray) -> float:
    """The area under the ROC curve by the trapezoid rule, Σ_k (fpr_k+1 − fpr_k)·(tpr_k+1 + tpr_k)/2:
    the chance that a random point of class 1 scores above a random point of class 0, ties counting ½.
    Raises ValueError unless y holds both classes (scikit-learn's roc_auc_score warns and answers NaN)."""
    fpr, tpr, _ = roc_curve(y, scores)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1])) / 2)


def roc_point(y: np.ndarray, p: np.ndarray, threshold: float) -> tuple[float, float]:
    """(false positive rate, true positive rate) at `threshold`: the point of roc_curve(y, p) that τ reads."""
    c = confusion(y, p, threshold)
    return c.false_positive_rate, c.recall


def roc_auc_along(X: np.ndarray, y: np.ndarray, weights: np.ndarray, biases: np.ndarray) -> np.ndarray:
    """The AUC of the probabilities σ(X·w + b) for each row of weights (F, d) and biases (F,): shape (F,).

    The probabilities, not the logits, are ranked: where σ rounds to 1.0 (z above about 37) points tie, as
    they do for the threshold. Raises ValueError unless y holds both classes.
    """
    weights = np.asarray(weights, dtype=float)
    biases = np.asarray(biases, dtype=float)
    return np.array([roc_auc(y, sigmoid(logits(X, w, b))) for w, b in zip(weights, biases)], dtype=float)


def _count(k: int, one: str, many: str) -> str:
    return f"{k} {one if k == 1 else many}"


def _change(before: int, after: int, many: str) -> str:
    """The change in a count, in words: "fewer misses (8 → 2)", "more misses (8 → 19)", "misses unchanged (8)"."""
    if after == before:
        return f"{many} unchanged ({before})"
    return f"{'fewer' if after < before else 'more'} {many} ({before} → {after})"


def threshold_trade(before: Confusion, after: Confusion, tau_before: float, tau_after: float) -> str:
    """One sentence on what moving τ from tau_before to tau_after trades, in false alarms (fp) and misses (fn):
    "Raising τ from 0.5 to 0.7: fewer false alarms (12 → 5), more misses (8 → 19)." Raising τ calls fewer
    points 1, so false alarms can only fall and misses only rise; lowering it, the reverse."""
    if tau_after == tau_before:
        return (
            f"At τ = {tau_before:g}: {_count(before.fp, 'false alarm', 'false alarms')} and "
            f"{_count(before.fn, 'miss', 'misses')}. Raise τ for fewer false alarms and more misses; lower it "
            "for the reverse."
        )
    moving = f"{'Raising' if tau_after > tau_before else 'Lowering'} τ from {tau_before:g} to {tau_after:g}"
    if (after.fp, after.fn) == (before.fp, before.fn):
        return (
            f"{moving} changes no prediction here: still {_count(after.fp, 'false alarm', 'false alarms')} and "
            f"{_count(after.fn, 'miss', 'misses')}."
        )
    return f"{moving}: {_change(before.fp, after.fp, 'false alarms')}, {_change(before.fn, after.fn, 'misses')}."
