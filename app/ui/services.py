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

import dataclasses
import gc
import io
import json
import os
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st
import torch

import seq2seq_core as core
from seq2seq_core.server.archive import load_zip
from seq2seq_core.server.limits import LimitError, Limits
from seq2seq_core.server.registry import default_registry
from seq2seq_core.search.sweep import SweepRow, beam_sweep
from seq2seq_core.server.worker import RunSpec, TrainingRun
from ui import text
from ui.state import RunEntry, UploadEntry, find_upload

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
    name: str  # markdown-safe: an uploaded name is escaped when the handle is made
    task: str  # safe inside a markdown code span
    label: str  # the architecture, from a validated ModelConfig
    info: dict[str, Any]
    tm: core.TrainedModel = field(repr=False, compare=False)

    @property
    def has_attention(self) -> bool:
        return self.tm.model.cfg.decoder == "attention"


def limit_torch_threads() -> None:
    """One torch thread per process: on a shared box two threads ran 4.9x slower."""
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)


_frozen = threading.Event()


def freeze_startup_objects() -> None:
    """Once per process, after the first page: move everything loaded so far (torch,
    plotly, pandas, the app: ~260k objects) out of the garbage collector's sight, so its
    full collections, which hold the GIL, scan only what sessions create later.
    SEQ2SEQ_GC_FREEZE=0 turns it off (for measuring it: bench/load_harness.py)."""
    if _frozen.is_set() or os.environ.get("SEQ2SEQ_GC_FREEZE") == "0":
        return
    _frozen.set()
    gc.collect()
    gc.freeze()


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


def model_choices(runs: list[RunEntry],
                  uploads: Sequence[UploadEntry] = ()) -> dict[str, str]:
    """Picker key -> display name: shipped models, this session's runs with a model, then
    the checkpoints it uploaded."""
    choices = {f"shipped:{m.name}": m.name for m in list_shipped_models()}
    choices.update({e.key: e.name for e in runs if e.run.latest_model()})
    choices.update({u.key: u.name for u in uploads})
    return choices


def choice_description(key: str | None, runs: list[RunEntry]) -> str:
    """One line for the model picker: what the picked model's task does."""
    task = None
    if key and key.startswith("shipped:"):
        name = key.removeprefix("shipped:")
        task = next((m.task for m in list_shipped_models() if m.name == name), None)
    elif key:
        task = next((e.task for e in runs if e.key == key), None)
    info = core.TASKS.get(task or "")
    return f"`{task}`: {info.description}" if info else ""


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
    if key.startswith("upload:"):
        upload = find_upload(key)
        return None if upload is None else _upload_handle(upload)
    entry = next((e for e in runs if e.key == key), None)
    return None if entry is None else _run_handle(entry)


def _upload_handle(upload: UploadEntry) -> ModelHandle:
    """An uploaded model; its name and task are untrusted, so they are made safe for the
    views' markdown (the task as text in a code span)."""
    tm = upload.tm
    return ModelHandle(upload.key, text.md_escape(upload.name), text.code_span_safe(tm.task),
                       tm.model.cfg.label, tm.info, tm)


def load_upload(data: bytes) -> tuple[str, core.TrainedModel]:
    """(folder name, model) from an uploaded zipped checkpoint, within the server limits.
    Never unpickles. Raises CheckpointError saying why a file is refused."""
    return load_zip(data, limits())


@st.cache_data(max_entries=512, show_spinner=False)
def _decode_cached(model_key: str, text: str, cfg: core.DecodeConfig,
                   _tm: core.TrainedModel) -> core.SearchResult:
    return core.decode_text(_tm, text, cfg)


def check_text(tm: core.TrainedModel, text: str,
               cfg: core.DecodeConfig | None = None) -> str:
    """``text`` normalised, within the server's input limit (and ``cfg`` within its beam
    and output limits). Raises InputError saying what to change."""
    lim = limits()
    if cfg is not None:
        try:
            lim.check_decode(cfg)
        except LimitError as err:
            raise core.InputError(str(err)) from None
    return core.check_source(tm, text, lim.max_input_tokens)


def decode(handle: ModelHandle, text: str,
           cfg: core.DecodeConfig) -> tuple[core.SearchResult, core.SearchResult]:
    """Greedy and beam results for ``text``. Raises InputError for unreadable input."""
    text = check_text(handle.tm, text, cfg)  # fail before caching anything
    greedy_cfg = core.DecodeConfig(strategy="greedy", max_len=cfg.max_len)
    return (_decode_cached(handle.key, text, greedy_cfg, handle.tm),
            _decode_cached(handle.key, text, cfg, handle.tm))


def limits() -> Limits:
    """The server's limits (``SEQ2SEQ_*`` environment variables over the defaults)."""
    return Limits.from_env()


TASK_VOCAB_BOUND = 256  # more symbols than any task has: sizes a model before its task exists


def start_run(spec: RunSpec) -> TrainingRun:
    """Queue ``spec`` on the server's registry of trainings (process-wide, not a cache);
    the caller keeps the run in session state.

    Raises:
        LimitError: the model or the run is over a server limit.
        ServerBusy: every training slot is taken and the queue is full.
    """
    lim = limits()
    lim.check_model(core.ModelConfig(src_vocab_size=TASK_VOCAB_BOUND,
                                     tgt_vocab_size=TASK_VOCAB_BOUND, **spec.model))
    spec = dataclasses.replace(spec, train=lim.clamp_training(spec.train))
    return default_registry().submit(spec)


def checkpoint_zip(tm: core.TrainedModel, folder_name: str) -> bytes:
    """The model as a zipped checkpoint folder (``core.load`` reads it once unzipped)."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        folder = core.save(Path(tmp) / folder_name, tm)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, f"{folder_name}/{path.name}")
    return buffer.getvalue()


# -- Beam search view: forced prefixes, held-out references, the beam-width sweep --

SWEEP_KEEP = 16  # sweeps kept per process (each is a few rows)


@st.cache_data(max_entries=512, show_spinner=False)
def _decode_prefix_cached(model_key: str, text: str, cfg: core.DecodeConfig,
                          prefix: tuple[int, ...], _tm: core.TrainedModel) -> core.SearchResult:
    return core.decode_text(_tm, text, cfg, prefix=prefix)


def decode_with(handle: ModelHandle, text: str, cfg: core.DecodeConfig,
                prefix: tuple[int, ...] = ()) -> core.SearchResult:
    """``text`` decoded with ``cfg`` after forcing the target ids ``prefix`` ("be the
    beam"). Raises InputError for unreadable input or a bad prefix."""
    text = check_text(handle.tm, text, cfg)
    return _decode_prefix_cached(handle.key, text, cfg, tuple(prefix), handle.tm)


@st.cache_data(max_entries=16, show_spinner="Regenerating the held-out set...")
def _heldout_cached(task: str, seed: int,
                    options_json: str) -> tuple[tuple[core.Pair, tuple[str, ...]], ...]:
    """The held-out pairs, each with every correct target of its source."""
    data = core.make_task(task, seed=seed, **json.loads(options_json))
    return tuple((p, data.references_of(p)) for p in data.heldout)


def heldout_pairs(handle: ModelHandle, runs: list[RunEntry]) -> tuple[core.Pair, ...]:
    """The model's held-out pairs (its task regenerated with the run's seed and options)
    whose sources it can read; () where they cannot be regenerated (e.g. uploads)."""
    return tuple(p for p, _ in heldout_with_references(handle, runs))


def heldout_with_references(handle: ModelHandle, runs: list[RunEntry]
                            ) -> tuple[tuple[core.Pair, tuple[str, ...]], ...]:
    """``heldout_pairs`` with each pair's references."""
    entry = next((e for e in runs if handle.key.startswith(f"{e.key}:")), None)
    if entry is not None:
        spec = entry.run.spec
        task, seed, options = spec.task, spec.train.seed, dict(spec.task_options)
    else:
        train = handle.info.get("train_config") or {}
        task, seed = handle.task, int(train.get("seed", 0))
        options = dict(handle.info.get("task_options") or {})
    if task not in core.TASKS or task == "upload":
        return ()
    try:
        pairs = _heldout_cached(task, seed, json.dumps(options, sort_keys=True))
    except (ValueError, TypeError, KeyError, OSError):
        return ()
    vocab = handle.tm.src_vocab
    return tuple((p, refs) for p, refs in pairs if not vocab.unknown_tokens(p.source))


@st.cache_resource
def _sweep_store() -> tuple[threading.Lock, OrderedDict]:
    """Finished sweeps by (model key, pairs, max_len), shared by the process. Not
    st.cache_data: on a hit it would replay the progress updates into containers that
    were built outside the cached function (CacheReplayClosureError)."""
    return threading.Lock(), OrderedDict()


def sweep(handle: ModelHandle, pairs: tuple[core.Pair, ...], max_len: int,
          references: dict[str, tuple[str, ...]] | None = None,
          on_progress: Callable[[str], None] | None = None) -> tuple[SweepRow, ...]:
    """``beam_sweep`` over ``pairs`` for widths 1-16 with the task's metrics, computed
    once per model and pairs. ``references``: source -> every correct target (see
    ``heldout_with_references``). Raises ValueError for no pairs."""
    lock, store = _sweep_store()
    key = (handle.key, pairs, max_len)
    with lock:
        if key in store:
            store.move_to_end(key)
            return store[key]
    info = core.TASKS.get(handle.task)
    metrics = [m for m in (info.metrics if info else ())
               if m not in ("exact_match", "word_accuracy")]  # the sweep has exact match
    known = references or {}
    rows = beam_sweep(handle.tm, pairs, max_len=max_len, on_progress=on_progress,
                      references=[known.get(p.source, (p.target,)) for p in pairs],
                      metrics=metrics)
    with lock:
        store[key] = rows
        while len(store) > SWEEP_KEEP:
            store.popitem(last=False)
    return rows


def sweep_done(handle: ModelHandle, pairs: tuple[core.Pair, ...], max_len: int) -> bool:
    """Whether ``sweep`` has these results already (the view shows them without a click)."""
    lock, store = _sweep_store()
    with lock:
        return (handle.key, pairs, max_len) in store
