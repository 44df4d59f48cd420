"""logreg.plot_parts: trace bookkeeping, shared controls and the figure as the browser receives it."""

from __future__ import annotations

import base64
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from logreg.plot_parts import Traces, epoch_slider, play_controls, to_browser


def test_moving_traces_keep_their_index_whatever_comes_before():
    t = Traces()
    t.add({"type": "scatter", "x": [0], "y": [0]})
    t.add_moving("boundary", {"type": "scatter", "mode": "lines"})
    t.add({"type": "scatter"}, {"type": "scatter"})
    t.add_moving("marker", {"type": "scatter", "mode": "markers"})
    assert t.moving == {"boundary": 1, "marker": 4}
    assert t.data[1]["uid"] == "boundary" and t.data[4]["uid"] == "marker"
    frame = t.frame("7", {"marker": {"x": [7], "y": [1]}, "boundary": {"x": [0, 1], "y": [1, 0]}})
    assert frame == {"name": "7", "traces": [1, 4], "data": [{"x": [0, 1], "y": [1, 0]}, {"x": [7], "y": [1]}]}


def test_a_frame_missing_a_role_is_an_error():
    t = Traces()
    t.add_moving("boundary", {"type": "scatter"})
    with pytest.raises(KeyError):
        t.frame("0", {})


def test_play_pause_and_slider_validate_and_never_redraw():
    layout = {
        "updatemenus": [play_controls(40, x=0, y=1)],
        "sliders": [epoch_slider(["0", "1"], ["epoch 0", "epoch 1"], x=0.2, len=0.8)],
    }
    fig = go.Figure({"data": [], "layout": layout})  # raises on anything Plotly does not know
    play, pause = fig.layout.updatemenus[0].buttons
    assert play.args[1]["frame"] == {"duration": 40, "redraw": False} and play.args[1]["fromcurrent"]
    assert play.args[1]["mode"] == "immediate" and pause.args[1]["mode"] == "immediate"
    assert list(pause.args[0]) == [None]  # the nested [None] (plotly.js #1221)
    assert [list(s.args[0]) for s in fig.layout.sliders[0].steps] == [["0"], ["1"]]


@pytest.mark.parametrize("dtype, code", [(np.float32, "f4"), (np.float64, "f8"), (np.int32, "i4"), (np.uint8, "u1")])
def test_arrays_become_plotly_binary(dtype, code):
    a = np.array([1.5, -2.0, np.nan, 4.0] if np.dtype(dtype).kind == "f" else [1, 2, 3, 4], dtype=dtype)
    out = to_browser({"x": a})["x"]
    assert out["dtype"] == code
    back = np.frombuffer(base64.b64decode(out["bdata"]), dtype=np.dtype(dtype).newbyteorder("<"))
    np.testing.assert_array_equal(back, a)


def test_two_dimensional_arrays_carry_their_shape():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    out = to_browser(a)
    assert out["shape"] == "2, 3"


def test_int64_and_objects_become_lists_and_numpy_scalars_plain_numbers():
    out = to_browser({"a": np.array([1, 2], dtype=np.int64), "b": np.float64(0.5), "c": (1, 2)})
    assert out == {"a": [1, 2], "b": 0.5, "c": [1, 2]}
    json.dumps(out)


def test_to_browser_copies_containers_and_leaves_the_figure_alone():
    fig = {"data": [{"x": np.zeros(3), "line": {"width": 2}}], "layout": {}}
    out = to_browser(fig)
    out["data"][0]["line"]["width"] = 9
    assert fig["data"][0]["line"]["width"] == 2
    assert isinstance(fig["data"][0]["x"], np.ndarray)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_the_binary_form_is_plotlys_own(dtype):
    x = np.linspace(-3, 3, 7).astype(dtype)
    ours = to_browser({"type": "scatter", "x": x})["x"]
    plotlys = go.Figure({"data": [{"type": "scatter", "x": x}]}).to_dict()["data"][0]["x"]
    assert ours == plotlys
