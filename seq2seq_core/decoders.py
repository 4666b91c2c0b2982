"""Decoders advanced one target position at a time by ``step(token, state, memory)``.

Three classes, one per entry of ``DECODERS``, cover the four classic designs chosen by
``ModelConfig`` (the fixed-context variants are the table ``FIXED_CONTEXTS``):

- fixed context, Sutskever 2014: the encoder's final state initialises the decoder,
  which then sees only its own previous tokens.
- fixed context, Cho 2014: the same initial state, and the context vector c (the
  encoder's final top-layer state) is also fed to every step and to the output layer.
- attention (Bahdanau 2015 flow): at each step the previous decoder state queries the
  encoder outputs; the resulting context c_t is fed to the step and the output layer.
  The score is additive (Bahdanau 2015) or Luong 2015's dot or general.
- attention after the RNN (Luong 2015, global attention without input feeding): the
  RNN reads only the previous token, its new state queries the encoder outputs, and
  tanh(W_c [c_t; s_t]) feeds the output layer. No step's input depends on the previous
  step's attention, so training runs the RNN fused over the sentence.

The state, the memory and the base class ``RNNDecoder`` (whose ``step`` stores nothing
on the module) are in ``decoder_base``. Adding a decoder, a fixed-context variant or an
attention score (``attention.SCORES``) is one class and one table entry: the config, the
CLI and the app read the tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from seq2seq_core.attention import SCORES
from seq2seq_core.bahdanau_loop import bahdanau_loop
from seq2seq_core.cells import CELLS
from seq2seq_core.decoder_base import DecoderState, Memory, RNNDecoder

if TYPE_CHECKING:  # the config imports these tables, so only for type names
    from seq2seq_core.config import ModelConfig


class SutskeverContext:
    """Sutskever, Vinyals & Le 2014: the encoder's final state c only initialises the
    decoder, which then sees nothing of the source but its own state."""

    label = "Sutskever 2014: c sets s_0"
    feeds_steps = False


class ChoContext:
    """Cho et al. 2014: c initialises the decoder and is also fed to every step and to
    the output layer, so the source cannot be forgotten as the state moves on."""

    label = "Cho 2014: c feeds every step"
    feeds_steps = True


FIXED_CONTEXTS: dict[str, type[SutskeverContext] | type[ChoContext]] = {
    "sutskever": SutskeverContext, "cho": ChoContext}


class FixedContextDecoder(RNNDecoder):
    """One context vector c for the whole output (Sutskever 2014 or Cho 2014, chosen by
    ``cfg.fixed_context`` from ``FIXED_CONTEXTS``)."""

    label = "fixed context"

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__(cfg, FIXED_CONTEXTS[cfg.fixed_context].feeds_steps, None)

    @staticmethod
    def describe(cfg: ModelConfig) -> str:
        return f"fixed context ({cfg.fixed_context})"

    def context(self, state: DecoderState, memory: Memory) -> tuple[Tensor, None]:
        return memory.context, None  # (B, He): the same c at every step

    def teacher_forced_features(self, tokens: Tensor, state: DecoderState,
                                memory: Memory) -> tuple[Tensor, None]:
        """All T positions in one RNN call: a step's input is its token and the same c,
        neither of which depends on the previous state, so the RNN runs fused over the
        sequence (the features ``features`` gives one position at a time; a test holds
        them equal). Dropout draws its masks for all positions at once."""
        emb = self.dropout(self.embedding(tokens))  # (B, T, E)
        if self.uses_context:
            c = memory.context.unsqueeze(1).expand(-1, tokens.shape[1], -1)  # (B, T, He)
            rnn_in = torch.cat([emb, c], dim=-1)  # (B, T, E + He)
        else:
            rnn_in = emb
        out, _ = CELLS[self.cfg.cell].run(self.rnn, rnn_in, None, state.rnn_hx())  # (B, T, H)
        s = self.dropout(out)
        return (torch.cat([s, c, emb], dim=-1) if self.uses_context else s), None  # (B, T, F)


class AttentionDecoder(RNNDecoder):
    """Bahdanau 2015 flow: the previous decoder state queries the encoder outputs with
    the score ``cfg.score`` (``attention.SCORES``); the context c_t feeds the step and
    the output layer."""

    label = "attention"
    attends = True

    def __init__(self, cfg: ModelConfig) -> None:
        enc_dim = cfg.hidden_dim * cfg.num_directions  # He
        super().__init__(cfg, True, SCORES[cfg.score](cfg.hidden_dim, enc_dim))

    @staticmethod
    def describe(cfg: ModelConfig) -> str:
        return f"attention ({cfg.score})"

    def context(self, state: DecoderState, memory: Memory) -> tuple[Tensor, Tensor]:
        return self.attention(state.hidden[-1], memory.keys, memory.outputs,  # type: ignore
                              memory.mask)  # (B, He), (B, S)

    def teacher_forced_features(self, tokens: Tensor, state: DecoderState,
                                memory: Memory) -> tuple[Tensor, Tensor]:
        """All T positions under full teacher forcing: the loop of ``features`` (each
        step's context needs the state before it), with what does not depend on the
        state done once: the embeddings, their share of the first layer's input
        projection (W_ih = [W_e | W_c]: one (B*T, E) product instead of T), and the
        features' concatenation. The cell equations are ``cells.CELLS``' own; training a
        one-layer GRU with the additive score runs ``bahdanau_loop`` instead, the same loop
        as one autograd node with its backward pass written out. A test holds losses and
        gradients equal to ``features`` one position at a time. Returns features
        (B, T, F) and attention weights (B, T, S)."""
        cfg, rnn = self.cfg, self.rnn
        kind = CELLS[cfg.cell]
        weights = [[getattr(rnn, f"{name}_l{k}") for name in ("weight_ih", "weight_hh",
                                                               "bias_ih", "bias_hh")]
                   for k in range(cfg.num_layers)]
        emb = self.dropout(self.embedding(tokens))  # (B, T, E)
        w_ih0 = weights[0][0]  # (G, E + He), G = 3H (GRU) or 4H (LSTM)
        gi_emb = F.linear(emb, w_ih0[:, :cfg.emb_dim], weights[0][2])  # (B, T, G)
        if (cfg.cell == "gru" and cfg.num_layers == 1 and cfg.score == "additive"
                and torch.is_grad_enabled()):
            return self._bahdanau_loop(gi_emb, state, memory, emb)
        w_ctx = w_ih0[:, cfg.emb_dim:].T  # (He, G)
        layers = [tuple(s[k] for s in state if s is not None)  # (h,) or (h, c), each (B, H)
                  for k in range(cfg.num_layers)]
        tops, contexts, attention = [], [], []
        for gi_e in gi_emb.unbind(1):  # (B, G) for each position
            context, w = self.attention(layers[-1][0], memory.keys,  # type: ignore
                                        memory.outputs, memory.mask)  # (B, He), (B, S)
            gi = torch.addmm(gi_e, context, w_ctx)  # (B, G)
            for k, (w_ih, w_hh, b_ih, b_hh) in enumerate(weights):
                if k:  # the layer below's output, as nn.GRU/LSTM feed it (dropout between)
                    below = F.dropout(layers[k - 1][0], rnn.dropout, self.training)
                    gi = torch.addmm(b_ih, below, w_ih.T)  # (B, G)
                new = kind.gates(gi, *layers[k], w_hh, b_hh)
                layers[k] = new if isinstance(new, tuple) else (new,)
            tops.append(layers[-1][0])
            contexts.append(context)
            attention.append(w)
        s = self.dropout(torch.stack(tops, dim=1))  # (B, T, H)
        feats = torch.cat([s, torch.stack(contexts, dim=1), emb], dim=-1)  # (B, T, F)
        return feats, torch.stack(attention, dim=1)  # (B, T, S)

    def _bahdanau_loop(self, gi_emb: Tensor, state: DecoderState, memory: Memory,
                       emb: Tensor) -> tuple[Tensor, Tensor]:
        """``teacher_forced_features``' loop as one autograd node with its backward pass
        written out (``bahdanau_loop``), for a one-layer GRU with the additive score."""
        rnn, score = self.rnn, self.attention
        states, contexts, weights = bahdanau_loop(
            gi_emb.transpose(0, 1), state.hidden[0], memory.keys, memory.outputs,  # type: ignore
            memory.mask, 2.0 * score.query_proj.weight, 2.0 * score.v.weight[0],  # type: ignore
            rnn.weight_ih_l0[:, self.cfg.emb_dim:], rnn.weight_hh_l0, rnn.bias_hh_l0)
        # contiguous, as the autograd loop's stacked states are: dropout draws the same masks
        s = self.dropout(states.transpose(0, 1).contiguous())  # (B, T, H)
        feats = torch.cat([s, contexts.transpose(0, 1), emb], dim=-1)  # (B, T, F)
        return feats, weights.transpose(0, 1)  # (B, T, S)


class LuongDecoder(RNNDecoder):
    """Global attention after the RNN, without input feeding (Luong, Pham & Manning 2015,
    eqs. 5-7): the RNN reads only the previous token; its new state s_t queries the
    encoder outputs with the score ``cfg.score``; the attentional state
    h~_t = tanh(W_c [c_t; s_t]) (B, H) feeds the output layer.

    No step's input depends on the previous step's attention, so under full teacher
    forcing the RNN runs fused over all T positions and then attends for all of them
    (``teacher_forced_features``; a test holds it equal to ``step`` one position at a
    time).
    """

    label = "attention after the RNN (Luong)"
    attends = True

    def __init__(self, cfg: ModelConfig) -> None:
        enc_dim = cfg.hidden_dim * cfg.num_directions  # He
        super().__init__(cfg, False, SCORES[cfg.score](cfg.hidden_dim, enc_dim))
        self.combine = nn.Linear(enc_dim + cfg.hidden_dim, cfg.hidden_dim, bias=False)  # W_c

    @staticmethod
    def describe(cfg: ModelConfig) -> str:
        return f"Luong attention ({cfg.score})"

    def features(self, token: Tensor, state: DecoderState,
                 memory: Memory) -> tuple[Tensor, DecoderState, Tensor]:
        emb = self.dropout(self.embedding(token))  # (B, E)
        hx = state.rnn_hx()
        out, new = self.rnn(emb.unsqueeze(1), hx)  # out (B, 1, H)
        feats, weights = self._attend(out, memory)  # (B, 1, H), (B, 1, S)
        new_state = DecoderState.from_rnn(new)
        return feats.squeeze(1), new_state, weights.squeeze(1)

    def teacher_forced_features(self, tokens: Tensor, state: DecoderState,
                                memory: Memory) -> tuple[Tensor, Tensor]:
        """All T positions at once: one fused RNN call, then one attention call with T
        queries. Returns features (B, T, H) and attention weights (B, T, S)."""
        emb = self.dropout(self.embedding(tokens))  # (B, T, E)
        out, _ = CELLS[self.cfg.cell].run(self.rnn, emb, None, state.rnn_hx())  # (B, T, H)
        return self._attend(out, memory)

    def _attend(self, states: Tensor, memory: Memory) -> tuple[Tensor, Tensor]:
        """Top-layer states s_t (B, T, H) -> h~_t (B, T, H) and weights (B, T, S)."""
        context, weights = self.attention(states, memory.keys, memory.outputs,  # type: ignore
                                          memory.mask)  # (B, T, He), (B, T, S)
        combined = torch.tanh(self.combine(torch.cat([context, states], dim=-1)))  # (B, T, H)
        return self.dropout(combined), weights


DECODERS: dict[str, type[RNNDecoder]] = {"fixed": FixedContextDecoder,
                                         "attention": AttentionDecoder,
                                         "luong": LuongDecoder}
