"""Exact search: the output the model itself scores highest, found best-first.

Extending a prefix never raises its log-probability, so expanding prefixes in order of
score (uniform-cost search) and stopping at the first complete output popped gives the
true highest-probability output among those of at most ``max_len`` tokens. A complete
output ends with EOS or reaches ``max_len`` (as in beam search). Children are generated
lazily, best first, so a large vocabulary does not fill the queue.

Used to split beam-search errors into search errors (the beam missed an output the
model scores higher) and model errors (the model's best output is itself wrong).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from seq2seq_core.decoder_base import DecoderState, Memory
from seq2seq_core.model import Seq2Seq, model_device
from seq2seq_core.search.common import encode_batch, make_hypothesis, next_log_probs
from seq2seq_core.search.tree import Hypothesis
from seq2seq_core.vocab import BOS_ID, EOS_ID, Vocab


@dataclass(frozen=True)
class OracleResult:
    """hypothesis: the highest-scoring output (None if the budget ran out first);
    expansions: decoder steps taken; exact: True when the answer is proven optimal."""

    hypothesis: Hypothesis | None
    expansions: int
    exact: bool


@dataclass
class _Prefix:
    ids: tuple[int, ...]
    log_probs: tuple[float, ...]
    score: float
    children: list[tuple[float, int]]  # (log-prob, token), best first
    state: DecoderState


def _expand(model: Seq2Seq, memory: Memory, prefix_ids: tuple[int, ...],
            state: DecoderState) -> tuple[list[tuple[float, int]], DecoderState]:
    last = prefix_ids[-1] if prefix_ids else BOS_ID
    token = torch.tensor([last], device=model_device(model))
    out = model.decoder.step(token, state, memory)
    logp = next_log_probs(out.logits)[0]  # (V,)
    values, order = logp.sort(descending=True)
    children = [(v, t) for v, t in zip(values.tolist(), order.tolist()) if v > float("-inf")]
    return children, out.state


@torch.no_grad()
def oracle_search(model: Seq2Seq, source: Sequence[int], *, max_len: int, tgt_vocab: Vocab,
                  max_expansions: int = 5000) -> OracleResult:
    """The output of highest natural-log probability under the model.

    Args:
        model: a model in eval mode.
        source: EOS-terminated source ids (S,).
        max_len: most output tokens, EOS included.
        tgt_vocab: to spell the output.
        max_expansions: budget of decoder steps; past it the result is not exact.

    Returns:
        OracleResult; its hypothesis' score is the sum of its log-probs (alpha = 0).
    """
    memory, state = encode_batch(model, [source])
    children, state = _expand(model, memory, (), state)
    root = _Prefix((), (), 0.0, children, state)
    counter = itertools.count()
    heap = [(-root.children[0][0], next(counter), root, 0)]  # (-score, tie, parent, child)
    expansions = 1
    while heap:
        neg_score, _, parent, index = heapq.heappop(heap)
        log_prob, token = parent.children[index]
        if index + 1 < len(parent.children):  # the parent's next-best child, lazily
            sibling = parent.score + parent.children[index + 1][0]
            heapq.heappush(heap, (-sibling, next(counter), parent, index + 1))
        ids, logps = parent.ids + (token,), parent.log_probs + (log_prob,)
        if token == EOS_ID or len(ids) == max_len:
            hyp = make_hypothesis(ids, logps, None, -neg_score, tgt_vocab, 0.0,
                                  token == EOS_ID, -1)
            return OracleResult(hyp, expansions, True)
        if expansions >= max_expansions:
            return OracleResult(None, expansions, False)
        children, state = _expand(model, memory, ids, parent.state)
        expansions += 1
        node = _Prefix(ids, logps, -neg_score, children, state)
        heapq.heappush(heap, (-(node.score + children[0][0]), next(counter), node, 0))
    return OracleResult(None, expansions, False)
