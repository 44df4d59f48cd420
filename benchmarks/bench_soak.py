"""Does the server's memory level off? Hundreds of distinct links and dozens of uploads against one real server.

Starts `streamlit run app.py` on a free loopback port, then opens, a few browser contexts at a time in
Debian's Chromium, N distinct share links (learning rate, epochs, n, seed, labels, test fraction, batch and
the open tab all varied) and M distinct CSV uploads (generated here, up to a few MB each). Every page is a
new session that renders its chart and is closed. The server's RSS (its process and children,
/proc/<pid>/status VmRSS) is sampled every 0.5 s throughout, and for --idle seconds after the last page,
long enough for Streamlit to end the closed sessions (server.disconnectedSessionTTL, 120 s by default).

    python benchmarks/bench_soak.py                          # 300 links, 30 uploads: about 15 minutes
    python benchmarks/bench_soak.py --links 40 --uploads 4 --idle 20    # a quick look
    python benchmarks/bench_soak.py --png docs/soak-rss.png  # the plot the README shows (needs matplotlib)

It prints RSS before the first page (idle, imports done), after the first ten pages (the warm baseline:
Streamlit's and Plotly's lazily loaded parts), the peak, at the end, and after the idle wait; and the
growth over the warm baseline against the server's memory budget (cached.MEMORY_BYTES, of which the
caches have CACHE_BYTES). Only 127.0.0.1 is contacted; the run is
bounded by --timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_load import TIMEOUT_MS, new_page, rss_bytes, wait_app  # noqa: E402

from logreg.app.cached import CACHE_BYTES, MEMORY_BYTES  # noqa: E402
from logreg.app.settings import LR_OPTIONS  # noqa: E402
from logreg.ui.link import TABS  # noqa: E402
from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

MIB = 1024 * 1024
UPLOAD = "[data-testid='stFileUploaderDropzoneInput']"
CHART = ".lr-chart.js-plotly-plot"  # the player's chart, once Plotly has drawn it


def links(count: int, seed: int = 0) -> list[str]:
    """`count` distinct share links, from ordinary to the heaviest the controls allow."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out = []
    while len(out) < count:
        q = {
            "lr": rng.choice(LR_OPTIONS),
            "epochs": rng.choice([20, 100, 300, 1000, 5000, rng.randint(1, 5000)]),
            "n": rng.choice([100, 1000, 5000, 20000, 10 * rng.randint(1, 2000)]),
            "seed": rng.randint(0, 9999),
            "labels": rng.choice(["threshold", "logistic"]),
            "test": rng.choice([0, 0, 0.2, 0.5]),
            "batch": rng.choice(["full", "full", "full", "256", "16", "1"]),
            "view": rng.choice(TABS),
        }
        text = "&".join(f"{k}={str(v).replace(' ', '+')}" for k, v in q.items())
        if text not in seen:
            seen.add(text)
            out.append("?" + text)
    return out


def csv_file(folder: Path, i: int, rng: random.Random) -> Path:
    """A distinct CSV: 2,000 to 120,000 rows (up to about 3 MB) of two features and a yes/no label."""
    rows = rng.choice([2000, 10000, 40000, 120000])
    lines = ["height,weight,bought"]
    for _ in range(rows):
        a, b = rng.gauss(170, 10), rng.gauss(70, 12)
        z = 0.1 * (a - 170) - 0.08 * (b - 70) + rng.gauss(0, 1)
        lines.append(f"{a:.3f},{b:.3f},{'yes' if z > 0 else 'no'}")
    path = folder / f"upload{i:03d}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


class Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.samples, self.events = pid, [], []
        self.start_time = time.monotonic()
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.samples.append((time.monotonic() - self.start_time, rss_bytes(self.pid)))
            self._halt.wait(0.5)

    def mark(self, what: str) -> None:
        self.events.append((time.monotonic() - self.start_time, what))

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


async def visit(browser, base: str, query: str, upload: Path | None, results: dict) -> None:
    context, page = await new_page(browser)
    try:
        await page.goto(
            f"{base}/{query if upload is None else '?source=csv'}", wait_until="domcontentloaded", timeout=TIMEOUT_MS
        )
        await wait_app(page)
        if upload is not None:
            await page.locator(UPLOAD).set_input_files(str(upload))
        await page.locator(CHART).first.wait_for(state="visible", timeout=TIMEOUT_MS)
        await wait_app(page)
        failed = await page.locator("[data-testid='stException']").count()
        results["ok" if not failed else "exception"] += 1
    except Exception as exc:  # a benchmark reports failures instead of stopping
        results["failed"] += 1
        results.setdefault("errors", []).append(f"{query or upload}: {type(exc).__name__}: {str(exc)[:160]}")
    finally:
        await context.close()


async def soak(args, base: str, sampler: Sampler, folder: Path) -> dict:
    from playwright.async_api import async_playwright

    rng = random.Random(1)
    jobs: list[tuple[str, Path | None]] = [(q, None) for q in links(args.links)]
    uploads = [csv_file(folder, i, rng) for i in range(args.uploads)]
    every = max(1, len(jobs) // max(1, len(uploads)))
    for i, path in enumerate(uploads):  # uploads spread through the links
        jobs.insert(min(len(jobs), (i + 1) * every + i), ("", path))
    results = {"ok": 0, "exception": 0, "failed": 0}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            sampler.mark("first page")
            queue = list(jobs)
            done = 0

            async def worker() -> None:
                nonlocal done
                while queue and time.monotonic() < args.deadline:
                    query, upload = queue.pop(0)
                    await visit(browser, base, query, upload, results)
                    done += 1
                    if done == 10:
                        sampler.mark("warm")
                    if done % 50 == 0:
                        print(f"  {done} pages, RSS {rss_bytes(sampler.pid) / MIB:.0f} MiB", flush=True)

            await asyncio.gather(*(worker() for _ in range(args.contexts)))
            results["not_run"] = len(queue)
        finally:
            await browser.close()
    sampler.mark("last page")
    return results


def plot(samples, events, png: Path, budget_mib: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = [s for s, _ in samples]
    rss = [r / MIB for _, r in samples]
    marks = dict((what, when) for when, what in events)
    warm = warm_rss(samples, marks) / MIB
    fig, ax = plt.subplots(figsize=(9, 4.2), dpi=110)
    ax.plot(t, rss, color="#1f4e99", lw=1.6, label="server RSS (process and children)")
    ax.axhline(
        warm + budget_mib,
        color="#b23b3b",
        ls="--",
        lw=1.2,
        label=f"warm baseline + the memory budget ({budget_mib:.0f} MiB)",
    )
    ax.axhline(warm, color="#777777", ls=":", lw=1.2, label=f"warm baseline ({warm:.0f} MiB)")
    if "last page" in marks:
        ax.axvspan(marks["last page"], t[-1], color="#eeeeee", label="idle: no page open")
    ax.set_xlabel("seconds since the server started")
    ax.set_ylabel("MiB")
    ax.set_ylim(0, max(max(rss), warm + budget_mib) * 1.1)
    ax.set_title("One server, hundreds of distinct links and uploads, one after another")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png)


def warm_rss(samples, marks: dict) -> int:
    at = marks.get("warm", marks.get("first page", 0.0))
    after = [r for s, r in samples if s >= at]
    return after[0] if after else samples[-1][1]


def parse_args() -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=300)
    parser.add_argument("--uploads", type=int, default=30)
    parser.add_argument("--contexts", type=int, default=3, help="pages open at once (default 3: spare the cores)")
    parser.add_argument("--idle", type=float, default=150.0, help="seconds sampled after the last page")
    parser.add_argument("--timeout", type=float, default=1500.0, help="no new page after this many seconds")
    parser.add_argument("--png", type=Path, help="write the RSS plot here")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server's environment")
    args = parser.parse_args()
    return args


def main() -> int:
    args = parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    for item in args.env:
        name, _, value = item.partition("=")
        os.environ[name] = value  # inherited by the server process
    started = time.monotonic()
    args.deadline = started + args.timeout
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(Path(tmp) / "server.log")
        sampler = Sampler(proc.pid)
        sampler.start()
        try:
            time.sleep(2)
            idle = rss_bytes(proc.pid)
            results = asyncio.run(soak(args, base, sampler, Path(tmp)))
            end = rss_bytes(proc.pid)
            time.sleep(args.idle)
            after = rss_bytes(proc.pid)
        finally:
            sampler.stop()
            stop_server(proc)
    marks = {what: when for when, what in sampler.events}
    warm = warm_rss(sampler.samples, marks)
    peak = max(r for _, r in sampler.samples)
    pages = results["ok"] + results["exception"] + results["failed"]
    print(
        f"{pages} pages ({args.links} links, {args.uploads} uploads, {args.contexts} at a time) in "
        f"{marks.get('last page', 0) - marks.get('first page', 0):.0f} s: {results['ok']} rendered, "
        f"{results['exception']} with an exception, {results['failed']} failed, {results.get('not_run', 0)} not run"
    )
    for error in results.get("errors", [])[:5]:
        print(f"  {error}")
    print(f"{'server RSS':<34} {'MiB':>7} {'over warm':>10}")
    for label, value in (
        ("idle, before any page", idle),
        ("warm (after 10 pages)", warm),
        ("peak", peak),
        ("after the last page", end),
        (f"after {args.idle:.0f} s idle", after),
    ):
        print(f"{label:<34} {value / MIB:>7.0f} {(value - warm) / MIB:>+10.0f}")
    print(
        f"the server's memory budget: {MEMORY_BYTES / MIB:.0f} MiB over warm (the caches' share "
        f"{CACHE_BYTES / MIB:.0f} MiB); peak − warm = {(peak - warm) / MIB:.0f} MiB "
        f"({(peak - warm) / MEMORY_BYTES:.2f} × the budget), after the idle wait {(after - warm) / MIB:.0f} MiB "
        f"({(after - warm) / MEMORY_BYTES:.2f} ×)"
    )
    if args.png:
        plot(sampler.samples, sampler.events, args.png, MEMORY_BYTES / MIB)
        print(f"wrote {args.png}")
    print(f"wall {time.monotonic() - started:.0f} s")
    return 0 if results["failed"] == 0 and results["exception"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
