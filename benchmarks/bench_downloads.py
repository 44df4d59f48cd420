"""What a download costs the server: ten clicks on every download button against one, in a real browser.

Starts `streamlit run app.py` on a free loopback port and Debian's Chromium (/usr/bin/chromium). Each trial
opens a new session on settings of its own (`?seed=<k>`, so its files are new to the server), waits until the
page is drawn, then clicks every download button (History, Dataset, Animation) once, or ten times, waiting for
each file to arrive. Per trial it records, from /proc, the server's RSS just before the clicks and 2 s after
the last one, and the server's CPU time from the first click to then (each click: the file made, stored and
sent, gzipped by the server). Trials alternate one / ten for --rounds rounds; the
report gives the medians side by side.

    python3 benchmarks/bench_downloads.py                     # 3 rounds, about two minutes on 2 cores
    python3 benchmarks/bench_downloads.py --rounds 5 --clicks 20
    python3 benchmarks/bench_downloads.py --app-dir /tmp/old  # another copy of the app (e.g. `git archive`)

Only 127.0.0.1 is contacted; everything stops after --timeout seconds.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_load import cpu_by_pid, descendants, rss_bytes  # noqa: E402

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

MIB = 2**20
BUTTONS = ("History (CSV)", "Dataset (CSV)", "Animation (HTML, plays offline)")
TIMEOUT_MS = 60_000
SETTLE_S = 2.0


def server_cpu(pid: int) -> float:
    return sum(cpu_by_pid(descendants(pid)).values())


def wait_ready(page) -> None:
    """Streamlit's e2e protocol (DESIGN.md section 3), then the player's chart drawn."""
    page.wait_for_timeout(200)
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.wait_for_selector("[data-testid='stSkeleton']", state="detached")
    page.wait_for_selector(".lr-chart.js-plotly-plot")


def open_downloads(page) -> None:
    """Open the fold that holds the download buttons, where the page has one."""
    buttons = page.locator("[data-testid='stDownloadButton'] button")
    if buttons.count() == 0:
        page.locator("[data-testid='stExpander'] summary", has_text="Downloads").click()
        buttons.first.wait_for(state="visible")
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")


def trial(browser, url: str, pid: int, seed: int, clicks: int) -> dict:
    """A new session on ?seed=<seed>; every download button clicked `clicks` times."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{url}/?seed={seed}&autoplay=off", wait_until="domcontentloaded")
        wait_ready(page)
        open_downloads(page)
        time.sleep(SETTLE_S)
        rss0, cpu0, t0 = rss_bytes(pid), server_cpu(pid), time.monotonic()
        sent = 0
        for label in BUTTONS:
            button = page.locator("[data-testid='stDownloadButton'] button", has_text=label)
            for _ in range(clicks):
                # the file's response, not Chromium's download event: Chromium lets some rapid downloads pass
                # without one, although the server made and sent the file
                with page.expect_response(lambda r: "/media/" in r.url) as response:
                    button.click()
                sent += int(response.value.headers.get("content-length", 0))
        wall = time.monotonic() - t0
        time.sleep(SETTLE_S)  # the last file's bytes leave; the server's CPU is read after them
        cpu = server_cpu(pid) - cpu0
        return {"rss_before": rss0, "rss_after": rss_bytes(pid), "cpu": cpu, "wall": wall, "bytes": sent}
    finally:
        context.close()


def measure(args) -> tuple[dict[int, list[dict]], dict]:
    from playwright.sync_api import sync_playwright

    results: dict[int, list[dict]] = {1: [], args.clicks: []}
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp) / "server.log", cwd=args.app_dir)
        try:
            server = {"idle": rss_bytes(proc.pid)}
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
                trial(browser, url, proc.pid, 9000, 1)  # warm-up: imports, caches, plotly.js read once
                server["warm"] = rss_bytes(proc.pid)
                for r in range(args.rounds):
                    for clicks in (1, args.clicks):
                        seed = 100 + 2 * r + (clicks != 1)
                        results[clicks].append(trial(browser, url, proc.pid, seed, clicks))
                        print(f"  round {r + 1}, {clicks} click(s) each: {summary_line(results[clicks][-1])}")
                browser.close()
            server["end"] = rss_bytes(proc.pid)
        finally:
            stop_server(proc)
    return results, server


def summary_line(t: dict) -> str:
    before, after = t["rss_before"] / MIB, t["rss_after"] / MIB
    return f"RSS {before:.0f} → {after:.0f} MiB ({after - before:+.1f}), server CPU {t['cpu']:.2f} s"


def report(args, results: dict[int, list[dict]], server: dict) -> None:
    def med(trials: list[dict], f) -> float:
        return statistics.median(f(t) for t in trials)

    one, ten = results[1], results[args.clicks]
    rows = [
        ("server RSS growth over the clicks, MiB", lambda t: (t["rss_after"] - t["rss_before"]) / MIB, "{:.1f}"),
        ("server RSS after the clicks, MiB", lambda t: t["rss_after"] / MIB, "{:.0f}"),
        ("server CPU over the clicks, s", lambda t: t["cpu"], "{:.2f}"),
        ("wall time of the clicks, s", lambda t: t["wall"], "{:.1f}"),
        ("bytes sent (gzipped), MiB", lambda t: t["bytes"] / MIB, "{:.1f}"),
    ]
    print(f"\napp: {args.app_dir}; {args.rounds} rounds, medians; the buttons: {', '.join(BUTTONS)}")
    print(
        f"server RSS: {server['idle'] / MIB:.0f} MiB idle, {server['warm'] / MIB:.0f} MiB warm, "
        f"{server['end'] / MIB:.0f} MiB at the end"
    )
    head = f"{'every button clicked':<42}{'once':>12}{f'{args.clicks} times':>14}"
    print(head + "\n" + "-" * len(head))
    for name, f, fmt in rows:
        print(f"{name:<42}{fmt.format(med(one, f)):>12}{fmt.format(med(ten, f)):>14}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="trials of each kind (default 3)")
    parser.add_argument("--clicks", type=int, default=10, help="clicks per button in the many-clicks trial")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="the app to serve (default: this project)")
    parser.add_argument("--timeout", type=int, default=900, help="stop after this many seconds (default 900)")
    args = parser.parse_args()

    def expire(signum, frame):
        raise TimeoutError(f"bench_downloads.py ran past --timeout {args.timeout} s")

    signal.signal(signal.SIGALRM, expire)
    signal.alarm(args.timeout)
    results, server = measure(args)
    report(args, results, server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
