"""Tables that show every column in a narrow space (1280x720, beside a chart).

``st.dataframe`` draws a grid that cuts long text and hides the columns that do not fit
behind a scroll bar; ``st.table`` wraps text at spaces but not inside a long token (a
reversed string, a phoneme run, an output with no spaces). ``wrapped_table`` is
``st.table`` with one CSS rule that lets such a token break too (checked in Chromium:
six 25-character columns in 664 px).

``show`` is the one way a view shows a table of figures: ``st.dataframe`` (sortable,
scrolls), or in presenter mode the same rows as a wrapped table, whose text the mode's
CSS makes larger (a dataframe draws on a canvas that CSS cannot scale).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from ui import presenter

# Streamlit's own rule for the cell text wins without !important.
WRAP_CSS = "<style>[data-testid='stTable'] td p { overflow-wrap: anywhere !important; }</style>"


def wrapped_table(data: Any) -> None:
    """``data`` (a DataFrame, or a list of row dicts) as a table without its index whose
    cells wrap, inside words where they must; booleans read yes/no."""
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    st.html(WRAP_CSS)  # style only: Streamlit gives it no space on the page
    st.table(_formatted(frame, {}), hide_index=True)


def _formatted(frame: pd.DataFrame, formats: Mapping[str, str]) -> pd.DataFrame:
    """The frame with each column of ``formats`` as text ("percent" or a printf format)
    and yes/no for booleans, as the dataframe's column formats would show them."""
    out = frame.copy()
    for column, fmt in formats.items():
        spell = (lambda v: f"{v:.1%}") if fmt == "percent" else (lambda v, f=fmt: f % v)
        out[column] = [("" if pd.isna(v) else spell(v)) for v in out[column]]
    for column in out.select_dtypes(include="bool").columns:
        out[column] = out[column].map({True: "yes", False: "no"})
    return out


def show(data: Any, *, percent: Iterable[str] = (), formats: Mapping[str, str] | None = None,
         height: int | None = None) -> None:
    """A table of ``data`` (a DataFrame, or a list of row dicts) without its index.

    ``percent``: columns of fractions shown as percentages; ``formats``: column -> printf
    format ("%.3f"); ``height``: the dataframe's height in pixels (None: fit the rows).
    Columns named but absent are ignored.
    """
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    wanted = {**dict.fromkeys(percent, "percent"), **(formats or {})}
    wanted = {c: f for c, f in wanted.items() if c in frame.columns}
    if presenter.is_on():
        wrapped_table(_formatted(frame, wanted))
        return
    config = {c: st.column_config.NumberColumn(format=f) for c, f in wanted.items()}
    st.dataframe(frame, hide_index=True, column_config=config or None,
                 height=height if height is not None else "auto")
