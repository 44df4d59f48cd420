"""The charts of what the model predicts: the ROC curve with τ's point and the diagonal of guessing, and the AUC
up to the epoch on screen; valid for Plotly (its schema), with no NaN for the browser."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from logreg.metrics import roc_auc, roc_curve, roc_point
from logreg.plot_parts import TEST_COLOR, TRAIN_COLOR, to_browser
from logreg.predictions_figure import MAX_CURVE_POINTS, RocView, auc_figure, roc_figure


def view(rows: str, n: int = 40, seed: int = 0, epochs: int = 5) -> RocView:
    rng = np.random.default_rng(seed)
    y = np.r_[0, 1, rng.integers(0, 2, n - 2)]
    p = np.clip(0.5 + 0.3 * (y - 0.5) + 0.2 * rng.normal(size=n), 0, 1)
    fpr, tpr, _ = roc_curve(y, p)
    aucs = np.linspace(0.5, 0.9, epochs)
    return RocView(rows, fpr, tpr, roc_point(y, p, 0.7), roc_auc(y, p), np.arange(epochs), aucs)


def strict(figure: dict) -> dict:
    def forbid(name):
        raise ValueError(f"the chart holds {name}")

    return json.loads(pio.to_json(to_browser(figure), validate=False), parse_constant=forbid)


def test_validates_against_plotlys_schema_with_and_without_test_rows():
    for views in ([view("training rows")], [view("training rows"), view("test rows", seed=1)]):
        for figure in (roc_figure(views, 0.7), auc_figure(views, epoch=4, last_epoch=100)):
            go.Figure(to_browser(figure))  # raises on any property Plotly does not know
            strict(figure)


def test_the_curve_the_point_for_tau_and_the_guessing_diagonal():
    v = view("training rows")
    data = roc_figure([v], 0.7)["data"]
    assert data[0]["x"] == [0.0, 1.0] and data[0]["y"] == [0.0, 1.0]  # a model that guesses
    curve, point = data[1:]
    np.testing.assert_array_equal(curve["x"], v.fpr)
    np.testing.assert_array_equal(curve["y"], v.tpr)
    assert curve["name"] == f"training rows, AUC {v.auc:.3f}" and curve["line"]["color"] == TRAIN_COLOR
    assert (point["x"], point["y"]) == ([v.point[0]], [v.point[1]]) and point["text"] == ["τ = 0.7"]
    assert point["marker"]["line"]["width"] > 0  # an outline, not colour alone


def test_test_rows_are_apart_by_colour_dash_and_marker():
    views = [view("training rows"), view("test rows", seed=1)]
    data = roc_figure(views, 0.5)["data"]
    train, test = data[1], data[3]
    assert test["line"]["color"] == TEST_COLOR and test["line"]["dash"] != train["line"]["dash"]
    assert data[4]["marker"]["symbol"] != data[2]["marker"]["symbol"] and data[4]["text"] is None  # labelled once
    aucs = auc_figure(views, 4, 100)["data"]
    assert [t["name"] for t in aucs] == ["training rows", "test rows"] and aucs[1]["line"]["color"] == TEST_COLOR


def test_the_auc_axis_spans_the_whole_run_and_holds_every_value():
    v = RocView("training rows", np.array([0.0, 1.0]), np.array([0.0, 1.0]), (0.0, 0.0), 0.5, np.array([0, 3]),
                np.array([0.5, 0.31]))  # fmt: skip
    figure = auc_figure([v], epoch=3, last_epoch=250)
    layout = figure["layout"]
    assert layout["xaxis"]["range"] == [0, 250] and "on screen: 3" in layout["xaxis"]["title"]["text"]
    low, high = layout["yaxis"]["range"]
    assert low < 0.31 and high >= 1.0
    assert figure["data"][0]["marker"]["size"] == [0, 12]  # the epoch on screen marked
    assert auc_figure([v], epoch=0, last_epoch=0)["layout"]["xaxis"]["range"] == [0, 1]


def test_the_legend_has_room_above_the_panel():
    # a legend that pushed the top margin out after Streamlit's first draw left the lines clipped below it
    for figure in (roc_figure([view("training rows"), view("test rows")], 0.5), auc_figure([view("test rows")], 4, 9)):
        assert figure["layout"]["margin"]["t"] >= 80 and figure["layout"]["legend"]["yanchor"] == "bottom"


def test_a_long_curve_is_thinned_keeping_its_ends():
    v = view("training rows", n=20_000, seed=3)
    curve = roc_figure([v], 0.5)["data"][1]
    assert len(curve["x"]) <= MAX_CURVE_POINTS + 1 and len(v.fpr) > MAX_CURVE_POINTS
    assert (curve["x"][0], curve["y"][0], curve["x"][-1], curve["y"][-1]) == (0.0, 0.0, 1.0, 1.0)
    assert np.all(np.diff(curve["x"]) >= 0) and np.all(np.diff(curve["y"]) >= 0)
