"""Frozen configuration dataclasses: what the model is, how it trains, how it decodes.

Every field is validated in ``__post_init__`` so a bad value fails where it enters
(a widget, a CLI flag, a checkpoint's JSON), with a message that says how to fix it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from seq2seq_core.attention import SCORES
from seq2seq_core.cells import CELLS
from seq2seq_core.cnn_encoder import ENCODERS
from seq2seq_core.decoders import DECODERS, FIXED_CONTEXTS

Strategy = Literal["greedy", "beam", "sample"]
DEVICES = ("cpu", "auto", "cuda")  # "auto": CUDA when there is one, else the CPU

C = TypeVar("C")


def _choice(name: str, value: Any, choices: Iterable[str]) -> None:
    choices = tuple(choices)
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")


def _int_range(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}; got {value!r}")


def _float_range(name: str, value: Any, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"{name} must be a number from {low} to {high}; got {value!r}")


@dataclass(frozen=True, kw_only=True)
class ArchConfig:
    """Architecture of an encoder-decoder, without its vocabulary sizes: what a form, a
    CLI or a run spec chooses before the data is known (keyword arguments only).

    Every choice is a key of a table the model is built from, so adding one is one
    class and one entry there: ``cell`` of ``cells.CELLS``, ``decoder`` of
    ``decoders.DECODERS``, ``fixed_context`` of ``decoders.FIXED_CONTEXTS``, ``score``
    of ``attention.SCORES``.

    Attributes:
        cell: recurrent cell of encoder and decoder, "gru" or "lstm".
        emb_dim: E, embedding size (source and target).
        hidden_dim: H, hidden size of each RNN direction and of the decoder.
        num_layers: stacked RNN layers in encoder and decoder (1-4).
        bidirectional: whether the encoder reads the source both ways.
        dropout: dropout between layers and on embeddings (0 disables).
        decoder: "fixed" (one context vector for the whole output), "attention"
            (Bahdanau 2015: the previous state attends before the RNN step) or "luong"
            (Luong 2015: the new state attends after it, no input feeding).
        fixed_context: for decoder="fixed": "sutskever" (Sutskever 2014, the encoder's
            final state only initialises the decoder) or "cho" (Cho 2014, the context
            vector c also feeds every step and the output layer).
        score: for an attention decoder: "additive" (Bahdanau 2015), "dot" or "general"
            (Luong 2015).
        encoder: of ``cnn_encoder.ENCODERS``: "rnn" embeds tokens; "cnn-rnn" reads image
            strips (a CNN per column, then the RNN). The task chooses it (``new_model``);
            a checkpoint saved before the field existed loads as "rnn".

    Raises:
        ValueError: for a value out of range or not in its table, or a dot score with a
            bidirectional encoder (the sizes differ).
    """

    cell: str = "gru"
    emb_dim: int = 64
    hidden_dim: int = 128
    num_layers: int = 1
    bidirectional: bool = False
    dropout: float = 0.0
    decoder: str = "attention"
    fixed_context: str = "cho"
    score: str = "additive"
    encoder: str = "rnn"

    def __post_init__(self) -> None:
        _choice("cell", self.cell, CELLS)
        _choice("encoder", self.encoder, ENCODERS)
        _int_range("emb_dim", self.emb_dim, 1, 4096)
        _int_range("hidden_dim", self.hidden_dim, 1, 4096)
        _int_range("num_layers", self.num_layers, 1, 4)
        if not isinstance(self.bidirectional, bool):
            raise ValueError(f"bidirectional must be true or false; got {self.bidirectional!r}")
        _float_range("dropout", self.dropout, 0.0, 0.9)
        _choice("decoder", self.decoder, DECODERS)
        _choice("fixed_context", self.fixed_context, FIXED_CONTEXTS)
        _choice("score", self.score, SCORES)
        if (DECODERS[self.decoder].attends and SCORES[self.score].needs_query_sized_keys
                and self.bidirectional):
            raise ValueError(
                f"the {self.score} score needs encoder outputs of the decoder's size (H), "
                "but a bidirectional encoder gives 2H: use score='general' or 'additive', "
                "or a unidirectional encoder"
            )

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def label(self) -> str:
        """Short human name, e.g. 'GRU-128 attention (additive)'."""
        kind = DECODERS[self.decoder].describe(self)
        bi = "bi" if self.bidirectional else ""
        cnn = "CNN+" if self.encoder == "cnn-rnn" else ""
        return f"{cnn}{bi}{CELLS[self.cell].label}-{self.hidden_dim} {kind}"

    @property
    def arch(self) -> ArchConfig:
        """The architecture alone (drops a ``ModelConfig``'s vocabulary sizes)."""
        return ArchConfig(**{f.name: getattr(self, f.name)
                             for f in dataclasses.fields(ArchConfig)})

    def with_vocab(self, src_vocab_size: int, tgt_vocab_size: int) -> ModelConfig:
        """The full model config once the vocabularies are known."""
        return ModelConfig(src_vocab_size, tgt_vocab_size, **to_dict(self.arch))

    @classmethod
    def of(cls, value: ArchConfig | Mapping[str, Any]) -> ArchConfig:
        """An ``ArchConfig`` from itself, a ``ModelConfig`` or a dict of its fields.

        Raises:
            ValueError: for an unknown field or a bad value.
        """
        if isinstance(value, ArchConfig):
            return value.arch
        return from_dict(cls, dict(value))


@dataclass(frozen=True)
class ModelConfig(ArchConfig):
    """An ``ArchConfig`` with its vocabulary sizes: everything ``build_model`` needs.

    Attributes:
        src_vocab_size: V_src, source vocabulary size including specials.
        tgt_vocab_size: V, target vocabulary size including specials.
        (and every ``ArchConfig`` field, by keyword)
    """

    src_vocab_size: int
    tgt_vocab_size: int

    def __post_init__(self) -> None:
        _int_range("src_vocab_size", self.src_vocab_size, 5, 1_000_000)
        _int_range("tgt_vocab_size", self.tgt_vocab_size, 5, 1_000_000)
        super().__post_init__()


@dataclass(frozen=True)
class TrainConfig:
    """How to train.

    Attributes:
        batch_size: B, pairs per step.
        learning_rate: Adam step size.
        steps: optimisation steps to run.
        teacher_forcing: probability of feeding the reference token (rather than the
            model's own argmax) at each decoder step; 1.0 is full teacher forcing.
        clip_norm: gradients are rescaled to at most this global L2 norm (0 disables).
        seed: seeds initialisation, batch order and teacher forcing choices.
        device: "cpu", "cuda" or "auto" (CUDA when available).
        eval_every: steps between held-out evaluations (0 disables).
        eval_size: held-out pairs used per evaluation.
        max_seconds: stop after this many seconds of wall time (0 = no limit).
        lr_schedule: "constant", or "linear": the learning rate falls linearly from
            ``learning_rate`` at the first step towards 0 at step ``steps``.
    """

    batch_size: int = 64
    learning_rate: float = 3e-3
    steps: int = 2000
    teacher_forcing: float = 1.0
    clip_norm: float = 1.0
    seed: int = 0
    device: str = "cpu"
    eval_every: int = 100
    eval_size: int = 500
    max_seconds: float = 0.0
    lr_schedule: Literal["constant", "linear"] = "constant"

    def __post_init__(self) -> None:
        _int_range("batch_size", self.batch_size, 1, 4096)
        _float_range("learning_rate", self.learning_rate, 1e-6, 1.0)
        _int_range("steps", self.steps, 1, 10_000_000)
        _float_range("teacher_forcing", self.teacher_forcing, 0.0, 1.0)
        _float_range("clip_norm", self.clip_norm, 0.0, 1e6)
        _int_range("seed", self.seed, 0, 2**31 - 1)
        _choice("device", self.device, DEVICES)
        _int_range("eval_every", self.eval_every, 0, 10_000_000)
        _int_range("eval_size", self.eval_size, 1, 1_000_000)
        _float_range("max_seconds", self.max_seconds, 0.0, 1e7)
        _choice("lr_schedule", self.lr_schedule, ("constant", "linear"))


@dataclass(frozen=True)
class DecodeConfig:
    """How to decode.

    Attributes:
        strategy: "greedy", "beam" or "sample".
        max_len: most output tokens per hypothesis, EOS included.
        beam_size: K, hypotheses kept per step (beam search only).
        length_penalty: GNMT alpha (Wu 2016); 0 ranks by raw log-probability.
        n_best: finished hypotheses returned, best first (at most K).
        temperature: sampling divides logits by this (sample only; > 0).
        top_k: sampling draws from the k most probable tokens (0 = all).
        seed: seeds sampling, so a sample can be reproduced.
    """

    strategy: Strategy = "beam"
    max_len: int = 50
    beam_size: int = 5
    length_penalty: float = 0.0
    n_best: int = 5
    temperature: float = 1.0
    top_k: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        _choice("strategy", self.strategy, ("greedy", "beam", "sample"))
        _int_range("max_len", self.max_len, 1, 1000)
        _int_range("beam_size", self.beam_size, 1, 64)
        _float_range("length_penalty", self.length_penalty, 0.0, 5.0)
        _int_range("n_best", self.n_best, 1, 64)
        _float_range("temperature", self.temperature, 0.01, 100.0)
        _int_range("top_k", self.top_k, 0, 1_000_000)
        _int_range("seed", self.seed, 0, 2**31 - 1)


def to_dict(cfg: Any) -> dict[str, Any]:
    """A config as a JSON-ready dict."""
    return dataclasses.asdict(cfg)


def from_dict(cls: type[C], data: Any) -> C:
    """Build a config from a dict, refusing unknown or missing fields by name.

    Raises:
        ValueError: if ``data`` is not a dict, has unknown keys, lacks required keys
            or holds an invalid value.
    """
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__} must be a JSON object; got {type(data).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValueError(f"{cls.__name__} has no field(s) {', '.join(unknown)}")
    missing = [
        name for name, f in fields.items()
        if name not in data and f.default is dataclasses.MISSING
    ]
    if missing:
        raise ValueError(f"{cls.__name__} is missing field(s) {', '.join(missing)}")
    return cls(**data)
