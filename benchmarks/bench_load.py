"""How many viewers can one app process serve? A classroom in one Chromium, against a server on 127.0.0.1.

Starts `streamlit run app.py` on a free loopback port and one headless Chromium (Debian's, at
/usr/bin/chromium) with N browser contexts, each a separate Streamlit session. It measures:

  alone        the rerun time of one slider change with no other viewer: from the key press on the
               `epochs` slider until the script state is notRunning again (median of several presses,
               each a new epochs value, so a real training run and figure, not a cache hit);
  load         N sessions open the app at once, each with its own epochs (?epochs=100+7i), checks the
               chart rendered with no stException, moves the epochs slider (the URL must follow) and
               presses Play (the Plotly frame must advance), then Pause;
  under load   rounds in which all N sessions move their slider at the same moment (median of every
               session's rerun time over every round): a class changing a setting together;
  memory       the server's RSS (the process and its children, from /proc/<pid>/status VmRSS) sampled
               every 0.2 s: idle before any viewer, idle after one warm-up viewer (imports and caches
               filled), the peak with N sessions, and some seconds after they closed.

RSS per session = (peak − warm idle) / N; sessions that fit = (limit − warm idle − the memory budget the
caches may fill, cached.MEMORY_BYTES) / RSS per session,
for Community Cloud's 690 MB and 2.7 GB (decimal megabytes). Browser and server share this machine's
cores, so rerun times under load are pessimistic for a real classroom, where each student has a CPU.

    python benchmarks/bench_load.py                     # 20 sessions, about three minutes on 2 cores
    python benchmarks/bench_load.py --sessions 5        # under a minute
    python benchmarks/bench_load.py --same-settings     # every session on the default settings (cache hits)
    python benchmarks/bench_load.py --json load.json
    python benchmarks/bench_load.py --eta --sessions 10 # η pressed in the browser by all 10 at once (below)

--eta: another mode, instead of the phases above. N sessions open the default page (?autoplay=off) and a
bare Streamlit scatter (benchmarks/bare_redraw.py?mode=scatter) opens beside them. Each round: the bare
scatter's `epochs` slider pressed alone (key press to redrawn, as bench_redraw.py times it: script idle,
its chart new, quiet, first paint), then every one of the N sessions presses → on the player's η control at
the same moment (← at the last rate): each page's time from its keydown to the first paint after its
player's data-rate changed and its chart's moving traces hold the new run (bench_redraw.py's η timing).
Each page's time is divided by the bare scatter's in the same round: alone, and (like with like) the
median of N bare scatter pages pressed together in that round, since the N pages share this machine's
cores. The server's CPU (its process, all threads, /proc/<pid>/stat) is read before each burst and 1.5 s
after it (the η listeners report after 400 ms at rest), less its CPU over an idle window as long: the
server's work per η press, expected ~0.
With --eta-candidate, every page's player gets bench_redraw.py's candidate change (ONE_ANIMATE: the run's
curves and moving traces in one Plotly.animate instead of Plotly.update then Plotly.animate).

Memory: every session here trains its own settings, so (peak − idle) / N counts the shared caches'
growth (bounded in bytes) as well as the sessions themselves; --same-settings measures a
session with the caches already filled. CPU: the report splits each phase's CPU time into the server's,
Chromium's and the whole machine's; on this 2-core machine Chromium, not the server, is what saturates it while
20 pages load.

Bounded: everything stops after --timeout seconds (240 by default; the burst rounds are skipped when time
runs short and a timeout still reports what was measured); only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from logreg.app.budget import PAGE_BUDGET_S  # noqa: E402
from logreg.app.cached import CACHE_BYTES, MEMORY_BYTES  # noqa: E402
from logreg.plot_parts import MAX_FRAMES  # noqa: E402
from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

VIEWPORT = {"width": 1400, "height": 900}
LIMITS_MB = {"690 MB": 690e6, "2.7 GB": 2.7e9}
MIB = 1024 * 1024
TIMEOUT_MS = 60_000

# Records key presses and Streamlit's script state in the page, on the page's own clock.
INSTRUMENT = """
window.__bench = {keys: [], states: []};
document.addEventListener('keydown', () => window.__bench.keys.push(performance.now()), true);
const watch = () => {
  const seen = new WeakSet();
  const record = el => window.__bench.states.push(
      {t: performance.now(), s: el.getAttribute('data-test-script-state')});
  new MutationObserver(list => {
    for (const m of list) if (m.attributeName === 'data-test-script-state') record(m.target);
  }).observe(document.documentElement, {subtree: true, attributes: true,
                                        attributeFilter: ['data-test-script-state']});
};
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch); else watch();
"""
# The rerun that followed the last key press: press → a state other than notRunning → notRunning.
# A fast rerun (a cache hit) can start and finish between two renders, so that the page never shows
# 'running': then the rerun counts as done when the chart has the expected number of frames and the
# script is not running (timed when this poll sees it, up to 50 ms late).
RERUN_DONE = """(expectFrames) => {
  const b = window.__bench, k = b.keys[b.keys.length - 1];
  if (k === undefined) return null;
  const after = b.states.filter(x => x.t >= k);
  const start = after.findIndex(x => x.s !== 'notRunning');
  if (start >= 0) {
    const end = after.slice(start).find(x => x.s === 'notRunning');
    return end ? [end.t - k, after[start].t - k] : null;
  }
  const app = document.querySelector("[data-testid='stApp']");
  const gd = document.querySelector(".lr-chart.js-plotly-plot");
  const frames = gd && gd._transitionData && gd._transitionData._frames ? gd._transitionData._frames.length : -1;
  if (app && app.getAttribute('data-test-script-state') === 'notRunning' && frames === expectFrames) {
    const t = performance.now() - k;
    return [t, t];
  }
  return null;
}"""
MAIN = "document.querySelector('.lr-chart.js-plotly-plot')"
EPOCHS = "[data-testid='stSlider'] input[type='range'][aria-label='epochs']"


# ---------------------------------------------------------------- server and memory
def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def rss_bytes(pid: int) -> int:
    total = 0
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total


TICK = os.sysconf("SC_CLK_TCK")


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process (all its threads)."""
    out = {}
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[p] = (int(fields[11]) + int(fields[12])) / TICK
        except (OSError, IndexError, ValueError):
            pass
    return out


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent not idle, summed over its cores (other users' work included)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / TICK


class Sampler(threading.Thread):
    """The server's RSS every 0.2 s, tagged with the phase the benchmark is in, and CPU time per phase:
    the server's, Chromium's (this script's other child processes) and the whole machine's."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.phase, self.samples = pid, "start", []
        self.cpu: dict[str, list[float]] = {}  # phase -> [server CPU s, browser CPU s, machine busy CPU s, wall s]
        self._halt = threading.Event()

    def _read(self) -> tuple[float, dict[int, float], dict[int, float], float]:
        server = descendants(self.pid)
        ours = set(descendants(os.getpid())) - set(server) - {os.getpid()}
        return time.monotonic(), cpu_by_pid(server), cpu_by_pid(sorted(ours)), machine_busy_seconds()

    def run(self) -> None:
        last = self._read()
        while not self._halt.is_set():
            phase = self.phase
            now = self._read()
            self.samples.append((now[0], phase, rss_bytes(self.pid)))
            acc = self.cpu.setdefault(phase, [0.0, 0.0, 0.0, 0.0])
            for i, k in ((0, 1), (1, 2)):  # per process, so that exited renderers do not count negative
                acc[i] += sum(max(v - last[k].get(p, 0.0), 0.0) for p, v in now[k].items())
            acc[2] += now[3] - last[3]
            acc[3] += now[0] - last[0]
            last = now
            self._halt.wait(0.2)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)

    def now(self) -> int:
        return rss_bytes(self.pid)

    def peak(self, *phases: str) -> int:
        return max((r for _, p, r in self.samples if p in phases), default=0)


# ---------------------------------------------------------------- browser work
async def wait_app(page, timeout: int = TIMEOUT_MS) -> None:
    """Streamlit's e2e protocol: a short sleep, connected, script not running, no skeleton."""
    await page.wait_for_timeout(200)
    await page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    await page.wait_for_selector("[data-testid='stSkeleton']", state="detached", timeout=timeout)


async def open_app(page, base: str, query: str = "") -> None:
    await page.goto(f"{base}/{query}", wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    await wait_app(page)
    await page.locator(".lr-chart.js-plotly-plot").first.wait_for(state="visible", timeout=TIMEOUT_MS)


STARTS: dict[str, list[float]] = {}  # per kind of press: key press → the script state leaves notRunning


async def press_and_time(page, tag: str, key: str = "ArrowRight") -> float:
    """Move the epochs slider one step; milliseconds until the rerun it caused has finished."""
    slider = page.locator(EPOCHS)
    epochs = int(await slider.get_attribute("aria-valuetext"))
    expect = min(epochs + 2 if key == "ArrowRight" else epochs, MAX_FRAMES)  # frames of epochs 0..epochs+1, thinned
    await slider.focus()
    await slider.press(key)
    handle = await page.wait_for_function(RERUN_DONE, arg=expect, timeout=TIMEOUT_MS, polling=50)
    total, start = await handle.json_value()
    STARTS.setdefault(tag, []).append(float(start))
    await wait_app(page)
    return float(total)


async def exceptions(page) -> int:
    return await page.locator("[data-testid='stException']").count()


async def one_session(i: int, page, base: str, epochs: int) -> dict:
    """A student: open the app, move a slider, press Play; report what worked."""
    result = {"session": i, "ok": False}
    step = "open"
    try:
        t0 = time.monotonic()
        await open_app(page, base, f"?epochs={epochs}")
        result["load_s"] = round(time.monotonic() - t0, 2)
        step = "slider"
        result["rerun_ms"] = round(await press_and_time(page, "load"), 1)
        step = "url"
        await page.wait_for_function(
            f"() => new URLSearchParams(location.search).get('epochs') === '{epochs + 1}'", timeout=TIMEOUT_MS
        )
        frames = await page.evaluate(f"() => {MAIN}._transitionData._frames.length")
        step = "play"  # the new run plays by itself; the player's Pause stops it
        await page.wait_for_function(
            "() => Number(document.querySelector('.lr-player').dataset.frame) > 0", timeout=TIMEOUT_MS
        )
        await page.get_by_role("button", name="Pause", exact=True).click(timeout=TIMEOUT_MS)
        result["frames"] = frames
        result["exceptions"] = await exceptions(page)
        result["ok"] = frames == min(epochs + 2, MAX_FRAMES) and result["exceptions"] == 0
    except Exception as exc:  # a benchmark reports failures instead of stopping
        result["error"] = f"at {step}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    return result


async def new_page(browser):
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(INSTRUMENT)
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return context, page


def nan_median(values) -> float:
    return statistics.median(values) if values else float("nan")


async def measure(args, base: str, sampler: Sampler, out: dict, deadline: float) -> None:
    """Fill `out` phase by phase, so that a timeout still leaves what was measured."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
        try:
            await warm_up(browser, base, sampler, out)

            # One viewer alone changes the slider several times.
            sampler.phase = "alone"
            context, page = await new_page(browser)
            await open_app(page, base, "?epochs=120")
            out["rerun_alone_ms"] = []
            for _ in range(args.presses):
                out["rerun_alone_ms"].append(round(await press_and_time(page, "alone"), 1))
            await context.close()
            await asyncio.sleep(2)

            # N viewers at once.
            sampler.phase = "load"
            opened = [await new_page(browser) for _ in range(args.sessions)]
            t0 = time.monotonic()
            epochs = [100 if args.same_settings else 100 + 7 * i for i in range(args.sessions)]
            out["sessions"] = await asyncio.gather(
                *(one_session(i, page, base, epochs[i]) for i, (_, page) in enumerate(opened))
            )
            out["load_wall_s"] = round(time.monotonic() - t0, 2)

            # One change while the others are connected, then all N change together.
            sampler.phase = "under_load"
            live = [page for (_, page), s in zip(opened, out["sessions"]) if s["ok"]]
            out["rerun_one_of_n_ms"] = []
            for _ in range(args.presses if live else 0):
                out["rerun_one_of_n_ms"].append(round(await press_and_time(live[0], "one_of_n"), 1))
            await bursts(args, live, out, deadline)
            out["exceptions_after"] = sum([await exceptions(page) for page in live])

            sampler.phase = "closing"
            for context, _ in opened:
                await context.close()
        finally:
            await browser.close()
    sampler.phase = "after"
    await asyncio.sleep(args.settle)
    out["rss_after"] = sampler.now()


async def warm_up(browser, base: str, sampler: Sampler, out: dict) -> None:
    """The RSS before any viewer, the first two viewers' time to the chart, then the RSS idle and warm."""
    out["rss_cold_idle"] = sampler.now()
    # Warm-up: the first viewer pays for imports and fills the shared caches.
    sampler.phase = "warmup"
    context, page = await new_page(browser)
    start = time.monotonic()
    await open_app(page, base)
    out["first_chart_cold_s"] = round(time.monotonic() - start, 2)  # imports and empty caches
    await context.close()
    context, page = await new_page(browser)
    start = time.monotonic()
    await open_app(page, base)
    out["first_chart_s"] = round(time.monotonic() - start, 2)  # the next student, caches warm
    await context.close()
    await asyncio.sleep(3)
    sampler.phase = "idle"
    await asyncio.sleep(1)
    out["rss_warm_idle"] = sampler.now()


async def bursts(args, live: list, out: dict, deadline: float) -> None:
    """Every live session changes the slider at once, args.rounds times (fewer when the deadline nears)."""
    out["rerun_burst_ms"], out["burst_failures"], out["burst_rounds"] = [], [], 0
    for _ in range(args.rounds):
        if time.monotonic() > deadline - 60:  # leave time to close and report
            out["burst_rounds_skipped"] = args.rounds - out["burst_rounds"]
            break
        times = await asyncio.gather(*(press_and_time(page, "burst") for page in live), return_exceptions=True)
        out["rerun_burst_ms"] += [round(t, 1) for t in times if isinstance(t, float)]
        out["burst_failures"] += [
            f"{type(t).__name__}: {str(t).splitlines()[0][:200]}" for t in times if not isinstance(t, float)
        ]
        out["burst_rounds"] += 1


# ---------------------------------------------------------------- report
def summarise(args, raw: dict, sampler: Sampler, complete: bool) -> dict:
    n = args.sessions
    idle = raw.get("rss_warm_idle", 0)
    peak = sampler.peak("load", "under_load", "closing")
    per_session = max(peak - idle, 0) / n if peak else 0.0
    ok = [s for s in raw.get("sessions", []) if s["ok"]]
    alone = nan_median(raw.get("rerun_alone_ms"))
    burst = nan_median(raw.get("rerun_burst_ms"))
    # the caches can grow to the whole memory budget whatever the sessions do (distinct links, uploads): it is set
    # aside first, and each session's own share, measured here with the caches' growth in it, comes on top
    room = {name: limit - idle - MEMORY_BYTES for name, limit in LIMITS_MB.items()}
    fit = {name: (max(int(r // per_session), 0) if per_session > 0 else None) for name, r in room.items()}
    return {
        "sessions": n,
        "complete": complete,
        "all_ok": complete and len(ok) == n and raw.get("exceptions_after") == 0 and not raw.get("burst_failures"),
        "sessions_ok": len(ok),
        "rss_cold_idle_mib": raw.get("rss_cold_idle", 0) / MIB,
        "rss_warm_idle_mib": idle / MIB,
        "first_chart_cold_s": raw.get("first_chart_cold_s", float("nan")),
        "first_chart_s": raw.get("first_chart_s", float("nan")),
        "rss_peak_mib": peak / MIB,
        "rss_after_mib": raw.get("rss_after", 0) / MIB,
        "rss_per_session_mib": per_session / MIB,
        "rerun_alone_ms": alone,
        "rerun_one_of_n_ms": nan_median(raw.get("rerun_one_of_n_ms")),
        "rerun_under_load_ms": burst,
        "ratio": burst / alone if alone else float("nan"),
        "fit": fit,
        "budget_page_cpu_s": PAGE_BUDGET_S,
        "budget_cache_mib": CACHE_BYTES / MIB,
        "budget_memory_mib": MEMORY_BYTES / MIB,
        "rerun_start_ms": {k: statistics.median(v) for k, v in STARTS.items()},
        "cpu_by_phase": {
            k: {
                "wall_s": round(v[3], 1),
                "server_cpu_s": round(v[0], 1),
                "browser_cpu_s": round(v[1], 1),
                "machine_busy_cpu_s": round(v[2], 1),
            }
            for k, v in sampler.cpu.items()
        },
        # Server CPU per script run in the phases where the runs are counted exactly: every press and page
        # load is one run (a cache miss: each uses new settings unless --same-settings).
        "server_cpu_per_run_ms": {
            phase: round(1000 * sampler.cpu[phase][0] / runs, 1)
            for phase, runs in (
                ("alone", 1 + len(raw.get("rerun_alone_ms", []))),
                ("load", 2 * len(ok)),
                ("under_load", len(raw.get("rerun_one_of_n_ms", [])) + len(raw.get("rerun_burst_ms", []))),
            )
            if phase in sampler.cpu and runs
        },
        "load_wall_s": raw.get("load_wall_s"),
        "load_s_median": round(statistics.median([s["load_s"] for s in ok]), 1) if ok else None,
    }


def print_report(summary: dict, raw: dict) -> None:
    cols = [
        ("sessions", f"{summary['sessions']}"),
        (
            "all ok",
            "yes"
            if summary["all_ok"]
            else f"NO ({summary['sessions_ok']} ok{'' if summary['complete'] else ', timed out'})",
        ),
        ("peak RSS MiB", f"{summary['rss_peak_mib']:.0f}"),
        ("RSS/session MiB", f"{summary['rss_per_session_mib']:.1f}"),
        ("rerun alone ms", f"{summary['rerun_alone_ms']:.0f}"),
        ("rerun under load ms", f"{summary['rerun_under_load_ms']:.0f}"),
        ("ratio", f"{summary['ratio']:.1f}×"),
        ("fit 690 MB", f"{summary['fit']['690 MB']}"),
        ("fit 2.7 GB", f"{summary['fit']['2.7 GB']}"),
    ]
    widths = [max(len(h), len(v)) for h, v in cols]
    print(" | ".join(h.rjust(w) for (h, _), w in zip(cols, widths)))
    print("-|-".join("-" * w for w in widths))
    print(" | ".join(v.rjust(w) for (_, v), w in zip(cols, widths)))
    print()
    print_memory_and_time(summary, raw)
    for s in raw.get("sessions", []):
        if not s["ok"]:
            print(f"  session {s['session']} FAILED: {s.get('error') or s}")
    for failure in raw.get("burst_failures", []):
        print(f"  a rerun in a burst FAILED: {failure}")
    print(f"CPU seconds per phase ({os.cpu_count()} cores; 'machine' includes anything else running here):")
    print(f"  {'phase':<11} {'wall':>6} {'server':>7} {'Chromium':>9} {'machine':>8}")
    for phase, c in summary["cpu_by_phase"].items():
        print(
            f"  {phase:<11} {c['wall_s']:>6.1f} {c['server_cpu_s']:>7.1f} {c['browser_cpu_s']:>9.1f} "
            f"{c['machine_busy_cpu_s']:>8.1f}"
        )
    print("note: browser and server share this machine's cores; under-load times are pessimistic.")


def print_memory_and_time(summary: dict, raw: dict) -> None:
    """The server's memory, the reruns' times and CPU, and the budgets they are held to."""
    print(
        f"server RSS: {summary['rss_cold_idle_mib']:.0f} MiB before any viewer, {summary['rss_warm_idle_mib']:.0f} "
        f"MiB idle after one warm-up viewer, {summary['rss_peak_mib']:.0f} MiB peak with "
        f"{summary['sessions']} sessions, {summary['rss_after_mib']:.0f} MiB after they closed"
    )
    print(
        f"rerun (key press → script done), median: alone {summary['rerun_alone_ms']:.0f} ms "
        f"{raw.get('rerun_alone_ms')}; one change while {summary['sessions'] - 1} others are connected "
        f"{summary['rerun_one_of_n_ms']:.0f} ms; all {summary['sessions_ok']} changing at once "
        f"{summary['rerun_under_load_ms']:.0f} ms (max {max(raw.get('rerun_burst_ms') or [float('nan')]):.0f} ms)"
    )
    starts = ", ".join(f"{k} {v:.0f} ms" for k, v in summary["rerun_start_ms"].items())
    print(f"of which key press → script started (the slider's own delay in the browser), median: {starts}")
    per_run = ", ".join(f"{k} {v:.0f} ms" for k, v in summary["server_cpu_per_run_ms"].items())
    print(f"server CPU per script run (what a burst of N changes costs the one Python process): {per_run}")
    print(
        f"opening {summary['sessions']} sessions at once took {summary['load_wall_s']} s "
        f"(median {summary['load_s_median']} s per session until its chart was drawn)"
    )
    worst = max(summary["server_cpu_per_run_ms"].values(), default=float("nan"))
    print(
        f"budgets: every page's server work is planned to fit {PAGE_BUDGET_S:g} s of CPU (worst phase here: "
        f"{worst / 1000:.2f} s per script run); the server may grow {MEMORY_BYTES / MIB:.0f} MiB beyond warm, "
        f"the shared caches {CACHE_BYTES / MIB:.0f} MiB of it "
        f"(peak − warm idle here: {summary['rss_peak_mib'] - summary['rss_warm_idle_mib']:.0f} MiB)"
    )
    print(
        f"sessions that fit: (limit − warm idle − the {MEMORY_BYTES / MIB:.0f} MiB memory budget) / RSS per session; "
        f"690 MB → {summary['fit']['690 MB']}, 2.7 GB → {summary['fit']['2.7 GB']}"
    )


# ---------------------------------------------------------------- --eta: every session switches η in the browser
ETA_SETTLE_S = 1.5  # after a burst: the η listeners report once η has rested 400 ms


def process_cpu_s(pid: int) -> float:
    return sum(cpu_by_pid(descendants(pid)).values())


async def redraw_page(browser, url: str, patch: str | None = None):
    """A page with bench_redraw.py's instrumentation (key press to redrawn on the page's clock)."""
    from bench_redraw import INSTRUMENT as REDRAW

    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(REDRAW)
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    await page.goto(url, wait_until="domcontentloaded")
    await wait_app(page)
    await page.wait_for_function(
        "() => window.__rdCharts().length > 0 && window.__rdCharts().every(g => g._fullLayout)", timeout=TIMEOUT_MS
    )
    await page.wait_for_timeout(300)
    if patch:
        await page.wait_for_function("() => window.__lrPlayer && window.__lrPlayer.family", timeout=TIMEOUT_MS)
        await page.evaluate(patch)
    return context, page


async def press_eta(page) -> dict:
    """→ on the player's η (← at the last rate); bench_redraw.py's η timing of what followed."""
    from bench_redraw import ETA

    eta = page.locator(ETA)
    value, top = int(await eta.input_value()), int(await eta.get_attribute("max"))
    before = await page.evaluate("() => document.querySelector('.st-key-animation .lr-player').dataset.rate ?? ''")
    await eta.focus()
    await eta.press("ArrowLeft" if value >= top else "ArrowRight")
    handle = await page.wait_for_function(
        "(before) => window.__rdEtaDone(before)", arg=before, polling=20, timeout=TIMEOUT_MS
    )
    result = await handle.json_value()
    if int(await eta.input_value()) == value:
        raise RuntimeError(f"η stayed at index {value}")
    return result


async def press_bare(page) -> dict:
    """The bare scatter's epochs slider, one step; bench_redraw.py's timing (script idle, chart new, quiet)."""
    slider = page.locator(EPOCHS)
    await slider.focus()
    await slider.press("ArrowRight")
    handle = await page.wait_for_function(
        "([q, p, n]) => window.__rdDone(q, p, n)", arg=[300, False, 1], polling=50, timeout=TIMEOUT_MS
    )
    return await handle.json_value()


async def measure_eta(args, app: str, bare: str, pid: int, out: dict) -> None:
    from bench_redraw import ONE_ANIMATE
    from playwright.async_api import async_playwright

    patch = ONE_ANIMATE if args.eta_candidate else None
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
        try:
            opened = []
            for _ in range(args.sessions):  # one at a time: opening is not what is measured here
                opened.append(await redraw_page(browser, f"{app}/?autoplay=off", patch))
            bares = [await redraw_page(browser, f"{bare}/?mode=scatter") for _ in range(args.sessions)]
            bare_page = bares[0][1]
            pages = [page for _, page in opened]
            await asyncio.gather(*(press_bare(page) for _, page in bares))  # warm-up: code paths, first Plotly calls
            await asyncio.gather(*(press_eta(page) for page in pages))
            out["alone_ms"], out["bare_ms"], out["together_ms"], out["rounds"] = [], [], [], []
            for _ in range(args.rounds):
                await eta_round(bare_page, pages, bares, pid, out)
            out["exceptions"] = sum([await exceptions(page) for page in pages])
            for context, _ in opened:
                await context.close()
            for context, _ in bares:
                await context.close()
        finally:
            await browser.close()


async def eta_round(bare_page, pages: list, bares: list, pid: int, out: dict) -> None:
    """One round: the bare scatter alone, one η press alone, every page's η press together (with the server's
    CPU for them against as long idle), then every bare scatter pressed together."""
    await asyncio.sleep(1)
    bare_ms = (await press_bare(bare_page))["ms"]
    await asyncio.sleep(0.5)
    alone = await press_eta(pages[0])
    await asyncio.sleep(1)
    t0, c0 = time.monotonic(), process_cpu_s(pid)
    done = await asyncio.gather(*(press_eta(page) for page in pages), return_exceptions=True)
    await asyncio.sleep(ETA_SETTLE_S)
    t1, c1 = time.monotonic(), process_cpu_s(pid)
    await asyncio.sleep(t1 - t0)  # the server idle as long: what it spends doing nothing
    idle = process_cpu_s(pid) - c1
    bare_together = [r["ms"] for r in await asyncio.gather(*(press_bare(page) for _, page in bares))]
    times = [r["ms"] for r in done if isinstance(r, dict)]
    failures = [f"{type(r).__name__}: {str(r).splitlines()[0][:200]}" for r in done if not isinstance(r, dict)]
    reruns = sum(bool(r["ran"]) for r in done if isinstance(r, dict))
    sent = sum(r["bytes"] for r in done if isinstance(r, dict))
    out["bare_ms"].append(bare_ms)
    out["alone_ms"].append(alone["ms"])
    out["together_ms"] += times
    out["rounds"].append(
        {
            "bare_ms": bare_ms,
            "alone_ms": alone["ms"],
            "ms": times,
            "ratios": [t / bare_ms for t in times],
            "bare_together_ms": bare_together,
            "ratios_together": [t / statistics.median(bare_together) for t in times],
            "failures": failures,
            "reruns": reruns,
            "bytes": sent,
            "server_cpu_s": c1 - c0,
            "idle_cpu_s": idle,
            "wall_s": t1 - t0,
            "presses": len(pages),
        }
    )


def eta_report(args, raw: dict) -> dict:
    rounds = raw.get("rounds", [])
    ratios = [q for r in rounds for q in r["ratios"]]
    presses = sum(r["presses"] for r in rounds)
    cpu = sum(r["server_cpu_s"] for r in rounds)
    idle = sum(r["idle_cpu_s"] for r in rounds)
    summary = {
        "sessions": args.sessions,
        "rounds": len(rounds),
        "bare_ms": nan_median(raw.get("bare_ms")),
        "alone_ms": nan_median(raw.get("alone_ms")),
        "alone_ratio": nan_median([r["alone_ms"] / r["bare_ms"] for r in rounds]),
        "together_ms": nan_median(raw.get("together_ms")),
        "together_max_ms": max(raw.get("together_ms") or [float("nan")]),
        "ratio_median": nan_median(ratios),
        "ratio_max": max(ratios, default=float("nan")),
        "bare_together_ms": nan_median([t for r in rounds for t in r["bare_together_ms"]]),
        "ratio_together_median": nan_median([q for r in rounds for q in r["ratios_together"]]),
        "ratio_together_max": max((q for r in rounds for q in r["ratios_together"]), default=float("nan")),
        "within_025_together": sum(q <= 0.25 for r in rounds for q in r["ratios_together"]),
        "within_025": sum(q <= 0.25 for q in ratios),
        "pages_timed": len(ratios),
        "failures": [f for r in rounds for f in r["failures"]],
        "reruns": sum(r["reruns"] for r in rounds),
        "bytes": sum(r["bytes"] for r in rounds),
        "server_cpu_per_press_ms": 1000 * max(cpu - idle, 0.0) / presses if presses else float("nan"),
        "server_cpu_s": cpu,
        "server_idle_cpu_s": idle,
        "exceptions": raw.get("exceptions"),
    }
    print(
        f"η pressed in the browser by {args.sessions} sessions at once, {len(rounds)} rounds"
        f"{' (players patched: bench_redraw.ONE_ANIMATE)' if args.eta_candidate else ''} "
        f"(each time: keydown → first paint after the rate changed and the moving traces hold the new run)"
    )
    print(f"  bare scatter redraw, alone, each round: {[round(r['bare_ms']) for r in rounds]} ms")
    print(
        f"  one η press alone: median {summary['alone_ms']:.0f} ms = {summary['alone_ratio']:.2f}× the bare "
        f"scatter of its round"
    )
    print_eta_rounds(args, rounds, summary, cpu, idle, presses)
    for f in summary["failures"]:
        print(f"  a press FAILED: {f}")
    return summary


def print_eta_rounds(args, rounds: list, summary: dict, cpu: float, idle: float, presses: int) -> None:
    """Each round's times against its bare scatter, then every page's, like with like, and the server's CPU."""
    for i, r in enumerate(rounds):
        times = f"median {nan_median(r['ms']):.0f} ms, max {max(r['ms'] or [0]):.0f} ms"
        ratios = f"{nan_median(r['ratios']):.2f}× / {max(r['ratios'] or [0]):.2f}×"
        server = f"{1000 * r['server_cpu_s']:.0f} ms in {r['wall_s']:.1f} s"
        print(
            f"  round {i + 1}: {len(r['ms'])} pages, {times} = {ratios} the bare scatter ({r['bare_ms']:.0f} ms); "
            f"reruns {r['reruns']}, {r['bytes'] / 1024:.1f} KiB received; server CPU {server} "
            f"(idle as long: {1000 * r['idle_cpu_s']:.0f} ms); {len(r['bare_together_ms'])} bare scatters pressed "
            f"together: median {nan_median(r['bare_together_ms']):.0f} ms"
        )
    print(
        f"  every page of every round: median {summary['together_ms']:.0f} ms, max {summary['together_max_ms']:.0f} "
        f"ms; ratio to the bare scatter median {summary['ratio_median']:.2f}×, max {summary['ratio_max']:.2f}×; "
        f"{summary['within_025']} of {summary['pages_timed']} within 0.25×"
    )
    print(
        f"  like with like: to the median of the {args.sessions} bare scatters pressed together in the same round "
        f"(median {summary['bare_together_ms']:.0f} ms): median {summary['ratio_together_median']:.2f}×, max "
        f"{summary['ratio_together_max']:.2f}×; {summary['within_025_together']} of {summary['pages_timed']} within "
        f"0.25×"
    )
    print(
        f"  server CPU per η press: {summary['server_cpu_per_press_ms']:.1f} ms ({1000 * cpu:.0f} ms over "
        f"{presses} presses, less {1000 * idle:.0f} ms idle over as long); reruns {summary['reruns']}; "
        f"exceptions on the pages {summary['exceptions']}"
    )


def eta_main(args) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_redraw's instrumentation
    started = time.monotonic()
    raw: dict = {}
    complete = False
    with tempfile.TemporaryDirectory() as tmp:
        proc, app = start_server(Path(tmp) / "server.log")
        bare_proc, bare = start_server(Path(tmp) / "bare.log", script="benchmarks/bare_redraw.py")
        try:
            asyncio.run(asyncio.wait_for(measure_eta(args, app, bare, proc.pid, raw), args.timeout))
            complete = True
        except TimeoutError:
            print(f"timed out after {args.timeout:.0f} s: the results below are partial", file=sys.stderr)
        finally:
            stop_server(proc)
            stop_server(bare_proc)
    summary = eta_report(args, raw)
    summary["complete"] = complete
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                    "mode": "eta",
                    "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                    "summary": summary,
                    "raw": raw,
                    "wall_s": round(time.monotonic() - started, 1),
                },
                indent=1,
                default=float,
            )
        )
    ok = complete and not summary["failures"] and not summary["exceptions"]
    return 0 if ok else 1


def parse_args() -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="browser contexts opened at once (default 20)")
    parser.add_argument("--presses", type=int, default=5, help="slider changes timed alone (default 5)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of all sessions changing at once (default 2)")
    parser.add_argument(
        "--same-settings",
        action="store_true",
        help="every session opens the same settings (cache hits: the memory of a session alone)",
    )
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait before the 'after' RSS")
    parser.add_argument("--timeout", type=float, default=240.0, help="hard limit for the whole run, seconds")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--eta", action="store_true", help="only: N sessions press → on the player's η together (see above)"
    )
    parser.add_argument(
        "--eta-candidate", action="store_true", help="with --eta: the players patched with bench_redraw's ONE_ANIMATE"
    )
    args = parser.parse_args()
    if args.sessions < 1:
        parser.error("--sessions must be at least 1")
    return args


def main() -> int:
    args = parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    if args.eta:
        return eta_main(args)

    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(Path(tmp) / "server.log")

        def hard_stop() -> None:  # last resort if asyncio's own timeout cannot fire
            print(f"hard timeout: stopping after {args.timeout + 30:.0f} s", file=sys.stderr)
            stop_server(proc)
            os._exit(3)

        watchdog = threading.Timer(args.timeout + 30, hard_stop)
        watchdog.daemon = True
        watchdog.start()
        sampler = Sampler(proc.pid)
        sampler.start()
        raw: dict = {}
        complete = False
        budget = args.timeout - (time.monotonic() - started)
        try:
            asyncio.run(asyncio.wait_for(measure(args, base, sampler, raw, time.monotonic() + budget), budget))
            complete = True
        except TimeoutError:
            print(f"timed out after {args.timeout:.0f} s: the results below are partial", file=sys.stderr)
        finally:
            sampler.stop()
            watchdog.cancel()
            stop_server(proc)
            if proc.returncode not in (0, -signal.SIGTERM):
                print(Path(tmp, "server.log").read_text(errors="replace")[-2000:], file=sys.stderr)
    summary = summarise(args, raw, sampler, complete)
    print_report(summary, raw)
    if args.json:
        write_json(args, summary, raw, started, sampler)
    return 0 if summary["all_ok"] else 1


def write_json(args, summary: dict, raw: dict, started: float, sampler: Sampler) -> None:
    """Everything measured, with the machine and the arguments, to args.json."""
    args.json.write_text(
        json.dumps(
            {
                "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                "summary": summary,
                "raw": raw,
                "wall_s": round(time.monotonic() - started, 1),
                "rss_samples": [(round(t - sampler.samples[0][0], 2), p, r) for t, p, r in sampler.samples],
            },
            indent=1,
            default=float,
        )
    )
    print(f"wrote {args.json}")


if __name__ == "__main__":
    sys.exit(main())
