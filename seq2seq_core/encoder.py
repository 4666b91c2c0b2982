"""RNN encoder (GRU or LSTM, 1-4 layers, optionally bidirectional), batch first.

``forward`` runs the cell's layers over the whole padded batch (``CellKind.run``: the GRU's
own layer with its backward pass written out, ``nn.LSTM`` over packed sequences) and is
what training and decoding use. ``forward_stepwise`` recomputes the same thing one
position at a time with the cell equations written out, returning every layer's and
direction's state at every position for the views that look inside (a test holds the
two equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn

from seq2seq_core.cells import CELLS
from seq2seq_core.vocab import PAD_ID

if TYPE_CHECKING:  # the config imports the model's tables, so only for type names
    from seq2seq_core.config import ModelConfig


@dataclass(frozen=True)
class EncoderOutput:
    """What the encoder hands the decoder.

    Attributes:
        outputs: top layer's states at every position, (B, S, D*H) with D directions;
            zero at padded positions.
        hidden: final hidden state of every layer and direction, (L*D, B, H), ordered
            as ``nn.GRU`` orders it (layer 0 forward, layer 0 backward, layer 1 ...).
        cell: final LSTM cell state, (L*D, B, H), or None for a GRU.
    """

    outputs: Tensor
    hidden: Tensor
    cell: Tensor | None


@dataclass(frozen=True)
class StepwiseStates:
    """Every position's state, kept per layer and direction.

    Attributes:
        hidden: (L, D, B, S, H); at padded positions the state carried unchanged.
        cell: LSTM cell states, same shape, or None for a GRU.
    """

    hidden: Tensor
    cell: Tensor | None


class RNNEncoder(nn.Module):
    """Embedding followed by a (bidirectional) GRU or LSTM."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embedding = nn.Embedding(cfg.src_vocab_size, cfg.emb_dim, padding_idx=PAD_ID)
        self.rnn = CELLS[cfg.cell].module(
            cfg.emb_dim, cfg.hidden_dim, num_layers=cfg.num_layers, batch_first=True,
            bidirectional=cfg.bidirectional,
            dropout=cfg.dropout if cfg.num_layers > 1 else 0.0,
        )
        self.dropout = nn.Dropout(cfg.dropout)

    def embed(self, src: Tensor) -> Tensor:
        """Source ids (B, S) -> the vectors the RNN reads (B, S, E); an image encoder
        (``cnn_encoder``) overrides this one method."""
        return self.embedding(src)  # (B, S, E)

    def forward(self, src: Tensor, src_mask: Tensor) -> EncoderOutput:
        """Encode a padded batch.

        Args:
            src: source token ids, (B, S), PAD after each sequence's end.
            src_mask: (B, S) bool, True at real tokens; every row needs at least one.

        Returns:
            EncoderOutput with outputs (B, S, D*H) and final states (L*D, B, H).
        """
        emb = self.dropout(self.embed(src))  # (B, S, E)
        outputs, final = CELLS[self.cfg.cell].run(self.rnn, emb, src_mask)  # (B, S, D*H)
        hidden, cell = final if isinstance(final, tuple) else (final, None)
        return EncoderOutput(outputs, hidden, cell)

    def forward_stepwise(self, src: Tensor, src_mask: Tensor) -> tuple[EncoderOutput,
                                                                         StepwiseStates]:
        """The same encoding, one position at a time, keeping every state.

        Dropout is not applied (use in eval mode). Returns the EncoderOutput that
        ``forward`` gives, and the per-layer, per-direction states (L, D, B, S, H).
        """
        cfg = self.cfg
        x = self.embed(src)  # (B, S, E)
        layers_h, layers_c = [], []
        for layer in range(cfg.num_layers):
            dirs = [self._run_direction(x, src_mask, layer, reverse=bool(d))
                    for d in range(cfg.num_directions)]
            hs = torch.stack([h for h, _ in dirs])  # (D, B, S, H)
            layers_h.append(hs)
            if CELLS[cfg.cell].has_cell_state:
                layers_c.append(torch.stack([c for _, c in dirs]))  # (D, B, S, H)
            mask = src_mask[None, :, :, None]  # (1, B, S, 1)
            x = torch.cat(list(hs * mask), dim=-1)  # (B, S, D*H), zero at padding
        hidden = torch.stack(layers_h)  # (L, D, B, S, H)
        cell = torch.stack(layers_c) if layers_c else None
        return self._final(hidden, cell, src_mask, x), StepwiseStates(hidden, cell)

    def _run_direction(self, x: Tensor, mask: Tensor, layer: int,
                       reverse: bool) -> tuple[Tensor, Tensor | None]:
        suffix = f"_l{layer}" + ("_reverse" if reverse else "")
        w = [getattr(self.rnn, f"{n}{suffix}") for n in ("weight_ih", "weight_hh",
                                                         "bias_ih", "bias_hh")]
        batch, length, _ = x.shape
        kind = CELLS[self.cfg.cell]
        h = x.new_zeros(batch, self.cfg.hidden_dim)  # (B, H)
        c = x.new_zeros(batch, self.cfg.hidden_dim) if kind.has_cell_state else None
        hs: list[Tensor] = [h] * length
        cs: list[Tensor] = [h] * length
        order = range(length - 1, -1, -1) if reverse else range(length)
        for t in order:
            real = mask[:, t, None]  # (B, 1): padded positions keep the old state
            if c is None:
                h = torch.where(real, kind.step(x[:, t], h, *w), h)
            else:
                h_new, c_new = kind.step(x[:, t], h, c, *w)
                h, c = torch.where(real, h_new, h), torch.where(real, c_new, c)
                cs[t] = c
            hs[t] = h
        return torch.stack(hs, dim=1), (torch.stack(cs, dim=1) if c is not None else None)

    def _final(self, hidden: Tensor, cell: Tensor | None, mask: Tensor,
               outputs: Tensor) -> EncoderOutput:
        """Final states from stepwise states: forward at the last real token, backward at 0."""
        last = mask.sum(dim=1) - 1  # (B,)
        batch = torch.arange(mask.shape[0], device=mask.device)
        finals_h, finals_c = [], []
        for layer in range(hidden.shape[0]):
            for d in range(hidden.shape[1]):
                pos = last if d == 0 else torch.zeros_like(last)
                finals_h.append(hidden[layer, d, batch, pos])  # (B, H)
                if cell is not None:
                    finals_c.append(cell[layer, d, batch, pos])
        hid = torch.stack(finals_h)  # (L*D, B, H)
        return EncoderOutput(outputs, hid, torch.stack(finals_c) if finals_c else None)
