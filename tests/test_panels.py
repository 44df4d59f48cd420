"""logreg.panels: the epoch-detail, learning-rate race and ground-truth figures."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from logreg import angle_degrees, landscape, landscape_box, make_synthetic, optimum, sigmoid, train
from logreg.panels import RACE_FRAMES, RACE_POINTS, epoch_detail_figure, race_figure, race_thinning, truth_figure
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


@pytest.fixture(scope="module")
def race_runs(overlap):
    # different lengths: the 1.0 run stops early, as a diverged or stopped run would
    return [
        ("η = 0.1", history(overlap, 0.1, 40)),
        ("η = 1", history(overlap, 1.0, 25)),
        ("η = 5", history(overlap, 5.0, 40)),
    ]


@pytest.fixture(scope="module")
def race_land(overlap, overlap_best, race_runs):
    points = [h[i].w for _, h in race_runs for i in (0, -1)] + [overlap_best.w]
    return landscape(overlap.X, overlap.y, landscape_box(points), best=overlap_best)


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
def test_race_validates_and_is_clean(overlap, overlap_best, race_runs, race_land):
    fig = race_figure(overlap, race_runs, best_objective=overlap_best.objective, landscape=race_land)
    d = to_browser(fig)
    go.Figure(d)
    assert len(d["frames"]) == 41
    assert_finite_layout(parsed_json(fig))


@pytest.mark.parametrize("with_landscape", [False, True])
def test_race_frames_move_in_lockstep(overlap, overlap_best, race_runs, race_land, with_landscape):
    land = race_land if with_landscape else None
    d = to_browser(race_figure(overlap, race_runs, best_objective=overlap_best.objective, landscape=land))
    per_run = 3 if with_landscape else 2
    moving = d["frames"][0]["traces"]
    assert len(moving) == per_run * len(race_runs)
    assert moving == list(range(len(d["data"]) - len(moving), len(d["data"])))  # the last traces
    assert not set(moving) & {0, 1}  # never the data points
    for f in d["frames"]:
        assert f["traces"] == moving and len(f["data"]) == len(moving)
        assert all(set(td) == {"x", "y"} for td in f["data"])
    for r in range(len(race_runs)):
        boundary = d["data"][moving[per_run * r]]
        marker = d["data"][moving[per_run * r + 1]]
        assert boundary["mode"] == "lines" and boundary.get("xaxis") in (None, "x")
        assert marker["mode"] == "markers" and marker["xaxis"] == "x2"
        if with_landscape:
            assert d["data"][moving[per_run * r + 2]]["xaxis"] == "x3"
    assert [f["name"] for f in d["frames"]] == [str(e) for e in range(41)]
    assert [s["args"][0] for s in d["layout"]["sliders"][0]["steps"]] == [[str(e)] for e in range(41)]


def test_race_uids_are_css_identifiers(overlap, overlap_best, race_runs, race_land):
    # Plotly.react selects ".cb" + uid for every trace that a new figure no longer has (a run taken out of
    # the race): "boundary 2" there is an invalid selector and the redraw throws halfway
    d = to_browser(race_figure(overlap, race_runs, best_objective=overlap_best.objective, landscape=race_land))
    uids = [t["uid"] for t in d["data"] if "uid" in t]
    assert len(uids) == 3 * len(race_runs)
    assert all(re.fullmatch(r"[A-Za-z][\w-]*", u) for u in uids), uids


def test_short_run_keeps_its_last_snapshot(overlap, overlap_best, race_runs, race_land):
    d = to_browser(race_figure(overlap, race_runs, best_objective=overlap_best.objective, landscape=race_land))
    short = race_runs[1][1]
    assert len(short) == 26
    last = short[-1]
    gap = max(last.objective - overlap_best.objective, 1e-16)
    for k, f in enumerate(d["frames"]):
        boundary, marker, point = f["data"][3:6]
        s = short[min(k, len(short) - 1)]
        assert marker["x"] == [float(s.epoch)]
        assert point == {"x": [float(s.w[0])], "y": [float(s.w[1])]}
        x, y = decode(boundary["x"]), decode(boundary["y"])
        ok = ~np.isnan(x)
        if ok.any():
            np.testing.assert_allclose(np.column_stack([x[ok], y[ok]]) @ s.w + s.b, 0, atol=1e-4 * np.abs(s.w).sum())
        if k >= len(short) - 1:
            assert marker == {"x": [float(last.epoch)], "y": [gap]}
            assert f["data"][3:6] == d["frames"][len(short) - 1]["data"][3:6]


def test_suboptimality_is_positive_on_a_log_axis(overlap, overlap_best, race_runs):
    # a run started at the minimum has L − L* = 0 (or a rounding error below): shown as 1e-16, never ≤ 0
    at_min = history(overlap, 0.1, 5, init=(overlap_best.w, overlap_best.b))
    runs = [*race_runs[:2], ("at the minimum", at_min)]
    d = to_browser(race_figure(overlap, runs, best_objective=overlap_best.objective, landscape=None))
    curves = [t for t in d["data"] if t.get("xaxis") == "x2" and t["mode"] == "lines"]
    assert len(curves) == 3
    for t, (_, h) in zip(curves, runs):
        y = decode(t["y"]).astype(float)
        assert len(y) == len(h)
        assert (y >= 1e-16).all()
        expected = np.maximum([s.objective - overlap_best.objective for s in h], 1e-16)
        np.testing.assert_allclose(y, expected, rtol=1e-6)
    for f in d["frames"]:
        assert all(td["y"][0] >= 1e-16 for td in f["data"][1::2])
    axis = d["layout"]["yaxis2"]
    assert axis["type"] == "log"
    assert "L*" in axis["title"]["text"]
    lo, hi = axis["range"]
    assert np.isfinite([lo, hi]).all() and lo <= -16 + 1e-9 and lo < hi


def test_race_without_minimum_shows_the_loss(sep):
    runs = [("a", history(sep, 0.1, 30)), ("b", history(sep, 1.0, 30))]
    d = to_browser(race_figure(sep, runs, best_objective=None, landscape=None, log_loss=False))
    axis = d["layout"]["yaxis2"]
    assert axis.get("type") != "log" and axis["title"]["text"] == "loss"
    lo, hi = axis["range"]
    assert lo <= 0 and hi >= max(s.objective for _, h in runs for s in h)
    curve = [t for t in d["data"] if t.get("xaxis") == "x2" and t["mode"] == "lines"][0]
    np.testing.assert_allclose(decode(curve["y"]), [s.objective for s in runs[0][1]], rtol=1e-6)
    go.Figure(d)


def test_race_frames_are_thinned(sep):
    runs = [("a", history(sep, 0.1, 700)), ("b", history(sep, 0.5, 200))]
    d = to_browser(race_figure(sep, runs, best_objective=None, landscape=None))
    assert len(d["frames"]) == RACE_FRAMES < 701
    assert d["frames"][0]["name"] == "0" and d["frames"][-1]["name"] == "700"
    assert d["frames"][-1]["data"][3]["x"] == [200.0]  # the shorter run holds its last epoch


def test_race_draws_a_sample_of_the_points(overlap, overlap_best, race_runs):
    assert overlap.n > RACE_POINTS
    d = to_browser(race_figure(overlap, race_runs, best_objective=overlap_best.objective, landscape=None))
    drawn = np.vstack([np.column_stack([decode(t["x"]), decode(t["y"])]) for t in d["data"][:2]])
    assert len(drawn) == RACE_POINTS
    X = overlap.X.astype(np.float32)
    assert all((np.abs(X - p).max(axis=1) == 0).any() for p in drawn)  # training points, each drawn as it is
    for k, t in enumerate(d["data"][:2]):  # in its class's trace
        assert all((np.abs(X[overlap.y == k] - p).max(axis=1) == 0).any() for p in drawn[: len(decode(t["x"]))])
        drawn = drawn[len(decode(t["x"])) :]
    notes = race_thinning(41, overlap.n).notes(41, plot="This race")
    assert notes == [
        f"This race shows a random sample of {RACE_POINTS} of {overlap.n} training points; "
        "training, loss and accuracy use all of them."
    ]


def test_race_play_pause(sep):
    d = to_browser(race_figure(sep, [("a", history(sep, 0.1, 5))], best_objective=None, landscape=None))
    play, pause = d["layout"]["updatemenus"][0]["buttons"]
    assert play["method"] == "animate" and play["args"][0] is None
    assert play["args"][1]["frame"]["redraw"] is False and play["args"][1]["fromcurrent"] is True
    assert pause["args"][0] == [None] and pause["args"][1]["mode"] == "immediate"


def test_race_with_a_diverged_run(sep):
    diverged = history(sep, 100.0, 100, l2=1.0)
    assert diverged[-1].diverged
    runs = [("ok", history(sep, 0.1, 100)), ("diverged", diverged)]
    fig = race_figure(sep, runs, best_objective=None, landscape=None)
    d = parsed_json(fig)
    assert_finite_layout(d)
    for t in d["data"]:
        for key in ("x", "y"):
            if key in t:
                assert not np.isinf(decode(t[key]).astype(float)).any()


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


def test_race_for_the_player_leaves_play_and_pause_to_it(sep):
    d = to_browser(race_figure(sep, [("a", history(sep, 0.1, 5))], best_objective=None, landscape=None, player=True))
    assert "updatemenus" not in d["layout"] and "sliders" not in d["layout"]
    assert d["layout"]["meta"]["readouts"] == [f"epoch {e}" for e in range(6)]
    assert [f["name"] for f in d["frames"]] == [str(e) for e in range(6)]
    go.Figure(d)
