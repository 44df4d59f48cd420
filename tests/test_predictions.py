"""The Predictions tab: the run on screen read at a threshold τ, driven headless by AppTest; the preset
"Choosing a threshold", whose sentence must be true of its run; τ never retrains."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from sklearn import metrics as sk
from test_app import app, assert_no_bad_numbers, chart, decoded, no_exception, player_data, strict_specs

from logreg.app import cached, families
from logreg.app.family_view import decision
from logreg.app.run import Synthetic, run
from logreg.app.settings import BY_KEY, DEFAULTS, PRESETS, Settings
from logreg.metrics import confusion
from logreg.model import sigmoid

VIEW = "Predictions"
PRESET = next(p for p in PRESETS if p.name == "Choosing a threshold")


def probabilities(d, snapshot) -> np.ndarray:
    return sigmoid(d.X @ snapshot.w + snapshot.b)


def link_value(at) -> dict:
    """What the tab writes into the address bar for τ."""
    found = [c for c in at.get("bidi_component") if c.proto.id.endswith("-threshold_link")]
    assert len(found) == 1
    return json.loads(found[0].proto.json)


def trained_keys() -> set:
    """The cache's entries that hold runs or what is made of them."""
    kinds = ("run", "family", "family frames", "sharpness")
    return {k for k in cached.CACHE._entries if isinstance(k, tuple) and k[0] in kinds}


def counts(table) -> list[list[int]]:
    """[[tn, fp], [fn, tp]] as the page's confusion table writes them ("812 correct (true negatives)")."""
    return [[int(cell.split()[0].replace(",", "")) for cell in row] for row in table.value.to_numpy().tolist()]


# ---------------------------------------------------------------- the preset's sentence
def test_the_presets_sentence_is_true_of_its_run():
    s = Settings.from_values({**DEFAULTS, **PRESET.values})
    r = run(s)
    last = r.history[-1]
    y, p = r.train.y, probabilities(r.train, last)
    half, low = confusion(y, p, 0.5), confusion(y, p, 0.2)
    positives = int(y.sum())
    words = PRESET.watch
    assert f"{positives} of the {r.train.n} training points are class 1 ({positives / r.train.n:.0%})" in words
    assert f"calling every point 0 scores {1 - positives / r.train.n:.1%}" in words
    assert f"at epoch {last.epoch} the run scores {half.accuracy:.1%} at τ = 0.5" in words
    assert f"finds only {half.tp} of the {positives} (recall {half.recall:.1%})" in words
    assert f"it finds {low.tp} of them ({low.recall:.1%}), for {low.fp} false alarms instead of {half.fp}" in words
    # the headline: accuracy looks high (above calling everything 0), yet most of the rare class is missed
    assert half.accuracy > 1 - positives / r.train.n and half.fn > half.tp and positives / r.train.n < 0.2
    assert half.accuracy == pytest.approx(sk.accuracy_score(y, p >= 0.5))


def test_the_preset_opens_the_run_its_sentence_speaks_of():
    at = app(view=VIEW)
    at.button(key=f"preset_{PRESET.name}").click()
    at.run()
    no_exception(at)
    assert any(c.value.startswith(f"**{PRESET.name}.**") for c in at.caption)
    assert counts(at.table[0])[1] == [63, 21]  # 63 misses, 21 found at τ = 0.5, as the sentence says
    at.slider(key="threshold").set_value(0.2).run()
    assert counts(at.table[0]) == [[616 - 73, 73], [31, 53]]
    assert any("false alarms (14 → 73)" in m.value for m in at.markdown)


# ---------------------------------------------------------------- the tab
def test_the_tab_renders_from_a_link_with_its_threshold():
    at = app(view=VIEW, threshold="0.7")
    no_exception(at)
    assert not at.warning and at.slider(key="threshold").value == 0.7
    assert link_value(at) == {"key": "threshold", "value": "0.7", "decision": decision(0.7)}
    # the player on the page draws its boundary at p = 0.7 from the first run on
    figure_names = [t.get("name") for t in player_data(at)["figure"]["data"]]
    assert player_data(at)["decision"] == decision(0.7) and "boundary (p = 0.7)" in figure_names
    assert len(at.table) == 2  # the confusion matrix and the rates (no test rows)
    assert [m.value for m in at.markdown if m.value.startswith("**Raising τ from 0.5 to 0.7")]
    assert any("AUC" in c.value and c.value.startswith("**ROC curve at epoch 100.**") for c in at.caption)
    assert chart(at, "roc_plot")["data"][2]["name"] == "τ = 0.7, training rows"
    strict_specs(at)
    assert_no_bad_numbers(at)


@pytest.mark.parametrize("raw, shown, note", [("2", 0.5, "was not used"), ("abc", 0.5, "was not used"),
                                               ("0.72", 0.7, "was rounded to 0.7")])  # fmt: skip
def test_a_bad_threshold_in_the_link_gets_a_notice_and_opens_a_usable_value(raw, shown, note):
    at = app(view=VIEW, threshold=raw)
    no_exception(at)
    notices = [w.value for w in at.warning]
    assert len(notices) == 1 and notices[0].startswith("The link's threshold=") and note in notices[0]
    assert at.slider(key="threshold").value == shown
    assert_no_bad_numbers(at)


def test_moving_tau_reads_the_same_run_and_trains_nothing():
    at = app(view=VIEW, test="0.3")
    no_exception(at)
    before, spec = trained_keys(), at.get("bidi_component")
    run_id = next(json.loads(c.proto.json)["id"] for c in spec if c.proto.id.endswith("-animation"))
    for tau in (0.3, 0.95, 0.05):
        at.slider(key="threshold").set_value(tau).run()
        no_exception(at)
        assert trained_keys() == before  # no new run, nothing made of one
        assert link_value(at)["value"] == f"{tau:g}"
    after = next(json.loads(c.proto.json)["id"] for c in at.get("bidi_component") if c.proto.id.endswith("-animation"))
    assert after == run_id
    at.slider(key="threshold").set_value(0.5).run()
    assert link_value(at)["value"] is None  # the default leaves the link


def test_runs_are_keyed_without_tau():
    s = Settings(epochs=20)
    data = cached.synthetic(Synthetic.of(s))
    plan = cached.page_plan(data, s, race=False)
    assert families.family(data, replace(s, threshold=0.8), plan) is families.family(data, s, plan)
    assert cached.training(data, replace(s, threshold=0.3), plan) is cached.training(data, s, plan)


@pytest.mark.parametrize("epoch, tau", [(0, 0.5), (7, 0.3), (40, 0.85), (100, 0.05)])
def test_the_numbers_are_scikit_learns_at_the_epoch_the_player_rests_on(epoch, tau):
    at = app(view=VIEW, test="0.3", labels="logistic", threshold=f"{tau:g}")
    at.session_state["_followed"] = epoch  # as page.follow keeps the player's epoch
    at.run()
    no_exception(at)
    r = run(Settings(test=0.3, labels="logistic"))
    snapshot = r.history[epoch]
    assert any(c.value.startswith(f"Epoch {epoch}, η = 0.1") for c in at.caption)
    for table, d in zip(at.table[:2], (r.train, r.test)):
        p = probabilities(d, snapshot)
        assert counts(table) == sk.confusion_matrix(d.y, p >= tau, labels=[0, 1]).tolist()
    rates = at.table[2].value
    for column, d in zip(("training rows", "test rows"), (r.train, r.test)):
        p = probabilities(d, snapshot)
        precision, recall, _, _ = sk.precision_recall_fscore_support(d.y, p >= tau, average="binary", zero_division=0)
        cells = rates[column].tolist()
        assert cells[0].startswith(f"{sk.accuracy_score(d.y, p >= tau):.1%}")
        assert cells[2].startswith(f"{recall:.1%}")
        if (p >= tau).any():
            assert cells[1].startswith(f"{precision:.1%}")
        words = next(c.value for c in at.caption if c.value.startswith("**ROC curve"))
        assert f"{sk.roc_auc_score(d.y, p):.3f} on the {column}" in words
    auc_curve = chart(at, "auc_plot")["data"][0]
    assert decoded(auc_curve["x"]).max() == epoch  # drawn up to the epoch on screen only
    assert decoded(auc_curve["y"])[-1] == pytest.approx(sk.roc_auc_score(r.train.y, probabilities(r.train, snapshot)))
    assert_no_bad_numbers(at)


def test_rows_of_one_class_say_so_instead_of_a_curve():
    at = app(view=VIEW, bias="-5", w1="0.1", w2="0.1", n="100")  # every label 0
    no_exception(at)
    assert any("hold only class 0" in i.value for i in at.info)
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith(("-roc_plot", "-auc_plot"))]
    assert "no point is class 1" in at.table[1].value["training rows"].tolist()[2]
    assert_no_bad_numbers(at)


def test_the_threshold_control_is_the_links():
    c = BY_KEY["threshold"]
    at = app(view=VIEW)
    slider = at.slider(key="threshold")
    assert (slider.min, slider.max, slider.value) == (c.low, c.high, c.default)
