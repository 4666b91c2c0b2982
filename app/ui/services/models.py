"""Models the sidebar offers: shipped checkpoints, this session's runs and uploads.

* Shipped models are the read-only folders ``<repo>/pretrained/<name>/``; set the
  environment variable ``SEQ2SEQ_PRETRAINED_DIR`` to read them from another folder
  (tests point it at a temporary one). They are loaded once per process with
  ``st.cache_resource`` and shared by every session, so nobody may train them.
* Training runs and uploads belong to one session (``ui.state``), never to a cache.
* A ``ModelHandle`` carries a key unique per set of weights: every cache keys on it.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

import seq2seq_core as core
from seq2seq_core.inside import Snapshot
from seq2seq_core.server import load_zip
from ui import text
from ui.services.server import limits
from ui.state import PinnedEntry, RunEntry, UploadEntry, find_pinned, find_upload

REPO_ROOT = Path(__file__).resolve().parents[3]
PRETRAINED_ENV = "SEQ2SEQ_PRETRAINED_DIR"
DEFAULT_MODEL = "dates-attention"


@dataclass(frozen=True)
class ShippedModel:
    """A checkpoint folder under the pretrained directory, described without loading it."""

    name: str
    task: str
    label: str
    summary: str
    path: Path


@dataclass(frozen=True)
class ModelHandle:
    """A model picked in the sidebar: where it comes from and the loaded model."""

    key: str  # unique per set of weights (folder, or run id and step): the cache key
    name: str  # markdown-safe: an uploaded name is escaped when the handle is made
    task: str  # safe inside a markdown code span
    label: str  # the architecture, from a validated ModelConfig
    info: dict[str, Any]
    tm: core.TrainedModel = field(repr=False, compare=False)

    @property
    def has_attention(self) -> bool:
        return self.tm.model.has_attention


def pretrained_dir() -> Path:
    """The folder of shipped models: $SEQ2SEQ_PRETRAINED_DIR, else <repo>/pretrained."""
    return Path(os.environ.get(PRETRAINED_ENV) or REPO_ROOT / "pretrained")


def _card_summary(folder: Path) -> str:
    """First prose line of CARD.md, or an empty string."""
    card = folder / "CARD.md"
    lines = card.read_text(encoding="utf-8").splitlines() if card.is_file() else []
    return next((ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")), "")


def list_shipped_models() -> list[ShippedModel]:
    """Every readable ``<pretrained>/*/config.json``, sorted by name (skips broken ones).

    Read once per version of the folder (its modification time changes when a model
    folder is added or removed): a Decode page asks about 25 times, which read 16
    configs and cards each time, 40% of a new session's server time (bench/first_paint.py).
    """
    folder = pretrained_dir()
    try:
        version = folder.stat().st_mtime_ns
    except OSError:
        return []
    return list(_shipped_in(str(folder), version))


@st.cache_resource(show_spinner=False, max_entries=8)
def _shipped_in(folder: str, version: int) -> tuple[ShippedModel, ...]:
    found = []
    for config in sorted(Path(folder).glob("*/config.json")):
        try:
            raw = json.loads(config.read_text(encoding="utf-8"))
            label = core.ModelConfig(**raw["model"]).label
        except (OSError, ValueError, TypeError, KeyError):
            continue
        found.append(ShippedModel(config.parent.name, str(raw.get("task", "")), label,
                                  _card_summary(config.parent), config.parent))
    return tuple(found)


@st.cache_resource(show_spinner="Loading the model...")
def _load_folder(path: str) -> core.TrainedModel:
    return core.load(path)  # eval mode; shared read-only by every session


def load_shipped(name: str) -> core.TrainedModel:
    """The shipped model ``name``, loaded once per process. Raises CheckpointError."""
    return _load_folder(str(pretrained_dir() / name))


def model_choices(runs: list[RunEntry], uploads: Sequence[UploadEntry] = (),
                  pinned: Sequence[PinnedEntry] = ()) -> dict[str, str]:
    """Picker key -> display name: shipped models, this session's runs with a model, the
    run snapshots it pinned ("Use in Decode" during a run), then the checkpoints it
    uploaded."""
    choices = {f"shipped:{m.name}": m.name for m in list_shipped_models()}
    choices.update({e.key: e.name for e in runs if e.run.latest_model()})
    choices.update({p.key: p.name for p in pinned})
    choices.update({u.key: u.name for u in uploads})
    return choices


def choice_task(key: str | None, runs: list[RunEntry]) -> str | None:
    """The task of the model behind a picker key (without loading it), or None."""
    if not key:
        return None
    if key.startswith("shipped:"):
        name = key.removeprefix("shipped:")
        return next((m.task for m in list_shipped_models() if m.name == name), None)
    if key.startswith("pinned:"):
        found = find_pinned(key)
        return None if found is None else found.task
    if key.startswith("upload:"):
        upload = find_upload(key)
        return None if upload is None else upload.tm.task
    return next((e.task for e in runs if e.key == key), None)


def choice_description(key: str | None, runs: list[RunEntry]) -> str:
    """One line for the model picker: what the picked model's task does."""
    task = None if key and key.startswith("upload:") else choice_task(key, runs)
    info = core.TASKS.get(task or "")
    return f"`{task}`: {info.description}" if info else ""


def default_choice(choices: dict[str, str]) -> str | None:
    """The picker key to start on: the shipped default model, else the first choice."""
    preferred = f"shipped:{DEFAULT_MODEL}"
    return preferred if preferred in choices else next(iter(choices), None)


def _run_handle(entry: RunEntry) -> ModelHandle | None:
    tm = entry.run.latest_model()
    if tm is None:
        return None
    return ModelHandle(f"{entry.key}:{tm.info.get('steps')}", entry.name, entry.task,
                       entry.label, tm.info, tm)


def snapshot_handle(entry: RunEntry, snap: Snapshot) -> ModelHandle:
    """A handle for one replay snapshot of a run (same key scheme as the run's models)."""
    return ModelHandle(f"{entry.key}:{snap.step}", entry.name, entry.task, entry.label,
                       snap.tm.info, snap.tm)


def _upload_handle(upload: UploadEntry) -> ModelHandle:
    """An uploaded model; its name and task are untrusted, so they are made safe for the
    views' markdown (the task as text in a code span)."""
    tm = upload.tm
    return ModelHandle(upload.key, text.md_escape(upload.name), text.code_span_safe(tm.task),
                       tm.model.cfg.label, tm.info, tm)


def resolve_model(key: str | None, runs: list[RunEntry]) -> ModelHandle | None:
    """The handle for a picker key, or None. Raises CheckpointError for a broken folder."""
    if key is None:
        return None
    if key.startswith("shipped:"):
        shipped = {m.name: m for m in list_shipped_models()}.get(key.removeprefix("shipped:"))
        if shipped is None:
            return None
        tm = load_shipped(shipped.name)
        return ModelHandle(f"{key}:{shipped.path}", shipped.name, tm.task, shipped.label,
                           tm.info, tm)
    if key.startswith("upload:"):
        upload = find_upload(key)
        return None if upload is None else _upload_handle(upload)
    if key.startswith("pinned:"):
        found = find_pinned(key)
        return None if found is None else ModelHandle(
            f"{found.run_key}:{found.step}", found.name, found.task, found.label,
            found.tm.info, found.tm)  # the run's key at that step: same weights, same key
    entry = next((e for e in runs if e.key == key), None)
    return None if entry is None else _run_handle(entry)


def shipped_folder(handle: ModelHandle) -> Path | None:
    """The folder of a shipped model's handle, or None for any other model."""
    if not handle.key.startswith("shipped:"):
        return None
    return Path(handle.key.removeprefix("shipped:").split(":", 1)[1])


def shipped_key(name: str) -> str:
    """The picker key of the shipped model ``name``."""
    return f"shipped:{name}"


def load_upload(data: bytes) -> tuple[str, core.TrainedModel]:
    """(folder name, model) from an uploaded zipped checkpoint, within the server limits.
    Never unpickles. Raises CheckpointError saying why a file is refused."""
    return load_zip(data, limits())


def checkpoint_zip(tm: core.TrainedModel, folder_name: str) -> bytes:
    """The model as a zipped checkpoint folder (``core.load`` reads it once unzipped)."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        folder = core.save(Path(tmp) / folder_name, tm)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, f"{folder_name}/{path.name}")
    return buffer.getvalue()
