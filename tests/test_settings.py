"""logreg.app.settings: controls as data, share-link parsing (hostile input included), presets."""

from __future__ import annotations

import math
import re
from dataclasses import fields

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logreg.app.settings import (
    BY_KEY,
    CONTROLS,
    DEFAULTS,
    DRAWN,
    PRESETS,
    RACED,
    READINGS,
    Settings,
    parse_query,
    quote_value,
)
from logreg.formatting import number as fmt

KEYS = [c.key for c in CONTROLS + READINGS]


def url_text(control, value) -> str:
    """How a value is written in a share link."""
    return fmt(value) if isinstance(value, float) else str(value)


def is_allowed(control, value) -> bool:
    if control in DRAWN:  # points and a start: what their link text parses back to, with nothing left out
        return control.parse(str(value)) == (value, None)
    if control.kind == "choice":
        return value in control.options and type(value) is type(control.options[0])
    if control.kind == "int" and (type(value) is not int):
        return False
    if control.kind == "float" and not isinstance(value, float):
        return False
    if not (math.isfinite(value) and control.low <= value <= control.high):
        return False
    steps = (value - control.low) / control.step
    return abs(steps - round(steps)) < 1e-6


def allowed_examples(control) -> list:
    if control.kind == "choice":
        return list(control.options)
    cast = int if control.kind == "int" else float
    mid = control.low + round((control.high - control.low) / control.step / 3) * control.step
    return [cast(control.low), cast(control.high), cast(round(mid, 10)), control.default]


# ---------------------------------------------------------------- the controls themselves
def test_settings_and_controls_agree():
    assert [f.name for f in fields(Settings)] == KEYS + [c.key for c in DRAWN + RACED]
    assert Settings() == Settings.from_values(DEFAULTS)
    for f in fields(Settings):
        assert getattr(Settings(), f.name) == BY_KEY[f.name].default


@pytest.mark.parametrize("key", KEYS)
def test_every_default_parses_back_to_itself(key):
    c = BY_KEY[key]
    assert is_allowed(c, c.default)
    assert c.parse(url_text(c, c.default)) == (c.default, None)


@pytest.mark.parametrize("key", KEYS)
def test_allowed_values_parse_exactly(key):
    c = BY_KEY[key]
    for value in allowed_examples(c):
        assert is_allowed(c, value), value
        got, note = c.parse(url_text(c, value))
        assert note is None and got == value and type(got) is type(value)
        values, notices = parse_query({key: url_text(c, value)})
        assert values == {key: value} and notices == []


@pytest.mark.parametrize("key", KEYS)
def test_allowed_text_describes_the_control(key):
    c = BY_KEY[key]
    text = c.allowed()
    if c.kind == "choice":
        assert all(url_text(c, o) in text for o in c.options)
    else:
        assert fmt(c.low) in text and fmt(c.high) in text


def test_fmt():
    assert [fmt(v) for v in (0.1, 2.0, 0.0001, 100.0, 0.0, -3.0)] == ["0.1", "2", "0.0001", "100", "0", "-3"]


def test_settings_from_values_fills_defaults_and_ignores_unknown_keys():
    s = Settings.from_values({"lr": 1.0, "epochs": 7, "nonsense": 3})
    assert s.lr == 1.0 and s.epochs == 7
    assert s == Settings(lr=1.0, epochs=7)
    assert Settings.from_values({}) == Settings()


def test_settings_derived_values():
    assert Settings().batch_size is None and Settings(batch="16").batch_size == 16
    assert Settings().loss_threshold is None and Settings(stop=0.3).loss_threshold == 0.3


# ---------------------------------------------------------------- share links: good and snapped values
def test_good_link_sets_values_without_notices():
    q = {
        "lr": "0.5",
        "n": "200",
        "seed": "42",
        "labels": "logistic",
        "w1": "-1.5",
        "batch": "16",
        "l2": "0.01",
        "xscale": "10",
        "land": "off",
        "test": "0.25",
        "source": "synthetic",
    }
    values, notices = parse_query(q)
    assert notices == []
    assert values == {
        "lr": 0.5,
        "n": 200,
        "seed": 42,
        "labels": "logistic",
        "w1": -1.5,
        "batch": "16",
        "l2": 0.01,
        "xscale": 10.0,
        "land": "off",
        "test": 0.25,
        "source": "synthetic",
    }
    assert Settings.from_values(values) == Settings(**values)


def test_learning_rate_snaps_to_the_nearest_option_with_a_notice():
    values, notices = parse_query({"lr": "0.15"})
    assert values == {"lr": 0.2}
    assert len(notices) == 1 and "lr=" in notices[0] and "rounded to 0.2" in notices[0]


def test_n_snaps_to_its_step_with_a_notice():
    values, notices = parse_query({"n": "1005"})
    assert values["n"] in (1000, 1010) and type(values["n"]) is int
    assert len(notices) == 1 and notices[0].startswith("The link's n=") and f"rounded to {values['n']}" in notices[0]


@pytest.mark.parametrize(
    "key, raw, expected",
    [
        ("w1", "0.14", 0.1),
        ("bias", "-4.96", -5.0),
        ("flip", "0.123", 0.12),
        ("seed", "7.6", 8),
        ("xscale", "150", 100.0),
        ("l2", "0.0009", 0.001),
        ("epochs", "12.4", 12),
        ("stop", "0.69512", 0.6951),
        ("threshold", "0.72", 0.7),
        ("threshold", "0.074", 0.05),
    ],
)
def test_snapping_examples(key, raw, expected):
    values, notices = parse_query({key: raw})
    assert values == {key: expected}
    assert len(notices) == 1 and key in notices[0] and "rounded" in notices[0]


@pytest.mark.parametrize(
    "key, raw",
    [
        ("lr", "1000"),
        ("lr", "0"),
        ("lr", "-0.1"),
        ("n", "5"),
        ("n", "20011"),
        ("seed", "-1"),
        ("w1", "5.06"),
        ("xscale", "0.001"),
        ("l2", "3"),
        ("epochs", "0"),
        ("epochs", "5001"),
        ("test", "0.9"),
        ("flip", "-0.01"),
        ("labels", "Threshold"),
        ("batch", "8"),
        ("source", "excel"),
        ("init", "zero"),
        ("land", "yes"),
        ("threshold", "0"),
        ("threshold", "1"),
        ("threshold", "0.96"),
    ],
)
def test_out_of_range_values_are_refused_with_the_default(key, raw):
    values, notices = parse_query({key: raw})
    assert values == {}
    assert len(notices) == 1
    c = BY_KEY[key]
    assert f"The link's {key}=" in notices[0] and "was not used" in notices[0]
    assert f"Using the default, {url_text(c, c.default)}" in notices[0]


def test_unknown_keys_are_ignored():
    values, notices = parse_query({"foo": "1", "LR": "0.5", "lr ": "2", "": "x", "view": "Summary"})
    assert values == {} and notices == []


def test_repeated_parameter_uses_its_last_value():
    assert parse_query({"lr": ["0.5", "2"]}) == ({"lr": 2.0}, [])
    values, notices = parse_query({"lr": []})
    assert values == {} and len(notices) == 1


def test_surrounding_whitespace_is_tolerated():
    assert parse_query({"lr": " 0.5 ", "labels": "\tlogistic\n"}) == ({"lr": 0.5, "labels": "logistic"}, [])


# ---------------------------------------------------------------- share links: hostile values
SPECIAL = [
    "",
    " ",
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "-Infinity",
    "1e309",
    "-1e309",
    "1e-320",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "9" * 10_000,
    "1" + "0" * 10_000,
    "<script>" * 1250,
    "0x10",
    "1_000",
    "١٠٠٠",
    "٣",
    "½",
    "0.1.2",
    "--1",
    "+-1",
    "1e",
    "e5",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "\x00",
    "0\x00",
    "\u202e0.1",
    "ｌｏｇｉｓｔｉｃ",
    "𝟏𝟎𝟎",
    "\n",
    "1" * 32,
    "1" * 33,
    "9" * 400,
    "-" + "9" * 400,
    "1e-400",
    "-0",
    "+0",
    "0e0",
    "1E2",
    "  \u00a0100\u00a0 ",
    "full ",
    "FULL",
    "threshold\x00",
    "%3Cscript%3E",
    "'; DROP TABLE x;--",
    "[click](http://e.vil)",
    "**x**",
    "$x$",
]

hostile_text = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=20, max_size=200),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(width=32).map(str),
    st.integers(-(10**30), 10**30).map(str),
    st.decimals(allow_nan=True).map(str),
    st.from_regex(r"\s*[-+]?\d{0,6}(\.\d{0,6})?([eE][-+]?\d{1,4})?\s*", fullmatch=True),
)
hostile_raw = st.one_of(hostile_text, st.lists(hostile_text, max_size=3))


def check_parse(key: str, raw) -> None:
    c = BY_KEY[key]
    values, notices = parse_query({key: raw})  # never raises
    assert set(values) <= {key}
    assert len(notices) <= 1
    if key in values:
        assert is_allowed(c, values[key]), values[key]
    else:
        assert len(notices) == 1, "a refused value must be said"
    last = raw[-1] if isinstance(raw, list) and raw else ("" if isinstance(raw, list) else raw)
    for notice in notices:
        assert notice.startswith(f"The link's {key}=")
        shown = quote_value(last)
        assert shown in notice
        inner = _unquote(shown)
        assert len(inner) <= 25 and inner.isprintable()
        # the raw value is quoted at most 24 characters long, whatever its length
        if len(last) > 24:
            assert last not in notice
    if key in values and not notices:  # used as given: it was an allowed value written out
        assert values[key] == c.parse(str(last))[0]


@pytest.mark.parametrize("key", KEYS)
def test_special_values_never_raise(key):
    for raw in SPECIAL:
        check_parse(key, raw)
        check_parse(key, [BY_KEY[key].options[0] if BY_KEY[key].options else "1", raw])  # the last one counts


@pytest.mark.parametrize("key", KEYS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=hostile_raw)
def test_hostile_values_never_raise(key, raw):
    check_parse(key, raw)


CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def _seen(markdown: str) -> str:
    """The text a reader sees of `plain` Markdown: code spans as their content, escapes as their marks."""
    out, at = [], 0
    for m in CODE_SPAN.finditer(markdown):
        out.append(re.sub(r"\\(.)", r"\1", markdown[at : m.start()]))
        content = m.group(2)
        if content.startswith(" ") and content.endswith(" ") and content.strip():
            content = content[1:-1]
        out.append(content)
        at = m.end()
    out.append(re.sub(r"\\(.)", r"\1", markdown[at:]))
    return "".join(out)


def _unquote(shown: str) -> str:
    """The text a reader sees: quotes removed, code spans and escapes read."""
    assert shown[0] == "'" and shown[-1] == "'"
    return _seen(shown[1:-1])


@given(raw=st.text(max_size=300))
def test_shown_is_short_printable_and_quoted(raw):
    shown = quote_value(raw)
    inner = _unquote(shown)
    # outside code spans every ASCII punctuation mark is escaped, so no Markdown can form
    outside = CODE_SPAN.sub("", shown[1:-1])
    assert not re.search(r"(?<!\\)[\[\]()*_`$:<>]", re.sub(r"\\.", "", outside))
    assert "://" not in outside and "@" not in outside.replace("\\@", "")  # no address outside code
    assert "\u200b" not in shown  # no invisible characters to copy
    assert inner.isprintable() and len(inner) <= 25
    if len(raw) > 24:
        assert inner.endswith("…")
    else:
        assert len(inner) == len(raw)


def test_long_script_value_is_truncated_in_the_notice():
    raw = "<script>alert(1)</script>" * 400
    _, notices = parse_query({"lr": raw})
    assert len(notices) == 1
    assert quote_value(raw) in notices[0]
    assert _unquote(quote_value(raw)) == "<script>alert(1)</script…"
    assert len(notices[0]) < 400


def _outside_code_spans(text: str) -> str:
    return re.sub(r"`[^`]*`", "", text)


@pytest.mark.parametrize("raw", ["[click me](http://e.vil)", "**FREE**", ":red[alert]", "$\\frac{1}{0}$"])
def test_notice_quotes_do_not_render_markdown(raw):
    _, notices = parse_query({"labels": raw})
    text = _outside_code_spans(notices[0].replace("\\[", "").replace("\\*", "").replace("\\$", "").replace("\\]", ""))
    for active in ("](", "**", ":red[", "$"):
        assert active not in text


# ---------------------------------------------------------------- presets
def test_preset_names_are_unique_and_the_first_is_the_default():
    names = [p.name for p in PRESETS]
    assert len(set(names)) == len(names)
    assert PRESETS[0].values == {}
    assert all(p.watch for p in PRESETS)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_preset_values_are_valid_controls(preset):
    for key, value in preset.values.items():
        c = BY_KEY[key]
        assert is_allowed(c, value), (key, value)
        assert c.parse(url_text(c, value)) == (value, None)
    s = Settings.from_values({**DEFAULTS, **preset.values})
    assert all(getattr(s, k) == v for k, v in preset.values.items())


# ---------------------------------------------------------------- readings: the threshold τ
def test_the_threshold_is_a_reading_of_the_run_with_its_grid_and_default():
    c = BY_KEY["threshold"]
    assert [r.key for r in READINGS] == ["threshold"] and c not in CONTROLS
    assert (c.low, c.high, c.step, c.default) == (0.05, 0.95, 0.05, 0.5) and Settings().threshold == 0.5
    grid = [round(0.05 * k, 10) for k in range(1, 20)]
    assert [c.parse(fmt(t)) for t in grid] == [(t, None) for t in grid]  # every option opens as itself


def test_a_bad_threshold_in_a_link_gets_a_notice_in_plain_words():
    values, notices = parse_query({"threshold": "0.73"})
    assert values == {"threshold": 0.75}
    assert len(notices) == 1 and notices[0].startswith("The link's threshold=")
    assert notices[0].endswith("was rounded to 0.75: threshold τ must be a number from 0.05 to 0.95 in steps of 0.05.")
    values, notices = parse_query({"threshold": "NaN"})
    assert values == {} and len(notices) == 1 and notices[0].endswith("Using the default, 0.5.")


def test_the_threshold_plays_no_part_in_the_data_or_training():
    from logreg.app.run import Synthetic, train_options

    a, b = Settings(), Settings(threshold=0.8)
    assert Synthetic.of(a) == Synthetic.of(b)
    assert train_options(a, None) == train_options(b, None)
