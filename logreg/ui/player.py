"""The player: Play/Pause, step, restart, speed, a scrubber and a large epoch counter over the animated
figure, with the keyboard (Space, ←, →, Home) and auto-play after every change.

It is a Streamlit component (components v2: inline HTML, CSS and JavaScript in the page, no iframe)
that keeps its own chart div and updates it in place with Plotly.react, so a new run does not
rebuild the chart (st.plotly_chart replaces its div whenever the figure changes). The figure
travels as the component's JSON data, which is also what the tests read.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ..app.points import added_trace
from ..figures import NARROW_PANELS
from ..plot_parts import LANE_CURVES, LANES, Role, lane_uid, roles, to_browser
from .chart import CONFIG
from .points import heard_click

HERE = Path(__file__).resolve().parent
FRAME_MS = 70  # a frame at 1× speed: 100 epochs play in 7 s, slow enough to follow a zig-zag
REVEALED = tuple(
    str(r)
    for r in (
        Role.LOSS_CURVE,
        Role.TEST_LOSS_CURVE,
        Role.ACCURACY_CURVE,
        Role.TEST_ACCURACY_CURVE,
        Role.PATH,
        Role.SHARPNESS_CURVE,
    )
) + tuple(lane_uid(role, k) for k in range(LANES) for role in LANE_CURVES)
HTML = """
<div class="lr-player">
  <div class="lr-bar" role="toolbar" aria-label="Animation">
    <button type="button" class="lr-restart" aria-label="Restart"
      title="Restart from epoch 0 (Home)">↺<span class="lr-long"> Restart</span></button>
    <button type="button" class="lr-back" aria-label="Step back"
      title="One frame back (←)">◀<span class="lr-long"> Step</span></button>
    <button type="button" class="lr-play" aria-label="Play"
      title="Play or pause (Space)">▶<span class="lr-long"> Play</span></button>
    <button type="button" class="lr-forward" aria-label="Step forward"
      title="One frame on (→)"><span class="lr-long">Step </span>▶</button>
    <button type="button" class="lr-listen" aria-label="Listen to the loss"
      title="Hear the loss up to the epoch on screen as pitch">♪<span class="lr-long"> Listen</span></button>
    <label><span class="lr-long">speed </span><select class="lr-speed" aria-label="Speed"></select></label>
    <label class="lr-eta-control"><span class="lr-long">learning rate </span>η
      <input type="range" class="lr-eta" min="0" max="0" step="1" value="0" aria-label="learning rate η"
        title="Every learning rate's run is already here: move η to switch, the epoch on screen stays">
      <output class="lr-eta-value"></output></label>
    <span class="lr-counter">epoch <span class="lr-epoch">0</span>
      <span class="lr-of">of <span class="lr-last">0</span></span></span>
  </div>
  <input type="range" class="lr-scrub" min="0" max="0" step="1" value="0" aria-label="epoch shown"
    title="Drag to any epoch of the run">
  <div class="lr-readout"></div>
  <div class="lr-chart" role="group" aria-describedby="lr-now" aria-label="The run at the epoch on screen:
    the data with its decision boundary, the loss, the accuracy, the loss landscape and the sharpness"></div>
  <div class="lr-race" hidden>
    <span class="lr-race-title" id="lr-race-title"></span>
    <div class="lr-race-rates" role="group" aria-labelledby="lr-race-title"></div>
    <label class="lr-race-log"><input type="checkbox" class="lr-log" checked> loss − minimum, log scale</label>
    <span class="lr-race-status" aria-live="polite"></span>
  </div>
  <ul class="lr-lanes" hidden></ul>
  <div class="lr-verdict" data-testid="verdict"><span class="lr-words" aria-live="polite"></span>
    <details class="lr-more"><summary>the numbers</summary><p class="lr-details"></p></details></div>
  <p class="lr-motion">Reduced motion is on, so a new run waits: press Play, or → to step one frame.</p>
  <p class="lr-now" id="lr-now" aria-live="polite"></p>
  <details class="lr-table"><summary>The numbers of the run on screen, as a table</summary>
    <div class="lr-table-body" tabindex="0" role="region" aria-label="the run's numbers, frame by frame"></div>
  </details>
  <div class="lr-rates" role="group"
    aria-label="What each learning rate does: the loss of every rate's run at the epoch on screen"></div>
</div>
"""


def _script(*names: str) -> str:
    """The player's JavaScript as the page gets it with every chart: the files in order, without their
    comment lines (a third of their size) and their indents (a tenth of the rest; no template
    literal of theirs spans lines)."""
    lines = (line.lstrip() for name in names for line in (HERE / name).read_text(encoding="utf-8").splitlines())
    return "\n".join(line for line in lines if not line.startswith("//")) + "\n"


SCRIPT = _script("schema.js", "draw.js", "race.js", "access.js", "points.js", "player.js")
_COMPONENT = st.components.v2.component(
    "logreg.player",
    html=HTML,
    css=(HERE / "player.css").read_text(encoding="utf-8"),
    js=SCRIPT,
    isolate_styles=False,  # Plotly's own CSS must reach the chart
)


def plotly_loader() -> None:
    """A hidden, never-changing Plotly chart: Streamlit loads plotly.js with its first Plotly chart, and
    the player draws with that same plotly.js."""
    with st.container(key="plotly-loader"):
        st.plotly_chart(
            {"data": [{"type": "scatter", "x": [], "y": []}], "layout": {"height": 10}},
            key="plotly-loader-chart",
            theme=None,
        )
    st.html("<style>.st-key-plotly-loader { display: none; }</style>")


def frame_labels(figure: dict) -> list[str]:
    """The line of numbers for each frame, as a figure built for the player (player=True) carries them."""
    return list(figure["layout"]["meta"]["readouts"])


_FIXED = {  # what every player gets alike
    "narrow": [list(p) for p in NARROW_PANELS],
    "reveal": list(REVEALED),
    "config": CONFIG,
    "roles": roles(),
}


def player(
    figure: dict,
    readouts: list[str] | None = None,
    *,
    key: str,
    run_id: str,
    autoplay: bool,
    frame_ms: int,
    present: bool = False,
    keys: bool = True,
    link: dict[str, str | None] | None = None,
    family: dict | None = None,
    rates_figure: dict | None = None,
    request: dict | None = None,
    eta: str | None = None,
    race: dict | None = None,
    decision: dict | None = None,
    drawn: dict | None = None,
) -> int | None:
    """Draw the player with `figure` (built with player=True); return the epoch it rests on, once
    the viewer has paused or stepped (None before that).

    run_id names the run the figure shows: the browser redraws (and auto-plays) only when it changes.
    readouts: the line of numbers shown under the bar, one per frame (default: frame_labels(figure)).
    link: the share link's parameters (link.share_link), written into the address bar; None leaves it.
    family: every learning rate's run as numbers (family_view.family_payload): the player then draws every
    frame itself, η is a control of its bar, and moving it switches runs in the browser, with no rerun;
    rates_figure: the chart of every rate drawn under the run; request: {"index", "token"}, the rate a link
    or a preset asks for (applied when its token is new; otherwise the η on screen stays); eta: the η the
    page knows, as page.eta_slug writes it (a player without the family marks the page with it).
    race: with the family, the race (family_view.race_payload) on a figure built with lanes=True: the bar
    then chooses up to four rates, each drawn as a lane, instead of η.
    decision: the line p = τ (family_view.decision), where the player draws the boundary and beside which it
    rings the points on the wrong side; None: p = ½.
    drawn: your points (points.drawn): the bar then has their tools, a click on the data panel adds or removes
    one and a click on the landscape chooses the start (each one rerun); None: clicks do nothing.
    """
    layout = {k: v for k, v in figure["layout"].items() if k != "meta"}  # the readouts travel on their own
    if drawn is not None and drawn["points"]:  # the points you added, ringed: a click on one removes it
        figure = {**figure, "data": [*figure["data"], added_trace(drawn["points"])]}
    data = {
        **_FIXED,
        "figure": to_browser({**figure, "layout": layout}),
        "readouts": [] if family is not None else frame_labels(figure) if readouts is None else readouts,
        "id": run_id,
        "autoplay": autoplay,
        "frame_ms": frame_ms,
        "keys": keys,
        "present": present,
        "link": link,
        "family": family,
        "rates_figure": None if rates_figure is None else to_browser(rates_figure),
        "request": request,
        "eta": eta,
        "race": race,
        "decision": decision,
        "drawn": drawn,
    }
    events = {"on_epoch_change": lambda: None, "on_click_change": heard_click(key)}
    return _COMPONENT(key=key, data=data, default={"epoch": None}, **events).get("epoch")
