"""The inside layer on every kind of model: traces, hidden states on a PCA basis, and
training-replay snapshots. A trace is greedy decoding seen from inside, so its output
and labels must be exactly what Decode shows."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from seq2seq_core import DecodeConfig, TrainedModel, decode_text
from seq2seq_core.inside import (
    SnapshotStore,
    StateSelection,
    fit_state_basis,
    project,
    replay_frames,
    trace,
    trace_batch,
)
from seq2seq_core.vocab import EOS


def greedy(tm, text, max_len):
    return decode_text(tm, text, DecodeConfig(strategy="greedy", max_len=max_len)).best


def check_trace(kind, tr, text, tm=None):
    """Labels are the vocabularies' own split and decode; shapes fit the model."""
    tm = tm or kind.tm
    cfg = tm.model.cfg
    assert tr.source_tokens == tuple(tm.src_vocab.split(text)) + (EOS,)
    assert tr.output_tokens == tuple(tm.tgt_vocab.tokens[i] for i in tr.output_ids)
    assert tr.output_text == tm.tgt_vocab.decode(tr.output_ids)
    assert tm.tgt_vocab.join(tr.output_text_tokens) == tr.output_text
    n_src, n_out = len(tr.source_tokens), len(tr.output_ids)
    layers, dirs, hidden = cfg.num_layers, cfg.num_directions, cfg.hidden_dim
    assert tr.encoder_states.shape == (layers, dirs, n_src, hidden)
    assert tr.decoder_states.shape == (layers, n_out, hidden)
    assert (tr.encoder_cells is None) == (cfg.cell == "gru")
    assert (tr.decoder_cells is None) == (cfg.cell == "gru")
    assert tr.log_probs.shape == (n_out,)
    if tm.model.has_attention:
        assert tr.attention.shape == (n_out, n_src)
        assert np.allclose(tr.attention.sum(axis=1), 1.0, atol=1e-4)
    else:
        assert tr.attention is None
    assert np.isfinite(tr.encoder_states).all() and np.isfinite(tr.decoder_states).all()


def test_trace_is_greedy_decoding(kind):
    for text in kind.inputs:
        tr = trace(kind.tm, text, max_len=kind.max_len)
        best = greedy(kind.tm, text, kind.max_len)
        check_trace(kind, tr, text)
        assert not tr.forced
        assert tr.output_ids == best.token_ids
        assert tr.output_text == best.text
        assert tr.output_tokens == best.tokens
        assert np.allclose(tr.log_probs, best.log_probs, atol=1e-4)
        if best.attention is not None:
            assert np.allclose(tr.attention, np.array(best.attention), atol=1e-5)


def test_trace_batch_is_trace_one_at_a_time(kind):
    batch = trace_batch(kind.tm, list(kind.inputs), max_len=kind.max_len)
    for text, tr in zip(kind.inputs, batch, strict=True):
        one = trace(kind.tm, text, max_len=kind.max_len)
        check_trace(kind, tr, text)
        assert tr.output_ids == one.output_ids and tr.output_text == one.output_text
        assert np.allclose(tr.encoder_states, one.encoder_states, atol=1e-5)
        assert np.allclose(tr.decoder_states, one.decoder_states, atol=1e-5)


def test_trace_of_a_reference(kind):
    """Teacher forcing a reference: the output is the reference as the vocabulary
    writes it."""
    vocab = kind.tm.tgt_vocab
    pairs = [p for p in kind.pairs if not vocab.unknown_tokens(p.target)][:3]
    assert pairs
    for pair in pairs:
        tr = trace(kind.tm, pair.source, pair.target, max_len=kind.max_len)
        check_trace(kind, tr, pair.source)
        assert tr.forced
        assert list(tr.output_ids) == vocab.encode(pair.target, add_eos=True)
        assert tr.output_text == vocab.join(vocab.split(pair.target))


def test_inputs_as_typed_trace_as_written(kind):
    for typed, written in kind.variants:
        got = trace(kind.tm, typed, max_len=kind.max_len)
        want = trace(kind.tm, written, max_len=kind.max_len)
        assert got.source_tokens == want.source_tokens
        assert got.output_ids == want.output_ids and got.output_text == want.output_text
        assert np.allclose(got.encoder_states, want.encoder_states)


def selections(tm: TrainedModel) -> list[StateSelection]:
    """Every trajectory the Hidden states view offers for this model."""
    cfg = tm.model.cfg
    cells = (False, True) if cfg.cell == "lstm" else (False,)
    out = [StateSelection("encoder", layer, direction, cell)
           for layer in range(cfg.num_layers) for direction in range(cfg.num_directions)
           for cell in cells]
    return out + [StateSelection("decoder", layer, 0, cell)
                  for layer in range(cfg.num_layers) for cell in cells]


def test_hidden_states_on_one_basis(kind):
    traces = trace_batch(kind.tm, list(kind.inputs), max_len=kind.max_len)
    for sel in selections(kind.tm):
        basis = fit_state_basis(traces, sel, n_components=3)
        assert basis.components.shape == (3, kind.tm.model.cfg.hidden_dim)
        assert basis.n_samples == sum(len(t.states(sel)) for t in traces)
        for tr in traces:
            states = tr.states(sel)
            labels = tr.source_tokens if sel.part == "encoder" else tr.output_tokens
            assert len(states) == len(labels)  # one point per shown token
            points = project(basis, states)
            assert points.shape == (len(labels), 3) and np.isfinite(points).all()
            assert np.allclose(points, (states - basis.mean) @ basis.components.T, atol=1e-4)
            assert 0 <= tr.final_index(sel) < len(labels)
    with pytest.raises(ValueError):
        traces[0].states(StateSelection("encoder", kind.tm.model.cfg.num_layers))
    if kind.tm.model.cfg.cell == "gru":
        with pytest.raises(ValueError, match="LSTM"):
            traces[0].states(StateSelection(cell=True))


def test_replay_snapshots(kind):
    """Each frame shows what that snapshot decodes, on one shared basis."""
    untrained = copy.deepcopy(kind.tm.model)
    for p in untrained.parameters():
        p.data.mul_(0.5)  # another model: a stand-in for an earlier step
    early = TrainedModel(untrained.eval(), kind.tm.src_vocab, kind.tm.tgt_vocab, kind.tm.task)
    store = SnapshotStore(max_snapshots=4)
    for step, tm in ((10, early), (20, kind.tm), (30, kind.tm)):
        store.add(step, tm)
    snaps = store.snapshots()
    assert [s.step for s in snaps] == [10, 20, 30]
    sel = StateSelection("encoder")
    text = kind.inputs[0]
    basis = fit_state_basis(trace_batch(kind.tm, list(kind.inputs), max_len=kind.max_len), sel)
    frames = replay_frames(snaps, text, basis, sel, max_len=kind.max_len)
    assert [f.step for f in frames] == [10, 20, 30]
    for frame, snap in zip(frames, snaps):
        check_trace(kind, frame.trace, text, snap.tm)
        best = greedy(snap.tm, text, kind.max_len)
        assert frame.trace.output_text == best.text
        assert frame.trace.output_ids == best.token_ids
        assert frame.points.shape == (len(frame.trace.source_tokens), 3)
        assert np.allclose(frame.points, project(basis, frame.trace.states(sel)))
