"""logreg.tabular: CSV files in, checked and scaled Datasets out, every problem a ValueError."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest

from logreg.data import Dataset, split
from logreg.tabular import MIN_ROWS, Scaler, feature_columns, fit_scaler, from_frame, read_csv

ROWS = [
    ("1.5", "2", "no"),
    ("3", "4.25", "yes"),
    ("5", "-6", "no"),
    ("7", "8", "yes"),
    ("9", "10", "no"),
    ("11", "12.5", "yes"),
    ("-1", "0", "no"),
    ("2", "3", "yes"),
]


def csv_text(header=("x1", "x2", "y"), rows=ROWS, sep=",", newline="\n") -> str:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    return newline.join(lines) + newline


def csv_bytes(*args, encoding="utf-8", **kwargs) -> bytes:
    return csv_text(*args, **kwargs).encode(encoding)


def load(raw: bytes, features=("x1", "x2"), label="y", max_rows=None, **kwargs):
    df = read_csv(raw) if max_rows is None else read_csv(raw, max_rows=max_rows)
    return from_frame(df, features, label, **kwargs)


def numeric_rows(n: int, seed: int = 0, labels=("0", "1")):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 2) * [3.0, 0.5] + [10.0, -2.0]
    return [(repr(float(a)), repr(float(b)), labels[i % 2]) for i, (a, b) in enumerate(X)]


# --- happy paths --------------------------------------------------------------------------------


def test_yes_no_labels_map_to_0_1_in_sorted_order():
    data = load(csv_bytes(), scaling="none")
    assert data.label_mapping == {"no": 0, "yes": 1}
    assert data.train.class_names == ("no", "yes")
    np.testing.assert_array_equal(data.train.y, [0, 1, 0, 1, 0, 1, 0, 1])
    np.testing.assert_array_equal(data.train.X[:, 0], [1.5, 3, 5, 7, 9, 11, -1, 2])
    np.testing.assert_array_equal(data.train.X[:, 1], [2, 4.25, -6, 8, 10, 12.5, 0, 3])
    assert data.train.feature_names == ("x1", "x2")
    assert data.n_rows == 8 and data.test is None
    assert data.train.X.dtype == np.float64 and not data.train.X.flags.writeable


@pytest.mark.parametrize(
    ("labels", "mapping"),
    [
        (("0", "1"), {"0": 0, "1": 1}),
        (("1", "0"), {"0": 0, "1": 1}),  # order of appearance does not matter
        (("0.0", "1.0"), {"0.0": 0, "1.0": 1}),
        (("-1", "1"), {"-1": 0, "1": 1}),
        (("2", "10"), {"2": 0, "10": 1}),  # numbers sort as numbers, not as text
        (("No", "Yes"), {"No": 0, "Yes": 1}),
        (("cat", "Dog"), {"cat": 0, "Dog": 1}),  # case-insensitive order
    ],
)
def test_label_mapping(labels, mapping):
    rows = [(a, b, labels[i % 2]) for i, (a, b, _) in enumerate(ROWS)]
    data = load(csv_bytes(rows=rows), scaling="none")
    assert data.label_mapping == mapping
    first = str(rows[0][2])
    expected_first = mapping[first]
    assert data.train.y[0] == expected_first
    assert set(np.unique(data.train.y)) == {0.0, 1.0}


def test_zero_one_labels_stay():
    rows = numeric_rows(20)
    data = load(csv_bytes(rows=rows), scaling="none")
    np.testing.assert_array_equal(data.train.y, [float(r[2]) for r in rows])


def test_labels_with_spaces_are_stripped():
    rows = [(a, b, f"  {c} ") for a, b, c in ROWS]
    data = load(csv_bytes(rows=rows), scaling="none")
    assert data.label_mapping == {"no": 0, "yes": 1}


@pytest.mark.parametrize("kind", ["standardize", "minmax"])
def test_scaling_is_fitted_on_the_training_part_only(kind):
    rows = numeric_rows(60, seed=3)
    # put an outlier in a row that the seeded split sends to the test part
    ids = Dataset(X=np.arange(60.0)[:, None], y=np.zeros(60))
    test_rows = split(ids, 0.25, seed=4)[1].X[:, 0].astype(int)
    rows[test_rows[0]] = ("1000.0", "-500.0", rows[test_rows[0]][2])
    raw_X = np.array([[float(a), float(b)] for a, b, _ in rows])
    data = load(csv_bytes(rows=rows), scaling=kind, test_fraction=0.25, seed=4)
    assert data.train.n == 45 and data.test.n == 15
    sc = data.scaler
    assert sc.kind == kind
    # each part's raw rows, recovered from the scaled ones, are exactly the seeded split
    train_raw = data.train.X * sc.scale + sc.center
    test_raw = data.test.X * sc.scale + sc.center
    train_rows = split(ids, 0.25, seed=4)[0].X[:, 0].astype(int)  # in the shuffled order, as scikit-learn's
    assert sorted([*train_rows, *test_rows]) == list(range(60))
    np.testing.assert_allclose(train_raw, raw_X[train_rows], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(test_raw, raw_X[test_rows], rtol=1e-12, atol=1e-12)
    if kind == "standardize":
        np.testing.assert_allclose(sc.center, train_raw.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(sc.scale, train_raw.std(axis=0), rtol=1e-12)
        np.testing.assert_allclose(data.train.X.mean(axis=0), 0.0, atol=1e-12)
        np.testing.assert_allclose(data.train.X.std(axis=0), 1.0, rtol=1e-12)
    else:
        np.testing.assert_allclose(sc.center, train_raw.min(axis=0), rtol=1e-12)
        np.testing.assert_allclose(sc.scale, train_raw.max(axis=0) - train_raw.min(axis=0), rtol=1e-12)
        np.testing.assert_allclose(data.train.X.min(axis=0), 0.0, atol=1e-12)
        np.testing.assert_allclose(data.train.X.max(axis=0), 1.0, rtol=1e-12)
    # the outlier, unseen by the scaler, is far outside the training range
    assert np.all(sc.scale < 50)
    assert data.test.X[:, 0].max() > 20 and data.test.X[:, 1].min() < -20


def test_no_scaling_keeps_the_numbers():
    data = load(csv_bytes(), scaling="none")
    np.testing.assert_array_equal(data.scaler.center, [0.0, 0.0])
    np.testing.assert_array_equal(data.scaler.scale, [1.0, 1.0])


@pytest.mark.parametrize("kind", ["standardize", "minmax", "none"])
def test_scaler_to_original_keeps_the_decision_values(kind):
    rows = numeric_rows(40, seed=1)
    raw_X = np.array([[float(a), float(b)] for a, b, _ in rows])
    data = load(csv_bytes(rows=rows), scaling=kind)
    rng = np.random.RandomState(0)
    for _ in range(5):
        w, b = rng.randn(2) * 3, float(rng.randn())
        w_orig, b_orig = data.scaler.to_original(w, b)
        np.testing.assert_allclose(raw_X @ w_orig + b_orig, data.train.X @ w + b, rtol=1e-10, atol=1e-10)


def test_scaler_by_hand():
    sc = Scaler("standardize", np.array([10.0, -2.0]), np.array([2.0, 0.5]))
    np.testing.assert_allclose(sc.transform(np.array([[12.0, -1.0]])), [[1.0, 2.0]])
    w_o, b_o = sc.to_original(np.array([1.0, 1.0]), 0.5)
    np.testing.assert_allclose(w_o, [0.5, 2.0])
    assert b_o == pytest.approx(0.5 - (0.5 * 10.0 + 2.0 * -2.0))
    with pytest.raises(ValueError, match="scaling"):
        fit_scaler(np.ones((3, 2)), "robust", ("a", "b"))


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiters_are_detected(sep):
    df = read_csv(csv_bytes(sep=sep))
    assert list(df.columns) == ["x1", "x2", "y"]
    assert df.shape == (8, 3)
    data = load(csv_bytes(sep=sep), scaling="none")
    np.testing.assert_array_equal(data.train.X[:, 1], [2, 4.25, -6, 8, 10, 12.5, 0, 3])


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(newline):
    data = load(csv_bytes(newline=newline), scaling="none")
    assert data.n_rows == 8
    assert data.label_mapping == {"no": 0, "yes": 1}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "latin-1"])
def test_encodings(encoding):
    header = ("größe", "länge", "klasse")
    rows = [(a, b, "ja" if c == "yes" else "nein") for a, b, c in ROWS]
    text = csv_text(header, rows)
    if encoding == "utf-16-le-bom":
        raw = b"\xff\xfe" + text.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        raw = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        raw = text.encode(encoding)
    df = read_csv(raw)
    assert list(df.columns) == list(header)  # no BOM left on the first name, umlauts intact
    data = from_frame(df, ("größe", "länge"), "klasse", scaling="none")
    assert data.label_mapping == {"ja": 0, "nein": 1}
    np.testing.assert_array_equal(data.train.X[:, 0], [1.5, 3, 5, 7, 9, 11, -1, 2])


def test_latin1_label_values():
    rows = [(a, b, "été" if c == "yes" else "hiver") for a, b, c in ROWS]
    data = load(csv_bytes(rows=rows, encoding="latin-1"), scaling="none")
    assert data.label_mapping == {"hiver": 0, "été": 1}  # sorted by code point: "h" < "é"
    assert data.train.class_names == ("hiver", "été")


def test_sources_path_bytes_and_file(tmp_path):
    raw = csv_bytes()
    path = tmp_path / "data.csv"
    path.write_bytes(raw)
    for source in (str(path), raw, io.BytesIO(raw)):
        df = read_csv(source)
        assert list(df.columns) == ["x1", "x2", "y"] and len(df) == 8


def test_header_and_cells_with_html_are_plain_strings():
    header = ("<script>alert(1)</script>", "<b>bold</b>", "<img src=x onerror=alert(2)>")
    rows = [(a, b, "<script>alert('x')</script>" if c == "yes" else "&lt;no&gt;") for a, b, c in ROWS]
    df = read_csv(csv_bytes(header, rows))
    assert list(df.columns) == list(header)
    data = from_frame(df, header[:2], header[2], scaling="none")
    assert data.train.feature_names == header[:2]
    assert all(type(name) is str for name in data.train.feature_names)
    assert set(data.label_mapping) == {"<script>alert('x')</script>", "&lt;no&gt;"}
    assert all(type(name) is str for name in data.train.class_names)


def test_quoted_fields_with_delimiters_inside():
    rows = [(a, b, '"a, b"' if c == "yes" else "c") for a, b, c in ROWS]
    data = load(csv_bytes(rows=rows), scaling="none")
    assert data.label_mapping == {"a, b": 0, "c": 1}


def test_max_rows_exactly_is_fine():
    data = load(csv_bytes(rows=numeric_rows(100)), max_rows=100, scaling="none")
    assert data.n_rows == 100


def test_from_a_dataframe():
    df = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [6.0, 5, 4, 3, 2, 2], "c": ["x", "y"] * 3})
    data = from_frame(df, ("a", "b"), "c", scaling="standardize")
    assert data.label_mapping == {"x": 0, "y": 1}
    assert data.train.n == MIN_ROWS


def test_test_part_is_scaled_with_training_parameters():
    rows = numeric_rows(50, seed=9)
    data = load(csv_bytes(rows=rows), scaling="standardize", test_fraction=0.2, seed=1)
    assert data.test is not None and data.test.n == 10
    assert data.test.feature_names == ("x1", "x2")
    raw = {(float(a), float(b)) for a, b, _ in rows}
    recovered = data.test.X * data.scaler.scale + data.scaler.center
    for a, b in recovered:
        assert any(abs(a - p) < 1e-9 and abs(b - q) < 1e-9 for p, q in raw)


# --- the malformed corpus -----------------------------------------------------------------------


def rows_with(column: int, value: str, at: int = 2, rows=ROWS):
    out = [list(r) for r in rows]
    out[at][column] = value
    return [tuple(r) for r in out]


def random_bytes(seed: int, n: int, no_nul: bool) -> bytes:
    data = np.random.RandomState(seed).randint(0, 256, size=n).astype(np.uint8)
    if no_nul:
        data[data == 0] = 1
    return data.tobytes()


ONE_CLASS = [(a, b, "yes") for a, b, _ in ROWS]
THREE = [(a, b, ("a", "b", "c")[i % 3]) for i, (a, b, _) in enumerate(ROWS)]

# (id, raw bytes, keyword arguments for load, what the message must say)
MALFORMED = [
    ("empty", b"", {}, r"empty"),
    ("whitespace only", b"  \n\n\t \r\n", {}, r"empty"),
    ("only header", b"x1,x2,y\n", {}, r"0 data row"),
    ("only header no newline", b"x1,x2,y", {}, r"0 data row"),
    ("header and blank lines", b"x1,x2,y\n\n\n", {}, r"0 data row"),
    ("utf-16 bom only", b"\xff\xfe", {}, r"0 column|empty"),
    ("NUL bytes", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", {}, r"not text|binary"),
    ("NUL in the middle", csv_bytes().replace(b"4.25", b"4\x0025"), {}, r"not text|binary"),
    ("utf-16 without BOM", csv_text().encode("utf-16-le"), {}, r"not text|binary"),
    ("random bytes", random_bytes(0, 400, no_nul=False), {}, r"not text|binary"),
    ("random bytes without NUL", random_bytes(1, 400, no_nul=True), {}, r"column|CSV"),
    ("wrong delimiter: one column", csv_bytes(sep=":"), {}, r"found 1 column"),
    ("two columns", b"x1,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n", {}, r"found 2 column.*at least 3"),
    ("NaN literal in feature", csv_bytes(rows=rows_with(0, "NaN")), {}, r"'x1'.*missing"),
    ("empty feature cell", csv_bytes(rows=rows_with(1, "")), {}, r"'x2'.*missing"),
    ("text in numeric column", csv_bytes(rows=rows_with(0, "abc")), {}, r"'x1'.*finite numbers.*abc"),
    ("decimal comma", csv_bytes(rows=rows_with(1, "4,5"), sep=";"), {}, r"'x2'.*finite numbers.*4,5"),
    ("hex number", csv_bytes(rows=rows_with(0, "0x1F")), {}, r"'x1'.*finite numbers"),
    ("inf", csv_bytes(rows=rows_with(0, "inf")), {}, r"'x1'.*finite numbers.*inf"),
    ("-inf", csv_bytes(rows=rows_with(1, "-inf", at=5)), {}, r"'x2'.*finite numbers.*line 7"),
    ("1e300", csv_bytes(rows=rows_with(0, "1e300")), {}, r"'x1'.*1e12"),
    ("1e400 overflows", csv_bytes(rows=rows_with(0, "1e400")), {}, r"'x1'.*(finite|1e12)"),
    ("2e12", csv_bytes(rows=rows_with(1, "-2e12")), {}, r"'x2'.*1e12"),
    ("one class", csv_bytes(rows=ONE_CLASS), {}, r"'y'.*exactly 2.*has 1"),
    ("three classes", csv_bytes(rows=THREE), {}, r"'y'.*exactly 2.*has 3"),
    (
        "many classes",
        csv_bytes(rows=[(a, b, "abcdefg"[i % 7]) for i, (a, b, _) in enumerate(numeric_rows(30))]),
        {},
        r"has 7: 'a', 'b', 'c', 'd', 'e' …",
    ),
    ("one row", csv_bytes(rows=ROWS[:1]), {}, r"1 data row.*at least 6"),
    ("five rows", csv_bytes(rows=ROWS[:5]), {}, r"5 data row.*at least 6"),
    ("duplicate headers", csv_bytes(header=("x1", "x1", "y")), {}, r"unique.*x1"),
    ("duplicate after strip", csv_bytes(header=("x1", " x1 ", "y")), {}, r"unique.*x1"),
    ("empty header", csv_bytes(header=("x1", "", "y")), {}, r"column 2.*empty header"),
    ("blank header", csv_bytes(header=("x1", "  ", "y")), {}, r"column 2.*empty header"),
    ("trailing delimiter in header", csv_bytes(header=("x1", "x2", "y", "")), {}, r"column 4.*empty header"),
    (
        "script in a feature cell",
        csv_bytes(rows=rows_with(0, "<script>alert(1)</script>")),
        {},
        r"'x1'.*finite numbers",
    ),
    ("script header not the asked column", csv_bytes(header=("<script>", "x2", "y")), {}, r"'x1'.*not in the file"),
    ("more rows than max_rows", csv_bytes(rows=numeric_rows(101)), {"max_rows": 100}, r"more than 100 rows"),
    (
        "constant column, standardize",
        csv_bytes(rows=[(a, "3", c) for a, _, c in ROWS]),
        {"scaling": "standardize"},
        r"'x2'.*same value",
    ),
    (
        "constant column, minmax",
        csv_bytes(rows=[("7", b, c) for _, b, c in ROWS]),
        {"scaling": "minmax"},
        r"'x1'.*same value",
    ),
    ("missing label value", csv_bytes(rows=rows_with(2, "")), {}, r"label column 'y'.*missing"),
    ("missing label NA", csv_bytes(rows=rows_with(2, "NA", at=4)), {}, r"label column 'y'.*missing"),
    ("short row", csv_bytes(rows=[*ROWS[:3], ("1", "2"), *ROWS[3:]]), {}, r"'y'.*missing"),
    (
        "long row in the middle",
        csv_bytes(rows=[*ROWS[:3], ("1", "2", "no", "9"), *ROWS[3:]]),
        {},
        r"not a well-formed CSV.*4",
    ),
    ("every row one field longer", csv_bytes(rows=[(*r, "9") for r in ROWS]), {}, r"4 fields.*3"),
    ("trailing delimiter in rows only", csv_bytes(rows=[(*r, "") for r in ROWS]), {}, r"4 fields.*3"),
    ("unterminated quote", csv_bytes(rows=rows_with(2, '"no')), {}, r"not a well-formed CSV"),
    (
        "header field over the csv limit",
        csv_bytes(header=("x1", "x2", "y" * 200_000)),
        {},
        r"not a well-formed CSV.*field",
    ),
    ("feature column missing", csv_bytes(header=("a", "x2", "y")), {}, r"'x1'.*not in the file.*'a'"),
    ("label column missing", csv_bytes(header=("x1", "x2", "label")), {}, r"'y'.*not in the file"),
    ("same feature twice", csv_bytes(), {"features": ("x1", "x1")}, r"two different"),
    ("label is a feature", csv_bytes(), {"features": ("x1", "y")}, r"two different|neither"),
    ("unknown scaling", csv_bytes(), {"scaling": "robust"}, r"scaling.*robust"),
    ("test fraction 1", csv_bytes(), {"test_fraction": 1.0}, r"test_fraction"),
    ("test fraction negative", csv_bytes(), {"test_fraction": -0.2}, r"test_fraction"),
    # seed 0 shuffles 8 rows as [6, 2, 1, 7, 3, 0, 5, 4]: the test half is rows 1, 2, 6, 7
    (
        "training part one class",
        csv_bytes(rows=[(a, b, "yes" if i in (1, 2, 6, 7) else "no") for i, (a, b, _) in enumerate(ROWS)]),
        {"test_fraction": 0.5, "seed": 0},
        r"training part.*one class",
    ),
]


@pytest.mark.parametrize(("raw", "kwargs", "pattern"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_malformed_input_raises_value_error_saying_what_is_wrong(raw, kwargs, pattern):
    with pytest.raises(ValueError) as info:  # any other exception fails the test
        load(raw, **kwargs)
    message = str(info.value)
    assert message.strip()
    assert len(message) < 400
    assert "Traceback" not in message
    assert re.search(pattern, message), message


def test_the_corpus_is_large_and_distinct():
    assert len(MALFORMED) >= 30
    assert len({c[0] for c in MALFORMED}) == len(MALFORMED)


def test_training_part_one_class_case_uses_the_right_rows():
    order = np.random.RandomState(0).permutation(8)
    assert sorted(order[:4].tolist()) == [1, 2, 6, 7]


@pytest.mark.parametrize("seed", range(20))
def test_random_bytes_never_raise_anything_but_value_error(seed):
    rng = np.random.RandomState(seed)
    pieces = [
        b"x1",
        b"x2",
        b"y",
        b",",
        b";",
        b"\t",
        b"|",
        b"\n",
        b"\r",
        b'"',
        b"1",
        b"0",
        b".",
        b"e",
        b"-",
        b"nan",
        b"inf",
        b"yes",
        b"no",
        b" ",
        b"\xff",
        b"\xfe",
        b"\xe9",
        b"\x00",
    ]
    raw = b"".join(pieces[i] for i in rng.randint(0, len(pieces), size=rng.randint(0, 300)))
    try:
        df = read_csv(raw)
    except ValueError as exc:
        assert str(exc)
        return
    columns = list(df.columns)
    if len(columns) >= 3:
        try:
            from_frame(df, (columns[0], columns[1]), columns[2], test_fraction=0.3)
        except ValueError as exc:
            assert str(exc)


# --- file lines, unreadable columns, tiny values ------------------------------------------------


def lines_with(bad_line: int, value: str, n: int = 12, newline: str = "\n") -> tuple[bytes, int]:
    """A CSV with a blank line and a quoted two-line note early on; `value` in x1 on data row `bad_line`.

    Returns the bytes and the 1-based file line (header = line 1) that row starts on, counted here.
    """
    out = ["x1,x2,y,note"]
    for i in range(n):
        if i == 2:
            out.append("")  # a blank line: pandas skips it, the file still has it
        if i == bad_line:
            line = sum(part.count(newline) + 1 for part in out) + 1
        note = f'"two{newline}lines"' if i == 1 else "-"
        out.append(f"{value if i == bad_line else i % 5 + 1},{(i * 3) % 7},{'ab'[i % 2]},{note}")
    return newline.join(out).encode(), line


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("abc", "'abc'"),
        ("0x1F", "hexadecimal"),
        ("1000000000000000000000000000000", "±1e12"),
        ("inf", "'inf'"),
        ("12 apples", "'12 apples'"),
    ],
)
def test_an_unreadable_feature_cell_is_named_with_its_file_line(value, needle, newline):
    raw, line = lines_with(6, value, newline=newline)
    assert raw.decode().split(newline)[line - 1].startswith(value)  # the test's own count of the line
    df = read_csv(raw)
    with pytest.raises(ValueError) as info:
        from_frame(df, ("x1", "x2"), "y", scaling="none")
    message = str(info.value)
    assert "'x1'" in message and f"line {line} " in message and needle in message, message
    # the column is listed as unusable with the same reason, and a choice that left it out says why
    usable, problems = feature_columns(df)
    assert "x1" not in usable and "x2" in usable and problems["x1"] == message
    with pytest.raises(ValueError, match=rf"two different feature columns.*'x1'.*line {line}"):
        from_frame(df, ("x2", "y"), "y")


def test_line_numbers_without_blank_lines_or_quotes():
    raw, line = lines_with(6, "abc")
    plain = raw.decode().replace('"two\nlines"', "x").replace("\n\n", "\n").encode()
    with pytest.raises(ValueError, match=f"line {line - 2} "):  # one blank line and one line of the quote fewer
        load(plain, scaling="none")


def test_integers_of_1e30_are_read_after_a_divisor():
    rows = [(str(10**30 * (i % 5 + 1)), str((i * 3) % 7), "ab"[i % 2]) for i in range(10)]
    df = read_csv(csv_bytes(rows=rows))
    with pytest.raises(ValueError, match=r"'x1'.*±1e12.*line 2 .*divide"):
        from_frame(df, ("x1", "x2"), "y", scaling="none")
    data = from_frame(df, ("x1", "x2"), "y", scaling="none", divide={"x1": 1e30})
    np.testing.assert_array_equal(data.train.X[:, 0], [float(10**30 * (i % 5 + 1)) / 1e30 for i in range(10)])


@pytest.mark.parametrize("kind", ["standardize", "minmax"])
def test_distinct_values_near_1e_300_are_scaled_not_called_constant(kind):
    from fractions import Fraction

    values = [(i % 5 + 1) * 1e-300 for i in range(12)]
    rows = [(repr(v), str((i * 3) % 7), "ab"[i % 2]) for i, v in enumerate(values)]
    data = load(csv_bytes(rows=rows), scaling=kind)
    exact = [Fraction(v) for v in data.train.X[:, 0] * 0 + np.array([float(r[0]) for r in rows])]
    if kind == "standardize":  # mean and population standard deviation in exact arithmetic
        mean = sum(exact) / len(exact)
        var = sum((v - mean) ** 2 for v in exact) / len(exact)
        assert data.scaler.center[0] == pytest.approx(float(mean), rel=1e-14)
        assert data.scaler.scale[0] == pytest.approx(float(var) ** 0.5, rel=1e-14)
        assert data.scaler.scale[0] > 0
    else:
        assert data.scaler.scale[0] == float(max(exact) - min(exact))
    assert len(set(data.train.X[:, 0])) == 5 and np.all(np.isfinite(data.train.X))
    # a truly constant column is still refused, with its value
    constant = [("1e-300", b, c) for _, b, c in rows]
    with pytest.raises(ValueError, match=r"'x1'.*same value.*1e-300"):
        load(csv_bytes(rows=constant), scaling=kind)


# --- divisors and original units ----------------------------------------------------------------


def test_divide_is_the_notebook_division_and_maps_back():
    rows = numeric_rows(40, seed=2)
    raw_X = np.array([[float(a), float(b)] for a, b, _ in rows])
    data = load(csv_bytes(rows=rows), scaling="none", divide={"x1": 100})
    assert [float(v) for v in data.train.X[:, 0]] == [float(a) / 100 for a, _, _ in rows]  # the same division
    np.testing.assert_array_equal(data.train.X[:, 1], raw_X[:, 1])
    assert not data.scaler.is_identity
    assert data.scaler.scaled_names(("x1", "x2")) == ("x1 / 100", "x2")
    w_o, b_o = data.scaler.to_original(np.array([3.0, -2.0]), 0.5)
    assert w_o[0] == 3.0 / 100 and w_o[1] == -2.0 and b_o == 0.5


@pytest.mark.parametrize(
    ("kind", "divide"),
    [("standardize", None), ("minmax", None), ("standardize", {"share": 0.01}), ("none", {"age": 100, "share": -4})],
)
def test_weights_in_file_units_match_sklearn_on_the_raw_file(kind, divide):
    lm = pytest.importorskip("sklearn.linear_model")
    rng = np.random.RandomState(5)
    X = rng.randn(300, 2) * [12.0, 0.05] + [45.0, 0.4]
    z = 0.15 * (X[:, 0] - 45) + 30 * (X[:, 1] - 0.4)
    y = (rng.random_sample(300) < 1 / (1 + np.exp(-z))).astype(int)
    df = pd.DataFrame({"age": X[:, 0], "share": X[:, 1], "bought": y})
    data = from_frame(df, ("age", "share"), "bought", scaling=kind, divide=divide)

    def fit(A):
        return lm.LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(A, y)

    on_scaled, on_raw = fit(data.train.X), fit(X)
    w_o, b_o = data.scaler.to_original(on_scaled.coef_[0], float(on_scaled.intercept_[0]))
    np.testing.assert_allclose(w_o, on_raw.coef_[0], rtol=1e-8)
    assert b_o == pytest.approx(float(on_raw.intercept_[0]), rel=1e-8)
    # the whole-history form agrees with the one-at-a-time form
    W = np.array([on_scaled.coef_[0], [1.0, -1.0], [0.0, 0.0]])
    B = np.array([float(on_scaled.intercept_[0]), 0.25, -1.0])
    W_o, B_o = data.scaler.history_to_original(W, B)
    for t in range(3):
        w_t, b_t = data.scaler.to_original(W[t], B[t])
        np.testing.assert_allclose(W_o[t], w_t, rtol=1e-15)
        assert B_o[t] == pytest.approx(b_t, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize(
    ("divide", "pattern"),
    [
        ({"x3": 2.0}, r"divide.*'x3'.*not a feature"),
        ({"x1": 0.0}, r"divide.*non-zero.*'x1': 0.0"),
        ({"x1": float("nan")}, r"divide.*finite"),
        ({"x1": "100"}, r"divide.*'100'"),
    ],
)
def test_bad_divisors_are_refused_by_name(divide, pattern):
    with pytest.raises(ValueError, match=pattern):
        load(csv_bytes(), scaling="none", divide=divide)


def test_no_scaling_is_the_identity():
    data = load(csv_bytes(), scaling="none")
    assert data.scaler.is_identity
    assert data.scaler.scaled_names(("x1", "x2")) == ("x1", "x2")
    assert load(csv_bytes(), scaling="standardize").scaler.scaled_names(("a", "b")) == (
        "a (standardized)",
        "b (standardized)",
    )
