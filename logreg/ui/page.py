"""The Streamlit page: controls in the sidebar, the animated figure, the summary and downloads."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ..analysis import Landscape, Optimum, landscape, landscape_box
from ..data import Dataset
from ..figures import animation_figure, number, thinning
from ..tabular import SCALINGS, TabularData, from_frame, read_csv
from . import views
from .run import Run, analyse, run, synthetic_split
from .settings import BY_KEY, CONTROLS, DEFAULTS, PRESETS, Control, Settings, fmt, parse_query, plain, quote_value

TABS = ("Summary", "Math at one epoch", "Learning rates side by side", "Ground truth")
CSV_HELP = "A CSV with a header row: two numeric feature columns and a label column with exactly two values."


# ---------------------------------------------------------------- cached work (shared by all viewers)
DATA_KEYS = ("w1", "w2", "bias", "n", "seed", "labels", "flip", "xscale", "xshift", "test")


@st.cache_data(max_entries=32, show_spinner=False)
def cached_synthetic(s: Settings) -> tuple[Dataset, Dataset | None]:
    """The synthetic data of `s` (the caller passes only its data settings)."""
    return synthetic_split(s)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_analysis(data_key: str, l2: float, _train: Dataset) -> tuple[Optimum, float]:
    """The minimum and the largest stable rate depend on the data and λ only, not on η or epochs."""
    return analyse(_train, l2)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_run(data_key: str, s: Settings, _train: Dataset, _test: Dataset | None, units_note: str | None) -> Run:
    return run(s, _train, _test, units_note, analysis=cached_analysis(data_key, s.l2, _train))


@st.cache_data(max_entries=16, show_spinner=False)
def cached_table(raw: bytes) -> pd.DataFrame:
    return read_csv(raw)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_tabular(digest: str, _df: pd.DataFrame, features: tuple[str, str], label: str, scaling: str,
                   test: float, seed: int) -> TabularData:
    return from_frame(_df, features, label, scaling=scaling, test_fraction=test, seed=seed)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_landscape(data_key: str, box: tuple, l2: float, _r: Run) -> Landscape:
    truth = None if _r.true_line is None else _r.true_line[0]
    return landscape(_r.train.X, _r.train.y, box, l2=l2, best=_r.best, truth=truth)


def run_landscape(data_key: str, r: Run) -> Landscape:
    """The landscape around the start, the minimum and the true weights: it depends on the data, not on η
    or the number of epochs, so moving those reuses it. With neither a minimum nor true weights, the run's
    end is included too."""
    points = [r.history[0].w, np.zeros(2)]
    points += [r.best.w] if r.best.exists else []
    points += [r.true_line[0]] if r.true_line is not None else []
    if len(points) == 2:
        points.append(r.history[-1].w)
    return cached_landscape(data_key, landscape_box(points), r.settings.l2, r)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_figure(key: str, _r: Run, _land: Landscape | None) -> go.Figure:
    """Figures are built once per run and never modified (st.plotly_chart copies them)."""
    plan = thinning(len(_r.history), _r.train.n)
    return animation_figure(_r.train, _r.history, test=_r.test, true_line=_r.true_line, plan=plan, landscape=_land)


# ---------------------------------------------------------------- share link
def read_share_link() -> None:
    """Once per session: the link's checked values go into the controls, and each value that could
    not be used as given leaves a notice. (The controls are not bound to the URL by Streamlit: a bound
    widget would take the raw value, unchecked, before this code sees it.)"""
    if "_link_checked" in st.session_state:
        return
    st.session_state["_link_checked"] = True
    values, notices = parse_query({k: st.query_params.get_all(k) for k in st.query_params})
    view = st.query_params.get("view")
    if view is not None and view not in TABS:
        notices.append(f"The link's view={quote_value(view)} was not used: it must be one of {', '.join(TABS)}. "
                       "Showing the Summary.")
    st.session_state["_notices"] = notices
    for key, value in values.items():
        st.session_state[key] = value


def write_share_link(settings: Settings) -> None:
    """Keep the URL equal to the settings: every control not at its default, by its URL name."""
    for c in CONTROLS:
        value = getattr(settings, c.key)
        if value == c.default:
            if c.key in st.query_params:
                del st.query_params[c.key]
            continue
        text = fmt(value) if isinstance(value, float) else str(value)
        if st.query_params.get(c.key) != text:
            st.query_params[c.key] = text


def apply_preset(values: dict) -> None:
    for key, default in DEFAULTS.items():
        st.session_state[key] = values.get(key, default)


# ---------------------------------------------------------------- controls
def _widget(c: Control, container=st, **extra):
    """Draw control `c` (its key is its URL parameter's name); return its value."""
    common = {"key": c.key, "persist_state": "session", **extra}  # kept while hidden (e.g. during a CSV upload)
    if c.key not in st.session_state:
        st.session_state[c.key] = c.default
    if c.kind == "choice" and isinstance(c.default, float):
        return container.select_slider(c.label, options=list(c.options), format_func=fmt, **common)
    if c.kind == "choice":
        return container.segmented_control(c.label, options=list(c.options), required=True, **common)
    if c.key == "seed":
        return container.number_input(c.label, min_value=int(c.low), max_value=int(c.high), step=1, **common)
    cast = int if c.kind == "int" else float
    return container.slider(c.label, min_value=cast(c.low), max_value=cast(c.high), step=cast(c.step), **common)


@dataclass(frozen=True, eq=False)
class DataChoice:
    """The data the sidebar chose: a key naming it for the caches, the parts, and a note on units."""

    key: str
    train: Dataset
    test: Dataset | None
    units_note: str | None = None


def data_controls(values: dict) -> DataChoice | None:
    """The sidebar's data section; fills `values` and returns the data (None: no usable CSV yet)."""
    sb = st.sidebar
    sb.header("Data")
    values["source"] = _widget(BY_KEY["source"], sb, format_func={"synthetic": "Synthetic", "csv": "CSV file"}.get)
    if values["source"] == "csv":
        tabular, key = csv_controls(sb)
        if tabular is None:
            return None
        note = None
        if tabular.scaler.kind != "none":
            note = f"Features were scaled ({tabular.scaler.kind}) before training; the weights are in scaled units."
        return DataChoice(f"csv:{key}", tabular.train, tabular.test, note)
    for key in ("w1", "w2", "bias", "n", "seed"):
        values[key] = _widget(BY_KEY[key], sb)
    values["labels"] = _widget(BY_KEY["labels"], sb, format_func={
        "threshold": "y = [σ(z) > 0.5]", "logistic": "y ~ Bernoulli(σ(z))"}.get,
        help="Deterministic labels (as in the tutorial) make the classes separable; labels drawn from the "
             "model overlap, and the true weights can be recovered.")
    values["flip"] = _widget(BY_KEY["flip"], sb, help="Fraction of labels flipped at random (noise).")
    values["xscale"] = _widget(BY_KEY["xscale"], sb, help="Put x1 in other units, e.g. ×100 like age in years.")
    values["xshift"] = _widget(BY_KEY["xshift"], sb)
    values["test"] = _widget(BY_KEY["test"], sb, help="Fraction of points held out to test on.")
    s = Settings.from_values({**DEFAULTS, **values})
    key = repr({k: getattr(s, k) for k in DATA_KEYS})
    train, test = cached_synthetic(Settings.from_values({k: getattr(s, k) for k in DATA_KEYS}))
    return DataChoice(key, train, test)


def training_controls(values: dict, data: DataChoice) -> None:
    """The sidebar's training and view sections; the largest stable rate is shown under η."""
    sb = st.sidebar
    sb.header("Training")
    values["lr"] = _widget(BY_KEY["lr"], sb)
    l2 = st.session_state.get("l2", BY_KEY["l2"].default)  # the penalty's control is drawn below
    _, stable = cached_analysis(data.key, l2, data.train)
    above = values["lr"] >= stable
    sb.caption(f"Largest stable learning rate for this data: 2/L = {stable:.4g}"
               + (f". η = {fmt(values['lr'])} is above it: expect the loss to zig-zag." if above else "."))
    for key in ("epochs", "init", "l2", "batch", "stop"):
        values[key] = _widget(BY_KEY[key], sb)
    sb.header("View")
    values["land"] = _widget(BY_KEY["land"], sb)


def csv_controls(sb) -> tuple[TabularData | None, str | None]:
    upload = sb.file_uploader("CSV file", type=["csv"], help=CSV_HELP)
    if upload is None:
        sb.info("Upload a CSV file to train on it. " + CSV_HELP)
        return None, None
    raw = upload.getvalue()
    try:
        df = cached_table(raw)
    except ValueError as exc:
        sb.error(f"This file can't be used: {plain(exc)}.")
        return None, None
    columns = [str(c) for c in df.columns]
    # every column is offered (a column with one text cell is named, with its line, when chosen);
    # the first two numeric ones are chosen to start with, and the last column as the label
    numeric = [i for i, c in enumerate(columns) if pd.api.types.is_numeric_dtype(df[c])]
    first, second = (numeric + [i for i in range(len(columns)) if i not in numeric])[:2]
    f1 = sb.selectbox("feature x1", columns, index=first, key="csv_f1")
    f2 = sb.selectbox("feature x2", columns, index=second, key="csv_f2")
    label = sb.selectbox("label column", columns, index=len(columns) - 1, key="csv_label")
    scaling = sb.segmented_control("scaling", SCALINGS, default="standardize", required=True, key="csv_scaling")
    test = sb.slider("test fraction", 0.0, 0.5, 0.2, 0.05, key="csv_test")
    digest = hashlib.sha256(raw).hexdigest()
    try:
        data = cached_tabular(digest, df, (f1, f2), label, scaling, test, 0)
        digest = f"{digest}:{f1}:{f2}:{label}:{scaling}:{test}"  # names the data, not just the file
    except ValueError as exc:
        sb.error(f"These columns can't be used: {plain(exc)}.")
        return None, None
    mapping = ", ".join(f"{plain(k)} → {v}" for k, v in data.label_mapping.items())
    sb.caption(f"{data.n_rows} rows; label mapping: {mapping}; {data.train.n} train / "
               f"{0 if data.test is None else data.test.n} test rows.")
    return data, digest


# ---------------------------------------------------------------- main area
def presets_row() -> None:
    cols = st.columns(len(PRESETS))
    for col, preset in zip(cols, PRESETS):
        col.button(preset.name, on_click=apply_preset, args=(dict(preset.values),), use_container_width=False,
                   key=f"preset_{preset.name}", help=preset.watch, width="stretch")
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
    kind = r.verdict.kind
    {"converged": st.success, "improving": st.info, "stopped": st.info, "noisy": st.warning,
     "oscillating": st.warning, "diverged": st.error}[kind](r.verdict.message)
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


def history_csv(r: Run) -> bytes:
    h = r.history
    frame = pd.DataFrame({
        "epoch": [s.epoch for s in h], "loss": [s.loss for s in h], "objective": [s.objective for s in h],
        "accuracy": [s.accuracy for s in h], "w1": [s.w[0] for s in h], "w2": [s.w[1] for s in h],
        "b": [s.b for s in h], "grad_w1": [s.gradient_w[0] for s in h], "grad_w2": [s.gradient_w[1] for s in h],
        "grad_b": [s.gradient_b for s in h],
    })
    if h[0].test_loss is not None:
        frame["test_loss"] = [s.test_loss for s in h]
        frame["test_accuracy"] = [s.test_accuracy for s in h]
    return frame.to_csv(index=False).encode()


def data_csv(r: Run) -> bytes:
    parts = []
    for name, d in (("train", r.train), ("test", r.test)):
        if d is not None:
            part = pd.DataFrame(d.X, columns=list(d.feature_names))
            part["label"] = d.y.astype(int)
            part["split"] = name
            parts.append(part)
    return pd.concat(parts).to_csv(index=False).encode()


def downloads(r: Run, fig: go.Figure) -> None:
    cols = st.columns(3)
    cols[0].download_button("History (CSV)", lambda: history_csv(r), "history.csv", "text/csv", on_click="ignore")
    cols[1].download_button("Dataset (CSV)", lambda: data_csv(r), "dataset.csv", "text/csv", on_click="ignore")
    cols[2].download_button(
        "Animation (HTML, plays offline)",
        lambda: fig.to_html(include_plotlyjs=True, full_html=True, auto_play=False).encode(),
        "logistic-regression.html", "text/html", on_click="ignore")


def main() -> None:
    st.set_page_config(page_title="Watch logistic regression learn", page_icon="📉", layout="wide")
    read_share_link()
    st.title("Watch logistic regression learn")
    st.caption("Gradient descent on the cross-entropy loss (full batch unless you choose mini-batches), one epoch "
               "per frame. Press ▶ Play above the "
               "chart, drag the scrubber to any epoch, and change the settings on the left.")
    for notice in st.session_state.get("_notices", []):
        st.warning(notice, icon="🔗")
    presets_row()
    values: dict = {}
    data = data_controls(values)
    if data is None:
        st.info("Choose a CSV file in the sidebar. " + CSV_HELP)
        return
    training_controls(values, data)
    settings = Settings.from_values({**DEFAULTS, **values})
    write_share_link(settings)
    data_key = data.key
    r = cached_run(data_key, settings, data.train, data.test, data.units_note)
    for note in r.notes:
        st.warning(note)
    land = run_landscape(data_key, r) if settings.land == "on" else None
    fig = cached_figure(f"{data_key}|{settings}", r, land)
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False}, key="animation")
    for note in thinning(len(r.history), r.train.n).notes(len(r.history)):
        st.caption(note)
    if land is not None:
        st.caption(
            "**Loss landscape.** The model has three parameters (w1, w2, b); this panel shows the loss"
            + (" plus the penalty (λ/2)·‖w‖²" if settings.l2 > 0 else "")
            + " over (w1, w2) with b set to its best value at every point. The orange path is the run's (w1, w2); "
            "the run's own b is not always the best one, so the path need not cross these contours at right angles. "
            + ("★ marks the minimum." if r.best.exists else f"There is no minimum to mark: {r.best.reason}.")
            + (" ✕ marks the true weights." if r.true_line is not None else "")
            + (f" {land.sample_note}" if land.sample_note else ""))
    tabs = st.tabs(list(TABS), key="view", bind="query-params")
    with tabs[0]:
        if tabs[0].open:
            summary(r)
    with tabs[1]:
        if tabs[1].open:
            views.math_panel(r)
    with tabs[2]:
        if tabs[2].open:
            views.race_panel(r, data_key, land if land is not None else run_landscape(data_key, r))
    with tabs[3]:
        if tabs[3].open:
            views.truth_panel(r)
    downloads(r, fig)
