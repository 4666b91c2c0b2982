"""The server's trainings: a process-wide registry with a bounded number of slots.

Every user's ``TrainingRun`` is kept here under its unguessable id (uuid4 hex, 122
random bits), so a browser that reloads the page finds its run again by the id it
keeps in the URL, and nobody finds a run they were not given. At most
``Limits.train_slots`` runs train at once; later ones wait, first come first served,
with status "queued"; past ``Limits.max_queued`` waiting runs ``submit`` refuses with
``ServerBusy``. A run stops itself when nobody ``touch``-ed it for
``Limits.heartbeat_timeout_s`` (its tab was closed), and finished runs are forgotten
oldest first past ``Limits.max_runs`` or after ``Limits.run_retention_s`` unwatched.

``default_registry()`` is a module-level singleton: it lives as long as the process,
outside any UI cache, so clearing a UI's caches cannot stop or lose a training.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

from seq2seq_core.server.limits import Limits
from seq2seq_core.server.slots import SlotGate
from seq2seq_core.server.worker import RunSpec, TrainingRun

RUN_ID = re.compile(r"[0-9a-f]{32}")


class ServerBusy(RuntimeError):
    """Every training slot is taken and the queue is full; the message says so."""


class RunRegistry:
    """Every training of the process, by run id; all methods are thread safe."""

    def __init__(self, limits: Limits | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits or Limits()
        self.gate = SlotGate(self.limits.train_slots)
        self._clock = clock
        self._lock = threading.Lock()
        self._runs: dict[str, TrainingRun] = {}  # oldest first
        self._seen: dict[str, float] = {}

    def submit(self, spec: RunSpec) -> TrainingRun:
        """Start ``spec`` now or queue it for a slot.

        Raises:
            ServerBusy: ``train_slots`` runs train and ``max_queued`` wait already.
        """
        lim = self.limits
        with self._lock:
            self._forget_old()
            active = sum(run.snapshot().active for run in self._runs.values())
            if active >= lim.train_slots + lim.max_queued:
                raise ServerBusy(
                    f"The server is busy: {lim.train_slots} trainings are running and "
                    f"{active - lim.train_slots} are waiting, the most it queues. Your "
                    "settings are kept: try again in a few minutes.")
            run = TrainingRun(spec, gate=self.gate, idle_timeout_s=lim.heartbeat_timeout_s,
                              pause_release_s=lim.pause_release_s)
            self._runs[run.run_id] = run
            self._seen[run.run_id] = self._clock()
        return run.start()

    def get(self, run_id: str) -> TrainingRun | None:
        """The run with this id, or None (unknown, malformed or forgotten id)."""
        if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id):
            return None
        with self._lock:
            return self._runs.get(run_id)

    def touch(self, run_id: str) -> bool:
        """Heartbeat from whoever shows the run; False if the id is unknown."""
        run = self.get(run_id)
        if run is None:
            return False
        run.touch()
        with self._lock:
            self._seen[run_id] = self._clock()
        return True

    def queue_position(self, run_id: str) -> int | None:
        """Runs waiting ahead of this one (0 = next), or None if it is not waiting."""
        return self.gate.position(run_id)

    def counts(self) -> dict[str, int]:
        """Runs training, waiting and remembered in all."""
        training, waiting = self.gate.counts()
        with self._lock:
            return {"training": training, "queued": waiting, "runs": len(self._runs)}

    def stop_all(self, timeout: float | None = None) -> None:
        """Stop every run and wait for the threads (tests, shutdown)."""
        with self._lock:
            runs = list(self._runs.values())
        for run in runs:
            run.stop()
        for run in runs:
            run.join(timeout)

    def _forget_old(self) -> None:
        """Drop finished runs unwatched for ``run_retention_s``, then the oldest
        finished ones until a new run fits in ``max_runs`` (call with the lock held)."""
        now, lim = self._clock(), self.limits
        finished = [rid for rid, run in self._runs.items() if not run.snapshot().active]
        for rid in finished:
            if now - self._seen[rid] > lim.run_retention_s:
                self._drop(rid)
        extra = len(self._runs) + 1 - lim.max_runs
        for rid in [r for r in finished if r in self._runs][:max(0, extra)]:
            self._drop(rid)

    def _drop(self, run_id: str) -> None:
        del self._runs[run_id], self._seen[run_id]


_default: RunRegistry | None = None
_default_lock = threading.Lock()


def default_registry() -> RunRegistry:
    """The process's registry, created on first use with ``Limits.from_env()``."""
    global _default
    with _default_lock:
        if _default is None:
            _default = RunRegistry(Limits.from_env())
        return _default
