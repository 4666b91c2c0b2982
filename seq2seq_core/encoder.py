"""RNN encoder (GRU or LSTM, 1-4 layers, optionally bidirectional), batch first.

``forward`` runs the fused cuDNN-style ``nn.GRU``/``nn.LSTM`` over packed sequences and
is what training and decoding use. ``forward_stepwise`` recomputes the same thing one
position at a time with the cell equations written out, returning every layer's and
direction's state at every position for the views that look inside (a test holds the
two equal).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seq2seq_core.config import ModelConfig
from seq2seq_core.vocab import PAD_ID


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


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor,
             b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """One GRU step (Cho 2014), with PyTorch's gate order r, z, n.

    x (B, In), h (B, H) -> new h (B, H).
    """
    gi = x @ w_ih.T + b_ih  # (B, 3H)
    gh = h @ w_hh.T + b_hh  # (B, 3H)
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h


def lstm_cell(x: Tensor, h: Tensor, c: Tensor, w_ih: Tensor, w_hh: Tensor,
              b_ih: Tensor, b_hh: Tensor) -> tuple[Tensor, Tensor]:
    """One LSTM step with PyTorch's gate order i, f, g, o. x (B, In) -> (h, c), each (B, H)."""
    gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh  # (B, 4H)
    i, f, g, o = gates.chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new


class RNNEncoder(nn.Module):
    """Embedding followed by a (bidirectional) GRU or LSTM."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embedding = nn.Embedding(cfg.src_vocab_size, cfg.emb_dim, padding_idx=PAD_ID)
        rnn_cls = nn.GRU if cfg.cell == "gru" else nn.LSTM
        self.rnn = rnn_cls(
            cfg.emb_dim, cfg.hidden_dim, num_layers=cfg.num_layers, batch_first=True,
            bidirectional=cfg.bidirectional,
            dropout=cfg.dropout if cfg.num_layers > 1 else 0.0,
        )
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, src: Tensor, src_mask: Tensor) -> EncoderOutput:
        """Encode a padded batch.

        Args:
            src: source token ids, (B, S), PAD after each sequence's end.
            src_mask: (B, S) bool, True at real tokens; every row needs at least one.

        Returns:
            EncoderOutput with outputs (B, S, D*H) and final states (L*D, B, H).
        """
        emb = self.dropout(self.embedding(src))  # (B, S, E)
        lengths = src_mask.sum(dim=1)  # (B,)
        if bool((lengths == src.shape[1]).all()):
            outputs, final = self.rnn(emb)  # no padding: skip packing
        else:
            packed = pack_padded_sequence(emb, lengths.cpu(), batch_first=True,
                                          enforce_sorted=False)
            packed_out, final = self.rnn(packed)
            outputs, _ = pad_packed_sequence(packed_out, batch_first=True,
                                             total_length=src.shape[1])  # (B, S, D*H)
        hidden, cell = final if isinstance(final, tuple) else (final, None)
        return EncoderOutput(outputs, hidden, cell)

    def forward_stepwise(self, src: Tensor, src_mask: Tensor) -> tuple[EncoderOutput,
                                                                         StepwiseStates]:
        """The same encoding, one position at a time, keeping every state.

        Dropout is not applied (use in eval mode). Returns the EncoderOutput that
        ``forward`` gives, and the per-layer, per-direction states (L, D, B, S, H).
        """
        cfg = self.cfg
        x = self.embedding(src)  # (B, S, E)
        layers_h, layers_c = [], []
        for layer in range(cfg.num_layers):
            dirs = [self._run_direction(x, src_mask, layer, reverse=bool(d))
                    for d in range(cfg.num_directions)]
            hs = torch.stack([h for h, _ in dirs])  # (D, B, S, H)
            layers_h.append(hs)
            if cfg.cell == "lstm":
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
        h = x.new_zeros(batch, self.cfg.hidden_dim)  # (B, H)
        c = x.new_zeros(batch, self.cfg.hidden_dim) if self.cfg.cell == "lstm" else None
        hs: list[Tensor] = [h] * length
        cs: list[Tensor] = [h] * length
        order = range(length - 1, -1, -1) if reverse else range(length)
        for t in order:
            real = mask[:, t, None]  # (B, 1): padded positions keep the old state
            if c is None:
                h = torch.where(real, gru_cell(x[:, t], h, *w), h)
            else:
                h_new, c_new = lstm_cell(x[:, t], h, c, *w)
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
