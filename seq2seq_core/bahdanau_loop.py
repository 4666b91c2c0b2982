"""The attention decoder's teacher-forced loop (Bahdanau, Cho & Bengio 2015) as one
autograd node, its backward pass written out, for a one-layer GRU with the additive score.

Each position's context needs the state before it, so training runs the decoder one
position at a time. Recorded by autograd, every position leaves about thirty small
nodes, and its backward pass computes each weight's gradient once per position. Here the
forward pass runs the same equations as ``AttentionDecoder.features`` (the additive
score in its sigmoid form, ``attention.AdditiveAttention.forward``; the GRU of
``cells.gru_gates``), keeping what the backward pass reads; the backward pass walks the
positions in reverse with the products that carry the gradient to the previous state,
the context and the attention weights, and computes the gradients of W_hh, W_c (the
context's share of W_ih) and W_q once over all positions. It keeps every position's
(B, S, A) sigmoid for the backward pass, so the decoder uses it only with gradients on;
second derivatives are not supported. A test holds losses and every gradient equal to
the step-by-step path (tests/core/test_training_step.py).

Notation: T target positions, B batch, S source positions, H decoder state, He encoder
output size, A attention size; G = 3H, the GRU's gates r, z, n in PyTorch's order.
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

from seq2seq_core.gru_layer import gru_slopes


class _BahdanauLoop(torch.autograd.Function):
    @staticmethod
    def forward(ctx, gi_emb: Tensor, h0: Tensor, keys: Tensor, values: Tensor,
                mask: Tensor, w_q2: Tensor, v2: Tensor, w_ctx: Tensor, w_hh: Tensor,
                b_hh: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        steps, batch, _ = gi_emb.shape
        size, (_, length, attn) = w_hh.shape[1], keys.shape  # H; S, A
        states = h0.new_empty(steps + 1, batch, size)  # states[t] = s_{t-1}, the query
        states[0] = h0
        sig = keys.new_empty(steps, batch, length, attn)  # sigmoid(2 (W_k h + W_q s))
        weights = keys.new_empty(steps, batch, length)  # attention weights
        contexts = values.new_empty(steps, batch, values.shape[2])  # c_t
        gh = gi_emb.new_empty(steps, batch, 3 * size)  # W_hh s + b_hh
        rz = gi_emb.new_empty(steps, batch, 2 * size)  # reset and update gates
        n = gi_emb.new_empty(steps, batch, size)  # candidate states
        padding = ~mask  # (B, S)
        v_col = v2.view(attn, 1)  # (A, 1)
        for t in range(steps):
            h = states[t]  # (B, H)
            q = h @ w_q2.T  # (B, A)
            e = torch.add(keys, q.unsqueeze(1), out=sig[t]).sigmoid_()  # (B, S, A)
            scores = (e.view(batch * length, attn) @ v_col).view(batch, length)  # (B, S)
            w = torch.softmax(scores.masked_fill_(padding, float("-inf")), dim=-1)
            weights[t] = w
            c = torch.bmm(w.unsqueeze(1), values).squeeze(1)  # (B, He)
            contexts[t] = c
            gi = torch.addmm(gi_emb[t], c, w_ctx.T)  # (B, G)
            torch.addmm(b_hh, h, w_hh.T, out=gh[t])
            torch.add(gi[:, :2 * size], gh[t, :, :2 * size], out=rz[t]).sigmoid_()
            torch.addcmul(gi[:, 2 * size:], rz[t, :, :size], gh[t, :, 2 * size:],
                          out=n[t]).tanh_()
            torch.addcmul(n[t], rz[t, :, size:], h - n[t], out=states[t + 1])
        ctx.save_for_backward(values, w_q2, v2, w_ctx, w_hh, states, sig, weights, contexts,
                              gh, rz, n)
        return states[1:], contexts, weights

    @staticmethod
    @once_differentiable  # its products write into buffers: no second derivative
    def backward(ctx, grad_states: Tensor, grad_contexts: Tensor,  # type: ignore[override]
                 grad_weights: Tensor):
        (values, w_q2, v2, w_ctx, w_hh, states, sig, weights, contexts, gh, rz,
         n) = ctx.saved_tensors
        steps, batch, length, attn = sig.shape
        size = w_hh.shape[1]
        # The GRU's slopes (gru_layer.gru_slopes), n through W_hh first: the next three are
        # the input side's r, z, n, one (B, 3H) block for the context's product
        factor = gru_slopes(rz, n, gh[:, :, 2 * size:], states[:-1],
                            ("n_h", "r", "z", "n_x", "h"))  # (T, B, 5, H)
        grads = torch.empty_like(factor)
        d_q = sig.new_empty(steps, batch, attn)
        d_contexts = torch.empty_like(contexts)
        d_keys = torch.zeros_like(sig[0])  # (B, S, A)
        d_v2 = torch.zeros_like(v2)  # (A,)
        dh = torch.zeros_like(states[0])  # (B, H)
        values_t = values.transpose(1, 2)  # (B, He, S): bmm is 8x faster this way round
        v2_bsa, scratch = v2.expand(batch, length, attn), torch.empty_like(sig[0])
        for t in range(steps - 1, -1, -1):
            dh = dh + grad_states[t]
            g = torch.mul(dh.unsqueeze(1), factor[t], out=grads[t]).view(batch, 5 * size)
            d_prev = torch.addmm(g[:, 4 * size:], g[:, size:3 * size], w_hh[:2 * size])
            d_prev.addmm_(g[:, :size], w_hh[2 * size:])  # (B, H)
            # the context c_t = weights @ values enters the gates through W_c
            dc = torch.addmm(grad_contexts[t], g[:, size:4 * size], w_ctx,
                             out=d_contexts[t])  # (B, He)
            dw = torch.bmm(dc.unsqueeze(1), values_t).squeeze(1) + grad_weights[t]  # (B, S)
            w = weights[t]
            ds = w * (dw - (dw * w).sum(-1, keepdim=True))  # (B, S): softmax's backward
            # scores = sigmoid(keys + 2 W_q s) v2
            # d(pre-activation) = ds v2 sigmoid'(.): its factor v2 sigmoid'(.) once per
            # position, then d_keys and d_q from it and ds without a (B, S, A) product
            e = sig[t]
            slope = torch.ops.aten.sigmoid_backward.grad_input(v2_bsa, e, grad_input=scratch)
            d_keys.addcmul_(ds.unsqueeze(2), slope)
            torch.bmm(ds.unsqueeze(1), slope, out=d_q[t].unsqueeze(1))  # (B, 1, A)
            d_v2.addmv_(e.view(-1, attn).T, ds.view(-1))
            dh = d_prev.addmm_(d_q[t], w_q2)  # (B, H)
        flat = grads.view(steps * batch, 5 * size)  # (T*B, 5H)
        d_rz, d_ghn = flat[:, size:3 * size], flat[:, :size]  # (T*B, 2H), (T*B, H)
        d_gi = flat[:, size:4 * size]  # (T*B, G): the input side's r, z, n
        prev = states[:-1].reshape(steps * batch, size)  # (T*B, H)
        d_w_hh = torch.cat([d_rz.T @ prev, d_ghn.T @ prev])  # (G, H)
        d_b_hh = torch.cat([d_rz.sum(0), d_ghn.sum(0)])
        d_w_ctx = d_gi.T @ contexts.view(steps * batch, -1)  # (G, He)
        d_w_q2 = d_q.view(steps * batch, attn).T @ prev  # (A, H)
        d_values = torch.bmm(weights.permute(1, 2, 0), d_contexts.transpose(0, 1))  # (B, S, He)
        d_gi = d_gi.view(steps, batch, 3 * size)  # (T, B, G)
        return (d_gi, dh, d_keys, d_values, None, d_w_q2, d_v2, d_w_ctx, d_w_hh, d_b_hh)


def bahdanau_loop(gi_emb: Tensor, h0: Tensor, keys: Tensor, values: Tensor, mask: Tensor,
                  w_q2: Tensor, v2: Tensor, w_ctx: Tensor, w_hh: Tensor,
                  b_hh: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Run the decoder over all T positions under full teacher forcing.

    Args:
        gi_emb: the embeddings' share of the GRU's input projection, W_e y + b_ih,
            time-major (T, B, G).
        h0: initial decoder state (B, H).
        keys: ``AdditiveAttention.prepare_keys``' 2 (W_k h_j + b), (B, S, A).
        values: encoder outputs (B, S, He). mask: (B, S) bool, True at real tokens.
        w_q2: 2 W_q (A, H). v2: 2 v (A,). w_ctx: the context's share of W_ih (G, He).
        w_hh, b_hh: the GRU's recurrent weights (G, H) and bias (G,).

    Returns:
        states s_1..s_T (T, B, H), contexts c_1..c_T (T, B, He) and attention weights
        (T, B, S), each row summing to 1 with exactly 0 at padding.
    """
    return _BahdanauLoop.apply(gi_emb, h0, keys, values, mask, w_q2, v2, w_ctx, w_hh, b_hh)
