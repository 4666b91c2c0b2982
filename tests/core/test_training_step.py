"""The training step's shortcuts compute what the step-by-step decoder computes.

Under full teacher forcing ``Seq2Seq.forward`` applies the output layer once to every
position's features, a fixed-context decoder runs its RNN fused over all positions, a
Luong decoder runs its RNN fused and attends for all positions at once, the attention
decoder's loop projects the embeddings once and runs the cells' equations (a one-layer
GRU with the additive score as one node with its backward pass written out), and
additive attention scores with 2 v.sigmoid(2x) (which differs from v.tanh(x) by a
constant softmax ignores): the loss and every gradient must equal those of the plain
path, ``decoder.step`` one position at a time with torch.tanh.
"""

from __future__ import annotations

import pytest
import torch

from seq2seq_core import ModelConfig, build_model
from seq2seq_core.attention import AdditiveAttention, masked_softmax
from seq2seq_core.train import masked_cross_entropy

ARCHS = [dict(decoder="attention", score="additive"),
         dict(decoder="attention", score="additive", bidirectional=True),
         dict(decoder="attention", score="general", cell="lstm", bidirectional=True),
         dict(decoder="attention", score="dot", num_layers=2),
         dict(decoder="attention", score="additive", cell="lstm", num_layers=3),
         dict(decoder="fixed", fixed_context="cho"),
         dict(decoder="fixed", fixed_context="cho", bidirectional=True, num_layers=2),
         dict(decoder="fixed", fixed_context="sutskever", cell="lstm", num_layers=2),
         dict(decoder="luong", score="additive"),
         dict(decoder="luong", score="general", cell="lstm", bidirectional=True, num_layers=2),
         dict(decoder="luong", score="dot", num_layers=2)]


def batch():
    g = torch.Generator().manual_seed(0)
    src = torch.randint(4, 12, (6, 7), generator=g)  # (B, S)
    src[3, 4:] = 0  # padding
    tgt = torch.randint(4, 10, (6, 5), generator=g)  # (B, T)
    tgt[2, 3:] = 0
    tgt_in = torch.cat([torch.ones(6, 1, dtype=torch.long), tgt[:, :-1]], dim=1)
    return src, src != 0, tgt_in, tgt


def tanh_scores(attn: AdditiveAttention, query, keys, values, mask):
    """Bahdanau 2015, eq. 6, as written: v^T tanh(W_q s + W_k h_j + b), for queries
    (B, H) or (B, T, H); the keys are recomputed from the values (the encoder outputs)."""
    one = query.dim() == 2
    q = attn.query_proj(query.unsqueeze(1) if one else query)  # (B, T, A)
    k = attn.key_proj(values)  # (B, S, A)
    scores = attn.v(torch.tanh(k.unsqueeze(1) + q.unsqueeze(2))).squeeze(3)  # (B, T, S)
    weights = masked_softmax(scores, mask)
    context = torch.bmm(weights, values)  # (B, T, He)
    return (context.squeeze(1), weights.squeeze(1)) if one else (context, weights)


def stepwise_loss(model, src, mask, tgt_in, tgt, monkeypatch):
    if isinstance(model.decoder.attention, AdditiveAttention):
        attn = model.decoder.attention
        monkeypatch.setattr(attn, "forward", lambda *a: tanh_scores(attn, *a))
    memory, state = model.encode(src, mask)
    logits = []
    for t in range(tgt_in.shape[1]):
        out = model.decoder.step(tgt_in[:, t], state, memory)
        state = out.state
        logits.append(out.logits)
    return masked_cross_entropy(torch.stack(logits, dim=1), tgt)


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: "-".join(map(str, a.values())))
def test_loss_and_gradients_equal_the_step_by_step_path(arch, monkeypatch):
    model = build_model(ModelConfig(12, 10, emb_dim=6, hidden_dim=8, **arch), seed=0).train()
    src, mask, tgt_in, tgt = batch()
    fast = masked_cross_entropy(model(src, mask, tgt_in, 1.0)[0], tgt)
    fast_grads = torch.autograd.grad(fast, list(model.parameters()), allow_unused=True)
    with monkeypatch.context() as m:
        slow = stepwise_loss(model, src, mask, tgt_in, tgt, m)
    slow_grads = torch.autograd.grad(slow, list(model.parameters()), allow_unused=True)
    torch.testing.assert_close(fast, slow, atol=1e-6, rtol=1e-5)
    for (name, _), a, b in zip(model.named_parameters(), fast_grads, slow_grads):
        assert (a is None) == (b is None), name
        if a is not None:
            torch.testing.assert_close(a, b, atol=1e-6, rtol=1e-4, msg=name)


@pytest.mark.parametrize("arch", ARCHS[:5] + ARCHS[-2:],
                         ids=lambda a: "-".join(map(str, a.values())))
@pytest.mark.parametrize("forcing", [1.0, 0.5])
def test_logits_of_the_kept_positions_give_the_same_loss_and_gradients(arch, forcing):
    """Training asks for the non-PAD targets' logits alone (``keep``): the same loss and
    gradients as every position's logits with PAD ignored."""
    model = build_model(ModelConfig(12, 10, emb_dim=6, hidden_dim=8, **arch), seed=0).train()
    src, mask, tgt_in, tgt = batch()
    keep = tgt != 0
    assert not keep.all()  # the batch has padding to leave out

    def loss_and_grads(**kwargs):
        logits, _ = model(src, mask, tgt_in, forcing, torch.Generator().manual_seed(3),
                          **kwargs)
        loss = masked_cross_entropy(logits, tgt[keep] if kwargs else tgt)
        return loss, torch.autograd.grad(loss, list(model.parameters()), allow_unused=True)

    full, full_grads = loss_and_grads()
    kept, kept_grads = loss_and_grads(keep=keep)
    assert model(src, mask, tgt_in, forcing, keep=keep)[0].shape == (int(keep.sum()), 10)
    torch.testing.assert_close(kept, full, atol=1e-6, rtol=1e-5)
    for (name, _), a, b in zip(model.named_parameters(), kept_grads, full_grads):
        assert (a is None) == (b is None), name
        if a is not None:
            torch.testing.assert_close(a, b, atol=1e-6, rtol=1e-4, msg=name)


def test_the_written_out_bahdanau_backward_matches_finite_differences():
    """Every input's gradient, the attention weights' included, in double precision."""
    from seq2seq_core.bahdanau_loop import bahdanau_loop

    g = torch.Generator().manual_seed(0)
    steps, batch, length, size, enc, attn = 3, 2, 4, 3, 4, 2

    def rand(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float64, requires_grad=True)

    mask = torch.tensor([[True] * 4, [True, True, False, False]])
    args = [rand(steps, batch, 3 * size), rand(batch, size), rand(batch, length, attn),
            rand(batch, length, enc), mask, rand(attn, size), rand(attn), rand(3 * size, enc),
            rand(3 * size, size), rand(3 * size)]
    assert torch.autograd.gradcheck(bahdanau_loop, args, eps=1e-6, atol=1e-6)
    weights = bahdanau_loop(*args)[2]
    assert torch.all(weights[:, 1, 2:] == 0)  # padding gets exactly no weight
    torch.testing.assert_close(weights.sum(-1), torch.ones(steps, batch, dtype=torch.float64))


def test_the_written_out_loop_draws_the_dropout_masks_the_autograd_loop_draws(monkeypatch):
    """Training with dropout, the same seed: the same loss and gradients whether the
    attention decoder's loop is the written-out node or recorded by autograd."""
    model = build_model(ModelConfig(12, 10, emb_dim=6, hidden_dim=8, dropout=0.3), seed=0)
    model.train()
    src, mask, tgt_in, tgt = batch()

    def loss_and_grads():
        torch.manual_seed(5)
        loss = masked_cross_entropy(model(src, mask, tgt_in, 1.0)[0], tgt)
        return [loss, *torch.autograd.grad(loss, list(model.parameters()))]

    written = loss_and_grads()
    with monkeypatch.context() as m:  # the decoder and the encoder take their other paths
        m.setattr(torch, "is_grad_enabled", lambda: False)
        recorded = loss_and_grads()
    for a, b in zip(written, recorded):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=1e-4)
