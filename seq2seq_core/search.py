"""Greedy search and sampling for one source, plus the helpers every search shares.

All searches read next-token distributions through ``next_log_probs`` (PAD and BOS can
never be produced), so a hypothesis' score equals the teacher-forced sum that
``sequence_log_probs`` computes for the same tokens. Beam search lives in ``beam.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from seq2seq_core.data import pad
from seq2seq_core.decoders import DecoderState, Memory
from seq2seq_core.model import Seq2Seq
from seq2seq_core.tree import BeamNode, BeamTree, Hypothesis, SearchResult, length_penalty
from seq2seq_core.vocab import BOS, BOS_ID, EOS_ID, PAD_ID, Vocab


def next_log_probs(logits: Tensor) -> Tensor:
    """Natural-log next-token distribution with PAD and BOS ruled out: (N, V) -> (N, V)."""
    logits = logits.clone()
    logits[:, [PAD_ID, BOS_ID]] = float("-inf")
    return torch.log_softmax(logits, dim=-1)


def model_device(model: Seq2Seq) -> torch.device:
    try:
        return next(model.parameters()).device
    except (AttributeError, StopIteration):  # parameter-free test doubles
        return torch.device("cpu")


def encode_batch(model: Seq2Seq, sources: Sequence[Sequence[int]]) -> tuple[Memory,
                                                                              DecoderState]:
    """Pad B EOS-terminated id lists and encode them: -> memory (B, S, ...), state."""
    src, mask = pad(sources)  # (B, S), (B, S)
    device = model_device(model)
    return model.encode(src.to(device), mask.to(device))


def root_node() -> BeamNode:
    return BeamNode(0, None, 0, BOS_ID, BOS, 0.0, 0.0, "root", 0, None)


def make_hypothesis(ids: Sequence[int], log_probs: Sequence[float],
                    attention: Sequence[Sequence[float]] | None, score: float, vocab: Vocab,
                    alpha: float, finished: bool, leaf: int) -> Hypothesis:
    """A Hypothesis from per-token ids, log-probs and attention rows (T,) / (T, S)."""
    return Hypothesis(
        tokens=tuple(vocab.tokens[i] for i in ids), token_ids=tuple(ids),
        log_probs=tuple(log_probs), text=vocab.decode(ids), score=score,
        normalized_score=score / length_penalty(len(ids), alpha), finished=finished,
        leaf_id=leaf, attention=None if attention is None else tuple(map(tuple, attention)))


@torch.no_grad()
def sequence_log_probs(model: Seq2Seq, source: Sequence[int],
                       target: Sequence[int]) -> list[float]:
    """Teacher-forced natural-log probability of each target token (EOS included if given).

    source: EOS-terminated source ids (S,); target: output ids (T,), without BOS.
    """
    memory, state = encode_batch(model, [source])
    device = model_device(model)
    token = torch.tensor([BOS_ID], device=device)
    out = []
    for tok in target:
        step = model.decoder.step(token, state, memory)
        state = step.state
        out.append(next_log_probs(step.logits)[0, tok].item())
        token = torch.tensor([tok], device=device)
    return out


def _path_result(strategy: str, nodes: list[BeamNode], vocab: Vocab,
                 source_tokens: Sequence[str]) -> SearchResult:
    path = nodes[1:]
    attention = None if not path or path[0].attention is None else [n.attention for n in path]
    hyp = make_hypothesis([n.token_id for n in path], [n.log_prob for n in path], attention,
                          path[-1].score if path else 0.0, vocab, 0.0,
                          bool(path) and path[-1].token_id == EOS_ID, len(nodes) - 1)
    return SearchResult(strategy, (hyp,), BeamTree(tuple(source_tokens), 1, tuple(nodes)))


@torch.no_grad()
def greedy_search(model: Seq2Seq, source: Sequence[int], *, max_len: int, tgt_vocab: Vocab,
                  source_tokens: Sequence[str] = (), prefix: Sequence[int] = (),
                  temperature: float = 0.0, top_k: int = 0,
                  generator: torch.Generator | None = None) -> SearchResult:
    """Pick the most probable token at every step until EOS or ``max_len`` tokens.

    With ``temperature > 0`` the token is sampled instead, from the distribution
    softmax(logits / temperature) restricted to the ``top_k`` most probable tokens (0 =
    all); reported log-probs stay the model's own (temperature 1), so scores compare.

    Args:
        model: a model in eval mode.
        source: EOS-terminated source ids (S,).
        max_len: most output tokens, EOS and prefix included.
        tgt_vocab: to spell the output tokens.
        source_tokens: source token strings (S,), kept in the tree for display.
        prefix: target ids forced first (teacher-forced), then the search continues.
        temperature, top_k, generator: sampling settings (see above).

    Returns:
        SearchResult with one hypothesis and a one-path tree (beam_size 1).
    """
    memory, state = encode_batch(model, [source])
    nodes = [root_node()]
    token, score = torch.tensor([BOS_ID], device=model_device(model)), 0.0
    for step in range(1, max(max_len, len(prefix)) + 1):
        out = model.decoder.step(token, state, memory)
        state = out.state
        logp = next_log_probs(out.logits)  # (1, V)
        if step <= len(prefix):
            token = torch.tensor([prefix[step - 1]], device=logp.device)
        elif temperature > 0:
            token = _sample(out.logits, temperature, top_k, generator)
        else:
            token = logp.argmax(dim=-1)  # (1,)
        tok = int(token)
        score += logp[0, tok].item()
        status = ("forced" if step <= len(prefix) else "finished" if tok == EOS_ID
                  else "kept")
        nodes.append(BeamNode(len(nodes), nodes[-1].id, step, tok, tgt_vocab.tokens[tok],
                              logp[0, tok].item(), score, status, 0,
                              None if out.attention is None else tuple(out.attention[0].tolist())))
        if tok == EOS_ID:
            break
    return _path_result("sample" if temperature > 0 else "greedy", nodes, tgt_vocab,
                        source_tokens)


def _sample(logits: Tensor, temperature: float, top_k: int,
            generator: torch.Generator | None) -> Tensor:
    """One token id (1,) from softmax(logits / temperature) over the top_k tokens."""
    scaled = next_log_probs(logits / temperature)  # (1, V)
    if 0 < top_k < scaled.shape[-1]:
        cutoff = scaled.topk(top_k, dim=-1).values[:, -1:]  # (1, 1)
        scaled = scaled.masked_fill(scaled < cutoff, float("-inf"))
    probs = scaled.softmax(dim=-1).cpu()
    return torch.multinomial(probs, 1, generator=generator)[:, 0].to(logits.device)


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
