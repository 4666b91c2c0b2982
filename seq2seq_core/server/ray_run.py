"""A run trained by a Ray actor, seen from the app: the ``TrainingRun`` interface.

``RayRun`` keeps a copy of everything its actor reported (step events, evaluations,
replay snapshots and the latest model, read from checkpoint bytes) and brings it up to
date at most every ``POLL_EVERY_S`` when someone asks (``snapshot``, ``latest_model``,
``replay.snapshots()``), waiting at most ``WAIT_S`` for the actor's answer: a slow or
busy cluster shows the last copy instead of holding the page.

Status: "queued" while Ray has not placed the actor (no free CPU or GPU in the
cluster), then the actor's own; "lost" when the actor died (``ray.kill``, a worker or
node failure): what was copied last stays, usable, and the error says so. Once the
run has ended and every app watching it has copied its last state, the actor exits by
itself (``ray_actor``), so its CPU goes back to the cluster at once.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from typing import Any

import ray
from ray.exceptions import ActorUnavailableError, RayActorError, RayError

from seq2seq_core.inside.replay import MAX_BYTES, MAX_SNAPSHOTS, Snapshot, model_bytes
from seq2seq_core.server.ray_actor import Cursor, PollReply
from seq2seq_core.server.transfer import model_from_bytes
from seq2seq_core.server.worker import RunSnapshot, RunSpec
from seq2seq_core.train import EvalEvent, StepEvent
from seq2seq_core.trained import TrainedModel

POLL_EVERY_S = 0.25  # a copy younger than this (s) is served as it is
WAIT_S = 2.0  # longest (s) a caller waits for the actor's answer
TOUCH_EVERY_S = 2.0  # heartbeats sent on at most this often (s)
ACTIVE = ("queued", "starting", "running", "paused")


class MirroredStore:
    """The replay snapshots of a remote run, read as a ``SnapshotStore`` is."""

    def __init__(self, refresh: Any) -> None:
        self.max_snapshots, self.max_bytes = MAX_SNAPSHOTS, MAX_BYTES
        self._refresh = refresh
        self.kept: tuple[Snapshot, ...] = ()

    def snapshots(self) -> tuple[Snapshot, ...]:
        """The kept snapshots, oldest first, the newest last (brought up to date)."""
        self._refresh()
        return self.kept

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.kept)


class RayRun:
    """One run on the cluster; every public method is thread safe.

    Args:
        run_id: the run's id, which is its actor's name.
        actor: the actor's handle.
        spec: what it trains.
        idle_timeout_s: a run still waiting for the cluster that nobody touched for
            this long (s) is cancelled (0: never).
    """

    def __init__(self, run_id: str, actor: Any, spec: RunSpec,
                 idle_timeout_s: float = 0.0) -> None:
        self.run_id, self.spec, self.idle_timeout_s = run_id, spec, idle_timeout_s
        self._actor = actor
        self._poller = uuid.uuid4().hex  # who we are to the actor
        self._lock = threading.RLock()
        self._ready_ref = actor.ready.remote()
        self._placed = False
        self._pending: Any = None  # the poll in flight
        self._asked = 0.0  # when it was sent (perf_counter s)
        self._polled = float("-inf")
        self._touched = time.monotonic()
        self._sent_touch = float("-inf")
        self._submitted = time.perf_counter()
        self._reply: PollReply | None = None
        self._history: list[StepEvent] = []
        self._evals: list[EvalEvent] = []
        self._models: dict[int, TrainedModel] = {}
        self._latest: TrainedModel | None = None
        self._final: str | None = None  # our own verdict: "lost", "stopped" or "error"
        self._error: str | None = None
        self._ended = False  # the actor reported an end: nothing more to copy
        self.replay = MirroredStore(self._refresh_locked)
        self.poll_seconds: deque[float] = deque(maxlen=1000)  # answered polls' waits (s)

    def start(self) -> RayRun:
        return self

    def _send(self, method: str, *args: Any) -> None:
        """Call an actor method without waiting; a dead actor shows at the next poll."""
        try:
            getattr(self._actor, method).remote(*args)
        except RayError:
            pass
        self._polled = float("-inf")  # the next snapshot asks again

    def _is_placed(self) -> bool:
        if not self._placed:
            done, _ = ray.wait([self._ready_ref], timeout=0)
            if done:
                try:
                    ray.get(self._ready_ref)
                except RayError as err:
                    self._fail("error", f"The training could not start on the cluster: "
                                        f"{_first_line(err)}")
                    return False
                self._placed = True
        return self._placed

    def stop(self) -> None:
        """Stop after the current step; a run still waiting for the cluster ends now."""
        with self._lock:
            if self._final or self._ended:
                return
            if not self._is_placed():
                if not self._final:  # still waiting for the cluster: it never trains
                    self._fail("stopped", None)
                return
        self._send("stop")

    def pause(self) -> None:
        self._send("pause")

    def resume(self) -> None:
        self._send("resume")

    def advance(self, steps: int = 1) -> None:
        """See ``TrainingRun.advance``. Raises ValueError for fewer than 1 step."""
        if steps < 1:
            raise ValueError(f"advance needs at least 1 step; got {steps}")
        self._send("advance", steps)

    def set_speed(self, steps_per_second: float | None) -> None:
        self._send("set_speed", steps_per_second)

    def touch(self) -> None:
        """Heartbeat, passed on to the actor at most every ``TOUCH_EVERY_S``."""
        now = self._touched = time.monotonic()
        if now - self._sent_touch >= TOUCH_EVERY_S and not (self._final or self._ended):
            self._sent_touch = now
            self._send("touch")

    def expire_if_idle(self) -> None:
        """Cancel a run still waiting for the cluster that nobody touched for
        ``idle_timeout_s`` (its tab was closed); the backend calls this now and then."""
        with self._lock:
            idle = time.monotonic() - self._touched
            if (self.idle_timeout_s and idle > self.idle_timeout_s and not self._final
                    and not self._is_placed() and not self._final):
                self._fail("stopped", None)  # (an actor that failed to start keeps "error")

    def join(self, timeout: float | None = None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.snapshot().active and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.1)

    def snapshot(self) -> RunSnapshot:
        with self._lock:
            self._refresh_locked()
            r = self._reply
            if self._final or r is None:
                status = self._final or ("starting" if self._placed else "queued")
                elapsed = r.elapsed_s if r else time.perf_counter() - self._submitted
            else:
                status, elapsed = r.status, r.elapsed_s
            return RunSnapshot(
                status, r.step if r else 0, self.spec.train.steps, tuple(self._history),
                tuple(self._evals), self._error or (r.error if r else None), elapsed,
                r.steps_per_second if r else None)

    def latest_model(self) -> TrainedModel | None:
        """The model at the last evaluation copied (or the final one); None before."""
        with self._lock:
            self._refresh_locked()
            return self._latest

    def _refresh_locked(self) -> None:
        with self._lock:
            if self._final or self._ended or time.monotonic() - self._polled < POLL_EVERY_S:
                return
            if not self._is_placed():
                self._polled = time.monotonic()
                return
            if self._pending is None:
                self._pending = self._actor.poll.remote(self._cursor())
                self._asked = time.perf_counter()
            done, _ = ray.wait([self._pending], timeout=WAIT_S)
            if not done:
                return  # the answer is late: show the last copy, collect it next time
            ref, self._pending = self._pending, None
            self._polled = time.monotonic()
            try:
                reply = ray.get(ref)
            except ActorUnavailableError:
                return  # restarting or unreachable for now: ask again later
            except RayActorError as err:
                self._fail("lost", self._lost_message(err))
                return
            except RayError:
                return
            self.poll_seconds.append(time.perf_counter() - self._asked)
            self._apply(reply)

    def _cursor(self) -> Cursor:
        last = self._history[-1].step if self._history else -1
        return Cursor(self._poller, len(self._history), last, len(self._evals),
                      frozenset(self._models))

    def _apply(self, reply: PollReply) -> None:
        if reply.history_reset:
            self._history = list(reply.history)
        else:
            self._history.extend(reply.history)
        self._evals.extend(reply.evals)
        for serial, data in reply.models.items():
            self._models[serial] = model_from_bytes(data)
        keep = {serial for serial, _ in reply.replay} | {reply.latest}
        self._models = {k: v for k, v in self._models.items() if k in keep}
        self.replay.kept = tuple(Snapshot(step, self._models[serial],
                                          model_bytes(self._models[serial]))
                                 for serial, step in reply.replay if serial in self._models)
        if reply.latest is not None:
            self._latest = self._models[reply.latest]
        self._reply = reply
        self._ended = reply.status not in ACTIVE  # all is copied; the actor exits by itself
        if self._ended:  # once told we have it all (fire and forget)
            try:
                self._actor.ack.remote(self._poller)
            except RayError:
                pass

    def _lost_message(self, err: Exception) -> str:
        step = self._reply.step if self._reply else 0
        kept = (f"its last evaluation (step {self._evals[-1].step}), replay snapshots and "
                "model are kept" if self._evals else "nothing had been evaluated yet")
        return (f"The Ray worker training this run was lost at step {step} "
                f"({_first_line(err)}); {kept}.")

    def _fail(self, status: str, error: str | None) -> None:
        self._final, self._error = status, error
        self._kill()

    def _kill(self) -> None:
        try:
            ray.kill(self._actor, no_restart=True)
        except (RayError, ValueError):
            pass  # already gone


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return (text[0] if text else type(err).__name__)[:300]
