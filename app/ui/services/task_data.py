"""Task data for the Train view: prepared once (with progress), uploads kept safe.

A prepared ``TaskData`` is shared read-only by every session through
``st.cache_resource``, keyed by the options (uploaded bytes by their SHA-1). Uploads
follow one rule: a file replaces the session's data only when it parses completely; a
bad one shows its message and the previous data stays.

Session-state keys (``ui.state``): ``PAIRS_UPLOAD`` (name, pairs, digest) of the last
good upload; ``PAIRS_UPLOAD_ERROR`` (digest, message) of the last refused one; likewise
``CORPUS_UPLOAD`` / ``CORPUS_UPLOAD_ERROR`` for an uploaded Tatoeba file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import streamlit as st

import seq2seq_core as core
from seq2seq_core.tasks import UploadError, parse_pairs
from seq2seq_core.tasks.tatoeba import parse_manythings
from ui import state
from ui.services.server import limits



@dataclass(frozen=True)
class Accepted:
    """The data a session holds from an upload: file name, content digest and value."""

    name: str
    digest: str
    value: Any


def _digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _options_key(options: dict[str, Any]) -> str:
    """A short key for options that may hold uploaded bytes or thousands of pairs."""
    parts = [f"{k}={_digest(v if isinstance(v, bytes) else repr(v).encode())}"
             for k, v in sorted(options.items())]
    return ";".join(parts)


MAX_PREPARED = 6  # task data sets kept per process (a filtered corpus is a few MB)


@st.cache_resource(show_spinner=False)
def _store() -> dict[str, core.TaskData]:
    """Prepared task data by options key, shared by every session (read-only values)."""
    return {}


def prepare(task: str, options: dict[str, Any]) -> core.TaskData:
    """The task's data for ``options`` (with ``seed``), computed once per process; a
    progress bar shows reading and sentencepiece training the first time.

    Raises:
        ValueError: missing or malformed data, or options the task refuses.
    """
    store, key = _store(), f"{task}:{_options_key(options)}"
    if key in store:
        return store[key]
    bar = st.progress(0.0, text="Preparing the data...")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"Preparing the data: {message}")

    try:
        extra = {"progress": progress} if task == "translation" else {}
        data = core.make_task(task, **options, **extra)
    finally:
        bar.empty()
    while len(store) >= MAX_PREPARED:
        store.pop(next(iter(store)), None)
    store[key] = data
    return data


def _accept(data: bytes | None, name: str, parse, good_key: str,
            error_key: str) -> tuple[Accepted | None, str | None]:
    """Parse a new upload; only a good one replaces ``st.session_state[good_key]``.

    Returns (the data the session holds now, the message for a refused upload or None).
    """
    held: Accepted | None = st.session_state.get(good_key)
    if data is None:
        return held, None
    digest = _digest(data)
    if held is not None and held.digest == digest:
        return held, None
    refused = st.session_state.get(error_key)
    if refused is not None and refused[0] == digest:
        return held, refused[1]  # the same bad file is still selected
    try:
        value = parse(data, name)
    except ValueError as err:  # UploadError is a ValueError
        st.session_state[error_key] = (digest, str(err))
        return held, str(err)
    held = Accepted(name, digest, value)
    st.session_state[good_key] = held
    st.session_state.pop(error_key, None)
    return held, None


def accept_pairs(data: bytes | None, name: str) -> tuple[Accepted | None, str | None]:
    """A TSV/CSV of the user's own pairs (``tasks.upload.parse_pairs``)."""
    bounds = limits().pairs_upload()  # SEQ2SEQ_MAX_PAIRS_UPLOAD_{BYTES,ROWS}
    return _accept(data, name, lambda raw, file_name: parse_pairs(raw, file_name, bounds),
                   state.PAIRS_UPLOAD, state.PAIRS_UPLOAD_ERROR)


def accept_corpus(data: bytes | None, name: str) -> tuple[Accepted | None, str | None]:
    """A ManyThings ``.txt``/``.zip`` upload; kept as bytes once it parses."""
    def check(raw: bytes, file_name: str) -> bytes:
        pairs = parse_manythings(raw, file_name)
        if not pairs:
            raise UploadError(f"{file_name} holds no sentence pairs")
        return raw
    return _accept(data, name, check, state.CORPUS_UPLOAD, state.CORPUS_UPLOAD_ERROR)
