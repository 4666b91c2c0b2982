"""The encoder-decoder: ``Seq2Seq`` and its single factory ``build_model``.

``forward`` is teacher forcing written as a loop over ``decoder.step``: training and
decoding share one code path.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from seq2seq_core.config import ModelConfig
from seq2seq_core.decoder_base import DecoderState, Memory
from seq2seq_core.decoders import DECODERS
from seq2seq_core.cnn_encoder import ENCODERS


class Seq2Seq(nn.Module):
    """Encoder (``cnn_encoder.ENCODERS``: RNN, or CNN then RNN) + RNN decoder (fixed
    context or attention)."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = ENCODERS[cfg.encoder](cfg)
        self.decoder = DECODERS[cfg.decoder](cfg)

    @property
    def has_attention(self) -> bool:
        return self.decoder.attention is not None

    def encode(self, src: Tensor, src_mask: Tensor) -> tuple[Memory, DecoderState]:
        """Encode a batch: src (B, S), src_mask (B, S) -> (memory, initial decoder state)."""
        enc = self.encoder(src, src_mask)
        return self.decoder.memory(enc, src_mask), self.decoder.init_state(enc)

    def forward(self, src: Tensor, src_mask: Tensor, tgt_in: Tensor,
                teacher_forcing: float = 1.0, generator: torch.Generator | None = None,
                keep: Tensor | None = None) -> tuple[Tensor, Tensor | None]:
        """Decode a batch with teacher forcing.

        Args:
            src: source ids (B, S); src_mask: (B, S) bool, True = real token.
            tgt_in: decoder inputs (B, T), BOS first.
            teacher_forcing: probability, per example and step, of feeding the reference
                token rather than the model's previous argmax (1.0 = always reference).
            generator: random source for those choices (for reproducible runs).
            keep: (B, T) bool, or None: the positions whose logits are wanted. Training
                passes its non-PAD targets, the only logits its loss reads; under full
                teacher forcing the output layer then runs on those alone (on a padded
                batch of sentences it is most of a step).

        Returns:
            logits (B, T, V), or (N, V) for the N kept positions in row-major order, and
            attention weights (B, T, S), or None without attention.
        """
        memory, state = self.encode(src, src_mask)
        if teacher_forcing >= 1.0:
            return self._teacher_forced(tgt_in, state, memory, keep)
        token = tgt_in[:, 0]  # (B,)
        logits, attn = [], []
        for t in range(tgt_in.shape[1]):
            out = self.decoder.step(token, state, memory)
            state = out.state
            logits.append(out.logits)
            if out.attention is not None:
                attn.append(out.attention)
            if t + 1 < tgt_in.shape[1]:
                token = self._next_input(tgt_in[:, t + 1], out.logits, teacher_forcing,
                                         generator)
        attention = torch.stack(attn, dim=1) if attn else None  # (B, T, S)
        stacked = torch.stack(logits, dim=1)  # (B, T, V)
        return (stacked if keep is None else stacked[keep]), attention  # or (N, V)

    def _teacher_forced(self, tgt_in: Tensor, state: DecoderState, memory: Memory,
                        keep: Tensor | None) -> tuple[Tensor, Tensor | None]:
        """Full teacher forcing: every step's input is known, so the decoder builds the
        features of all positions (fused where it can) and the output layer runs once
        over them, or over the kept ones (the same logits as ``decoder.step`` one
        position at a time; a test holds them equal)."""
        feats, attention = self.decoder.teacher_forced_features(tgt_in, state, memory)
        if keep is not None:
            feats = feats[keep]  # (B, T, F) -> (N, F)
        return self.decoder.out(feats), attention  # (B, T, V) or (N, V); (B, T, S) or None

    @staticmethod
    def _next_input(reference: Tensor, logits: Tensor, ratio: float,
                    generator: torch.Generator | None) -> Tensor:
        if ratio >= 1.0:
            return reference
        predicted = logits.argmax(dim=-1)  # (B,)
        if ratio <= 0.0:
            return predicted
        coin = torch.rand(reference.shape, generator=generator) < ratio  # (B,)
        return torch.where(coin.to(reference.device), reference, predicted)


def model_device(model: nn.Module) -> torch.device:
    """The device of a model's parameters (CPU for a parameter-free test double): the one
    device lookup every search, trace and evaluation uses."""
    try:
        return next(model.parameters()).device
    except (AttributeError, StopIteration):
        return torch.device("cpu")


def build_model(cfg: ModelConfig, seed: int | None = None) -> Seq2Seq:
    """Create a model from its config; ``seed`` makes the initial weights reproducible."""
    if seed is None:
        return Seq2Seq(cfg)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return Seq2Seq(cfg)
