"""Your own points on the page: what a click on the chart does (one rerun each, applied before the script runs,
so the data, the family of runs and the verdict of that very rerun include it), what the player is told of
them, and the empty canvas of "my points" until it has enough points to train on."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from ..app.cached import DataChoice
from ..app.drawn import MAX_POINTS, Points, Start
from ..app.points import canvas_figure, start_for
from ..app.settings import Settings
from ..plot_parts import to_browser
from .chart import CONFIG

HERE = Path(__file__).resolve().parent
UNDO = "_points_undo"  # the points as they were before each change, the latest last
PENDING_START = "_start_click"  # (w1, w2) clicked on the landscape: b is found on the next data
UNDO_DEPTH = 50


def heard_click(key: str) -> Callable[[], None]:
    """The callback of a component that reports clicks (its trigger value "click")."""

    def callback() -> None:
        event = (st.session_state.get(key) or {}).get("click")
        if isinstance(event, dict):
            apply_click(event)

    return callback


def _finite(*values) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values)


def apply_click(event: dict) -> None:
    """One click's change to the session's points or start. Anything malformed is ignored."""
    kind = event.get("kind")
    points = Points(st.session_state.get("points") or ())
    if kind == "start" and _finite(event.get("w1"), event.get("w2")):
        st.session_state["init"] = "chosen"
        st.session_state[PENDING_START] = (float(event["w1"]), float(event["w2"]))
        return
    undo = list(st.session_state.get(UNDO, []))
    new = points
    if kind == "add" and _finite(event.get("x1"), event.get("x2")):
        new = points.added(event["x1"], event["x2"], 1 if event.get("c") == 1 else 0)
    elif kind == "remove" and isinstance(event.get("index"), int) and 0 <= event["index"] < len(points):
        new = points.without(event["index"])
    elif kind == "clear":
        new = Points()
    elif kind == "undo" and undo:
        st.session_state["points"] = undo.pop()
        st.session_state[UNDO] = undo
        return
    if new != points:
        st.session_state[UNDO] = (undo + [points])[-UNDO_DEPTH:]
        st.session_state["points"] = new


def session_points() -> Points:
    return Points(st.session_state.get("points") or ())


def chosen_start(init: str, data: DataChoice | None) -> Start:
    """The start the settings hold: the point chosen on the landscape (b at its best for it on the data shown),
    while init is "chosen"; none otherwise."""
    pending = st.session_state.pop(PENDING_START, None)
    if pending is not None:
        st.session_state["start"] = start_for(*pending, None if data is None else data.train)
    if init != "chosen":
        return Start()
    return Start(st.session_state.get("start") or ())


def drawn(settings: Settings, landscape: bool) -> dict:
    """What the player needs of your points: the points, whether Undo has anything to undo, whether the landscape
    can be clicked, and their share-link parameters (None: removed from the address bar)."""
    return {
        "points": [list(p) for p in settings.points],
        "undo": bool(st.session_state.get(UNDO)),
        "landscape": landscape,
        "link": {
            "points": str(settings.points) or None,
            "start": str(settings.start) or None,
        },
    }


def start_caption(settings: Settings) -> str | None:
    if settings.init != "chosen":
        return None
    if not settings.start:
        return "The run starts at w1 = 0, w2 = 0, b = 0: click the loss landscape to choose another start."
    w1, w2, b = settings.start
    return (
        f"The run starts at the chosen point w1 = {w1:g}, w2 = {w2:g}, b = {b:g}. A click on the loss landscape "
        "chooses w1 and w2 there and sets b to its best value for them, as the landscape draws every point."
    )


def limit_caption(settings: Settings) -> str | None:
    if len(settings.points) >= MAX_POINTS:
        return f"You have added {MAX_POINTS} points, the most a page holds: a click on the data panel adds no more."
    return None


_CANVAS_JS = """
export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  const state = parentElement.__lrCanvas || (parentElement.__lrCanvas = {});
  const gd = parentElement.querySelector('.lr-canvas-chart');
  const send = (v) => setTriggerValue('click', v);
  state.drawn = data.drawn;
  if (!state.tools) {
    state.tools = pointTools(parentElement.querySelector('.lr-bar'), null, send);
    listenForClicks(gd, () => state.drawn, send);
  }
  showPointTools(state.tools, data.drawn);
  writeParams(data.link);
  writeParams(data.drawn.link);
  const draw = () => (window.Plotly ? window.Plotly.react(gd, data.figure.data, data.figure.layout, data.config)
    : setTimeout(draw, 30));
  draw();
}
"""
_CANVAS_HTML = """<div class="lr-canvas"><div class="lr-bar" role="toolbar" aria-label="Your points"></div>
<div class="lr-canvas-chart" role="group" aria-label="Your points: click to add one of the class chosen above, click
one of yours to remove it"></div></div>"""
_CANVAS = st.components.v2.component(
    "logreg.points_canvas",
    html=_CANVAS_HTML,
    css=(HERE / "player.css").read_text(encoding="utf-8"),
    js=(HERE / "points.js").read_text(encoding="utf-8") + _CANVAS_JS,
    isolate_styles=False,
)


def canvas(settings: Settings, link: dict) -> None:
    """The empty data panel of "my points", with the class to add, Undo and Clear: a click adds a point."""
    _CANVAS(
        key="points-canvas",
        data={
            "figure": to_browser(canvas_figure(settings.points)),
            "drawn": drawn(settings, landscape=False),
            "link": link,
            "config": {**CONFIG, "displayModeBar": False},
        },
        on_click_change=heard_click("points-canvas"),
    )
