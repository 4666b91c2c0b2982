"""Helpers of the server tests: a tiny run, waiting, a free loopback port, a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from seq2seq_core import TrainConfig
from seq2seq_core.server.worker import RunSpec

ROOT = Path(__file__).resolve().parents[2]
NAMESPACE = "seq2seq-tests"


def spec(steps: int = 100_000, eval_every: int = 0, seed: int = 0) -> RunSpec:
    """A tiny ``reverse`` run (a few ms a step)."""
    return RunSpec("reverse", {"n_train": 200, "n_heldout": 10, "min_len": 3, "max_len": 4},
                   dict(emb_dim=8, hidden_dim=16),
                   TrainConfig(steps=steps, batch_size=8, eval_every=eval_every, eval_size=10,
                               seed=seed))


def wait_until(predicate: Callable[[], bool], timeout: float = 60.0,
               every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True


def free_port() -> int:
    """A loopback port nothing listens on (just released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_python(code: str, env: dict[str, str] | None = None,
               timeout: float = 240) -> subprocess.CompletedProcess:
    """``python -c code`` from the repository root, the core on its path."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full, text=True,
                          capture_output=True, timeout=timeout)
