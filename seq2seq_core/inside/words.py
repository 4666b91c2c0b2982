"""Subword pieces merged into words, for attention maps that a person reads word by word.

A sentencepiece model marks the piece that starts a word with ``▁`` ("▁chat", "on" is
"chaton"). ``merge_pieces`` turns a piece-to-piece attention map into a word-to-word one
the way Clark et al. (2019, "What does BERT look at?", section 2) do: attention *to* a
split word is the sum of the weights on its pieces, attention *from* a split word is the
mean of its pieces' rows. Each merged row is then still a distribution (it sums to 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from seq2seq_core.subword import SPACE
from seq2seq_core.vocab import SPECIALS

Span = tuple[int, int]  # [start, end) positions of one word's pieces


@dataclass(frozen=True)
class WordAttention:
    """An attention map over words.

    Attributes:
        attention: (T', S') weights; row t' is the mean of its output word's piece rows,
            column s' the sum of its source word's piece columns.
        source_words, output_words: (S',) and (T',) the words, ``▁`` marks removed
            (a special token such as ``<eos>`` is a word of its own).
        source_spans, output_spans: each word's [start, end) piece positions.
    """

    attention: np.ndarray
    source_words: tuple[str, ...]
    output_words: tuple[str, ...]
    source_spans: tuple[Span, ...]
    output_spans: tuple[Span, ...]


def word_spans(tokens: Sequence[str]) -> tuple[Span, ...]:
    """[start, end) of each word: a word starts at the first piece, at a piece that starts
    with ``▁``, and at a special token (which is a word alone).

    Example: ["▁je", "▁suis", "▁fati", "gué", ".", "<eos>"] -> ((0, 1), (1, 2), (2, 5),
    (5, 6)): the full stop is glued to "fatigué" as sentencepiece glues it.
    """
    starts = [i for i, tok in enumerate(tokens)
              if i == 0 or tok.startswith(SPACE) or tok in SPECIALS
              or tokens[i - 1] in SPECIALS]
    return tuple(zip(starts, [*starts[1:], len(tokens)]))


def _words(tokens: Sequence[str], spans: Sequence[Span]) -> tuple[str, ...]:
    return tuple("".join(tokens[a:b]).replace(SPACE, "") or SPACE for a, b in spans)


def merge_pieces(attention: np.ndarray, source_tokens: Sequence[str],
                 output_tokens: Sequence[str]) -> WordAttention:
    """Word-level attention from piece-level ``attention`` (T, S) (Clark et al. 2019).

    Raises:
        ValueError: if the shape is not (len(output_tokens), len(source_tokens)).
    """
    weights = np.asarray(attention, dtype=np.float64)
    if weights.shape != (len(output_tokens), len(source_tokens)):
        raise ValueError(f"attention of shape {weights.shape} does not match "
                         f"{len(output_tokens)} output and {len(source_tokens)} source tokens")
    src, out = word_spans(source_tokens), word_spans(output_tokens)
    columns = np.stack([weights[:, a:b].sum(axis=1) for a, b in src], axis=1) if src \
        else np.zeros((len(output_tokens), 0))
    rows = np.stack([columns[a:b].mean(axis=0) for a, b in out]) if out \
        else np.zeros((0, len(src)))
    return WordAttention(rows.astype(np.float32), _words(source_tokens, src),
                         _words(output_tokens, out), src, out)
