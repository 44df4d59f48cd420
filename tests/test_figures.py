"""logreg.figures: the animated main figure, checked through what the browser receives (to_browser(fig))."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from logreg import landscape, landscape_box, make_synthetic, optimum, split, train
from logreg.figures import animation_figure
from logreg.geometry import PROBABILITY_LEVELS, logit
from logreg.plot_parts import MAX_FRAMES, MAX_POINTS, data_box, thinning, to_browser

ROLES = ["probability", "boundary", "loss marker", "accuracy marker"]
BOUNDARY, PROBABILITY = 1, 0  # positions in a frame's data list


def index_of(d: dict, uid: str) -> int:
    """The position of the trace whose uid is `uid`."""
    found = [i for i, t in enumerate(d["data"]) if t.get("uid") == uid]
    assert len(found) == 1, uid
    return found[0]


# ---------------------------------------------------------------- helpers
def history(data, lr=0.1, epochs=100, **kw):
    return list(train(data.X, data.y, learning_rate=lr, epochs=epochs, **kw))


def decode(value) -> np.ndarray:
    """An array as it is sent to the browser: plotly's base64 {"dtype", "bdata"} or a plain list."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        return arr.reshape(value["shape"]) if "shape" in value and isinstance(value["shape"], list) else arr
    return np.array([np.nan if v is None else v for v in np.ravel(value)], dtype=float)


def forbid_constants(name):
    raise ValueError(f"JSON holds the non-standard constant {name}")


def strict_json(d: dict) -> tuple[str, dict]:
    text = pio.to_json(d, validate=False)
    return text, json.loads(text, parse_constant=forbid_constants)


def assert_clean_numbers(d: dict):
    """No NaN/inf token in the JSON; inside binary arrays, NaN only as a gap in line traces; ranges finite."""
    _, parsed = strict_json(d)
    for i, trace in enumerate(parsed["data"]):
        for key in ("x", "y"):
            if key not in trace:
                continue
            arr = decode(trace[key]).astype(float)
            assert not np.isinf(arr).any(), (i, key)
            if np.isnan(arr).any():
                assert "lines" in trace.get("mode", ""), f"trace {i} {key} has NaN but is not a line"
    for name, axis in parsed["layout"].items():
        if re.fullmatch(r"[xy]axis\d*", name):
            assert all(isinstance(v, (int, float)) and np.isfinite(v) for v in axis["range"]), (name, axis["range"])


def boundary_points(frame_data: dict) -> np.ndarray:
    x = decode(frame_data["x"])
    y = decode(frame_data["y"])
    ok = ~np.isnan(x)
    assert (ok == ~np.isnan(y)).all()
    return np.column_stack([x[ok], y[ok]])


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def data():
    return make_synthetic()


@pytest.fixture(scope="module")
def run100(data):
    return history(data)


@pytest.fixture(scope="module")
def land(data, run100):
    best = optimum(data.X, data.y)
    box = landscape_box([run100[0].w, run100[-1].w, data.true_w])
    return landscape(data.X, data.y, box, best=best, truth=data.true_w)


@pytest.fixture(scope="module")
def default_fig(data, run100, land):
    """The app's default figure: make_synthetic(), η = 0.1, 100 epochs, true line and landscape."""
    return animation_figure(data, run100, true_line=(data.true_w, data.true_b), landscape=land)


@pytest.fixture(scope="module")
def default_dict(default_fig):
    return to_browser(default_fig)


@pytest.fixture(scope="module")
def split_run(data):
    tr, te = split(data, 0.3, 0)
    h = list(train(tr.X, tr.y, learning_rate=0.5, epochs=40, X_test=te.X, y_test=te.y))
    return tr, te, h


# ---------------------------------------------------------------- structure
def test_frames_are_kept_as_plain_dicts(default_fig, default_dict, run100):
    assert isinstance(default_fig, dict) and set(default_fig) == {"data", "layout", "frames"}
    assert len(default_dict["frames"]) == len(run100)
    assert all(isinstance(f, dict) for f in default_dict["frames"])


def test_to_browser_returns_a_copy(default_fig):
    a = to_browser(default_fig)
    a["frames"][0]["data"][BOUNDARY]["x"] = ["changed"]
    assert to_browser(default_fig)["frames"][0]["data"][BOUNDARY]["x"] != ["changed"]


def test_whole_dict_validates_against_plotly_schema(default_dict):
    fig = go.Figure(default_dict)  # raises on any invalid property, frames included
    assert len(fig.frames) == len(default_dict["frames"])


def test_variants_validate(data, split_run):
    tr, te, h = split_run
    go.Figure(to_browser(animation_figure(tr, h, test=te)))
    go.Figure(to_browser(animation_figure(data, history(data, epochs=0))))
    go.Figure(to_browser(animation_figure(data, history(data, epochs=3), true_line=(data.true_w, data.true_b))))


def test_empty_history_is_refused(data):
    with pytest.raises(ValueError):
        animation_figure(data, [])


@pytest.mark.parametrize("epochs", [0, 1, 57, MAX_FRAMES - 1])
def test_one_frame_per_epoch_up_to_the_limit(data, epochs):
    h = history(data, epochs=epochs)
    d = to_browser(animation_figure(data, h))
    assert [f["name"] for f in d["frames"]] == [str(e) for e in range(epochs + 1)]
    assert thinning(len(h), data.n).notes(len(h)) == []
    steps = d["layout"]["sliders"][0]["steps"]
    assert [s["args"][0] for s in steps] == [[str(e)] for e in range(epochs + 1)]


def test_frames_are_thinned_to_max_frames_keeping_first_and_last(data):
    h = history(data, epochs=5000)
    assert len(h) == 5001
    d = to_browser(animation_figure(data, h))
    names = [f["name"] for f in d["frames"]]
    assert len(names) == MAX_FRAMES
    assert names[0] == "0" and names[-1] == "5000"
    epochs = [int(n) for n in names]
    assert epochs == sorted(set(epochs))  # increasing, no repeats
    assert max(np.diff(epochs)) <= int(np.ceil(5000 / (MAX_FRAMES - 1)))  # evenly spread
    # the curves keep every epoch
    assert len(decode(d["data"][7]["y"])) == 5001
    notes = thinning(len(h), data.n).notes(len(h))
    assert len(notes) == 1 and f"{MAX_FRAMES} of 5001" in notes[0]
    # the slider steps follow the kept frames
    assert [s["args"][0][0] for s in d["layout"]["sliders"][0]["steps"]] == names


def test_301_snapshots_are_thinned(data):
    h = history(data, epochs=300)
    d = to_browser(animation_figure(data, h))
    assert len(d["frames"]) == MAX_FRAMES
    assert d["frames"][0]["name"] == "0" and d["frames"][-1]["name"] == "300"


@pytest.mark.parametrize("n_snapshots", [301, 601, 6001])
def test_thinning_note_says_how_many_epochs_are_shown(n_snapshots):
    note = thinning(n_snapshots, 10).notes(n_snapshots)[0]
    assert f"shows {MAX_FRAMES} of {n_snapshots} epochs" in note
    assert "evenly spaced" in note and "first" in note and "last" in note
    assert "th," not in note and "every" not in note.split(";")[0]  # no "every 2th"-style wording


@pytest.mark.parametrize("with_landscape", [False, True])
def test_frames_update_only_the_moving_traces(data, run100, land, with_landscape):
    d = to_browser(animation_figure(data, run100, landscape=land if with_landscape else None))
    roles = ROLES + (["landscape point"] if with_landscape else [])
    moving = [index_of(d, role) for role in roles]
    points = [i for i, t in enumerate(d["data"]) if t.get("mode") == "markers" and "uid" not in t][:4]
    for f in d["frames"]:
        assert f["traces"] == moving
        assert len(f["data"]) == len(moving)
        assert not set(f["traces"]) & set(points)  # never the data points
        for i, td in zip(f["traces"], f["data"]):
            # only coordinates change (nothing that forces a redraw), and the landscape point's symbol and label
            allowed = {"x", "y"} | ({"text", "marker"} if d["data"][i].get("uid") == "landscape point" else set())
            assert set(td) <= allowed and {"x", "y"} <= set(td)
    # the moving traces are lines or markers (redraw: False is enough for them)
    for i in moving:
        assert d["data"][i]["type"] == "scatter"
    # frame 0 is what the figure shows before Play
    for i, td in zip(moving, d["frames"][0]["data"]):
        np.testing.assert_array_equal(decode(d["data"][i]["x"]), decode(td["x"]))
        np.testing.assert_array_equal(decode(d["data"][i]["y"]), decode(td["y"]))


def test_markers_follow_the_snapshot(data, run100, land):
    d = to_browser(animation_figure(data, run100, landscape=land))
    for f, s in zip(d["frames"], run100):
        assert f["name"] == str(s.epoch)
        loss_marker, acc_marker, w_marker = f["data"][2], f["data"][3], f["data"][4]
        assert loss_marker == {"x": [s.epoch], "y": [s.loss]}
        assert acc_marker == {"x": [s.epoch], "y": [s.accuracy]}
        assert {k: w_marker[k] for k in ("x", "y")} == {"x": [s.w[0]], "y": [s.w[1]]}


def test_axis_ranges_are_fixed(default_dict):
    layout = default_dict["layout"]
    axes = [k for k in layout if re.fullmatch(r"[xy]axis\d*", k)]
    assert sorted(axes) == ["xaxis", "xaxis2", "xaxis3", "xaxis4", "yaxis", "yaxis2", "yaxis3", "yaxis4"]
    for k in axes:
        rng = layout[k]["range"]
        assert len(rng) == 2 and rng[0] < rng[1] and all(np.isfinite(rng)), k
        assert layout[k].get("autorange") in (None, False), k
        assert layout[k].get("fixedrange") is True, k
    for f in default_dict["frames"]:
        assert "layout" not in f  # no frame changes the axes


def test_loss_axis_holds_every_loss(data, split_run):
    tr, te, h = split_run
    d = to_browser(animation_figure(tr, h, test=te))
    top = d["layout"]["yaxis2"]["range"][1]
    assert top >= max(max(s.loss, s.test_loss) for s in h)
    assert d["layout"]["xaxis2"]["range"] == [0, h[-1].epoch]


def test_play_and_pause_buttons(data, run100):
    d = to_browser(animation_figure(data, run100, frame_ms=45))
    menus = d["layout"]["updatemenus"]
    assert len(menus) == 1 and menus[0]["type"] == "buttons"
    play, pause = menus[0]["buttons"]
    assert play["method"] == "animate"
    assert play["args"][0] is None
    opts = play["args"][1]
    assert opts["frame"] == {"duration": 45, "redraw": False}
    assert opts["fromcurrent"] is True
    assert opts["transition"]["duration"] == 0
    assert pause["method"] == "animate"
    assert pause["args"][0] == [None]  # the nested [None] (plotly.js #1221)
    assert pause["args"][1]["mode"] == "immediate"
    assert pause["args"][1]["frame"]["redraw"] is False
    for step in d["layout"]["sliders"][0]["steps"]:
        assert step["method"] == "animate"
        assert step["args"][1]["frame"]["redraw"] is False
        assert step["args"][1]["mode"] == "immediate"
    assert "Plotly.animate" not in pio.to_json(d, validate=False)  # nothing auto-plays


def test_boundary_in_every_frame_is_the_snapshots_line(default_dict, run100):
    box = default_dict["layout"]["xaxis"]["range"] + default_dict["layout"]["yaxis"]["range"]
    drawn = 0
    for f, s in zip(default_dict["frames"], run100):
        pts = boundary_points(f["data"][BOUNDARY])
        if not np.any(s.w):
            assert len(pts) == 0
            continue
        assert len(pts) == 2
        drawn += 1
        # rounded to 5 decimals: the residual is at most 1e-5·(|w1| + |w2|)
        np.testing.assert_allclose(pts @ s.w + s.b, 0.0, atol=1e-5 * np.abs(s.w).sum() * 1.01)
        for x, y in pts:  # ends on the border of the fixed box
            assert box[0] - 1e-5 <= x <= box[1] + 1e-5 and box[2] - 1e-5 <= y <= box[3] + 1e-5
            assert min(abs(x - box[0]), abs(x - box[1]), abs(y - box[2]), abs(y - box[3])) <= 1e-5
    assert drawn == len(run100) - 1


def test_probability_lines_are_the_logit_levels(default_dict, run100):
    levels = logit(np.array(PROBABILITY_LEVELS))
    s = run100[-1]
    td = default_dict["frames"][-1]["data"][PROBABILITY]
    x, y = decode(td["x"]), decode(td["y"])
    assert len(x) == 3 * len(levels)
    for k, level in enumerate(levels):
        seg = np.column_stack([x[3 * k : 3 * k + 2], y[3 * k : 3 * k + 2]])
        assert np.isnan(x[3 * k + 2])
        if not np.isnan(seg).any():
            np.testing.assert_allclose(seg @ s.w + s.b, level, atol=1e-5 * np.abs(s.w).sum() * 1.01)


def test_zero_weights_give_no_boundary_and_say_so(data, run100):
    assert not np.any(run100[0].w)
    d = to_browser(animation_figure(data, run100))
    f0 = d["frames"][0]["data"]
    assert all(v is None for v in f0[BOUNDARY]["x"] + f0[BOUNDARY]["y"])
    assert all(v is None for v in f0[PROBABILITY]["x"] + f0[PROBABILITY]["y"])
    label = d["layout"]["sliders"][0]["steps"][0]["label"]
    assert "no boundary yet" in label
    assert "no boundary yet" not in d["layout"]["sliders"][0]["steps"][1]["label"]


def test_vertical_boundary_when_w2_is_zero(data):
    h = history(data, epochs=0, init=([1.0, 0.0], 0.2))
    d = to_browser(animation_figure(data, h))
    pts = boundary_points(d["frames"][0]["data"][BOUNDARY])
    assert len(pts) == 2
    np.testing.assert_allclose(pts[:, 0], [-0.2, -0.2], atol=1e-9)
    np.testing.assert_allclose(sorted(pts[:, 1]), d["layout"]["yaxis"]["range"], atol=1e-5)
    assert "vertical boundary x1 = -0.2" in d["layout"]["sliders"][0]["steps"][0]["label"]


def test_boundary_outside_the_view_is_said_in_words(data):
    h = history(data, epochs=0, init=([0.0, 1.0], 50.0))  # x2 = -50, far below the data
    d = to_browser(animation_figure(data, h))
    f0 = d["frames"][0]["data"][BOUNDARY]
    assert all(v is None for v in f0["x"] + f0["y"])
    assert "outside the view" in d["layout"]["sliders"][0]["steps"][0]["label"]


def test_readout_of_an_oblique_boundary(data, run100):
    d = to_browser(animation_figure(data, run100))
    s = run100[-1]
    label = d["layout"]["sliders"][0]["steps"][-1]["label"]
    assert f"epoch {s.epoch}" in label
    assert f"loss {s.loss:.4f}" in label
    assert f"{-s.w[0] / s.w[1]:.3g}·x1" in label
    assert "test" not in label


def test_readout_shows_test_numbers(split_run):
    tr, te, h = split_run
    d = to_browser(animation_figure(tr, h, test=te))
    for step, s in zip(d["layout"]["sliders"][0]["steps"], h):
        assert f"test loss {s.test_loss:.4f}" in step["label"]
        assert f"test accuracy {s.test_accuracy:.1%}" in step["label"]
    # the test points and curves are drawn, and the markers carry train and test values
    assert len(decode(d["data"][2]["x"])) + len(decode(d["data"][3]["x"])) == te.n
    np.testing.assert_allclose(decode(d["data"][8]["y"]), [s.test_loss for s in h], rtol=1e-6)
    assert d["frames"][-1]["data"][2]["y"] == [h[-1].loss, h[-1].test_loss]


def test_points_are_sampled_above_max_points():
    big = make_synthetic(5000, seed=3)
    h = history(big, epochs=2)
    d = to_browser(animation_figure(big, h))
    drawn = len(decode(d["data"][0]["x"])) + len(decode(d["data"][1]["x"]))
    assert drawn == MAX_POINTS == 1000
    notes = thinning(len(h), big.n).notes(len(h))
    assert len(notes) == 1 and "1,000 of 5,000" in notes[0]
    # every drawn point is a real training point of its class
    for k in (0, 1):
        x, y = decode(d["data"][k]["x"]), decode(d["data"][k]["y"])
        real = big.X[big.y == k].astype(np.float32)
        assert set(zip(x.tolist(), y.tolist())) <= set(map(tuple, real.tolist()))


def test_all_points_drawn_up_to_max_points(data, run100):
    d = to_browser(animation_figure(data, run100))
    assert len(decode(d["data"][0]["x"])) + len(decode(d["data"][1]["x"])) == data.n
    assert thinning(len(run100), data.n).point_index is None


def test_data_traces_are_float32_base64(default_dict, data):
    _, parsed = strict_json(default_dict)
    # points, accuracy and contours in float32; losses and weight paths in float64, since a diverging
    # run's loss or weights can pass float32's 3.4e38
    for i, dtype in ((0, "f4"), (1, "f4"), (10, "f4"), (13, "f4"), (7, "f8"), (14, "f8")):
        for key in ("x", "y"):
            value = parsed["data"][i][key]
            if i == 7 and key == "x":
                continue  # epochs: float32
            assert isinstance(value, dict) and "bdata" in value, (i, key)
            assert value["dtype"] == dtype, (i, key)
    # the points sent are the data, to float32 precision
    X0 = decode(parsed["data"][0]["x"])
    np.testing.assert_array_equal(np.sort(X0), np.sort(data.X[data.y == 0, 0].astype(np.float32)))


def test_default_figure_json_is_small(default_dict):
    text, _ = strict_json(default_dict)
    assert len(text.encode()) <= 200 * 1024


def test_default_figure_has_no_nan_or_inf(default_dict):
    assert_clean_numbers(default_dict)


@pytest.mark.parametrize("case", ["test split", "landscape", "boundary outside", "5000 epochs"])
def test_figures_have_clean_numbers(case, data, run100, land, split_run):
    if case == "test split":
        tr, te, h = split_run
        d = to_browser(animation_figure(tr, h, test=te, true_line=(data.true_w, data.true_b)))
    elif case == "landscape":
        d = to_browser(animation_figure(data, run100, landscape=land))
    elif case == "boundary outside":
        d = to_browser(
            animation_figure(
                data, history(data, epochs=0, init=([0.0, 1.0], 50.0)), true_line=(np.array([0.0, 1.0]), 80.0)
            )
        )
    else:
        d = to_browser(animation_figure(data, history(data, epochs=5000)))
    assert_clean_numbers(d)


def test_diverging_run_still_gives_a_clean_figure(data):
    h = history(data, lr=100.0, l2=1.0)
    assert h[-1].diverged and max(s.loss for s in h) > 1e38  # beyond float32
    d = to_browser(animation_figure(data, h))
    assert_clean_numbers(d)


def test_to_html_carries_the_frames(data):
    h = history(data, epochs=12)
    html = pio.to_html(to_browser(animation_figure(data, h)), include_plotlyjs=True, auto_play=False, validate=False)
    assert "Plotly.addFrames" in html
    assert html.count('"traces":[5,6,9,12]') == len(h)
    assert '"name":"12"' in html


def test_data_box_pads_and_never_collapses():
    X = np.array([[0.0, 0.0], [1.0, 2.0]])
    lo_x, hi_x, lo_y, hi_y = data_box(X)
    assert lo_x < 0 < 1 < hi_x and lo_y < 0 < 2 < hi_y
    same = np.array([[3.0, 3.0], [3.0, 3.0]])
    box = data_box(same, None)
    assert box[0] < 3 < box[1] and box[2] < 3 < box[3]


def test_names_from_a_file_are_escaped_for_plotly():
    from logreg.data import Dataset

    base = make_synthetic(n=40)
    named = Dataset(
        X=base.X,
        y=base.y,
        feature_names=('<a href="http://e.vil">age</a>', "<b>inc</b>"),
        class_names=("<i>no</i>", "yes"),
    )
    d = to_browser(animation_figure(named, list(train(named.X, named.y, learning_rate=0.1, epochs=3))))
    text = json.dumps(
        {
            "layout": d["layout"],
            "names": [t.get("name") for t in d["data"]],
            "hover": [t.get("hovertemplate") for t in d["data"]],
        }
    )
    assert "<a " not in text and "<b>" not in text and "<i>" not in text
    assert '&lt;a href=\\"http://e.vil\\"&gt;age&lt;/a&gt;' in text  # shown literally, quotes as typed
    assert "&lt;b&gt;inc&lt;/b&gt;" in d["layout"]["yaxis"]["title"]["text"]


# ---------------------------------------------------------------- sharpness, the landscape's edge, type
def sharp_for(run, plan_frames, lr=0.1):
    from logreg.curvature import sharpness_along

    shown = [run[i] for i in plan_frames]
    return sharpness_along(make_synthetic().X, np.array([s.w for s in shown]), np.array([s.b for s in shown]))


def test_sharpness_panel_moves_with_the_frames(data, run100):
    from logreg.figures import Sharpness

    plan = thinning(len(run100), data.n)
    values = sharp_for(run100, plan.frame_index)
    d = to_browser(animation_figure(data, run100, plan=plan, sharpness=Sharpness(values, 0.1)))
    i = index_of(d, "sharpness marker")
    curve = d["data"][index_of(d, "sharpness curve")]
    np.testing.assert_allclose(decode(curve["y"]), values)
    edge = [t for t in d["data"] if t.get("name") == "2/η"][0]
    assert edge["y"] == [20.0, 20.0]
    for f, v in zip(d["frames"], values):
        assert f["data"][f["traces"].index(i)]["y"] == [pytest.approx(v)]
    lo, hi = d["layout"]["yaxis5"]["range"]
    assert d["layout"]["yaxis5"]["type"] == "log" and 10**lo <= min(values.min(), 20) and 10**hi >= 20
    go.Figure(d)


def test_sharpness_needs_one_value_per_frame(data, run100):
    from logreg.figures import Sharpness

    with pytest.raises(ValueError, match="one value per frame"):
        animation_figure(data, run100, sharpness=Sharpness(np.ones(3), 0.1))


def test_a_point_off_the_landscape_is_pinned_to_its_edge(data):
    from logreg.analysis import landscape as make_landscape

    h = history(data, lr=100.0, epochs=30)
    land = make_landscape(data.X, data.y, (-1.0, 1.0, -1.0, 1.0), grid=10)
    d = to_browser(animation_figure(data, h, landscape=land))
    point = index_of(d, "landscape point")
    off = 0
    for f, s in zip(d["frames"], h):
        p = f["data"][f["traces"].index(point)]
        x, y = p["x"][0], p["y"][0]
        within = -1 <= s.w[0] <= 1 and -1 <= s.w[1] <= 1
        if within:
            assert (x, y) == (pytest.approx(s.w[0]), pytest.approx(s.w[1]))
            assert p["text"] == [""] and p["marker"]["symbol"] == ["circle"]
            continue
        off += 1
        assert p["text"] == ["off the panel"] and p["marker"]["symbol"] == ["x-thin-open"]
        assert -1 - 1e-9 <= x <= 1 + 1e-9 and -1 - 1e-9 <= y <= 1 + 1e-9
        assert max(abs(x), abs(y)) == pytest.approx(1.0)  # on the edge
        # on the ray from the panel's centre towards the weights
        assert x * s.w[1] - y * s.w[0] == pytest.approx(0.0, abs=1e-6 * np.linalg.norm(s.w))
        assert np.dot([x, y], s.w[:2]) > 0
    assert off > 0


def test_test_points_are_drawn_in_their_class_colour(split_run):
    tr, te, h = split_run
    d = to_browser(animation_figure(tr, h, test=te))
    tests = [t for t in d["data"] if str(t.get("name", "")).endswith("(test)")]
    assert len(tests) == 2
    for t in tests:
        color = t["marker"]["color"]
        assert color.startswith("#") and len(color) == 7  # opaque: an open symbol takes its outline from it
        assert t["marker"]["symbol"].endswith("-open") and t["marker"]["line"]["width"] >= 1.5
        assert t["marker"].get("opacity", 1) >= 0.8


def test_type_is_large_and_dark(default_dict):
    layout = default_dict["layout"]
    assert layout["font"]["size"] >= 18 and layout["font"]["color"] == "#111111"
    for name, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", name):
            assert axis["tickfont"]["size"] >= 16, name
            assert axis["title"]["font"]["size"] >= 18, name
            assert axis["color"] == "#111111"
    assert layout["legend"]["font"]["size"] >= 16


def test_the_loss_panel_is_at_least_a_third_of_the_height(default_dict):
    low, high = default_dict["layout"]["yaxis2"]["domain"]
    assert high - low >= 1 / 3


def test_player_figures_leave_the_buttons_and_the_scrubber_to_the_player(data, run100):
    d = to_browser(animation_figure(data, run100, player=True))
    assert "updatemenus" not in d["layout"] and "sliders" not in d["layout"]
    plain = to_browser(animation_figure(data, run100))
    assert plain["layout"]["updatemenus"][0]["buttons"][0]["label"] == "▶ Play"
    # the player shows the same readout for each frame as the figure's own scrubber does
    assert d["layout"]["meta"]["readouts"] == [step["label"] for step in plain["layout"]["sliders"][0]["steps"]]
    assert len(d["layout"]["meta"]["readouts"]) == len(d["frames"]) == 101
    go.Figure(d)


def test_revealed_curves_carry_their_uid_and_every_point(default_fig):
    from logreg.ui.player import REVEALED

    default_dict = to_browser(default_fig)  # a fresh copy: go.Figure(...) in other tests strips uids
    uids = {t.get("uid") for t in default_dict["data"]}
    assert {"loss curve", "test loss curve", "accuracy curve", "test accuracy curve", "path"} <= uids
    lane_curves = {u for u in REVEALED if u.startswith("lane ")}  # drawn only on the race's chart
    assert set(REVEALED) - uids - lane_curves <= {"sharpness curve"}  # drawn only with a sharpness panel
    for t in default_dict["data"]:
        if t.get("uid") in REVEALED:
            assert t["line"]["simplify"] is False


# ---------------------------------------------------------------- the race: lanes on the run's chart
def test_the_race_chart_has_four_empty_lanes_and_no_run_of_its_own(data, run100, land):
    from logreg.plot_parts import LANE_CURVES, LANE_ROLES, LANES, Role, lane_uid, lanes
    from logreg.ui.player import REVEALED

    fig = animation_figure(data, run100, landscape=land, player=True, frames=False, lanes=True)
    pio.from_json(json.dumps(to_browser(fig)), skip_invalid=False)  # a valid Plotly figure
    uids = [t.get("uid") for t in fig["data"]]
    expected = [lane_uid(role, k) for k in range(LANES) for role in LANE_ROLES]
    assert [u for u in uids if u and u.startswith("lane ")] == expected
    assert not {Role.BOUNDARY, Role.PROBABILITY, Role.LOSS_CURVE, Role.PATH, Role.SHARPNESS_CURVE} & set(uids)
    assert fig["frames"] == [] and "xaxis5" not in fig["layout"]  # the player draws the lanes; no sharpness
    for t in fig["data"]:
        if (t.get("uid") or "").startswith("lane "):
            assert len(t["x"]) == 0 and len(t["y"]) == 0
    # every lane's uids as the browser reads them, its curves revealed up to the epoch on screen
    assert lanes()[2]["LANE_PATH"] == lane_uid(Role.LANE_PATH, 2) == "lane path-2"
    assert {lane_uid(r, k) for k in range(LANES) for r in LANE_CURVES} <= set(REVEALED)
    # no digit after a space: Plotly looks a removed trace up with the selector ".cb" + uid
    assert all(" " not in u.split("-")[-1] for u in expected)
    # lanes differ by dash and marker, not by colour alone
    boundaries = [t for t in fig["data"] if (t.get("uid") or "").startswith("lane boundary")]
    assert len({t["line"]["dash"] for t in boundaries}) == LANES
    # accuracy takes the row the sharpness had
    assert fig["layout"]["xaxis3"]["domain"] == [0.45, 1.0]


def test_the_race_chart_refuses_frames_and_a_sharpness_panel(data, run100):
    from logreg.figures import Sharpness

    with pytest.raises(ValueError, match="lanes"):
        animation_figure(data, run100, lanes=True)
    sharp = Sharpness(np.ones(len(thinning(len(run100), data.n).frame_index)), 0.1)
    with pytest.raises(ValueError, match="lanes"):
        animation_figure(data, run100, lanes=True, frames=False, sharpness=sharp)
