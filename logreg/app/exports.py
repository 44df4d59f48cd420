"""The files a student downloads: the run's history and its dataset as CSV. No Streamlit here.

Cells that start with =, +, -, @, a tab or a carriage return are formulas to a spreadsheet
(OWASP, "CSV injection"); text cells and headers that start so get a leading apostrophe, which
spreadsheets show as plain text. Numbers are written as numbers: a negative weight stays -0.5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .run import Run

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


def history_csv(r: Run) -> bytes:
    """One row per epoch: loss, objective, accuracy, parameters and gradient (and test numbers)."""
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
    return _csv(frame)


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
