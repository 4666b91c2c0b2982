"""Attention scores: additive (Bahdanau 2015) and Luong 2015's ``dot`` and ``general``.

Each module turns a decoder query and the encoder's outputs into attention weights
(a distribution over source positions) and the context vector they average. Keys that
depend only on the source are computed once per input by ``prepare_keys`` and carried
in the decoder's memory, never stored on the module.

``SCORES`` is the table of scores (name -> class, each built as ``cls(query_dim,
key_dim)``); the config's validation, the CLI's choices and the app's options read it,
so adding a score is one class and one entry.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def masked_softmax(scores: Tensor, mask: Tensor) -> Tensor:
    """Softmax over the last axis with masked positions set to exactly 0.

    scores (B, S) or (B, T, S), mask (B, S) bool with True = real token -> weights of
    the scores' shape.
    """
    if scores.dim() == 3:
        mask = mask.unsqueeze(1)  # (B, 1, S): the same source for every query
    scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1)


def _weigh(scores: Tensor, mask: Tensor, values: Tensor, one: bool) -> tuple[Tensor, Tensor]:
    """Scores (B, T, S) -> context (B, T, He) and weights (B, T, S); T squeezed if ``one``."""
    weights = masked_softmax(scores, mask)  # (B, T, S)
    context = torch.bmm(weights, values)  # (B, T, He)
    return (context.squeeze(1), weights.squeeze(1)) if one else (context, weights)


class AdditiveAttention(nn.Module):
    """score(s, h_j) = v^T tanh(W_q s + W_k h_j)  (Bahdanau, Cho & Bengio 2015, eq. 6)."""

    label = "additive (Bahdanau 2015)"
    needs_query_sized_keys = False
    # T queries at once are scored in blocks of positions of at most this many numbers of
    # (B, T', S, A): one tensor for every position outgrows the CPU's cache, and its passes
    # then wait on memory (measured on `dates`: a Luong training step 50 ms at once, 40 ms
    # in blocks of one position).
    query_block = 1 << 18

    def __init__(self, query_dim: int, key_dim: int, attn_dim: int | None = None) -> None:
        super().__init__()
        attn_dim = attn_dim or query_dim  # A = H unless asked otherwise
        self.query_proj = nn.Linear(query_dim, attn_dim, bias=False)
        self.key_proj = nn.Linear(key_dim, attn_dim, bias=True)
        self.v = nn.Linear(attn_dim, 1, bias=False)

    def prepare_keys(self, outputs: Tensor) -> Tensor:
        """2 (W_k h_j + b) for every source position: outputs (B, S, He) -> keys (B, S, A).

        The factor 2 belongs to the identity ``forward`` scores with; carried in the keys,
        it costs one pass per source instead of one per decoder step.
        """
        return F.linear(outputs, 2.0 * self.key_proj.weight, 2.0 * self.key_proj.bias)

    def forward(self, query: Tensor, keys: Tensor, values: Tensor,
                mask: Tensor) -> tuple[Tensor, Tensor]:
        """Attend.

        v^T tanh(x) = 2 v^T sigmoid(2x) - sum(v), and the last term is the same at every
        source position, so softmax ignores it: the scores are 2 v^T sigmoid(2x), with
        each factor 2 folded into a small weight (or the keys) rather than applied to
        the (B, T, S, A) tensor, whose passes are most of attention's cost (sigmoid is
        also far faster than tanh on this CPU build). Weights and gradients equal the
        tanh formula's to float tolerance (tests/core/test_attention.py,
        test_training_step.py).

        Args:
            query: decoder state, (B, H) for one step, or (B, T, H) for T steps at once.
            keys: from ``prepare_keys``, (B, S, A).
            values: encoder outputs, (B, S, He).
            mask: (B, S) bool, True = real token.

        Returns:
            context (B, He) and attention weights (B, S), each row summing to 1 with
            exactly 0 at masked positions; (B, T, He) and (B, T, S) for T queries.
        """
        one = query.dim() == 2
        q = F.linear(query.unsqueeze(1) if one else query,
                     2.0 * self.query_proj.weight)  # (B, T, A): 2 W_q s
        v2 = 2.0 * self.v.weight  # (1, A)
        block = max(1, self.query_block // keys.numel())  # positions per (B, T', S, A)
        parts = [F.linear(self._sigmoid_2x(keys, part), v2).squeeze(-1)  # (B, T', S)
                 for part in (q.split(block, dim=1) if q.shape[1] > block else (q,))]
        scores = parts[0] if len(parts) == 1 else torch.cat(parts, dim=1)  # (B, T, S)
        return _weigh(scores, mask, values, one)

    @staticmethod
    def _sigmoid_2x(keys: Tensor, q: Tensor) -> Tensor:
        """sigmoid(2x) for keys (B, S, A) and queries q (B, T', A), both already doubled:
        (B, T', S, A). In place on the fresh sum: autograd's add keeps no inputs, and
        sigmoid's backward reads its result."""
        return (keys.unsqueeze(1) + q.unsqueeze(2)).sigmoid_()


class LuongAttention(nn.Module):
    """Multiplicative scores (Luong, Pham & Manning 2015, eq. 8).

    ``dot``: score(s, h_j) = s^T h_j (needs He == H);
    ``general``: score(s, h_j) = s^T W_a h_j.
    """

    label = "Luong 2015"
    needs_query_sized_keys = False

    def __init__(self, query_dim: int, key_dim: int, score: str) -> None:
        super().__init__()
        if score not in ("dot", "general"):
            raise ValueError(f"Luong score must be 'dot' or 'general'; got {score!r}")
        if score == "dot" and query_dim != key_dim:
            raise ValueError(f"dot score needs equal sizes; query {query_dim}, key {key_dim}")
        self.score = score
        self.key_proj = nn.Linear(key_dim, query_dim, bias=False) if score == "general" else None

    def prepare_keys(self, outputs: Tensor) -> Tensor:
        """W_a h_j (general) or h_j (dot): outputs (B, S, He) -> keys (B, S, H)."""
        return outputs if self.key_proj is None else self.key_proj(outputs)

    def forward(self, query: Tensor, keys: Tensor, values: Tensor,
                mask: Tensor) -> tuple[Tensor, Tensor]:
        """Same contract as ``AdditiveAttention.forward``; keys are (B, S, H)."""
        one = query.dim() == 2
        q = query.unsqueeze(1) if one else query  # (B, T, H)
        scores = torch.bmm(q, keys.transpose(1, 2))  # (B, T, S)
        return _weigh(scores, mask, values, one)


class DotAttention(LuongAttention):
    """score(s, h_j) = s^T h_j (Luong 2015, eq. 8, "dot"): needs He == H."""

    label = "dot (Luong 2015)"
    needs_query_sized_keys = True

    def __init__(self, query_dim: int, key_dim: int) -> None:
        super().__init__(query_dim, key_dim, "dot")


class GeneralAttention(LuongAttention):
    """score(s, h_j) = s^T W_a h_j (Luong 2015, eq. 8, "general")."""

    label = "general (Luong 2015)"

    def __init__(self, query_dim: int, key_dim: int) -> None:
        super().__init__(query_dim, key_dim, "general")


SCORES: dict[str, type[AdditiveAttention] | type[LuongAttention]] = {
    "additive": AdditiveAttention, "dot": DotAttention, "general": GeneralAttention}
