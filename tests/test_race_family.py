"""The race's rates are chosen from the family's own runs: no candidate is trained again."""

from __future__ import annotations

import pytest

import logreg.lesson as lesson
from logreg.app.run import synthetic_split
from logreg.app.settings import DEFAULTS, LR_OPTIONS, PRESETS, Settings
from logreg.family import train_family
from logreg.lesson import race_rates

SETTINGS = {
    "default": Settings(),
    **{p.name: Settings.from_values({**DEFAULTS, **p.values}) for p in PRESETS},
    "logistic labels, λ 0.1": Settings(labels="logistic", l2=0.1, epochs=300),
}


@pytest.mark.parametrize("name", list(SETTINGS))
def test_race_rates_read_from_the_family_equal_those_trained_again(name, monkeypatch):
    s = SETTINGS[name]
    if s.batch_size is not None:
        pytest.skip("the race is full-batch only")
    data = synthetic_split(s)[0]
    options = dict(l2=s.l2, epochs=s.epochs, init=s.init, seed=s.seed)
    trained = race_rates(data.X, data.y, LR_OPTIONS, **options)
    family = train_family(data.X, data.y, learning_rates=LR_OPTIONS, epochs=s.epochs, init=s.init, l2=s.l2, seed=s.seed)
    histories = {lr: family.snapshots(k) for k, lr in enumerate(LR_OPTIONS)}

    def no_training(*args, **kwargs):
        raise AssertionError("a candidate was trained again")

    monkeypatch.setattr(lesson, "train", no_training)
    assert race_rates(data.X, data.y, LR_OPTIONS, **options, histories=histories) == trained


def test_a_rate_missing_from_the_histories_is_trained():
    data = synthetic_split(Settings())[0]
    lanes = race_rates(data.X, data.y, LR_OPTIONS, epochs=100, histories={})
    assert lanes == race_rates(data.X, data.y, LR_OPTIONS, epochs=100)
