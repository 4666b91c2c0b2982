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


def test_additive_no_grad_path_equals_the_formula_and_leaves_its_inputs_alone():
    torch.manual_seed(0)
    attn = AdditiveAttention(6, 5, 7)
    query, outputs = torch.randn(3, 6) * 4, torch.randn(3, 9, 5) * 4  # saturate tanh too
    mask = torch.ones(3, 9, dtype=torch.bool)
    mask[1, 6:] = False
    keys = attn.prepare_keys(outputs)
    with torch.no_grad():
        before = keys.clone()
        context, weights = attn(query, keys, outputs, mask)
        assert torch.equal(keys, before)  # the in-place maths works on a copy
        x = attn.key_proj(outputs) + attn.query_proj(query)[:, None]  # W_k h_j + b + W_q s
        ref = attn.v(torch.tanh(x)).squeeze(2)
        ref = torch.softmax(ref.masked_fill(~mask, float("-inf")), dim=-1)  # eq. 6, 7
    torch.testing.assert_close(weights, ref, atol=1e-6, rtol=0)
    torch.testing.assert_close(context, torch.bmm(ref[:, None], outputs)[:, 0],
                               atol=1e-5, rtol=0)
    grad_context, grad_weights = attn(query, keys, outputs, mask)  # the training path
    torch.testing.assert_close(grad_weights.detach(), ref, atol=1e-6, rtol=0)


def test_additive_scores_t_queries_in_blocks_as_at_once():
    """Queries (B, T, H) are scored in blocks of positions (``query_block``, to stay in
    the cache): one position per block gives what all at once gives, and what each query
    gives alone."""
    torch.manual_seed(0)
    attn = AdditiveAttention(6, 5, 7)
    queries, outputs = torch.randn(3, 4, 6), torch.randn(3, 9, 5)
    mask = torch.ones(3, 9, dtype=torch.bool)
    mask[2, 5:] = False
    keys = attn.prepare_keys(outputs)
    at_once = attn(queries, keys, outputs, mask)
    attn.query_block = keys.numel()  # one position per block
    blocks = attn(queries, keys, outputs, mask)
    alone = [attn(queries[:, t], keys, outputs, mask) for t in range(4)]
    for a, b in zip(at_once, blocks):
        torch.testing.assert_close(a, b)
    torch.testing.assert_close(blocks[1], torch.stack([w for _, w in alone], dim=1))
    torch.testing.assert_close(blocks[0], torch.stack([c for c, _ in alone], dim=1))
