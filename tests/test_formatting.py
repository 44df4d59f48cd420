"""logreg.formatting: one number format for controls, links, readouts and formulas."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logreg.formatting import number, tex_number


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
