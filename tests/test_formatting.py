"""logreg.formatting: one number format for controls, links, readouts and formulas."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg.formatting import number, plain, tex_number


def test_controls_and_links_use_the_shortest_form():
    assert [number(v) for v in (0.1, 2.0, 0.0001, 100.0, 0.0, -3.0, 20000)] == [
        "0.1",
        "2",
        "0.0001",
        "100",
        "0",
        "-3",
        "20000",
    ]


def test_large_numbers_switch_to_scientific_notation():
    assert number(123456.789, ".4f") == "123456.7890"
    assert number(3e9, ".4f") == "3.000e+09"
    assert number(-3e9, "+.3f") == "-3.000e+09"
    assert number(3e9, "+.3f") == "+3.000e+09"


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_readout_numbers_are_short_and_read_back(x):
    text = number(x, "+.3f")
    assert len(text) <= 20
    assert math.isclose(float(text), x, rel_tol=1e-3, abs_tol=1e-3)


@pytest.mark.parametrize(
    "x, tex",
    [
        (0.5, "0.5"),
        (1.5e-07, r"1.5\times 10^{-7}"),
        (-2.5e12, r"-2.5\times 10^{12}"),
        (12345.678, "1.235\\times 10^{4}"),
    ],
)
def test_tex_numbers(x, tex):
    assert tex_number(x) == tex


@pytest.mark.parametrize(
    ("x", "nearest", "down", "up"),
    [
        (19.42, "19", "19", "20"),
        (7.96, "8", "7.9", "8"),
        (0.0001234, "0.00012", "0.00012", "0.00013"),
        (2.5e7, "25,000,000", "25,000,000", "25,000,000"),
        (1234.5, "1,200", "1,200", "1,300"),
        (0.5, "0.5", "0.5", "0.5"),
        (-0.5, "-0.5", "-0.5", "-0.5"),
        (0.0, "0", "0", "0"),
        (1e-10, "almost 0", "almost 0", "almost 0"),
        (3e12, "over a trillion", "over a trillion", "over a trillion"),
        (math.inf, "too large to write", "too large to write", "too large to write"),
        (math.nan, "not a number", "not a number", "not a number"),
    ],
)
def test_plain_by_hand(x, nearest, down, up):
    assert (plain(x), plain(x, "down"), plain(x, "up")) == (nearest, down, up)


@settings(max_examples=300, deadline=None)
@given(st.floats(1e-9, 9.9e11))
def test_plain_has_two_digits_no_e_notation_and_bounds_the_right_way(x):
    # an independent reading: the printed decimals, commas removed, parsed back
    near, down, up = (float(plain(x, r).replace(",", "")) for r in ("nearest", "down", "up"))
    assert "e" not in plain(x) and "E" not in plain(x)
    assert down <= x * (1 + 1e-15) and up >= x * (1 - 1e-15)
    assert abs(near - x) <= 0.05 * x  # two significant digits: within half a unit of the second digit
    assert abs(down - x) <= 0.1 * x + 1e-300 and abs(up - x) <= 0.1 * x + 1e-300
