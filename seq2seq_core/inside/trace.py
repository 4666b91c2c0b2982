"""Look inside one decode: every encoder and decoder state, attention and context vectors.

``trace(tm, text)`` decodes greedily (or forces a given target) with the same loop as
greedy search (``search.greedy.decode_steps``), recording every decoder step through its
``on_step`` callback, and returns a ``Trace`` of NumPy copies, so the result can be cached
and drawn without touching torch. Encoder states come from
``RNNEncoder.forward_stepwise`` (no hooks); nothing is stored on the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from torch import Tensor

from seq2seq_core.data import encode_sources, pad
from seq2seq_core.decoder_base import DecoderState, Memory, StepOutput
from seq2seq_core.model import Seq2Seq, model_device
from seq2seq_core.search.greedy import Steps, decode_steps
from seq2seq_core.trained import TrainedModel
from seq2seq_core.vocab import EOS, EOS_ID

Part = Literal["encoder", "decoder"]


@dataclass(frozen=True)
class StateSelection:
    """Which recurrent states to look at.

    Attributes:
        part: "encoder" (h_1..h_S) or "decoder" (s_1..s_T).
        layer: 0-based layer; negative counts from the top (-1 = top layer).
        direction: 0 forward, 1 backward (bidirectional encoder only; decoder: 0).
        cell: the LSTM cell state c instead of the hidden state h.
    """

    part: Part = "encoder"
    layer: int = -1
    direction: int = 0
    cell: bool = False


@dataclass(frozen=True, eq=False)
class Trace:
    """One source's decode, seen from inside (all arrays float32 NumPy copies).

    Attributes:
        source_tokens: (S,) source tokens, EOS last.
        output_tokens: (T,) output tokens; EOS last if the decoder finished.
        output_ids: (T,) their target-vocabulary ids.
        forced: True if the outputs are a given target (teacher forcing), False if greedy.
        log_probs: (T,) natural-log probability of each output token (PAD/BOS excluded).
        encoder_states: (L, D, S, H) hidden state of every layer and direction at every
            source position; the forward direction's last column and the backward
            direction's first are the final states.
        encoder_cells: (L, D, S, H) LSTM cell states, or None for a GRU.
        initial_state: (L, H) decoder state s_0 (from the encoder's final states).
        decoder_states: (L, T, H) decoder hidden state after each output token (s_1..s_T).
        decoder_cells: (L, T, H) LSTM cell states, or None for a GRU.
        attention: (T, S) weights each step put on the source, or None (fixed context).
        context: (He,) the fixed context vector c, the top layer's final state(s).
        step_contexts: (T, He) the context each step read: c_t for attention, c at every
            step for a Cho fixed-context decoder, None for Sutskever's (c only sets s_0).
        output_text: the output as the target vocabulary's own ``decode`` spells it (EOS
            and what follows left out): the text every view shows.
    """

    source_tokens: tuple[str, ...]
    output_tokens: tuple[str, ...]
    output_ids: tuple[int, ...]
    forced: bool
    log_probs: np.ndarray
    encoder_states: np.ndarray
    encoder_cells: np.ndarray | None
    initial_state: np.ndarray
    decoder_states: np.ndarray
    decoder_cells: np.ndarray | None
    attention: np.ndarray | None
    context: np.ndarray
    step_contexts: np.ndarray | None
    output_text: str

    @property
    def output_text_tokens(self) -> tuple[str, ...]:
        """Output tokens without the final EOS."""
        return self.output_tokens[:-1] if self.output_tokens[-1:] == (EOS,) else \
            self.output_tokens

    def states(self, sel: StateSelection) -> np.ndarray:
        """The selected trajectory: (S, H) for the encoder, (T, H) for the decoder.

        Raises:
            ValueError: for a layer or direction the model lacks, or ``cell`` on a GRU.
        """
        source = self.encoder_cells if sel.cell else self.encoder_states
        if sel.part == "decoder":
            source = self.decoder_cells if sel.cell else self.decoder_states
        if source is None:
            raise ValueError("cell states exist only for an LSTM; this model is a GRU")
        layers = source.shape[0]
        if not -layers <= sel.layer < layers:
            raise ValueError(f"layer {sel.layer} does not exist; the model has {layers}")
        if sel.part == "decoder":
            if sel.direction != 0:
                raise ValueError("the decoder has one direction; use direction 0")
            return source[sel.layer]
        if not 0 <= sel.direction < source.shape[1]:
            raise ValueError(f"direction {sel.direction} does not exist; the encoder has "
                             f"{source.shape[1]}")
        return source[sel.layer, sel.direction]

    def final_index(self, sel: StateSelection) -> int:
        """Position of the final state in ``states(sel)``: where the fixed context is read."""
        if sel.part == "encoder" and sel.direction == 1:
            return 0  # the backward direction ends at the first token
        return len(self.states(sel)) - 1


def _numpy(t: Tensor) -> np.ndarray:
    return t.detach().cpu().numpy().astype(np.float32, copy=True)


@torch.no_grad()
def trace_batch(tm: TrainedModel, sources: Sequence[str],
                targets: Sequence[str] | None = None, *, max_len: int = 50) -> list[Trace]:
    """Trace several sources at once (batched; same states as one at a time).

    Args:
        tm: the model (must be in eval mode) and its vocabularies.
        sources: source texts; unknown tokens become UNK (validate first with
            ``check_source`` where the text comes from a user).
        targets: optional reference texts, one per source, to force (teacher forcing)
            instead of decoding greedily.
        max_len: most greedy output tokens, EOS included.

    Returns:
        One ``Trace`` per source, in order.

    Raises:
        ValueError: no sources, ``targets`` of another length, or a model in train mode.
    """
    model = tm.model
    if not sources:
        raise ValueError("no sources to trace")
    if targets is not None and len(targets) != len(sources):
        raise ValueError(f"{len(targets)} targets for {len(sources)} sources")
    if model.training:
        raise ValueError("trace needs a model in eval mode (dropout would change states)")
    device = model_device(model)
    src, mask = (t.to(device) for t in encode_sources(sources, tm.src_vocab))  # (B, S)
    forced = None
    if targets is not None:
        forced, _ = pad([tm.tgt_vocab.encode(t) + [EOS_ID] for t in targets])  # (B, T)
        forced = forced.to(device)
    # 1. Encode one position at a time, keeping every layer's and direction's state.
    enc, stepwise = model.encoder.forward_stepwise(src, mask)  # hidden (L, D, B, S, H)
    memory = model.decoder.memory(enc, mask)
    state = model.decoder.init_state(enc)  # hidden (L, B, H)
    # 2. Decode step by step with greedy search's own loop, recording what each step read.
    steps, rec = _decode(model, memory, state, forced, max_len)
    # 3. Split the batch into per-source copies, cut at each one's real length.
    traces = []
    for b, text in enumerate(sources):
        n_src = int(mask[b].sum())
        out_ids = tuple(steps.row(b))
        n_out = len(out_ids)
        cut = {k: None if v is None else _numpy(v[b, :n_out]) for k, v in rec.items()}
        traces.append(Trace(
            source_tokens=tuple(tm.src_vocab.split(text)) + (EOS,),
            output_tokens=tuple(tm.tgt_vocab.tokens[i] for i in out_ids),
            output_ids=out_ids, forced=forced is not None,
            log_probs=_numpy(steps.log_probs[b, :n_out]),
            encoder_states=_numpy(stepwise.hidden[:, :, b, :n_src]),
            encoder_cells=None if stepwise.cell is None else _numpy(
                stepwise.cell[:, :, b, :n_src]),
            initial_state=_numpy(state.hidden[:, b]),
            decoder_states=cut["h"].transpose(1, 0, 2),  # (T, L, H) -> (L, T, H)
            decoder_cells=None if cut["c"] is None else cut["c"].transpose(1, 0, 2),
            attention=None if cut["attn"] is None else cut["attn"][:, :n_src],
            context=_numpy(memory.context[b]), step_contexts=cut["ctx"],
            output_text=tm.tgt_vocab.decode(out_ids)))
    return traces


def _decode(model: Seq2Seq, memory: Memory, state: DecoderState, forced: Tensor | None,
            max_len: int) -> tuple[Steps, dict[str, Tensor | None]]:
    """Greedy (or forced) steps for a batch, recording batch first: h and c (B, T, L, H),
    attn (B, T, S), ctx (B, T, He) (None where the model has no such thing)."""
    rec: dict[str, list[Tensor]] = {k: [] for k in ("h", "c", "attn", "ctx")}

    def record(out: StepOutput) -> None:
        rec["h"].append(out.state.hidden.transpose(0, 1))  # (L, B, H) -> (B, L, H)
        if out.state.cell is not None:
            rec["c"].append(out.state.cell.transpose(0, 1))  # (B, L, H)
        if out.attention is not None:
            rec["attn"].append(out.attention)  # (B, S)
            rec["ctx"].append(torch.bmm(out.attention.unsqueeze(1),  # (B, 1, S)
                                        memory.outputs).squeeze(1))  # (B, He)
        elif model.decoder.uses_context:
            rec["ctx"].append(memory.context)  # (B, He): the same c at every step

    steps = decode_steps(model, memory, state, max_len=max_len, forced=forced,
                         on_step=record)
    return steps, {k: torch.stack(v, dim=1) if v else None for k, v in rec.items()}


def trace(tm: TrainedModel, text: str, target: str | None = None, *,
          max_len: int = 50) -> Trace:
    """Trace one source: greedy decode, or teacher forcing of ``target`` when given.

    See ``trace_batch`` for the arguments and errors.
    """
    return trace_batch(tm, [text], None if target is None else [target], max_len=max_len)[0]
