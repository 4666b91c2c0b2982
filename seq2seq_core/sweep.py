"""Search quality over a held-out set: a beam-width sweep with search vs model errors.

For each width the held-out sources are decoded with the batched beam search; each
wrong output is then classified against the exact search (``oracle.py``):

- search error: the model scores some other output higher than the beam's (the beam
  missed it);
- model error: the beam's output is the model's own best, and it is wrong;
- unknown: the exact search ran out of budget before proving its answer.

Classification compares raw natural-log probabilities (alpha = 0).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from seq2seq_core.beam import beam_search_batch
from seq2seq_core.config import DecodeConfig
from seq2seq_core.oracle import OracleResult, oracle_search
from seq2seq_core.tasks.base import Pair
from seq2seq_core.trained import TrainedModel
from seq2seq_core.vocab import EOS_ID

WIDTHS = (1, 2, 3, 5, 8, 12, 16)
TOLERANCE = 1e-4  # nats: float32 sums differ below this between searches


@dataclass(frozen=True)
class SweepRow:
    """One beam width's results over n pairs.

    exact_match: share of outputs equal to the reference (0-1); mean_log_prob: mean
    natural-log probability of the outputs; mean_length: mean output tokens (EOS
    included); search_errors, model_errors, unknown: counts of wrong outputs by cause.
    """

    beam_size: int
    n: int
    exact_match: float
    mean_log_prob: float
    mean_length: float
    search_errors: int
    model_errors: int
    unknown: int


def classify(output: Sequence[int], score: float, reference: Sequence[int],
             oracle: OracleResult) -> str:
    """'correct', 'search', 'model' or 'unknown' for one output (ids without EOS)."""
    if list(output) == list(reference):
        return "correct"
    if not oracle.exact or oracle.hypothesis is None:
        return "unknown"
    return "search" if oracle.hypothesis.score > score + TOLERANCE else "model"


def beam_sweep(tm: TrainedModel, pairs: Sequence[Pair], *, widths: Sequence[int] = WIDTHS,
               max_len: int = 50, max_expansions: int = 2000, batch_size: int = 100,
               on_progress: Callable[[str], None] | None = None) -> tuple[SweepRow, ...]:
    """Decode ``pairs`` with each beam width and classify the errors.

    Raises:
        ValueError: if ``pairs`` is empty.
    """
    if not pairs:
        raise ValueError("no pairs to sweep over")
    report = on_progress or (lambda message: None)
    sources = [tm.src_vocab.encode(p.source, add_eos=True) for p in pairs]
    refs = [tm.tgt_vocab.encode(p.target) for p in pairs]
    report("exact search")
    oracles = [oracle_search(tm.model, s, max_len=max_len, tgt_vocab=tm.tgt_vocab,
                             max_expansions=max_expansions) for s in sources]
    rows = []
    for width in widths:
        report(f"beam width {width}")
        cfg = DecodeConfig(strategy="beam", beam_size=width, max_len=max_len, n_best=1)
        best = []
        for start in range(0, len(sources), batch_size):
            chunk = sources[start:start + batch_size]
            best += [r.best for r in beam_search_batch(tm.model, chunk, cfg=cfg,
                                                       tgt_vocab=tm.tgt_vocab)]
        outputs = [[i for i in h.token_ids if i != EOS_ID] for h in best]
        kinds = [classify(o, h.score, r, orc)
                 for o, h, r, orc in zip(outputs, best, refs, oracles)]
        rows.append(SweepRow(width, len(pairs), kinds.count("correct") / len(pairs),
                             sum(h.score for h in best) / len(best),
                             sum(len(h.token_ids) for h in best) / len(best),
                             kinds.count("search"), kinds.count("model"),
                             kinds.count("unknown")))
    return tuple(rows)
