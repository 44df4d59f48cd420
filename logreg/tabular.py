"""Tabular data: a CSV or DataFrame turned into a checked Dataset, scaled and split.

Every problem a file can have becomes a ValueError saying what is wrong and what is allowed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .data import Dataset, _frozen, split

SCALINGS = ("none", "standardize", "minmax")
MIN_ROWS = 6  # fewer rows cannot show a boundary or fill a train/test split
MAX_ROWS = 200_000  # what one shared classroom process trains interactively


@dataclass(frozen=True, eq=False)
class Scaler:
    """x' = (x − center) / scale, per feature; kept so a boundary can be drawn in original units."""

    kind: str
    center: np.ndarray
    scale: np.ndarray

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (X - self.center) / self.scale

    def to_original(self, w: np.ndarray, b: float) -> tuple[np.ndarray, float]:
        """(w, b) on scaled features to the same line on original ones:
        w·(x − c)/s + b = (w/s)·x + (b − Σ w·c/s)."""
        w_orig = np.asarray(w, float) / self.scale
        return w_orig, float(b - np.sum(w_orig * self.center))


def fit_scaler(X: np.ndarray, kind: str, names: tuple[str, ...]) -> Scaler:
    """Scaling parameters from X (the training part only, so the test part stays unseen)."""
    d = X.shape[1]
    if kind == "none":
        return Scaler(kind, np.zeros(d), np.ones(d))
    if kind == "standardize":
        center, scale = X.mean(axis=0), X.std(axis=0)
    elif kind == "minmax":
        center, scale = X.min(axis=0), X.max(axis=0) - X.min(axis=0)
    else:
        raise ValueError(f"scaling must be one of {SCALINGS}; got {kind!r}")
    for name, s in zip(names, scale):
        if not s > 0:
            raise ValueError(f"column {name!r} has the same value in every training row, so it cannot be scaled")
    return Scaler(kind, center, scale)


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
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)  # "": CR-only rows too, like pandas
    try:
        header = next(rows, [])
        first = next((row for row in rows if row), [])
    except csv.Error as exc:
        raise ValueError(f"the file is not a well-formed CSV: {exc}") from None
    names = [h.strip() for h in header]
    if len(names) < 3:
        raise ValueError(
            f"found {len(names)} column(s) in the header; a CSV needs at least 3 "
            "(two numeric features and a label), separated by commas, semicolons, tabs or |"
        )
    if any(not h for h in names):
        raise ValueError(f"column {names.index('') + 1} has an empty header: every column needs a name")
    dupes = sorted({h for h in names if names.count(h) > 1})
    if dupes:
        raise ValueError(f"column names must be unique; repeated: {', '.join(dupes)}")
    if len(first) > len(names):  # pandas would silently take the surplus leading fields as row labels
        raise ValueError(f"the first data row has {len(first)} fields but the header names only {len(names)} columns")
    try:
        df = pd.read_csv(io.StringIO(text), sep=delimiter, skipinitialspace=True, nrows=max_rows + 1)
    except (pd.errors.ParserError, ValueError) as exc:
        raise ValueError(f"the file is not a well-formed CSV: {str(exc).splitlines()[0][:200]}") from None
    if len(df) > max_rows:
        raise ValueError(f"the file has more than {max_rows:,} rows; use at most {max_rows:,}")
    df.columns = names[: len(df.columns)]
    return df


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _numeric(df: pd.DataFrame, col: str) -> np.ndarray:
    values = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
    missing = df[col].isna().to_numpy()
    if missing.any():
        row = int(np.argmax(missing)) + 2
        raise ValueError(
            f"column {col!r} has {int(missing.sum())} missing value(s) (first on line {row}); fill or remove them"
        )
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"column {col!r} must hold finite numbers; line {i + 2} has {str(df[col].iloc[i])[:40]!r}"
        )
    if np.abs(values).max() > 1e12:
        raise ValueError(f"column {col!r} has numbers beyond ±1e12; rescale the column")
    return values


def from_frame(
    df: pd.DataFrame,
    features: tuple[str, str],
    label: str,
    *,
    scaling: str = "standardize",
    test_fraction: float = 0.0,
    seed: int = 0,
) -> TabularData:
    """Two numeric feature columns and a two-valued label column → scaled train/test Datasets.

    Label values are mapped to 0/1 in sorted order (so "no"/"yes" → 0/1, 0/1 stay 0/1).
    Scaling is fitted on the training part only.
    """
    columns = [str(c) for c in df.columns]
    for col in (*features, label):
        if col not in columns:
            raise ValueError(f"column {col!r} is not in the file; its columns are {columns}")
    if len(set(features)) != 2 or label in features:
        raise ValueError("choose two different feature columns and a label column that is neither of them")
    if scaling not in SCALINGS:
        raise ValueError(f"scaling must be one of {SCALINGS}; got {scaling!r}")
    if len(df) < MIN_ROWS:
        raise ValueError(f"the file has {len(df)} data row(s); at least {MIN_ROWS} are needed")
    X = np.column_stack([_numeric(df, f) for f in features])
    labels = df[label]
    if labels.isna().any():
        raise ValueError(f"label column {label!r} has {int(labels.isna().sum())} missing value(s)")
    keys = labels.astype(str).str.strip()
    classes = sorted(keys.unique(), key=_label_order)
    if len(classes) != 2:
        shown = ", ".join(repr(c) for c in classes[:5]) + (" …" if len(classes) > 5 else "")
        raise ValueError(f"label column {label!r} must have exactly 2 distinct values; it has {len(classes)}: {shown}")
    mapping = {classes[0]: 0, classes[1]: 1}
    y = (keys == classes[1]).to_numpy(dtype=float)
    raw = Dataset(X=_frozen(X), y=_frozen(y), feature_names=tuple(features), class_names=(classes[0], classes[1]))
    train_raw, test_raw = split(raw, test_fraction, seed)
    if np.all(train_raw.y == train_raw.y[0]):
        raise ValueError("the training part holds only one class; use a smaller test fraction or another seed")
    scaler = fit_scaler(train_raw.X, scaling, tuple(features))

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
