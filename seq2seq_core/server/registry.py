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

With a ``backend`` (a Ray cluster, when ``SEQ2SEQ_RAY_ADDRESS`` is set: see
``backend``) runs train there instead: the same calls start, find, touch and count
them, the cluster schedules them (the slots and the queue above apply only to runs in
this process's threads), and ``get`` also finds a run another app replica started.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from seq2seq_core.server.backend import backend_from_env
from seq2seq_core.server.errors import ClusterUnreachable, ServerBusy
from seq2seq_core.server.limits import Limits
from seq2seq_core.server.slots import SlotGate
from seq2seq_core.server.worker import RunSpec, TrainingRun

if TYPE_CHECKING:
    from seq2seq_core.server.backend import RemoteRun, RunBackend

RUN_ID = re.compile(r"[0-9a-f]{32}")
log = logging.getLogger(__name__)
__all__ = ["RUN_ID", "ClusterUnreachable", "RunRegistry", "ServerBusy", "default_registry"]


class RunRegistry:
    """Every training of the process, by run id; all methods are thread safe."""

    def __init__(self, limits: Limits | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 backend: RunBackend | None = None) -> None:
        self.limits = limits or Limits()
        self.gate = SlotGate(self.limits.train_slots)
        self.backend = backend
        self.notice: str | None = None  # why the last run trained here, not on the cluster
        self._clock = clock
        self._lock = threading.Lock()
        self._runs: dict[str, TrainingRun | RemoteRun] = {}  # oldest first
        self._seen: dict[str, float] = {}

    def submit(self, spec: RunSpec) -> TrainingRun | RemoteRun:
        """Start ``spec`` on the backend, or here now or queued for a slot.

        Raises:
            ServerBusy: ``train_slots`` runs train and ``max_queued`` wait already.
            ClusterUnreachable (a ``ServerBusy``): the backend's cluster cannot be
                reached, and its configuration does not fall back to local threads.
        """
        if self.backend is not None:
            remote = self._submit_remote(spec)
            if remote is not None:
                return remote
        lim = self.limits
        with self._lock:
            self._forget_old()
            active = sum(run.snapshot().active for run in self._runs.values()
                         if isinstance(run, TrainingRun))
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

    def _submit_remote(self, spec: RunSpec) -> RemoteRun | None:
        """The run started on the backend, or None to train here (fallback asked for)."""
        try:
            run = self.backend.submit(spec, self.limits)
        except ClusterUnreachable as err:
            if not self.backend.config.fallback_local:
                raise
            self.notice = f"{err} Training on this server instead."
            log.warning("%s", self.notice)
            return None
        self.notice = None
        with self._lock:
            self._forget_old()
            self._runs[run.run_id] = run
            self._seen[run.run_id] = self._clock()
        return run

    def get(self, run_id: str) -> TrainingRun | RemoteRun | None:
        """The run with this id, or None (unknown, malformed or forgotten id). With a
        backend, a run this registry does not know is looked for there (another app
        replica may have started it)."""
        if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id):
            return None
        with self._lock:
            run = self._runs.get(run_id)
        if run is not None or self.backend is None:
            return run
        found = self.backend.attach(run_id, self.limits)
        if found is None:
            return None
        with self._lock:
            run = self._runs.setdefault(run_id, found)
            self._seen.setdefault(run_id, self._clock())
            return run

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
        """Runs training, waiting and remembered in all (here and on the backend)."""
        training, waiting = self.gate.counts()
        with self._lock:
            runs = list(self._runs.values())
        for run in runs:
            if not isinstance(run, TrainingRun):
                status = run.snapshot().status
                training += status in ("starting", "running", "paused")
                waiting += status == "queued"
        return {"training": training, "queued": waiting, "runs": len(runs)}

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
    """The process's registry, created on first use with ``Limits.from_env()`` and the
    backend the environment names (``backend.backend_from_env``: none by default)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = RunRegistry(Limits.from_env(), backend=backend_from_env())
        return _default
