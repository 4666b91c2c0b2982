"""Seq2Seq Explorer: the frame and router. Run with ``streamlit run app/main.py``.

This file only sets up the page, the shared sidebar (model picker) and navigation;
each view lives in ``app/views/`` and calls the core through ``app/ui/services.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

APP_DIR = Path(__file__).resolve().parent
for path in (APP_DIR.parent, APP_DIR):  # `import seq2seq_core` and `from ui import ...`
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from ui import services, state, widgets  # noqa: E402  (needs the paths above)

VIEWS = APP_DIR / "views"

st.set_page_config(page_title="Seq2Seq Explorer", layout="wide")
services.limit_torch_threads()
state.init_defaults()

# No page icons: :material/ icons fetch a font from Google (the app must work offline) and
# emoji show as empty boxes where no emoji font is installed.
page = st.navigation([
    st.Page(VIEWS / "decode.py", title="Decode", url_path="decode", default=True),
    st.Page(VIEWS / "train.py", title="Train", url_path="train"),
    st.Page(VIEWS / "about.py", title="About", url_path="about"),
])

with st.sidebar:
    choices = services.model_choices(state.runs())
    widgets.model_picker(choices, services.default_choice(choices))

page.run()
