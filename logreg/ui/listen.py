"""The η on screen, heard by the parts of the page that the server draws: the player switches learning
rates in the browser, with no rerun, and announces each switch; a panel that needs the η on screen (the
math and ground-truth tabs while open, the downloads while open) holds this listener inside its fragment,
so only that fragment reruns, once the η has rested for a moment."""

from __future__ import annotations

import streamlit as st

from ..app.families import rate_index
from ..app.settings import BY_KEY, LR_OPTIONS
from ..formatting import number

REST_MS = 400  # a drag across η reports once, when it stops

_JS = """
export default function (component) {
  const { data, setStateValue } = component;
  let timer = null;
  const report = (label) => { if (label && label !== data.lr) setStateValue('lr', label); };
  const heard = (event) => {
    clearTimeout(timer);
    timer = setTimeout(() => report(event.detail.label), data.rest_ms);
  };
  window.addEventListener('lr-eta', heard);
  report(window.__lrEta); // a panel opened after η moved: the η on screen at once
  return () => { clearTimeout(timer); window.removeEventListener('lr-eta', heard); };
}
"""
_LISTENER = st.components.v2.component("logreg.eta_listener", html="<span hidden></span>", js=_JS)


def eta_on_screen(key: str) -> float:
    """The η the player shows, as this panel last heard it; it also becomes the page's η (the session's
    "lr"), so the next full run opens with it. Call it inside a fragment: a report reruns that fragment."""
    current = float(st.session_state.get("lr", BY_KEY["lr"].default))
    result = _LISTENER(
        key=key,
        data={"lr": number(current), "rest_ms": REST_MS},
        default={"lr": None},
        on_lr_change=lambda: None,
    )
    heard = result.get("lr")
    if heard is not None:
        try:
            value, _ = BY_KEY["lr"].parse(str(heard))
        except ValueError:
            return current
        current = LR_OPTIONS[rate_index(float(value))]
        st.session_state["lr"] = current
    return current
