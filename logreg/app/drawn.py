"""What the viewer chooses by clicking the chart: points added to the data (`points=x1,x2,c;…`) and the start
of the descent chosen on the landscape (`start=w1,w2,b`). Their values and their share-link text, parsed as
strictly as every other setting's. Pure Python (no Streamlit)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

MAX_POINTS = 200  # points a viewer may add: the page's budget counts them as rows of data
POINT_LIMIT = 1000.0  # |x1|, |x2| of an added point at most (the data's x1 reaches ±500 at ×100 shifted by 100)
START_LIMIT = 100.0  # |w1|, |w2|, |b| of a chosen start at most (the landscape's boxes stay within this)
DECIMALS = 2
_CHARS = frozenset("0123456789+-.")


def _decimal(text: str) -> float:
    """A number written in plain ASCII decimals, as the link writes it (no exponent, no other digits)."""
    text = text.strip()
    if not text or len(text) > 12 or not set(text) <= _CHARS:
        raise ValueError("not a number written in decimals")
    value = float(text)  # raises ValueError on "1-" or "."
    if not math.isfinite(value):
        raise ValueError("not finite")
    return round(value, DECIMALS) + 0.0  # + 0.0: no "-0" in the link


def _text(value: float) -> str:
    return format(round(value, DECIMALS) + 0.0, "g")


class Points(tuple):
    """Added points ((x1, x2, c), …), c 0 or 1, in the order they were added; written `x1,x2,c;…`."""

    def __str__(self) -> str:
        return ";".join(f"{_text(x1)},{_text(x2)},{c}" for x1, x2, c in self)

    def added(self, x1: float, x2: float, c: int) -> Points:
        """These points and one more, rounded as the link writes it (unchanged once MAX_POINTS are here)."""
        if len(self) >= MAX_POINTS:
            return self
        x1, x2 = (max(-POINT_LIMIT, min(POINT_LIMIT, round(float(v), DECIMALS) + 0.0)) for v in (x1, x2))
        return Points((*self, (x1, x2, 1 if c else 0)))

    def without(self, index: int) -> Points:
        return Points(p for i, p in enumerate(self) if i != index)

    def of_class(self, c: int) -> int:
        """How many of the points are of class c."""
        return sum(1 for p in self if p[2] == c)


class Start(tuple):
    """The chosen start (w1, w2, b), or () while none is chosen; written `w1,w2,b`."""

    def __str__(self) -> str:
        return ",".join(_text(v) for v in self)


def parse_points(raw: str) -> tuple[Points, str | None]:
    """The points a link's `points=` holds, and what was left out, naming each entry (None: all used).
    A malformed entry, one outside the allowed range and every entry past MAX_POINTS are left out;
    the rest apply. Raises ValueError when no entry is usable at all."""
    entries = [e for e in raw.split(";") if e.strip()] if raw.strip() else []
    kept: list[tuple[float, float, int]] = []
    left: list[str] = []
    for k, entry in enumerate(entries, start=1):
        if len(kept) == MAX_POINTS:
            left.append(f"entry {k} and those after it (at most {MAX_POINTS} points)")
            break
        try:
            kept.append(_point(entry))
        except ValueError as exc:
            left.append(f"entry {k} {_quoted(entry)} ({exc})")
    if entries and not kept:
        raise ValueError("no usable point")
    return Points(kept), ("used without " + "; ".join(left)) if left else None


def _point(entry: str) -> tuple[float, float, int]:
    parts = entry.split(",")
    if len(parts) != 3:
        raise ValueError("not x1,x2,c")
    x1, x2 = _decimal(parts[0]), _decimal(parts[1])
    if parts[2].strip() not in ("0", "1"):
        raise ValueError("its class must be 0 or 1")
    if abs(x1) > POINT_LIMIT or abs(x2) > POINT_LIMIT:
        raise ValueError(f"outside ±{POINT_LIMIT:g}")
    return x1, x2, int(parts[2])


def parse_start(raw: str) -> Start:
    parts = raw.split(",")
    if len(parts) != 3:
        raise ValueError("not w1,w2,b")
    values = tuple(_decimal(p) for p in parts)
    if any(abs(v) > START_LIMIT for v in values):
        raise ValueError("out of range")
    return Start(values)


def _quoted(entry: str) -> str:
    from .settings import quote_value  # shown as typed, never as markup (settings imports this module)

    return quote_value(entry)


def _points_parse(raw: str) -> tuple[object, str | None]:
    return parse_points(raw)


def _start_parse(raw: str) -> tuple[object, str | None]:
    return parse_start(raw), None


POINTS_ALLOWED = (
    f"up to {MAX_POINTS} entries x1,x2,c separated by ';', each x1 and x2 a number from "
    f"-{POINT_LIMIT:g} to {POINT_LIMIT:g} with at most {DECIMALS} decimals and c 0 or 1"
)
START_ALLOWED = f"three numbers w1,w2,b, each from -{START_LIMIT:g} to {START_LIMIT:g} with at most {DECIMALS} decimals"


@dataclass(frozen=True)
class ParsedControl:
    """A setting whose link text has a reader of its own (the points and the start chosen by clicking the chart,
    the methods raced), read from the share link as every control is (settings.parse_query reads key, label,
    default, parse and allowed)."""

    key: str
    label: str
    default: object
    reader: Callable[[str], tuple[object, str | None]]  # the link's text → (value, what was left out or None)
    allowed_text: str

    def allowed(self) -> str:
        return self.allowed_text

    def parse(self, raw: str) -> tuple[object, str | None]:
        return self.reader(raw)


POINTS_CONTROL = ParsedControl("points", "my points", Points(), _points_parse, POINTS_ALLOWED)
START_CONTROL = ParsedControl("start", "the chosen start", Start(), _start_parse, START_ALLOWED)
