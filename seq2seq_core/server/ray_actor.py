"""One training inside a Ray actor: a ``TrainingRun`` and what its pollers have not seen.

``RunActor`` is a plain class; ``ray_backend`` makes it a named, detached Ray actor
(one CPU, or one GPU for a ``cuda`` run) keyed by the run id. Inside, the run trains in
its own thread exactly as in the app's process (same code, same seed, same weights);
the actor's methods are the controls (``stop``, ``pause``, ``resume``, ``advance``,
``set_speed``, ``touch``) and ``poll``, which returns only what the caller lacks: new
step events, new evaluations, and the replay snapshots and latest model it has not got
yet, as checkpoint bytes (``transfer``), never pickled modules.

Models are named by a serial number the actor gives each one the first time a poll
sees it, so a poller that already holds a snapshot is not sent it again.

A run nobody touches for its heartbeat timeout stops itself (``TrainingRun``). Once
the run has ended, the actor exits (freeing its CPU) as soon as every poller seen in
the last ``RECENT_S`` has collected the final state (several app replicas may watch
one run), or after ``linger_s`` with no poll or touch at all.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

import torch

from seq2seq_core.server.transfer import model_to_bytes
from seq2seq_core.server.worker import RunSpec, TrainingRun
from seq2seq_core.train import EvalEvent, StepEvent
from seq2seq_core.trained import TrainedModel

RECENT_S = 15.0  # a poller seen this recently (s) is waited for before the actor exits


@dataclass(frozen=True)
class Cursor:
    """What a poller already has.

    Attributes:
        history_len: step events it holds; history_last: the step of its last one
            (-1 for none): if the actor's event at that index has another step, the
            history was thinned and the whole of it is sent again.
        evals_len: evaluations it holds (they are only ever appended).
        models: serial numbers of the models it holds.
        poller: who asks (one id per app-side copy of the run).
    """

    poller: str = ""
    history_len: int = 0
    history_last: int = -1
    evals_len: int = 0
    models: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PollReply:
    """A run's progress since a ``Cursor``.

    Attributes:
        status, step, total_steps, error, elapsed_s (s), steps_per_second: as in
            ``RunSnapshot``.
        history: step events after the cursor's, or all of them when
            ``history_reset``.
        evals: evaluations after the cursor's.
        replay: (serial, step) of each kept replay snapshot, oldest first.
        latest: serial of the latest model, or None before the first evaluation.
        models: checkpoint bytes of every model in ``replay`` or ``latest`` the cursor
            lacks, by serial.
    """

    status: str
    step: int
    total_steps: int
    error: str | None
    elapsed_s: float
    steps_per_second: float | None
    history: tuple[StepEvent, ...]
    history_reset: bool
    evals: tuple[EvalEvent, ...]
    replay: tuple[tuple[int, int], ...]
    latest: int | None
    models: dict[int, bytes] = field(default_factory=dict)


class RunActor:
    """The body of a run's Ray actor; see the module docstring.

    Args:
        spec: what to train.
        run_id: the run's id (the actor's name).
        idle_timeout_s: stop training when nobody touched the run for this long (s).
        pause_release_s: as ``TrainingRun``'s (no slots here, so it changes nothing).
        linger_s: exit this long (s) after the run ended and nobody polled.
    """

    def __init__(self, spec: RunSpec, run_id: str, idle_timeout_s: float,
                 pause_release_s: float, linger_s: float) -> None:
        torch.set_num_threads(1)  # one CPU asked for, as a local run's thread uses one
        self.run = TrainingRun(spec, idle_timeout_s=idle_timeout_s,
                               pause_release_s=pause_release_s, run_id=run_id).start()
        self.linger_s = linger_s
        self._contact = time.monotonic()
        self._serials: dict[int, tuple[int, TrainedModel]] = {}  # id(model) -> serial
        self._next = 0
        self._pollers: dict[str, tuple[float, bool]] = {}  # id -> (last poll, has the end)
        threading.Thread(target=self._watch, daemon=True, name="linger").start()

    def ready(self) -> str:
        """The run id, once the actor is placed and built."""
        return self.run.run_id

    def spec(self) -> RunSpec:
        return self.run.spec

    def pid(self) -> int:
        """The worker process's id (tests, benchmarks)."""
        return os.getpid()

    def touch(self) -> None:
        self._contact = time.monotonic()
        self.run.touch()

    def stop(self) -> None:
        self.run.stop()

    def pause(self) -> None:
        self.run.pause()

    def resume(self) -> None:
        self.run.resume()

    def advance(self, steps: int) -> None:
        self.run.advance(steps)

    def set_speed(self, steps_per_second: float | None) -> None:
        self.run.set_speed(steps_per_second)

    def _serial(self, tm: TrainedModel) -> int:
        key = id(tm)
        if key not in self._serials:
            self._serials[key] = (self._next, tm)  # holding tm keeps its id unique
            self._next += 1
        return self._serials[key][0]

    def poll(self, cursor: Cursor) -> PollReply:
        """Everything new since ``cursor`` (see ``PollReply``)."""
        self._contact = time.monotonic()
        snap = self.run.snapshot()
        acked = self._pollers.get(cursor.poller, (0.0, False))[1]
        self._pollers[cursor.poller] = (self._contact, acked)
        history, n = snap.history, cursor.history_len
        reset = n > len(history) or (n > 0 and history[n - 1].step != cursor.history_last)
        snaps = self.run.replay.snapshots()
        latest = self.run.latest_model()
        kept = {id(s.tm) for s in snaps} | ({id(latest)} if latest is not None else set())
        self._serials = {k: v for k, v in self._serials.items() if k in kept}
        replay = tuple((self._serial(s.tm), s.step) for s in snaps)
        latest_serial = None if latest is None else self._serial(latest)
        wanted = {serial: tm for serial, tm in self._serials.values()
                  if serial not in cursor.models}
        return PollReply(snap.status, snap.step, snap.total_steps, snap.error, snap.elapsed_s,
                         snap.steps_per_second, history if reset else history[n:], reset,
                         snap.evals[cursor.evals_len:], replay, latest_serial,
                         {serial: model_to_bytes(tm) for serial, tm in wanted.items()})

    def ack(self, poller: str) -> None:
        """``poller`` has applied a reply with the run's end: it needs nothing more. (A
        reply marked as sent is not enough: a loaded client may give up waiting for it
        and ask again, and the actor must still be there to answer.)"""
        self._contact = time.monotonic()
        self._pollers[poller] = (self._contact, True)

    def collected(self) -> bool:
        """True once the run has ended and every recent poller acknowledged its final
        state (``ack``), or nobody polled nor touched for ``linger_s``: the actor is no
        longer needed."""
        if self.run.snapshot().active:
            return False
        now = time.monotonic()
        if now - self._contact >= self.linger_s:
            return True
        pollers = list(self._pollers.values())
        return any(done for _, done in pollers) and all(
            done or now - seen > RECENT_S for seen, done in pollers)

    def _watch(self) -> None:
        while not self.collected():
            time.sleep(min(0.5, max(self.linger_s / 4, 0.05)))
        self.exit()

    def exit(self) -> None:
        """End this actor (its resources go back to the cluster); outside an actor, nothing."""
        import ray  # only ever run inside a Ray worker

        if not ray.is_initialized() or ray.get_runtime_context().get_actor_id() is None:
            return
        try:
            ray.kill(ray.get_runtime_context().current_actor, no_restart=True)
        except Exception:  # the cluster is going away: leave by ourselves
            pass
        time.sleep(5.0)
        os._exit(0)
