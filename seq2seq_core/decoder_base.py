"""What every decoder shares: its recurrent state, the memory it reads from the source,
one step's output, and ``RNNDecoder``, the GRU/LSTM decoder advanced one target position
at a time whose subclasses (``decoders.DECODERS``) say where each step's context comes
from.

``step`` stores nothing on the module: state goes in and comes out, and attention
weights are returned. A model shared by many threads is therefore safe to call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, NamedTuple

import torch
from torch import Tensor, nn

from seq2seq_core.attention import AdditiveAttention, LuongAttention
from seq2seq_core.cells import CELLS
from seq2seq_core.encoder import EncoderOutput
from seq2seq_core.vocab import PAD_ID

if TYPE_CHECKING:  # the config imports the decoders' tables, so only for type names
    from seq2seq_core.config import ModelConfig


class DecoderState(NamedTuple):
    """Recurrent state: hidden (L, B, H), and cell (L, B, H) for an LSTM, else None."""

    hidden: Tensor
    cell: Tensor | None

    def rnn_hx(self) -> Tensor | tuple[Tensor, Tensor]:
        """The state as ``nn.GRU`` (h) or ``nn.LSTM`` ((h, c)) takes it."""
        return self.hidden if self.cell is None else (self.hidden, self.cell)

    @classmethod
    def from_rnn(cls, new: Tensor | tuple[Tensor, Tensor]) -> DecoderState:
        """The final state ``nn.GRU`` or ``nn.LSTM`` returns, as a DecoderState."""
        return cls(*new) if isinstance(new, tuple) else cls(new, None)


@dataclass(frozen=True)
class Memory:
    """What the decoder reads from the source at every step.

    Attributes:
        outputs: encoder outputs (B, S, He), He = D*H.
        mask: (B, S) bool, True = real source token.
        context: the fixed context vector c, the top layer's final state (B, He).
        keys: attention keys precomputed from ``outputs`` (B, S, A), or None.
    """

    outputs: Tensor
    mask: Tensor
    context: Tensor
    keys: Tensor | None

    def index_select(self, index: Tensor) -> Memory:
        """Rows ``index`` (N,) of every field, e.g. to tile one source K times for a beam."""
        keys = None if self.keys is None else self.keys.index_select(0, index)
        return Memory(self.outputs.index_select(0, index), self.mask.index_select(0, index),
                      self.context.index_select(0, index), keys)


class StepOutput(NamedTuple):
    """logits (B, V) unnormalised; the new state; attention (B, S) or None."""

    logits: Tensor
    state: DecoderState
    attention: Tensor | None


def reorder_state(state: DecoderState, index: Tensor) -> DecoderState:
    """Select batch rows ``index`` (N,) of a state: (L, B, H) -> (L, N, H)."""
    cell = None if state.cell is None else state.cell.index_select(1, index)
    return DecoderState(state.hidden.index_select(1, index), cell)


class RNNDecoder(nn.Module):
    """GRU/LSTM decoder; subclasses say where each step's context comes from.

    Attributes:
        uses_context: each step's RNN input and the output layer read a context vector
            (c or c_t) beside the token and the state.
        attention: the score module (``attention.SCORES``), or None (fixed context).
    """

    label: ClassVar[str] = ""
    attends: ClassVar[bool] = False  # reads the source through attention weights

    @staticmethod
    def describe(cfg: ModelConfig) -> str:
        """The decoder part of a model's label, e.g. 'attention (additive)'."""
        raise NotImplementedError

    def __init__(self, cfg: ModelConfig, uses_context: bool,
                 attention: AdditiveAttention | LuongAttention | None) -> None:
        super().__init__()
        self.cfg = cfg
        enc_dim = cfg.hidden_dim * cfg.num_directions  # He
        self.uses_context = uses_context
        ctx_dim = enc_dim if self.uses_context else 0
        self.embedding = nn.Embedding(cfg.tgt_vocab_size, cfg.emb_dim, padding_idx=PAD_ID)
        self.dropout = nn.Dropout(cfg.dropout)
        self.rnn = CELLS[cfg.cell].module(cfg.emb_dim + ctx_dim, cfg.hidden_dim,
                                          num_layers=cfg.num_layers, batch_first=True,
                                          dropout=cfg.dropout if cfg.num_layers > 1 else 0.0)
        # A bidirectional encoder's two final states per layer are joined by a learned
        # bridge, tanh(W [h_fwd; h_bwd]), as Bahdanau 2015 initialises s_0.
        self.bridge = nn.Linear(enc_dim, cfg.hidden_dim) if cfg.bidirectional else None
        out_dim = cfg.hidden_dim + (ctx_dim + cfg.emb_dim if self.uses_context else 0)
        self.out = nn.Linear(out_dim, cfg.tgt_vocab_size)
        self.attention = attention

    def context(self, state: DecoderState, memory: Memory) -> tuple[Tensor, Tensor | None]:
        """This step's context (B, He) and attention weights (B, S) or None."""
        raise NotImplementedError

    def init_state(self, enc: EncoderOutput) -> DecoderState:
        """Decoder state s_0 from the encoder's final states (L*D, B, H) -> (L, B, H)."""
        return DecoderState(self._bridge(enc.hidden),
                            None if enc.cell is None else self._bridge(enc.cell))

    def _bridge(self, final: Tensor) -> Tensor:
        if self.bridge is None:
            return final  # (L, B, H)
        layers, batch, hid = self.cfg.num_layers, final.shape[1], self.cfg.hidden_dim
        both = final.view(layers, 2, batch, hid)  # (L, D=2, B, H)
        joined = torch.cat([both[:, 0], both[:, 1]], dim=-1)  # (L, B, 2H)
        return torch.tanh(self.bridge(joined))  # (L, B, H)

    def memory(self, enc: EncoderOutput, src_mask: Tensor) -> Memory:
        """Everything the steps read from the source, computed once per input."""
        dirs = self.cfg.num_directions
        top = enc.hidden[-dirs:]  # (D, B, H): top layer, each direction
        context = torch.cat(list(top), dim=-1)  # (B, D*H)
        keys = None if self.attention is None else self.attention.prepare_keys(enc.outputs)
        return Memory(enc.outputs, src_mask, context, keys)

    def step(self, token: Tensor, state: DecoderState, memory: Memory) -> StepOutput:
        """Advance the decoder by one target position.

        Args:
            token: previous target token ids, (B,); BOS at the first step.
            state: recurrent state, hidden (L, B, H) and cell (L, B, H) or None.
            memory: the source, as built by ``memory``.

        Returns:
            StepOutput: logits (B, V), the new state, and attention weights (B, S)
            summing to 1 over real source tokens, or None without attention.
        """
        feats, new_state, weights = self.features(token, state, memory)
        return StepOutput(self.out(feats), new_state, weights)

    def features(self, token: Tensor, state: DecoderState,
                 memory: Memory) -> tuple[Tensor, DecoderState, Tensor | None]:
        """``step`` without its output layer: the features the logits are computed from
        (B, F), the new state and the attention weights. Training under full teacher
        forcing applies the output layer once to every position's features."""
        emb = self.dropout(self.embedding(token))  # (B, E)
        context, weights = self.context(state, memory)  # (B, He), (B, S) or None
        rnn_in = torch.cat([emb, context], dim=-1) if self.uses_context else emb
        hx = state.rnn_hx()
        out, new = self.rnn(rnn_in.unsqueeze(1), hx)  # out (B, 1, H)
        s = self.dropout(out.squeeze(1))  # (B, H)
        feats = torch.cat([s, context, emb], dim=-1) if self.uses_context else s
        new_state = DecoderState.from_rnn(new)
        return feats, new_state, weights

    def teacher_forced_features(self, tokens: Tensor, state: DecoderState,
                                memory: Memory) -> tuple[Tensor, Tensor | None]:
        """Full teacher forcing, every input known: the features of all T positions
        (B, T, F) and the attention weights (B, T, S) or None. This default runs
        ``features`` one position at a time; a decoder whose step inputs do not depend on
        its previous state overrides it with one fused RNN call."""
        feats, attn = [], []
        for t in range(tokens.shape[1]):
            f, state, weights = self.features(tokens[:, t], state, memory)
            feats.append(f)  # (B, F)
            if weights is not None:
                attn.append(weights)  # (B, S)
        attention = torch.stack(attn, dim=1) if attn else None  # (B, T, S)
        return torch.stack(feats, dim=1), attention  # (B, T, F)
