"""Decoder variants behave as their papers say, and step() stores nothing on the module."""

import copy

import pytest
import torch

from seq2seq_core import ModelConfig, build_model
from seq2seq_core.decoder_base import Memory

VARIANTS = [dict(decoder="fixed", fixed_context="sutskever"),
            dict(decoder="fixed", fixed_context="cho"),
            dict(decoder="attention", score="additive"),
            dict(decoder="attention", score="dot"),
            dict(decoder="attention", score="general")]


def _model(**fields):
    cfg = ModelConfig(12, 10, emb_dim=5, hidden_dim=6, **fields)
    return build_model(cfg, seed=0).eval()


def _src():
    src = torch.tensor([[4, 5, 6, 2], [7, 8, 2, 0]])  # (B, S)
    return src, src != 0


def _first_step(model, memory, state):
    return model.decoder.step(torch.tensor([1, 1]), state, memory)


@pytest.mark.parametrize("fields", VARIANTS)
def test_teacher_forced_forward_equals_manual_steps(fields):
    model = _model(**fields)
    src, mask = _src()
    tgt_in = torch.tensor([[1, 4, 5], [1, 6, 7]])  # (B, T)
    logits, attention = model(src, mask, tgt_in)
    memory, state = model.encode(src, mask)
    for t in range(3):
        out = model.decoder.step(tgt_in[:, t], state, memory)
        state = out.state
        torch.testing.assert_close(logits[:, t], out.logits)
        if out.attention is not None:
            torch.testing.assert_close(attention[:, t], out.attention)
    assert (attention is None) == (fields["decoder"] == "fixed")


@pytest.mark.parametrize("fields", VARIANTS)
@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_step_stores_nothing_on_the_module(fields, cell):
    model = _model(cell=cell, **fields)
    before = {k: copy.copy(v) for k, v in vars(model.decoder).items()}
    params = {k: v.clone() for k, v in model.state_dict().items()}
    src, mask = _src()
    model(src, mask, torch.tensor([[1, 4], [1, 5]]))
    assert vars(model.decoder).keys() == before.keys()
    for key in ("_buffers", "_modules", "_parameters"):
        assert vars(model.decoder)[key].keys() == before[key].keys()
    for name, value in model.state_dict().items():
        assert torch.equal(value, params[name])


def test_sutskever_reads_the_source_only_through_the_initial_state():
    model = _model(decoder="fixed", fixed_context="sutskever")
    memory, state = model.encode(*_src())
    changed = Memory(memory.outputs * 0 + 3, memory.mask, memory.context * 0 + 3, None)
    torch.testing.assert_close(_first_step(model, memory, state).logits,
                               _first_step(model, changed, state).logits)


def test_cho_feeds_the_context_vector_to_every_step():
    model = _model(decoder="fixed", fixed_context="cho")
    memory, state = model.encode(*_src())
    changed = Memory(memory.outputs, memory.mask, memory.context + 1.0, None)
    assert not torch.allclose(_first_step(model, memory, state).logits,
                              _first_step(model, changed, state).logits)
    # The context vector is the encoder's final top-layer state.
    enc = model.encoder(*_src())
    torch.testing.assert_close(memory.context, enc.hidden[-1])


@pytest.mark.parametrize("score", ["additive", "dot", "general"])
def test_attention_weights_cover_real_tokens_only(score):
    model = _model(decoder="attention", score=score)
    src, mask = _src()
    _, attention = model(src, mask, torch.tensor([[1, 4, 5], [1, 6, 7]]))  # (B, T, S)
    torch.testing.assert_close(attention.sum(-1), torch.ones(2, 3))
    assert torch.all(attention[1, :, 3] == 0.0)


def test_bidirectional_lstm_with_layers_runs():
    model = _model(cell="lstm", bidirectional=True, num_layers=2, decoder="attention",
                   score="general")
    logits, attention = model(*_src(), torch.tensor([[1, 4], [1, 5]]))
    assert logits.shape == (2, 2, 10) and attention.shape == (2, 2, 4)


def test_dot_with_bidirectional_encoder_is_refused_clearly():
    with pytest.raises(ValueError, match="bidirectional"):
        ModelConfig(12, 10, bidirectional=True, decoder="attention", score="dot")
