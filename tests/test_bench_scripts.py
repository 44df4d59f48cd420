"""The benchmarks' bare scripts still run: a comparison point that raised would measure nothing."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

BARE = str(Path(__file__).resolve().parents[1] / "benchmarks" / "bare_redraw.py")


@pytest.mark.parametrize(
    "query",
    [
        {"mode": "scatter"},
        {"mode": "figure"},
        {"mode": "player", "autoplay": "off"},
        {
            "mode": "player",
            "slider": "off",
            "automargin": "off",
            "f32": "on",
            "react": "frames",
            "frames": "150",
            "epochs": "400",
        },
    ],
)
def test_bare_redraw_runs(query):
    at = AppTest.from_file(BARE, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    at.slider(key="epochs").set_value(at.slider(key="epochs").value + 1).run()
    assert not at.exception
    charts = at.get("plotly_chart") if query["mode"] != "player" else at.get("bidi_component")
    assert charts
