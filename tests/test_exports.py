"""logreg.app.exports: the downloaded CSVs hold the run, and no cell reads as a spreadsheet formula."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from logreg.app.exports import FORMULA_STARTS, data_csv, history_csv, spreadsheet_safe
from logreg.app.run import run
from logreg.app.settings import Settings
from logreg.data import Dataset
from logreg.model import sigmoid
from logreg.plot_parts import MAX_FRAMES

HOSTILE = ['=HYPERLINK("http://e.vil","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_starts_are_neutralised(text):
    safe = spreadsheet_safe(text)
    assert safe == "'" + text
    assert not safe.startswith(FORMULA_STARTS)


@pytest.mark.parametrize("text", ["age", "income (k€)", "a=b", "x-1", ""])
def test_ordinary_text_is_unchanged(text):
    assert spreadsheet_safe(text) == text


def hostile_run():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 2)
    y = (X[:, 0] - X[:, 1] > 0).astype(float)
    data = Dataset(X=X, y=y, feature_names=(HOSTILE[0], HOSTILE[2]), class_names=("no", "yes"))
    return run(Settings(epochs=5), data, None)


def test_dataset_csv_headers_are_safe_and_numbers_stay_numbers():
    r = hostile_run()
    text = data_csv(r).decode()
    header = next(iter(pd.read_csv(io.StringIO(text), nrows=0).columns))
    assert header == "'" + HOSTILE[0]
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame.columns[2:]) == ["label", "split"]
    np.testing.assert_allclose(frame.iloc[:, 0], r.train.X[:, 0])  # negative numbers are not prefixed
    assert (frame.iloc[:, 0] < 0).any()
    for cell in [*frame.columns, *frame["split"]]:
        assert not str(cell).startswith(FORMULA_STARTS)


def test_history_csv_holds_every_epoch():
    r = hostile_run()
    frame = pd.read_csv(io.BytesIO(history_csv(r)))
    assert list(frame["epoch"]) == [s.epoch for s in r.history]
    np.testing.assert_allclose(frame["w1"], [s.w[0] for s in r.history])
    np.testing.assert_allclose(frame["loss"], [s.loss for s in r.history])


def test_history_csv_gives_the_weights_in_the_files_units_too():
    from logreg.tabular import from_frame

    rng = np.random.RandomState(1)
    age = rng.randint(18, 70, 80).astype(float)
    income = rng.randint(15, 120, 80) * 1000.0
    bought = np.where((age - 40) / 15 + (income - 65000) / 30000 + rng.randn(80) > 0, "yes", "no")
    frame = pd.DataFrame({"age": age, "income": income, "bought": bought})
    tab = from_frame(frame, ("age", "income"), "bought", scaling="standardize", divide={"age": 100.0})
    r = run(Settings(epochs=20, lr=0.5), tab.train, tab.test, scaler=tab.scaler)
    hist = pd.read_csv(io.BytesIO(history_csv(r)))
    assert {"w1_original", "w2_original", "b_original"} <= set(hist.columns)
    raw = frame[["age", "income"]].to_numpy()
    for k in (0, 10, 20):
        s = r.history[k]
        scaled_logits = tab.scaler.transform(raw) @ s.w + s.b
        file_logits = raw @ hist.loc[k, ["w1_original", "w2_original"]].to_numpy(float) + hist.loc[k, "b_original"]
        np.testing.assert_allclose(file_logits, scaled_logits, rtol=1e-9, atol=1e-9)  # the same model, in file units


def test_without_scaling_there_are_no_extra_columns():
    hist = pd.read_csv(io.BytesIO(history_csv(hostile_run())))
    assert not any(c.endswith("_original") for c in hist.columns)


@pytest.mark.parametrize("tau", [0.5, 0.7, 0.05])
def test_history_csv_counts_what_the_model_predicts_at_tau_as_scikit_learn_does(tau):
    metrics = pytest.importorskip("sklearn.metrics")

    r = run(replace(Settings(), test=0.3, flip=0.1, epochs=40))
    frame = pd.read_csv(io.BytesIO(history_csv(r, tau)))
    assert (frame["threshold"] == tau).all()
    for prefix, part in (("", r.train), ("test_", r.test)):
        for k in (0, 1, 17, 40):
            s = r.history[k]
            p = sigmoid(part.X @ s.w + s.b)
            (tn, fp), (fn, tp) = metrics.confusion_matrix(part.y, p >= tau, labels=[0, 1])
            row = frame.iloc[k]
            assert [row[prefix + c] for c in ("tn", "fp", "fn", "tp")] == [tn, fp, fn, tp]
            if k:  # at w = 0 every p is ½: one tie, AUC ½
                assert row[prefix + "auc"] == pytest.approx(metrics.roc_auc_score(part.y, p), abs=1e-12)


def test_history_csv_gives_the_auc_at_most_at_every_frame_on_long_runs():
    r = run(replace(Settings(), epochs=1000, n=200))
    frame = pd.read_csv(io.BytesIO(history_csv(r)))
    assert frame["tp"].notna().all() and frame["auc"].notna().sum() == MAX_FRAMES
    assert frame["auc"].notna().iloc[[0, -1]].all()
