"""How a figure dict from `logreg.figures` or `logreg.panels` reaches the page."""

from __future__ import annotations

import hashlib
import html

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from ..plot_parts import to_browser

CONFIG = {"displaylogo": False, "responsive": True}


class _Prepared(go.Figure):
    """A figure whose dict is already what plotly.js reads.

    `st.plotly_chart` (streamlit 1.67) validates a dict figure against Plotly's schema, about 130 ms
    for an animation's frames, but takes a `go.Figure`'s `to_dict()` as already checked (plotly 7.1:
    `plotly.tools.return_figure_from_figure_or_data`). The builders' figures are checked by the tests
    instead, so `to_dict()` here hands over the prepared dict.
    """

    def __init__(self, figure: dict):
        super().__init__()
        self._prepared = to_browser(figure)

    def to_dict(self) -> dict:
        return self._prepared


# A chart kept in its div across reruns and updated in place with Plotly.react (st.plotly_chart replaces its
# div whenever the figure changes, a full redraw): for a panel whose figure changes with every run.
_HELD_JS = """
export default function (component) {
  const { parentElement, data } = component;
  const gd = parentElement.querySelector('.lr-held');
  const draw = () => {
    if (!window.Plotly) { setTimeout(draw, 30); return; }  // the page's hidden chart loads plotly.js
    window.Plotly.react(gd, data.figure.data, data.figure.layout, data.config);
  };
  draw();
}
"""
_HELD = st.components.v2.component(
    "logreg.held_chart", html='<div class="lr-held"></div>', js=_HELD_JS, isolate_styles=False
)


def name_chart(key: str, name: str) -> None:
    """Give the chart of `key` an accessible name, what it shows in words: the page's script reads this
    hidden line and puts it on the chart (a Plotly chart of Streamlit's has none of its own)."""
    st.html(f'<span class="lr-chart-name" data-for="{html.escape(key)}" hidden>{html.escape(name)}</span>')


def held(figure: dict, key: str) -> None:
    """Draw a figure across the page's width in a chart the browser keeps and updates in place: the
    figure travels as the component's JSON data (`figure`), which is also what the tests read."""
    _HELD(key=key, data={"figure": to_browser(figure), "config": CONFIG})


def show(figure: dict, key: str) -> None:
    """Draw a figure across the page's width, in its own fonts and colours (theme=None: Streamlit's
    theme would replace them with smaller, greyer ones)."""
    st.plotly_chart(_Prepared(figure), width="stretch", theme=None, config=CONFIG, key=key)


# plotly.io.to_html names the chart's div with a random uuid4 unless given a name: the same figure would make a
# different file on every click, and Streamlit's media storage, which keys a file by its bytes, would keep each.
HTML_DIV_ID = "logreg-animation"


def html_page(figure: dict) -> bytes:
    """The figure as a page that plays offline: plotly.js included, Play not pressed.

    The same figure gives the same bytes (the div has a fixed name). The page ends with a comment holding a
    digest of the rest: Streamlit 1.67 tells a file over 1 MiB from another by its length and three 64 KiB
    samples (head, middle, tail), and plotly.js fills the first two, so every change to the figure must show
    in the tail.
    """
    page = pio.to_html(
        to_browser(figure),
        include_plotlyjs=True,
        full_html=True,
        auto_play=False,
        validate=False,
        div_id=HTML_DIV_ID,
    ).encode()
    return page + b"\n<!-- content " + hashlib.blake2b(page, digest_size=16).hexdigest().encode() + b" -->\n"
