"""Server limits: one frozen dataclass, each field a setting read from the environment.

An instructor runs one server for a room; these bounds keep one person's input from
taking the server down. Every field can be set with ``SEQ2SEQ_<FIELD IN CAPITALS>``
(for example ``SEQ2SEQ_TRAIN_SLOTS=4``); ``Limits.from_env()`` reads them and refuses
a malformed value by name. The app applies them at its boundary (widgets, uploads,
training starts); the ``check_*`` methods raise ``LimitError`` with a message that
says which limit was hit and how to get under it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

import torch

from seq2seq_core.config import DecodeConfig, ModelConfig, TrainConfig
from seq2seq_core.images import MAX_PIXELS
from seq2seq_core.model import build_model
from seq2seq_core.pairs import MAX_BYTES, MAX_ROWS, PairsLimits
from seq2seq_core.search.decode import MAX_INPUT_TOKENS

ENV_PREFIX = "SEQ2SEQ_"


class LimitError(ValueError):
    """A request goes past a server limit; the message names the limit and the value."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what one user may ask of the server.

    Attributes:
        max_input_tokens: tokens in a source text to decode.
        max_beam_size: largest beam width K.
        max_output_len: most output tokens per hypothesis.
        max_model_parameters: parameters of a model to train or upload.
        max_train_steps: steps of one training run.
        max_train_seconds: wall-clock seconds of one training run (0 = no limit).
        max_upload_bytes: size of an uploaded checkpoint (.zip).
        max_upload_files: files in an uploaded checkpoint archive.
        max_vocab_tokens: rows (tokens) of an uploaded vocabulary.
        max_uploads: checkpoints one session may upload.
        max_pairs_upload_bytes: size of an uploaded TSV/CSV of training pairs.
        max_pairs_upload_rows: data rows in an uploaded TSV/CSV of training pairs.
        train_slots: trainings that run at once on the server; the rest queue.
        max_queued: trainings that may wait for a slot; more are refused.
        heartbeat_timeout_s: a run that no browser polled for this long stops itself.
        pause_release_s: a run paused this long gives its training slot to the queue
            (and queues again when it goes on).
        max_runs: runs the server remembers (finished ones are forgotten first).
        run_retention_s: a finished run nobody looked at for this long is forgotten.
        max_image_pixels: pixels (width x height) of an uploaded image that is decoded
            (``images.read_image``; Pillow's decompression-bomb check stays on too).
    """

    max_input_tokens: int = MAX_INPUT_TOKENS
    max_beam_size: int = 16
    max_output_len: int = 200
    max_model_parameters: int = 5_000_000
    max_train_steps: int = 100_000
    max_train_seconds: float = 3600.0
    max_upload_bytes: int = 20 * 2**20
    max_upload_files: int = 8
    max_vocab_tokens: int = 20_000
    max_uploads: int = 4
    max_pairs_upload_bytes: int = MAX_BYTES
    max_pairs_upload_rows: int = MAX_ROWS
    train_slots: int = 2
    max_queued: int = 64
    heartbeat_timeout_s: float = 180.0
    pause_release_s: float = 60.0
    max_runs: int = 128
    run_retention_s: float = 1800.0
    max_image_pixels: int = MAX_PIXELS

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"limit {f.name} must be a number >= 0; got {value!r}")
        if self.train_slots < 1:
            raise ValueError("limit train_slots must be at least 1")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        """Defaults overridden by ``SEQ2SEQ_<NAME>`` variables.

        Raises:
            ValueError: a variable is not a number (the message names it).
        """
        env = os.environ if env is None else env
        values = {}
        for f in dataclasses.fields(cls):
            name = ENV_PREFIX + f.name.upper()
            if name in env:
                kind = float if isinstance(f.default, float) else int
                try:
                    values[f.name] = kind(env[name])
                except ValueError:
                    what = "a number" if kind is float else "an integer"
                    raise ValueError(f"{name} must be {what}; got {env[name]!r}") from None
        return cls(**values)

    def pairs_upload(self) -> PairsLimits:
        """The limits ``pairs.parse_pairs`` applies to an uploaded pairs file."""
        return PairsLimits(max_bytes=self.max_pairs_upload_bytes,
                            max_rows=self.max_pairs_upload_rows)

    def check_decode(self, cfg: DecodeConfig) -> None:
        """Refuse a beam width (beam search only) or output length over the limits."""
        if cfg.strategy == "beam" and cfg.beam_size > self.max_beam_size:
            raise LimitError(f"Beam width {cfg.beam_size} is over this server's limit of "
                             f"{self.max_beam_size}.")
        if cfg.max_len > self.max_output_len:
            raise LimitError(f"Max output length {cfg.max_len} is over this server's limit "
                             f"of {self.max_output_len} tokens.")

    def check_model(self, cfg: ModelConfig) -> None:
        """Refuse a model over the parameter or vocabulary limit, before allocating it."""
        for side, size in (("source", cfg.src_vocab_size), ("target", cfg.tgt_vocab_size)):
            if size > self.max_vocab_tokens:
                raise LimitError(f"The {side} vocabulary has {size:,} tokens; this server "
                                 f"allows at most {self.max_vocab_tokens:,}.")
        n = count_parameters(cfg)
        if n > self.max_model_parameters:
            raise LimitError(f"This model has {n:,} parameters; this server allows at most "
                             f"{self.max_model_parameters:,}. Use smaller sizes or fewer "
                             "layers.")

    def clamp_training(self, cfg: TrainConfig) -> TrainConfig:
        """``cfg`` with a time limit no longer than ``max_train_seconds``.

        Raises:
            LimitError: more steps than ``max_train_steps``.
        """
        if cfg.steps > self.max_train_steps:
            raise LimitError(f"{cfg.steps:,} steps is over this server's limit of "
                             f"{self.max_train_steps:,} per run.")
        cap = self.max_train_seconds
        if cap and (cfg.max_seconds == 0 or cfg.max_seconds > cap):
            return dataclasses.replace(cfg, max_seconds=float(cap))
        return cfg


def count_parameters(cfg: ModelConfig) -> int:
    """Parameters of the model ``cfg`` describes, counted without allocating its weights."""
    with torch.device("meta"):
        return sum(p.numel() for p in build_model(cfg).parameters())
