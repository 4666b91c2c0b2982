"""Held-out evaluation: exact match, token accuracy, and exact match by source length.

Greedy decoding and beam search both run batched (beam search folds its K beams into
the batch, with the same code as the traced single-input search). Whether an output is
correct is decided once, by ``metrics.is_correct`` against every reference of its source
as the target vocabulary writes them; overall and by-length exact match are shares of
that one list, so they agree by construction. Task metrics come from ``metrics``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import torch

from seq2seq_core.config import DecodeConfig
from seq2seq_core.data import encode_sources
from seq2seq_core.metrics import canonical_references, is_correct, score
from seq2seq_core.model import model_device
from seq2seq_core.pairs import Pair
from seq2seq_core.search.beam import beam_search_chunks
from seq2seq_core.search.greedy import greedy_batch
from seq2seq_core.trained import TrainedModel
from seq2seq_core.vocab import EOS_ID, Vocab


def token_accuracy(predicted: Sequence[int], reference: Sequence[int]) -> float:
    """Share of reference tokens, EOS included, that the prediction has at the same position.

    Example: predicted [5, 6] vs reference [5, 7] -> compares [5, 6, EOS] with
    [5, 7, EOS]: 2 of 3 positions match -> 0.667.
    """
    pred, ref = list(predicted) + [EOS_ID], list(reference) + [EOS_ID]
    return sum(p == r for p, r in zip(pred, ref)) / len(ref)


def source_length(src_vocab: Vocab, pair: Pair) -> int:
    """The length accuracy is broken down by: the source's tokens, or for an image strip
    (a source vocabulary of level "image") the number of digits it shows, i.e. its
    target's characters (its column count says little).

    Example: ("abc", "cba") with a char vocabulary -> 3; a strip of "4071" -> 4.
    """
    if src_vocab.level == "image":
        return len(pair.target)
    return len(src_vocab.split(pair.source))


@dataclass(frozen=True)
class EvalReport:
    """Metrics over a set of pairs.

    Attributes:
        n: number of pairs.
        exact_match: share of correct outputs (``metrics.is_correct``, 0-1).
        token_accuracy: mean ``token_accuracy`` (0-1).
        by_length: ``source_length`` (tokens; digits of a strip) -> (pairs, exact match
            share).
        predictions: output text per pair, in input order.
        correct: per pair, whether its output is correct (what every share counts).
        scores: the task metrics asked for (``metrics.score``), e.g. {"bleu": 41.2}.
    """

    n: int
    exact_match: float
    token_accuracy: float
    by_length: dict[int, tuple[int, float]]
    predictions: tuple[str, ...]
    correct: tuple[bool, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)


def _predict_ids(tm: TrainedModel, sources: Sequence[str], cfg: DecodeConfig,
                 batch_size: int) -> list[list[int]]:
    device = model_device(tm.model)
    if cfg.strategy == "greedy":
        out: list[list[int]] = []
        for start in range(0, len(sources), batch_size):
            src, mask = encode_sources(sources[start:start + batch_size], tm.src_vocab)
            out += greedy_batch(tm.model, src.to(device), mask.to(device), cfg.max_len)
        return out
    if cfg.strategy == "sample":
        raise ValueError("evaluation uses greedy or beam search, not sampling")
    ids = [tm.src_vocab.encode(s, add_eos=True) for s in sources]
    results = beam_search_chunks(tm.model, ids, cfg=cfg, tgt_vocab=tm.tgt_vocab,
                                 batch_size=batch_size)  # beams folded into the batch
    return [[i for i in r.best.token_ids if i != EOS_ID] for r in results]


@torch.no_grad()
def evaluate(tm: TrainedModel, pairs: Sequence[Pair], cfg: DecodeConfig,
             batch_size: int = 256, references: Sequence[Sequence[str]] | None = None,
             metrics: Sequence[str] = ()) -> EvalReport:
    """Decode every source and compare with its reference.

    Args:
        references: per pair, every acceptable target (default: just ``pair.target``);
            exact match and ``metrics`` accept any of them, token accuracy uses the pair's.
        metrics: names of ``seq2seq_core.metrics.METRICS`` to compute into ``scores``,
            on texts as the target vocabulary splits and joins them.

    Raises:
        ValueError: if ``pairs`` is empty, or ``references`` does not match ``pairs``.
    """
    if not pairs:
        raise ValueError("no pairs to evaluate")
    refs_text = [[p.target] for p in pairs] if references is None else [list(r) for r in references]
    if len(refs_text) != len(pairs):
        raise ValueError(f"{len(refs_text)} reference lists for {len(pairs)} pairs")
    vocab = tm.tgt_vocab
    predicted = _predict_ids(tm, [p.source for p in pairs], cfg, batch_size)
    texts = tuple(vocab.decode(p) for p in predicted)
    canonical = [canonical_references(vocab, alts) for alts in refs_text]
    correct = tuple(map(is_correct, texts, canonical))
    by_len: dict[int, list[bool]] = {}
    for pair, ok in zip(pairs, correct):
        by_len.setdefault(source_length(tm.src_vocab, pair), []).append(ok)
    refs = [vocab.encode(p.target) for p in pairs]
    return EvalReport(
        n=len(pairs), exact_match=sum(correct) / len(pairs),
        token_accuracy=sum(map(token_accuracy, predicted, refs)) / len(pairs),
        by_length={k: (len(v), sum(v) / len(v)) for k, v in sorted(by_len.items())},
        predictions=texts, correct=correct,
        scores=score(metrics, texts, canonical) if metrics else {})
