"""The sidebar: every control, drawn by functions that return what was chosen."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..formatting import number
from ..tabular import SCALINGS
from . import cached
from .cached import DataChoice
from .run import CsvColumns, Synthetic
from .settings import BY_KEY, DEFAULTS, Control, Settings, plain

CSV_HELP = "A CSV with a header row: two numeric feature columns and a label column with exactly two values."
HELP = {
    "labels": "Deterministic labels (as in the tutorial) make the classes separable; labels drawn from the "
              "model overlap, and the true weights can be recovered.",
    "flip": "Fraction of labels flipped at random (noise).",
    "xscale": "Put x1 in other units, e.g. ×100 like age in years.",
    "test": "Fraction of points held out to test on.",
}
NAMES = {
    "source": {"synthetic": "Synthetic", "csv": "CSV file"},
    "labels": {"threshold": "y = [σ(z) > 0.5]", "logistic": "y ~ Bernoulli(σ(z))"},
}


def widget(c: Control, container=st.sidebar):
    """Draw control `c` (its key is its URL parameter's name); return its value."""
    common = {"key": c.key, "persist_state": "session", "help": HELP.get(c.key)}  # kept while hidden
    if c.key in NAMES:
        common["format_func"] = NAMES[c.key].get
    if c.key not in st.session_state:
        st.session_state[c.key] = c.default
    if c.kind == "choice" and isinstance(c.default, float):
        return container.select_slider(c.label, options=list(c.options), format_func=number,
                                       **{k: v for k, v in common.items() if k != "format_func"})
    if c.kind == "choice":
        return container.segmented_control(c.label, options=list(c.options), required=True, **common)
    if c.key == "seed":
        return container.number_input(c.label, min_value=int(c.low), max_value=int(c.high), step=1, **common)
    cast = int if c.kind == "int" else float
    return container.slider(c.label, min_value=cast(c.low), max_value=cast(c.high), step=cast(c.step), **common)


def sidebar() -> tuple[Settings, DataChoice | None]:
    """Every control, top to bottom; the settings they hold and the data they chose (None: no usable
    CSV yet). Hidden controls (the synthetic ones while a CSV is used) count as their defaults."""
    sb = st.sidebar
    sb.header("Data")
    values = {"source": widget(BY_KEY["source"])}
    if values["source"] == "csv":
        data = csv_data()
    else:
        for key in ("w1", "w2", "bias", "n", "seed", "labels", "flip", "xscale", "xshift", "test"):
            values[key] = widget(BY_KEY[key])
        data = None
    sb.header("Training")
    values["lr"] = widget(BY_KEY["lr"])
    rate_note = sb.empty()  # filled once λ, drawn below, is known
    for key in ("epochs", "init", "l2", "batch", "stop"):
        values[key] = widget(BY_KEY[key])
    sb.header("View")
    values["land"] = widget(BY_KEY["land"])
    settings = Settings.from_values({**DEFAULTS, **values})
    if values["source"] == "synthetic":
        data = cached.synthetic(Synthetic.of(settings))
    if data is not None:
        _, stable = cached.analysis(data, settings.l2)
        rate_note.caption(rate_sentence(settings.lr, stable))
    return settings, data


def rate_sentence(lr: float, stable: float) -> str:
    above = lr >= stable
    return (f"Largest stable learning rate for this data: 2/L = {stable:.4g}"
            + (f". η = {number(lr)} is above it: expect the loss to zig-zag." if above else "."))


def csv_data() -> DataChoice | None:
    """The upload and its column choices; None (with a message in the sidebar) until they make usable data."""
    sb = st.sidebar
    upload = sb.file_uploader("CSV file", type=["csv"], help=CSV_HELP)
    if upload is None:
        sb.info("Upload a CSV file to train on it. " + CSV_HELP)
        return None
    raw = upload.getvalue()
    sha = cached.digest(raw)
    try:
        frame = cached.table(raw, sha)
    except ValueError as exc:
        sb.error(f"This file can't be used: {plain(exc)}.")
        return None
    columns = [str(c) for c in frame.columns]
    # every column is offered (a column with one text cell is named, with its line, when chosen);
    # the first two numeric ones are chosen to start with, and the last column as the label
    numeric = [i for i, c in enumerate(columns) if pd.api.types.is_numeric_dtype(frame[c])]
    first, second = (numeric + [i for i in range(len(columns)) if i not in numeric])[:2]
    f1 = sb.selectbox("feature x1", columns, index=first, key="csv_f1")
    f2 = sb.selectbox("feature x2", columns, index=second, key="csv_f2")
    label = sb.selectbox("label column", columns, index=len(columns) - 1, key="csv_label")
    scaling = sb.segmented_control("scaling", SCALINGS, default="standardize", required=True, key="csv_scaling")
    test = sb.slider("test fraction", 0.0, 0.5, 0.2, 0.05, key="csv_test")
    source = CsvColumns(sha, (f1, f2), label, scaling, test, 0)
    try:
        tab = cached.tabular(source, frame)
    except ValueError as exc:
        sb.error(f"These columns can't be used: {plain(exc)}.")
        return None
    mapping = ", ".join(f"{plain(k)} → {v}" for k, v in tab.label_mapping.items())
    sb.caption(f"{tab.n_rows} rows; label mapping: {mapping}; {tab.train.n} train / "
               f"{0 if tab.test is None else tab.test.n} test rows.")
    note = None
    if tab.scaler.kind != "none":
        note = f"Features were scaled ({tab.scaler.kind}) before training; the weights are in scaled units."
    return DataChoice(source, tab.train, tab.test, note)
