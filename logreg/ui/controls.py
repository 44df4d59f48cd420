"""Every control, drawn by functions that return what was chosen: the learning rate and the epochs
beside the chart, where a teacher reaches them; the data and the rest in the sidebar."""

from __future__ import annotations

import itertools
from dataclasses import replace

import streamlit as st

from ..app import cached
from ..app.budget import Plan
from ..app.cached import DataChoice
from ..app.drawn import Points
from ..app.methods import Methods
from ..app.points import added, mine
from ..app.run import CsvColumns, Synthetic
from ..app.settings import BY_KEY, DEFAULTS, Control, Settings, plain
from ..formatting import number, shorten
from ..tabular import MAX_NAME, MAX_VALUE, SCALINGS
from .points import chosen_start, session_points

CSV_HELP = "A CSV with a header row: two numeric feature columns and a label column with exactly two values."
HELP = {
    "labels": "Deterministic labels (as in the tutorial) make the classes separable; labels drawn from the "
    "model overlap, and the true weights can be recovered.",
    "flip": "Fraction of labels flipped at random (noise).",
    "xscale": "Put x1 in other units, e.g. ×100 like age in years.",
    "test": "Fraction of points held out to test on.",
}
NAMES = {
    "source": {"synthetic": "Synthetic", "csv": "CSV file", "mine": "My points"},
    "init": {"zeros": "zeros", "ones": "ones", "random": "random", "chosen": "chosen point"},
    "labels": {"threshold": "set by the true line (no overlap)", "logistic": "drawn from the model (overlap)"},
}


def widget(c: Control, container=st.sidebar, help: str | None = None):
    """Draw control `c` (its key is its URL parameter's name); return its value."""
    common = {"key": c.key, "persist_state": "session", "help": help or HELP.get(c.key)}  # kept while hidden
    if c.key in NAMES:
        common["format_func"] = NAMES[c.key].get
    if c.key not in st.session_state:
        st.session_state[c.key] = c.default
    if c.kind == "choice" and isinstance(c.default, float):
        return container.select_slider(
            c.label,
            options=list(c.options),
            format_func=number,
            **{k: v for k, v in common.items() if k != "format_func"},
        )
    if c.kind == "choice":
        return container.segmented_control(c.label, options=list(c.options), required=True, **common)
    if c.key == "seed":
        return container.number_input(c.label, min_value=int(c.low), max_value=int(c.high), step=1, **common)
    if c.key == "stop":  # typed, to four decimals: a notebook's threshold such as 0.4631 is kept as it is
        return container.number_input(c.label, min_value=c.low, max_value=c.high, step=c.step, format="%.4f", **common)
    cast = int if c.kind == "int" else float
    return container.slider(c.label, min_value=cast(c.low), max_value=cast(c.high), step=cast(c.step), **common)


def controls(main, race: bool = False, methods: bool = False) -> tuple[Settings, DataChoice | None, Plan | None]:
    """Every control: the epochs in `main` (a container beside the chart), the rest in the sidebar; η is the
    player's (`rate_on_screen`).
    Returns the settings they hold, the data the page trains on and its plan (None, None: no usable CSV
    yet). That data is what the sidebar chose, or a random part of it when the page's time budget needs
    one (race: the race tab is open; methods: the optimizers tab is open); the words under η are fitted to
    it. Hidden controls (the synthetic ones while a CSV is used) count as their defaults."""
    sb = st.sidebar
    sb.header("Data")
    values = {"source": widget(BY_KEY["source"])}
    if values["source"] == "csv":
        values["seed"] = widget(
            BY_KEY["seed"],
            help="Seeds the train/test split as scikit-learn's "
            "train_test_split(random_state=seed) does, and the start and mini-batches.",
        )
        data = csv_data(values["seed"])
    elif values["source"] == "mine":  # only the points added by clicking: their split's seed and fraction
        values["seed"] = widget(BY_KEY["seed"])
        values["test"] = widget(BY_KEY["test"])
        data = None
    else:
        for key in ("w1", "w2", "bias", "n", "seed", "labels", "flip", "xscale", "xshift", "test"):
            values[key] = widget(BY_KEY[key])
        data = None
    sb.header("Training")
    for key in ("init", "l2", "batch"):
        values[key] = widget(BY_KEY[key])
    values["stop"] = widget(
        BY_KEY["stop"],
        help="Training stops at the first epoch whose loss is at or below this "
        "value, before updating (a loop that updates first and then checks makes one update more).",
    )
    sb.header("View")
    values["land"] = widget(BY_KEY["land"])
    values["points"] = Points() if values["source"] == "csv" else session_points()
    if values["source"] == "synthetic":
        data = added(Synthetic.of(values), values["points"])
    elif values["source"] == "mine":
        data = mine(values["points"], values["test"], values["seed"])[0]  # None: the page says what is missing
    values["start"] = chosen_start(values["init"], data)
    values["opt"], values["beta"] = methods_on_screen()
    # the epochs beside the chart, and the words on learning rates fitted to the data (the sidebar, drawn
    # above, chose it: the order of drawing does not move anything on the page). η itself is a control of
    # the player's bar: every rate's run is sent, so moving it needs no rerun
    l2 = values["l2"]
    left, right = main.columns([3, 2])
    values["epochs"] = widget(BY_KEY["epochs"], right)
    plan = None
    if data is not None:  # the points the page trains on: all, unless its time budget needs fewer (η plays no part)
        plan = cached.page_plan(data, Settings.from_values({**DEFAULTS, **values}), race, methods)
        data = cached.sample(data, plan, values["seed"])
    summary, note = cached.rate_note(data, l2) if data is not None else (None, None)
    values["lr"] = rate_on_screen()
    if summary:
        left.container(key="eta-note").caption(summary, help=note)
    return Settings.from_values({**DEFAULTS, **values}), data, plan


def methods_on_screen() -> tuple[Methods, float]:
    """The methods the optimizers tab races and momentum's β, as the link or that tab last set them (read before
    the tab is drawn: the page plans its runs by them)."""
    methods = st.session_state.get("opt", BY_KEY["opt"].default)
    beta = st.session_state.get("beta", BY_KEY["beta"].default)
    return Methods(methods), float(beta)


def rate_on_screen() -> float:
    """The η the page knows to be on screen: from the link or a preset, as a panel last heard it from the
    player, or as the player asked for it (a page whose budget trained no other rate asks the server)."""
    if "lr" not in st.session_state:
        st.session_state["lr"] = BY_KEY["lr"].default
    asked = (st.session_state.get("animation") or {}).get("ask")
    if isinstance(asked, dict) and asked.get("n") != st.session_state.get("_asked"):
        st.session_state["_asked"] = asked.get("n")
        try:
            st.session_state["lr"] = BY_KEY["lr"].parse(str(asked.get("lr")))[0]
        except ValueError:
            pass
    return float(st.session_state["lr"])


def starting_features(columns: list[str], usable: list[str]) -> tuple[int, int]:
    """The positions of the first two usable feature columns (usable: in the file's order), then of the
    first unusable ones: a dict and a set, one pass over the columns whatever their number."""
    position = {name: i for i, name in enumerate(columns)}
    kept = set(usable)
    order = [position[name] for name in usable[:2]]
    order += [i for i, name in itertools.islice(enumerate(columns), 3) if name not in kept]
    order += [0, 0]
    return order[0], order[1]


def csv_data(seed: int) -> DataChoice | None:
    """The upload and its column choices; None (with a message in the sidebar) until they make usable data.
    seed: the split's."""
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
    # every column is offered (a column with a cell that is not a number is named, with its line, when
    # chosen); the first two usable ones are chosen to start with, and the last column as the label
    usable, problems = cached.feature_columns(frame, sha)
    first, second = starting_features(columns, usable)
    shortened = frame.attrs.get("shortened_names", 0)
    if shortened:
        sb.caption(f"{shortened} column name(s) shortened to {MAX_NAME} characters (ending in …).")
    f1 = sb.selectbox("feature x1", columns, index=first, key="csv_f1")
    f2 = sb.selectbox("feature x2", columns, index=second, key="csv_f2")
    for name in {f1, f2} & set(problems):
        sb.warning(f"{plain(name)}: {plain(problems[name])}")
    label = sb.selectbox("label column", columns, index=len(columns) - 1, key="csv_label")
    divisors, scaling, test = csv_options(sb)
    source = CsvColumns(sha, (f1, f2), label, scaling, test, seed, divisors, columns=len(columns))
    try:
        tab = cached.tabular(source, frame)
    except ValueError as exc:
        sb.error(f"These columns can't be used: {plain(exc)}.")
        return None
    mapping = ", ".join(f"{plain(shorten(k, MAX_VALUE))} → {v}" for k, v in tab.label_mapping.items())
    sb.caption(
        f"{tab.n_rows} rows; label mapping: {mapping}; {tab.train.n} train / "
        f"{0 if tab.test is None else tab.test.n} test rows."
    )
    scaler = None if tab.scaler.is_identity else tab.scaler
    if scaler is None:
        return DataChoice(source, tab.train, tab.test)
    # the axes say what was trained on: "age / 100 (standardized)"
    names = scaler.scaled_names(tab.train.feature_names)
    return DataChoice(
        source,
        replace(tab.train, feature_names=names),
        None if tab.test is None else replace(tab.test, feature_names=names),
        scaler,
    )


def csv_options(sb) -> tuple[tuple[float, float], str, float]:
    """A divisor per feature column (as a notebook's df['age'] / 100), the scaling and the test fraction."""
    d1, d2 = sb.columns(2)
    divide = (
        d1.number_input(
            "divide x1 by",
            min_value=1e-6,
            max_value=1e12,
            value=1.0,
            format="%g",
            key="csv_d1",
            help="As a notebook's df['age'] / 100: applied before any scaling.",
        ),
        d2.number_input("divide x2 by", min_value=1e-6, max_value=1e12, value=1.0, format="%g", key="csv_d2"),
    )
    scaling = sb.segmented_control("scaling", SCALINGS, default="standardize", required=True, key="csv_scaling")
    test = sb.slider("test fraction", 0.0, 0.5, 0.2, 0.05, key="csv_test")
    return (float(divide[0]), float(divide[1])), scaling, test
