"""Who is still watching: the check a long loop calls between epochs, supplied by the page.

Training here knows nothing of Streamlit. The page registers, once from `main()`, a factory that returns
a check for the current script run (raising when its viewer has gone or asked for a new run); outside a
page (tests, benchmarks, the command line) the check does nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Check = Callable[[], None]


def _nothing() -> None:
    return None


def _no_viewer() -> Check:
    return _nothing


_FACTORY: list[Callable[[], Check]] = [_no_viewer]


def watch_with(factory: Callable[[], Check]) -> None:
    """Use `factory()` for the check of every later training loop."""
    _FACTORY[0] = factory


def still_wanted() -> Check:
    """The check for the work being started now."""
    return _FACTORY[0]()
