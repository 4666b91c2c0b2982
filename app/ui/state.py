"""Session-state keys and typed helpers: everything this session owns lives here.

Keys (widget keys are listed too, so tests and views agree on them):

    model          sidebar model picker: "shipped:<name>" or "run:<run id>"
    source         Decode input text; source_task: the task it was filled for
    runs           list[RunEntry]: every training run of this session, oldest first
    train_view_run run shown on the Train view ("run:<run id>")

Other widget keys: Decode ``beam_size``, ``alpha``, ``max_len``, ``n_best``,
``hypothesis``, ``example_<i>``; Train ``train_task``, ``train_*`` form fields,
``train_start``, ``train_stop``, ``use_in_decode``, ``download_checkpoint``.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from seq2seq_core.worker import TrainingRun

MODEL = "model"
SOURCE = "source"
SOURCE_TASK = "source_task"
RUNS = "runs"
VIEW_RUN = "train_view_run"


@dataclass(frozen=True)
class RunEntry:
    """One training run of this session with its display name parts."""

    number: int
    run: TrainingRun
    label: str  # ModelConfig.label, e.g. "GRU-128 attention (additive)"
    task: str

    @property
    def name(self) -> str:
        return f"my run {self.number}: {self.label}, {self.task}"

    @property
    def key(self) -> str:
        return f"run:{self.run.run_id}"


def init_defaults() -> None:
    """Create the session's containers once (idempotent)."""
    st.session_state.setdefault(RUNS, [])


def runs() -> list[RunEntry]:
    return st.session_state.setdefault(RUNS, [])


def add_run(run: TrainingRun, label: str, task: str) -> RunEntry:
    """Keep a new run for the rest of the session and show it on the Train view."""
    entry = RunEntry(len(runs()) + 1, run, label, task)
    runs().append(entry)
    st.session_state[VIEW_RUN] = entry.key
    return entry


def find_run(key: str | None) -> RunEntry | None:
    return next((e for e in runs() if e.key == key), None)


def active_run() -> RunEntry | None:
    """The run still training, if any (a session trains one at a time)."""
    return next((e for e in runs() if e.run.snapshot().active), None)


def model_key() -> str | None:
    return st.session_state.get(MODEL)


def use_model(key: str) -> None:
    """Select a model in the sidebar picker (call from a callback, before it renders)."""
    st.session_state[MODEL] = key


def fill_source(text: str, task: str) -> None:
    """Put ``text`` in the Decode input (callback or before the input renders)."""
    st.session_state[SOURCE] = text
    st.session_state[SOURCE_TASK] = task
