"""Session-state keys and typed helpers: everything this session owns lives here.

Keys (widget keys are listed too, so tests and views agree on them):

    model          sidebar model picker: "shipped:<name>" or "run:<run id>"
    source         Decode input text; source_task: the task it was filled for
    runs           list[RunEntry]: every training run of this session, oldest first
    train_view_run run shown on the Train view ("run:<run id>")
    compare_runs   picker keys of the runs the Compare view started together
    uploads        list[UploadEntry]: checkpoints this session uploaded ("upload:<id>")
    checkpoint_upload_error  why the last checkpoint upload was refused (sidebar)
    upload_pairs, pairs_upload_error, corpus_upload, corpus_upload_error: Train uploads

Other widget keys: Decode ``beam_size``, ``alpha``, ``max_len``, ``n_best``,
``hypothesis``, ``example_<i>``; Train ``train_task``, ``train_*`` form fields,
``train_start``, ``train_stop``, ``use_in_decode``, ``download_checkpoint``; sidebar
``checkpoint_upload``; Beam search ``beam_*`` and ``sweep_*`` (listed in
``ui.beam_widgets``), sharing Decode's ``beam_size``, ``alpha``, ``max_len``, ``n_best``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import streamlit as st

from seq2seq_core.trained import TrainedModel
from seq2seq_core.server.worker import TrainingRun

MODEL = "model"
SOURCE = "source"
SOURCE_TASK = "source_task"
RUNS = "runs"
VIEW_RUN = "train_view_run"
COMPARE = "compare_runs"
UPLOADS = "uploads"
UPLOAD_ERROR = "checkpoint_upload_error"  # str: why the last checkpoint was refused
UPLOAD_WIDGET = "checkpoint_upload"
PAIRS_UPLOAD = "upload_pairs"  # Accepted: the last good pairs file (Train, task upload)
PAIRS_UPLOAD_ERROR = "pairs_upload_error"  # (digest, message) of the last refused one
CORPUS_UPLOAD = "corpus_upload"  # Accepted: the last good Tatoeba file
CORPUS_UPLOAD_ERROR = "corpus_upload_error"  # (digest, message) of the last refused one


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


@dataclass(frozen=True)
class UploadEntry:
    """A checkpoint this session uploaded: per user, never in a cache shared by all."""

    number: int
    folder: str  # the archive's folder name, reduced to letters, digits, "-", "_", "."
    tm: TrainedModel = field(repr=False)
    key: str = field(default_factory=lambda: f"upload:{uuid.uuid4().hex}")

    @property
    def name(self) -> str:
        return f"uploaded {self.number}: {self.folder}"


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


def compare_runs() -> list[RunEntry]:
    """The runs of the latest comparison, in the order they were started."""
    return [e for key in st.session_state.get(COMPARE, []) if (e := find_run(key))]


def set_compare_runs(entries: list[RunEntry]) -> None:
    st.session_state[COMPARE] = [e.key for e in entries]


def model_key() -> str | None:
    return st.session_state.get(MODEL)


def use_model(key: str) -> None:
    """Select a model in the sidebar picker (call from a callback, before it renders)."""
    st.session_state[MODEL] = key


def fill_source(text: str, task: str) -> None:
    """Put ``text`` in the Decode input (callback or before the input renders)."""
    st.session_state[SOURCE] = text
    st.session_state[SOURCE_TASK] = task


def uploads() -> list[UploadEntry]:
    return st.session_state.setdefault(UPLOADS, [])


def add_upload(folder: str, tm: TrainedModel) -> UploadEntry:
    entry = UploadEntry(len(uploads()) + 1, folder, tm)
    uploads().append(entry)
    return entry


def find_upload(key: str | None) -> UploadEntry | None:
    return next((e for e in uploads() if e.key == key), None)
