"""The share link: the URL holds every setting that differs from its default."""

from __future__ import annotations

import streamlit as st

from ..formatting import number
from .settings import CONTROLS, Settings, parse_query, quote_value

TABS = ("Summary", "Math at one epoch", "Learning rates side by side", "Ground truth")


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


def write_share_link(settings: Settings) -> None:
    """Keep the URL equal to the settings: every control not at its default, by its URL name."""
    for c in CONTROLS:
        value = getattr(settings, c.key)
        if value == c.default:
            if c.key in st.query_params:
                del st.query_params[c.key]
            continue
        text = number(value) if isinstance(value, float) else str(value)
        if st.query_params.get(c.key) != text:
            st.query_params[c.key] = text
