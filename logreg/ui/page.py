"""The Streamlit page: the sidebar's settings, the animated figure, the summary, the tabs, downloads."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pandas as pd
import streamlit as st

from ..analysis import Landscape
from ..app import cached, families, methods_run
from ..app.budget import Plan, one_blas_thread
from ..app.cache import configure_malloc, freeze_long_lived, release_freed_memory
from ..app.exports import data_csv, history_csv
from ..app.family_view import decision, eta_slug, family_payload, fitted, named_boundary, race_payload, rates_chart
from ..app.methods_run import Raced
from ..app.methods_view import methods_payload
from ..app.points import mine
from ..app.run import Run
from ..app.settings import DEFAULTS, LR_OPTIONS, PRESETS, RACED, Settings, plain
from ..app.watch import watch_with
from ..curvature import sharpness_at_minimum
from ..figures import Sharpness, animation_figure
from ..formatting import number
from ..plot_parts import MAX_FRAMES, Thinning, thinning, to_browser
from . import views
from .chart import html_page
from .controls import CSV_HELP, controls
from .link import TABS, open_tab, read_share_link, share_link
from .listen import eta_on_screen
from .methods import methods_panel
from .player import FRAME_MS, player, plotly_loader
from .points import canvas, drawn, limit_caption, start_caption
from .predictions import predictions_panel
from .session import still_wanted

PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding: 3rem 2rem 3rem 2rem; max-width: none; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.65rem; }
h1 { font-size: 1.75rem !important; padding: 0 0 0.1rem 0 !important; }
/* the selected option of a segmented control: the theme's blue on its tint is 4.0:1, this one 5.8:1 */
[data-selected="true"] [data-testid="stMarkdownContainer"] p { color: #005a8c; }
/* the sentence under η and a preset's sentence carry the lesson: as large as the charts' tick labels (16 px) */
.st-key-eta-note [data-testid="stCaptionContainer"],
[class*="st-key-preset-note-"] [data-testid="stCaptionContainer"] { font-size: 1.05rem; }
@media (max-width: 640px) {
  h1 { font-size: 1.2rem !important; }
  /* the title's smaller type would start under Streamlit's 3.75rem header */
  [data-testid="stMainBlockContainer"] { padding: 4.25rem 0.75rem 3rem 0.75rem; }
}
</style>"""
SHARPNESS_CAPTION = (
    "**Sharpness.** s(θ), the largest curvature of the loss where the run is (the top eigenvalue of its Hessian). "
    "Above the dashed line, s(θ) > 2/η: along the sharpest direction a step of size η lands past the bottom of "
    "that curvature. Whether the loss then rises depends on the other directions: where a line separates the "
    "classes the loss can keep falling above the line. Below the line every step fits the curvature it starts in."
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
    """Every setting the preset's, or its default; the optimizers tab keeps the methods and β chosen there (no
    preset sets them)."""
    for key, default in DEFAULTS.items():
        if key not in RACED_KEYS:
            st.session_state[key] = values.get(key, default)
    request_rate()


RACED_KEYS = frozenset(c.key for c in RACED)


def request_rate() -> None:
    """Ask the player to show the η in the session's settings (a preset or a link chose it): the player
    applies a request once, and otherwise keeps the η on screen when a new run arrives."""
    st.session_state["_lr_request"] = st.session_state.get("_lr_request", 0) + 1


def presets_row(container, settings: Settings, describe: bool) -> None:
    """A button per preset, and what to watch in the preset the settings match (on the first load of a
    link too, so nothing moves when the first interaction comes). η moves in the browser: the preset's
    sentence speaks of its own η, so it shows only while that η is on screen (the player marks the page
    with the η it shows, and a style rule hides the sentence at any other)."""
    matches = [p for p in PRESETS if all(getattr(settings, k) == v for k, v in {**DEFAULTS, **p.values}.items())]
    active = [p for p in PRESETS if _matches_but_eta(settings, p)]
    row = container.container(horizontal=True, gap="small")  # buttons wrap on a narrow screen, never truncate
    for preset in PRESETS:
        row.button(
            preset.name,
            on_click=apply_preset,
            args=(dict(preset.values),),
            key=f"preset_{preset.name}",
            help=preset.watch,
            type="primary" if matches and preset is matches[0] else "secondary",
        )
    if describe and active:
        eta = eta_slug(active[0].values.get("lr", DEFAULTS["lr"]))
        note = container.container(key=f"preset-note-{eta}")
        note.caption(f"**{active[0].name}.** {active[0].watch}")
        st.html(f'<style>body:not([data-eta="{eta}"]) .st-key-preset-note-{eta} {{ display: none; }}</style>')


def _matches_but_eta(settings: Settings, preset) -> bool:
    return all(getattr(settings, k) == v for k, v in {**DEFAULTS, **preset.values}.items() if k != "lr")


def run_id(data: cached.DataChoice, settings: Settings, present: bool, every_rate: bool = True) -> str:
    """A name for the runs on screen: the player redraws and auto-plays only when it changes. η is not part
    of it when the player holds every rate's run (every_rate) and switches between them itself."""
    shared = replace(settings, lr=DEFAULTS["lr"]) if every_rate else settings
    return hashlib.sha256(repr((data.source, shared, present)).encode()).hexdigest()[:16]


def follow(epoch: int | None) -> None:
    """The math tab shows the epoch the player rests on, once the viewer pauses or steps there."""
    if epoch is not None and st.session_state.get("_followed") != epoch:
        st.session_state["_followed"] = epoch
        st.session_state["math_epoch"] = epoch


def summary(r: Run) -> None:
    """What does not change with η or the epoch: the true weights and the minimum. The numbers of the run
    on screen, at the epoch on screen, and its verdict are the player's (every rate's travel with the page)."""
    rows = {}
    if r.true_line is not None:
        rows["true"] = [r.true_line[0][0], r.true_line[0][1], r.true_line[1]]
    if r.best.exists:
        rows["minimum of the " + ("loss" if r.settings.l2 == 0 else "objective")] = [r.best.w[0], r.best.w[1], r.best.b]
    if rows:
        table = pd.DataFrame(
            {k: [number(v, "+.4f") for v in vals] for k, vals in rows.items()}, index=["w1", "w2", "b"]
        ).T
        st.table(table)  # static: redrawn at once, where a data grid took 190 ms after the chart
    else:
        st.caption(f"No minimum to show: {r.best.reason}.")
    last = r.history[-1]
    if r.train.feature_names != ("x1", "x2"):
        names = ", ".join(f"x{i + 1} = {name}" for i, name in enumerate(r.train.feature_names))
        st.caption(
            f"Features: {plain(names)}."
            + (
                " The weights were trained on the divided and scaled columns; the line in the file's units "
                "under the player maps them back, so that w·x + b is the same for every row of the file."
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


@st.fragment
def downloads(data: cached.DataChoice, settings: Settings, budget: Plan) -> None:
    """The files of the run on screen, made when clicked, under a fold: while it is open it hears the η the
    player shows (and reruns alone when η moves); while it is closed nothing runs. The buttons hold the
    settings and the data, never the run or its figure: those come from the shared cache (or are made
    again), so a session keeps nothing of its own."""
    fold = st.expander("Downloads: the run on screen", key="downloads", on_change="rerun")
    if not fold.open:
        return
    with fold:
        index = families.rate_index(eta_on_screen("eta_downloads"))

        def run() -> Run:  # from the shared cache when clicked: the session keeps no run of its own
            return families.family(data, settings, budget)[index]

        files(data, run)


def files(data: cached.DataChoice, run) -> None:
    cols = st.columns(3)
    tau = float(st.session_state.get("threshold", DEFAULTS["threshold"]))  # the τ on screen (kept while hidden)
    cols[0].download_button(
        "History (CSV)", lambda: history_csv(run(), tau), "history.csv", "text/csv", on_click="ignore"
    )
    cols[1].download_button("Dataset (CSV)", lambda: data_csv(run()), "dataset.csv", "text/csv", on_click="ignore")
    cols[2].download_button(
        "Animation (HTML, plays offline)",
        lambda: html_page(main_figure(data, run())[0]),
        "logistic-regression.html",
        "text/html",
        on_click="ignore",
    )


def main_figure(
    data: cached.DataChoice,
    r: Run,
    *,
    player: bool = False,
    font_scale: float = 1.0,
    max_frames: int = MAX_FRAMES,
    lanes: bool = False,
    line: dict | None = None,
) -> tuple[dict, Thinning, Landscape | None]:
    """The animation of run r, with the frames kept and the landscape it shows. player: for the page's
    player (no Plotly buttons); without it, the figure alone, as the offline file holds it. lanes: the race's
    chart, whose lanes the player draws (no sharpness panel). line: the decision line p = τ
    (family_view.decision; default p = ½)."""
    land = cached.run_landscape(data, r) if r.settings.land == "on" else None
    plan = thinning(len(r.history), r.train.n, max_frames=max_frames)
    sharp = None if lanes else Sharpness(cached.frame_sharpness(data, r, plan.frame_index), r.settings.lr)
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
        frames=not player,  # the player draws each frame itself from the runs' numbers
        lanes=lanes,
        decision_level=0.0 if line is None else line["logit"],
    )
    return figure, plan, land


def run_chart(
    data: cached.DataChoice,
    settings: Settings,
    budget: Plan,
    r: Run,
    present: bool,
    autoplay: bool,
    link: dict,
    race: bool = False,
    notes=None,
    methods: Raced | None = None,
) -> None:
    """Every learning rate's run in the player, with the run of the η on screen drawn first, and what to
    read in it (in `notes`, a container further down the page; default: under the player); race: the race
    tab is open, and the player races up to four of those runs on the chart; methods: the optimizers tab is
    open, and the player races these methods' runs instead."""
    runs = families.family(data, settings, budget)
    members = families.members(data, runs, budget)
    selected = families.rate_index(settings.lr)
    scale = 1.25 if present else 1.0
    line = decision(float(st.session_state.get("threshold", DEFAULTS["threshold"])))  # τ: kept while hidden
    lanes = race or methods is not None
    figure, plan, land = main_figure(data, runs[selected], player=True, font_scale=scale, lanes=lanes, line=line)
    figure = named_boundary(fitted(figure, members), line)
    best, stable = cached.analysis(data, settings.l2)
    s_min = sharpness_at_minimum(runs[selected].train.X, best, settings.l2)
    edges = [("2/L", stable)] + ([("2/s(θ*)", 2.0 / s_min)] if s_min else [])
    every_rate = budget.family_epochs > 0 and methods is None  # the methods race at the page's η only
    if not present:  # sent before the player: what arrives after it waits while the browser draws it
        chart_notes(notes or st.container(), r, plan, land, lanes)
    if methods is not None:
        raced = to_browser(methods_payload(methods, settings, best_objective(r)))
    elif race:
        raced = to_browser(race_payload(members, *race_choice(data, runs, r), best_objective(r)))
    else:
        raced = None
    epoch = player(
        figure,
        key="animation",
        run_id=run_id(data, settings, present, every_rate=every_rate) + ("-race" * race) + ("-methods" * bool(methods)),
        autoplay=autoplay,
        frame_ms=FRAME_MS,
        present=present,
        link=link,
        family=to_browser(family_payload(members, figure)),
        rates_figure=rates_chart(members, selected, edges, scale),
        request={"index": selected, "token": st.session_state.get("_lr_request", 0)},
        race=raced,
        decision=line,
        drawn=drawn(settings, landscape=settings.land == "on") if settings.source != "csv" else None,
    )
    follow(epoch)


def chart_notes(notes, r: Run, plan: Thinning, land: Landscape | None, race: bool) -> None:
    """What to read in the chart, under it: the chosen start, your points' limit, what was thinned, the
    landscape and the sharpness panel."""
    for note in filter(None, (start_caption(r.settings), limit_caption(r.settings))):
        notes.caption(note)
    for note in plan.notes(len(r.history)):
        notes.caption(note)
    if land is not None:
        notes.caption(landscape_caption(r, land))
    if not race:
        notes.caption(SHARPNESS_CAPTION)


def best_objective(r: Run) -> float | None:
    return float(r.best.objective) if r.best.exists else None


def race_choice(data: cached.DataChoice, runs: tuple[Run | None, ...], r: Run) -> tuple[list[int], list[str | None]]:
    """The rates the race starts with (the lesson's lanes, or η/4 and η) and each rate's role in the lesson,
    judged on the family's own runs (`runs`); r: the run of the η on screen."""
    lanes = cached.race_lanes(data, runs)
    roles: list[str | None] = [None] * len(LR_OPTIONS)
    for lane in lanes:
        roles[families.rate_index(lane.learning_rate)] = lane.role
    chosen = [families.rate_index(lane.learning_rate) for lane in lanes]
    if not chosen:
        chosen = sorted({families.rate_index(r.settings.lr / 4), families.rate_index(r.settings.lr)})
    return chosen, roles


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
    (the budget's costs are those of one thread; OpenBLAS's waiting threads burn CPU), malloc set for
    many sessions, training's check that its viewer is still there, and the objects alive after the
    first run frozen out of the garbage collector's sweeps."""
    if not _TUNED:
        _TUNED.append(one_blas_thread())
        configure_malloc()
        watch_with(still_wanted)  # training stops when its viewer has gone
    elif len(_TUNED) == 1:
        _TUNED.append(True)
        freeze_long_lived()  # after one whole run: Streamlit, Plotly and pandas have loaded what they load


def no_data(stage, settings: Settings) -> None:
    """What the page shows before it has data: the empty canvas of "my points" (with what it still needs),
    or the request for a CSV file."""
    if settings.source == "mine":  # too few points yet: the empty canvas, to click on
        with stage:
            st.info(mine(settings.points, settings.test, settings.seed)[1])
            canvas(settings, share_link(settings))
    else:
        st.info("Choose a CSV file in the sidebar. " + CSV_HELP)


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
    if present:  # no title: the player's bar starts under Streamlit's header
        st.html("<style>[data-testid='stMainBlockContainer'] { padding-top: 4rem; }</style>")
    plotly_loader()
    if not present:
        st.title("Watch logistic regression learn")
    for notice in st.session_state.get("_notices", []):
        st.warning(notice, icon="🔗")
    # one screen: the player (η, the bar, the chart, the verdict) first; below it, in this order, what the
    # budget cut, the presets, the note under η and the epochs, what to read in the chart, and the tabs
    stage, cut, presets, main, notes = (st.container() for _ in range(5))
    # the race's lanes, or the optimizers' runs, make the page's epochs
    settings, data, budget = controls(main, race=open_tab() == TABS[2], methods=open_tab() == TABS[5])
    presets_row(presets, settings, describe=not present)
    if data is None:
        no_data(stage, settings)
        return
    runs = families.family(data, settings, budget)
    r = runs[families.rate_index(settings.lr)]  # the η the page knows
    if budget.cut:  # fewer epochs, fewer points, or fewer epochs for the other rates: one sentence says which
        cut.warning(budget.note(data.train.n))
    autoplay = st.query_params.get("autoplay") != "off"
    link = share_link(settings)
    if not present:
        notes.caption(
            "Gradient descent on the cross-entropy loss, one epoch per frame. Every change trains a new run "
            "and plays it: Space plays and pauses, ← → step, Home restarts. Data and more settings: sidebar. "
            "A ringed point is on the wrong side of the boundary (p = τ, set in the Predictions tab): the model "
            "gets it wrong at the epoch on screen."
        )
    tabs = st.tabs(list(TABS), key="view", bind="query-params")
    # the light parts first, the player last: drawing the player keeps the browser busy for a while, and
    # what arrives after it waits for that; what arrives before it is drawn while the server builds the player's
    # figure and numbers
    with tabs[0]:
        if tabs[0].open:
            summary(r)
    downloads(data, settings, budget)
    raced = methods_run.raced(data, settings, budget) if tabs[5].open else None
    with stage:
        run_chart(data, settings, budget, r, present, autoplay, link, race=tabs[2].open, notes=notes, methods=raced)
    tab_panels(tabs, data, settings, budget, r, raced)


def tab_panels(tabs, data: cached.DataChoice, settings: Settings, budget: Plan, r: Run, raced: Raced | None) -> None:
    """The tabs drawn after the player: only the open one draws anything."""
    with tabs[1]:
        if tabs[1].open:
            views.math_panel(data, settings, budget)
    with tabs[2]:
        if tabs[2].open:  # one animation on the page: the race plays on the run's chart
            runs = families.family(data, settings, budget)
            views.race_notes(r, data, bool(cached.race_lanes(data, runs)))
    with tabs[3]:
        if tabs[3].open:
            views.truth_panel(data, settings, budget)
    with tabs[4]:
        if tabs[4].open:
            predictions_panel(data, settings, budget)
    with tabs[5]:
        if raced is not None:  # one animation on the page: the methods race on the run's chart
            methods_panel(raced, settings)
