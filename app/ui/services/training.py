"""Training runs: start them on the server's registry, and tie this session to them.

Runs live in ``seq2seq_core.server``'s registry (one per process, outside Streamlit's
caches, so a "Clear caches" sent by any client stops nothing); the session keeps its
``RunEntry`` list in ``ui.state``.

* ``reattach``: the ids of the session's runs are mirrored into the page URL
  (``?run=<id>``). A reload starts a new session, which finds its runs again by those
  unguessable ids; a URL without them shows nobody else's runs.
* ``start_run`` / ``start_comparison`` queue runs within the server's limits.
* ``pause``, ``resume``, ``advance`` and ``set_speed`` drive a run by hand (slow motion
  for teaching); the first three wait, briefly, until the run shows the change, so the
  page redrawn after a click already shows it.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import streamlit as st

import seq2seq_core as core
from seq2seq_core.server import RunSpec, TrainingRun, default_registry
from ui import state
from ui.services.server import limits

QUERY_KEY = "run"  # the URL query parameter that carries run ids
MAX_IDS = 8  # run ids kept in the URL (the newest)
TASK_VOCAB_BOUND = 256  # more symbols than any task has: sizes a model before its task exists


def arch_label(model: dict[str, Any]) -> str:
    """The label of an architecture given as ``ArchConfig`` fields, e.g. "GRU-128
    attention (additive)". Raises ValueError for invalid fields."""
    return core.ArchConfig.of(model).label


def start_run(spec: RunSpec) -> TrainingRun:
    """Queue ``spec`` on the server's registry of trainings (process-wide, not a cache);
    the caller keeps the run in session state.

    Raises:
        LimitError: the model or the run is over a server limit.
        ServerBusy: every training slot is taken and the queue is full.
    """
    lim = limits()
    lim.check_model(core.ArchConfig.of(spec.model).with_vocab(TASK_VOCAB_BOUND,
                                                              TASK_VOCAB_BOUND))
    spec = dataclasses.replace(spec, train=lim.clamp_training(spec.train))
    return default_registry().submit(spec)


def start_comparison(spec: RunSpec, variants: list[dict[str, Any]]) -> list[TrainingRun]:
    """Start one run per model variant: same task, data, seed and budget; ``variants``
    override model fields (e.g. ``{"decoder": "fixed"}``). All start or none: if one is
    refused, those already started are stopped and the error (see ``start_run``) raised."""
    runs: list[TrainingRun] = []
    try:
        for v in variants:
            runs.append(start_run(dataclasses.replace(spec, model={**spec.model, **v})))
    except Exception:
        for run in runs:
            run.stop()
        raise
    return runs


def reattach() -> None:
    """Add the runs named in the URL to this session, touch the session's runs, and
    write their ids back to the URL (a page switch clears the query string)."""
    registry = default_registry()
    known = {e.run.run_id for e in state.runs()}
    for run_id in st.query_params.get_all(QUERY_KEY)[:MAX_IDS]:
        run = registry.get(run_id)
        if run is not None and run_id not in known:
            state.add_run(run, arch_label(run.spec.model), run.spec.task)
            known.add(run_id)
    ids = [e.run.run_id for e in state.runs()][-MAX_IDS:]
    for run_id in ids:
        registry.touch(run_id)
    if ids and st.query_params.get_all(QUERY_KEY) != ids:
        st.query_params[QUERY_KEY] = ids


def touch(run: TrainingRun) -> None:
    """Tell the registry a browser still watches ``run`` (see ``heartbeat_timeout_s``)."""
    default_registry().touch(run.run_id)


def queue_text(run: TrainingRun) -> str:
    """"Waiting for a training slot: ..." for a queued run."""
    registry = default_registry()
    ahead = registry.queue_position(run.run_id) or 0
    return (f"Waiting for a training slot: {ahead} run{'s' * (ahead != 1)} ahead of yours. "
            f"This server trains {registry.limits.train_slots} at a time; yours starts by "
            "itself, keep this tab open.")


WAIT_S = 5.0  # the longest a click waits for the run to show its effect


def _wait_until(done, timeout_s: float = WAIT_S) -> bool:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def pause(run: TrainingRun) -> None:
    """Hold the run after its current step; returns once it holds (or after WAIT_S)."""
    run.pause()
    _wait_until(lambda: run.snapshot().status != "running")


def resume(run: TrainingRun) -> None:
    """Go on training at the set speed."""
    run.resume()
    _wait_until(lambda: run.snapshot().status != "paused", 1.0)


def advance(run: TrainingRun, steps: int) -> None:
    """While paused: take ``steps`` optimisation steps, then evaluate (the run does), so
    every chart, the model and the replay show that step. Returns once the evaluation is
    in (or after WAIT_S; a slow speed or a queue can take longer, the polling shows it)."""
    target = run.snapshot().step + steps
    run.advance(steps)

    def arrived() -> bool:
        snap = run.snapshot()
        return not snap.active or (snap.step >= target and bool(snap.evals)
                                   and snap.evals[-1].step >= target)
    _wait_until(arrived)


def set_speed(run: TrainingRun, steps_per_second: float | None) -> None:
    """At most ``steps_per_second`` steps a second (None or 0: full speed)."""
    run.set_speed(steps_per_second or None)
