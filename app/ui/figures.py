"""How every view draws a plotly figure: larger in presenter mode, with a camera
button that saves an SVG named after the view, model and input; and the self-contained
HTML download of a figure (the replay, the beam tree, the attention animation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from ui import presenter
from ui.text import source_label
from ui.charts import slides


def show(fig: go.Figure, *, key: str, view: str, model: str, source: str = "",
         **kwargs: Any) -> Any:
    """``st.plotly_chart`` of ``fig`` (presenter-styled when presenter mode is on) with
    the SVG export of ``slides.figure_config`` (an image strip named by its width, not
    its pixels); ``kwargs`` go to ``st.plotly_chart`` (``on_select``, ...). Returns what
    ``st.plotly_chart`` returns."""
    if presenter.is_on():
        fig = slides.presenter_style(fig)
    config = slides.figure_config(view, model, source_label(source))
    return st.plotly_chart(fig, key=key, config=config, **kwargs)


def html_download(fig: go.Figure | Callable[[], go.Figure], *, key: str, label: str,
                  name: str) -> None:
    """A button that downloads ``fig`` as ``<name>.html``: one file with plotly.js inside,
    so it opens offline and its Play and sliders still work. The HTML (and ``fig`` itself,
    when it is given as a function that builds it) is built only when clicked."""
    def html() -> str:
        return (fig if isinstance(fig, go.Figure) else fig()).to_html(include_plotlyjs=True)

    st.download_button(label, key=key, data=html, file_name=f"{name}.html",
                       mime="text/html", on_click="ignore")
