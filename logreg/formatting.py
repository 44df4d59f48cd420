"""Numbers as the page shows them: one formatter for controls, links, readouts and formulas."""

from __future__ import annotations

import math

LARGE = 1e6  # from here on a number is written in scientific notation


def number(x: float, spec: str = "g") -> str:
    """x formatted by `spec` (a format spec such as "g", "+.3f", ".1%"), or in scientific notation
    with four significant digits once |x| ≥ 10⁶, where fixed notation gets too long to read.

    number(0.1) == "0.1", number(2.0) == "2", number(-0.25, "+.3f") == "-0.250", number(3e9, ".4f") == "3.000e+09".
    """
    if abs(x) < LARGE or x != x:  # x != x: NaN, which the caller shows as it is
        return format(x, spec)
    return format(x, ("+" if "+" in spec else "") + ".3e")


def plain(x: float, rounding: str = "nearest") -> str:
    """x for a sentence a student reads: two significant digits in ordinary decimals, never e-notation.

    rounding "down" or "up" (of |x|'s two digits) keeps a bound true: "below η = plain(r, "down")" holds for
    every η the words allow when the true bound is r.
    plain(19.42) == "19", plain(0.0001234) == "0.00012", plain(2.5e7) == "25,000,000", plain(-0.5) == "-0.5".
    Beyond what decimals show in a few characters it says so in words: "almost 0" below 10⁻⁹ (and not 0),
    "over a trillion" from 10¹², "too large to write" for ±∞; NaN is "not a number".
    """
    x = float(x)
    if x != x:
        return "not a number"
    if x < 0:
        return "-" + plain(-x, rounding)
    if x == float("inf"):
        return "too large to write"
    if x == 0:
        return "0"
    if x < 1e-9:
        return "almost 0"
    if x >= 1e12:
        return "over a trillion"
    rounded = float(f"{x:.2g}")  # two significant digits
    if rounding != "nearest":
        unit = 10.0 ** (math.floor(math.log10(x)) - 1)
        rounded = float(f"{(math.floor if rounding == 'down' else math.ceil)(x / unit) * unit:.2g}")
    if rounded >= 100:
        return f"{rounded:,.0f}"
    decimals = max(0, 1 - math.floor(math.log10(rounded)))
    return f"{rounded:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{rounded:.0f}"


def tex_number(x: float) -> str:
    """x with four significant digits for LaTeX: 1.5e-07 becomes 1.5\\times 10^{-7}."""
    text = format(x, ".4g")
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return text


def shorten(text: str, limit: int, tail: int = 0) -> str:
    """text cut to at most `limit` characters, the cut marked by "…"; its last `tail` characters are
    kept (names that differ only at their end stay different).

    Whatever a visitor sends (a column name, a label value, a message quoting them) passes through
    here before anything else looks at it, so every later step works on a bounded length.
    shorten("abcdef", 4) == "abc…", shorten("abcdef", 4, tail=1) == "ab…f".
    """
    if limit < 1 or not 0 <= tail < limit:
        raise ValueError(f"limit must be at least 1 and tail from 0 to limit - 1; got {limit!r} and {tail!r}")
    if len(text) <= limit:
        return text
    return text[: limit - 1 - tail] + "…" + (text[len(text) - tail :] if tail else "")
