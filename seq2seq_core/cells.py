"""Recurrent cells, as a table: ``CELLS[name]`` gives the fused PyTorch module the
encoder and decoder run, and the same cell's equations written out, which the encoder's
step-by-step pass uses to expose every state (a test holds the two equal).

Adding a cell is one ``CellKind`` entry here; the config's validation, the CLI's choices
and the app's options read this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn


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
    """One LSTM step (Hochreiter & Schmidhuber 1997) with PyTorch's gate order i, f, g, o.

    x (B, In), h and c (B, H) -> (h, c), each (B, H).
    """
    gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh  # (B, 4H)
    i, f, g, o = gates.chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new


@dataclass(frozen=True)
class CellKind:
    """One recurrent cell.

    Attributes:
        label: its name in labels and pickers, e.g. "GRU".
        module: the fused multi-layer module (``nn.GRU`` or ``nn.LSTM``).
        step: the cell's equations for one position (``gru_cell`` or ``lstm_cell``).
        has_cell_state: True when the cell carries a memory c beside its hidden state h.
    """

    label: str
    module: type[nn.RNNBase]
    step: Callable[..., Tensor | tuple[Tensor, Tensor]]
    has_cell_state: bool


CELLS: dict[str, CellKind] = {
    "gru": CellKind("GRU", nn.GRU, gru_cell, False),
    "lstm": CellKind("LSTM", nn.LSTM, lstm_cell, True),
}
