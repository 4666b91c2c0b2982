"""A model together with everything needed to use it: vocabularies and provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from seq2seq_core.model import Seq2Seq
from seq2seq_core.vocab import Vocab


@dataclass(frozen=True)
class TrainedModel:
    """A ready-to-use model.

    Attributes:
        model: the network (callers keep it in eval mode when shared).
        src_vocab, tgt_vocab: the vocabularies it was trained with.
        task: name of the task it was trained on ("dates", "reverse", ...).
        info: provenance as plain JSON values (training config, metrics, time).
    """

    model: Seq2Seq
    src_vocab: Vocab
    tgt_vocab: Vocab
    task: str = ""
    info: dict[str, Any] = field(default_factory=dict)
