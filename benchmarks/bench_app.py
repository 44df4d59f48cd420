"""Rerun cost and payload of the app, measured side by side with a bare chart script.

    python benchmarks/bench_app.py [--rounds 5] [--json PATH]

Both scripts run under streamlit.testing.v1.AppTest (the same harness, the same overhead).
"lr change" moves the learning-rate slider to a value it has not had in this round, after the
caches are cleared, so training, landscape and figure are all computed: what a student triggers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from logreg.app.cached import CACHE  # noqa: E402

RATES = [0.05, 0.2, 0.5, 1.0, 2.0]


def payload(at: AppTest) -> int:
    """Bytes of figure JSON the page sends: the players' data and the Plotly charts' specs."""
    return sum(len(c.proto.json.encode()) for c in at.get("bidi_component")) + sum(
        len(c.proto.spec.encode()) for c in at.get("plotly_chart")
    )


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
    CACHE.clear()


def _timed(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return elapsed


def measure(rounds: int) -> dict:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    bare = AppTest.from_file(str(ROOT / "benchmarks" / "bare_app.py"), default_timeout=120)
    app.run()
    bare.run()
    default_payload = payload(app)
    app_times, bare_times, warm_times = [], [], []
    for _ in range(rounds):
        clear_caches()
        for lr in RATES:  # interleaved: noise on this shared machine hits both alike
            app.select_slider(key="lr").set_value(lr)
            app_times.append(_timed(app))
            bare.select_slider(key="lr").set_value(lr)
            bare_times.append(_timed(bare))
        for lr in RATES:  # the same values again: served from the cache
            app.select_slider(key="lr").set_value(lr)
            warm_times.append(_timed(app))
    payloads, tab_reruns = {}, {}
    for view in ("Learning rates side by side", "Math at one epoch", "Ground truth"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params["view"] = view
        at.run()
        payloads[view] = payload(at)
        times = []
        for _ in range(max(1, rounds // 2)):
            clear_caches()
            for lr in RATES:
                at.select_slider(key="lr").set_value(lr)
                times.append(_timed(at))
        tab_reruns[view] = 1000 * statistics.median(times)
    app_med, bare_med = statistics.median(app_times), statistics.median(bare_times)
    return {
        "rerun_lr_change_ms": 1000 * app_med,
        "rerun_lr_cached_ms": 1000 * statistics.median(warm_times),
        "bare_chart_rerun_ms": 1000 * bare_med,
        "ratio": app_med / bare_med,
        "default_payload_kib": default_payload / 1024,
        "tab_payload_kib": {k: v / 1024 for k, v in payloads.items()},
        "tab_rerun_ms": tab_reruns,
        "samples": len(app_times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()
    r = measure(args.rounds)
    label = "rerun after an lr change (nothing cached)"
    print(f"{label:<48} {r['rerun_lr_change_ms']:8.1f} ms  (median of {r['samples']})")
    print(f"{'rerun after an lr change (seen before, cached)':<48} {r['rerun_lr_cached_ms']:8.1f} ms")
    print(f"{'bare script, same points in one static chart':<48} {r['bare_chart_rerun_ms']:8.1f} ms")
    print(f"{'ratio app / bare (budget: at most 10)':<48} {r['ratio']:8.1f} ×")
    print(f"{'default page Plotly JSON (budget: 200 KiB)':<48} {r['default_payload_kib']:8.1f} KiB")
    for view, kib in r["tab_payload_kib"].items():
        ms = r["tab_rerun_ms"][view]
        print(
            f"{'  with the tab ' + repr(view):<48} {kib:8.1f} KiB, "
            f"lr-change rerun {ms:.1f} ms ({ms / r['bare_chart_rerun_ms']:.1f}×)"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
