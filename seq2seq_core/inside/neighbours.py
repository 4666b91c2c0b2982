"""Nearest neighbours in the model's state space: what the model thinks an input resembles.

After Seq2Seq-Vis (Strobelt et al. 2018): a sample of training pairs is traced once
(teacher-forced, so every decoder state belongs to a known target prefix), and an input's
final encoder state (the fixed context vector c of ``Trace.context``), or its decoder state
at one output step, is compared with theirs by Euclidean distance (``torch.cdist``). The
index is plain data; a UI caches one per model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from seq2seq_core.inside.trace import Trace, trace_batch
from seq2seq_core.pairs import Pair
from seq2seq_core.trained import TrainedModel

CHUNK = 128  # pairs traced at once


@dataclass(frozen=True)
class Neighbour:
    """One training pair near the input.

    Attributes:
        source, target: the training pair.
        distance: Euclidean distance between the two states.
        step: for a decoder state, the pair's output step (0-based) whose state it is;
            None for the final encoder state.
        prefix: the target tokens written up to and including that step, as text.
    """

    source: str
    target: str
    distance: float
    step: int | None = None
    prefix: str = ""


@dataclass(frozen=True, eq=False)
class NeighbourIndex:
    """Training pairs and their states.

    Attributes:
        pairs: (N,) the traced training pairs.
        finals: (N, He) each pair's final encoder state (``Trace.context``).
        decoder: (M, H) top-layer decoder state after every target token of every pair.
        owner: (M, 2) int: the pair index and output step of each decoder state.
        prefixes: (M,) the target text up to that step.
    """

    pairs: tuple[Pair, ...]
    finals: np.ndarray
    decoder: np.ndarray
    owner: np.ndarray
    prefixes: tuple[str, ...]


def build_index(tm: TrainedModel, pairs: Sequence[Pair]) -> NeighbourIndex:
    """Trace ``pairs`` (teacher forcing of their targets) and keep their states.

    Raises:
        ValueError: no pairs, or a model in train mode.
    """
    if not pairs:
        raise ValueError("no training pairs to index")
    finals, decoder, owner, prefixes = [], [], [], []
    for start in range(0, len(pairs), CHUNK):
        chunk = list(pairs[start:start + CHUNK])
        traces = trace_batch(tm, [p.source for p in chunk], [p.target for p in chunk],
                             max_len=200)
        for i, tr in enumerate(traces):
            finals.append(tr.context)
            states = tr.decoder_states[-1]  # (T, H), top layer
            decoder.append(states)
            for t in range(len(states)):
                owner.append((start + i, t))
                prefixes.append(tm.tgt_vocab.decode(tr.output_ids[: t + 1]))
    return NeighbourIndex(tuple(pairs), np.stack(finals), np.concatenate(decoder),
                          np.array(owner, dtype=np.int64), tuple(prefixes))


def _nearest(bank: np.ndarray, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and distances of the k rows of ``bank`` (M, D) nearest ``query`` (D,)."""
    # Direct differences, not the faster |a|^2 - 2ab + |b|^2 form, whose rounding would
    # put an input a few thousandths away from itself.
    dist = torch.cdist(torch.from_numpy(query[None, :]), torch.from_numpy(bank),
                       compute_mode="donot_use_mm_for_euclid_dist")[0]  # (M,)
    k = min(k, len(bank))
    values, index = torch.topk(dist, k, largest=False)  # ascending
    return index.numpy(), values.numpy()


def nearest_sources(index: NeighbourIndex, trace: Trace, k: int = 5) -> list[Neighbour]:
    """The k training pairs whose final encoder state lies nearest the input's, nearest
    first."""
    rows, dists = _nearest(index.finals, trace.context, k)
    return [Neighbour(index.pairs[r].source, index.pairs[r].target, float(d))
            for r, d in zip(rows, dists)]


def nearest_at_step(index: NeighbourIndex, trace: Trace, step: int,
                    k: int = 5) -> list[Neighbour]:
    """The k training decoder states nearest the input's decoder state after output
    ``step`` (0-based), with their pairs and target prefixes, nearest first.

    Raises:
        ValueError: for a step the trace does not have.
    """
    states = trace.decoder_states[-1]  # (T, H)
    if not 0 <= step < len(states):
        raise ValueError(f"step {step} does not exist; the output has {len(states)} steps")
    rows, dists = _nearest(index.decoder, states[step], k)
    return [Neighbour(index.pairs[index.owner[r, 0]].source,
                      index.pairs[index.owner[r, 0]].target, float(d),
                      int(index.owner[r, 1]), index.prefixes[r])
            for r, d in zip(rows, dists)]
