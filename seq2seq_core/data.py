"""Pairs of text -> padded LongTensor batches (batch first) with masks.

Sources end with EOS so the encoder sees where the input stops. Targets are split the
usual way for teacher forcing: ``tgt_in`` = BOS y_1 .. y_T-1 and ``tgt_out`` = y_1 .. EOS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from seq2seq_core.pairs import Pair
from seq2seq_core.vocab import BOS_ID, EOS_ID, PAD_ID, Vocab


@dataclass(frozen=True)
class Batch:
    """A padded batch.

    Attributes:
        src: source ids (B, S), EOS-terminated then PAD.
        src_mask: (B, S) bool, True at real tokens (EOS included).
        tgt_in: decoder inputs (B, T): BOS then the target without its EOS.
        tgt_out: decoder targets (B, T): the target then EOS, PAD after.
        tgt_mask: (B, T) bool, True where ``tgt_out`` is a real token.
    """

    src: Tensor
    src_mask: Tensor
    tgt_in: Tensor
    tgt_out: Tensor
    tgt_mask: Tensor

    def to(self, device: torch.device | str) -> Batch:
        return Batch(*(t.to(device) for t in (self.src, self.src_mask, self.tgt_in,
                                                self.tgt_out, self.tgt_mask)))


def pad(seqs: Sequence[Sequence[int]]) -> tuple[Tensor, Tensor]:
    """Right-pad id lists with PAD: -> ids (B, max_len) and mask (B, max_len)."""
    longest = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), longest), PAD_ID, dtype=torch.long)
    for row, seq in enumerate(seqs):
        ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
    return ids, ids != PAD_ID


def encode_sources(texts: Sequence[str], src_vocab: Vocab) -> tuple[Tensor, Tensor]:
    """Source texts -> ids (B, S) and mask (B, S), each row EOS-terminated."""
    return pad([src_vocab.encode(t, add_eos=True) for t in texts])


def make_batch(pairs: Sequence[Pair], src_vocab: Vocab, tgt_vocab: Vocab) -> Batch:
    """Tokenise, add BOS/EOS and pad a list of pairs."""
    src, src_mask = encode_sources([p.source for p in pairs], src_vocab)
    tgt = [tgt_vocab.encode(p.target) for p in pairs]
    tgt_in, _ = pad([[BOS_ID] + t for t in tgt])
    tgt_out, tgt_mask = pad([t + [EOS_ID] for t in tgt])
    return Batch(src, src_mask, tgt_in, tgt_out, tgt_mask)
