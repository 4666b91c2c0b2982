"""Search quality over a held-out set: a beam-width sweep with search vs model errors.

For each width the held-out sources are decoded with the batched beam search; each
wrong output is then classified against the exact search (``oracle.py``):

- search error: the model scores some other output higher than the beam's (the beam
  missed it);
- model error: the beam's output is the model's own best, and it is wrong;
- unknown: the exact search ran out of budget before proving its answer.

An output is correct when it equals any of its pair's references (a word with two
pronunciations, a sentence with several translations). Widths above what the vocabulary
allows are clamped as beam search clamps them (K <= V - 2), and a width that clamps to
one already swept is not run again. Classification compares raw natural-log
probabilities (alpha = 0).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from seq2seq_core.config import DecodeConfig
from seq2seq_core.metrics import canonical_references, is_correct, score
from seq2seq_core.pairs import Pair
from seq2seq_core.search.beam import beam_search_chunks
from seq2seq_core.search.oracle import OracleResult, oracle_search
from seq2seq_core.trained import TrainedModel

WIDTHS = (1, 2, 3, 5, 8, 12, 16)
TOLERANCE = 1e-4  # nats: float32 sums differ below this between searches


def searched_widths(tgt_vocab_size: int, widths: Sequence[int] = WIDTHS) -> tuple[int, ...]:
    """The beam widths a sweep really searches for a target vocabulary of V tokens:
    each requested width clamped to V - 2 (the tokens a step can extend by), without
    repeats, in order.

    Example: V = 15, widths (1, 2, 3, 5, 8, 12, 16) -> (1, 2, 3, 5, 8, 12, 13).
    """
    return tuple(sorted({min(w, tgt_vocab_size - 2) for w in widths}))


@dataclass(frozen=True)
class SweepRow:
    """One beam width's results over n pairs.

    beam_size: the width actually searched (requested widths are clamped to V - 2).
    exact_match: share of outputs equal to one of their references (0-1); mean_log_prob:
    mean natural-log probability of the outputs; mean_length: mean output tokens (EOS
    included); search_errors, model_errors, unknown: counts of wrong outputs by cause;
    scores: the task metrics asked for (``metrics.score``), e.g. {"bleu": 36.6}.
    """

    beam_size: int
    n: int
    exact_match: float
    mean_log_prob: float
    mean_length: float
    search_errors: int
    model_errors: int
    unknown: int
    scores: dict[str, float] = field(default_factory=dict)


def classify(correct: bool, log_prob: float, oracle: OracleResult) -> str:
    """'correct', 'search', 'model' or 'unknown' for one output: ``correct`` is
    ``metrics.is_correct`` of its text; a wrong output is a search error when exact search
    found a more probable output, a model error when the model prefers it."""
    if correct:
        return "correct"
    if not oracle.exact or oracle.hypothesis is None:
        return "unknown"
    return "search" if oracle.hypothesis.score > log_prob + TOLERANCE else "model"


def beam_sweep(tm: TrainedModel, pairs: Sequence[Pair], *, widths: Sequence[int] = WIDTHS,
               max_len: int = 50, max_expansions: int = 2000, batch_size: int = 100,
               references: Sequence[Sequence[str]] | None = None,
               metrics: Sequence[str] = (),
               on_progress: Callable[[str], None] | None = None) -> tuple[SweepRow, ...]:
    """Decode ``pairs`` with each beam width and classify the errors.

    Args:
        references: per pair, every correct target (default: its own target).
        metrics: task metrics to add per width (names in ``metrics.METRICS``).

    Raises:
        ValueError: if ``pairs`` is empty, or ``references`` does not match ``pairs``.
    """
    if not pairs:
        raise ValueError("no pairs to sweep over")
    refs_text = [(p.target,) for p in pairs] if references is None else references
    if len(refs_text) != len(pairs):
        raise ValueError(f"{len(refs_text)} reference lists for {len(pairs)} pairs")
    report = on_progress or (lambda message: None)
    sources = [tm.src_vocab.encode(p.source, add_eos=True) for p in pairs]
    canonical = [canonical_references(tm.tgt_vocab, rs) for rs in refs_text]
    report("exact search")
    oracles = [oracle_search(tm.model, s, max_len=max_len, tgt_vocab=tm.tgt_vocab,
                             max_expansions=max_expansions) for s in sources]
    rows: list[SweepRow] = []
    for width in searched_widths(tm.model.cfg.tgt_vocab_size, widths):
        report(f"beam width {width}")
        cfg = DecodeConfig(strategy="beam", beam_size=width, max_len=max_len, n_best=1)
        best = [r.best for r in beam_search_chunks(tm.model, sources, cfg=cfg,
                                                   tgt_vocab=tm.tgt_vocab,
                                                   batch_size=batch_size)]
        kinds = [classify(is_correct(h.text, refs), h.score, orc)
                 for h, refs, orc in zip(best, canonical, oracles)]
        rows.append(SweepRow(width, len(pairs), kinds.count("correct") / len(pairs),
                             sum(h.score for h in best) / len(best),
                             sum(len(h.token_ids) for h in best) / len(best),
                             kinds.count("search"), kinds.count("model"),
                             kinds.count("unknown"),
                             score(metrics, [h.text for h in best], canonical)))
    return tuple(rows)
