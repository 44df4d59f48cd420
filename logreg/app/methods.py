"""The optimizers tab's choice of methods, `opt=gd,momentum,adam` in the share link: up to LANES of
`logreg.optimizers.Optimizer`, in the order chosen, parsed as strictly as every other setting. Pure Python."""

from __future__ import annotations

from ..optimizers import Optimizer
from ..plot_parts import LANES
from .drawn import ParsedControl


class Methods(tuple):
    """The optimizers raced side by side, in the order chosen (at most LANES, no repeats); written `gd,adam`."""

    def __str__(self) -> str:
        return ",".join(o.value for o in self)


DEFAULT_METHODS = Methods((Optimizer.GD, Optimizer.MOMENTUM, Optimizer.ADAM))
NAMES_ALLOWED = ", ".join(o.value for o in Optimizer)
NAMED_AT_MOST = 5  # names a notice quotes of those left out


def parse_methods(raw: str) -> tuple[Methods, str | None]:
    """The methods a link's `opt=` names, and what was left out (None: all used). An unknown name, a repeat and
    every name past LANES are left out; the rest apply. Raises ValueError when no name is usable."""
    from .settings import quote_value  # shown as typed, never as markup (settings imports this module)

    kept: list[Optimizer] = []
    left: list[str] = []
    entries = [e.strip() for e in raw.split(",") if e.strip()]
    for k, entry in enumerate(entries):
        if len(left) == NAMED_AT_MOST:  # a link of thousands of names gets a notice of a few
            left.append(f"the {len(entries) - k} names after those")
            break
        try:
            method = Optimizer(entry.lower())
        except ValueError:
            left.append(f"{quote_value(entry)} (not a method)")
            continue
        if method in kept:
            left.append(f"{quote_value(entry)} (named twice)")
        elif len(kept) == LANES:
            left.append(f"{quote_value(entry)} (at most {LANES} race at once)")
        else:
            kept.append(method)
    if not kept:
        raise ValueError("no usable method")
    return Methods(kept), ("used without " + ", ".join(left)) if left else None


METHODS_CONTROL = ParsedControl(
    "opt",
    "the methods raced",
    DEFAULT_METHODS,
    parse_methods,
    f"up to {LANES} of {NAMES_ALLOWED}, separated by ','",
)
