"""Presenter mode: the same views for a projector. One flag per session, set by the
sidebar toggle or by ``?present=1`` in the URL (read when the session starts).

When it is on, every figure goes through ``charts.slides.presenter_style`` (chart text
16 px or more; see ``ui.figures.show``), the beam tree's nodes grow to fit their
labels, metrics, tables and text grow (CSS; ``tables.show``), the Train settings
start collapsed, the sidebar collapses (when the mode is switched on, and in a
session opened with ``?present=1``), and a view with several pictures shows one at a
time (``one_picture``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import streamlit as st

from ui import state

QUERY = "present"  # ?present=1
LABEL_PX = 16  # beam-tree node labels in presenter mode (the chart's own default: 11)
# Larger text outside the charts, tables included: in presenter mode ``tables.show``
# draws them as HTML tables (st.dataframe draws on a canvas, and a CSS zoom pushed it out
# of its column at 1280x720).
CSS = """<style>
[data-testid="stMain"] [data-testid="stTable"] th,
[data-testid="stMain"] [data-testid="stTable"] td,
[data-testid="stMain"] [data-testid="stTable"] td p { font-size: 1.2rem; }
[data-testid="stMain"] [data-testid="stMarkdown"] p,
[data-testid="stMain"] [data-testid="stMarkdown"] li,
[data-testid="stMain"] [data-testid="stCaptionContainer"] { font-size: 1.25rem; }
[data-testid="stMain"] [data-testid="stCode"] code,
[data-testid="stMain"] [data-testid="stMarkdown"] p code { font-size: 1.3rem; }
[data-testid="stMain"] [data-testid="stMetricValue"] { font-size: 3rem; }
[data-testid="stMain"] [data-testid="stMetricLabel"] p { font-size: 1.25rem; }
[data-testid="stMain"] [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMain"] [data-testid="stWidgetLabel"] p { font-size: 1.15rem; }
</style>"""
# Either mode: half of Streamlit's top padding (6rem), so on a 1280x720 screen the
# picture under a view's controls sits 48 px higher.
PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3rem; }
</style>"""


def requested() -> bool:
    """Whether the page's URL asks for presenter mode (``?present=1``)."""
    return st.query_params.get(QUERY) == "1"


def sidebar_state() -> Literal["auto", "collapsed"]:
    """``initial_sidebar_state`` for ``st.set_page_config``, called on every run:
    collapsed in presenter mode. Streamlit applies a change of the value, so switching
    the mode on collapses the sidebar once; reopening it by hand is not undone."""
    return "collapsed" if is_on() else "auto"


def init() -> None:
    """Start the session's flag from the URL (once per session)."""
    if state.PRESENT not in st.session_state:
        st.session_state[state.PRESENT] = requested()


def style() -> None:
    """The page's smaller top padding in either mode, and the larger text (CSS) while
    presenter mode is on. Drawn first in the sidebar: a view that stops early (no model
    to show) has it too."""
    st.html(PAGE_CSS + (CSS if is_on() else ""))  # style only: it takes no space


def toggle() -> None:
    """The sidebar toggle. (``ui.url_state`` writes ``?present=1`` into the URL while it
    is on.)"""
    st.toggle("Presenter mode", key=state.PRESENT,
              help="For a projector: chart text at 16 px or more, larger text "
                   "and metrics, the Train settings collapsed. Open a link with ?present=1 to "
                   "start in it.")


def is_on() -> bool:
    """Whether this session is in presenter mode."""
    return bool(st.session_state.get(state.PRESENT, False))


# The pictures a view shows one at a time in presenter mode (``one_picture``), by view;
# a link names one by its slug (``?picture=alignment-lines``, ``ui.url_fields``).
PICTURES: dict[str, tuple[str, ...]] = {
    "attention": ("Heatmap", "Alignment lines", "Context vectors"),
    "compare-models": ("By length", "One input", "Greedy vs beam", "Right and wrong"),
    "compare-train": ("By length", "Curves", "Tables"),
    "hidden-states": ("Trajectories", "Nearest training pairs"),
    "train": ("Curves", "Held-out", "Samples"),
}


def slug(picture: str) -> str:
    """A picture's name in a link. Example: "Alignment lines" -> "alignment-lines"."""
    return picture.lower().replace(" ", "-")


def one_picture(names: Sequence[str], key: str) -> str | None:
    """Where a view has several pictures: in presenter mode the one to show, picked with
    a segmented control (one picture per screen, each in the place of the first); None
    outside presenter mode, where the view shows them all. A value this view does not
    have (another mode's, a link's) falls back to the first picture."""
    if not is_on() or len(names) < 2:
        return None
    if st.session_state.get(key) not in names:
        st.session_state[key] = names[0]
    picked = st.segmented_control("Picture", list(names), key=key,
                                  label_visibility="collapsed")  # the names say enough
    return picked or names[0]  # a click on the picked option clears it: keep showing one


def label_px(default: int) -> int:
    """The beam tree's node label size: ``LABEL_PX`` in presenter mode, else ``default``."""
    return max(default, LABEL_PX) if is_on() else default
