"""The stepwise encoder (cell equations written out) equals the fused nn.GRU/nn.LSTM."""

import pytest
import torch

from seq2seq_core import ModelConfig
from seq2seq_core.encoder import RNNEncoder


def _batch():
    gen = torch.Generator().manual_seed(0)
    src = torch.randint(4, 12, (3, 7), generator=gen)  # (B, S)
    mask = torch.ones(3, 7, dtype=torch.bool)
    mask[1, 4:] = False
    mask[2, 1:] = False  # a one-token source
    return src.masked_fill(~mask, 0), mask


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("layers", [1, 3])
def test_stepwise_equals_fused(cell, bidirectional, layers):
    torch.manual_seed(0)
    enc = RNNEncoder(ModelConfig(12, 12, cell=cell, emb_dim=5, hidden_dim=6,
                                 num_layers=layers, bidirectional=bidirectional)).eval()
    src, mask = _batch()
    fused = enc(src, mask)
    stepwise, states = enc.forward_stepwise(src, mask)
    torch.testing.assert_close(stepwise.outputs, fused.outputs, atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(stepwise.hidden, fused.hidden, atol=1e-6, rtol=1e-5)
    if cell == "lstm":
        torch.testing.assert_close(stepwise.cell, fused.cell, atol=1e-6, rtol=1e-5)
    dirs = 2 if bidirectional else 1
    assert states.hidden.shape == (layers, dirs, 3, 7, 6)  # (L, D, B, S, H)
    # The top layer's per-position states are the encoder outputs at real tokens.
    top = torch.cat(list(states.hidden[-1]), dim=-1)  # (B, S, D*H)
    torch.testing.assert_close(top[mask], fused.outputs[mask], atol=1e-6, rtol=1e-5)


def test_padding_does_not_change_a_sequence():
    torch.manual_seed(0)
    enc = RNNEncoder(ModelConfig(12, 12, emb_dim=5, hidden_dim=6, bidirectional=True)).eval()
    src, mask = _batch()
    alone = enc(src[1:2, :4], mask[1:2, :4])
    padded = enc(src, mask)
    torch.testing.assert_close(padded.outputs[1, :4], alone.outputs[0], atol=1e-6, rtol=1e-5)
    assert torch.all(padded.outputs[1, 4:] == 0)
