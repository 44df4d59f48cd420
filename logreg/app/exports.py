"""The files a student downloads: the run's history and its dataset as CSV. No Streamlit here.

Cells that start with =, +, -, @, a tab or a carriage return are formulas to a spreadsheet
(OWASP, "CSV injection"); text cells and headers that start so get a leading apostrophe, which
spreadsheets show as plain text. Numbers are written as numbers: a negative weight stays -0.5.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..data import Dataset
from ..metrics import both_classes, roc_auc_along
from ..model import sigmoid
from ..plot_parts import MAX_FRAMES
from ..train import Snapshot
from .run import Run

BLOCK = 1 << 16  # probabilities computed at once: n × epochs in blocks of at most this many numbers

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """text as a spreadsheet shows it literally: prefixed with ' when it could start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(frame: pd.DataFrame) -> bytes:
    frame = frame.rename(columns=lambda c: spreadsheet_safe(str(c)))
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: spreadsheet_safe(str(v)))
    return frame.to_csv(index=False).encode()


def history_csv(r: Run, threshold: float | None = None) -> bytes:
    """One row per epoch: loss, objective, accuracy, parameters and gradient (and test numbers), then τ and
    what the model predicts at it: tp, fp, tn, fn and the AUC (test_tp … test_auc for held-out rows).
    threshold: τ (default: the run's settings; the page passes the τ on screen, which trains nothing)."""
    tau = r.settings.threshold if threshold is None else float(threshold)
    h = r.history
    frame = pd.DataFrame(
        {
            "epoch": [s.epoch for s in h],
            "loss": [s.loss for s in h],
            "objective": [s.objective for s in h],
            "accuracy": [s.accuracy for s in h],
            "w1": [s.w[0] for s in h],
            "w2": [s.w[1] for s in h],
            "b": [s.b for s in h],
            "grad_w1": [s.gradient_w[0] for s in h],
            "grad_w2": [s.gradient_w[1] for s in h],
            "grad_b": [s.gradient_b for s in h],
        }
    )
    if h[0].test_loss is not None:
        frame["test_loss"] = [s.test_loss for s in h]
        frame["test_accuracy"] = [s.test_accuracy for s in h]
    if r.scaler is not None:  # the same weights in the file's own units
        W, b = r.scaler.history_to_original(np.array([s.w for s in h]), np.array([s.b for s in h]))
        frame["w1_original"], frame["w2_original"], frame["b_original"] = W[:, 0], W[:, 1], b
    frame["threshold"] = tau
    for prefix, part in (("", r.train), ("test_", r.test)):
        if part is not None and part.n:
            for name, column in predictions_columns(part, h, tau).items():
                frame[prefix + name] = column
    return _csv(frame)


def predictions_columns(part: Dataset, history: Sequence[Snapshot], threshold: float) -> dict[str, list]:
    """tp, fp, tn, fn at τ (a point is predicted 1 where σ(w·x + b) ≥ τ, as logreg.metrics counts) at every
    epoch, and the AUC at up to MAX_FRAMES evenly spaced epochs (the first and last included; empty in the
    others, and everywhere with one class only): counting is one pass over the points per epoch, as training
    is, while each AUC sorts them, so the file costs a bounded multiple of the run it describes."""
    W = np.array([s.w for s in history])
    b = np.array([s.b for s in history])
    positive = part.y == 1
    counts = {name: np.empty(len(history), dtype=int) for name in ("tp", "fp", "tn", "fn")}
    step = max(1, BLOCK // max(part.n, 1))
    for start in range(0, len(history), step):
        block = slice(start, start + step)
        predicted = sigmoid(part.X @ W[block].T + b[block]) >= threshold  # (n, k)
        counts["tp"][block] = np.count_nonzero(predicted & positive[:, None], axis=0)
        counts["fp"][block] = np.count_nonzero(predicted & ~positive[:, None], axis=0)
        counts["fn"][block] = np.count_nonzero(positive) - counts["tp"][block]
        counts["tn"][block] = np.count_nonzero(~positive) - counts["fp"][block]
    columns: dict[str, list] = {name: values.tolist() for name, values in counts.items()}
    auc: list = [None] * len(history)
    if both_classes(part.y):
        chosen = np.unique(np.round(np.linspace(0, len(history) - 1, min(len(history), MAX_FRAMES))).astype(int))
        for k, value in zip(chosen, roc_auc_along(part.X, part.y, W[chosen], b[chosen])):
            auc[k] = float(value)
    columns["auc"] = auc
    return columns


def data_csv(r: Run) -> bytes:
    """The points trained and tested on, with their label and which part they belong to."""
    parts = []
    for name, d in (("train", r.train), ("test", r.test)):
        if d is not None:
            part = pd.DataFrame(d.X, columns=list(d.feature_names))
            part["label"] = d.y.astype(int)
            part["split"] = name
            parts.append(part)
    return _csv(pd.concat(parts))
