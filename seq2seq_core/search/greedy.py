"""Greedy search and sampling: one decoding loop for a batch, with optional recording.

``decode_steps`` is the only place where a decoder is run one token at a time outside
beam search: it chooses each next token by argmax (greedy, Sutskever 2014 sec. 3.2 with
K = 1), by sampling, or takes it from a forced prefix or a whole forced target (teacher
forcing). ``greedy_search`` and ``sample_search`` (one source, with its one-path tree),
``greedy_batch`` (evaluation) and ``inside.trace`` (which records every state through
``on_step``) all call it, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from seq2seq_core.decoder_base import DecoderState, Memory, StepOutput
from seq2seq_core.model import Seq2Seq, model_device
from seq2seq_core.search.common import encode_batch, make_hypothesis, next_log_probs, root_node
from seq2seq_core.search.tree import BeamNode, BeamTree, SearchResult
from seq2seq_core.vocab import BOS_ID, EOS_ID, Vocab

# Picks the next token of every row from the step's raw logits (B, V) -> ids (B,).
Chooser = Callable[[Tensor], Tensor]


@dataclass(frozen=True)
class Steps:
    """What ``decode_steps`` produced for a batch.

    Attributes:
        ids: (B, T) chosen (or forced) token ids; rows go on after their EOS until every
            row has finished, so cut each row at its first EOS.
        log_probs: (B, T) natural-log probability of each of those tokens.
        attention: (B, T, S) attention weights of each step, or None (fixed context).
    """

    ids: Tensor
    log_probs: Tensor
    attention: Tensor | None

    def row(self, b: int) -> list[int]:
        """Row b's ids up to and including its first EOS."""
        ids = self.ids[b].tolist()
        return ids[: ids.index(EOS_ID) + 1] if EOS_ID in ids else ids


def argmax_chooser(logits: Tensor) -> Tensor:
    """Greedy: the most probable producible token of every row, (B, V) -> (B,)."""
    return next_log_probs(logits).argmax(dim=-1)


def sampling_chooser(temperature: float, top_k: int = 0,
                     generator: torch.Generator | None = None) -> Chooser:
    """Sampling: each row draws from softmax(logits / temperature) over its ``top_k`` most
    probable tokens (0 = all); PAD and BOS are never drawn.

    Raises:
        ValueError: for a temperature that is not positive.
    """
    if temperature <= 0:
        raise ValueError(f"sampling needs a temperature above 0; got {temperature}")

    def choose(logits: Tensor) -> Tensor:
        scaled = next_log_probs(logits / temperature)  # (B, V)
        if 0 < top_k < scaled.shape[-1]:
            cutoff = scaled.topk(top_k, dim=-1).values[:, -1:]  # (B, 1)
            scaled = scaled.masked_fill(scaled < cutoff, float("-inf"))
        probs = scaled.softmax(dim=-1).cpu()  # (B, V)
        return torch.multinomial(probs, 1, generator=generator)[:, 0].to(logits.device)

    return choose


@torch.no_grad()
def decode_steps(model: Seq2Seq, memory: Memory, state: DecoderState, *, max_len: int,
                 forced: Tensor | None = None, choose: Chooser = argmax_chooser,
                 on_step: Callable[[StepOutput], None] | None = None) -> Steps:
    """Run the decoder token by token for a batch until every row has produced EOS.

    Args:
        model: a model in eval mode.
        memory, state: the encoded batch (``Seq2Seq.encode``), B rows.
        max_len: most output tokens per row, EOS included (a longer forced prefix wins).
        forced: (B, P) token ids taken instead of chosen for the first P steps: a prefix
            to continue, or a whole EOS-terminated target (teacher forcing).
        choose: picks the tokens after the forced ones (default: argmax).
        on_step: called with every step's ``StepOutput`` (logits (B, V), the new state,
            attention (B, S) or None); nothing is stored on the model.

    Returns:
        ``Steps`` with ids and log-probs (B, T) and attention (B, T, S) or None.
    """
    batch, device = memory.mask.shape[0], memory.mask.device
    n_forced = 0 if forced is None else forced.shape[1]
    token = torch.full((batch,), BOS_ID, dtype=torch.long, device=device)  # (B,)
    done = torch.zeros(batch, dtype=torch.bool, device=device)  # (B,)
    ids, log_probs, attention = [], [], []
    for t in range(max(max_len, n_forced)):
        out = model.decoder.step(token, state, memory)
        state = out.state
        if on_step is not None:
            on_step(out)
        logp = next_log_probs(out.logits)  # (B, V)
        token = forced[:, t] if t < n_forced else choose(out.logits)  # (B,)
        ids.append(token)
        log_probs.append(logp.gather(1, token[:, None]).squeeze(1))  # (B,)
        if out.attention is not None:
            attention.append(out.attention)  # (B, S)
        done |= token == EOS_ID
        if bool(done.all()):
            break
    return Steps(torch.stack(ids, dim=1), torch.stack(log_probs, dim=1),  # (B, T) each
                 torch.stack(attention, dim=1) if attention else None)  # (B, T, S)


def _one_path(strategy: str, model: Seq2Seq, source: Sequence[int], max_len: int,
              tgt_vocab: Vocab, source_tokens: Sequence[str], prefix: Sequence[int],
              choose: Chooser) -> SearchResult:
    """Decode one source and return its hypothesis with the one-path tree."""
    memory, state = encode_batch(model, [source])
    forced = (torch.tensor([list(prefix)], dtype=torch.long, device=model_device(model))
              if prefix else None)  # (1, P)
    steps = decode_steps(model, memory, state, max_len=max_len, forced=forced, choose=choose)
    ids = steps.row(0)
    logps = steps.log_probs[0, : len(ids)].tolist()
    attn = None if steps.attention is None else steps.attention[0, : len(ids)].tolist()
    nodes, score = [root_node()], 0.0
    for t, (tok, lp) in enumerate(zip(ids, logps)):
        score += lp
        status = "forced" if t < len(prefix) else "finished" if tok == EOS_ID else "kept"
        nodes.append(BeamNode(len(nodes), nodes[-1].id, t + 1, tok, tgt_vocab.tokens[tok], lp,
                              score, status, 0, None if attn is None else tuple(attn[t])))
    hyp = make_hypothesis(ids, logps, attn, score, tgt_vocab, 0.0,
                          bool(ids) and ids[-1] == EOS_ID, len(nodes) - 1)
    return SearchResult(strategy, (hyp,), BeamTree(tuple(source_tokens), 1, tuple(nodes)))


def greedy_search(model: Seq2Seq, source: Sequence[int], *, max_len: int, tgt_vocab: Vocab,
                  source_tokens: Sequence[str] = (),
                  prefix: Sequence[int] = ()) -> SearchResult:
    """Pick the most probable token at every step until EOS or ``max_len`` tokens.

    Args:
        model: a model in eval mode.
        source: EOS-terminated source ids (S,).
        max_len: most output tokens, EOS and prefix included.
        tgt_vocab: to spell the output tokens.
        source_tokens: source token strings (S,), kept in the tree for display.
        prefix: target ids forced first (teacher-forced), then the search continues.

    Returns:
        SearchResult with one hypothesis and a one-path tree (beam_size 1).
    """
    return _one_path("greedy", model, source, max_len, tgt_vocab, source_tokens, prefix,
                     argmax_chooser)


def sample_search(model: Seq2Seq, source: Sequence[int], *, max_len: int, tgt_vocab: Vocab,
                  temperature: float = 1.0, top_k: int = 0,
                  generator: torch.Generator | None = None, source_tokens: Sequence[str] = (),
                  prefix: Sequence[int] = ()) -> SearchResult:
    """Draw every token from softmax(logits / temperature) over the ``top_k`` most
    probable tokens (0 = all), as ``sampling_chooser`` does; reported log-probs stay the
    model's own (temperature 1), so scores compare with greedy and beam search.

    See ``greedy_search`` for the other arguments.

    Raises:
        ValueError: for a temperature that is not positive.
    """
    return _one_path("sample", model, source, max_len, tgt_vocab, source_tokens, prefix,
                     sampling_chooser(temperature, top_k, generator))


def greedy_batch(model: Seq2Seq, src: Tensor, src_mask: Tensor,
                 max_len: int) -> list[list[int]]:
    """Greedy decoding of a whole batch at once, for evaluation.

    src (B, S), src_mask (B, S) -> B lists of output ids, each without its EOS. Gives
    the same tokens as ``greedy_search`` on each row (it is the same loop).
    """
    memory, state = model.encode(src, src_mask)
    steps = decode_steps(model, memory, state, max_len=max_len)
    rows = [steps.row(b) for b in range(src.shape[0])]
    return [row[:-1] if row[-1:] == [EOS_ID] else row for row in rows]
