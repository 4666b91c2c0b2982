"""This server process: its limits, its torch threads and its garbage collector."""

from __future__ import annotations

import gc
import os
import threading

import torch

from seq2seq_core.server import Limits


def limits() -> Limits:
    """The server's limits (``SEQ2SEQ_*`` environment variables over the defaults)."""
    return Limits.from_env()


def limit_torch_threads() -> None:
    """One torch thread per process: on a shared box two threads ran 4.9x slower."""
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)


_frozen = threading.Event()


def freeze_startup_objects() -> None:
    """Once per process, after the first page: move everything loaded so far (torch,
    plotly, pandas, the app: ~260k objects) out of the garbage collector's sight, so its
    full collections, which hold the GIL, scan only what sessions create later.
    SEQ2SEQ_GC_FREEZE=0 turns it off (for measuring it: bench/load_harness.py)."""
    if _frozen.is_set() or os.environ.get("SEQ2SEQ_GC_FREEZE") == "0":
        return
    _frozen.set()
    gc.collect()
    gc.freeze()
