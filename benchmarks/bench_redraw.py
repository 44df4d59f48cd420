"""Key press to redrawn: how long the page takes to show a new run after a slider moves, in Chromium.

    python benchmarks/bench_redraw.py [--repeats 7] [--no-candidates] [--pages TEXT ...] [--json PATH]

For each page below, the `epochs` slider is focused and ArrowRight pressed (a new value each time, so the
server trains a new run and builds its figure: what a student triggers), and the time is taken on the
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

--pages TEXT ...: only the pages whose name contains one of the texts (the bare scatter is always in).

Candidates (unless --no-candidates): the player's floor with one change each (bare_redraw.py's
parameters), against the same floor unchanged, in one interleaved run.

Only 127.0.0.1 is contacted. About four minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

VIEWPORT = {"width": 1400, "height": 900}
QUIET_MS = 300
TIMEOUT_MS = 60_000
EPOCHS = "[data-testid='stSlider'] input[type='range'][aria-label='epochs']"

PAGES = [  # (name, server, query, wait for the new run to play, charts that hold a new figure)
    ("app", "app", "?autoplay=off", False, 1),
    ("app, auto-play on", "app", "", True, 1),
    ("app, 400 epochs", "app", "?autoplay=off&epochs=400", False, 1),
    ("app, n = 20000", "app", "?autoplay=off&n=20000", False, 1),
    # the math tab shows epoch 0 until the viewer picks one: the same figure for any number of epochs
    ("app, Math at one epoch", "app", "?autoplay=off&view=Math+at+one+epoch", False, 1),
    ("app, Learning rates side by side", "app", "?autoplay=off&view=Learning+rates+side+by+side", False, 1),
    ("app, Ground truth", "app", "?autoplay=off&view=Ground+truth", False, 2),
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
                           before: new WeakSet(), ws: [], calls: []};
  const charts = () => [...document.querySelectorAll('.js-plotly-plot')]
      .filter(gd => !gd.closest('.st-key-plotly-loader'));
  // how many charts hold new data: the player's always does, a tab's when its figure changed
  const fresh = () => charts().filter(gd => gd.data && gd._fullLayout && !R.before.has(gd.data)).length;
  window.__rdCharts = charts;
  const Socket = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Socket(...args);
    ws.addEventListener('message', (e) => {
      if (R.key !== null) R.ws.push([performance.now(), e.data.byteLength ?? e.data.size ?? e.data.length]);
    });
    return ws;
  };
  window.WebSocket.prototype = Socket.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  document.addEventListener('keydown', () => {
    Object.assign(R, {key: performance.now(), ran: false, playAt: null, playPaint: null, before: new WeakSet(),
                      ws: [], calls: []});
    R.last = R.key; R.paint = 0;
    for (const gd of charts()) if (gd.data) R.before.add(gd.data);
  }, true);
  const painted = (then) => requestAnimationFrame(() => setTimeout(then, 0));
  const observe = () => new MutationObserver((list) => {
    if (R.key === null) return;
    const t = performance.now();
    R.last = t;
    for (const m of list) {
      if (m.attributeName === 'data-test-script-state' && m.target.getAttribute(m.attributeName) !== 'notRunning') {
        R.ran = true;
      }
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
    for (const name of ['react', 'newPlot', 'addFrames', 'deleteFrames', 'animate', 'relayout', 'restyle']) {
      const f = P[name];
      if (typeof f !== 'function') continue;
      P[name] = function (...args) {
        const t0 = performance.now();
        const out = f.apply(this, args);
        const call = [name, t0, performance.now(), null];
        if (R.key !== null) R.calls.push(call);
        Promise.resolve(out).then(() => { call[3] = performance.now(); }, () => {});
        return out;
      };
    }
  };
  setInterval(wrap, 50);
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
    const drawn = R.calls.filter((c) => c[1] <= end && c[3] !== null).map((c) => c[3]);
    return {ms: end - R.key, chart_ms: drawn.length ? Math.max(...drawn) - R.key : null, ran: R.ran,
            bytes: ws.reduce((a, [, n]) => a + n, 0), messages: ws.length,
            first_message_ms: ws.length ? rel(ws[0][0]) : null, charts: charts().length,
            calls: R.calls.filter((c) => c[1] <= end).map(([n, t0, t1, t2]) => [n, rel(t0), t1 - t0, rel(t2)])};
  };
})();
"""
METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")


class Page:
    def __init__(self, browser, name: str, url: str, playing: bool, need: int):
        self.name, self.playing, self.need = name, playing, need
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

    def metrics(self) -> dict[str, float]:
        return {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}

    def press(self, keep: bool) -> dict:
        page = self.page
        slider = page.locator(EPOCHS)
        before = int(slider.get_attribute("aria-valuetext"))
        if self.playing:  # press while the previous run plays, as a student would
            page.evaluate("() => window.__lrPlayer && window.__lrPlayer.play()")
            page.wait_for_timeout(400)
        slider.focus()
        m0 = self.metrics()
        slider.press("ArrowRight")
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
        after = int(slider.get_attribute("aria-valuetext"))
        if after != before + 1:
            raise RuntimeError(f"{self.name}: the epochs slider went from {before} to {after}")
        errors = page.locator("[data-testid='stException']").count()
        if errors:
            raise RuntimeError(f"{self.name}: the page shows an exception")
        result["cpu_ms"] = {k: 1000 * (m1[k] - m0[k]) for k in METRICS}
        if keep:
            self.samples.append(result)
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
        "cpu_ms": {k: median(r["cpu_ms"][k] for r in s) for k in METRICS},
        "plotly_ms": {k: median(v) for k, v in sorted(calls.items())},
    }


def run_group(browser, urls: dict[str, str], pages: list[tuple[str, str, str, bool, int]], repeats: int) -> dict:
    opened = [
        Page(browser, name, urls[server] + "/" + query, playing, need) for name, server, query, playing, need in pages
    ]
    try:
        for p in opened:
            p.ready()
        for p in opened:  # a warm-up press each: code paths, caches of code, the first Plotly.react
            p.press(keep=False)
        for _ in range(repeats):
            for p in opened:
                p.press(keep=True)
                p.page.wait_for_timeout(100)
        return {p.name: summary(p) for p in opened}
    finally:
        for p in opened:
            p.close()


def paired(results: dict, name: str, reference: str) -> float:
    """The median over rounds of this page's time over the reference's in the same round: the load of the
    machine moves both alike."""
    return statistics.median(a / b for a, b in zip(results[name]["all_ms"], results[reference]["all_ms"]))


def table(results: dict, reference: str, title: str) -> str:
    width = max(len(k) for k in results)
    lines = [
        f"| {title:<{width}} | median ms | × {reference} | chart drawn ms | KiB sent | main-thread tasks ms |",
        f"|{'-' * (width + 2)}|----------:|---------------:|---------------:|---------:|---------------------:|",
    ]
    for name, r in results.items():
        cpu = r["cpu_ms"]
        lines.append(
            f"| {name:<{width}} | {r['ms']:9.0f} | {paired(results, name, reference):14.2f} | "
            f"{r['chart_ms'] or 0:14.0f} | {r['bytes'] / 1024:8.0f} | {cpu['TaskDuration']:20.0f} |"
        )
    return "\n".join(lines)


def breakdown(name: str, r: dict) -> str:
    parts = [
        f"{name}: first websocket message at {r['first_message_ms']:.0f} ms, done at {r['ms']:.0f} ms "
        f"({r['messages']:.0f} messages); main thread: script {r['cpu_ms']['ScriptDuration']:.0f} ms, "
        f"layout {r['cpu_ms']['LayoutDuration']:.0f} ms, style {r['cpu_ms']['RecalcStyleDuration']:.0f} ms, "
        f"all tasks {r['cpu_ms']['TaskDuration']:.0f} ms"
    ]
    p = r["plotly_ms"]
    for call in ("react", "newPlot", "deleteFrames", "addFrames", "animate", "relayout"):
        if call in p:
            parts.append(
                f"  Plotly.{call}: {p[call]:.1f} ms synchronous in all, first called at "
                f"{p[call + ' first start']:.0f} ms, last resolved at "
                f"{(p.get(call + ' last resolved') or float('nan')):.0f} ms"
            )
    return "\n".join(parts)


def measure(repeats: int, candidates: bool, only: list[str] | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        app_proc, app_url = start_server(Path(tmp, "app.log"))
        bare_proc, bare_url = start_server(Path(tmp, "bare.log"), script="benchmarks/bare_redraw.py")
        urls = {"app": app_url, "bare": bare_url}
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
                try:
                    chosen = [p for p in PAGES if not only or p[0] == "bare scatter" or any(t in p[0] for t in only)]
                    pages = run_group(browser, urls, chosen, repeats)
                    cands = (
                        run_group(browser, urls, [(n, "bare", q, False, 1) for n, q in CANDIDATES], repeats)
                        if candidates
                        else {}
                    )
                finally:
                    browser.close()
        finally:
            stop_server(app_proc)
            stop_server(bare_proc)
    for name, r in pages.items():
        r["ratio"] = paired(pages, name, "bare scatter")
    base = ""
    for name, r in cands.items():
        base = base if name.startswith(" ") else name
        r["ratio"] = paired(cands, name, base)
    return {"pages": pages, "candidates": cands, "repeats": repeats, "quiet_ms": QUIET_MS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-candidates", action="store_true", help="only the pages, not the candidate changes")
    parser.add_argument("--pages", nargs="+", metavar="TEXT", help="only the pages whose name contains a text")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()
    r = measure(args.repeats, not args.no_candidates, args.pages)
    print(
        f"Key press to redrawn, median of {args.repeats} interleaved presses (done: script idle, every chart "
        f"new, then {QUIET_MS} ms without a DOM change; timed to the first paint after the last change)\n"
    )
    print(table(r["pages"], "bare scatter", "page"))
    print()
    for name in ("app", "figure, bare player", "figure, bare st.plotly_chart", "bare scatter"):
        if name in r["pages"]:
            print(breakdown(name, r["pages"][name]))
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
