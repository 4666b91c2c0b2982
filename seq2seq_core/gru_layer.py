"""A GRU (Cho 2014) over a whole padded batch, with its backward pass written out.

``nn.GRU`` on the CPU records every position's small operations for autograd, and over a
packed batch its backward pass fills a zero tensor the size of the whole input for each
position's slice. Training spends most of the encoder's time there. This layer runs the
same equations (PyTorch's gate order r, z, n and its weights, so checkpoints do not
change) as one autograd node:

- forward: the input projection W_ih x + b_ih for all positions in one product, then per
  position one product with W_hh and four element-wise operations;
- backward: the gate derivatives' factors for all positions at once, per position one
  element-wise product and one product with W_hh, and the weight gradients at the end as
  one product over all positions (the same arithmetic ``nn.GRU`` does in S small ones).

It runs on packed rows as ``nn.GRU`` does over ``pack_padded_sequence``: with the batch
sorted longest first, the rows still real at a position are a prefix, and only those are
computed. The rows are gathered, and scattered back, with one index each way (the packing
utilities copy once per position, forward and backward). Tests hold outputs, final states
and every gradient equal to ``nn.GRU`` over packed sequences, in both directions, over
several layers and from a given initial state.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.autograd.function import once_differentiable
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def gru_slopes(rz: Tensor, n: Tensor, gh_n: Tensor, h_prev: Tensor,
               order: tuple[str, ...]) -> Tensor:
    """The GRU's derivatives at every step (Cho 2014, h' = n + z (h - n)): with g = dL/dh',
    dL/d(pre-activation) = g * slope for each pre-activation named in ``order``: "r", "z",
    "n_h" (n through W_hh), "n_x" (n through W_ih) and "h" (the state carried on).

    Args:
        rz: reset and update gates (..., 2H). n: candidate states (..., H).
        gh_n: W_hn h + b_hn (..., H). h_prev: the states the steps started from (..., H).
        order: the five names, in the order the caller's products want them.

    Returns:
        (..., 5, H), the slopes in ``order``.
    """
    size = n.shape[-1]
    r, z = rz[..., :size], rz[..., size:]
    dn = (1 - z) * (1 - n * n)  # tanh'(.) (1 - z)
    slope = {"n_x": dn, "n_h": dn * r, "r": dn * gh_n * r * (1 - r),
             "z": (h_prev - n) * z * (1 - z), "h": z}
    return torch.stack([slope[name] for name in order], dim=-2)


class _GRUSequence(torch.autograd.Function):
    """One layer, one direction over packed rows x (N, In): position t's rows are the
    t-th block of ``x.split(sizes)``, a prefix of the batch sorted longest first."""

    @staticmethod
    def forward(ctx, x: Tensor, h0: Tensor, sizes: list[int], w_ih: Tensor, w_hh: Tensor,
                b_ih: Tensor, b_hh: Tensor, reverse: bool) -> tuple[Tensor, Tensor]:
        size = w_hh.shape[1]  # H
        # tanh(a) = 2 sigmoid(2a) - 1, and sigmoid is far faster than tanh on this CPU
        # build: the candidate's pre-activation is made doubled, its weights' rows doubled
        twice = torch.ones(3 * size, 1, dtype=x.dtype, device=x.device)
        twice[2 * size:] = 2.0
        gi = torch.addmm(b_ih * twice[:, 0], x, (w_ih * twice).T)  # (N, 3H), n part doubled
        w_hh2, b_hh2 = (w_hh * twice).T, b_hh * twice[:, 0]  # (H, 3H), (3H,)
        gh = torch.empty_like(gi)  # W_hh h + b_hh, its n part doubled
        rz = x.new_empty(x.shape[0], 2 * size)  # reset and update gates (N, 2H)
        n = x.new_empty(x.shape[0], size)  # candidate states (N, H)
        h_prev = torch.empty_like(n)  # the state each row's step started from
        out = torch.empty_like(n)  # new states
        # each position's rows of every buffer, as views made once (not sliced per step)
        gi_rz, gi_n, gh_all, gh_rz, gh_n, r, z, rz_t, n_t, prev_t, out_t = (
            t.split(sizes) for t in (gi[:, :2 * size], gi[:, 2 * size:], gh, gh[:, :2 * size],
                                     gh[:, 2 * size:], rz[:, :size], rz[:, size:], rz, n,
                                     h_prev, out))
        h = h0.clone()  # (B, H): every row's latest state
        for t in _order(len(sizes), reverse):
            h_b = h[:sizes[t]]  # (b, H)
            torch.addmm(b_hh2, h_b, w_hh2, out=gh_all[t])
            torch.add(gi_rz[t], gh_rz[t], out=rz_t[t]).sigmoid_()
            cand = torch.addcmul(gi_n[t], r[t], gh_n[t], out=n_t[t])
            cand.sigmoid_().mul_(2).sub_(1)  # tanh of the undoubled pre-activation
            prev_t[t].copy_(h_b)
            torch.addcmul(cand, z[t], h_b - cand, out=out_t[t])  # (1-z) n + z h
            h_b.copy_(out_t[t])
        gh[:, 2 * size:].mul_(0.5)  # W_hn h + b_hn, as the backward pass reads it
        ctx.save_for_backward(x, w_ih, w_hh, h_prev, rz, n, gh)
        ctx.sizes, ctx.reverse = sizes, reverse
        return out, h

    @staticmethod
    @once_differentiable  # its products write into buffers: no second derivative
    def backward(ctx, grad_out: Tensor, grad_last: Tensor):  # type: ignore[override]
        x, w_ih, w_hh, h_prev, rz, n, gh = ctx.saved_tensors
        size, sizes = w_hh.shape[1], ctx.sizes
        factor = gru_slopes(rz, n, gh[:, 2 * size:], h_prev,
                            ("r", "z", "n_h", "n_x", "h"))  # (N, 5, H): r, z, n_h first
        grads = torch.empty_like(factor)
        grad_t, factor_t = grad_out.split(sizes), factor.split(sizes)
        grads_t = grads.view(-1, 5 * size).split(sizes)  # (b, 5H) each
        dh = grad_last.clone()  # (B, H)
        for t in reversed(_order(len(sizes), ctx.reverse)):
            d_b = dh[:sizes[t]]  # (b, H)
            d_b += grad_t[t]
            torch.mul(d_b.unsqueeze(1), factor_t[t], out=grads_t[t].view_as(factor_t[t]))
            g = grads_t[t]
            torch.addmm(g[:, 4 * size:], g[:, :3 * size], w_hh, out=d_b)
        flat = grads.view(-1, 5 * size)  # (N, 5H)
        d_gh = flat[:, :3 * size]  # (N, 3H)
        d_rz, d_n = flat[:, :2 * size], flat[:, 3 * size:4 * size]  # (N, 2H), (N, H)
        d_x = torch.addmm(d_n @ w_ih[2 * size:], d_rz, w_ih[:2 * size])  # (N, In)
        d_w_ih = torch.cat([d_rz.T @ x, d_n.T @ x])  # (3H, In)
        d_b_ih = torch.cat([d_rz.sum(0), d_n.sum(0)])
        return (d_x, dh, None, d_w_ih, d_gh.T @ h_prev, d_b_ih, d_gh.sum(0), None)


def _order(length: int, reverse: bool) -> list[int]:
    """The positions in processing order."""
    return list(range(length - 1, -1, -1) if reverse else range(length))


def _packing(mask: Tensor) -> tuple[Tensor, list[int], Tensor]:
    """What ``pack_padded_sequence`` does, as one index: mask (B, S) -> the flat (B*S)
    position of each packed row (N,), time-major with the batch sorted longest first;
    the rows at each position (S,); and the sorted batch order (B,)."""
    lengths = mask.sum(dim=1)  # (B,)
    sorted_lengths, order = lengths.sort(descending=True, stable=True)
    steps = torch.arange(mask.shape[1], device=mask.device)  # (S,)
    real = steps[:, None] < sorted_lengths[None, :]  # (S, B), sorted rows
    flat = order[None, :] * mask.shape[1] + steps[:, None]  # (S, B): b * S + t
    return flat[real], real.sum(dim=1).tolist(), order


def run_module(rnn: nn.RNNBase, x: Tensor, mask: Tensor | None,
               hx: Tensor | tuple[Tensor, Tensor] | None = None,
               ) -> tuple[Tensor, Tensor | tuple[Tensor, Tensor]]:
    """The fused module over a padded batch: x (B, S, In), mask (B, S) bool (True at real
    positions, a prefix of each row) or None when nothing is padded, and the initial
    state as the module takes it. Returns outputs (B, S, D*H), zero at padding, and the
    final state as the module returns it (after each row's last real position)."""
    if mask is None or bool(mask.all()):
        return rnn(x, hx)
    packed = pack_padded_sequence(x, mask.sum(dim=1).cpu(), batch_first=True,
                                  enforce_sorted=False)
    out, final = rnn(packed, hx)
    outputs, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
    return outputs, final  # (B, S, D*H)


def run_gru(rnn: nn.GRU, x: Tensor, mask: Tensor | None,
            h0: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """What ``rnn`` computes over ``pack_padded_sequence(x, lengths)`` (or over x itself
    when ``mask`` is None): on the CPU with gradients on (training), layer by layer with
    this module's GRU; otherwise by the module itself (without gradients its C++ loop is
    faster and there is no backward pass to save; on CUDA, cuDNN's fused kernels).

    Args:
        rnn: a batch-first ``nn.GRU`` with biases (its weights and dropout are used; it is
            not called on this path).
        x: inputs (B, S, In).
        mask: (B, S) bool, True at real positions, a prefix of each row (every row at
            least one); None when nothing is padded.
        h0: initial states (L*D, B, H), or None for zeros.

    Returns:
        outputs (B, S, D*H), zero at padding, and final states (L*D, B, H) in
        ``nn.GRU``'s order (layer 0 forward, layer 0 backward, layer 1 ...).

    Raises:
        ValueError: a module that is not batch-first or has no biases, or a row of the
            mask with no real position. Second derivatives are not supported.
    """
    if not (rnn.batch_first and rnn.bias):
        raise ValueError("run_gru needs an nn.GRU built with batch_first=True and bias=True")
    if mask is not None and not bool(mask[:, 0].all()):
        raise ValueError("every row of the mask needs at least one real position (a "
                         "prefix of True)")
    if not torch.is_grad_enabled() or x.is_cuda:
        return run_module(rnn, x, mask, h0)  # type: ignore[return-value]
    directions = 2 if rnn.bidirectional else 1
    batch, length = x.shape[:2]
    if h0 is None:
        h0 = x.new_zeros(rnn.num_layers * directions, batch, rnn.hidden_size)
    index = order = None
    if mask is None or bool(mask.all()):
        layer_in = x.transpose(0, 1).reshape(length * batch, -1)  # (S*B, In), time-major
        sizes = [batch] * length
    else:
        index, sizes, order = _packing(mask)
        layer_in = x.reshape(batch * length, -1).index_select(0, index)  # (N, In)
        h0 = h0.index_select(1, order)  # rows in the packed order
    finals = []
    for layer in range(rnn.num_layers):
        if layer and rnn.dropout and rnn.training:
            layer_in = nn.functional.dropout(layer_in, rnn.dropout, True)
        outs = []
        for d in range(directions):
            suffix = f"_l{layer}" + ("_reverse" if d else "")
            weights = [getattr(rnn, f"{name}{suffix}")
                       for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
            out, last = _GRUSequence.apply(layer_in, h0[layer * directions + d], sizes,
                                           *weights, bool(d))
            outs.append(out)
            finals.append(last)
        layer_in = outs[0] if directions == 1 else torch.cat(outs, dim=-1)  # (N, D*H)
    hidden = torch.stack(finals)  # (L*D, B, H)
    if index is None:
        # (B, S, D*H), contiguous as the module's: dropout after it draws the same masks
        return layer_in.view(length, batch, -1).transpose(0, 1).contiguous(), hidden
    outputs = layer_in.new_zeros(batch * length, layer_in.shape[1])  # zero at padding
    outputs = outputs.index_copy(0, index, layer_in).view(batch, length, -1)  # (B, S, D*H)
    return outputs, hidden.index_select(1, torch.argsort(order))
