"""The Streamlit page: the sidebar's settings, the animated figure, the summary, the tabs, downloads."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from ..analysis import Landscape
from ..figures import Sharpness, animation_figure
from ..formatting import number
from ..plot_parts import MAX_FRAMES, Thinning, thinning
from . import cached, views
from .budget import Plan, one_blas_thread
from .cache import configure_malloc, release_freed_memory
from .chart import html_page
from .controls import CSV_HELP, controls
from .exports import data_csv, history_csv
from .link import TABS, open_tab, read_share_link, share_link
from .player import FRAME_MS, player, plotly_loader
from .run import Run
from .settings import DEFAULTS, PRESETS, Settings, plain

PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding: 2.5rem 2rem 3rem 2rem; max-width: none; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.65rem; }
h1 { font-size: 2.1rem !important; padding: 0 0 0.2rem 0 !important; }
@media (max-width: 640px) {
  h1 { font-size: 1.55rem !important; }
  /* the title's smaller type would start under Streamlit's 3.75rem header */
  [data-testid="stMainBlockContainer"] { padding: 4.25rem 0.75rem 3rem 0.75rem; }
}
</style>"""
SHARPNESS_CAPTION = (
    "**Sharpness.** s(θ), the largest curvature of the loss where the run is (the top eigenvalue of its Hessian). "
    "Above the dashed line, s(θ) > 2/η: a step of size η is too long for the curvature where it starts and can "
    "overshoot, so the loss can rise. Below the line the step fits that curvature."
)

VERDICT_BOXES = {
    "converged": st.success,
    "improving": st.info,
    "stopped": st.info,
    "noisy": st.warning,
    "oscillating": st.warning,
    "diverged": st.error,
}


def apply_preset(values: dict) -> None:
    for key, default in DEFAULTS.items():
        st.session_state[key] = values.get(key, default)


def presets_row(container, settings: Settings, describe: bool) -> None:
    """A button per preset, and what to watch in the preset the settings match (on the first load of a
    link too, so nothing moves when the first interaction comes)."""
    active = [p for p in PRESETS if all(getattr(settings, k) == v for k, v in {**DEFAULTS, **p.values}.items())]
    row = container.container(horizontal=True, gap="small")  # buttons wrap on a narrow screen, never truncate
    for preset in PRESETS:
        row.button(
            preset.name,
            on_click=apply_preset,
            args=(dict(preset.values),),
            key=f"preset_{preset.name}",
            help=preset.watch,
            type="primary" if active and preset is active[0] else "secondary",
        )
    if describe and active:
        container.caption(f"**{active[0].name}.** {active[0].watch}")


def run_id(data: cached.DataChoice, settings: Settings, present: bool) -> str:
    """A name for the figure on screen: the player redraws and auto-plays only when it changes."""
    return hashlib.sha256(repr((data.source, settings, present)).encode()).hexdigest()[:16]


def follow(epoch: int | None) -> None:
    """The math tab shows the epoch the player rests on, once the viewer pauses or steps there."""
    if epoch is not None and st.session_state.get("_followed") != epoch:
        st.session_state["_followed"] = epoch
        st.session_state["math_epoch"] = epoch


def summary(r: Run) -> None:
    last = r.history[-1]
    cols = st.columns(5)
    cols[0].metric(
        "final loss",
        number(last.loss, ".4f"),
        f"{number(last.loss - r.history[0].loss, '+.4f')} since epoch 0",
        delta_color="inverse",
    )
    cols[1].metric("accuracy", f"{last.accuracy:.1%}")
    if last.test_loss is not None:
        cols[2].metric("test loss", number(last.test_loss, ".4f"))
        cols[3].metric("test accuracy", f"{last.test_accuracy:.1%}")
    if r.settings.l2 > 0:
        cols[4].metric(
            "objective",
            number(last.objective, ".4f"),
            help="What gradient descent minimises: the loss plus the penalty (λ/2)·‖w‖².",
        )
    VERDICT_BOXES[r.verdict.kind](r.verdict.message)
    rows = {"learned": [last.w[0], last.w[1], last.b]}
    if r.scaler is not None:
        w, b = r.scaler.to_original(last.w, last.b)
        rows["learned, in the file's units"] = [w[0], w[1], b]
    if r.true_line is not None:
        rows["true"] = [r.true_line[0][0], r.true_line[0][1], r.true_line[1]]
    if r.best.exists:
        rows["minimum of the " + ("loss" if r.settings.l2 == 0 else "objective")] = [r.best.w[0], r.best.w[1], r.best.b]
    table = pd.DataFrame({k: [number(v, "+.4f") for v in vals] for k, vals in rows.items()}, index=["w1", "w2", "b"]).T
    st.table(table)  # static: redrawn at once, where a data grid took 190 ms after the chart
    if r.train.feature_names != ("x1", "x2"):
        names = ", ".join(f"x{i + 1} = {name}" for i, name in enumerate(r.train.feature_names))
        st.caption(
            f"Features: {plain(names)}."
            + (
                " The weights were trained on the divided and scaled columns; the row in the file's units "
                "maps them back, so that w·x + b is the same for every row of the file."
                if r.scaler
                else ""
            )
        )
    n, batch = r.train.n, r.settings.batch_size
    if batch is not None and batch < n:
        per_epoch = -(-n // batch)
        st.caption(
            f"Batch size {batch}: an epoch is one shuffled pass of {per_epoch:,} updates, so "
            f"{last.epoch:,} epochs made {last.epoch * per_epoch:,} updates."
        )


def downloads(data: cached.DataChoice, settings: Settings, budget: Plan) -> None:
    """The files are made when clicked. The buttons hold the settings and the data, never the run or its
    figure: those come from the shared cache (or are made again), so a session keeps nothing of its own."""

    def run() -> Run:
        return cached.training(data, settings, budget)

    cols = st.columns(3)
    cols[0].download_button("History (CSV)", lambda: history_csv(run()), "history.csv", "text/csv", on_click="ignore")
    cols[1].download_button("Dataset (CSV)", lambda: data_csv(run()), "dataset.csv", "text/csv", on_click="ignore")
    cols[2].download_button(
        "Animation (HTML, plays offline)",
        lambda: html_page(main_figure(data, run())[0]),
        "logistic-regression.html",
        "text/html",
        on_click="ignore",
    )


def main_figure(
    data: cached.DataChoice, r: Run, *, player: bool = False, font_scale: float = 1.0, max_frames: int = MAX_FRAMES
) -> tuple[dict, Thinning, Landscape | None]:
    """The animation of run r, with the frames kept and the landscape it shows. player: for the page's
    player (no Plotly buttons); without it, the figure alone, as the offline file holds it."""
    land = cached.run_landscape(data, r) if r.settings.land == "on" else None
    plan = thinning(len(r.history), r.train.n, max_frames=max_frames)
    sharp = Sharpness(cached.frame_sharpness(data, r, plan.frame_index), r.settings.lr)
    figure = animation_figure(
        r.train,
        r.history,
        test=r.test,
        true_line=r.true_line,
        plan=plan,
        landscape=land,
        sharpness=sharp,
        player=player,
        font_scale=font_scale,
    )
    return figure, plan, land


def run_chart(data: cached.DataChoice, settings: Settings, r: Run, present: bool, autoplay: bool, link: dict) -> None:
    """The run's animation in the player, and what to read in it."""
    figure, plan, land = main_figure(data, r, player=True, font_scale=1.25 if present else 1.0)
    epoch = player(
        figure,
        key="animation",
        run_id=run_id(data, settings, present),
        autoplay=autoplay,
        frame_ms=FRAME_MS,
        present=present,
        link=link,
    )
    follow(epoch)
    if not present:
        for note in plan.notes(len(r.history)):
            st.caption(note)
        if land is not None:
            st.caption(landscape_caption(r, land))
        st.caption(SHARPNESS_CAPTION)


def landscape_caption(r: Run, land) -> str:
    return (
        "**Loss landscape.** The model has three parameters (w1, w2, b); this panel shows the loss"
        + (" plus the penalty (λ/2)·‖w‖²" if r.settings.l2 > 0 else "")
        + " over (w1, w2) with b set to its best value at every point. The orange path is the run's (w1, w2); "
        "the run's own b is not always the best one, so the path need not cross these contours at right angles. "
        + ("★ marks the minimum." if r.best.exists else f"There is no minimum to mark: {r.best.reason}.")
        + (" ✕ marks the true weights." if r.true_line is not None else "")
        + (f" {land.sample_note}" if land.sample_note else "")
    )


def main() -> None:
    """The page; then the memory its run freed goes back to the system.

    A run allocates far more than it keeps (training, the landscape, the figure and its JSON), and glibc's
    malloc keeps what is freed for later: without the trim, a server that had shown seventy distinct
    pages held 431 MiB of free heap (87 MiB in use) in its resident memory, and kept it while idle."""
    tune_process()
    try:
        page()
    finally:
        release_freed_memory()


_TUNED: list[bool] = []  # set once for the whole process


def tune_process() -> None:
    """The process-wide settings, applied by the first page run and never on import: BLAS on one thread
    (the budget's costs are those of one thread; OpenBLAS's waiting threads burn CPU) and malloc set for
    many sessions."""
    if not _TUNED:
        _TUNED.append(one_blas_thread())
        configure_malloc()


def page() -> None:
    present = st.query_params.get("present") == "on"
    st.set_page_config(
        page_title="Watch logistic regression learn",
        page_icon="📉",
        layout="wide",
        initial_sidebar_state="collapsed" if present else "auto",
    )
    read_share_link()
    st.html(PAGE_CSS)
    plotly_loader()
    if not present:
        st.title("Watch logistic regression learn")
        st.caption(
            "Gradient descent on the cross-entropy loss, one epoch per frame. Every change trains a new run "
            "and plays it: Space plays and pauses, ← → step, Home restarts. Data and more settings: sidebar."
        )
    for notice in st.session_state.get("_notices", []):
        st.warning(notice, icon="🔗")
    presets = st.container()
    settings, data, budget = controls(st.container(), race=open_tab() == TABS[2])  # the race trains more runs
    presets_row(presets, settings, describe=not present)
    if data is None:
        st.info("Choose a CSV file in the sidebar. " + CSV_HELP)
        return
    r = cached.training(data, settings, budget)
    for note in r.notes:
        st.warning(note)
    autoplay = st.query_params.get("autoplay") != "off"
    link = share_link(settings)
    stage = st.container()  # the run's chart, unless the race takes its place
    tabs = st.tabs(list(TABS), key="view", bind="query-params")
    if not tabs[2].open:
        with stage:
            run_chart(data, settings, r, present, autoplay, link)
    with tabs[0]:
        if tabs[0].open:
            summary(r)
    with tabs[1]:
        if tabs[1].open:
            views.math_panel(r)
    with tabs[2]:
        if tabs[2].open:  # one animation on the page: the race plays where the run's chart was
            land = cached.run_landscape(data, r)
            if not views.race_panel(r, data, land, autoplay, link=link, present=present):
                with stage:
                    run_chart(data, settings, r, present, autoplay, link)
    with tabs[3]:
        if tabs[3].open:
            views.truth_panel(r)
    downloads(data, settings, budget)
