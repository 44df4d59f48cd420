"""Your own points: the `points=` and `start=` links, the points made data (split, cached, analysed), "my points",
the clicks' changes to the session, and the preset "One point changes everything"."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from test_app import app, no_exception, player_data

from logreg.analysis import optimum
from logreg.app.drawn import MAX_POINTS, Points, Start, parse_points, parse_start
from logreg.app.points import WithPoints, added, mine, start_for
from logreg.app.run import Synthetic, run
from logreg.app.settings import DEFAULTS, PRESETS, Settings, parse_query
from logreg.curvature import sharpness_at_minimum
from logreg.data import make_synthetic, split, with_points
from logreg.model import sigmoid
from logreg.ui import points as ui_points

WRONG_SIDE = Points(((1.0, -1.0, 0),))  # z = 2·1 − 3·(−1) + 0.5 = 5.5 > 0: the class-1 side of the true line
PRESET = next(p for p in PRESETS if p.name == "One point changes everything")


# ---------------------------------------------------------------- the link's text
def test_points_parse_and_write_back():
    points, note = parse_points("1,2,0; -0.5,3.25,1")
    assert points == ((1.0, 2.0, 0), (-0.5, 3.25, 1)) and note is None
    assert str(points) == "1,2,0;-0.5,3.25,1"
    assert parse_points(str(points)) == (points, None)
    assert parse_points("1.234,-0.005,1")[0] == ((1.23, -0.01, 1),)  # two decimals, as the link writes them
    assert str(Points(((-0.0, 0.001, 1),))) == "0,0,1"  # no "-0"


@pytest.mark.parametrize(
    "raw, named",
    [
        ("1,2,0;oops;3,4,1", "entry 2 'oops' (not x1,x2,c)"),
        ("1,2,0;3,4,2", "entry 2 '3\\,4\\,2' (its class must be 0 or 1)"),
        ("1,2,0;3000,4,1", "entry 2 '3000\\,4\\,1' (outside ±1000)"),
        ("1,2,0;1e3,4,1", "entry 2"),
        ("1,2,0;nan,4,1", "entry 2"),
        ("1,2,0;١,4,1", "entry 2"),
    ],
)
def test_a_bad_entry_is_named_and_the_rest_applies(raw, named):
    values, notices = parse_query({"points": raw})
    assert values["points"] == ((1.0, 2.0, 0),) + (((3.0, 4.0, 1),) if raw.startswith("1,2,0;oops") else ())
    assert len(notices) == 1 and named in notices[0] and "my points must be" in notices[0]


def test_the_201st_point_is_named_and_the_first_200_apply():
    raw = ";".join(f"{k / 100:.2f},0,{k % 2}" for k in range(MAX_POINTS + 5))
    values, notices = parse_query({"points": raw})
    assert len(values["points"]) == MAX_POINTS and values["points"][-1] == (1.99, 0.0, 1)
    assert len(notices) == 1 and f"entry {MAX_POINTS + 1} and those after it" in notices[0]


def test_no_usable_point_uses_the_default():
    values, notices = parse_query({"points": "a;b"})
    assert "points" not in values and "was not used" in notices[0]


def test_start_parses_and_sets_init_to_the_chosen_point():
    values, notices = parse_query({"start": "1.5,-2,0.25"})
    assert values == {"start": (1.5, -2.0, 0.25), "init": "chosen"} and notices == []
    assert str(parse_start("1.5,-2,0.25")) == "1.5,-2,0.25"
    for bad in ("1,2", "1,2,3,4", "1,x,0", "500,0,0"):
        values, notices = parse_query({"start": bad})
        assert "start" not in values and "init" not in values and len(notices) == 1
    assert parse_query({"start": "1,2,3", "init": "zeros"})[0]["init"] == "zeros"  # the link's own init stays


def test_settings_start_from_the_chosen_point_only():
    s = Settings(start=Start((1.0, -2.0, 0.5)))
    assert s.initial == "zeros"  # a start waits while init is not "chosen"
    assert Settings(init="chosen", start=s.start).initial == ((1.0, -2.0), 0.5)
    assert Settings(init="chosen").initial == ((0.0, 0.0), 0.0)
    r = run(Settings(init="chosen", start=s.start, epochs=3))
    np.testing.assert_array_equal(r.history[0].w, [1.0, -2.0])
    assert r.history[0].b == 0.5


# ---------------------------------------------------------------- the points made data
def test_with_points_appends_rows_in_order():
    base = make_synthetic(n=10)
    data = with_points(base, Points(((1.0, 2.0, 1), (3.0, 4.0, 0))))
    np.testing.assert_array_equal(data.X[:10], base.X)
    np.testing.assert_array_equal(data.X[10:], [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(data.y[10:], [1.0, 0.0])
    assert not data.X.flags.writeable and data.true_w is base.true_w
    alone = with_points(None, Points(((1.0, 2.0, 1),)))
    assert alone.n == 1 and alone.true_w is None
    with pytest.raises(ValueError):
        with_points(None, Points())


def test_added_points_go_where_the_seeded_split_puts_them():
    s = Settings(n=50, test=0.3, seed=4)
    points = Points(((9.0, 9.0, 1), (-9.0, -9.0, 0), (9.0, -9.0, 0)))
    choice = added(Synthetic.of(s), points)
    whole = with_points(make_synthetic(n=50, seed=4), points)
    X_train, X_test, y_train, y_test = train_test_split(whole.X, whole.y, test_size=0.3, random_state=4)
    np.testing.assert_array_equal(choice.train.X, X_train)
    np.testing.assert_array_equal(choice.test.X, X_test)
    assert choice.train.n + choice.test.n == 53
    assert {(9.0, 9.0), (-9.0, -9.0), (9.0, -9.0)} <= {tuple(x) for x in np.vstack([X_train, X_test])}


def test_the_points_are_part_of_the_data_identity():
    base = Synthetic.of(Settings())
    assert added(base, Points()).source == base  # no points: the data and its cache entries as before
    one, other = added(base, WRONG_SIDE), added(base, Points(((1.0, -1.0, 1),)))
    assert isinstance(one.source, WithPoints) and one.source != other.source and one.source != base
    assert hash(one.source) == hash(added(base, Points(((1.0, -1.0, 0),))).source)
    train, _ = split(with_points(base.data(), WRONG_SIDE), 0.0)
    np.testing.assert_array_equal(one.train.X, train.X)


def test_my_points_need_two_of_each_class():
    points = Points()
    for x1, x2, c in [(0.0, 0.0, 0), (1.0, 1.0, 1), (0.5, 0.0, 0)]:
        points = points.added(x1, x2, c)
        data, missing = mine(points, 0.0, 0)
        assert data is None and "at least 2 points of each class" in missing
    assert "now 2 of class 0 and 1 of class 1" in missing
    data, missing = mine(points.added(2.0, 1.0, 1), 0.0, 0)
    assert missing is None and data.train.n == 4 and data.train.true_w is None
    r = run(Settings(source="mine", points=points.added(2.0, 1.0, 1), epochs=5))
    assert r.train.n == 4 and np.isfinite(r.history[-1].loss)


def test_my_points_with_a_split_that_leaves_one_class():
    points = Points(((0.0, 0.0, 0), (0.1, 0.0, 0), (1.0, 1.0, 1), (1.1, 1.0, 1)))
    messages = {mine(points, 0.5, seed)[1] for seed in range(20)}
    assert any(m is not None and "only one class to train on" in m for m in messages)
    assert None in messages


def test_points_stop_at_the_limit_and_stay_in_range():
    points = Points((float(k), 0.0, 0) for k in range(MAX_POINTS))
    assert points.added(1.0, 1.0, 1) is points
    assert Points().added(5000.0, -1.234, 1) == ((1000.0, -1.23, 1),)


# ---------------------------------------------------------------- one point changes everything
def test_one_wrong_side_point_gives_a_minimum_equal_to_scikit_learns():
    base = Synthetic.of(Settings())
    before, after = added(base, Points()), added(base, WRONG_SIDE)
    assert not optimum(before.train.X, before.train.y).exists  # separable: the certificate says so
    best = optimum(after.train.X, after.train.y)
    assert best.exists and np.all(np.isfinite(best.w))
    model = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(after.train.X, after.train.y)
    np.testing.assert_allclose(best.w, model.coef_[0], rtol=1e-5)
    np.testing.assert_allclose(best.b, model.intercept_[0], rtol=1e-5)
    # the gradient is zero there (an exact reference: the optimality condition itself)
    p = sigmoid(after.train.X @ best.w + best.b)
    assert np.abs(after.train.X.T @ (p - after.train.y) / after.train.n).max() < 1e-8


def test_the_presets_sentence_is_true():
    s = Settings.from_values({**DEFAULTS, **PRESET.values})
    r = run(s)
    assert r.train.n == 1001 and r.best.exists
    assert f"{r.best.objective:.4f}" in PRESET.watch
    assert f"w ≈ ({r.best.w[0]:.1f}, {r.best.w[1]:.1f}), b ≈ {r.best.b:.2f}".replace("-", "−") in PRESET.watch
    s_min = sharpness_at_minimum(r.train.X, r.best)
    assert f"2/s(θ*) ≈ {2 / s_min:.0f}" in PRESET.watch
    assert f"(loss {r.history[-1].loss:.4f} at epoch {r.history[-1].epoch})" in PRESET.watch
    assert r.settings.lr < r.max_stable and "η = 5 closes" in PRESET.watch
    assert not run(Settings()).best.exists  # the tutorial's data alone: no minimum


# ---------------------------------------------------------------- a click's change to the session
def test_clicks_add_remove_undo_clear_and_start():
    state: dict = {}
    with mock.patch.object(ui_points.st, "session_state", state):
        ui_points.apply_click({"kind": "add", "x1": 1.234, "x2": -2.0, "c": 1})
        ui_points.apply_click({"kind": "add", "x1": 0.5, "x2": 0.5, "c": 0})
        assert state["points"] == ((1.23, -2.0, 1), (0.5, 0.5, 0))
        ui_points.apply_click({"kind": "remove", "index": 0})
        assert state["points"] == ((0.5, 0.5, 0),)
        ui_points.apply_click({"kind": "undo"})
        assert state["points"] == ((1.23, -2.0, 1), (0.5, 0.5, 0))
        ui_points.apply_click({"kind": "clear"})
        assert state["points"] == ()
        ui_points.apply_click({"kind": "undo"})
        assert len(state["points"]) == 2
        for bad in ({"kind": "add", "x1": float("nan"), "x2": 0}, {"kind": "remove", "index": 9}, {"kind": "x"}):
            ui_points.apply_click(bad)
        assert len(state["points"]) == 2
        ui_points.apply_click({"kind": "start", "w1": 2.0, "w2": -1.0})
        assert state["init"] == "chosen" and state[ui_points.PENDING_START] == (2.0, -1.0)


def test_a_start_clicked_on_the_landscape_takes_the_best_bias():
    data = make_synthetic(n=200)
    start = start_for(1.0, -2.0, data)
    w = np.array([1.0, -2.0])

    def loss(b: float) -> float:
        z = data.X @ w + b
        return float(np.mean(np.logaddexp(0, z) - data.y * z))

    b = start[2]
    assert loss(b) <= min(loss(b - 0.01), loss(b + 0.01))  # the best b, to the link's two decimals
    assert start_for(1.0, -2.0, None) == (1.0, -2.0, 0.0)


# ---------------------------------------------------------------- the page
def test_a_link_with_points_trains_on_them_and_the_link_keeps_them():
    at = app(points="1,-1,0", view="Summary")
    no_exception(at)
    data = player_data(at)
    assert data["drawn"]["points"] == [[1.0, -1.0, 0]] and data["drawn"]["link"]["points"] == "1,-1,0"
    assert data["figure"]["data"][-1]["name"] == "your points"
    rows = list(at.table[0].value.index)
    assert any(r.startswith("minimum of the loss") for r in rows)  # the minimum follows the point


def test_a_link_with_bad_points_and_201_points_says_which_and_uses_the_rest():
    raw = ";".join(f"{k / 100:.2f},0.5,{k % 2}" for k in range(MAX_POINTS + 1))
    at = app(points=raw)
    no_exception(at)
    assert any(f"entry {MAX_POINTS + 1}" in w.value for w in at.warning)
    assert len(player_data(at)["drawn"]["points"]) == MAX_POINTS
    assert any("200 points, the most" in c.value for c in at.caption)
    at = app(points="1,-1,0;2,2,7")
    no_exception(at)
    assert any("entry 2" in w.value for w in at.warning)
    assert player_data(at)["drawn"]["points"] == [[1.0, -1.0, 0]]


def test_my_points_show_the_canvas_and_a_message_until_there_are_enough():
    at = app(source="mine", points="0,0,0;1,1,1")
    no_exception(at)
    assert any("at least 2 points of each class" in i.value for i in at.info)
    assert not [c for c in at.get("bidi_component") if c.proto.id.endswith("-animation")]
    at = app(source="mine", points="0,0,0;0.5,0,0;1,1,1;1.5,1,1")
    no_exception(at)
    assert player_data(at)["drawn"]["points"][-1] == [1.5, 1.0, 1]


def test_a_start_in_the_link_starts_the_run_there():
    at = app(start="1,-2,0.5")
    no_exception(at)
    assert at.segmented_control(key="init").value == "chosen"
    assert player_data(at)["drawn"]["link"]["start"] == "1,-2,0.5"
    assert any(c.value.startswith("The run starts at the chosen point w1 = 1, w2 = -2") for c in at.caption)
