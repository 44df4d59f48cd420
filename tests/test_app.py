"""The Streamlit page, driven headless by streamlit.testing.v1.AppTest (no browser, no JavaScript).

What the browser would receive is checked through the chart's JSON spec; widget changes, presets,
share links, CSV uploads, downloads and each tab are exercised and must never raise.
"""

from __future__ import annotations

import base64
import io
import json
import re
from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from logreg import optimum
from logreg.app.exports import data_csv, history_csv
from logreg.app.run import run, synthetic_data
from logreg.app.settings import BY_KEY, CONTROLS, DEFAULTS, LR_OPTIONS, PRESETS, Settings
from logreg.formatting import number as fmt
from logreg.formatting import tex_number as _tex_number
from logreg.plot_parts import MAX_FRAMES
from logreg.train import train
from logreg.ui.link import TABS

APP = Path(__file__).resolve().parents[1] / "app.py"
KEYS = [c.key for c in CONTROLS]


# ---------------------------------------------------------------- helpers
def app(**query: str) -> AppTest:
    """A fresh session, opened with the given share-link parameters, after its first run."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at


def no_exception(at: AppTest) -> None:
    assert len(at.exception) == 0, [e.value for e in at.exception]


def player_data(at: AppTest, key: str = "animation") -> dict:
    """What the page sends the player component: the figure, the readouts, the run's name."""
    found = [c for c in at.get("bidi_component") if c.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, f"no player {key!r}"
    return json.loads(found[0].proto.json)


def _spec(at: AppTest, key: str) -> str:
    players = [c for c in at.get("bidi_component") if c.proto.id.endswith(f"-{key}")]
    if players:
        return json.dumps(json.loads(players[0].proto.json)["figure"])
    found = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, f"no chart {key!r}"
    return found[0].proto.spec


def chart(at: AppTest, key: str = "animation") -> dict:
    """The figure the browser draws: the player's (main view) or a Plotly chart's (panels)."""
    return json.loads(_spec(at, key))


def chart_size(at: AppTest, key: str = "animation") -> int:
    return len(_spec(at, key).encode())


def decoded(value):
    """An array as the page sends it: plotly's base64 {"dtype", "bdata"} or a list."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), {"f8": "<f8", "f4": "<f4", "i4": "<i4"}[value["dtype"]])
    return None if value is None else np.asarray(value)


def words(run: dict) -> str:
    """A run's verdict as the page writes it: its badge, its headline, and the numbers folded under them."""
    return f"{run['badge']}: {run['headline']} {run['details']}".strip()


def on_screen(at: AppTest) -> dict:
    """The run the player opens with (the η the page knows): its frames' numbers, decoded, and its words."""
    data = player_data(at)
    numbers = data["family"]["runs"][data["request"]["index"]]
    return {
        **{k: decoded(v) if isinstance(v, (dict, list)) else v for k, v in numbers.items()},
        "verdict": words(numbers),
    }


def frames(at: AppTest) -> list[int]:
    """The epochs of the frames of the run on screen."""
    return [int(e) for e in on_screen(at)["epoch"]]


def metrics(at: AppTest) -> dict[str, str]:
    """The run on screen's numbers at its last epoch, as the player writes them."""
    run = on_screen(at)
    out = {"final loss": fmt(float(run["loss"][-1]), ".4f"), "accuracy": f"{float(run['accuracy'][-1]):.1%}"}
    if "test_loss" in run:
        out["test loss"] = fmt(float(run["test_loss"][-1]), ".4f")
        out["test accuracy"] = f"{float(run['test_accuracy'][-1]):.1%}"
    return out


class RateControl:
    """η as the tests set it: the player's control reports the η on screen to the session ("lr")."""

    def __init__(self, at: AppTest):
        self.at = at

    @property
    def value(self) -> float:
        return self.at.session_state["lr"]

    def set_value(self, value: float) -> RateControl:
        self.at.session_state["lr"] = value
        return self


def widget(at: AppTest, key: str):
    """The sidebar widget of a control, by the kind of widget the page draws for it (η: the player's)."""
    if key == "lr":
        return RateControl(at)
    c = BY_KEY[key]
    if c.kind == "choice" and isinstance(c.default, float):
        return at.select_slider(key=key)
    if c.kind == "choice":
        return at.button_group(key=key)
    if key in ("seed", "stop"):
        return at.number_input(key=key)
    return at.slider(key=key)


def texts(at: AppTest) -> list[str]:
    """Every piece of text the page shows (code listings excluded), chart readouts included."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "latex", "warning", "error", "info", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [f"{m.label} {m.value} {m.proto.delta}" for m in at.metric]
    for frame in [*at.dataframe, *at.table]:
        out.append(frame.value.to_string())
    for c in at.get("plotly_chart"):
        spec = json.loads(c.proto.spec)
        out += [step["label"] for s in spec["layout"].get("sliders", []) for step in s["steps"]]
    for c in at.get("bidi_component"):
        data = json.loads(c.proto.json)
        if "figure" not in data:
            continue
        out += data.get("readouts", [])
        out += [a["text"] for a in data["figure"]["layout"].get("annotations", [])]
        if data.get("family"):
            out += [words(run) for run in data["family"]["runs"] if run is not None]  # None: not trained
    return out


BAD_NUMBER = re.compile(r"(?<![\w.])-?(nan|inf|infinity)(?![\w])", re.IGNORECASE)


def assert_no_bad_numbers(at: AppTest) -> None:
    for text in texts(at):
        assert not BAD_NUMBER.search(text), text[:300]


def forbid_constants(name):
    raise ValueError(f"chart JSON holds {name}")


def strict_specs(at: AppTest) -> None:
    for c in at.get("plotly_chart"):
        json.loads(c.proto.spec, parse_constant=forbid_constants)
    for c in at.get("bidi_component"):
        json.loads(c.proto.json, parse_constant=forbid_constants)


@pytest.fixture(scope="module")
def default_app() -> AppTest:
    at = app()
    no_exception(at)
    return at


@pytest.fixture(scope="module")
def default_run():
    return run(Settings())


# ---------------------------------------------------------------- the default page
def test_default_page(default_app):
    at = default_app
    assert [t.value for t in at.title] == ["Watch logistic regression learn"]
    assert len(at.get("bidi_component")) == 1
    assert chart(at)["frames"] == [] and len(frames(at)) == 101  # the browser draws each frame from the numbers
    assert chart_size(at) <= 200 * 1024
    assert metrics(at)["final loss"] == "0.2897"
    assert metrics(at)["accuracy"].endswith("%")
    assert len(at.warning) == 0 and len(at.error) == 0
    assert any(c.value.startswith("Steps below η = 7.9 always lower the loss.") for c in at.main.caption)
    assert [b.key for b in at.button] == [f"preset_{p.name}" for p in PRESETS]
    strict_specs(at)
    assert_no_bad_numbers(at)


def test_every_run_gives_the_memory_it_freed_back(monkeypatch):
    from logreg.ui import page

    trims = []
    monkeypatch.setattr(page, "release_freed_memory", lambda: trims.append(True))
    at = app()
    no_exception(at)
    assert len(trims) == 1
    at.query_params["lr"] = "0.3"
    at.run()
    assert len(trims) == 2  # once after every run


def test_default_widgets_show_the_defaults(default_app):
    for key in KEYS:
        assert widget(default_app, key).value == DEFAULTS[key], key


def test_default_chart_is_the_seed_004_run(default_app, default_run):
    spec = chart(default_app)
    assert frames(default_app) == list(range(101))
    family = player_data(default_app)["family"]
    shown = family["runs"][family["rates"].index(0.1)]
    assert on_screen(default_app)["verdict"] == words(shown)  # the page opens on η = 0.1
    assert decoded(shown["loss"]).tolist() == [s.loss for s in default_run.history]  # exactly
    assert decoded(shown["epoch"]).tolist() == [s.epoch for s in default_run.history]
    # the page's player drives the frames with its own buttons and scrubber: Plotly's are left out
    assert "updatemenus" not in spec["layout"] and "sliders" not in spec["layout"] and "meta" not in spec["layout"]
    data = player_data(default_app)
    # no frames nor readouts: the player writes each frame's numbers from the family
    assert data["autoplay"] is True and data["readouts"] == [] and spec["frames"] == []


# ---------------------------------------------------------------- every control
CHANGES = {
    "source": "csv",
    "w1": 1.0,
    "w2": 1.0,
    "bias": -1.0,
    "n": 200,
    "seed": 3,
    "labels": "logistic",
    "flip": 0.1,
    "xscale": 10.0,
    "xshift": 5.0,
    "test": 0.2,
    "lr": 1.0,
    "epochs": 50,
    "init": "ones",
    "l2": 0.1,
    "batch": "16",
    "stop": 0.5,
    "land": "off",
}


def test_every_control_has_a_change():
    assert set(CHANGES) == set(KEYS)
    for key, value in CHANGES.items():
        assert value != DEFAULTS[key]


@pytest.mark.parametrize("key", KEYS)
def test_every_control_can_be_changed(key, default_app):
    base_metrics, base_spec = metrics(default_app), chart(default_app)
    at = app()
    widget(at, key).set_value(CHANGES[key])
    at.run()
    no_exception(at)
    assert widget(at, key).value == CHANGES[key]
    assert at.session_state[key] == CHANGES[key]
    if key == "source":
        assert len(at.get("bidi_component")) == 0
        assert any("CSV" in i.value for i in at.info)
        assert len(at.file_uploader) == 1
        return
    spec = chart(at)
    if key == "epochs":
        assert len(frames(at)) == 51
    elif key == "stop":
        assert len(frames(at)) < 101 and float(metrics(at)["final loss"]) <= 0.5
    elif key == "land":
        # contours, path, minimum, truth, start and the moving point: no landscape panel
        assert len(spec["data"]) == len(base_spec["data"]) - 6 and "xaxis4" not in spec["layout"]
        assert metrics(at) == base_metrics
    elif key == "test":
        assert set(metrics(at)) == {"final loss", "accuracy", "test loss", "test accuracy"}
    elif key == "n":
        points = sum(len(np.frombuffer(base64.b64decode(t["x"]["bdata"]), "f4")) for t in spec["data"][:2])
        assert points == 200
    if key != "land":
        assert metrics(at)["final loss"] != base_metrics["final loss"], key
    assert_no_bad_numbers(at)


def test_seed_number_input_steps():
    at = app()
    at.number_input(key="seed").increment()
    at.run()
    no_exception(at)
    assert at.number_input(key="seed").value == 1
    assert metrics(at)["final loss"] != "0.2897"


# ---------------------------------------------------------------- presets
def expected_preset_values(preset) -> dict:
    return {**DEFAULTS, **preset.values}


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_preset_buttons_set_every_control(preset):
    at = app(lr="5", epochs="7", labels="logistic")  # start away from the defaults
    at.button(key=f"preset_{preset.name}").click()
    at.run()
    no_exception(at)
    want = expected_preset_values(preset)
    assert widget(at, "lr").value == want["lr"]
    assert player_data(at)["family"]["rates"][player_data(at)["request"]["index"]] == want["lr"]
    assert at.slider(key="epochs").value == want["epochs"]
    for key in KEYS:
        assert widget(at, key).value == want[key], key
    assert len(frames(at)) == min(want["epochs"] + 1, MAX_FRAMES)
    assert any(c.value.startswith(f"**{preset.name}.**") for c in at.caption)  # says what to watch
    expected = run(Settings.from_values(want))
    assert metrics(at)["final loss"] == f"{expected.history[-1].loss:.4f}"


def test_too_large_learning_rate_preset_warns():
    at = app()
    at.button(key="preset_Learning rate too large").click()
    at.run()
    no_exception(at)
    assert len(at.warning) == 0  # the verdict is the player's, not a box
    shown = on_screen(at)
    assert shown["kind"] == "oscillating" and shown["verdict"].startswith("Oscillating") and "2/L" in shown["verdict"]


# ---------------------------------------------------------------- share links
GOOD = {
    "source": ("synthetic", "synthetic"),
    "w1": ("-1.5", -1.5),
    "w2": ("2.5", 2.5),
    "bias": ("-5", -5.0),
    "n": ("300", 300),
    "seed": ("42", 42),
    "labels": ("logistic", "logistic"),
    "flip": ("0.05", 0.05),
    "xscale": ("0.1", 0.1),
    "xshift": ("-20", -20.0),
    "test": ("0.3", 0.3),
    "lr": ("0.5", 0.5),
    "epochs": ("40", 40),
    "init": ("random", "random"),
    "l2": ("0.01", 0.01),
    "batch": ("64", "64"),
    "stop": ("0.4", 0.4),
    "land": ("off", "off"),
}


def test_the_page_hands_the_player_its_share_link_and_the_link_restores_the_page():
    """The player writes the link into the address bar: every control off its default, by its URL name,
    and None for each control at its default (removed from the URL). Opened again, it gives the same page."""
    at = app()
    link_keys = set(KEYS) | {"opt", "beta"}  # the optimizers tab's choices travel too
    assert set(player_data(at)["link"]) == link_keys and set(player_data(at)["link"].values()) == {None}
    widget(at, "lr").set_value(0.5)
    at.run()
    at.slider(key="epochs").set_value(40).run()
    at.select_slider(key="xscale").set_value(0.1).run()
    link = player_data(at)["link"]
    assert {k: v for k, v in link.items() if v is not None} == {"lr": "0.5", "epochs": "40", "xscale": "0.1"}
    again = app(**{k: v for k, v in link.items() if v is not None})
    no_exception(again)
    assert not again.warning or not [w for w in again.warning if w.value.startswith("The link")]
    assert chart(again) == chart(at) and player_data(again)["link"] == link
    assert player_data(again)["family"] == player_data(at)["family"] and on_screen(again)["loss"].size
    at.slider(key="epochs").set_value(BY_KEY["epochs"].default).run()
    assert player_data(at)["link"]["epochs"] is None


@pytest.mark.parametrize("key", KEYS)
def test_share_link_good_value_sets_the_control(key):
    raw, value = GOOD[key]
    at = app(**{key: raw})
    no_exception(at)
    assert widget(at, key).value == value
    assert not [w.value for w in at.warning if w.value.startswith("The link")]
    for other in KEYS:
        if other != key:
            assert widget(at, other).value == DEFAULTS[other], other
    assert_no_bad_numbers(at)


def test_share_link_values_are_snapped_with_a_notice():
    at = app(lr="0.15")
    no_exception(at)
    assert widget(at, "lr").value == 0.2
    notes = [w.value for w in at.warning]
    assert len(notes) == 1 and "lr=" in notes[0] and "rounded to 0.2" in notes[0]
    expected = run(Settings(lr=0.2))
    assert metrics(at)["final loss"] == f"{expected.history[-1].loss:.4f}"


@pytest.mark.parametrize(
    "key, raw, snapped", [("n", "1005", 1010), ("w1", "0.14", 0.1), ("epochs", "7.6", 8), ("seed", "7.6", 8)]
)
def test_share_link_snapped_value_is_the_one_used(key, raw, snapped):
    at = app(**{key: raw})
    no_exception(at)
    notes = [w.value for w in at.warning]
    assert len(notes) == 1 and f"rounded to {fmt(snapped)}" in notes[0]
    assert widget(at, key).value == snapped


@pytest.mark.parametrize("raw", ["inf", "-inf", "1e400", "9" * 400])
def test_share_link_infinite_seed_does_not_crash(raw):
    at = app(seed=raw)
    no_exception(at)
    assert len(at.warning) == 1 and at.warning[0].value.startswith("The link's seed=")
    assert at.number_input(key="seed").value == 0


def bad_value(kind: str, key: str) -> str:
    c = BY_KEY[key]
    if kind == "out of range":
        return (
            "zzz"
            if c.kind == "choice" and not isinstance(c.default, float)
            else fmt(1e6 if c.high is None else c.high * 10 + 1e4)
        )
    return {
        "text": "abc",
        "nan": "NaN",
        "inf": "-inf",
        "empty": "",
        "markup": "<script>alert(1)</script>",
        "long": "9" * 10_000,
    }[kind]


@pytest.mark.parametrize("kind", ["text", "nan", "inf", "out of range", "empty", "markup", "long"])
def test_share_link_bad_values_fall_back_to_defaults(kind):
    """Every control at once gets a bad value: one notice per key, every control at its default.

    (An infinite seed is left out: it crashes the page, see test_share_link_infinite_seed_does_not_crash.)
    """
    keys = [k for k in KEYS if not (k == "seed" and kind in ("inf", "long"))]
    at = app(**{key: bad_value(kind, key) for key in keys})
    no_exception(at)
    notices = [w.value for w in at.warning]
    assert len(notices) == len(keys)
    for key in keys:
        assert sum(n.startswith(f"The link's {key}=") for n in notices) == 1, key
        assert widget(at, key).value == DEFAULTS[key], key
    for n in notices:
        assert "Using the default" in n and len(n) < 400
    assert len(frames(at)) == 101 and metrics(at)["final loss"] == "0.2897"


@pytest.mark.parametrize("key", KEYS)
def test_share_link_bad_value_for_each_key(key):
    kinds = ["text", "nan", "inf", "out of range", "empty", "markup", "long"]
    kind = kinds[KEYS.index(key) % len(kinds)]
    at = app(**{key: bad_value(kind, key)})
    no_exception(at)
    assert len(at.warning) == 1 and at.warning[0].value.startswith(f"The link's {key}=")
    assert widget(at, key).value == DEFAULTS[key]


def test_share_link_unknown_keys_and_bad_view():
    at = app(foo="bar", view="<b>nope</b>")
    no_exception(at)
    notes = [w.value for w in at.warning]
    assert len(notes) == 1 and notes[0].startswith("The link's view=")
    assert len(at.table) == 1  # the Summary is shown


# ---------------------------------------------------------------- CSV files
def csv_app(content: bytes, **query) -> AppTest:
    at = app(source="csv", **query)
    assert len(at.file_uploader) == 1
    at.file_uploader[0].set_value(("data.csv", content, "text/csv"))
    at.run()
    return at


def good_csv(n=60, seed=0) -> bytes:
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 2) * [2.0, 0.5] + [170.0, 60.0]
    y = np.where((X[:, 0] - 170) / 2 - (X[:, 1] - 60) / 0.5 + 0.5 * rng.randn(n) > 0, "yes", "no")
    return ("height,weight,answer\n" + "\n".join(f"{a:.3f},{b:.3f},{c}" for (a, b), c in zip(X, y))).encode()


def test_csv_source_without_upload_asks_for_a_file():
    at = app(source="csv")
    no_exception(at)
    assert len(at.get("bidi_component")) == 0
    assert any("Upload a CSV" in i.value for i in at.sidebar.info)
    assert any("Choose a CSV file" in i.value for i in at.main.info)
    assert len(at.download_button) == 0


def test_valid_csv_trains():
    at = csv_app(good_csv())
    no_exception(at)
    assert len(at.error) == 0
    spec = chart(at)
    assert spec["layout"]["xaxis"]["title"]["text"] == "height (standardized)"
    assert spec["layout"]["yaxis"]["title"]["text"] == "weight (standardized)"
    assert len(frames(at)) == 101
    assert set(metrics(at)) == {"final loss", "accuracy", "test loss", "test accuracy"}  # 20 % held out
    caption = " ".join(c.value for c in at.sidebar.caption)
    assert "60 rows" in caption and "no → 0, yes → 1" in caption and "48 train / 12 test" in caption
    assert any("in the file" in c.value and "units" in c.value for c in at.caption)
    assert_no_bad_numbers(at)
    strict_specs(at)


def test_csv_split_seed_divisor_and_file_units_match_a_notebook():
    """The page's CSV run against the notebook recipe: scikit-learn's split with the page's seed, the
    column divided by a constant, no scaling, and the weights read back in the file's units."""
    from sklearn.model_selection import train_test_split

    content = good_csv(n=80, seed=2)
    frame = pd.read_csv(io.BytesIO(content))
    at = csv_app(content)
    at.number_input(key="seed").set_value(7)
    at.number_input(key="csv_d1").set_value(100.0)
    at.button_group(key="csv_scaling").set_value("none")
    at.slider(key="csv_test").set_value(0.25)
    at.run()
    no_exception(at)
    spec = chart(at)
    assert spec["layout"]["xaxis"]["title"]["text"] == "height / 100"
    X_train, _, _, _ = train_test_split(
        frame[["height", "weight"]].to_numpy(), frame["answer"].to_numpy(), test_size=0.25, random_state=7
    )
    shown = np.sort(np.concatenate([decode_points(spec, i) for i in (0, 1)]))
    np.testing.assert_allclose(shown, np.sort(X_train[:, 0] / 100).astype(np.float32), rtol=1e-6)
    shown = on_screen(at)  # the run on screen at its last epoch, as trained and in the file's units
    learned = np.array([shown["w1"][-1], shown["w2"][-1], shown["b"][-1]])
    in_file = np.array([shown["w1_file"][-1], shown["w2_file"][-1], shown["b_file"][-1]])
    np.testing.assert_allclose(in_file[0], learned[0] / 100, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(in_file[1:], learned[1:], rtol=1e-3, atol=1e-4)


def decode_points(spec: dict, i: int) -> np.ndarray:
    value = spec["data"][i]["x"]
    return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))


def test_stop_value_is_used_as_typed():
    at = app(stop="0.4631")
    no_exception(at)
    assert at.number_input(key="stop").value == 0.4631
    final = float(metrics(at)["final loss"])
    assert final <= 0.4631
    assert on_screen(at)["loss"][-2] > 0.4631  # the epoch before was still above it


def test_mini_batches_say_how_many_updates_ran():
    at = app(batch="64", epochs="10", n="1000")
    no_exception(at)
    assert any(
        "an epoch is one shuffled pass of 16 updates, so 10 epochs made 160 updates" in c.value for c in at.caption
    )


def test_csv_scaling_and_test_fraction_controls():
    at = csv_app(good_csv(seed=1))
    at.slider(key="csv_test").set_value(0.0)
    at.button_group(key="csv_scaling").set_value("none")
    at.run()
    no_exception(at)
    assert set(metrics(at)) == {"final loss", "accuracy"}
    assert not any("scaled (" in c.value for c in at.caption)


def test_csv_changing_a_feature_column_retrains():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    y = (X[:, 0] - X[:, 1] + 0.3 * rng.randn(60) > 0).astype(int)
    content = ("a,b,c,label\n" + "\n".join(f"{p:.3f},{q:.3f},{r:.3f},{t}" for (p, q, r), t in zip(X, y))).encode()
    at = csv_app(content)
    assert chart(at)["layout"]["yaxis"]["title"]["text"] == "b (standardized)"
    at.selectbox(key="csv_f2").set_value("c")
    at.run()
    no_exception(at)
    assert chart(at)["layout"]["yaxis"]["title"]["text"] == "c (standardized)"


def test_csv_columns_with_colons_train_the_chosen_ones():
    """Columns a, b:c, a:b, c: choosing (a:b, c) must train on a:b and c, never on a and b:c (whose names
    joined with ':' read the same)."""
    rng = np.random.RandomState(3)
    n = 200
    a, bc, ab, c = rng.randn(4, n)
    y = (3 * a - 3 * bc + 0.3 * rng.randn(n) > 0).astype(int)  # a, b:c separate well; a:b, c are noise
    rows = "\n".join(f"{p:.4f},{q:.4f},{r:.4f},{t:.4f},{u}" for p, q, r, t, u in zip(a, bc, ab, c, y))
    content = ("a,b:c,a:b,c,y\n" + rows).encode()
    at = csv_app(content)
    at.selectbox(key="csv_f1").set_value("a")
    at.selectbox(key="csv_f2").set_value("b:c")
    at.run()
    good = metrics(at)["accuracy"]
    at.selectbox(key="csv_f1").set_value("a:b")
    at.selectbox(key="csv_f2").set_value("c")
    at.run()
    no_exception(at)
    spec = chart(at)
    assert spec["layout"]["xaxis"]["title"]["text"] == "a:b (standardized)"
    noise = metrics(at)["accuracy"]
    assert float(good.rstrip("%")) > 90 and float(noise.rstrip("%")) < 75, (good, noise)


MALFORMED = {
    "empty": b"",
    "blank lines": b"  \n\n",
    "header only": b"a,b,c\n",
    "two columns": b"a,b\n1,2\n3,4\n",
    "binary": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "text features": b"a,b,c\nx,y,0\nz,w,1\n" * 5,
    "one class": ("a,b,c\n" + "\n".join(f"{i},{i * 2 % 7},1" for i in range(20))).encode(),
    "three classes": ("a,b,c\n" + "\n".join(f"{i},{i * 2 % 7},{i % 3}" for i in range(20))).encode(),
    "missing value": ("a,b,c\n" + "\n".join(f"{i},{'' if i == 3 else i * 2 % 7},{i % 2}" for i in range(20))).encode(),
    "infinity": ("a,b,c\n" + "\n".join(f"{i},{'inf' if i == 3 else i * 2 % 7},{i % 2}" for i in range(20))).encode(),
    "too few rows": b"a,b,c\n1,2,0\n2,3,1\n",
    "repeated header": ("a,a,c\n" + "\n".join(f"{i},{i * 2 % 7},{i % 2}" for i in range(20))).encode(),
    "empty header": ("a,,c\n" + "\n".join(f"{i},{i * 2 % 7},{i % 2}" for i in range(20))).encode(),
    "ragged rows": ("a,b,c\n" + "\n".join(f"{i},{i * 2 % 7},{i % 2},9,9" for i in range(20))).encode(),
    "constant column": ("a,b,c\n" + "\n".join(f"1,{i * 2 % 7},{i % 2}" for i in range(20))).encode(),
    "huge numbers": ("a,b,c\n" + "\n".join(f"{i}e13,{i * 2 % 7},{i % 2}" for i in range(20))).encode(),
    "unclosed quote": b'a,b,c\n"1,2,0\n3,4,1\n',
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_csv_shows_an_error(name):
    at = csv_app(MALFORMED[name])
    no_exception(at)
    assert len(at.error) == 1, [e.value for e in at.error]
    assert "can't be used" in at.error[0].value
    assert len(at.get("bidi_component")) == 0
    if name != "infinity":  # that error rightly quotes the file's 'inf'
        assert_no_bad_numbers(at)


def test_uploading_another_file_switches_columns():
    at = csv_app(good_csv())
    other = (
        "x,y,z,cls\n" + "\n".join(f"{i},{(i * 7) % 11},{i * i % 5},{'p' if i % 3 else 'q'}" for i in range(30))
    ).encode()
    at.file_uploader[0].set_value(("other.csv", other, "text/csv"))
    at.run()
    no_exception(at)
    assert [s.value for s in at.selectbox] == ["x", "y", "cls"]
    assert chart(at)["layout"]["xaxis"]["title"]["text"] == "x (standardized)"


# ---------------------------------------------------------------- downloads
class _RecordingManager(MediaFileManager):
    made: list[MediaFileManager] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _RecordingManager.made.append(self)


def open_downloads(at: AppTest) -> None:
    """Unfold "Downloads: the run on screen": its buttons are drawn only while it is open."""
    assert len(at.download_button) == 0 and [e.label for e in at.expander] == ["Downloads: the run on screen"]
    at.session_state["downloads"] = True
    at.run()
    no_exception(at)


def downloaded(query: dict) -> dict[str, bytes]:
    """Run the page and call each download button's data callable as a click would."""
    _RecordingManager.made.clear()
    with mock.patch.object(app_test_module, "MediaFileManager", _RecordingManager):
        at = app(**query)
        no_exception(at)
        open_downloads(at)
    manager = _RecordingManager.made[-1]
    files = {}
    for button in at.download_button:
        url = manager.execute_deferred(button.proto.deferred_file_id)
        stored = manager._storage.get_file(url.rsplit("/", 1)[-1])
        files[stored.filename] = stored.content
    return files


def test_three_download_buttons():
    at = app()
    open_downloads(at)
    labels = [b.label for b in at.download_button]
    assert len(labels) == 3 and labels[0].startswith("History") and labels[1].startswith("Dataset")


def test_downloads_deliver_history_data_and_animation(default_run):
    files = downloaded({})
    assert set(files) == {"history.csv", "dataset.csv", "logistic-regression.html"}
    hist = pd.read_csv(io.BytesIO(files["history.csv"]))
    assert list(hist.columns) == [
        "epoch",
        "loss",
        "objective",
        "accuracy",
        "w1",
        "w2",
        "b",
        "grad_w1",
        "grad_w2",
        "grad_b",
        "threshold",
        "tp",
        "fp",
        "tn",
        "fn",
        "auc",
    ]
    assert len(hist) == 101 and hist["epoch"].tolist() == list(range(101))
    np.testing.assert_allclose(hist["loss"], [s.loss for s in default_run.history], rtol=1e-12)
    data = pd.read_csv(io.BytesIO(files["dataset.csv"]))
    assert list(data.columns) == ["x1", "x2", "label", "split"] and len(data) == 1000
    html = files["logistic-regression.html"].decode()
    assert "Plotly.addFrames" in html and html.count('"traces":[5,6,9,12,18,22]') == 101
    assert '"updatemenus"' in html  # the file plays without the page: Plotly's own Play and Pause


def test_history_and_data_csv_with_a_test_split():
    r = run(Settings(test=0.3, epochs=25, n=200))
    hist = pd.read_csv(io.BytesIO(history_csv(r)))
    assert len(hist) == 26
    assert {"test_loss", "test_accuracy"} <= set(hist.columns)
    assert list(hist.columns)[-5:] == ["test_tp", "test_fp", "test_tn", "test_fn", "test_auc"]
    np.testing.assert_allclose(hist[["w1", "w2"]].to_numpy(), [s.w for s in r.history], rtol=1e-12)
    np.testing.assert_allclose(hist["grad_b"], [s.gradient_b for s in r.history], rtol=1e-12)
    np.testing.assert_allclose(hist["test_loss"], [s.test_loss for s in r.history], rtol=1e-12)
    assert np.isfinite(hist.to_numpy(dtype=float)).all()
    data = pd.read_csv(io.BytesIO(data_csv(r)))
    assert data["split"].value_counts().to_dict() == {"train": 140, "test": 60}
    assert set(data["label"]) == {0, 1}
    np.testing.assert_allclose(data.loc[data["split"] == "train", ["x1", "x2"]].to_numpy(), r.train.X, rtol=1e-12)


# ---------------------------------------------------------------- tabs
@pytest.mark.parametrize("view", TABS)
def test_each_tab_renders(view):
    at = app(view=view)
    no_exception(at)
    assert len(at.warning) == 0
    if view != "Learning rates side by side":  # the player draws the frames from every rate's numbers
        assert player_data(at)["figure"]["frames"] == [] and len(frames(at)) == 101
        assert len(player_data(at)["family"]["runs"]) == len(LR_OPTIONS)
        players = [c for c in at.get("bidi_component") if "figure" in json.loads(c.proto.json)]
        assert len(players) == 1 + (view == "Ground truth")  # its chart is updated in place
    if view == "Summary":
        assert "final loss" in metrics(at) and len(at.table) == 1
    elif view == "Math at one epoch":
        assert len(at.latex) == 8 and chart(at, "math_plot")
    elif view == "Learning rates side by side":  # the race plays in the run's place: one animation
        assert player_data(at)["race"]["chosen"] and len(at.get("bidi_component")) == 1
        assert player_data(at)["keys"] is True and "epochs" in player_data(at)["link"]
    elif view == "Predictions":  # the confusion matrix, its rates, the ROC and the AUC over the epochs
        assert chart(at, "roc_plot") and len(at.table) >= 2
    elif view == "Optimizers side by side":  # the methods race in the run's place: one animation
        assert len(player_data(at)["race"]["runs"]) == 3 and len(at.get("bidi_component")) == 1
        assert any(m.value.startswith("**Momentum reached loss") for m in at.markdown)
    else:
        assert chart(at, "truth_plot") and any(m.value.startswith("**Lesson:**") for m in at.markdown)
    strict_specs(at)
    assert_no_bad_numbers(at)


@pytest.mark.parametrize("epoch", [0, 10, 99, 100])
def test_math_tab_fills_in_the_numbers_of_the_chosen_epoch(epoch, default_run):
    at = app(view="Math at one epoch")
    at.slider(key="math_epoch").set_value(epoch)
    at.run()
    no_exception(at)
    h, T = default_run.history, _tex_number
    s = h[epoch]
    latex = [x.value for x in at.latex]
    assert f"= {s.loss:.4f}" in latex[2]
    assert latex[3].rstrip("$\n ").endswith(f"= {T(float(s.gradient_w[0]))}")
    assert latex[5].rstrip("$\n ").endswith(f"= {T(float(s.gradient_b))}")
    if epoch < 100:
        nxt = h[epoch + 1]
        # the update shown lands on the next snapshot's parameters
        assert latex[6].rstrip("$\n ").endswith(f"= {T(float(nxt.w[0]))}")
        assert f"= {T(float(nxt.w[1]))}" in latex[7]
        assert latex[7].rstrip("$\n ").endswith(f"= {T(float(nxt.b))}")
        # and the update arithmetic holds for the numbers as shown
        w1_new = float(s.w[0]) - 0.1 * float(s.gradient_w[0])
        assert np.isclose(w1_new, nxt.w[0], rtol=1e-12)
        assert any(c.value.startswith(f"These are the parameters of epoch {epoch + 1}") for c in at.caption)
    else:
        assert len(latex) == 6
        assert any("last epoch" in c.value for c in at.caption)
    assert any(c.value.startswith(f"Epoch {epoch}: {round((1 - s.accuracy) * 1000)} of 1000") for c in at.caption)
    assert_no_bad_numbers(at)


def test_math_tab_changes_with_the_slider():
    at = app(view="Math at one epoch")
    before = [x.value for x in at.latex]
    at.slider(key="math_epoch").set_value(30)
    at.run()
    after = [x.value for x in at.latex]
    assert before[2] != after[2] and before[0] != after[0]
    assert before[1] == after[1]  # the sigmoid's definition has no numbers


def test_math_tab_with_mini_batches_says_an_epoch_is_several_steps():
    at = app(view="Math at one epoch", batch="16", epochs="5")
    no_exception(at)
    assert len(at.latex) == 6
    assert any("batch size 16" in c.value for c in at.caption)


def race_lanes_for(**settings):
    from logreg.app.settings import LR_OPTIONS
    from logreg.lesson import race_rates

    s = replace(Settings(), **settings)
    data = synthetic_data(s)
    return race_rates(data.X, data.y, LR_OPTIONS, l2=s.l2, epochs=s.epochs, init=s.init, seed=s.seed)


@pytest.mark.parametrize(
    "query, lesson",
    [
        ({}, "a line separates the classes"),
        ({"labels": "logistic"}, "the loss has a minimum"),
        ({"l2": "0.1"}, "L2 penalty"),
    ],
)
def test_ground_truth_tab_shows_the_lesson(query, lesson):
    at = app(view="Ground truth", **query)
    no_exception(at)
    texts_ = [m.value for m in at.markdown]
    assert any(t.startswith("**Lesson:**") and lesson in t for t in texts_)
    assert any(t.startswith("After ") and "angle" in t for t in texts_)
    assert_no_bad_numbers(at)


@pytest.mark.parametrize("query", [{}, {"epochs": "2000"}, {"lr": "0.01", "epochs": "50"}])
def test_ground_truth_says_what_the_angle_did_in_the_last_quarter(query):
    # "the angle levels off" was said while it still rose from 0.9° to 1.3°: the words follow the run's numbers
    from logreg.analysis import angle_degrees

    at = app(view="Ground truth", **query)
    no_exception(at)
    r = run(replace(Settings(), **{k: float(v) if k == "lr" else int(v) for k, v in query.items()}))
    true_w = r.true_line[0]
    since = r.history[len(r.history) - 1 - max(len(r.history) // 4, 1)]
    change = abs(angle_degrees(r.history[-1].w, true_w) - angle_degrees(since.w, true_w))
    lesson = next(m.value for m in at.markdown if m.value.startswith("**Lesson:**"))
    assert ("levelled off" in lesson) == (change < 0.05) and ("still changing" in lesson) == (change >= 0.05), lesson
    assert f"from epoch {since.epoch} to {r.history[-1].epoch}" in lesson


def test_ground_truth_tab_for_csv_data_explains_why_not():
    at = csv_app(good_csv(), view="Ground truth")
    no_exception(at)
    assert any("no true weights" in i.value for i in at.info)


# ---------------------------------------------------------------- extreme settings
EXTREMES = {
    "lr 100, x1 ×100": {"lr": "100", "xscale": "100"},
    "n 20000": {"n": "20000"},
    "5000 epochs": {"epochs": "5000"},
    "bias 5": {"bias": "5"},
    "bias -5": {"bias": "-5", "labels": "logistic"},
}


@pytest.mark.parametrize("name", EXTREMES)
def test_extreme_settings_show_no_nan_or_inf(name):
    for view in TABS:
        at = app(view=view, **EXTREMES[name])
        no_exception(at)
        assert len(at.warning) <= 1 and all(not w.value.startswith("The link") for w in at.warning)
        strict_specs(at)
        assert_no_bad_numbers(at)
        if view == "Summary":
            assert len(frames(at)) <= MAX_FRAMES
            assert chart_size(at) <= 1024 * 1024


def test_diverging_run_page_is_clean():
    at = app(lr="100", l2="1")
    no_exception(at)
    assert on_screen(at)["kind"] == "diverged" and on_screen(at)["verdict"].startswith("Diverging: ")
    assert on_screen(at)["badge"] == "Diverging" and on_screen(at)["headline"].startswith("Too big")
    strict_specs(at)
    spec = chart(at)
    assert all(np.isfinite(spec["layout"][k]["range"]).all() for k in ("yaxis2", "xaxis4", "yaxis4"))
    assert_no_bad_numbers(at)


def test_csv_offers_every_column_and_starts_from_the_numeric_ones():
    rows = ["name,age,income,bought"] + [f"p{i},{20 + i},{(i * 37) % 90},{i % 2}" for i in range(30)]
    at = csv_app(("\n".join(rows) + "\n").encode())
    assert not at.exception
    assert at.selectbox(key="csv_f1").options == ["name", "age", "income", "bought"]
    assert (at.selectbox(key="csv_f1").value, at.selectbox(key="csv_f2").value) == ("age", "income")
    at.selectbox(key="csv_f1").set_value("name").run()  # a text column: the message names a line
    assert not at.exception
    assert any("name" in e.value and "line" in e.value for e in at.error)


def test_math_tab_treats_a_batch_as_large_as_the_data_as_full_batch():
    at = app(view="Math at one epoch", batch="256", n="200")
    no_exception(at)
    assert any(r"\leftarrow" in x.value for x in at.latex), "the update equations of full-batch descent are shown"


def test_settings_survive_a_trip_to_the_csv_source():
    at = app(lr="1", epochs="300", w1="4")
    at.button_group(key="source").set_value("csv").run()
    at.button_group(key="source").set_value("synthetic").run()
    no_exception(at)
    assert widget(at, "lr").value == 1.0 and at.slider(key="epochs").value == 300
    assert at.slider(key="w1").value == 4.0


def test_penalised_summary_shows_the_objective_and_its_minimum():
    at = app(l2="1", lr="1", epochs="1000", labels="logistic")
    no_exception(at)
    assert list(at.table[0].value.index) == ["true", "minimum of the objective"]
    assert "objective" in on_screen(at)["verdict"]


# ---------------------------------------------------------------- the verdict is true of the run on screen
SWEEP = (
    [({}, lr) for lr in ("0.1", "10", "100")]
    + [({"labels": "logistic"}, lr) for lr in ("0.1", "5", "10", "20", "50")]
    + [({"bias": "-4", "epochs": "300"}, lr) for lr in ("0.5", "100")]
    + [({"labels": "logistic", "l2": "0.1"}, lr) for lr in ("1", "20", "100")]
    + [({"batch": "16"}, "1")]
)


@pytest.mark.parametrize("query, lr", SWEEP, ids=[f"{q}-lr{lr}" for q, lr in SWEEP])
def test_the_verdict_on_the_page_is_true_of_the_run(query, lr):
    from logreg.verdict import TOLERANCE, last_quarter_start, rise_epochs

    at = app(lr=lr, **query)
    no_exception(at)
    verdicts = [on_screen(at)["verdict"]]
    word = verdicts[0].split(":")[0]
    assert word == on_screen(at)["badge"] and word in (
        "Converged",
        "Still improving",
        "Stopped changing",
        "Oscillating",
        "Diverging",
        "Noisy",
        "Stopped",
    ), verdicts
    assert verdicts[0] == f"{word}: {on_screen(at)['headline']} {on_screen(at)['details']}"
    s = Settings.from_values({**DEFAULTS, **{k: BY_KEY[k].parse(v)[0] for k, v in {**query, "lr": lr}.items()}})
    r = run(s)
    objectives = np.array([x.objective for x in r.history])
    rises = rise_epochs(r.history)
    late = rises[rises > last_quarter_start(r.history[-1].epoch)] if len(rises) else rises
    seen_late = [t for t in late if objectives[t] - objectives[t - 1] > np.ptp(objectives) / 200]  # on the chart
    if len(rises) == 0:
        assert word not in ("Oscillating", "Diverging", "Noisy"), verdicts[0]
    if word == "Oscillating":
        assert len(late) > 0
    if word == "Converged" and r.best.exists:
        assert objectives[-1] - r.best.objective <= TOLERANCE * max(1.0, abs(r.best.objective))
    if word == "Diverging":
        assert r.history[-1].diverged or objectives[-1] >= 100 * objectives[0]
    if word in ("Still improving", "Stopped changing"):
        assert len(seen_late) == 0 and not r.history[-1].diverged
    if word == "Noisy":
        assert s.batch != "full"
    # the chart shows the same run: its last frame is the run's last epoch and loss
    assert frames(at)[-1] == r.history[-1].epoch
    assert on_screen(at)["loss"][-1] == pytest.approx(r.history[-1].loss, rel=1e-6)
    assert verdicts[0] == r.verdict.message


# ---------------------------------------------------------------- the time budget, and what a session leaves behind
BUDGET_NOTE = "To keep the shared server responsive"


def cached_runs() -> list:
    from logreg.app import cached
    from logreg.app.run import Run

    values = [value for value, _ in cached.CACHE._entries.values()]
    families = [r for v in values if isinstance(v, tuple) for r in v if isinstance(r, Run)]  # every rate's runs
    return [v for v in values if isinstance(v, Run)] + families


def test_a_page_cut_by_the_time_budget_says_so_in_one_sentence():
    from logreg.app.budget import plan

    at = app(n="20000", epochs="5000")
    no_exception(at)
    p = plan(5000, 20000, 0, None)
    assert p.cut and not p.sampled
    assert [w.value for w in at.warning if w.value.startswith(BUDGET_NOTE)] == [p.note()]
    shown = [r for r in cached_runs() if r.settings == Settings(n=20000, epochs=5000)]
    assert shown and all(len(r.history) == p.epochs + 1 for r in shown)
    assert not [w for w in app().warning if w.value.startswith(BUDGET_NOTE)]  # the default page is not cut


def test_a_run_on_fewer_points_says_how_many():
    from logreg.app import cached
    from logreg.app.budget import plan

    cached.CACHE.clear()
    at = app(n="20000", batch="1", epochs="50", view="Learning rates side by side")
    no_exception(at)
    p = plan(50, 20000, 0, 1, race=True)
    assert p.sampled
    assert [w.value for w in at.warning if w.value.startswith(BUDGET_NOTE)] == [p.note()]
    assert f"a random {p.n_train:,} of the 20,000 training points" in p.note()
    shown = [r for r in cached_runs() if r.settings.batch == "1" and r.settings.epochs == 50]
    assert shown and all(r.train.n == p.n_train for r in shown)
    # the words under η are fitted to the points trained on: the minimum of all 20,000 is not sought (the
    # budget has no time for it)
    analysed = [k for k in cached.CACHE._entries if isinstance(k, tuple) and k[0] in ("analysis", "rate note")]
    assert analysed and all(isinstance(k[1], cached.Sample) for k in analysed)


def test_a_session_holds_no_run_of_its_own():
    """The download buttons keep their callables for as long as the session lives (and Streamlit keeps a closed
    tab's session a while for it to reconnect): they must hold settings, not runs, so that what the cache drops
    is freed, and the cache's byte budget bounds the memory whatever the number of sessions."""
    import gc
    import weakref

    from logreg.app import cached

    cached.CACHE.clear()
    _RecordingManager.made.clear()
    with mock.patch.object(app_test_module, "MediaFileManager", _RecordingManager):
        at = app(epochs="123", test="0.2")
        no_exception(at)
        open_downloads(at)
    manager = _RecordingManager.made[-1]  # the server's: it keeps every live session's download callables
    runs = [weakref.ref(r) for r in cached_runs()]
    assert runs and len(at.download_button) == 3 and manager._deferred_callables
    cached.CACHE.clear()  # what the byte budget does to old entries
    gc.collect()
    assert [r for r in runs if r() is not None] == []
    url = manager.execute_deferred(at.download_button[0].proto.deferred_file_id)  # made again on a click
    history = pd.read_csv(io.BytesIO(manager._storage.get_file(url.rsplit("/", 1)[-1]).content))
    assert len(history) == 124


# ---------------------------------------------------------------- every learning rate at once
def family_runs(at: AppTest) -> list[dict]:
    """Every rate's run as the page sends it to the player, its arrays decoded."""
    return [
        {k: decoded(v) if isinstance(v, (dict, list)) else v for k, v in numbers.items()}
        for numbers in player_data(at)["family"]["runs"]
    ]


def assert_family_is_train(at: AppTest, reference, test_split: bool = False) -> None:
    """Each rate's numbers on the page are, bit for bit, those of `reference(η)` (a Run trained with `train`)
    at the snapshots that became frames: from epoch 0 to the run's last epoch."""
    family = player_data(at)["family"]
    assert family["rates"] == list(LR_OPTIONS) and family["labels"] == [fmt(lr) for lr in LR_OPTIONS]
    selected = player_data(at)["request"]["index"]
    for k, (lr, shown) in enumerate(zip(LR_OPTIONS, family_runs(at))):
        r = reference(lr)
        at_epoch = {s.epoch: s for s in r.history}
        epochs = shown["epoch"].tolist()
        assert epochs[0] == 0 and epochs == sorted(set(epochs)), lr
        if epochs[-1] < r.history[-1].epoch:  # the budget cut the other rates (a run is a prefix of a longer one)
            assert k != selected and any("other learning rates' runs make" in w.value for w in at.warning), lr
            r = run(replace(r.settings, epochs=epochs[-1]))
        assert epochs[-1] == r.history[-1].epoch, lr
        snaps = [at_epoch[e] for e in epochs]
        np.testing.assert_array_equal(shown["w1"], [s.w[0] for s in snaps], err_msg=f"w1, η = {lr}")
        np.testing.assert_array_equal(shown["w2"], [s.w[1] for s in snaps], err_msg=f"w2, η = {lr}")
        np.testing.assert_array_equal(shown["b"], [s.b for s in snaps], err_msg=f"b, η = {lr}")
        np.testing.assert_array_equal(shown["loss"], [s.loss for s in snaps], err_msg=f"loss, η = {lr}")
        np.testing.assert_array_equal(shown["accuracy"], [s.accuracy for s in snaps], err_msg=f"accuracy, η = {lr}")
        assert ("test_loss" in shown) is test_split, lr
        if test_split:
            np.testing.assert_array_equal(shown["test_loss"], [s.test_loss for s in snaps], err_msg=f"η = {lr}")
            np.testing.assert_array_equal(shown["test_accuracy"], [s.test_accuracy for s in snaps])
        assert shown["kind"] == r.verdict.kind and words(shown) == r.verdict.message, lr


FAMILY_CASES = {
    "default": {},
    "logistic labels": {"labels": "logistic"},
    "l2 0.1": {"l2": "0.1"},
    "batch 16": {"batch": "16"},
    "stop 0.3": {"stop": "0.3"},
    "test 0.3": {"test": "0.3"},
}


@pytest.mark.parametrize("case", FAMILY_CASES)
def test_every_rate_of_the_family_is_bit_for_bit_train(case):
    """The page trains every rate of the η control together; each run equals `run` with that rate alone."""
    query = FAMILY_CASES[case]
    at = app(**query)
    no_exception(at)
    s = Settings.from_values({**DEFAULTS, **{k: BY_KEY[k].parse(v)[0] for k, v in query.items()}})
    assert_family_is_train(at, lambda lr: run(replace(s, lr=lr)), test_split=s.test > 0)
    if case == "stop 0.3":  # the stop applies to each rate on its own: slow rates never reach it
        last = [int(r["epoch"][-1]) for r in family_runs(at)]
        assert min(last) < 100 and max(last) == 100


def test_every_rate_of_the_family_is_train_on_an_uploaded_file():
    from logreg.app import cached
    from logreg.app.cached import CsvColumns

    at = csv_app(good_csv())
    no_exception(at)
    found = [
        v
        for k, (v, _) in cached.CACHE._entries.items()
        if isinstance(k, tuple) and k[0] == "family" and isinstance(k[1], CsvColumns)
    ]
    assert found
    page = found[-1][0]  # the data the page trained on: the file's split, divided and scaled
    assert page.train.feature_names == ("height (standardized)", "weight (standardized)") and page.scaler
    assert_family_is_train(
        at, lambda lr: run(replace(page.settings, lr=lr), page.train, page.test, page.scaler), test_split=True
    )
    runs = family_runs(at)
    for shown in runs:
        assert shown["loss"].size and np.isfinite(shown["loss"]).all()
        assert {"w1_file", "w2_file", "b_file"} <= set(shown)  # the line in the file's units too
    assert len({r["loss"][-1] for r in runs}) > len(runs) // 2  # the rates do differ


def test_the_player_data_of_the_default_page_is_small_and_has_no_frames(default_app):
    data = player_data(default_app)
    assert len(json.dumps(data)) <= 250 * 1024, len(json.dumps(data))
    assert data["figure"]["frames"] == [] and data["readouts"] == []
    assert len(data["family"]["runs"]) == len(LR_OPTIONS) and data["rates_figure"]["data"]


def test_each_rates_verdict_is_the_verdict_of_its_run(default_app):
    family = player_data(default_app)["family"]
    for lr, shown in zip(family["rates"], family["runs"]):
        verdict = run(replace(Settings(), lr=lr)).verdict
        assert words(shown) == verdict.message and shown["kind"] == verdict.kind, lr
        assert verdict.message.startswith(shown["badge"]), lr
    assert len({words(r) for r in family["runs"]}) == len(LR_OPTIONS)  # each in its own words


def test_moving_eta_keeps_the_runs_and_a_preset_asks_for_its_rate():
    """The run id leaves η out: the browser keeps every rate's run when η moves. The request token changes
    only when a preset (or a link) asks the player for a rate."""
    at = app()
    before = player_data(at)
    assert before["request"]["index"] == LR_OPTIONS.index(0.1)
    widget(at, "lr").set_value(5.0)
    at.run()
    no_exception(at)
    after = player_data(at)
    assert after["id"] == before["id"] and after["family"] == before["family"]
    assert after["request"]["token"] == before["request"]["token"]
    assert after["request"]["index"] == LR_OPTIONS.index(5.0)
    at.button(key="preset_Seed 004 tutorial").click()
    at.run()
    no_exception(at)
    preset = player_data(at)
    assert widget(at, "lr").value == 0.1
    assert preset["id"] == before["id"]  # the same data and settings: the same runs
    assert preset["request"] == {"index": LR_OPTIONS.index(0.1), "token": before["request"]["token"] + 1}


# ---------------------------------------------------------------- the race: the family's runs as lanes
def race_data(at: AppTest) -> dict:
    return player_data(at)["race"]


def test_the_race_starts_with_the_lessons_rates_and_their_roles():
    from logreg.app.families import rate_index

    at = app(view=TABS[2])
    no_exception(at)
    lanes = race_lanes_for()
    race = race_data(at)
    assert len(lanes) >= 3 and race["chosen"] == [rate_index(lane.learning_rate) for lane in lanes]
    for lane in lanes:
        assert race["roles"][rate_index(lane.learning_rate)] == lane.role
    assert sum(r is not None for r in race["roles"]) == len(lanes)
    # each lane is the family's run at that rate: the same numbers and words as training it alone
    family = player_data(at)["family"]
    for lane in lanes:
        alone = run(replace(Settings(), lr=lane.learning_rate))
        numbers = family["runs"][rate_index(lane.learning_rate)]
        assert words(numbers) == alone.verdict.message
        assert float(decoded(numbers["loss"])[-1]) == alone.history[-1].loss
    # the chart is the run's chart with four empty lanes, which the browser fills; no sharpness panel
    uids = [t.get("uid") for t in chart(at)["data"]]
    assert sum(1 for u in uids if u and u.startswith("lane boundary")) == 4
    assert "boundary" not in uids and "xaxis5" not in chart(at)["layout"]
    assert [lane["LANE_BOUNDARY"] for lane in race["lanes"]] == [f"lane boundary-{k}" for k in range(4)]
    assert race["title"] == "Race these learning rates η (up to four):" and "runs" not in race


def test_the_race_defaults_straddle_the_rate_where_runs_stop_settling():
    from logreg.curvature import sharpness_at_minimum

    at = app(view=TABS[2], labels="logistic")
    no_exception(at)
    race, family = race_data(at), player_data(at)["family"]
    rates = [LR_OPTIONS[i] for i in race["chosen"]]
    data = synthetic_data(Settings(labels="logistic"))
    best = optimum(data.X, data.y)
    edge = 2 / sharpness_at_minimum(data.X, best)
    assert min(rates) < edge < max(rates), (rates, edge)
    above = [family["runs"][i]["kind"] for i, r in zip(race["chosen"], rates) if r > edge]
    assert above and all(kind == "oscillating" for kind in above)


def test_the_race_shows_the_gap_to_the_minimum_on_a_log_axis():
    at = app(view=TABS[2], labels="logistic")
    no_exception(at)
    race, family = race_data(at), player_data(at)["family"]
    data = synthetic_data(Settings(labels="logistic"))
    best = optimum(data.X, data.y)
    low, high = race["gap_axis"]["range"]
    for i, numbers in enumerate(family["runs"]):
        gap = decoded(race["gap"][i])
        # L − L* at each frame, from the core's numbers (float32: drawn, never printed); the floor for a 0
        expected = np.maximum(decoded(numbers["loss"]) - best.objective, 1e-16).astype(np.float32)
        assert np.array_equal(gap, expected)
        assert low <= np.log10(gap.min()) and np.log10(gap.max()) <= high
    # no minimum on the default data (a line separates the classes): no gap, the loss itself
    assert race_data(app(view=TABS[2]))["gap"] is None


def test_the_race_reads_its_lanes_from_the_family_and_trains_in_lockstep():
    """On the race tab the lanes are the family's runs: no lane is trained again, and every rate's run makes
    the page's epochs (the race's budget plans them whole)."""
    from logreg.app import cached
    from logreg.app.budget import plan

    cached.CACHE.clear()
    at = app(view=TABS[2], n="20000", epochs="5000")
    no_exception(at)
    singles = [k for k in cached.CACHE._entries if isinstance(k, tuple) and k[0] == "run"]
    assert singles == [], singles  # every lane came from ("family", …)
    p = plan(5000, 20000, 0, None, race=True)
    assert p.family_epochs == p.epochs < 5000
    assert [w.value for w in at.warning if w.value.startswith(BUDGET_NOTE)] == [p.note()]
    family = player_data(at)["family"]
    assert {int(decoded(r["epoch"])[-1]) for r in family["runs"] if r is not None and r["kind"] != "diverged"} == {
        p.epochs
    }


# ---------------------------------------------------------------- the optimizers tab
def test_the_optimizers_tab_races_the_links_methods_on_the_runs_chart():
    from logreg.app.methods import Methods
    from logreg.optimizers import Optimizer as O

    at = app(view=TABS[5], labels="logistic", opt="gd,momentum,newton", beta="0.5", epochs="60")
    no_exception(at)
    race = race_data(at)
    assert race["labels"] == ["gradient descent", "momentum (β = 0.5)", "Newton's method (η = 1)"]
    assert race["chosen"] == [0, 1, 2] and at.pills(key="opt_pick").value == [O.GD, O.MOMENTUM, O.NEWTON]
    link = player_data(at)["link"]
    assert (link["opt"], link["beta"]) == ("gd,momentum,newton", "0.5") and at.slider(key="beta").value == 0.5
    # every lane is `train` with its optimizer, as the core runs it
    s = Settings(labels="logistic", opt=Methods((O.GD, O.MOMENTUM, O.NEWTON)), beta=0.5, epochs=60)
    data = synthetic_data(s)
    for numbers, method, rate in zip(race["runs"], (O.GD, O.MOMENTUM, O.NEWTON), (0.1, 0.1, 1.0)):
        alone = list(train(data.X, data.y, learning_rate=rate, epochs=60, optimizer=method, momentum=0.5))
        assert float(decoded(numbers["loss"])[-1]) == alone[-1].loss
    assert any(m.value.startswith("**Newton's method reached loss") for m in at.markdown)
    assert any("Raced: gradient descent, η = 0.1; momentum (β = 0.5), η = 0.1" in c.value for c in at.caption)
    strict_specs(at)
    assert_no_bad_numbers(at)


def test_the_optimizers_pills_choose_the_race_and_keep_it_between_one_and_four():
    from logreg.optimizers import Optimizer as O

    at = app(view=TABS[5])
    at.pills(key="opt_pick").set_value([O.GD, O.ADAM]).run()
    no_exception(at)
    assert race_data(at)["labels"] == ["gradient descent", "Adam"] and player_data(at)["link"]["opt"] == "gd,adam"
    assert all(s.key != "beta" for s in at.slider)  # no momentum: no β
    at.pills(key="opt_pick").set_value(list(O)).run()
    no_exception(at)
    assert [w.value for w in at.warning] == ["At most 4 methods race at once: take one out first."]
    assert race_data(at)["labels"] == ["gradient descent", "Adam"] and at.pills(key="opt_pick").value == [O.GD, O.ADAM]
    at.pills(key="opt_pick").set_value([]).run()
    assert at.warning[0].value.startswith("At least one method races")
    assert race_data(at)["labels"] == ["gradient descent", "Adam"]
    # a preset sets every other setting, and leaves the methods chosen here as they are
    preset = next(b for b in at.button if b.key == f"preset_{PRESETS[2].name}")
    preset.click().run()
    no_exception(at)
    assert race_data(at)["labels"] == ["gradient descent", "Adam"] and player_data(at)["link"]["lr"] == "50"
    # what cannot race is said, and the page still plays its own run
    at = app(view=TABS[5], opt="newton", batch="16")
    no_exception(at)
    assert race_data(at)["runs"] == [] and any("does not race with batch size 16" in c.value for c in at.caption)
