"""The sidebar on every page: the model picker, the checkpoint upload and the heartbeat
of this session's trainings; and how a view gets the picked model.

* The checkpoint upload is read in the uploader's callback, before the page reruns: a
  good checkpoint is added to the session (never to a shared cache) and picked; a
  refused one leaves every model and setting as it was, the sidebar says why, and the
  uploader is drawn empty again (under a new key: code cannot set an uploader's value).
* ``heartbeat`` is a fragment that reruns every HEARTBEAT_S seconds while one of the
  session's runs is active, on every page: it shows the run's progress and touches it;
  once the tab is closed nothing touches it and the run stops itself after the
  registry's ``heartbeat_timeout_s``.
"""

from __future__ import annotations

import math

import streamlit as st

import seq2seq_core as core
from ui import state
from ui.services import models, server, training
from ui.text import md_escape

HEARTBEAT_S = 5.0


def model_picker() -> str | None:
    """Select box over the shipped models, this session's runs and uploads; returns the
    picked key (None when there is no model at all)."""
    choices = models.model_choices(state.runs(), state.uploads(), state.pinned())
    if not choices:
        st.info("No shipped models yet — train one on the Train page.")
        return None
    state.choice(state.MODEL, list(choices), models.default_choice(choices))
    picked = st.selectbox("Model", list(choices), format_func=choices.__getitem__,
                          key=state.MODEL, help="Shipped models, then the runs you trained.")
    st.caption(models.choice_description(picked, state.runs()))
    return picked


def picked_model() -> models.ModelHandle:
    """The model picked in the sidebar, loaded. When it cannot be loaded, or there is
    none yet, says so and stops the page (``st.stop``)."""
    try:
        handle = models.resolve_model(state.model_key(), state.runs())
    except core.CheckpointError as err:
        st.error(f"This model cannot be loaded: {md_escape(str(err))}")
        st.stop()
    if handle is None:
        st.info("No model yet: train one on the Train page, then pick it in the sidebar.")
        st.stop()
    return handle


def model_line(handle: models.ModelHandle, tail_md: str | None = None) -> None:
    """"**name** · task `task` · tail" under a view's title (the handle's name and task
    are markdown-safe already); ``tail_md`` (markdown) defaults to the architecture label."""
    tail = handle.label if tail_md is None else tail_md
    st.markdown(f"**{handle.name}** · task `{handle.task}` · {tail}")


def _on_upload(key: str) -> None:
    st.session_state.pop(state.UPLOAD_ERROR, None)
    file = st.session_state.get(key)
    if file is None:
        return
    limit = server.limits().max_uploads
    try:
        if len(state.uploads()) >= limit:
            raise core.CheckpointError(f"This server keeps {limit} uploaded checkpoints per "
                                       "user; reload the page to start over.")
        folder, tm = models.load_upload(file.getvalue())
    except core.CheckpointError as err:
        st.session_state[state.UPLOAD_ERROR] = (f"{md_escape(file.name, 80)} was not "
                                                f"loaded. {md_escape(str(err))}")
        resets = st.session_state.get(state.UPLOAD_RESETS, 0)
        st.session_state[state.UPLOAD_RESETS] = resets + 1  # an empty uploader next run
        return
    state.use_model(state.add_upload(folder, tm).key)


def uploader() -> None:
    """Upload widget plus the last refusal, if any."""
    max_mb = max(1, math.ceil(server.limits().max_upload_bytes / 2**20))
    key = state.UPLOAD_WIDGET.format(st.session_state.get(state.UPLOAD_RESETS, 0))
    st.file_uploader("Load a checkpoint (.zip)", type=["zip"], key=key,
                     on_change=_on_upload, args=(key,), max_upload_size=max_mb,
                     help="The .zip that Download checkpoint gives. Pickled PyTorch files "
                          "(.pt) are refused: loading them can run code.")
    error = st.session_state.get(state.UPLOAD_ERROR)
    if error:
        st.error(error)


def _beat(was_active: bool) -> None:
    active = []
    for entry in state.runs():
        snap = entry.run.snapshot()
        if snap.active:
            training.touch(entry.run)
            active.append(f"my run {entry.number}: {snap.status}, step {snap.step}/"
                          f"{snap.total_steps}")
    if active:
        st.caption(" · ".join(active))
    elif was_active:
        st.rerun()  # the run ended: a full rerun stops the polling and updates the pages


def heartbeat() -> None:
    """Poll (in the sidebar) while one of this session's runs is active."""
    active = any(e.run.snapshot().active for e in state.runs())
    st.fragment(_beat, run_every=HEARTBEAT_S if active else None)(active)
