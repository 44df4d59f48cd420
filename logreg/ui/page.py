"""The Streamlit page: the sidebar's settings, the animated figure, the summary, the tabs, downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..figures import animation_figure
from ..formatting import number
from ..plot_parts import thinning
from . import cached, views
from .chart import html_page, show
from .exports import data_csv, history_csv
from .link import TABS, read_share_link, write_share_link
from .run import Run
from .settings import DEFAULTS, PRESETS
from .sidebar import CSV_HELP, sidebar

VERDICT_BOXES = {"converged": st.success, "improving": st.info, "stopped": st.info, "noisy": st.warning,
                 "oscillating": st.warning, "diverged": st.error}


def apply_preset(values: dict) -> None:
    for key, default in DEFAULTS.items():
        st.session_state[key] = values.get(key, default)


def presets_row() -> None:
    cols = st.columns(len(PRESETS))
    for col, preset in zip(cols, PRESETS):
        col.button(preset.name, on_click=apply_preset, args=(dict(preset.values),), key=f"preset_{preset.name}",
                   help=preset.watch, width="stretch")
    active = [p for p in PRESETS if all(st.session_state.get(k) == v for k, v in {**DEFAULTS, **p.values}.items())]
    if active:
        st.caption(f"**{active[0].name}.** {active[0].watch}")


def summary(r: Run) -> None:
    last = r.history[-1]
    cols = st.columns(5)
    cols[0].metric("final loss", number(last.loss, ".4f"), f"{number(last.loss - r.history[0].loss, '+.4f')} "
                   "since epoch 0", delta_color="inverse")
    cols[1].metric("accuracy", f"{last.accuracy:.1%}")
    if last.test_loss is not None:
        cols[2].metric("test loss", number(last.test_loss, ".4f"))
        cols[3].metric("test accuracy", f"{last.test_accuracy:.1%}")
    if r.settings.l2 > 0:
        cols[4].metric("objective", number(last.objective, ".4f"),
                       help="What gradient descent minimises: the loss plus the penalty (λ/2)·‖w‖².")
    VERDICT_BOXES[r.verdict.kind](r.verdict.message)
    names = r.train.feature_names
    rows = {"learned": [last.w[0], last.w[1], last.b]}
    if r.true_line is not None:
        rows["true"] = [r.true_line[0][0], r.true_line[0][1], r.true_line[1]]
    if r.best.exists:
        rows["minimum of the " + ("loss" if r.settings.l2 == 0 else "objective")] = [r.best.w[0], r.best.w[1], r.best.b]
    table = pd.DataFrame({k: [number(v, "+.4f") for v in vals] for k, vals in rows.items()},
                         index=[f"w_{names[0]}", f"w_{names[1]}", "b"]).T
    st.dataframe(table, width="content")
    if r.units_note:
        st.caption(r.units_note)


def downloads(r: Run, figure: dict) -> None:
    cols = st.columns(3)
    cols[0].download_button("History (CSV)", lambda: history_csv(r), "history.csv", "text/csv", on_click="ignore")
    cols[1].download_button("Dataset (CSV)", lambda: data_csv(r), "dataset.csv", "text/csv", on_click="ignore")
    cols[2].download_button("Animation (HTML, plays offline)", lambda: html_page(figure),
                            "logistic-regression.html", "text/html", on_click="ignore")


def landscape_caption(r: Run, land) -> str:
    return ("**Loss landscape.** The model has three parameters (w1, w2, b); this panel shows the loss"
            + (" plus the penalty (λ/2)·‖w‖²" if r.settings.l2 > 0 else "")
            + " over (w1, w2) with b set to its best value at every point. The orange path is the run's (w1, w2); "
            "the run's own b is not always the best one, so the path need not cross these contours at right angles. "
            + ("★ marks the minimum." if r.best.exists else f"There is no minimum to mark: {r.best.reason}.")
            + (" ✕ marks the true weights." if r.true_line is not None else "")
            + (f" {land.sample_note}" if land.sample_note else ""))


def main() -> None:
    st.set_page_config(page_title="Watch logistic regression learn", page_icon="📉", layout="wide")
    read_share_link()
    st.title("Watch logistic regression learn")
    st.caption("Gradient descent on the cross-entropy loss (full batch unless you choose mini-batches), one epoch "
               "per frame. Press ▶ Play above the chart, drag the scrubber to any epoch, and change the settings "
               "on the left.")
    for notice in st.session_state.get("_notices", []):
        st.warning(notice, icon="🔗")
    presets_row()
    settings, data = sidebar()
    if data is None:
        st.info("Choose a CSV file in the sidebar. " + CSV_HELP)
        return
    write_share_link(settings)
    r = cached.training(data, settings)
    for note in r.notes:
        st.warning(note)
    land = cached.run_landscape(data, r) if settings.land == "on" else None
    plan = thinning(len(r.history), r.train.n)
    figure = animation_figure(r.train, r.history, test=r.test, true_line=r.true_line, plan=plan, landscape=land)
    show(figure, key="animation")
    for note in plan.notes(len(r.history)):
        st.caption(note)
    if land is not None:
        st.caption(landscape_caption(r, land))
    tabs = st.tabs(list(TABS), key="view", bind="query-params")
    with tabs[0]:
        if tabs[0].open:
            summary(r)
    with tabs[1]:
        if tabs[1].open:
            views.math_panel(r)
    with tabs[2]:
        if tabs[2].open:
            views.race_panel(r, data, land if land is not None else cached.run_landscape(data, r))
    with tabs[3]:
        if tabs[3].open:
            views.truth_panel(r)
    downloads(r, figure)
