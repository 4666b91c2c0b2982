"""Greedy and beam search for one source, returning the whole search tree as data.

Both searches read next-token distributions through ``next_log_probs`` (PAD and BOS
can never be produced), so a hypothesis' score equals the teacher-forced sum that
``sequence_log_probs`` computes for the same tokens.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from seq2seq_core.config import DecodeConfig
from seq2seq_core.decoders import reorder_state
from seq2seq_core.model import Seq2Seq
from seq2seq_core.tree import BeamNode, BeamTree, Hypothesis, SearchResult, length_penalty
from seq2seq_core.vocab import BOS, BOS_ID, EOS_ID, PAD_ID, Vocab


def next_log_probs(logits: Tensor) -> Tensor:
    """Natural-log next-token distribution with PAD and BOS ruled out: (N, V) -> (N, V)."""
    logits = logits.clone()
    logits[:, [PAD_ID, BOS_ID]] = float("-inf")
    return torch.log_softmax(logits, dim=-1)


def _device(model: Seq2Seq) -> torch.device:
    try:
        return next(model.parameters()).device
    except (AttributeError, StopIteration):  # parameter-free test doubles
        return torch.device("cpu")


def _encode_one(model: Seq2Seq, source: Sequence[int]):
    src = torch.tensor([list(source)], dtype=torch.long, device=_device(model))  # (1, S)
    return model.encode(src, torch.ones_like(src, dtype=torch.bool))


@torch.no_grad()
def sequence_log_probs(model: Seq2Seq, source: Sequence[int],
                       target: Sequence[int]) -> list[float]:
    """Teacher-forced natural-log probability of each target token (EOS included if given).

    source: EOS-terminated source ids (S,); target: output ids (T,), without BOS.
    """
    memory, state = _encode_one(model, source)
    device = _device(model)
    token = torch.tensor([BOS_ID], device=device)
    out = []
    for tok in target:
        step = model.decoder.step(token, state, memory)
        state = step.state
        out.append(next_log_probs(step.logits)[0, tok].item())
        token = torch.tensor([tok], device=device)
    return out


def _root() -> BeamNode:
    return BeamNode(0, None, 0, BOS_ID, BOS, 0.0, 0.0, "root", 0, None)


def _hypothesis(tree_nodes: list[BeamNode], leaf: int, vocab: Vocab, alpha: float,
                finished: bool) -> Hypothesis:
    path = BeamTree((), 0, tuple(tree_nodes)).path(leaf)[1:]
    ids = tuple(n.token_id for n in path)
    score = path[-1].score if path else 0.0
    attention = None if not path or path[0].attention is None else tuple(
        n.attention for n in path)
    return Hypothesis(
        tokens=tuple(n.token for n in path), token_ids=ids,
        log_probs=tuple(n.log_prob for n in path), text=vocab.decode(ids),
        score=score, normalized_score=score / length_penalty(len(ids), alpha),
        finished=finished, leaf_id=leaf, attention=attention)


@torch.no_grad()
def greedy_search(model: Seq2Seq, source: Sequence[int], *, max_len: int, tgt_vocab: Vocab,
                  source_tokens: Sequence[str] = ()) -> SearchResult:
    """Pick the most probable token at every step until EOS or ``max_len`` tokens.

    Args:
        model: a model in eval mode.
        source: EOS-terminated source ids (S,).
        max_len: most output tokens, EOS included.
        tgt_vocab: to spell the output tokens.
        source_tokens: source token strings (S,), kept in the tree for display.

    Returns:
        SearchResult with one hypothesis and a one-path tree (beam_size 1).
    """
    memory, state = _encode_one(model, source)
    nodes = [_root()]
    token, score = torch.tensor([BOS_ID], device=_device(model)), 0.0
    for step in range(1, max_len + 1):
        out = model.decoder.step(token, state, memory)
        state = out.state
        log_prob, token = next_log_probs(out.logits).max(dim=-1)  # (1,), (1,)
        score += log_prob.item()
        tok = token.item()
        attn = None if out.attention is None else tuple(out.attention[0].tolist())
        status = "finished" if tok == EOS_ID else "kept"
        nodes.append(BeamNode(len(nodes), nodes[-1].id, step, tok, tgt_vocab.tokens[tok],
                              log_prob.item(), score, status, 0, attn))
        if tok == EOS_ID:
            break
    hyp = _hypothesis(nodes, len(nodes) - 1, tgt_vocab, 0.0, nodes[-1].status == "finished")
    return SearchResult("greedy", (hyp,), BeamTree(tuple(source_tokens), 1, tuple(nodes)))


@torch.no_grad()
def beam_search(model: Seq2Seq, source: Sequence[int], *, cfg: DecodeConfig,
                tgt_vocab: Vocab, source_tokens: Sequence[str] = ()) -> SearchResult:
    """Beam search (Sutskever 2014, sec. 3.2) with the GNMT length penalty (Wu 2016).

    The K alive hypotheses are the batch. At each step the best 3K extensions of all
    of them are considered: EOS among the top K finishes a hypothesis, the first K
    others stay in the beam, the rest are recorded as pruned. The search stops when K
    hypotheses have finished or after ``cfg.max_len`` tokens; unfinished beams then
    count as hypotheses too. Finished hypotheses are ranked by score / lp(length).

    Args:
        model: a model in eval mode.
        source: EOS-terminated source ids (S,).
        cfg: beam_size K (clamped to the number of producible tokens), max_len,
            length_penalty alpha and n_best.
        tgt_vocab: to spell output tokens.
        source_tokens: source token strings (S,), kept in the tree for display.

    Returns:
        SearchResult with up to ``n_best`` hypotheses, best first, and the full tree.
    """
    vocab_size = model.cfg.tgt_vocab_size
    k = min(cfg.beam_size, vocab_size - 2)  # PAD and BOS can never be produced
    # 1. Encode once; the beam starts as the root alone.
    device = _device(model)
    memory, state = _encode_one(model, source)
    nodes = [_root()]
    alive = [0]
    scores = torch.zeros(1, device=device)  # (k_alive,) cumulative log-probs
    tokens = torch.tensor([BOS_ID], device=device)  # (k_alive,)
    finished: list[int] = []
    for step in range(1, cfg.max_len + 1):
        # 2. One decoder step for every alive hypothesis; the source is tiled to match.
        beam_memory = memory.index_select(torch.zeros(len(alive), dtype=torch.long,
                                                      device=device))
        out = model.decoder.step(tokens, state, beam_memory)
        logp = next_log_probs(out.logits)  # (k_alive, V)
        total = scores[:, None] + logp  # (k_alive, V)
        # 3. The best 3K extensions over all beams: flat index i is beam i // V, token i % V.
        n_cand = min(3 * k, len(alive) * (vocab_size - 2))
        top_scores, top_idx = total.view(-1).topk(n_cand)  # (n_cand,)
        beam_idx, token_idx = top_idx // vocab_size, top_idx % vocab_size
        attn = None if out.attention is None else out.attention.tolist()  # k_alive x S
        # 4. Record every candidate: EOS in the top K finishes, K others are kept.
        kept: list[tuple[int, int]] = []  # (node id, beam row)
        for rank, (b, t, s) in enumerate(zip(beam_idx.tolist(), token_idx.tolist(),
                                             top_scores.tolist())):
            if s == float("-inf"):  # impossible tokens are not candidates
                break
            if t == EOS_ID and rank < k:
                status = "finished"
            elif t != EOS_ID and len(kept) < k:
                status = "kept"
            else:
                status = "pruned"
            node_id = len(nodes)
            nodes.append(BeamNode(node_id, alive[b], step, t, tgt_vocab.tokens[t],
                                  logp[b, t].item(), s, status, rank,
                                  None if attn is None else tuple(attn[b])))
            if status == "finished":
                finished.append(node_id)
            elif status == "kept":
                kept.append((node_id, b))
        # 5. Stop when K have finished; otherwise reorder the state to the kept rows.
        if len(finished) >= k or step == cfg.max_len or not kept:
            break
        rows = torch.tensor([b for _, b in kept], device=device)  # (K,)
        state = reorder_state(out.state, rows)
        alive = [node_id for node_id, _ in kept]
        scores = torch.tensor([nodes[i].score for i in alive], device=device)  # (K,)
        tokens = torch.tensor([nodes[i].token_id for i in alive], device=device)  # (K,)
    # 6. Rank: finished by normalised score; at max_len the unfinished beams join them.
    hyps = [_hypothesis(nodes, i, tgt_vocab, cfg.length_penalty, True) for i in finished]
    if len(hyps) < k:
        hyps += [_hypothesis(nodes, i, tgt_vocab, cfg.length_penalty, False)
                 for i, _ in kept]
    hyps.sort(key=lambda h: h.normalized_score, reverse=True)
    tree = BeamTree(tuple(source_tokens), k, tuple(nodes))
    return SearchResult("beam", tuple(hyps[: min(cfg.n_best, k)]), tree)


@torch.no_grad()
def greedy_batch(model: Seq2Seq, src: Tensor, src_mask: Tensor,
                 max_len: int) -> list[list[int]]:
    """Greedy decoding of a whole batch at once, for evaluation.

    src (B, S), src_mask (B, S) -> B lists of output ids, each without its EOS. Gives
    the same tokens as ``greedy_search`` on each row.
    """
    memory, state = model.encode(src, src_mask)
    token = torch.full((src.shape[0],), BOS_ID, dtype=torch.long, device=src.device)
    done = torch.zeros(src.shape[0], dtype=torch.bool, device=src.device)
    outputs = []
    for _ in range(max_len):
        out = model.decoder.step(token, state, memory)
        state = out.state
        token = next_log_probs(out.logits).argmax(dim=-1)  # (B,)
        outputs.append(torch.where(done, PAD_ID, token))
        done |= token == EOS_ID
        if bool(done.all()):
            break
    ids = torch.stack(outputs, dim=1).tolist()  # B x T
    return [row[: row.index(EOS_ID)] if EOS_ID in row else row for row in ids]
