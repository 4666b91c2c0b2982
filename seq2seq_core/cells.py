"""Recurrent cells, as a table: ``CELLS[name]`` gives the fused PyTorch module the
encoder and decoder run, and the same cell's equations written out, which the encoder's
step-by-step pass uses to expose every state and the attention decoder's training loop
runs (tests hold them equal to the module).

Adding a cell is one ``CellKind`` entry here; the config's validation, the CLI's choices
and the app's options read this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from seq2seq_core.gru_layer import run_gru, run_module


def gru_gates(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor) -> Tensor:
    """One GRU step (Cho 2014) from its input's projection gi = W_ih x + b_ih (B, 3H),
    PyTorch's gate order r, z, n: h (B, H) -> new h (B, H)."""
    gh = torch.addmm(b_hh, h, w_hh.T)  # (B, 3H)
    two = 2 * h.shape[1]
    r, z = torch.sigmoid(gi[:, :two] + gh[:, :two]).chunk(2, dim=1)  # (B, H) each
    n = torch.tanh(gi[:, two:] + r * gh[:, two:])  # (B, H)
    return n + z * (h - n)  # = (1 - z) n + z h


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor,
             b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """One GRU step: x (B, In), h (B, H) -> new h (B, H)."""
    return gru_gates(torch.addmm(b_ih, x, w_ih.T), h, w_hh, b_hh)  # gi (B, 3H)


def lstm_gates(gi: Tensor, h: Tensor, c: Tensor, w_hh: Tensor,
               b_hh: Tensor) -> tuple[Tensor, Tensor]:
    """One LSTM step (Hochreiter & Schmidhuber 1997) from its input's projection
    gi = W_ih x + b_ih (B, 4H), PyTorch's gate order i, f, g, o: h and c (B, H) -> (h, c)."""
    gates = gi + torch.addmm(b_hh, h, w_hh.T)  # (B, 4H)
    i, f, g, o = gates.chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new


def lstm_cell(x: Tensor, h: Tensor, c: Tensor, w_ih: Tensor, w_hh: Tensor,
              b_ih: Tensor, b_hh: Tensor) -> tuple[Tensor, Tensor]:
    """One LSTM step: x (B, In), h and c (B, H) -> (h, c), each (B, H)."""
    return lstm_gates(torch.addmm(b_ih, x, w_ih.T), h, c, w_hh, b_hh)  # gi (B, 4H)


@dataclass(frozen=True)
class CellKind:
    """One recurrent cell.

    Attributes:
        label: its name in labels and pickers, e.g. "GRU".
        module: the fused multi-layer module (``nn.GRU`` or ``nn.LSTM``).
        step: the cell's equations for one position (``gru_cell`` or ``lstm_cell``).
        gates: the same from the input's projection W_ih x + b_ih (``gru_gates`` or
            ``lstm_gates``), for a caller that computes that projection itself.
        has_cell_state: True when the cell carries a memory c beside its hidden state h.
        run: the layers over a whole padded batch, ``run(module, x, mask, hx)`` ->
            (outputs (B, S, D*H), final state as the module returns it): what encoders
            and fused teacher-forced decoders call. The GRU's is ``gru_layer.run_gru``,
            its backward pass written out; the LSTM's calls the module.
    """

    label: str
    module: type[nn.RNNBase]
    step: Callable[..., Tensor | tuple[Tensor, Tensor]]
    gates: Callable[..., Tensor | tuple[Tensor, Tensor]]
    has_cell_state: bool
    run: Callable[..., tuple[Tensor, Tensor | tuple[Tensor, Tensor]]]


CELLS: dict[str, CellKind] = {
    "gru": CellKind("GRU", nn.GRU, gru_cell, gru_gates, False, run_gru),
    "lstm": CellKind("LSTM", nn.LSTM, lstm_cell, lstm_gates, True, run_module),
}
