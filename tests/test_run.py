"""logreg.app.run: from settings to a run with its analysis (no Streamlit)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from logreg import make_synthetic, optimum, sharpness_at_minimum, train
from logreg.app.run import Run, run, synthetic_data
from logreg.app.settings import DEFAULTS, PRESETS, Settings
from logreg.tabular import from_frame

SEED_004 = [0.6931, 0.5710, 0.4932, 0.4403, 0.4019, 0.3726, 0.3495, 0.3305, 0.3147, 0.3013]


def assert_finite_run(r: Run):
    assert len(r.history) >= 1
    for s in r.history:
        values = [s.loss, s.objective, s.accuracy, s.b, s.gradient_b, *s.w, *s.gradient_w]
        if s.test_loss is not None:
            values += [s.test_loss, s.test_accuracy]
        assert np.all(np.isfinite(values)), s.epoch
    assert [s.epoch for s in r.history] == list(range(len(r.history)))
    assert np.isfinite(r.max_stable) and r.max_stable > 0
    assert r.verdict.kind in ("converged", "improving", "oscillating", "diverged")
    assert r.verdict.message


def test_default_settings_reproduce_seed_004():
    r = run(Settings())
    assert len(r.history) == 101
    assert [round(r.history[e].loss, 4) for e in range(0, 100, 10)] == SEED_004
    assert round(r.history[-1].loss, 4) == 0.2897
    assert r.test is None and r.train.n == 1000
    np.testing.assert_array_equal(r.true_line[0], [2.0, -3.0])
    assert r.true_line[1] == 0.5
    assert_finite_run(r)


def test_default_run_matches_the_core_directly():
    data = make_synthetic()
    core = list(train(data.X, data.y, learning_rate=0.1, epochs=100))
    r = run(Settings())
    np.testing.assert_array_equal(r.train.X, data.X)
    for a, b in zip(core, r.history):
        assert a.loss == b.loss and a.b == b.b
        np.testing.assert_array_equal(a.w, b.w)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_every_preset_runs_to_a_verdict(preset):
    s = Settings.from_values({**DEFAULTS, **preset.values})
    r = run(s)
    assert_finite_run(r)
    assert r.settings == s
    assert len(r.history) == s.epochs + 1  # no preset stops early or diverges
    if s.test > 0:
        assert r.test is not None and r.test.n == round(s.test * s.n)
        assert r.train.n + r.test.n == s.n
        assert all(x.test_loss is not None for x in r.history)


def test_learning_rate_too_large_preset_oscillates_and_says_why():
    preset = next(p for p in PRESETS if p.name == "Learning rate too large")
    r = run(Settings.from_values({**DEFAULTS, **preset.values}))
    s_min = sharpness_at_minimum(r.train.X, r.best)
    assert r.settings.lr > 2 / s_min > r.max_stable
    assert r.verdict.kind == "oscillating" and r.verdict.message.startswith("Oscillating:")
    assert f"2/L = {r.max_stable:.3g}" in r.verdict.message
    assert f"2/s(θ*) = {2 / s_min:.3g}" in r.verdict.message


def test_overlapping_classes_preset_converges_to_a_minimum():
    preset = next(p for p in PRESETS if p.name == "Overlapping classes")
    r = run(Settings.from_values({**DEFAULTS, **preset.values}))
    assert r.best.exists
    assert r.verdict.kind == "converged"
    assert r.history[-1].objective >= r.best.objective - 1e-12


def test_badly_scaled_preset_has_a_tiny_stable_rate():
    preset = next(p for p in PRESETS if p.name == "Badly scaled feature")
    r = run(Settings.from_values({**DEFAULTS, **preset.values}))
    default = run(Settings())
    assert r.max_stable < default.max_stable / 100
    assert r.settings.lr < r.max_stable  # stable, just slow


def test_separable_default_has_no_minimum():
    r = run(Settings())
    assert not r.best.exists and r.verdict.kind == "improving"


def test_synthetic_data_follows_the_settings():
    s = Settings(n=50, w1=1.0, w2=2.0, bias=-1.0, seed=3, xscale=10.0, xshift=5.0)
    d = synthetic_data(s)
    ref = make_synthetic(50, (1.0, 2.0), -1.0, 3, scale=(10.0, 1.0), shift=(5.0, 0.0))
    np.testing.assert_array_equal(d.X, ref.X)
    np.testing.assert_array_equal(d.y, ref.y)


def test_settings_reach_the_training():
    base = Settings(epochs=20)
    r = run(base)
    assert len(run(replace(base, epochs=5)).history) == 6
    assert run(replace(base, lr=1.0)).history[-1].loss < r.history[-1].loss
    assert run(replace(base, init="ones")).history[0].w.tolist() == [1.0, 1.0]
    stopped = run(replace(base, stop=0.6))
    assert stopped.history[-1].loss <= 0.6 < stopped.history[-2].loss and len(stopped.history) < 21
    penalised = run(replace(base, l2=1.0))
    assert penalised.history[-1].objective > penalised.history[-1].loss
    mini = run(replace(base, batch="16"))
    assert mini.history[-1].loss < r.history[-1].loss  # 63 steps per epoch instead of 1
    assert run(replace(base, test=0.2)).test.n == 200


def test_diverging_settings_give_a_diverged_verdict():
    r = run(Settings(lr=100.0, l2=1.0))
    assert r.history[-1].diverged
    assert r.verdict.kind == "diverged"
    assert_finite_run(r)


def test_run_on_given_csv_data():
    rng = np.random.RandomState(0)
    X = rng.randn(80, 2) * [3.0, 0.5] + [10.0, -2.0]
    label = np.where(X[:, 0] - 10 + 4 * (X[:, 1] + 2) + rng.randn(80) > 0, "yes", "no")
    df = pd.DataFrame({"height": X[:, 0], "weight": X[:, 1], "label": label})
    tab = from_frame(df, ("height", "weight"), "label", scaling="standardize", test_fraction=0.25, seed=0)
    s = Settings(source="csv", lr=0.5, epochs=30)
    r = run(s, tab.train, tab.test, scaler=tab.scaler)
    assert_finite_run(r)
    assert r.train is tab.train and r.test is tab.test
    assert r.train.n == 60 and r.test.n == 20
    assert r.true_line is None
    assert r.scaler is tab.scaler
    assert len(r.history) == 31 and r.history[-1].test_loss is not None
    assert r.history[-1].loss < r.history[0].loss
    best = optimum(tab.train.X, tab.train.y)
    assert r.best.exists == best.exists
    assert r.train.feature_names == ("height", "weight")
    assert r.train.class_names == ("no", "yes")


def test_given_data_is_used_as_it_is():
    data = make_synthetic(60, seed=5)
    r = run(Settings(test=0.3, n=1000), data)  # the settings' n and test do not resample given data
    assert r.train is data and r.test is None and len(r.history) == 101


def test_a_run_cut_by_the_budget_says_so():
    from logreg.app.budget import plan

    s = Settings(n=2000, batch="1", epochs=500)
    p = plan(s.epochs, 2000, 0, s.batch_size)
    assert p.cut
    r = run(s, epochs=p.epochs, note=p.note())
    assert len(r.history) == p.epochs + 1 and r.epochs == p.epochs and r.notes == (p.note(),)
    assert run(Settings(epochs=5), epochs=10, note="unused").notes == ()  # not cut: nothing to say


def test_work_stops_when_the_viewer_is_gone():
    calls = []

    class Gone(Exception):
        pass

    def check():
        calls.append(1)
        if len(calls) == 3:
            raise Gone

    with pytest.raises(Gone):
        run(Settings(epochs=100), between_epochs=check)
    assert len(calls) == 3  # checked after every epoch, and nothing after it raised
