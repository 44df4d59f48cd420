"""The optimizers tab: which methods race and momentum's β, and what their runs say. The race itself is the
player's: it races these methods' runs on the run's chart (methods_view.methods_payload), one lane each."""

from __future__ import annotations

import streamlit as st

from ..app.methods import Methods
from ..app.methods_run import NEWTON_RATE, Raced, rate_of
from ..app.settings import BY_KEY, Settings
from ..formatting import number
from ..optimizer_words import NAMES, settings_words
from ..optimizers import Optimizer
from ..plot_parts import LANES
from .controls import methods_on_screen, widget

PICK = "opt_pick"  # the tab's pills; the session's "opt" holds the methods while the tab is closed


def _picked() -> None:
    """The pills changed: at least one method and at most LANES race; otherwise the choice goes back, and the
    tab says why."""
    picked = list(st.session_state[PICK])
    before = list(methods_on_screen()[0])
    if not picked:
        st.session_state["_opt_said"] = "At least one method races: choose another before taking this one out."
    elif len(picked) > LANES:
        st.session_state["_opt_said"] = f"At most {LANES} methods race at once: take one out first."
    else:
        st.session_state["opt"] = Methods(o for o in Optimizer if o in picked)
        st.session_state.pop("_opt_said", None)
        return
    st.session_state[PICK] = before


def methods_panel(raced: Raced, settings: Settings) -> None:
    """The methods' pills and β, then the race's plain headline and its exact words."""
    if PICK not in st.session_state:
        st.session_state[PICK] = list(settings.opt)
    st.pills(
        f"Methods raced (up to {LANES}), at the η above the chart",
        list(Optimizer),
        selection_mode="multi",
        format_func=lambda o: NAMES[o][:1].upper() + NAMES[o][1:],
        key=PICK,
        on_change=_picked,
    )
    said = st.session_state.pop("_opt_said", None)
    if said:
        st.warning(said)
    if {Optimizer.MOMENTUM, Optimizer.NESTEROV} & set(settings.opt):
        widget(BY_KEY["beta"], st, help="How much of the last step momentum keeps: v ← β·v + g, then θ ← θ − η·v.")
    headline = raced.headline()
    if headline:
        st.markdown(f"**{headline}**")
    for sentence in (*raced.endings(), *raced.left_out):
        st.caption(sentence)
    st.caption(method_notes(raced, settings))


def method_notes(raced: Raced, settings: Settings) -> str:
    """What raced, with every parameter, and what the chart shows."""
    raced_words = "; ".join(settings_words(m, rate_of(m, settings.lr), settings.beta) for m in raced.methods)
    return (
        f"Raced: {raced_words}. Every method starts from the same point on the same data, one lane each in the "
        "bar above the chart: its boundary on the data, its loss curve and its path on the landscape. "
        + ("Adam's parameters are its usual ones. " if Optimizer.ADAM in raced.methods else "")
        + (
            f"Newton's method takes full steps (η = {number(NEWTON_RATE)}), halving one only where it would raise "
            "the loss. "
            if Optimizer.NEWTON in raced.methods
            else ""
        )
        + "Moving η races the methods again on the server."
    )
