"""logreg.panels: the epoch-detail, learning-rate race and ground-truth figures."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from logreg import angle_degrees, make_synthetic, optimum, sigmoid, train
from logreg.panels import epoch_detail_figure, truth_figure
from logreg.plot_parts import to_browser


def decode(value) -> np.ndarray:
    """An array as the browser receives it: plotly's base64 {"dtype", "bdata"[, "shape"]} or a list."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            shape = value["shape"]
            arr = arr.reshape([int(v) for v in shape.split(",")] if isinstance(shape, str) else shape)
        return arr
    return np.array([np.nan if v is None else v for v in value], dtype=float)


def forbid_constants(name):
    raise ValueError(f"JSON holds the non-standard constant {name}")


def parsed_json(fig) -> dict:
    """What the browser gets, parsed strictly: NaN/Infinity tokens are refused."""
    return json.loads(pio.to_json(to_browser(fig), validate=False), parse_constant=forbid_constants)


def assert_finite_layout(parsed: dict):
    for name, axis in parsed["layout"].items():
        if re.fullmatch(r"[xy]axis\d*", name) and "range" in axis:
            assert all(isinstance(v, (int, float)) and np.isfinite(v) for v in axis["range"]), (name, axis)


def history(data, lr, epochs, **kw):
    return list(train(data.X, data.y, learning_rate=lr, epochs=epochs, **kw))


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def sep():
    """Separable data (the tutorial's): no finite minimum."""
    return make_synthetic()


@pytest.fixture(scope="module")
def overlap():
    """Labels drawn from the model: a finite minimum exists."""
    return make_synthetic(800, labels="logistic", seed=2)


@pytest.fixture(scope="module")
def overlap_best(overlap):
    best = optimum(overlap.X, overlap.y)
    assert best.exists
    return best


# ---------------------------------------------------------------- epoch detail
def test_epoch_detail_validates_and_is_clean(sep):
    h = history(sep, 0.1, 20)
    for s in (h[0], h[5], h[-1]):
        fig = epoch_detail_figure(sep, s)
        go.Figure(to_browser(fig))
        assert_finite_layout(parsed_json(fig))


def test_epoch_detail_points_sizes_and_crosses(sep):
    s = history(sep, 0.1, 10)[-1]
    d = parsed_json(epoch_detail_figure(sep, s))
    points = d["data"][:4]
    assert sum(len(decode(t["x"])) for t in points) == sep.n
    wrong = sum(len(decode(t["x"])) for t in points if "misclassified" in t["name"])
    assert wrong == round((1 - s.accuracy) * sep.n)
    for t in points:
        x, y = decode(t["x"]), decode(t["y"])
        X = np.column_stack([x, y])
        p = sigmoid(X @ s.w + s.b)
        k = 1 if t["name"].startswith(sep.class_names[1]) else 0
        pull = np.abs(p - k)
        np.testing.assert_allclose(decode(t["marker"]["size"]), 4 + 18 * pull, rtol=1e-9)
        custom = decode(t["customdata"]).reshape(-1, 2)
        np.testing.assert_allclose(custom[:, 0], p, rtol=1e-9)
        np.testing.assert_allclose(custom[:, 1], pull, rtol=1e-9)
        on_wrong_side = (X @ s.w + s.b > 0) != (k == 1)
        assert on_wrong_side.all() if "misclassified" in t["name"] else not on_wrong_side.any()
        assert ("x-thin-open" in t["marker"]["symbol"]) == ("misclassified" in t["name"])


def test_epoch_detail_boundary(sep):
    h = history(sep, 0.1, 10)
    d0 = parsed_json(epoch_detail_figure(sep, h[0]))
    assert all(v is None for v in d0["data"][4]["x"] + d0["data"][4]["y"])  # w = 0: no line
    s = h[-1]
    d = parsed_json(epoch_detail_figure(sep, s))
    x, y = decode(d["data"][4]["x"]), decode(d["data"][4]["y"])
    ok = ~np.isnan(x)
    assert ok.sum() == 2
    np.testing.assert_allclose(np.column_stack([x[ok], y[ok]]) @ s.w + s.b, 0, atol=1e-5 * np.abs(s.w).sum())


def test_epoch_detail_samples_large_data():
    big = make_synthetic(4000, seed=1)
    s = history(big, 0.1, 1)[-1]
    d = parsed_json(epoch_detail_figure(big, s, max_points=1000))
    assert sum(len(decode(t["x"])) for t in d["data"][:4]) == 1000


# ---------------------------------------------------------------- race


# ---------------------------------------------------------------- truth
def test_truth_figure_validates_and_encodes_the_missing_angle(sep):
    h = history(sep, 0.1, 50)
    fig = truth_figure(h, sep.true_w)
    go.Figure(to_browser(fig))
    d = parsed_json(fig)  # no NaN token: the angle array travels as base64
    angle = d["data"][0]["y"]
    assert isinstance(angle, dict) and "bdata" in angle
    values = decode(angle)
    assert np.isnan(values[0])  # w = 0 at epoch 0: no angle, drawn as a gap
    assert np.isfinite(values[1:]).all()
    expected = [angle_degrees(s.w, sep.true_w) for s in h[1:]]
    np.testing.assert_allclose(values[1:], expected, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(decode(d["data"][1]["y"]), [np.linalg.norm(s.w) for s in h], rtol=1e-6)
    assert d["data"][2]["y"] == [pytest.approx(np.linalg.norm(sep.true_w))] * 2
    assert_finite_layout(d)
    assert d["layout"]["yaxis2"]["range"][1] >= np.linalg.norm(sep.true_w)


def test_truth_figure_with_only_the_start(sep):
    h = history(sep, 0.1, 0)
    d = parsed_json(truth_figure(h, sep.true_w))
    assert np.isnan(decode(d["data"][0]["y"])).all()
    assert_finite_layout(d)
    assert d["layout"]["yaxis"]["range"][1] > 0


def test_truth_figure_from_ones(sep):
    h = history(sep, 0.1, 10, init="ones")
    d = parsed_json(truth_figure(h, sep.true_w))
    assert np.isfinite(decode(d["data"][0]["y"])).all()
    assert_finite_layout(d)


def test_truth_figure_of_a_diverged_run(sep):
    h = history(sep, 100.0, 100, l2=1.0)
    assert h[-1].diverged
    d = parsed_json(truth_figure(h, sep.true_w))
    assert np.isfinite(decode(d["data"][1]["y"]).astype(float)).all()
    assert_finite_layout(d)
