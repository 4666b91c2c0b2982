"""Beam search (Sutskever 2014, sec. 3.2) with the GNMT length penalty (Wu 2016).

One algorithm serves both uses: ``beam_search_batch`` decodes many sources at once with
their K beams folded into the batch (B*K rows), and records the whole search tree when
asked. The traced single-input search the views show, ``beam_search``, is the same code
with one source and the tree on, so the two cannot drift apart.

Per source and step, the best 3K extensions of its alive hypotheses are considered: EOS
among the top K finishes a hypothesis, the first K others stay in the beam, the rest are
recorded as pruned. A source stops when K hypotheses have finished or after ``max_len``
output tokens; unfinished beams then count as hypotheses too. Hypotheses are ranked by
score / lp(length).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
from torch import Tensor

from seq2seq_core.config import DecodeConfig
from seq2seq_core.decoder_base import reorder_state
from seq2seq_core.model import Seq2Seq, model_device
from seq2seq_core.search.common import encode_batch, make_hypothesis, next_log_probs, root_node
from seq2seq_core.search.tree import BeamNode, BeamTree, Hypothesis, SearchResult
from seq2seq_core.vocab import BOS_ID, EOS_ID, Vocab

NEG_INF = float("-inf")


@dataclass
class _Beams:
    """The alive rows (B*K) and what each row's prefix has produced so far."""

    scores: Tensor  # (B, K) cumulative log-probs; -inf = dead row
    tokens: Tensor  # (B*K,) last token of each row
    history: Tensor  # (B*K, t) token ids so far
    log_probs: Tensor  # (B*K, t) their natural-log probabilities
    attention: Tensor | None  # (B*K, t, S) attention used for each token, or None
    nodes: list[int] = field(default_factory=list)  # tree node of each row (-1 = none)

    def select(self, rows: Tensor, scores: Tensor, tokens: Tensor, logp: Tensor,
               attn: Tensor | None, nodes: list[int]) -> _Beams:
        """Rows (N,) extended by tokens (N,) with their log-probs (N,) and attention (N, S)."""
        attention = None
        if self.attention is not None and attn is not None:
            attention = torch.cat([self.attention[rows], attn[:, None]], dim=1)  # (N, t+1, S)
        return _Beams(scores, tokens, torch.cat([self.history[rows], tokens[:, None]], 1),
                      torch.cat([self.log_probs[rows], logp[:, None]], 1), attention, nodes)


def _hyp_from_row(beams: _Beams, row: int, extra: tuple[int, float, Tensor | None] | None,
                  score: float, vocab: Vocab, alpha: float, finished: bool,
                  leaf: int) -> Hypothesis:
    ids = beams.history[row].tolist()
    logps = beams.log_probs[row].tolist()
    attn = None if beams.attention is None else beams.attention[row].tolist()
    if extra is not None:  # the finishing EOS, not yet in the row's history
        ids, logps = ids + [extra[0]], logps + [extra[1]]
        if attn is not None and extra[2] is not None:
            attn = attn + [extra[2].tolist()]
    return make_hypothesis(ids, logps, attn, score, vocab, alpha, finished, leaf)


def _record(nodes: list[BeamNode], beams: _Beams, b: int, k: int, top_s, top_b, top_t,
            status: list[str], logp: Tensor, attn: Tensor | None, step: int,
            vocab: Vocab) -> dict[int, int]:
    """Add source b's candidates to the tree; returns candidate index -> node id."""
    rows = [b * k + parent for parent in top_b]  # each candidate's beam row
    # One gather and one copy to Python per step, not one per candidate.
    cand_logp = logp[rows, top_t].tolist()  # (n_cand,)
    cand_attn = None if attn is None else attn[rows].tolist()  # (n_cand, S)
    ids = {}
    for c, st in enumerate(status):
        if st == "":
            continue
        ids[c] = len(nodes)
        nodes.append(BeamNode(len(nodes), beams.nodes[rows[c]], step, top_t[c],
                              vocab.tokens[top_t[c]], cand_logp[c], top_s[c], st, c,
                              None if cand_attn is None else tuple(cand_attn[c])))
    return ids


def _force(beams: _Beams, token: int, logp: Tensor, attn: Tensor | None,
           trees: list[list[BeamNode]], step: int, vocab: Vocab, record_tree: bool) -> _Beams:
    """Extend every row by a forced token (teacher-forced log-prob); record it as "forced"."""
    n_rows, n_src = len(beams.tokens), len(trees)
    k = n_rows // n_src
    tok = torch.full((n_rows,), token, device=logp.device)  # (B*K,)
    tok_logp = logp[:, token]  # (B*K,)
    scores = beams.scores + tok_logp.view(n_src, k)  # (B, K)
    nodes = list(beams.nodes)
    for b in range(n_src if record_tree else 0):
        row = b * k  # the only alive row of each source while forcing
        nodes[row] = len(trees[b])
        trees[b].append(BeamNode(len(trees[b]), beams.nodes[row], step, token,
                                 vocab.tokens[token], tok_logp[row].item(),
                                 scores[b, 0].item(), "forced", 0,
                                 None if attn is None else tuple(attn[row].tolist())))
    return beams.select(torch.arange(n_rows, device=logp.device), scores, tok, tok_logp,
                        attn, nodes)


@dataclass(frozen=True)
class Selection:
    """One step's candidates per source, best first, and what becomes of them.

    Attributes:
        scores: (B, C) cumulative natural-log probability of each candidate, C = min(3K,
            K*(V-2)) (-inf for a candidate that extends a dead beam).
        beams: (B, C) the beam (0..K-1) each candidate extends.
        tokens: (B, C) the token it appends.
        finish: (B, C) True for EOS among the top K: a finished hypothesis.
        keep: (B, C) True for the first K candidates that are not EOS: the new beams.
        order: (B, K) candidate index of each new beam, kept ones first.
        valid: (B, K) False where fewer than K candidates could be kept (dead beam).
    """

    scores: Tensor
    beams: Tensor
    tokens: Tensor
    finish: Tensor
    keep: Tensor
    order: Tensor
    valid: Tensor


def select_candidates(log_probs: Tensor, scores: Tensor) -> Selection:
    """Beam search's choice for one step, on its own (after fairseq's ``BeamSearch.step``).

    Args:
        log_probs: (B, K, V) next-token natural-log probabilities of every beam (PAD and
            BOS at -inf, as ``next_log_probs`` gives them).
        scores: (B, K) cumulative scores of the beams so far; -inf marks a dead beam.

    Returns:
        ``Selection``: the best C = min(3K, K*(V-2)) extensions ranked by cumulative score
        (beam score + token log-prob); EOS among the top K finishes a hypothesis, the
        first K other candidates become the next beams, the rest are pruned.
    """
    n_src, k, vocab_size = log_probs.shape
    total = (scores[:, :, None] + log_probs).view(n_src, k * vocab_size)  # (B, K*V)
    n_cand = min(3 * k, k * (vocab_size - 2))
    top_s, top_i = total.topk(n_cand, dim=1)  # (B, C)
    top_b, top_t = top_i // vocab_size, top_i % vocab_size  # flat i = beam * V + token
    finite = top_s > NEG_INF
    is_eos = top_t == EOS_ID
    rank = torch.arange(n_cand, device=log_probs.device)  # (C,)
    finish = is_eos & (rank < k) & finite  # (B, C)
    keepable = ~is_eos & finite
    keep = keepable & (keepable.long().cumsum(1) <= k)  # (B, C)
    order = torch.where(keep, rank, rank + n_cand).argsort(dim=1)[:, :k]  # (B, K)
    return Selection(top_s, top_b, top_t, finish, keep, order, keep.gather(1, order))


@torch.no_grad()
def beam_search_batch(model: Seq2Seq, sources: Sequence[Sequence[int]], *, cfg: DecodeConfig,
                      tgt_vocab: Vocab, record_tree: bool = False,
                      source_tokens: Sequence[Sequence[str]] | None = None,
                      prefix: Sequence[int] = ()) -> list[SearchResult]:
    """Beam search for B sources at once.

    Args:
        model: a model in eval mode.
        sources: B EOS-terminated source id lists (each (S_b,)).
        cfg: beam_size K (clamped to the producible tokens, V - 2), max_len (output tokens,
            EOS and prefix included), length_penalty alpha, n_best.
        tgt_vocab: to spell output tokens.
        record_tree: keep every kept, pruned and finished node (and attention) per source.
        source_tokens: per source, its token strings (S_b,), kept in the tree for display.
        prefix: target ids forced before searching (Seq2Seq-Vis's prefix intervention);
            their log-probs are teacher-forced and count in every score.

    Returns:
        B SearchResults, in input order, each with up to n_best hypotheses, best first;
        ``tree`` is None unless ``record_tree``.

    Raises:
        ValueError: if the prefix holds EOS before its last token.
    """
    if EOS_ID in list(prefix)[:-1]:
        raise ValueError("a forced prefix can only hold EOS as its last token")
    vocab_size, device = model.cfg.tgt_vocab_size, model_device(model)
    k = min(cfg.beam_size, vocab_size - 2)  # PAD and BOS can never be produced
    n_src = len(sources)
    # 1. Encode once; tile every source K times. Only row 0 of each source starts alive.
    memory, state = encode_batch(model, sources)
    tile = torch.arange(n_src, device=device).repeat_interleave(k)  # (B*K,)
    memory, state = memory.index_select(tile), reorder_state(state, tile)
    scores = torch.full((n_src, k), NEG_INF, device=device)
    scores[:, 0] = 0.0
    s_len = memory.outputs.shape[1]
    beams = _Beams(scores, torch.full((n_src * k,), BOS_ID, device=device),
                   torch.zeros(n_src * k, 0, dtype=torch.long, device=device),
                   torch.zeros(n_src * k, 0, device=device),
                   torch.zeros(n_src * k, 0, s_len, device=device)
                   if model.has_attention and record_tree else None, [0] * (n_src * k))
    trees: list[list[BeamNode]] = [[root_node()] for _ in range(n_src)]
    finished: list[list[Hypothesis]] = [[] for _ in range(n_src)]
    for step in range(1, max(cfg.max_len, len(prefix)) + 1):
        # 2. One decoder step for every row.
        out = model.decoder.step(beams.tokens, state, memory)
        logp = next_log_probs(out.logits)  # (B*K, V)
        if step <= len(prefix):  # 2a. a forced token: every alive row takes it
            beams = _force(beams, prefix[step - 1], logp, out.attention, trees, step,
                           tgt_vocab, record_tree)
            state = out.state
            if prefix[step - 1] == EOS_ID:  # the prefix is a whole output
                for b in range(n_src):
                    row = b * k
                    finished[b].append(_hyp_from_row(
                        beams, row, None, beams.scores[b, 0].item(), tgt_vocab,
                        cfg.length_penalty, True, beams.nodes[row] if record_tree else -1))
                beams.scores[:] = NEG_INF  # nothing left to extend
                break
            continue
        # 3-4. The best 3K extensions per source, classified (see select_candidates).
        sel = select_candidates(logp.view(n_src, k, vocab_size), beams.scores)
        top_s, top_b, top_t = sel.scores, sel.beams, sel.tokens  # (B, n_cand) each
        finish, keep, order, valid = sel.finish, sel.keep, sel.order, sel.valid
        parent = (torch.arange(n_src, device=device)[:, None] * k + top_b.gather(1, order))
        new_tok = top_t.gather(1, order).view(-1)  # (B*K,)
        new_scores = torch.where(valid, top_s.gather(1, order), NEG_INF)  # (B, K)
        rows = parent.view(-1)  # (B*K,)
        new_logp = logp[rows, new_tok]  # (B*K,)
        new_attn = None if out.attention is None else out.attention[rows]  # (B*K, S)
        new_nodes = [-1] * (n_src * k)
        # 5. Record every candidate as a node when tracing, then the finished hypotheses.
        cand_nodes: list[dict[int, int]] = [{} for _ in range(n_src)]
        if record_tree:
            fin, kp, ok = finish.tolist(), keep.tolist(), valid.tolist()
            for b in range(n_src):
                status = ["finished" if fin[b][c] else "kept" if kp[b][c] else
                          "pruned" if v > NEG_INF else "" for c, v in
                          enumerate(top_s[b].tolist())]
                cand_nodes[b] = _record(trees[b], beams, b, k, top_s[b].tolist(),
                                        top_b[b].tolist(), top_t[b].tolist(), status, logp,
                                        out.attention, step, tgt_vocab)
                for j, c in enumerate(order[b].tolist()):
                    if ok[b][j]:
                        new_nodes[b * k + j] = cand_nodes[b][c]
        for b, c in finish.nonzero().tolist():
            row = b * k + int(top_b[b, c])
            eos = (EOS_ID, logp[row, EOS_ID].item(),
                   None if out.attention is None else out.attention[row])
            finished[b].append(_hyp_from_row(beams, row, eos, top_s[b, c].item(), tgt_vocab,
                                             cfg.length_penalty, True,
                                             cand_nodes[b].get(c, -1)))
        # 6. Reorder to the kept rows; a source with K finished hypotheses is done.
        n_finished = torch.tensor([len(f) for f in finished], device=device)  # (B,)
        done = (n_finished >= k) | ~valid.any(dim=1)  # (B,)
        new_scores = new_scores.masked_fill(done[:, None], NEG_INF)  # dead rows
        state = reorder_state(out.state, rows)
        beams = beams.select(rows, new_scores, new_tok, new_logp, new_attn, new_nodes)
        if bool(done.all()):
            break
    # 7. Rank: finished by normalised score; unfinished beams join those still short of K.
    results = []
    for b in range(n_src):
        hyps = list(finished[b])
        if len(hyps) < k:
            for j in range(k):
                row, score = b * k + j, beams.scores[b, j].item()
                if score > NEG_INF:
                    hyps.append(_hyp_from_row(beams, row, None, score, tgt_vocab,
                                              cfg.length_penalty, False,
                                              beams.nodes[row] if record_tree else -1))
        hyps.sort(key=lambda h: h.normalized_score, reverse=True)
        tokens = tuple(source_tokens[b]) if source_tokens else ()
        tree = BeamTree(tokens, k, tuple(trees[b])) if record_tree else None
        results.append(SearchResult("beam", tuple(hyps[: min(cfg.n_best, k)]), tree))
    return results


def beam_search(model: Seq2Seq, source: Sequence[int], *, cfg: DecodeConfig, tgt_vocab: Vocab,
                source_tokens: Sequence[str] = (), prefix: Sequence[int] = ()) -> SearchResult:
    """Traced beam search for one source: ``beam_search_batch`` with B = 1 and the tree on.

    source: EOS-terminated source ids (S,). See ``beam_search_batch`` for the rest.
    """
    return beam_search_batch(model, [source], cfg=cfg, tgt_vocab=tgt_vocab, record_tree=True,
                             source_tokens=[source_tokens], prefix=prefix)[0]


def beam_search_chunks(model: Seq2Seq, sources: Sequence[Sequence[int]], *, cfg: DecodeConfig,
                       tgt_vocab: Vocab, batch_size: int = 100) -> list[SearchResult]:
    """``beam_search_batch`` over many sources, ``batch_size`` at a time (B*K rows each),
    so memory stays bounded; results in input order, without trees."""
    results: list[SearchResult] = []
    for start in range(0, len(sources), batch_size):
        results += beam_search_batch(model, sources[start:start + batch_size], cfg=cfg,
                                     tgt_vocab=tgt_vocab)
    return results
