"""What every search shares: the next-token distribution, batched encoding, hypotheses.

All searches read next-token distributions through ``next_log_probs`` (PAD and BOS can
never be produced), so a hypothesis' score equals the teacher-forced sum that
``sequence_log_probs`` computes for the same tokens. Greedy search and sampling live in
``greedy.py``, beam search in ``beam.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from seq2seq_core.data import pad
from seq2seq_core.decoder_base import DecoderState, Memory
from seq2seq_core.model import Seq2Seq, model_device
from seq2seq_core.search.tree import BeamNode, Hypothesis, length_penalty
from seq2seq_core.vocab import BOS, BOS_ID, PAD_ID, Vocab


def next_log_probs(logits: Tensor) -> Tensor:
    """Natural-log next-token distribution with PAD and BOS ruled out: (N, V) -> (N, V)."""
    logits = logits.clone()
    logits[:, [PAD_ID, BOS_ID]] = float("-inf")
    return torch.log_softmax(logits, dim=-1)


def encode_batch(model: Seq2Seq, sources: Sequence[Sequence[int]]) -> tuple[Memory,
                                                                              DecoderState]:
    """Pad B EOS-terminated id lists and encode them: -> memory (B, S, ...), state."""
    src, mask = pad(sources)  # (B, S), (B, S)
    device = model_device(model)
    return model.encode(src.to(device), mask.to(device))


def root_node() -> BeamNode:
    return BeamNode(0, None, 0, BOS_ID, BOS, 0.0, 0.0, "root", 0, None)


def make_hypothesis(ids: Sequence[int], log_probs: Sequence[float],
                    attention: Sequence[Sequence[float]] | None, score: float, vocab: Vocab,
                    alpha: float, finished: bool, leaf: int) -> Hypothesis:
    """A Hypothesis from per-token ids, log-probs and attention rows (T,) / (T, S)."""
    return Hypothesis(
        tokens=tuple(vocab.tokens[i] for i in ids), token_ids=tuple(ids),
        log_probs=tuple(log_probs), text=vocab.decode(ids), score=score,
        normalized_score=score / length_penalty(len(ids), alpha), finished=finished,
        leaf_id=leaf, attention=None if attention is None else tuple(map(tuple, attention)))


@torch.no_grad()
def sequence_log_probs(model: Seq2Seq, source: Sequence[int],
                       target: Sequence[int]) -> list[float]:
    """Teacher-forced natural-log probability of each target token (EOS included if given).

    source: EOS-terminated source ids (S,); target: output ids (T,), without BOS.
    """
    memory, state = encode_batch(model, [source])
    device = model_device(model)
    token = torch.tensor([BOS_ID], device=device)
    out = []
    for tok in target:
        step = model.decoder.step(token, state, memory)
        state = step.state
        out.append(next_log_probs(step.logits)[0, tok].item())
        token = torch.tensor([tok], device=device)
    return out
