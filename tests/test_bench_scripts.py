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


def test_bench_hostile_runs_and_reports_the_worst_page():
    # one random link and one random file of 300 rows at most, beside the default page and the known links
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_hostile.py"
    done = subprocess.run(
        [sys.executable, str(script), "--cases", "1", "--seed", "3", "--max-rows", "300", "--no-known"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[1].startswith("default page")
    assert any(line.startswith("link 0:") for line in lines) and any(line.startswith("file 0:") for line in lines)
    assert lines[-1].startswith("worst page:") and "× the default page" in lines[-1]
