"""Held-out figures and telling examples: stored beside the shipped models, computed live
(on a sample, once per model) for any other.

* ``stored_figures`` / ``examples_of`` read a shipped folder's ``heldout.json`` and
  ``examples.json`` (``seq2seq_core.zoo``), once per file version.
* ``comparison`` gives two models of one task their figures over the same inputs: the
  stored ones when both are shipped models of that task (they share its held-out set),
  else both decoded live on a sample of held-out pairs, cached per model and sample.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

import seq2seq_core as core
from seq2seq_core.zoo import BEAM_SIZE, KINDS, decode_config
from ui.services.decode import correct, heldout_with_references, search
from ui.services.models import ModelHandle, list_shipped_models, shipped_folder
from ui.state import RunEntry

LIVE_SAMPLE = 300  # held-out pairs decoded both ways for a model without stored figures
# The shipped model a view points to when the picked one has no example of a kind.
SHOWCASE = {"greedy-vs-beam": "reverse-fixed", "fixed-vs-attention": "reverse-attention"}
__all__ = ["BEAM_SIZE", "KINDS", "Comparison", "comparison", "decode_config", "examples_of",
           "examples_of_shipped", "models_with", "outputs", "shipped_task", "stored_figures",
           "task_metrics"]


def _version(path: Path) -> float:
    """The file's modification time (0 when missing): part of every cache key, so a
    regenerated file is read again."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@st.cache_data(max_entries=32, show_spinner=False)
def _figures_cached(folder: str, version: float) -> core.Figures | None:
    try:
        return core.load_figures(folder)
    except (ValueError, KeyError, TypeError, OSError):
        return None  # an unreadable file counts as none: the view computes live


@st.cache_data(max_entries=32, show_spinner=False)
def _examples_cached(folder: str, version: float) -> tuple[dict, ...]:
    try:
        return tuple(core.load_examples(folder))
    except (ValueError, KeyError, TypeError, OSError):
        return ()


def stored_figures(handle: ModelHandle) -> core.Figures | None:
    """A shipped model's stored held-out figures; None for other models or no file."""
    folder = shipped_folder(handle)
    if folder is None:
        return None
    return _figures_cached(str(folder), _version(folder / "heldout.json"))


def examples_of(handle: ModelHandle) -> tuple[dict, ...]:
    """A shipped model's telling examples ({source, reference, kind, note}), () for others."""
    folder = shipped_folder(handle)
    if folder is None:
        return ()
    return _examples_cached(str(folder), _version(folder / "examples.json"))


def examples_of_shipped(name: str) -> tuple[dict, ...]:
    """The telling examples of the shipped model ``name`` (() if unknown)."""
    model = next((m for m in list_shipped_models() if m.name == name), None)
    if model is None:
        return ()
    return _examples_cached(str(model.path), _version(model.path / "examples.json"))


def shipped_task(name: str) -> str:
    """The task of the shipped model ``name`` ("" if unknown)."""
    return next((m.task for m in list_shipped_models() if m.name == name), "")


def models_with(kind: str) -> list[str]:
    """Shipped model names with at least one example of ``kind``, the showcase first."""
    versions = tuple((m.name, str(m.path), _version(m.path / "examples.json"))
                     for m in list_shipped_models())
    return list(_models_with_cached(kind, versions))


@st.cache_resource(max_entries=16, show_spinner=False)
def _models_with_cached(kind: str, versions: tuple[tuple[str, str, float], ...]
                        ) -> tuple[str, ...]:
    """Keyed by every examples file's version: one lookup, not one per shipped model
    (the Decode page asks twice per run; 16 lookups each were 30% of its server time)."""
    names = [name for name, folder, version in versions
             if any(e["kind"] == kind for e in _examples_cached(folder, version))]
    return tuple(sorted(names, key=lambda n: n != SHOWCASE.get(kind)))


@dataclass(frozen=True)
class Comparison:
    """Two models' figures over the same held-out inputs.

    Attributes:
        a, b: each model's figures.
        stored: True when read from the shipped files, False when decoded live.
        where: one line saying which inputs the figures cover.
    """

    a: core.Figures
    b: core.Figures
    stored: bool
    where: str


@st.cache_data(max_entries=16, show_spinner=False)
def _live_cached(model_key: str, digest: str, metrics: tuple[str, ...],
                 _pairs: tuple[core.Pair, ...], _references: tuple[tuple[str, ...], ...],
                 _tm: core.TrainedModel) -> core.Figures:
    """Keyed by the model and the sample's digest (hashing 300 pairs each rerun would
    cost more than reading the digest)."""
    return core.compute_figures(_tm, list(_pairs), [list(r) for r in _references],
                                list(metrics))


def task_metrics(task: str) -> tuple[str, ...]:
    """The task's metrics besides exact match (which every figure has)."""
    info = core.TASKS.get(task)
    return tuple(m for m in (info.metrics if info else ()) if m != "exact_match")


def _shared_sample(a: ModelHandle, b: ModelHandle, runs: list[RunEntry]
                   ) -> tuple[tuple[core.Pair, ...], tuple[tuple[str, ...], ...], str]:
    """Up to LIVE_SAMPLE held-out pairs both models can read (from the first model whose
    task can be regenerated), their references, and whose held-out set they are."""
    for owner in (a, b):
        found = heldout_with_references(owner, runs)
        both = [(p, refs) for p, refs in found
                if not b.tm.src_vocab.unknown_tokens(p.source)
                and not a.tm.src_vocab.unknown_tokens(p.source)][:LIVE_SAMPLE]
        if both:
            return (tuple(p for p, _ in both), tuple(tuple(r) for _, r in both),
                    owner.name)
    return (), (), ""


def comparison(a: ModelHandle, b: ModelHandle, runs: list[RunEntry],
               on_start: Callable[[str], None] | None = None) -> Comparison | None:
    """Both models' figures over the same inputs, or None when no held-out set both can
    read is known (e.g. two uploads of an uploaded task). ``on_start`` is told, with a
    message, before a live computation starts (it takes seconds)."""
    fa, fb = stored_figures(a), stored_figures(b)
    if fa is not None and fb is not None and a.task == b.task and fa.n == fb.n:
        return Comparison(fa, fb, True, f"the {fa.n:,} held-out pairs stored with the "
                                        f"shipped models (greedy and beam {BEAM_SIZE})")
    pairs, refs, owner = _shared_sample(a, b, runs)
    if not pairs:
        return None
    if on_start is not None:
        on_start(f"Decoding {len(pairs)} held-out pairs with both models, greedy and beam "
                 f"{BEAM_SIZE} (once per model)...")
    digest = hashlib.sha1(repr((pairs, refs)).encode()).hexdigest()
    metrics = task_metrics(a.task)
    figs = [_live_cached(h.key, digest, metrics, pairs, refs, h.tm) for h in (a, b)]
    return Comparison(figs[0], figs[1], False,
                      f"a sample of {len(pairs)} held-out pairs of {owner}, decoded live "
                      f"(greedy and beam {BEAM_SIZE})")


Output = tuple[str, bool | None]  # (decoded text, correct; None when no reference known)


def outputs(handle: ModelHandle, figures: core.Figures | None, source: str,
            references: tuple[str, ...] | None) -> tuple[Output, Output]:
    """The model's greedy and beam outputs for ``source`` with the figures' settings: the
    stored row when the figures hold one, else decoded (cached).

    Raises:
        InputError: a source the model cannot read.
    """
    row = None if figures is None else figures.by_source().get(source)
    if row is not None:
        return (row.greedy, row.greedy_correct), (row.beam, row.beam_correct)
    max_len = figures.max_len if figures is not None else 100
    texts = [search(handle, source, decode_config(s, max_len)).best.text
             for s in ("greedy", "beam")]
    marks = correct(handle, texts, list(references)) if references else [None, None]
    return (texts[0], marks[0]), (texts[1], marks[1])
