"""The share link: the URL holds every setting that differs from its default."""

from __future__ import annotations

import streamlit as st

from ..app.settings import CONTROLS, RACED, Settings, parse_query, quote_value
from ..formatting import number

TABS = (
    "Summary",
    "Math at one epoch",
    "Learning rates side by side",
    "Ground truth",
    "Predictions",
    "Optimizers side by side",
)


def read_share_link() -> None:
    """Once per session: the link's checked values go into the controls, and each value that could
    not be used as given leaves a notice. (The controls are not bound to the URL by Streamlit: a bound
    widget would take the raw value, unchecked, before this code sees it.)"""
    if "_link_checked" in st.session_state:
        return
    st.session_state["_link_checked"] = True
    values, notices = parse_query({k: st.query_params.get_all(k) for k in st.query_params})
    view = st.query_params.get("view")
    if view is not None and view not in TABS:
        notices.append(
            f"The link's view={quote_value(view)} was not used: it must be one of {', '.join(TABS)}. "
            "Showing the Summary."
        )
    st.session_state["_notices"] = notices
    for key, value in values.items():
        st.session_state[key] = value


def open_tab() -> str:
    """The tab that will be open on this run, known before the tabs are drawn (the page plans its work by it)."""
    view = st.session_state.get("view", st.query_params.get("view"))
    return view if view in TABS else TABS[0]


def share_link(settings: Settings) -> dict[str, str | None]:
    """The URL's value for every control: its text when it differs from the default, None to remove it.

    The player writes these into the address bar (history.replaceState), keeping every other parameter
    (present, autoplay, view). Writing them with st.query_params cost every change one more render of the
    whole page in the browser: the default page redraws in 0.79 of the time without it (bench_redraw.py's
    pages pressed in turn on two servers). st.query_params keeps the link the session opened with: the
    page reads it on the first run only (read_share_link), and `present` and `autoplay`, never written."""
    link: dict[str, str | None] = {}
    for c in CONTROLS + RACED:  # the optimizers tab's choices too: they stay as chosen while the tab is closed
        value = getattr(settings, c.key)
        link[c.key] = None if value == c.default else number(value) if isinstance(value, float) else str(value)
    return link
