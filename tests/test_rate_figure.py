"""The chart of every learning rate: a trace per verdict kind whose meta names its rates, the ring on the rate
on screen, and the labelled lines 2/L and 2/s(θ*) only where they fall among the rates."""

from __future__ import annotations

import numpy as np

from logreg.plot_parts import Role
from logreg.rate_figure import KIND_STYLE, loss_range, rates_figure

RATES = [0.01, 0.1, 1.0, 10.0, 100.0]


def test_each_rate_is_in_one_trace_of_its_kind_and_the_untrained_in_none():
    kinds = ["improving", "improving", "converged", None, "diverged"]
    fig = rates_figure(RATES, kinds, [0.69] * 5, [-1.0, 0.0], [], selected=2)
    by_name = {t["name"]: t for t in fig["data"]}
    assert by_name[KIND_STYLE["improving"][2]]["meta"]["rates"] == [0, 1]
    assert by_name[KIND_STYLE["converged"][2]]["x"] == [1.0]
    members = sorted(i for t in fig["data"] if "meta" in t for i in t["meta"]["rates"])
    assert members == [0, 1, 2, 4]  # rate 3 was not trained: no marker
    ring = [t for t in fig["data"] if t.get("uid") == Role.RATE_SELECTED]
    assert len(ring) == 1 and ring[0]["x"] == [1.0]
    assert fig["layout"]["xaxis"]["type"] == "log" and fig["layout"]["xaxis"]["title"]["text"] == "learning rate η"


def test_edges_are_drawn_where_they_fall_among_the_rates():
    edges = [("2/L", 7.93), ("2/s(θ*)", 19.4), ("far", 1e6), ("nan", float("nan"))]
    layout = rates_figure(RATES, ["converged"] * 5, [0.5] * 5, [-1.0, 0.0], edges, selected=0)["layout"]
    assert [s["x0"] for s in layout["shapes"]] == [7.93, 19.4]
    texts = [a["text"] for a in layout["annotations"]]
    assert texts == ["2/L = 7.93", "2/s(θ*) = 19.4"]
    assert [a["xanchor"] for a in layout["annotations"]] == ["right", "left"]  # close lines, labels apart


def test_the_loss_range_holds_every_run_up_to_the_cap():
    low, high = loss_range([np.array([0.7, 0.3]), np.array([0.7, 50.0])], cap=2.8)
    assert 10**low <= 0.3 and 10**high >= 2.8 and 10**high < 4
    assert loss_range([np.array([0.0])], cap=1.0) == [-3.1, 0.1]  # nothing positive: a default decade span
