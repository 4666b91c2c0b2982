"""trace(): the states it returns are the model's actual per-step states and attention."""

import numpy as np
import pytest
import torch

import seq2seq_core as core
from seq2seq_core.data import make_batch
from seq2seq_core.inside.trace import StateSelection, trace, trace_batch
from seq2seq_core.vocab import EOS


def _fused_layer0(tm, text):
    """Layer 0's per-position states from a fresh single-layer nn.GRU/nn.LSTM with the
    encoder's layer-0 weights: an independent computation of what trace reports."""
    enc = tm.model.encoder
    cfg = enc.cfg
    rnn_cls = torch.nn.GRU if cfg.cell == "gru" else torch.nn.LSTM
    rnn = rnn_cls(cfg.emb_dim, cfg.hidden_dim, batch_first=True,
                  bidirectional=cfg.bidirectional)
    suffixes = ["_l0"] + (["_l0_reverse"] if cfg.bidirectional else [])
    for sfx in suffixes:
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(rnn, name + sfx).data.copy_(getattr(enc.rnn, name + sfx))
    ids = torch.tensor([tm.src_vocab.encode(text, add_eos=True)])
    out, _ = rnn(enc.embedding(ids))  # (1, S, D*H)
    return out[0].detach().numpy()


@pytest.mark.parametrize("cell, bidirectional, layers",
                         [("gru", False, 1), ("lstm", True, 2), ("gru", True, 3)])
def test_encoder_states_are_the_encoders_per_step_outputs(make_tiny, cell, bidirectional,
                                                          layers):
    tm = make_tiny(cell=cell, bidirectional=bidirectional, num_layers=layers)
    text = "abcabhhd"
    tr = trace(tm, text)
    S, H = len(text) + 1, 12
    assert tr.encoder_states.shape == (layers, 2 if bidirectional else 1, S, H)
    assert tr.source_tokens == tuple(text) + (EOS,)
    # Top layer: the fused encoder's outputs, forward half then backward half.
    ids = torch.tensor([tm.src_vocab.encode(text, add_eos=True)])
    fused = tm.model.encoder(ids, torch.ones_like(ids, dtype=torch.bool)).outputs[0].detach()
    np.testing.assert_allclose(tr.states(StateSelection(layer=-1)), fused[:, :H], atol=1e-5)
    if bidirectional:
        np.testing.assert_allclose(tr.states(StateSelection(direction=1)), fused[:, H:],
                                   atol=1e-5)
    # Layer 0 against a fresh fused RNN holding layer 0's weights.
    first = _fused_layer0(tm, text)
    np.testing.assert_allclose(tr.encoder_states[0, 0], first[:, :H], atol=1e-5)
    assert (tr.encoder_cells is not None) == (cell == "lstm")
    # The fixed context vector c is the top layer's final state(s).
    final = np.concatenate([fused[-1, :H]] + ([fused[0, H:]] if bidirectional else []))
    np.testing.assert_allclose(tr.context, final, atol=1e-5)


def test_greedy_trace_matches_greedy_search(make_tiny):
    tm = make_tiny()
    tr = trace(tm, "hgfedcba", max_len=12)
    res = core.decode_text(tm, "hgfedcba", core.DecodeConfig(strategy="greedy", max_len=12))
    assert tr.output_tokens == res.best.tokens and not tr.forced
    np.testing.assert_allclose(tr.attention, np.array(res.best.attention), atol=1e-6)
    np.testing.assert_allclose(tr.log_probs, res.best.log_probs, atol=1e-5)


def test_forced_trace_equals_teacher_forced_forward(make_tiny):
    tm = make_tiny(cell="lstm", num_layers=2)
    pairs = [core.Pair("abcd", "dcba")]
    batch = make_batch(pairs, tm.src_vocab, tm.tgt_vocab)
    with torch.no_grad():
        logits, attention = tm.model(batch.src, batch.src_mask, batch.tgt_in)  # (1, T, *)
    tr = trace(tm, "abcd", target="dcba")
    assert tr.forced and tr.output_tokens == ("d", "c", "b", "a", EOS)
    np.testing.assert_allclose(tr.attention, attention[0].numpy(), atol=1e-6)
    logp = torch.log_softmax(logits[0, :, 2:], dim=-1)  # PAD (0) and BOS (1) excluded
    expected = logp.gather(1, batch.tgt_out[0, :, None] - 2).squeeze(1)  # (T,)
    np.testing.assert_allclose(tr.log_probs, expected.numpy(), atol=1e-5)
    # c_t is the attention-weighted sum of the encoder outputs (top layer, Bahdanau eq. 5).
    np.testing.assert_allclose(tr.step_contexts, tr.attention @ tr.encoder_states[-1, 0],
                               atol=1e-5)
    assert tr.decoder_states.shape == (2, 5, 12) and tr.decoder_cells.shape == (2, 5, 12)


def test_decoder_states_are_the_steps_states(make_tiny):
    tm = make_tiny(num_layers=2)
    tr = trace(tm, "abc", target="cba")
    ids = torch.tensor([tm.src_vocab.encode("abc", add_eos=True)])
    memory, state = tm.model.encode(ids, torch.ones_like(ids, dtype=torch.bool))
    np.testing.assert_allclose(tr.initial_state, state.hidden[:, 0].detach(), atol=1e-6)
    for t, tok in enumerate([1] + [tm.tgt_vocab.id_of(c) for c in "cba"]):  # BOS first
        state = tm.model.decoder.step(torch.tensor([tok]), state, memory).state
        np.testing.assert_allclose(tr.decoder_states[:, t], state.hidden[:, 0].detach(),
                                   atol=1e-5)


def test_a_batch_traces_each_source_as_if_alone(make_tiny):
    tm = make_tiny(bidirectional=True, cell="lstm")
    texts = ["ab", "hgfedcbaab", "cab"]
    for alone, batched in zip([trace(tm, t) for t in texts], trace_batch(tm, texts)):
        assert batched.output_tokens == alone.output_tokens
        for field in ("encoder_states", "encoder_cells", "decoder_states", "attention",
                      "context", "step_contexts"):
            np.testing.assert_allclose(getattr(batched, field), getattr(alone, field),
                                       atol=1e-5)


def test_fixed_context_reads_the_same_c_at_every_step(make_tiny):
    cho = trace(make_tiny(decoder="fixed", fixed_context="cho"), "abcabc")
    assert cho.attention is None
    assert np.array_equal(cho.step_contexts, np.tile(cho.context, (len(cho.output_tokens), 1)))
    sutskever = trace(make_tiny(decoder="fixed", fixed_context="sutskever"), "abcabc")
    assert sutskever.step_contexts is None and sutskever.attention is None


def test_state_selection_errors_and_final_positions(make_tiny):
    tr = trace(make_tiny(bidirectional=True), "abcd")
    assert tr.final_index(StateSelection()) == 4  # forward ends at EOS
    assert tr.final_index(StateSelection(direction=1)) == 0  # backward ends at the start
    assert tr.final_index(StateSelection("decoder")) == len(tr.output_tokens) - 1
    with pytest.raises(ValueError, match="GRU"):
        tr.states(StateSelection(cell=True))
    with pytest.raises(ValueError, match="layer 3"):
        tr.states(StateSelection(layer=3))
    with pytest.raises(ValueError, match="one direction"):
        tr.states(StateSelection("decoder", direction=1))
    with pytest.raises(ValueError, match="eval mode"):
        tm = make_tiny()
        tm.model.train()
        trace(tm, "ab")
