"""Decoding for the views: the one cached search, held-out pairs, correctness, the sweep.

``search`` caches plain ``SearchResult`` data keyed by ``ModelHandle.key``; every input
goes through ``check_text`` first, so every view refuses the same input with the same
message (``seq2seq_core.search.check_source``'s).
"""

from __future__ import annotations

import json
import random
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

import seq2seq_core as core
from seq2seq_core.metrics import canonical_references, is_correct
from seq2seq_core.search.sweep import SweepRow, beam_sweep
from seq2seq_core.server import LimitError
from ui.services.models import ModelHandle
from ui.services.server import limits
from ui.state import RunEntry

SWEEP_KEEP = 16  # sweeps kept per process (each is a few rows)


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


@st.cache_data(max_entries=512, show_spinner=False)
def _search_cached(model_key: str, text: str, cfg: core.DecodeConfig,
                   prefix: tuple[int, ...], _tm: core.TrainedModel) -> core.SearchResult:
    return core.decode_text(_tm, text, cfg, prefix=prefix)


def search(handle: ModelHandle, text: str, cfg: core.DecodeConfig,
           prefix: Sequence[int] = ()) -> core.SearchResult:
    """``text`` decoded with ``cfg`` (greedy, beam or sample), after forcing the target
    ids ``prefix`` ("be the beam"). Raises InputError for unreadable input or a bad
    prefix, before anything is cached."""
    text = check_text(handle.tm, text, cfg)
    return _search_cached(handle.key, text, cfg, tuple(prefix), handle.tm)


def greedy_and_beam(handle: ModelHandle, text: str,
                    cfg: core.DecodeConfig) -> tuple[core.SearchResult, core.SearchResult]:
    """Greedy (with ``cfg.max_len``) and beam (``cfg``) results for ``text``. Raises
    InputError for unreadable input."""
    greedy_cfg = core.DecodeConfig(strategy="greedy", max_len=cfg.max_len, beam_size=1,
                                   n_best=1)  # 1: within any beam limit
    return search(handle, text, greedy_cfg), search(handle, text, cfg)


def correct(handle: ModelHandle, texts: Sequence[str],
            references: Sequence[str]) -> list[bool]:
    """Whether each decoded text is correct against any of ``references`` (raw), by the
    core's one decision (``metrics.is_correct`` on the vocabulary's own spelling)."""
    refs = canonical_references(handle.tm.tgt_vocab, references)
    return [is_correct(t, refs) for t in texts]


TRAIN_SAMPLE = 1000  # training pairs kept per regenerated task (nearest neighbours)


@dataclass(frozen=True)
class Regenerated:
    """What the views keep of a regenerated task: the held-out pairs, each with every
    correct target of its source, and a random sample of the training pairs."""

    heldout: tuple[tuple[core.Pair, tuple[str, ...]], ...]
    train_sample: tuple[core.Pair, ...]
    n_train: int


@st.cache_data(max_entries=16, show_spinner="Regenerating the task's data...")
def _task_cached(task: str, seed: int, options_json: str) -> Regenerated:
    data = core.make_task(task, seed=seed, **json.loads(options_json))
    train = list(data.train)
    sample = random.Random(0).sample(train, min(TRAIN_SAMPLE, len(train)))
    return Regenerated(tuple((p, data.references_of(p)) for p in data.heldout),
                       tuple(sample), len(train))


def task_spec(handle: ModelHandle, runs: list[RunEntry]) -> tuple[str, int, dict]:
    """(task, seed, task options) that made the model's data: the run's, else those its
    checkpoint records (seed 0 when it records none)."""
    entry = next((e for e in runs if handle.key.startswith(f"{e.key}:")), None)
    if entry is not None:
        spec = entry.run.spec
        return spec.task, spec.train.seed, dict(spec.task_options)
    train = handle.info.get("train_config") or {}
    return handle.task, int(train.get("seed", 0)), dict(handle.info.get("task_options") or {})


def regenerated(handle: ModelHandle, runs: list[RunEntry]) -> Regenerated | None:
    """The model's task data regenerated with the run's (or the checkpoint's) seed and
    options, or None where it cannot be (e.g. an upload of uploaded pairs)."""
    task, seed, options = task_spec(handle, runs)
    if task not in core.TASKS or task == "upload":
        return None
    try:
        return _task_cached(task, seed, json.dumps(options, sort_keys=True))
    except (ValueError, TypeError, KeyError, OSError):
        return None


def heldout_with_references(handle: ModelHandle, runs: list[RunEntry]
                            ) -> tuple[tuple[core.Pair, tuple[str, ...]], ...]:
    """The model's held-out pairs (its task regenerated with the run's seed and options)
    whose sources it can read, each with every correct target; () where they cannot be
    regenerated (e.g. uploads)."""
    data = regenerated(handle, runs)
    if data is None:
        return ()
    vocab = handle.tm.src_vocab
    return tuple((p, refs) for p, refs in data.heldout if not vocab.unknown_tokens(p.source))


def heldout_pairs(handle: ModelHandle, runs: list[RunEntry]) -> tuple[core.Pair, ...]:
    """``heldout_with_references`` without the references."""
    return tuple(p for p, _ in heldout_with_references(handle, runs))


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
