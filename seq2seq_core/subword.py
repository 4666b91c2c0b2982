"""Subword units with sentencepiece: train a BPE or unigram model on the fly, split text.

A ``SubwordModel`` is the serialized sentencepiece model (the bytes of a ``.model``
file) plus the processor read from it; checkpoints store those bytes next to the
vocabulary. Text is normalised by the task before it gets here (Unicode NFC), so the
model uses sentencepiece's ``identity`` normalisation: it splits, it does not rewrite.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import sentencepiece as spm

SubwordKind = Literal["bpe", "unigram"]
SPACE = "\u2581"  # sentencepiece's word-start mark, shown before a piece that starts a word


@dataclass(frozen=True)
class SubwordModel:
    """A trained sentencepiece model.

    Attributes:
        proto: the serialized model (what ``spm_train`` writes to ``<name>.model``).

    Raises:
        ValueError: if ``proto`` is not a sentencepiece model.
    """

    proto: bytes = field(repr=False)

    def __post_init__(self) -> None:
        try:
            processor = spm.SentencePieceProcessor(model_proto=self.proto)
        except (RuntimeError, TypeError) as err:
            raise ValueError(f"not a sentencepiece model ({err})") from None
        object.__setattr__(self, "_sp", processor)

    @property
    def pieces(self) -> tuple[str, ...]:
        """Every ordinary piece in id order (the unknown and control pieces left out)."""
        sp = self._sp  # type: ignore[attr-defined]
        return tuple(sp.id_to_piece(i) for i in range(sp.get_piece_size())
                     if not (sp.is_unknown(i) or sp.is_control(i)))

    def split(self, text: str) -> list[str]:
        """Pieces of ``text``, e.g. "unhappily" -> ["▁un", "happ", "ily"] (model-dependent)."""
        return self._sp.encode(text, out_type=str)  # type: ignore[attr-defined]

    def join(self, pieces: Iterable[str]) -> str:
        """Text from pieces: the inverse of ``split`` (word-start marks become spaces)."""
        return self._sp.decode_pieces(list(pieces))  # type: ignore[attr-defined]


@lru_cache(maxsize=16)
def _train_cached(texts: tuple[str, ...], vocab_size: int, kind: str) -> bytes:
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts), model_writer=model, vocab_size=vocab_size,
        model_type=kind, character_coverage=1.0, normalization_rule_name="identity",
        unk_id=0, bos_id=-1, eos_id=-1, pad_id=-1, hard_vocab_limit=False,
        num_threads=1, minloglevel=2)
    return model.getvalue()


def train_subword(texts: Iterable[str], vocab_size: int,
                  kind: SubwordKind = "unigram") -> SubwordModel:
    """Train a sentencepiece model on ``texts`` (deterministic for the same input).

    Args:
        texts: the sentences of one side of the training data.
        vocab_size: wanted number of pieces (a soft limit: a small corpus may give fewer).
        kind: "bpe" (byte-pair encoding merges) or "unigram" (a unigram language model
            over pieces, pruned to size).

    Raises:
        ValueError: for an unknown kind, a size outside 50-32000 or no text.
    """
    if kind not in ("bpe", "unigram"):
        raise ValueError(f"subword kind must be 'bpe' or 'unigram'; got {kind!r}")
    if not 50 <= vocab_size <= 32000:
        raise ValueError(f"subword vocabulary size must be from 50 to 32000; got {vocab_size}")
    lines = tuple(t for t in texts if t.strip())
    if not lines:
        raise ValueError("no text to train the subword model on")
    return SubwordModel(_train_cached(lines, vocab_size, kind))
