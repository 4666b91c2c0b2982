"""Tables that show every column in a narrow space (1280x720, beside a chart).

``st.dataframe`` draws a grid that cuts long text and hides the columns that do not fit
behind a scroll bar; ``st.table`` wraps text at spaces but not inside a long token (a
reversed string, a phoneme run, an output with no spaces). ``wrapped_table`` is
``st.table`` with one CSS rule that lets such a token break too (checked in Chromium:
six 25-character columns in 664 px).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

# Streamlit's own rule for the cell text wins without !important.
WRAP_CSS = "<style>[data-testid='stTable'] td p { overflow-wrap: anywhere !important; }</style>"


def wrapped_table(data: Any) -> None:
    """``data`` (a DataFrame, or a list of row dicts) as a table without its index whose
    cells wrap, inside words where they must."""
    st.html(WRAP_CSS)  # style only: Streamlit gives it no space on the page
    st.table(data, hide_index=True)
