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
