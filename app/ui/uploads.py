"""The sidebar's checkpoint upload: a zipped checkpoint becomes one of this session's models.

The file is read in the uploader's callback, before the page reruns: a good checkpoint
is added to the session (never to a shared cache) and picked; a refused one leaves
every model and setting as it was and the sidebar says why.
"""

from __future__ import annotations

import math

import streamlit as st

import seq2seq_core as core
from ui import services, state, text


def _on_upload() -> None:
    st.session_state.pop(state.UPLOAD_ERROR, None)
    file = st.session_state.get(state.UPLOAD_WIDGET)
    if file is None:
        return
    limit = services.limits().max_uploads
    try:
        if len(state.uploads()) >= limit:
            raise core.CheckpointError(f"This server keeps {limit} uploaded checkpoints per "
                                       "user; reload the page to start over.")
        folder, tm = services.load_upload(file.getvalue())
    except core.CheckpointError as err:
        st.session_state[state.UPLOAD_ERROR] = (f"{text.md_escape(file.name, 80)} was not "
                                                f"loaded. {text.md_escape(str(err))}")
        return
    state.use_model(state.add_upload(folder, tm).key)


def uploader() -> None:
    """Upload widget plus the last refusal, if any."""
    max_mb = max(1, math.ceil(services.limits().max_upload_bytes / 2**20))
    st.file_uploader("Load a checkpoint (.zip)", type=["zip"], key=state.UPLOAD_WIDGET,
                     on_change=_on_upload, max_upload_size=max_mb,
                     help="The .zip that Download checkpoint gives. Pickled PyTorch files "
                          "(.pt) are refused: loading them can run code.")
    error = st.session_state.get(state.UPLOAD_ERROR)
    if error:
        st.error(error)
