"""Key press to redrawn: how long the page takes to show a new run after a slider moves, in Chromium.

    python benchmarks/bench_redraw.py [--repeats 7] [--no-candidates] [--pages TEXT ...] [--json PATH]
                                      [--baseline-dir DIR] [--cpu-presses 12]

For each page below, the `epochs` slider is focused and ArrowRight pressed (a new value each time, so the
server trains a new run and builds its figure: what a student triggers; the "n" and "w1" pages press the
sidebar's `number of points n` and `true w1` sliders instead: a data change), and the time is taken on the
page's own clock from the keydown event to the page being done redrawing:

  done = Streamlit's script state is notRunning again, every chart on the page holds new data (each
         Plotly div's `data` is a new object; the hidden chart that loads plotly.js is left out), and
         the page has then gone QUIET_MS without any DOM change; the time is that of the first paint
         after the last DOM change (requestAnimationFrame, then a task: the frame has been drawn).

Pages open with ?autoplay=off, so that the first complete drawing of the new run is what is timed. The
default page is also timed with auto-play on, pressed while the previous run plays, to the first paint
after the new run has started to play.

  app               the app's default page (100 epochs, 1000 points, the Summary tab)
  app, 400 epochs   frames thinned to 300
  app, n = 20000    3000 of the points drawn
  app, <tab>        each other tab open (the race tab's chart plays in the place of the run's)
  app, η key press  the player's η control (`.st-key-animation input.lr-eta`) focused and → pressed (← at
                    the last rate, then → again): the browser switches to that rate's run, with no rerun.
                    Done = the first paint after the player's data-rate has changed and the chart's moving
                    traces hold the new run: the Plotly.animate on the run's chart that follows the rate's
                    change has resolved, then two requestAnimationFrame callbacks (the second runs once the
                    frame holding the change has been painted); the traces are checked against the
                    player's own frameOf() for the new rate. Plotly.update, Plotly.animate (the run's chart
                    and the rates chart) and the player's measure()/reveal() are timed inside the press.
  app, n / w1 key press   the sidebar's `number of points n` / `true w1` slider: a data change (a new run)
  app, click adding a point   a click on the data panel, each at a new place: the point is added (a data
                    change, one rerun), timed from the mousedown; no twin on the old app, which had no clicks
  app, … candidate: one Plotly.animate   the η press and the default page's epochs press with the player
                    patched in the page (ONE_ANIMATE below; player.js untouched): what that change would give
  bare scatter      benchmarks/bare_redraw.py?mode=scatter: 1000 points in st.plotly_chart, new data per value
  figure, bare      the app's own figure from a bare script with st.plotly_chart (its floor)
  player, bare      the app's own figure in the app's player from a bare script (the player's floor)

Every page is open in its own browser context (its own Streamlit session) and the pages are pressed in
turn, one press each per round (A B C … A B C …), so the noise of this shared machine hits all alike;
medians are quoted, and ratios to the bare scatter: the median over rounds of the ratio of two
presses made within seconds of each other. Bytes are the websocket messages the page received
from the key press to done (the protobuf, before the websocket's compression). The browser's main-thread
time comes from CDP Performance.getMetrics (script, layout, style) around each press, and the time in
plotly.js's calls from wrappers put around window.Plotly in the page.

--pages TEXT ...: only the pages whose name contains one of the texts (the bare scatter is always in);
"=NAME" chooses the page of that exact name (`--pages =app η` : the default page and the η key press).

--baseline-dir DIR: another checkout of the app (e.g. `git archive 4e05c62 | tar -x -C /tmp/old-app`),
served beside this one (its own server, started in DIR, so that it imports its own logreg); every app page
chosen gets a twin "old: <page>" pressed in the same rounds, and the table gives the per-round ratio
new/old. The η key press's twin on the old app is its η select_slider (`[data-testid='stSlider']`, a rerun).

Server CPU per η key press: after the rounds, each η page (and its old twin; and the default page's epochs
press, a data change, for comparison) is pressed --cpu-presses times in a row, alone, the other pages idle;
the server process's CPU time (utime + stime, /proc/<pid>/stat) is read before the burst and 1.5 s after its
last press (the η listeners report after 400 ms at rest), less the server's CPU over an idle window of the
same length right after, divided by the presses.

Candidates (unless --no-candidates): the player's floor with one change each (bare_redraw.py's
parameters), against the same floor unchanged, in one interleaved run.

Only 127.0.0.1 is contacted. About four minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser.server import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    start_server,
    stop_server,
)

VIEWPORT = {"width": 1400, "height": 900}
QUIET_MS = 300
TIMEOUT_MS = 60_000
EPOCHS = "[data-testid='stSlider'] input[type='range'][aria-label='epochs']"
ETA = ".st-key-animation input.lr-eta"  # the player's η control: switches runs in the browser
ETA_PRESS = "η"  # a page's press: this, or the aria-label of the Streamlit slider pressed
CLICK_PRESS = "click"  # a page's press: a click on the data panel, adding a point there (a data change)


def slider_of(label: str) -> str:
    return f"[data-testid='stSlider'] input[type='range'][aria-label='{label}']"


# A candidate change to logreg/ui/player.js, applied to the page's player after it loads (player.js itself is
# untouched): setRate moves the run's curves with the moving traces in ONE Plotly.animate (redraw off) instead
# of Plotly.update (which recalculates and redraws the whole figure, ~150 ms) followed by Plotly.animate. The
# "2/η" label is left as it was: relayout of an annotation also redraws the whole figure (~140 ms), so the
# label would have to become a text trace moved by the same animate; this candidate measures that bound.
ONE_ANIMATE = r"""
(() => {
  const P = window.__lrPlayer, original = P.setRate;
  const still = { mode: 'immediate', frame: { duration: 0, redraw: false }, transition: { duration: 0 } };
  const frameAt = (epochs, epoch) => {
    let k = 0;
    while (k + 1 < epochs.length && epochs[k + 1] <= epoch) k++;
    return k;
  };
  P.setRate = async function (r, keepEpoch) {
    const f = this.family;
    r = Math.max(0, Math.min(r, f.rates.length - 1));
    if (!f.runs[r]) return original.call(this, r, keepEpoch);
    const epoch = keepEpoch && this.names ? Number(this.names[this.frame]) : 0;
    this.rate = r;
    const run = f.runs[r];
    const R = this.data.roles;
    this.names = Array.from(run.epoch, String);
    const curves = [
      [R.LOSS_CURVE, run.epoch, run.loss],
      [R.TEST_LOSS_CURVE, run.test_loss ? run.epoch : [], run.test_loss || []],
      [R.ACCURACY_CURVE, run.epoch, run.accuracy],
      [R.TEST_ACCURACY_CURVE, run.test_accuracy ? run.epoch : [], run.test_accuracy || []],
      [R.PATH, run.w1, run.w2],
      [R.SHARPNESS_CURVE, run.epoch, run.sharpness],
      [R.RATE_EDGE, [0, Math.max(run.epoch[run.epoch.length - 1], 1)], [2 / f.rates[r], 2 / f.rates[r]]],
    ].filter(([uid]) => this.traceIndex.has(uid));
    this.scrub.max = String(Math.max(this.names.length - 1, 0));
    this.scrub.disabled = this.names.length < 2;
    const root = this.q('.lr-player');
    root.dataset.frames = String(this.names.length);
    root.dataset.rate = String(f.rates[r]);
    this.eta.value = String(r);
    this.eta.setAttribute('aria-valuetext', `learning rate η = ${f.labels[r]}`);
    this.q('.lr-eta-value').textContent = f.labels[r];
    this.q('.lr-words').textContent = run.verdict;
    this.q('.lr-verdict').dataset.kind = run.kind;
    this.writeLink();
    window.__lrEta = f.labels[r];
    window.dispatchEvent(new CustomEvent('lr-eta', { detail: { label: f.labels[r] } }));
    const k = frameAt(run.epoch, epoch);
    this.show(k);
    const moving = this.frameOf(k);
    const data = curves.map(([, x, y]) => ({ x: Array.from(x), y: Array.from(y) })).concat(moving.data);
    const traces = curves.map(([uid]) => this.traceIndex.get(uid)).concat(moving.traces);
    await Promise.all([
      window.Plotly.animate(this.gd, { data, traces }, still),
      window.Plotly.animate(this.rates, this.ratesFrame(Number(this.names[k])), still),
    ]);
    this.measure();
    this.reveal();
  };
})();
"""

PAGES = [  # (name, server, query, wait for the new run to play, charts that hold a new figure[, press[, patch]])
    ("app", "app", "?autoplay=off", False, 1),
    ("app, η key press (in the browser)", "app", "?autoplay=off", False, 1, ETA_PRESS),
    ("app, η key press, candidate: one Plotly.animate", "app", "?autoplay=off", False, 1, ETA_PRESS, ONE_ANIMATE),
    ("app, candidate: one Plotly.animate", "app", "?autoplay=off", False, 1, "epochs", ONE_ANIMATE),
    ("app, n key press (data change)", "app", "?autoplay=off", False, 1, "number of points n"),
    ("app, w1 key press (data change)", "app", "?autoplay=off", False, 1, "true w1"),
    ("app, click adding a point (data change)", "app", "?autoplay=off", False, 1, CLICK_PRESS),
    ("app, auto-play on", "app", "", True, 1),
    ("app, 400 epochs", "app", "?autoplay=off&epochs=400", False, 1),
    ("app, n = 20000", "app", "?autoplay=off&n=20000", False, 1),
    # the math tab shows epoch 0 until the viewer picks one: the same figure for any number of epochs
    ("app, Math at one epoch", "app", "?autoplay=off&view=Math+at+one+epoch", False, 1),
    ("app, Learning rates side by side", "app", "?autoplay=off&view=Learning+rates+side+by+side", False, 1),
    ("app, Ground truth", "app", "?autoplay=off&view=Ground+truth", False, 2),
    # τ reruns the Predictions tab's fragment only: its ROC chart is new, the run's chart keeps its figure
    ("app, τ key press (Predictions tab)", "app", "?autoplay=off&view=Predictions", False, 1, "threshold τ"),
    ("bare scatter", "bare", "?mode=scatter", False, 1),
    ("figure, bare st.plotly_chart", "bare", "?mode=figure", False, 1),
    ("figure, bare player", "bare", "?mode=player&autoplay=off", False, 1),
]
BASE = "?mode=player&autoplay=off"
CANDIDATES = [  # (name, query): each against the first of its group
    ("player floor, 100 epochs", BASE),
    ("  automargin off", BASE + "&automargin=off"),
    ("  float32 arrays", BASE + "&f32=on"),
    ("  frames in Plotly.react", BASE + "&react=frames"),
    ("  all three", BASE + "&automargin=off&f32=on&react=frames"),
    ("player floor, 400 epochs", BASE + "&epochs=400"),
    ("  150 frames", BASE + "&epochs=400&frames=150"),
]

# Installed before any page script: the key press, every DOM change, the script state, the websocket
# messages and plotly.js's calls, on the page's clock.
INSTRUMENT = """
(() => {
  const R = window.__rd = {key: null, last: 0, paint: 0, ran: false, playAt: null, playPaint: null,
                           before: new WeakSet(), ws: [], calls: [], rateAt: null, etaPaint: null,
                           loadBytes: 0};
  const charts = () => [...document.querySelectorAll('.js-plotly-plot')]
      .filter(gd => !gd.closest('.st-key-plotly-loader'));
  // how many charts hold new data: the player's always does, a tab's when its figure changed
  const fresh = () => charts().filter(gd => gd.data && gd._fullLayout && !R.before.has(gd.data)).length;
  window.__rdCharts = charts;
  const rateNow = () => {
    const root = document.querySelector('.st-key-animation .lr-player');
    return root ? root.dataset.rate : undefined;
  };
  const Socket = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Socket(...args);
    ws.addEventListener('message', (e) => {
      if (R.key === null) R.loadBytes += e.data.byteLength ?? e.data.size ?? e.data.length;
      if (R.key !== null) R.ws.push([performance.now(), e.data.byteLength ?? e.data.size ?? e.data.length]);
    });
    return ws;
  };
  window.WebSocket.prototype = Socket.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  const pressed = () => {
    Object.assign(R, {key: performance.now(), ran: false, playAt: null, playPaint: null, before: new WeakSet(),
                      ws: [], calls: [], rateAt: null, etaPaint: null});
    R.last = R.key; R.paint = 0;
    R.rateBefore = rateNow();
    R.scriptDone = null;
    for (const gd of charts()) if (gd.data) R.before.add(gd.data);
  };
  document.addEventListener('keydown', pressed, true);
  document.addEventListener('mousedown', pressed, true); // a click on the chart: the page's own points
  const painted = (then) => requestAnimationFrame(() => setTimeout(then, 0));
  const observe = () => new MutationObserver((list) => {
    if (R.key === null) return;
    const t = performance.now();
    R.last = t;
    for (const m of list) {
      if (m.attributeName === 'data-test-script-state' && m.target.getAttribute(m.attributeName) !== 'notRunning') {
        R.ran = true;
      }
      if (m.attributeName === 'data-test-script-state' && m.target.getAttribute(m.attributeName) === 'notRunning'
          && R.ran) R.scriptDone = t;
      if (m.attributeName === 'data-rate' && R.rateAt === null) R.rateAt = t;
      if (m.attributeName === 'data-playing' && m.target.dataset.playing === 'true' && R.playAt === null
          && fresh() > 0) {
        R.playAt = t;
        painted(() => { R.playPaint = performance.now(); });
      }
    }
    painted(() => { if (R.last === t) R.paint = performance.now(); });
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', observe); else observe();
  const wrap = () => {
    const P = window.Plotly;
    if (!P || P.__rdWrapped) return;
    P.__rdWrapped = true;
    for (const name of ['react', 'newPlot', 'addFrames', 'deleteFrames', 'animate', 'relayout', 'restyle',
                        'update']) {
      const f = P[name];
      if (typeof f !== 'function') continue;
      P[name] = function (...args) {
        const t0 = performance.now();
        const gd = args[0];
        // which chart: the run's (.lr-chart), the rates chart (.lr-rates), or another
        const which = gd && gd.classList ? (gd.classList.contains('lr-chart') ? ''
          : gd.classList.contains('lr-rates') ? ' (rates chart)' : ' (other chart)') : '';
        const out = f.apply(this, args);
        const call = [name + which, t0, performance.now(), null];
        if (R.key !== null) R.calls.push(call);
        // (read from the DOM: the player sets data-rate and calls animate in the same task, before any
        // MutationObserver callback)
        const afterRate = R.key !== null && name === 'animate' && which === '' && rateNow() !== R.rateBefore;
        Promise.resolve(out).then(() => {
          call[3] = performance.now();
          // the η press: the run's chart has its new run's moving traces; the first paint after that
          if (afterRate && R.etaPaint === null) {
            requestAnimationFrame(() => requestAnimationFrame(() => {
              if (R.etaPaint === null) R.etaPaint = performance.now();
            }));
          }
        }, () => {});
        return out;
      };
    }
  };
  const wrapPlayer = () => {
    const player = window.__lrPlayer;
    if (!player || player.__rdWrapped) return;
    player.__rdWrapped = true;
    for (const name of ['measure', 'reveal']) {
      const f = player[name];
      player[name] = function (...args) {
        const t0 = performance.now();
        const out = f.apply(this, args);
        const t1 = performance.now();
        if (R.key !== null) R.calls.push(['player.' + name, t0, t1 - t0, t1]);
        return out;
      };
    }
  };
  setInterval(() => { wrap(); wrapPlayer(); }, 50);
  // the η press is done: the rate changed, the run's chart holds its moving traces, and a frame was painted
  window.__rdEtaDone = (before) => {
    if (R.key === null || R.etaPaint === null) return null;
    const root = document.querySelector('.st-key-animation .lr-player');
    const player = window.__lrPlayer;
    if (!root || root.dataset.rate === before || !player) return null;
    const gd = player.gd;
    const want = player.frameOf(player.frame);
    const same = want.traces.every((i, j) => ['x', 'y'].every((k) => want.data[j][k] === undefined
      || JSON.stringify(Array.from(gd.data[i][k])) === JSON.stringify(Array.from(want.data[j][k]))));
    if (!same) return null;
    const end = R.etaPaint;
    const ws = R.ws.filter(([t]) => t <= end);
    const rel = (t) => (t === null ? null : t - R.key);
    const drawn = R.calls.filter((c) => c[1] <= end && c[3] !== null && !c[0].includes('(')).map((c) => c[3]);
    return {ms: end - R.key, chart_ms: drawn.length ? Math.max(...drawn) - R.key : null, ran: R.ran,
            rate_ms: rel(R.rateAt), rate: root.dataset.rate,
            bytes: ws.reduce((a, [, n]) => a + n, 0), messages: ws.length,
            first_message_ms: ws.length ? rel(ws[0][0]) : null, charts: charts().length,
            calls: R.calls.filter((c) => c[1] <= end).map(([n, t0, t1, t2]) =>
              [n, rel(t0), n.startsWith('player.') ? t1 : t1 - t0, rel(t2)])};
  };
  window.__rdDone = (quiet, playing, need) => {
    if (R.key === null) return null;
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning' || fresh() < need) return null;
    let end;
    if (playing) {
      if (R.playPaint === null) return null;
      end = R.playPaint;
    } else {
      if (performance.now() - R.last < quiet || R.paint < R.last) return null;
      end = R.paint;
    }
    const ws = R.ws.filter(([t]) => t <= end);
    const rel = (t) => (t === null ? null : t - R.key);
    const drawn = R.calls.filter((c) => c[1] <= end && c[3] !== null && !c[0].startsWith('player.'))
      .map((c) => c[3]);
    const big = ws.reduce((a, m) => (m[1] > a[1] ? m : a), [null, -1]);
    return {ms: end - R.key, chart_ms: drawn.length ? Math.max(...drawn) - R.key : null, ran: R.ran,
            script_done_ms: rel(R.scriptDone ?? null), largest_message_ms: rel(big[0]),
            bytes: ws.reduce((a, [, n]) => a + n, 0), messages: ws.length,
            first_message_ms: ws.length ? rel(ws[0][0]) : null, charts: charts().length,
            calls: R.calls.filter((c) => c[1] <= end).map(([n, t0, t1, t2]) =>
              [n, rel(t0), n.startsWith('player.') ? t1 : t1 - t0, rel(t2)])};
  };
})();
"""
CLICK_AT = """([x, y]) => { // the page coordinates of data point (x, y) on the data panel (the axes' own mapping)
    const gd = document.querySelector('.st-key-animation .lr-chart');
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const box = gd.querySelector('.main-svg').getBoundingClientRect();
    return [box.left + xa._offset + xa.d2p(x), box.top + ya._offset + ya.d2p(y)];
}"""
METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")


class Page:
    def __init__(
        self, browser, name: str, url: str, playing: bool, need: int, press: str = "epochs", patch: str | None = None
    ):
        self.name, self.playing, self.need, self.press_what, self.patch = name, playing, need, press, patch
        self.direction = "ArrowRight"
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.add_init_script(INSTRUMENT)
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")
        self.page.goto(url, wait_until="domcontentloaded")
        self.samples: list[dict] = []

    def ready(self) -> None:
        page = self.page
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
        page.wait_for_selector(EPOCHS)
        page.wait_for_function("() => window.__rdCharts().length > 0 && window.__rdCharts().every(g => g._fullLayout)")
        page.wait_for_timeout(QUIET_MS)
        self.load_bytes = page.evaluate("() => window.__rd.loadBytes")
        if self.patch:
            page.wait_for_function("() => window.__lrPlayer && window.__lrPlayer.family")
            page.evaluate(self.patch)

    def metrics(self) -> dict[str, float]:
        return {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}

    def press(self, keep: bool) -> dict:
        if self.press_what == ETA_PRESS:
            result = self.press_eta()
        elif self.press_what == CLICK_PRESS:
            result = self.press_click()
        else:
            result = self.press_slider()
        if keep:
            self.samples.append(result)
        return result

    def press_eta(self) -> dict:
        """→ on the player's η control (← from the last rate back to the first, then → again)."""
        page = self.page
        eta = page.locator(ETA)
        value, top = int(eta.input_value()), int(eta.get_attribute("max"))
        if value >= top:
            self.direction = "ArrowLeft"
        elif value <= 0:
            self.direction = "ArrowRight"
        before = page.evaluate("() => document.querySelector('.st-key-animation .lr-player').dataset.rate ?? ''")
        eta.focus()
        m0 = self.metrics()
        eta.press(self.direction)
        try:
            result = page.wait_for_function(
                "(before) => window.__rdEtaDone(before)", arg=before, polling=20, timeout=TIMEOUT_MS
            ).json_value()
        except Exception as error:
            state = page.evaluate("""() => ({rateAt: window.__rd.rateAt, etaPaint: window.__rd.etaPaint,
                rate: document.querySelector('.st-key-animation .lr-player').dataset.rate,
                words: document.querySelector('.st-key-animation .lr-words').textContent})""")
            raise RuntimeError(f"{self.name}: not done after {TIMEOUT_MS} ms: {state}") from error
        m1 = self.metrics()
        after = int(eta.input_value())
        if after == value:
            raise RuntimeError(f"{self.name}: η stayed at index {value}")
        if page.locator("[data-testid='stException']").count():
            raise RuntimeError(f"{self.name}: the page shows an exception")
        result["cpu_ms"] = {k: 1000 * (m1[k] - m0[k]) for k in METRICS}
        return result

    def press_click(self) -> dict:
        """A click on the data panel, each at a new place (x1 from 1.0 by 0.1, x2 = −2.5): a new point, new data."""
        page = self.page
        self.clicks = getattr(self, "clicks", 0) + 1
        x, y = 1.0 + 0.1 * self.clicks, -2.5
        px, py = page.evaluate(CLICK_AT, [x, y])
        m0 = self.metrics()
        page.mouse.click(px, py)
        return self.wait_done(m0)

    def press_slider(self) -> dict:
        page = self.page
        slider = page.locator(EPOCHS if self.press_what == "epochs" else slider_of(self.press_what))
        before = slider.get_attribute("aria-valuetext")
        now, low, high = slider.input_value(), slider.get_attribute("min"), slider.get_attribute("max")
        if now == high:  # at an end: back the other way (the η select_slider has 19 values)
            self.direction = "ArrowLeft"
        elif now == low:
            self.direction = "ArrowRight"
        if self.playing:  # press while the previous run plays, as a student would
            page.evaluate("() => window.__lrPlayer && window.__lrPlayer.play()")
            page.wait_for_timeout(400)
        slider.focus()
        m0 = self.metrics()
        slider.press(self.direction)
        result = self.wait_done(m0)
        after = slider.get_attribute("aria-valuetext")
        if after == before:
            raise RuntimeError(f"{self.name}: the {self.press_what} slider stayed at {before}")
        return result

    def wait_done(self, m0: dict) -> dict:
        """Wait for the page to be done redrawing after a press, and time it (the main thread's share too)."""
        page = self.page
        try:
            result = page.wait_for_function(
                "([q, p, n]) => window.__rdDone(q, p, n)",
                arg=[QUIET_MS, self.playing, self.need],
                polling=50,
                timeout=TIMEOUT_MS,
            ).json_value()
        except Exception as error:
            state = page.evaluate("""() => ({ran: window.__rd.ran, sinceLast: performance.now() - window.__rd.last,
                state: document.querySelector("[data-testid='stApp']").getAttribute('data-test-script-state'),
                charts: window.__rdCharts().map(g => [g.className, Boolean(g._fullLayout),
                                                      window.__rd.before.has(g.data)])})""")
            raise RuntimeError(f"{self.name}: not done after {TIMEOUT_MS} ms: {state}") from error
        m1 = self.metrics()
        if self.playing:
            page.evaluate("() => window.__lrPlayer && window.__lrPlayer.pause()")
        errors = page.locator("[data-testid='stException']").count()
        if errors:
            raise RuntimeError(f"{self.name}: the page shows an exception")
        result["cpu_ms"] = {k: 1000 * (m1[k] - m0[k]) for k in METRICS}
        return result

    def close(self) -> None:
        self.context.close()


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summary(page: Page) -> dict:
    s = page.samples
    calls: dict[str, list[float]] = {}
    for r in s:
        total: dict[str, float] = {}
        for name, t0, sync, resolved in r["calls"]:
            total[name] = total.get(name, 0.0) + sync
            total.setdefault(name + " first start", t0)
            if resolved is not None:
                total[name + " last resolved"] = max(resolved, total.get(name + " last resolved", resolved))
        for k, v in total.items():
            calls.setdefault(k, []).append(v)
    return {
        "ms": median(r["ms"] for r in s),
        "chart_ms": median(r["chart_ms"] for r in s),
        "all_ms": [round(r["ms"], 1) for r in s],
        "bytes": median(r["bytes"] for r in s),
        "messages": median(r["messages"] for r in s),
        "first_message_ms": median(r["first_message_ms"] for r in s),
        "charts": s[-1]["charts"] if s else 0,
        "rate_ms": median(r.get("rate_ms") for r in s),
        "script_done_ms": median(r.get("script_done_ms") for r in s),
        "largest_message_ms": median(r.get("largest_message_ms") for r in s),
        "load_bytes": page.load_bytes,
        "ran": sum(bool(r["ran"]) for r in s),
        "cpu_ms": {k: median(r["cpu_ms"][k] for r in s) for k in METRICS},
        "plotly_ms": {k: median(v) for k, v in sorted(calls.items())},
    }


TICK = os.sysconf("SC_CLK_TCK")


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process, all its threads (/proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


SETTLE_S = 1.5  # after a burst's last press: the η listeners report after 400 ms at rest


def cpu_burst(page: Page, pid: int, presses: int) -> dict:
    """The server's CPU per press over `presses` presses in a row on this page alone, less its idle CPU."""
    page.page.wait_for_timeout(1000)
    t0, c0 = time.monotonic(), process_cpu_s(pid)
    for _ in range(presses):
        page.press(keep=False)
    time.sleep(SETTLE_S)
    t1, c1 = time.monotonic(), process_cpu_s(pid)
    time.sleep(t1 - t0)  # an idle window as long as the burst: what the server spends doing nothing
    idle = process_cpu_s(pid) - c1
    return {
        "presses": presses,
        "wall_s": t1 - t0,
        "server_cpu_s": c1 - c0,
        "idle_cpu_s": idle,
        "per_press_ms": 1000 * max(c1 - c0 - idle, 0.0) / presses,
        "raw_per_press_ms": 1000 * (c1 - c0) / presses,
    }


def run_group(
    browser, urls: dict[str, str], pages: list[tuple], repeats: int, pids: dict[str, int] | None = None, burst: int = 0
) -> dict:
    opened = [Page(browser, name, urls[server] + "/" + query, *rest) for name, server, query, *rest in pages]
    servers = {name: server for name, server, *_ in pages}
    try:
        for p in opened:
            p.ready()
        for p in opened:  # a warm-up press each: code paths, caches of code, the first Plotly.react
            p.press(keep=False)
        for _ in range(repeats):
            for p in opened:
                p.press(keep=True)
                p.page.wait_for_timeout(100)
        results = {p.name: summary(p) for p in opened}
        for p in opened:  # server CPU per η press (and per data change on the default page), the other pages idle
            measured = ETA_PRESS in p.name or p.name in ("app", OLD + "app")
            if burst and pids and measured and servers[p.name] in pids:
                try:
                    results[p.name]["server_cpu"] = cpu_burst(p, pids[servers[p.name]], burst)
                except RuntimeError as error:  # the rounds' results stand
                    print(f"server CPU burst of {p.name} failed: {error}", file=sys.stderr)
        return results
    finally:
        for p in opened:
            p.close()


def paired(results: dict, name: str, reference: str) -> float:
    """The median over rounds of this page's time over the reference's in the same round: the load of the
    machine moves both alike."""
    return statistics.median(a / b for a, b in zip(results[name]["all_ms"], results[reference]["all_ms"]))


def table(results: dict, reference: str, title: str) -> str:
    width = max(len(k) for k in results)
    old = any(k.startswith(OLD) for k in results)
    lines = [
        f"| {title:<{width}} | median ms | × {reference} | chart drawn ms | KiB sent | main-thread tasks ms |"
        + (" new / old |" if old else ""),
        f"|{'-' * (width + 2)}|----------:|---------------:|---------------:|---------:|---------------------:|"
        + ("----------:|" if old else ""),
    ]
    for name, r in results.items():
        cpu = r["cpu_ms"]
        line = (
            f"| {name:<{width}} | {r['ms']:9.0f} | {paired(results, name, reference):14.2f} | "
            f"{r['chart_ms'] or 0:14.0f} | {r['bytes'] / 1024:8.0f} | {cpu['TaskDuration']:20.0f} |"
        )
        if old:
            line += f" {paired(results, name, OLD + name):9.2f} |" if OLD + name in results else "           |"
        lines.append(line)
    return "\n".join(lines)


def breakdown(name: str, r: dict) -> str:
    parts = [
        f"{name}: first websocket message at "
        f"{'none' if r['first_message_ms'] is None else format(r['first_message_ms'], '.0f') + ' ms'}, "
        f"done at {r['ms']:.0f} ms "
        f"({r['messages']:.0f} messages); main thread: script {r['cpu_ms']['ScriptDuration']:.0f} ms, "
        f"layout {r['cpu_ms']['LayoutDuration']:.0f} ms, style {r['cpu_ms']['RecalcStyleDuration']:.0f} ms, "
        f"all tasks {r['cpu_ms']['TaskDuration']:.0f} ms"
    ]
    p = r["plotly_ms"]
    for call in sorted(k for k in p if not k.endswith((" first start", " last resolved"))):
        what = call if call.startswith("player.") else f"Plotly.{call}"
        parts.append(
            f"  {what}: {p[call]:.1f} ms synchronous in all, first called at "
            f"{p[call + ' first start']:.0f} ms, last resolved at "
            f"{(p.get(call + ' last resolved') or float('nan')):.0f} ms"
        )
    if r.get("largest_message_ms") is not None:
        done = r.get("script_done_ms")
        parts.append(
            f"  the largest websocket message arrived at {r['largest_message_ms']:.0f} ms; the script state was "
            f"notRunning again at {'?' if done is None else format(done, '.0f')} ms"
        )
    if r.get("rate_ms") is not None:
        parts.append(f"  the player's data-rate changed at {r['rate_ms']:.0f} ms; a rerun ran in {r['ran']} presses")
    return "\n".join(parts)


OLD = "old: "


def chose(text: str, name: str) -> bool:
    """--pages: a text chooses the pages whose name contains it; "=NAME" the page of that name only."""
    return text[1:] == name if text.startswith("=") else text in name


def twins(pages: list[tuple]) -> list[tuple]:
    """Each app page on the baseline app too: the same press (η: the old app's η slider, a rerun)."""
    out = []
    for name, server, query, playing, need, *press in pages:
        press = press[0] if press else "epochs"  # (a patch is a candidate's: none here)
        if server != "app" or "candidate" in name or press == CLICK_PRESS:  # the old app had no points to click
            continue
        out.append((OLD + name, "old", query, playing, need, "learning rate η" if press == ETA_PRESS else press))
    return out


def measure(
    repeats: int, candidates: bool, only: list[str] | None = None, baseline: Path | None = None, burst: int = 12
) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        app_proc, app_url = start_server(Path(tmp, "app.log"))
        bare_proc, bare_url = start_server(Path(tmp, "bare.log"), script="benchmarks/bare_redraw.py")
        procs = [app_proc, bare_proc]
        urls = {"app": app_url, "bare": bare_url}
        pids = {"app": app_proc.pid}
        try:
            if baseline is not None:
                old_proc, urls["old"] = start_server(Path(tmp, "old.log"), cwd=baseline)
                procs.append(old_proc)
                pids["old"] = old_proc.pid
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
                try:
                    chosen = [
                        p for p in PAGES if not only or p[0] == "bare scatter" or any(chose(t, p[0]) for t in only)
                    ]
                    if baseline is not None:  # each new page followed by its old twin: pressed seconds apart
                        old = {t[0][len(OLD) :]: t for t in twins(chosen)}
                        chosen = [q for p in chosen for q in ([p, old[p[0]]] if p[0] in old else [p])]
                    pages = run_group(browser, urls, chosen, repeats, pids, burst)
                    cands = (
                        run_group(browser, urls, [(n, "bare", q, False, 1) for n, q in CANDIDATES], repeats)
                        if candidates
                        else {}
                    )
                finally:
                    browser.close()
        finally:
            for proc in procs:
                stop_server(proc)
    for name, r in pages.items():
        r["ratio"] = paired(pages, name, "bare scatter")
        if OLD + name in pages:
            r["ratio_to_old"] = paired(pages, name, OLD + name)
    base = ""
    for name, r in cands.items():
        base = base if name.startswith(" ") else name
        r["ratio"] = paired(cands, name, base)
    return {
        "pages": pages,
        "candidates": cands,
        "repeats": repeats,
        "quiet_ms": QUIET_MS,
        "baseline_dir": None if baseline is None else str(baseline),
    }


def parse_args() -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-candidates", action="store_true", help="only the pages, not the candidate changes")
    parser.add_argument("--pages", nargs="+", metavar="TEXT", help="only the pages whose name contains a text")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument(
        "--baseline-dir", type=Path, help="another checkout of the app, served beside this one: ratios new/old"
    )
    parser.add_argument("--cpu-presses", type=int, default=12, help="η presses in a row for the server's CPU")
    args = parser.parse_args()
    if args.baseline_dir is not None and not (args.baseline_dir / "app.py").exists():
        parser.error(f"{args.baseline_dir} has no app.py")
    return args


def main() -> None:
    args = parse_args()
    r = measure(args.repeats, not args.no_candidates, args.pages, args.baseline_dir, args.cpu_presses)
    print(
        f"Key press to redrawn, median of {args.repeats} interleaved presses (done: script idle, every chart "
        f"new, then {QUIET_MS} ms without a DOM change; timed to the first paint after the last change)\n"
    )
    print(table(r["pages"], "bare scatter", "page"))
    print()
    pages = r["pages"]
    loads = {k: v["load_bytes"] / 1024 for k, v in pages.items() if "load_bytes" in v}
    print("KiB received over the websocket while each page opened (before compression): ")
    print("  " + "; ".join(f"{k} {v:.0f}" for k, v in loads.items()))
    for name, v in pages.items():
        if "server_cpu" in v:
            c = v["server_cpu"]
            print(
                f"server CPU per press, {name}: {c['per_press_ms']:.1f} ms ({c['presses']} presses in a row: "
                f"{1000 * c['server_cpu_s']:.0f} ms of server CPU in {c['wall_s']:.1f} s, less "
                f"{1000 * c['idle_cpu_s']:.0f} ms idle over as long)"
            )
    print()
    for name in (
        "app",
        OLD + "app",
        "app, candidate: one Plotly.animate",
        "app, η key press (in the browser)",
        "app, η key press, candidate: one Plotly.animate",
        OLD + "app, η key press (in the browser)",
    ):
        if name in pages:
            print(breakdown(name, pages[name]))
    for name in ("figure, bare player", "figure, bare st.plotly_chart", "bare scatter"):
        if name in pages:
            print(breakdown(name, pages[name]))
    if r["candidates"]:
        c = r["candidates"]
        print("\nCandidate changes on the player's floor (ratio to the floor of the same epochs):\n")
        base = ""
        width = max(len(k) for k in c)
        print(f"| {'candidate':<{width}} | median ms | ratio | KiB sent | main-thread tasks ms |")
        print(f"|{'-' * (width + 2)}|----------:|------:|---------:|---------------------:|")
        for name, v in c.items():
            if not name.startswith(" "):
                base = name
            print(
                f"| {name:<{width}} | {v['ms']:9.0f} | {paired(c, name, base):5.2f} | {v['bytes'] / 1024:8.0f} | "
                f"{v['cpu_ms']['TaskDuration']:20.0f} |"
            )
        for name in ("player floor, 100 epochs", "  frames in Plotly.react"):
            print(breakdown(name.strip(), c[name]))
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=1))


if __name__ == "__main__":
    main()
