"""One command for every measured figure: runs the four benchmarks side by side and prints one table.

    python3 benchmarks/run_all.py [--quick] [--sessions 20] [--json PATH]

core  — bench_core.py: an epoch of `train` against the floor it cannot avoid, and against the tutorial's
app   — bench_app.py: the rerun after a learning-rate change against a bare chart; Plotly JSON sizes
load  — bench_load.py: N browser sessions on one server; time to the first chart, memory, reruns under load;
        and with --eta, the N sessions switching η in the browser at once (server CPU, redraw against a bare scatter)
redraw — bench_redraw.py: key press to redrawn in Chromium, each page against a bare scatter and against the
         app's own figure from a bare script (st.plotly_chart, and the app's player); the η key press (in the
         browser) and the server's CPU per η press
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(script: str, args: list[str], out: Path) -> dict | None:
    cmd = [sys.executable, str(HERE / script), *args, "--json", str(out)]
    print(f"$ {' '.join(cmd[1:])}", flush=True)
    result = subprocess.run(cmd, cwd=HERE.parent, capture_output=True, text=True, timeout=600)
    if not out.exists():
        print(result.stdout[-2000:], result.stderr[-2000:], sep="\n")
        return None
    return json.loads(out.read_text())


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run, not for quoting)")
    parser.add_argument("--sessions", type=int, default=20, help="browser sessions for the load test")
    parser.add_argument("--json", help="write all results to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        core = _run("bench_core.py", ["--quick"] if args.quick else [], Path(tmp, "core.json"))
        app = _run("bench_app.py", ["--rounds", "1" if args.quick else "5"], Path(tmp, "app.json"))
        load = _run("bench_load.py", ["--sessions", str(4 if args.quick else args.sessions)], Path(tmp, "load.json"))
        eta = _run(
            "bench_load.py",
            ["--eta", "--sessions", str(4 if args.quick else args.sessions), "--rounds", "2" if args.quick else "3"],
            Path(tmp, "eta.json"),
        )
        redraw = _run(
            "bench_redraw.py", ["--no-candidates", "--repeats", "2" if args.quick else "7"], Path(tmp, "redraw.json")
        )
    rows: list[tuple[str, str]] = []
    for result, rows_of in (
        (core, _core_rows),
        (app, _app_rows),
        (load, _load_rows),
        (eta, _eta_rows),
        (redraw, _redraw_rows),
    ):
        if result:
            rows += rows_of(result)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    print(f"\n{when} · {_cpu()} · {os.cpu_count()} cores · Python {platform.python_version()}\n")
    width = max(len(k) for k, _ in rows) if rows else 0
    print(f"| {'measure':<{width}} | result |\n|{'-' * (width + 2)}|--------|")
    for k, v in rows:
        print(f"| {k:<{width}} | {v} |")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"core": core, "app": app, "load": load, "eta": eta, "redraw": redraw}, indent=1, default=float)
        )
    return 0 if core and app and load and eta and redraw else 1


def _core_rows(core: dict) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for r in core["results"]:
        rows.append(
            (
                f"core: epoch at n = {r['n']:,}",
                f"{r['epoch_ms']:.4f} ms = {r['epoch_over_floor']:.2f}× the floor ({r['floor_ms']:.4f} ms), "
                f"{r['epoch_over_floor_columns']:.2f}× the floor with X stored by columns "
                f"({r['floor_columns_ms']:.4f} ms); a tutorial-style epoch takes "
                f"{r['naive_over_epoch']:.2f}× as long",
            )
        )
    return rows


def _app_rows(app: dict) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    rows += [
        (
            "app: rerun after an lr change",
            f"{app['rerun_lr_change_ms']:.1f} ms (cached: {app['rerun_lr_cached_ms']:.1f} ms)",
        ),
        (
            "app: bare script, same points",
            f"{app['bare_chart_rerun_ms']:.1f} ms → ratio {app['ratio']:.1f}× (budget 10×)",
        ),
        ("app: default page Plotly JSON", f"{app['default_payload_kib']:.0f} KiB (budget 200 KiB)"),
    ]
    rows += [
        (
            f"app: page with tab '{k}'",
            f"{v:.0f} KiB; lr-change rerun {app['tab_rerun_ms'][k]:.0f} ms "
            f"({app['tab_rerun_ms'][k] / app['bare_chart_rerun_ms']:.1f}× bare)",
        )
        for k, v in app["tab_payload_kib"].items()
    ]
    return rows


def _load_rows(load: dict) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    s = load["summary"]
    rows += [
        (
            "browser: time to first chart",
            f"{s['first_chart_s']:.2f} s alone ({s['first_chart_cold_s']:.2f} s for "
            f"the server's first viewer); median {s['load_s_median']} s with "
            f"{s['sessions']} opening at once",
        ),
        (f"load: {s['sessions']} sessions", "all rendered, no errors" if s["all_ok"] else "FAILURES (see above)"),
        (
            "load: server memory",
            f"{s['rss_warm_idle_mib']:.0f} MiB idle, {s['rss_peak_mib']:.0f} MiB peak, "
            f"{s['rss_per_session_mib']:.1f} MiB per session",
        ),
        (
            "load: rerun alone / under load",
            f"{s['rerun_alone_ms']:.0f} ms / {s['rerun_under_load_ms']:.0f} ms ({s['ratio']:.1f}×)",
        ),
        ("load: sessions that fit", f"{s['fit']['690 MB']} in 690 MB, {s['fit']['2.7 GB']} in 2.7 GB"),
    ]
    return rows


def _eta_rows(eta: dict) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    e = eta["summary"]
    rows.append(
        (
            f"load: η pressed by {e['sessions']} at once",
            f"{e['together_ms']:.0f} ms median (max {e['together_max_ms']:.0f} ms) = {e['ratio_median']:.2f}× "
            f"the bare scatter (max {e['ratio_max']:.2f}×; {e['within_025']} of {e['pages_timed']} within "
            f"0.25×), {e['ratio_together_median']:.2f}× (max {e['ratio_together_max']:.2f}×) {e['sessions']} bare "
            f"scatters pressed together; server CPU {e['server_cpu_per_press_ms']:.1f} ms per press; "
            f"{e['reruns']} reruns",
        )
    )
    return rows


def _redraw_rows(redraw: dict) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    pages = redraw["pages"]
    for name, r in pages.items():  # ratio: the median over rounds of the two presses' ratio
        what = "" if name == "bare scatter" else f" = {r['ratio']:.2f}× the bare scatter"
        rows.append((f"redraw: {name}", f"{r['ms']:.0f} ms{what}; {r['bytes'] / 1024:.0f} KiB sent"))
        if "server_cpu" in r:
            rows.append((f"server CPU: {name}", f"{r['server_cpu']['per_press_ms']:.1f} ms per press"))
    return rows


if __name__ == "__main__":
    sys.exit(main())
