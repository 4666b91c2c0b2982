"""This session's link to the server's trainings: reattach after a reload, heartbeat.

Runs live in ``seq2seq_core.server.registry`` (one per process, outside Streamlit's caches, so
a "Clear caches" sent by any client stops nothing). This module ties a session to them:

* ``reattach``: the ids of the session's runs are mirrored into the page URL
  (``?run=<id>``). A reload starts a new session, which finds its runs again by those
  unguessable ids; a URL without them shows nobody else's runs.
* ``heartbeat``: a sidebar fragment that reruns every HEARTBEAT_S seconds while one of
  the session's runs is active, on every page. It shows the run's progress and touches
  it; once the tab is closed nothing touches it and the run stops itself after the
  registry's ``heartbeat_timeout_s``.
"""

from __future__ import annotations

import streamlit as st

import seq2seq_core as core
from seq2seq_core.server.registry import default_registry
from seq2seq_core.server.worker import TrainingRun
from ui import state

QUERY_KEY = "run"
MAX_IDS = 8  # run ids kept in the URL (the newest)
HEARTBEAT_S = 5.0


def run_label(run: TrainingRun) -> str:
    return core.ModelConfig(src_vocab_size=5, tgt_vocab_size=5, **run.spec.model).label


def reattach() -> None:
    """Add the runs named in the URL to this session, touch the session's runs, and
    write their ids back to the URL (a page switch clears the query string)."""
    registry = default_registry()
    known = {e.run.run_id for e in state.runs()}
    for run_id in st.query_params.get_all(QUERY_KEY)[:MAX_IDS]:
        run = registry.get(run_id)
        if run is not None and run_id not in known:
            state.add_run(run, run_label(run), run.spec.task)
            known.add(run_id)
    ids = [e.run.run_id for e in state.runs()][-MAX_IDS:]
    for run_id in ids:
        registry.touch(run_id)
    if ids and st.query_params.get_all(QUERY_KEY) != ids:
        st.query_params[QUERY_KEY] = ids


def queue_text(run: TrainingRun) -> str:
    """"Waiting for a training slot: ..." for a queued run."""
    registry = default_registry()
    ahead = registry.queue_position(run.run_id) or 0
    return (f"Waiting for a training slot: {ahead} run{'s' * (ahead != 1)} ahead of yours. "
            f"This server trains {registry.limits.train_slots} at a time; yours starts by "
            "itself, keep this tab open.")


def _beat(was_active: bool) -> None:
    registry, active = default_registry(), []
    for entry in state.runs():
        snap = entry.run.snapshot()
        if snap.active:
            registry.touch(entry.run.run_id)
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
