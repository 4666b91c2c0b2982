"""Attention scores against direct formulas; weights sum to 1 with 0 at padding."""

import math

import pytest
import torch

from seq2seq_core.attention import AdditiveAttention, LuongAttention


def _inputs(h_enc=6, h_dec=6):
    gen = torch.Generator().manual_seed(1)
    query = torch.randn(2, h_dec, generator=gen)  # (B, H)
    values = torch.randn(2, 4, h_enc, generator=gen)  # (B, S, He)
    mask = torch.tensor([[True, True, True, True], [True, True, False, False]])
    return query, values, mask


def _softmax_direct(scores, mask_row):
    exps = [math.exp(s) if m else 0.0 for s, m in zip(scores, mask_row)]
    return [e / sum(exps) for e in exps]


def _check(weights, context, values, mask, score_fn):
    for b in range(2):
        scores = [score_fn(b, j) for j in range(4)]
        expected = _softmax_direct(scores, mask[b].tolist())
        assert weights[b].tolist() == pytest.approx(expected, abs=1e-6)
        direct_context = sum(w * values[b, j] for j, w in enumerate(expected))
        torch.testing.assert_close(context[b], direct_context, atol=1e-6, rtol=1e-5)


@torch.no_grad()
def test_additive_matches_bahdanau_formula():
    torch.manual_seed(0)
    attn = AdditiveAttention(query_dim=6, key_dim=5, attn_dim=7)
    query, values, mask = _inputs(h_enc=5)
    context, weights = attn(query, attn.prepare_keys(values), values, mask)
    w_q, w_k, b_k = attn.query_proj.weight, attn.key_proj.weight, attn.key_proj.bias
    v = attn.v.weight[0]

    def score(b, j):  # v^T tanh(W_q s + W_k h_j + b)
        return float(v @ torch.tanh(w_q @ query[b] + w_k @ values[b, j] + b_k))

    _check(weights, context, values, mask, score)


def test_dot_matches_luong_formula():
    attn = LuongAttention(6, 6, "dot")
    query, values, mask = _inputs()
    context, weights = attn(query, attn.prepare_keys(values), values, mask)
    _check(weights, context, values, mask, lambda b, j: float(query[b] @ values[b, j]))


@torch.no_grad()
def test_general_matches_luong_formula():
    torch.manual_seed(0)
    attn = LuongAttention(6, 5, "general")
    query, values, mask = _inputs(h_enc=5)
    context, weights = attn(query, attn.prepare_keys(values), values, mask)
    w_a = attn.key_proj.weight  # (H, He)
    _check(weights, context, values, mask,
           lambda b, j: float(query[b] @ (w_a @ values[b, j])))


@pytest.mark.parametrize("make", [lambda: AdditiveAttention(6, 6, 4),
                                  lambda: LuongAttention(6, 6, "dot"),
                                  lambda: LuongAttention(6, 6, "general")])
def test_rows_sum_to_one_and_padding_gets_exactly_zero(make):
    attn = make()
    query, values, mask = _inputs()
    values = values * 50  # large scores: masking must still give exact zeros
    _, weights = attn(query, attn.prepare_keys(values), values, mask)
    torch.testing.assert_close(weights.sum(dim=1), torch.ones(2))
    assert torch.all(weights[~mask] == 0.0)


def test_dot_refuses_mismatched_sizes():
    with pytest.raises(ValueError, match="equal sizes"):
        LuongAttention(6, 12, "dot")


def test_fast_tanh_matches_tanh_with_and_without_grad():
    from seq2seq_core.attention import fast_tanh
    x = torch.linspace(-12, 12, 2001)
    with torch.no_grad():
        torch.testing.assert_close(fast_tanh(x), torch.tanh(x), atol=3e-7, rtol=0)
    x.requires_grad_(True)
    fast_tanh(x).sum().backward()
    torch.testing.assert_close(x.grad, 1 - torch.tanh(x.detach()) ** 2)
