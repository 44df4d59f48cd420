"""What a hostile visitor sends is handled in linear time: text is cut before anything formats it, no
regular expression reads it, a wide file is checked column by column a bounded number of times, and
numbers in links are ASCII. These tests count and measure lengths, never time, so they do not depend on
the machine's speed. The pages themselves are rendered under AppTest: each gives a run or a clear message.
"""

from __future__ import annotations

import ast
import io
from pathlib import Path

import numpy as np
import pytest
from test_app import app, csv_app, no_exception, player_data, texts

from logreg import tabular
from logreg.app import settings
from logreg.app.settings import MAX_SHOWN, parse_query, plain
from logreg.formatting import shorten
from logreg.plot_parts import CHART_NAME, shown_names
from logreg.tabular import MAX_COLUMNS, MAX_NAME, feature_columns, from_frame, read_csv

ROOT = Path(__file__).resolve().parents[1]
PATTERN_CALLS = {"compile", "search", "match", "fullmatch", "split", "findall", "finditer", "sub", "subn"}


# ---------------------------------------------------------------- no pattern over visitor text
def _regex_uses(tree: ast.AST) -> list[str]:
    """Every `re` import and every pattern literal handed to an `re` function in a module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name == "re" for a in node.names):
            found.append("import re")
        elif isinstance(node, ast.ImportFrom) and node.module == "re":
            found.append("from re import …")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in PATTERN_CALLS
        ):
            found.append(ast.unparse(node.args[0]) if node.args else "?")
    return found


def _unbounded(pattern: str) -> bool:
    """Whether a pattern repeats without bound: *, + or {n,} outside a character class."""
    escaped = in_class = False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif not in_class and (ch in "*+" or (ch == "{" and ",}" in pattern[i : i + 8])):
            return True
    return False


def test_the_pattern_reader_finds_unbounded_repetition():
    assert _unbounded(r"[a-z][a-z0-9+.-]*:/") and _unbounded(r"(\s+)") and _unbounded("a{2,}")
    assert not _unbounded(r"[+*]x\+") and not _unbounded("a{2,3}")
    assert _regex_uses(ast.parse("import re\nre.compile(r'(a+)+')")) == ["import re", "'(a+)+'"]


def test_no_regular_expression_reads_what_a_visitor_sends():
    """The app's own modules (the library and the page) hold no regular expression at all: a name, a label,
    a value or a message quoting them is never read by a pattern that could backtrack."""
    uses = {}
    for path in sorted((ROOT / "logreg").rglob("*.py")):
        found = _regex_uses(ast.parse(path.read_text()))
        if found:
            uses[str(path.relative_to(ROOT))] = found
    assert uses == {}
    # csv's Sniffer runs patterns whose time grows with the square of its sample: the delimiter is found
    # by the csv reader instead
    for path in (ROOT / "logreg").rglob("*.py"):
        assert "Sniffer(" not in path.read_text(), path


def test_plain_cuts_the_text_before_reading_it(monkeypatch):
    seen = []
    real = settings.shorten

    def recording(text, limit):
        out = real(text, limit)
        seen.append(len(out))
        return out

    monkeypatch.setattr(settings, "shorten", recording)
    shown = plain("a" * 100_000 + " http://x.y " + "b" * 50_000)
    assert seen == [MAX_SHOWN]  # what the loop reads is MAX_SHOWN characters, whatever was sent
    assert len(shown) < 2 * MAX_SHOWN and shown.endswith("…")


@pytest.mark.parametrize(
    "text",
    ["x" * 200_000, ":/" * 50_000, "`" * 30_000, "a" * 40_000 + "@", ("www." + "a" * 999) * 10, "é" * 10**5],
)
def test_plain_output_is_bounded_whatever_the_input(text):
    assert len(plain(text)) <= 2 * MAX_SHOWN + 4  # at most every character escaped, or one code span's fences


def test_shorten_hand_values():
    assert shorten("abc", 3) == "abc"
    assert shorten("abcd", 3) == "ab…"
    assert shorten("", 1) == ""
    assert shorten("abcdef", 4, tail=1) == "ab…f" and shorten("abcdef", 6, tail=5) == "abcdef"
    for limit, tail in ((0, 0), (3, 3), (3, -1)):
        with pytest.raises(ValueError, match="limit"):
            shorten("abcdef", limit, tail)


# ---------------------------------------------------------------- numbers in links
@pytest.mark.parametrize(
    "key, raw", [("seed", "𝟓"), ("xscale", "١٠٠"), ("n", "１０００"), ("lr", "٠.١"), ("w1", "1_0"), ("epochs", "²")]
)
def test_numbers_in_links_are_ascii_digits_only(key, raw):
    values, notices = parse_query({key: raw})
    assert key not in values
    assert len(notices) == 1 and "was not used" in notices[0]


def test_ascii_numbers_still_parse():
    values, notices = parse_query({"seed": "5", "xscale": "100", "w1": "-1.5e0", "stop": ".25"})
    assert values == {"seed": 5, "xscale": 100.0, "w1": -1.5, "stop": 0.25} and notices == []


# ---------------------------------------------------------------- wide files and long names
def wide_csv(columns: int, rows: int = 12, name_length: int = 3) -> bytes:
    names = [f"c{i:0{name_length}d}" for i in range(columns - 1)] + ["label"]
    rng = np.random.RandomState(0)
    body = "\n".join(",".join(f"{v:.2f}" for v in rng.randn(columns - 1)) + f",{r % 2}" for r in range(rows))
    return (",".join(names) + "\n" + body).encode()


def test_a_file_wider_than_the_limit_is_refused_on_its_header(monkeypatch):
    built = []
    monkeypatch.setattr(tabular.pd, "read_csv", lambda *a, **k: built.append(1))
    with pytest.raises(ValueError, match=f"{MAX_COLUMNS + 1:,} columns; use at most {MAX_COLUMNS:,}"):
        read_csv(wide_csv(MAX_COLUMNS + 1))
    assert built == []  # refused before any table was built


def test_each_column_of_a_wide_file_is_checked_a_bounded_number_of_times(monkeypatch):
    calls = []
    real = tabular.column_problem

    def counting(df, col, divisor=1.0):
        calls.append(col)
        return real(df, col, divisor)

    monkeypatch.setattr(tabular, "column_problem", counting)
    df = read_csv(wide_csv(MAX_COLUMNS))
    usable, problems = feature_columns(df)
    assert len(usable) == MAX_COLUMNS - 1 and set(problems) == {"label"} or len(usable) == MAX_COLUMNS
    from_frame(df, ("c000", "c001"), "label", scaling="none")
    assert len(calls) <= MAX_COLUMNS + 2  # once each, and once more for the two features


def test_long_names_are_shortened_and_counted():
    long = ["a" * 5000, "b" * 200, "c"]
    raw = (",".join(long) + "\n" + "\n".join(f"{i},{i * 3 % 7},{i % 2}" for i in range(20))).encode()
    df = read_csv(raw)
    assert [len(c) for c in df.columns] == [MAX_NAME, MAX_NAME, 1]
    assert df.columns[0] == "a" * 66 + "…" + "a" * 33 and df.attrs["shortened_names"] == 2


def test_names_equal_once_shortened_are_named_as_repeated():
    raw = ("x" * 150 + "1" + "x" * 150 + "," + "x" * 150 + "2" + "x" * 150 + ",y\n" + "1,2,0\n" * 10).encode()
    with pytest.raises(ValueError, match="unique \\(names are cut to 100 characters\\)"):
        read_csv(raw)


def test_a_long_label_value_is_quoted_short_in_messages():
    rows = "\n".join(f"{i},{i % 5},{'z' * 40_000 if i % 3 == 0 else i % 3}" for i in range(30))
    df = read_csv(("a,b,y\n" + rows).encode())
    with pytest.raises(ValueError, match="exactly 2 distinct values") as info:
        from_frame(df, ("a", "b"), "y")
    assert len(str(info.value)) < 300


def test_chart_names_are_shortened_and_hover_text_is_full():
    df = read_csv(("p" * 90 + ",q,y\n" + "\n".join(f"{i},{i * 3 % 7},{i % 2}" for i in range(20))).encode())
    data = from_frame(df, (df.columns[0], "q"), "y", scaling="none").train
    short, _ = shown_names(data)
    full, _ = shown_names(data, limit=None)
    assert len(short[0]) == CHART_NAME and short[0].endswith("…") and full[0] == "p" * 90


@pytest.mark.parametrize(
    "sample",
    [',"a' * 22_000, "a,'b" * 16_000, '"' * 65_536, "x;y|z\t" * 11_000, "\n" * 65_536],
)
def test_the_delimiter_is_found_in_one_pass_of_the_reader(sample):
    assert tabular._delimiter(sample) in ",;\t|"


# ---------------------------------------------------------------- the pages
HOSTILE_FILES = {
    "long names": wide_csv(40, rows=50, name_length=3).replace(b"c0", b"c" + b"n" * 3000 + b"0", 3),
    "long label": ("a,b,y\n" + "\n".join(f"{i},{i % 5},{'z' * 40_000 if i % 2 else 'q'}" for i in range(20))).encode(),
    "too wide": wide_csv(MAX_COLUMNS + 500, rows=3),
    "wide": wide_csv(MAX_COLUMNS, rows=30),
    "quotes for the sniffer": ("a,b,y\n" + '"1,"2' * 5000 + "\n").encode(),
    "ties on a line": ("a,b,y\n" + "\n".join(f"{i % 3},{i % 2},{(i % 3 + i % 2) > 1}" for i in range(3000))).encode(),
}


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_hostile_files_get_a_run_or_a_clear_message(name):
    at = csv_app(HOSTILE_FILES[name])
    no_exception(at)
    shown = texts(at)
    assert all(len(t) < 4 * MAX_SHOWN for t in shown), max(len(t) for t in shown)
    if at.error:
        assert len(at.error) == 1 and "can't be used" in at.error[0].value
    else:
        player_data(at)  # a run is on screen


def test_a_file_with_long_names_says_they_were_shortened():
    at = csv_app(HOSTILE_FILES["long names"])
    no_exception(at)
    assert any("shortened to 100 characters" in str(c.value) for c in at.sidebar.caption)
    spec = player_data(at)["figure"]
    title = spec["layout"]["xaxis"]["title"]["text"]
    assert len(title) <= CHART_NAME + len(" (standardized)")


@pytest.mark.parametrize("query", [{"seed": "𝟓"}, {"xscale": "١٠٠", "n": "20"}])
def test_links_with_other_scripts_digits_open_the_default_with_a_notice(query):
    at = app(**query)
    no_exception(at)
    assert any("was not used" in w.value for w in at.warning)


def test_csv_reading_reads_a_file_once(monkeypatch):
    """The header is read by the csv module, the table by pandas: the text is handed to pandas once."""
    reads = []
    real = tabular.pd.read_csv
    monkeypatch.setattr(tabular.pd, "read_csv", lambda *a, **k: reads.append(1) or real(*a, **k))
    read_csv(io.BytesIO(wide_csv(10)))
    assert reads == [1]
