"""What every widget group shares: session persistence and the core's choice tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

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


def keep_step(key: str, signature_key: str, signature: tuple, last: int) -> bool:
    """Keep the step in ``st.session_state[key]`` within 0..``last``: ``last`` (the
    whole picture drawn) when ``signature`` (what the picture shows) is new, else the
    step picked, clamped. Returns whether the signature was new."""
    ss = st.session_state
    new = ss.get(signature_key) != signature
    if new:
        ss[signature_key], ss[key] = signature, last
    ss[key] = min(max(int(ss.get(key, last)), 0), last)
    return new
