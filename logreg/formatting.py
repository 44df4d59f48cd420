"""Numbers as the page shows them: one formatter for controls, links, readouts and formulas."""

from __future__ import annotations

LARGE = 1e6  # from here on a number is written in scientific notation


def number(x: float, spec: str = "g") -> str:
    """x formatted by `spec` (a format spec such as "g", "+.3f", ".1%"), or in scientific notation
    with four significant digits once |x| ≥ 10⁶, where fixed notation gets too long to read.

    number(0.1) == "0.1", number(2.0) == "2", number(-0.25, "+.3f") == "-0.250", number(3e9, ".4f") == "3.000e+09".
    """
    if abs(x) < LARGE or x != x:  # x != x: NaN, which the caller shows as it is
        return format(x, spec)
    return format(x, ("+" if "+" in spec else "") + ".3e")


def tex_number(x: float) -> str:
    """x with four significant digits for LaTeX: 1.5e-07 becomes 1.5\\times 10^{-7}."""
    text = format(x, ".4g")
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return text
