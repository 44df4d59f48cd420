"""Tabular data: a CSV or DataFrame turned into a checked Dataset, split, divided and scaled.

The split is scikit-learn's train_test_split (`logreg.data.split`); a feature may be divided by a
fixed number, as tutorials do (`age / 100`); scaling is fitted on the training rows; the `Scaler`
maps trained weights back to the file's own units. Every problem a file can have becomes a
ValueError saying what is wrong, where (column, file line, value) and what is allowed.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .data import Dataset, _frozen, split
from .formatting import shorten

SCALINGS = ("none", "standardize", "minmax")
MIN_ROWS = 6  # fewer rows cannot show a boundary or fill a train/test split
MAX_ROWS = 200_000  # what one shared classroom process trains interactively
MAX_FEATURE = 1e12  # said as "±1e12" in messages; larger values (after any divisor) swamp the first steps
MAX_COLUMNS = 1000  # checked on the header, before the table is built: each column is checked on its own
MAX_NAME = 100  # characters of a column name kept (a longer one keeps its start and end, and the page says so)
MAX_VALUE = 40  # characters of a cell or label value quoted in a message
DELIMITERS = ",;\t|"


@dataclass(frozen=True, eq=False)
class Scaler:
    """x' = (x / divisor − center) / scale, per feature; kept so weights can be shown in original units.

    divisor (d,): a fixed per-column divisor chosen by hand (1 where none), the notebook habit of
    `df["age"] / 100`; center and scale (d,) are then fitted on the divided training values.
    """

    kind: str
    center: np.ndarray
    scale: np.ndarray
    divisor: np.ndarray | None = None  # None: no column divided

    @property
    def divisors(self) -> np.ndarray:
        return np.ones(len(self.scale)) if self.divisor is None else np.asarray(self.divisor, float)

    @property
    def is_identity(self) -> bool:
        """True when x' = x: no divisor, no centring, no scaling, so trained weights are in file units."""
        return bool(np.all(self.divisors == 1) and np.all(self.center == 0) and np.all(self.scale == 1))

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, float)
        if self.divisor is not None:
            X = X / self.divisors  # the division first, exactly as a notebook writes it
        return (X - self.center) / self.scale

    def to_original(self, w: np.ndarray, b: float) -> tuple[np.ndarray, float]:
        """(w, b) on scaled features to the same line on original ones, with k the divisor:
        w·(x/k − c)/s + b = (w/(s·k))·x + (b − Σ w·c/s)."""
        w_scaled = np.asarray(w, float) / self.scale
        return w_scaled / self.divisors, float(b - np.sum(w_scaled * self.center))

    def history_to_original(self, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`to_original` for a whole run at once: W (T, d) and b (T,) → the same in file units."""
        W_scaled = np.asarray(W, float) / self.scale
        return W_scaled / self.divisors, np.asarray(b, float) - W_scaled @ self.center

    def scaled_names(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """What each trained feature is, in words: "age / 100", "affordibility (standardized)", …"""
        out = []
        for name, k in zip(names, self.divisors):
            label = name if k == 1 else f"{name} / {k:g}"
            if self.kind != "none":
                label = f"{label} ({'standardized' if self.kind == 'standardize' else 'min-max scaled'})"
            out.append(label)
        return tuple(out)


def fit_scaler(X: np.ndarray, kind: str, names: tuple[str, ...], divisor: np.ndarray | None = None) -> Scaler:
    """Scaling parameters from X (the training part only, so the test part stays unseen).

    standardize: center = mean, scale = standard deviation (computed on x / 2^e ≤ 1, so values
    near 1e-300 do not underflow); minmax: center = min, scale = max − min. X is divided by
    `divisor` first when one is given.
    """
    X = np.asarray(X, float)
    d = X.shape[1]
    if divisor is not None:
        X = X / divisor
    if kind == "none":
        return Scaler(kind, np.zeros(d), np.ones(d), divisor)
    if kind not in SCALINGS:
        raise ValueError(f"scaling must be one of {SCALINGS}; got {kind!r}")
    lo, hi = X.min(axis=0), X.max(axis=0)
    for name, a, b in zip(names, lo, hi):
        if a == b:
            raise ValueError(
                f"column {name!r} has the same value in every training row ({a:g}), so it cannot be scaled"
            )
    if kind == "standardize":
        # mean and std of X / 2^e with 2^e ≥ max|x|: a power of two, so the division is exact and the
        # squares inside std neither underflow (values near 1e-300) nor overflow
        size = np.ldexp(1.0, np.frexp(np.maximum(np.abs(lo), np.abs(hi)))[1])
        center, scale = size * (X / size).mean(axis=0), size * (X / size).std(axis=0)
    else:
        center, scale = lo, hi - lo
    for name, a, b, sc in zip(names, lo, hi, scale):
        if not (np.isfinite(sc) and sc > 0):
            raise ValueError(
                f"column {name!r} varies too little to be scaled (from {a!r} to {b!r}); choose scaling none"
            )
    return Scaler(kind, center, scale, divisor)


@dataclass(frozen=True, eq=False)
class TabularData:
    """A file made ready for training: scaled train (and test) sets and how they were made."""

    train: Dataset
    test: Dataset | None
    scaler: Scaler
    label_mapping: dict[str, int]
    n_rows: int


def read_csv(source: str | bytes | io.IOBase, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """Read a CSV (path, bytes or file) with a header row; the delimiter (, ; tab |) is detected.

    Accepts UTF-8 (with or without BOM), UTF-16 with BOM and Latin-1 text.
    """
    if isinstance(source, (str,)):
        with open(source, "rb") as fh:
            raw = fh.read()
    elif isinstance(source, bytes):
        raw = source
    else:
        raw = source.read()
    if not raw.strip():
        raise ValueError("the file is empty: a CSV needs a header row and data rows")
    text = _decode(raw)
    if "\x00" in text:
        raise ValueError("the file is not text (it contains binary bytes): upload a CSV file")
    delimiter = _delimiter(text[:65536])
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)  # "": CR-only rows too, like pandas
    try:
        header = next(rows, [])
        if len(header) > MAX_COLUMNS:  # before the first data row is read, or the table built
            raise ValueError(f"the file has {len(header):,} columns; use at most {MAX_COLUMNS:,}")
        first = next((row for row in rows if row), [])
    except csv.Error as exc:
        raise ValueError(f"the file is not a well-formed CSV: {shorten(str(exc), 200)}") from None
    names = _column_names(header)
    if len(first) > len(names):  # pandas would silently take the surplus leading fields as row labels
        raise ValueError(f"the first data row has {len(first)} fields but the header names only {len(names)} columns")
    try:
        df = pd.read_csv(io.StringIO(text), sep=delimiter, skipinitialspace=True, nrows=max_rows + 1)
    except (pd.errors.ParserError, ValueError) as exc:
        raise ValueError(f"the file is not a well-formed CSV: {str(exc).splitlines()[0][:200]}") from None
    if len(df) > max_rows:
        raise ValueError(f"the file has more than {max_rows:,} rows; use at most {max_rows:,}")
    if _rows_are_not_lines(text, len(df)):  # blank lines or quoted fields: row i need not be on line i + 2
        lines = _data_lines(text, delimiter)
        if lines is not None and len(lines) >= len(df):
            df.attrs["line_numbers"] = np.array(lines[: len(df)])
    df.columns = names[: len(df.columns)]
    df.attrs["shortened_names"] = sum(len(h.strip()) > MAX_NAME for h in header)
    return df


def _column_names(header: list[str]) -> list[str]:
    """The header's names, stripped and each cut to MAX_NAME characters; checked to be at least three,
    named and unique (in one pass, with a counter)."""
    names = [shorten(h.strip(), MAX_NAME, tail=MAX_NAME // 3) for h in header]
    if len(names) < 3:
        raise ValueError(
            f"found {len(names)} column(s) in the header; a CSV needs at least 3 "
            "(two numeric features and a label), separated by commas, semicolons, tabs or |"
        )
    if "" in names:
        raise ValueError(f"column {names.index('') + 1} has an empty header: every column needs a name")
    dupes = sorted(name for name, count in Counter(names).items() if count > 1)
    if dupes:
        shown = ", ".join(shorten(name, MAX_VALUE) for name in dupes[:5]) + (" …" if len(dupes) > 5 else "")
        cut = f" (names are cut to {MAX_NAME} characters)" if any(len(h.strip()) > MAX_NAME for h in header) else ""
        raise ValueError(f"column names must be unique{cut}; repeated: {shown}")
    return names


def _delimiter(sample: str) -> str:
    """The delimiter (, ; tab |) that splits the sample's first lines into rows as wide as the header,
    with at least two fields: the most such rows win, then the wider header; "," when none does.

    csv's own Sniffer runs regular expressions whose time grows with the square of the sample (seconds
    on a 64 KB sample of `,"a,"a…`); here each candidate is one pass of the csv reader over 20 rows."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in itertools.islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), 20)]
        except csv.Error:
            continue
        rows = [r for r in rows if r]
        width = len(rows[0]) if rows else 0
        score = (sum(len(r) == width for r in rows), width)
        if width >= 2 and score > best_score:
            best, best_score = delimiter, score
    return best


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _rows_are_not_lines(text: str, n_rows: int) -> bool:
    """True when some data row may not start on line (row index + 2): the text has a quote (a field may
    span lines) or more lines than header + rows (pandas skipped blank ones). Two counts, no parsing."""
    if '"' in text:
        return True
    body = text.rstrip("\r\n")
    breaks = body.count("\n") + body.count("\r") - body.count("\r\n")
    return breaks != n_rows


def _data_lines(text: str, delimiter: str) -> list[int] | None:
    """The file line (1-based, header = line 1) on which each data row starts, blank lines skipped as
    pandas skips them; None if the csv module cannot read the text."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    starts, previous = [], 0
    try:
        for row in reader:
            if row and any(field.strip() for field in row):
                starts.append(previous + 1)
            previous = reader.line_num
    except csv.Error:
        return None
    return starts[1:]


def file_line(df: pd.DataFrame, i: int) -> int:
    """The file line of data row i (0-based): recorded by `read_csv`, else i + 2 (header on line 1)."""
    lines = df.attrs.get("line_numbers")
    return int(lines[i]) if lines is not None and i < len(lines) else i + 2


def column_problem(df: pd.DataFrame, col: str, divisor: float = 1.0) -> str | None:
    """Why column `col` cannot be a feature, naming the first bad line and its value; None if it can.

    A feature is a column of decimal numbers (after division by `divisor`, within ±MAX_FEATURE).
    """
    cells = df[col]
    missing = cells.isna().to_numpy()
    if missing.any():
        return (
            f"column {col!r} has {int(missing.sum())} missing value(s) (first on line "
            f"{file_line(df, int(np.argmax(missing)))}); fill or remove them"
        )
    with np.errstate(all="ignore"):
        values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float) / divisor
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        shown = shorten(str(cells.iloc[i]), MAX_VALUE)
        hint = "" if np.isnan(values[i]) else " (not a finite number)"
        if shown.strip().lower().startswith(("0x", "-0x", "+0x")):
            hint = " (hexadecimal numbers are not read; write them in decimal)"
        return (
            f"column {col!r} must hold finite numbers, but line {file_line(df, i)} has {shown!r}{hint}, "
            f"one of {int(bad.sum())} value(s) that could not be read as numbers"
        )
    big = np.abs(values) > MAX_FEATURE
    if big.any():
        i = int(np.argmax(big))
        per = "" if divisor == 1 else f" after dividing by {divisor:g}"
        return (
            f"column {col!r} has numbers beyond ±1e12{per}: line {file_line(df, i)} has "
            f"{shorten(str(cells.iloc[i]), MAX_VALUE)!r}; divide the column by a power of ten"
        )
    return None


def feature_columns(df: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """The columns that can be features, and for every other column the reason it cannot
    (`column_problem`: the column, the first line that could not be read and its value)."""
    usable, problems = [], {}
    for col in (str(c) for c in df.columns):
        problem = column_problem(df, col)
        if problem is None:
            usable.append(col)
        else:
            problems[col] = problem
    return usable, problems


def _numeric(df: pd.DataFrame, col: str, divisor: float = 1.0) -> np.ndarray:
    problem = column_problem(df, col, divisor)
    if problem is not None:
        raise ValueError(problem)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)


def _divisors(divide: Mapping[str, float] | None, features: tuple[str, str]) -> np.ndarray | None:
    if not divide:
        return None
    for col, k in divide.items():
        if col not in features:
            raise ValueError(f"divide names column {col!r}, which is not a feature; the features are {list(features)}")
        if (
            isinstance(k, bool)
            or not isinstance(k, (int, float, np.integer, np.floating))
            or not (np.isfinite(k) and k != 0)
        ):
            raise ValueError(f"divide must map a feature column to a finite non-zero number; got {col!r}: {k!r}")
    return np.array([float(divide.get(f, 1.0)) for f in features])


def from_frame(
    df: pd.DataFrame,
    features: tuple[str, str],
    label: str,
    *,
    scaling: str = "standardize",
    test_fraction: float = 0.0,
    seed: int = 0,
    divide: Mapping[str, float] | None = None,
) -> TabularData:
    """Two numeric feature columns and a two-valued label column → scaled train/test Datasets.

    Label values are mapped to 0/1 in sorted order (so "no"/"yes" → 0/1, 0/1 stay 0/1).
    The split is scikit-learn's `train_test_split(X, y, test_size=test_fraction, random_state=seed)`
    on the file's rows (see `logreg.data.split`). divide {column: k}: that feature is used as x / k,
    like a notebook's `X_train["age"] / 100`; the chosen scaling then applies to the divided values.
    Scaling is fitted on the training part only; `scaler.to_original` maps weights back to file units.
    """
    columns = [str(c) for c in df.columns]
    for col in (*features, label):
        if col not in columns:
            raise ValueError(f"column {col!r} is not in the file; its columns are {columns}")
    if len(set(features)) != 2 or label in features:
        unreadable = feature_columns(df)[1]
        why = "".join(f"; {p}" for c, p in unreadable.items() if c != label)
        raise ValueError("choose two different feature columns and a label column that is neither of them" + why)
    if scaling not in SCALINGS:
        raise ValueError(f"scaling must be one of {SCALINGS}; got {scaling!r}")
    divisor = _divisors(divide, tuple(features))
    if len(df) < MIN_ROWS:
        raise ValueError(f"the file has {len(df)} data row(s); at least {MIN_ROWS} are needed")
    ks = np.ones(2) if divisor is None else divisor
    X = np.column_stack([_numeric(df, f, k) for f, k in zip(features, ks)])
    labels = df[label]
    if labels.isna().any():
        raise ValueError(f"label column {label!r} has {int(labels.isna().sum())} missing value(s)")
    keys = labels.astype(str).str.strip()
    classes = sorted(keys.unique(), key=_label_order)
    if len(classes) != 2:
        shown = ", ".join(repr(shorten(c, MAX_VALUE)) for c in classes[:5]) + (" …" if len(classes) > 5 else "")
        raise ValueError(f"label column {label!r} must have exactly 2 distinct values; it has {len(classes)}: {shown}")
    mapping = {classes[0]: 0, classes[1]: 1}
    y = (keys == classes[1]).to_numpy(dtype=float)
    raw = Dataset(X=_frozen(X), y=_frozen(y), feature_names=tuple(features), class_names=(classes[0], classes[1]))
    train_raw, test_raw = split(raw, test_fraction, seed)
    if np.all(train_raw.y == train_raw.y[0]):
        raise ValueError("the training part holds only one class; use a smaller test fraction or another seed")
    scaler = fit_scaler(train_raw.X, scaling, tuple(features), divisor)

    def scaled(part: Dataset | None) -> Dataset | None:
        if part is None:
            return None
        return replace(part, X=_frozen(scaler.transform(part.X)))

    return TabularData(scaled(train_raw), scaled(test_raw), scaler, mapping, len(df))


def _label_order(value: str) -> tuple[int, float, str]:
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value.lower())
