"""The app's only door to ``seq2seq_core`` and the only module with Streamlit caches.

* Shipped models are the read-only folders ``<repo>/pretrained/<name>/``; set the
  environment variable ``SEQ2SEQ_PRETRAINED_DIR`` to read them from another folder
  (tests point it at a temporary one). They are loaded once per process with
  ``st.cache_resource`` and shared by every session, so nobody may train them.
* Training runs belong to one session (``ui.state``), never to a shared cache.
* ``decode`` caches plain ``SearchResult`` data keyed by a model key that is unique per
  checkpoint folder or per run and step (run ids are unguessable).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st
import torch

import seq2seq_core as core
from seq2seq_core.worker import RunSpec, TrainingRun
from ui.state import RunEntry

REPO_ROOT = Path(__file__).resolve().parents[2]
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

    key: str  # unique per set of weights (folder, or run id and step): the decode cache key
    name: str
    task: str
    label: str
    info: dict[str, Any]
    tm: core.TrainedModel = field(repr=False, compare=False)

    @property
    def has_attention(self) -> bool:
        return self.tm.model.cfg.decoder == "attention"


def limit_torch_threads() -> None:
    """One torch thread per process: on a shared box two threads ran 4.9x slower."""
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)


def pretrained_dir() -> Path:
    """The folder of shipped models: $SEQ2SEQ_PRETRAINED_DIR, else <repo>/pretrained."""
    return Path(os.environ.get(PRETRAINED_ENV) or REPO_ROOT / "pretrained")


def _card_summary(folder: Path) -> str:
    """First prose line of CARD.md, or an empty string."""
    card = folder / "CARD.md"
    lines = card.read_text(encoding="utf-8").splitlines() if card.is_file() else []
    return next((ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")), "")


def list_shipped_models() -> list[ShippedModel]:
    """Every readable ``<pretrained>/*/config.json``, sorted by name (skips broken ones)."""
    found = []
    for config in sorted(pretrained_dir().glob("*/config.json")):
        try:
            raw = json.loads(config.read_text(encoding="utf-8"))
            label = core.ModelConfig(**raw["model"]).label
        except (OSError, ValueError, TypeError, KeyError):
            continue
        found.append(ShippedModel(config.parent.name, str(raw.get("task", "")), label,
                                  _card_summary(config.parent), config.parent))
    return found


@st.cache_resource(show_spinner="Loading the model...")
def _load_folder(path: str) -> core.TrainedModel:
    return core.load(path)  # eval mode; shared read-only by every session


def load_shipped(name: str) -> core.TrainedModel:
    """The shipped model ``name``, loaded once per process. Raises CheckpointError."""
    return _load_folder(str(pretrained_dir() / name))


def model_choices(runs: list[RunEntry]) -> dict[str, str]:
    """Picker key -> display name: shipped models, then this session's runs with a model."""
    choices = {f"shipped:{m.name}": m.name for m in list_shipped_models()}
    choices.update({e.key: e.name for e in runs if e.run.latest_model()})
    return choices


def default_choice(choices: dict[str, str]) -> str | None:
    preferred = f"shipped:{DEFAULT_MODEL}"
    return preferred if preferred in choices else next(iter(choices), None)


def _run_handle(entry: RunEntry) -> ModelHandle | None:
    tm = entry.run.latest_model()
    if tm is None:
        return None
    return ModelHandle(f"{entry.key}:{tm.info.get('steps')}", entry.name, entry.task,
                       entry.label, tm.info, tm)


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
    entry = next((e for e in runs if e.key == key), None)
    return None if entry is None else _run_handle(entry)


@st.cache_data(max_entries=512, show_spinner=False)
def _decode_cached(model_key: str, text: str, cfg: core.DecodeConfig,
                   _tm: core.TrainedModel) -> core.SearchResult:
    return core.decode_text(_tm, text, cfg)


def decode(handle: ModelHandle, text: str,
           cfg: core.DecodeConfig) -> tuple[core.SearchResult, core.SearchResult]:
    """Greedy and beam results for ``text``. Raises InputError for unreadable input."""
    text = core.check_source(handle.tm, text)  # fail before caching anything
    greedy_cfg = core.DecodeConfig(strategy="greedy", max_len=cfg.max_len)
    return (_decode_cached(handle.key, text, greedy_cfg, handle.tm),
            _decode_cached(handle.key, text, cfg, handle.tm))


def start_run(spec: RunSpec) -> TrainingRun:
    """Start training in a background thread; the caller keeps it in session state."""
    return TrainingRun(spec).start()


def checkpoint_zip(tm: core.TrainedModel, folder_name: str) -> bytes:
    """The model as a zipped checkpoint folder (``core.load`` reads it once unzipped)."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        folder = core.save(Path(tmp) / folder_name, tm)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, f"{folder_name}/{path.name}")
    return buffer.getvalue()
