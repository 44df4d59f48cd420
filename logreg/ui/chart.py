"""How a figure dict from `logreg.figures` or `logreg.panels` reaches the page."""

from __future__ import annotations

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


def show(figure: dict, key: str) -> None:
    """Draw a figure across the page's width, in its own fonts and colours (theme=None: Streamlit's
    theme would replace them with smaller, greyer ones)."""
    st.plotly_chart(_Prepared(figure), width="stretch", theme=None, config=CONFIG, key=key)


def html_page(figure: dict) -> bytes:
    """The figure as a page that plays offline: plotly.js included, Play not pressed."""
    return pio.to_html(
        to_browser(figure), include_plotlyjs=True, full_html=True, auto_play=False, validate=False
    ).encode()
