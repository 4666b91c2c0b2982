"""Seq2Seq Explorer: the frame and router. Run with ``streamlit run app/main.py``.

This file only sets up the page, the shared sidebar (model picker) and navigation;
each view lives in ``app/views/`` and calls the core through ``app/ui/services/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

APP_DIR = Path(__file__).resolve().parent
for path in (APP_DIR.parent, APP_DIR):  # `import seq2seq_core` and `from ui import ...`
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from ui import services, state, url_state, widgets  # noqa: E402  (paths above)

from ui import presenter  # noqa: E402

VIEWS = APP_DIR / "views"

presenter.init()  # ?present=1
# Set on every run: the sidebar collapses when presenter mode is switched on.
st.set_page_config(page_title="Seq2Seq Explorer", layout="wide",
                   initial_sidebar_state=presenter.sidebar_state())
services.server.limit_torch_threads()
state.init_defaults()
services.training.reattach()  # a reload finds its runs by the ids in the URL

# No page icons: :material/ icons fetch a font from Google (the app must work offline) and
# emoji show as empty boxes where no emoji font is installed.
page = st.navigation([
    st.Page(VIEWS / "decode.py", title="Decode", url_path="decode", default=True),
    st.Page(VIEWS / "beam.py", title="Beam search", url_path="beam"),
    st.Page(VIEWS / "attention.py", title="Attention", url_path="attention"),
    st.Page(VIEWS / "hidden_states.py", title="Hidden states", url_path="hidden-states"),
    st.Page(VIEWS / "train.py", title="Train", url_path="train"),
    st.Page(VIEWS / "replay.py", title="Training replay", url_path="replay"),
    st.Page(VIEWS / "compare.py", title="Compare", url_path="compare"),
    st.Page(VIEWS / "about.py", title="About", url_path="about"),
])

url_state.begin(page.url_path)  # a link's model, before the sidebar picker
with st.sidebar:
    presenter.style()  # the toggle's value is set before the run: its CSS can come first
    widgets.sidebar.model_picker()
    widgets.sidebar.uploader()
    widgets.sidebar.heartbeat()
    presenter.toggle()

try:
    page.run()
    url_state.finish()  # the URL shows where the page ended (a view stopping early: stop())
finally:
    url_state.end_run()  # also after a page that raised: fragments write the URL again
services.server.freeze_startup_objects()  # once per process; see its docstring
