"""What every widget group shares: session persistence and the core's choice tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from seq2seq_core.attention import SCORES
from seq2seq_core.cells import CELLS
from seq2seq_core.decoders import DECODERS, FIXED_CONTEXTS

KEEP = "session"  # persist_state: keep a widget's value across page switches
# The model's choices, read from the tables the core builds models from: a new cell,
# decoder, fixed-context variant or attention score shows up in every form by itself.
CHOICES: dict[str, Mapping[str, Any]] = {"cell": CELLS, "decoder": DECODERS,
                                         "fixed_context": FIXED_CONTEXTS, "score": SCORES}


def choice_args(field: str, default: str) -> dict[str, Any]:
    """``options`` and ``index`` for a radio or select box over one of the core's
    tables, starting on ``default``. Example: choice_args("cell", "gru") ->
    {"options": ["gru", "lstm"], "index": 0}."""
    options = list(CHOICES[field])
    return {"options": options, "index": options.index(default) if default in options else 0}
