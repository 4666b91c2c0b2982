"""The inside views' door to the core: traces, PCA bases, replays, alignment scores and
nearest neighbours in state space.

Caches are keyed by ``ModelHandle.key`` (unique per set of weights) and return plain
data; inputs go through ``decode.check_text``, so these views refuse what the others do.
"""

from __future__ import annotations

import streamlit as st

import seq2seq_core as core
from seq2seq_core.inside import (Neighbour, NeighbourIndex, PCABasis, ReplayFrame,
                                 StateSelection, Trace, alignment_score, build_index,
                                 fit_state_basis, known_reference, nearest_at_step,
                                 nearest_sources, replay_frames, trace, trace_batch)
from seq2seq_core.inside.alignment import default_slack
from ui.services.decode import check_text, heldout_pairs, regenerated
from ui.services.models import ModelHandle, snapshot_handle
from ui.state import RunEntry

BASIS_SAMPLE = 150  # held-out sources traced to fit a PCA basis (0.1-0.3 s, one thread)


@st.cache_data(max_entries=256, show_spinner=False)
def _trace_cached(model_key: str, text: str, target: str | None,
                  _tm: core.TrainedModel) -> Trace:
    return trace(_tm, text, target)


def trace_text(handle: ModelHandle, text: str, target: str | None = None) -> Trace:
    """``text`` decoded greedily (or ``target`` forced), from inside. Raises InputError."""
    text = check_text(handle.tm, text)
    return _trace_cached(handle.key, text, target, handle.tm)


@st.cache_resource(max_entries=8, show_spinner="Tracing a sample of the task...")
def _sample_traces(model_key: str, sources: tuple[str, ...],
                   _tm: core.TrainedModel) -> tuple[Trace, ...]:
    """Greedy traces of the sample (read-only, shared by every session)."""
    return tuple(trace_batch(_tm, list(sources))) if sources else ()


@st.cache_data(max_entries=64, show_spinner=False)
def _basis_cached(model_key: str, sel: StateSelection, sources: tuple[str, ...],
                  _tm: core.TrainedModel, _fallback: tuple[Trace, ...]) -> PCABasis:
    return fit_state_basis(_sample_traces(model_key, sources, _tm) or _fallback, sel)


def state_basis(handle: ModelHandle, sel: StateSelection, runs: list[RunEntry],
                fallback: tuple[Trace, ...] = ()) -> PCABasis:
    """One PCA basis for the selected states, fitted on the first ``BASIS_SAMPLE`` of the
    model's held-out sources (its task regenerated with the run's seed and options), or
    on ``fallback`` traces where they cannot be regenerated (e.g. an upload).

    Raises:
        ValueError: a selection the model lacks, or nothing to fit on.
    """
    sources = tuple(p.source for p in heldout_pairs(handle, runs)[:BASIS_SAMPLE])
    return _basis_cached(handle.key, sel, sources, handle.tm, fallback)


@st.cache_data(max_entries=32, show_spinner="Replaying the snapshots...")
def _replay_cached(run_key: str, steps: tuple[int, ...], text: str, sel: StateSelection,
                   _snaps: tuple, _basis: PCABasis) -> tuple[ReplayFrame, ...]:
    return replay_frames(_snaps, text, _basis, sel)


def replay(entry: RunEntry, text: str, sel: StateSelection,
           runs: list[RunEntry]) -> tuple[tuple[ReplayFrame, ...], PCABasis]:
    """``text`` seen through every snapshot of a run, on the newest snapshot's basis.

    Raises:
        InputError: unreadable text. ValueError: no snapshot yet, or a bad selection.
    """
    snaps = entry.run.replay.snapshots()
    if not snaps:
        raise ValueError("this run has no snapshot yet: wait for its first evaluation")
    text = check_text(snaps[-1].tm, text)
    basis = state_basis(snapshot_handle(entry, snaps[-1]), sel, runs)
    steps = tuple(s.step for s in snaps)
    return _replay_cached(entry.key, steps, text, sel, snaps, basis), basis


def input_alignment(handle: ModelHandle, text: str,
                    prediction: str) -> tuple[float, str] | None:
    """(alignment score, reference) of ``text`` with its reference forced, or None when
    the model has no attention or the reference and gold alignment cannot be known."""
    found = known_reference(handle.task, check_text(handle.tm, text), prediction)
    if found is None or not handle.has_attention:
        return None
    reference, gold = found
    forced = trace_text(handle, text, reference)
    slack = default_slack(handle.tm.model.cfg.bidirectional)
    return alignment_score(forced.attention, gold, slack), reference


@st.cache_resource(max_entries=8, show_spinner="Indexing the training pairs' states "
                                              "(once per model)...")
def _index_cached(model_key: str, _tm: core.TrainedModel,
                  _pairs: tuple[core.Pair, ...]) -> NeighbourIndex:
    """Read-only, shared by every session: one per set of weights."""
    return build_index(_tm, list(_pairs))


def neighbour_index(handle: ModelHandle, runs: list[RunEntry]
                    ) -> tuple[NeighbourIndex, str] | None:
    """The model's index of training pairs and their states, with one line saying which
    pairs (a random sample of its training set, regenerated with its seed and options);
    None where the training pairs cannot be regenerated (e.g. uploaded pairs)."""
    data = regenerated(handle, runs)
    if data is None:
        return None
    vocab = handle.tm.src_vocab
    pairs = tuple(p for p in data.train_sample if not vocab.unknown_tokens(p.source))
    if not pairs:
        return None
    where = (f"a random sample of {len(pairs):,} of the model's {data.n_train:,} training "
             "pairs (its task regenerated with its seed and options), each traced with its "
             "target forced")
    return _index_cached(handle.key, handle.tm, pairs), where


def neighbours(index: NeighbourIndex, tr: Trace, step: int | None, k: int) -> list[Neighbour]:
    """The k training pairs nearest ``tr``: by the final encoder state (``step`` None) or
    by the decoder state after output ``step`` (0-based). Raises ValueError for a step
    the trace lacks."""
    if step is None:
        return nearest_sources(index, tr, k)
    return nearest_at_step(index, tr, step, k)
