"""Training in a background thread that any UI can poll.

``TrainingRun`` owns one training: it builds the task and model, runs ``Trainer`` in a
daemon thread that never touches a UI, records events under a lock and hands out
copies (``snapshot``, ``latest_model``). A Streamlit fragment, a CLI or a test polls it.

A run can be paused, resumed and advanced by hand (``pause``, ``resume``, ``advance``)
and slowed down (``set_speed``), as an instructor does to talk over a frozen picture:
between two optimisation steps the thread waits while paused, and after steps taken by
hand it evaluates, so every chart and the replay show the model of that step. A run
paused longer than ``pause_release_s`` gives its training slot back to the queue and
takes one again when it goes on.
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from seq2seq_core.config import TrainConfig
from seq2seq_core.inside.alignment import heldout_alignment_score
from seq2seq_core.inside.replay import SnapshotStore
from seq2seq_core.tasks import make_task
from seq2seq_core.train import EvalEvent, StepEvent, Trainer, TrainEvent, new_model
from seq2seq_core.trained import TrainedModel

if TYPE_CHECKING:
    from seq2seq_core.server.slots import SlotGate

RunStatus = Literal["queued", "starting", "running", "paused", "done", "stopped", "error",
                    "lost"]
MAX_HISTORY = 4000  # step events kept for curves; older ones are thinned, never dropped


@dataclass(frozen=True)
class RunSpec:
    """Everything that defines a run: task, its options, model fields and training config."""

    task: str
    task_options: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)
    train: TrainConfig = field(default_factory=TrainConfig)


@dataclass(frozen=True)
class RunSnapshot:
    """A copy of a run's progress.

    Attributes:
        status: "queued" (waiting for a training slot), "starting", "running", "paused",
            "done", "stopped", "error", or "lost" (the Ray worker training it died: what
            was seen last is kept, and ``error`` says what happened).
        step: steps done; total_steps: steps asked for.
        history: step events (thinned to at most about MAX_HISTORY, evenly spaced).
        evals: every held-out evaluation so far.
        error: the error message when status is "error".
        elapsed_s: seconds since the run started.
        steps_per_second: the speed limit set by ``set_speed`` (None = full speed).
        phase: what a "starting" run is doing: "data" (making the task: reading its
            dictionary or corpus, generating pairs), "model" (building the model and the
            trainer), "" otherwise.
    """

    status: RunStatus
    step: int
    total_steps: int
    history: tuple[StepEvent, ...]
    evals: tuple[EvalEvent, ...]
    error: str | None
    elapsed_s: float
    steps_per_second: float | None = None
    phase: Literal["", "data", "model"] = ""

    @property
    def active(self) -> bool:
        return self.status in ("queued", "starting", "running", "paused")


class TrainingRun:
    """One training in a daemon thread; every public method is safe from any thread.

    With a ``gate`` (``slots.SlotGate``) the thread first waits, status "queued", for
    one of the server's training slots. With ``idle_timeout_s`` it stops itself when
    nobody called ``touch`` (a browser polling it) for that many seconds.
    """

    def __init__(self, spec: RunSpec, gate: SlotGate | None = None,
                 idle_timeout_s: float = 0.0, pause_release_s: float = 60.0,
                 run_id: str | None = None) -> None:
        self.spec = spec
        self._gate, self.idle_timeout_s = gate, idle_timeout_s
        self.pause_release_s = pause_release_s
        self._wake = threading.Condition()
        self._paused = False
        self._budget = 0  # steps to take by hand while paused
        self._min_step_s = 0.0  # speed limit: seconds between two steps
        self._last_step = 0.0
        self._holds_slot = gate is None
        self._by_hand = False
        self._seen = time.monotonic()
        self.run_id = run_id or uuid.uuid4().hex  # given: a Ray actor's, named by its app
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._status: RunStatus = "starting"
        self._phase: Literal["", "data", "model"] = "data"  # its first job once started
        self._history: list[StepEvent] = []
        self._stride = 1
        self._evals: list[EvalEvent] = []
        self._step = 0
        self._error: str | None = None
        self._latest: TrainedModel | None = None
        self._started = time.perf_counter()
        self._started_once = False
        self._ended: float | None = None
        self.replay = SnapshotStore()  # the model at each evaluation, for training replay
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"train-{self.run_id[:8]}")

    def start(self) -> TrainingRun:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the thread to stop after its current step; the model so far is kept."""
        self._stop.set()
        with self._wake:
            self._wake.notify_all()

    def pause(self) -> None:
        """Hold the training after its current step (status "paused")."""
        with self._wake:
            self._paused = True

    def resume(self) -> None:
        """Go on training at the set speed."""
        with self._wake:
            self._paused, self._budget = False, 0
            self._wake.notify_all()

    def advance(self, steps: int = 1) -> None:
        """While paused, take ``steps`` optimisation steps, then evaluate and hold again.

        ``advance(cfg.eval_every)`` moves on by one evaluation interval.

        Raises:
            ValueError: for fewer than 1 step.
        """
        if steps < 1:
            raise ValueError(f"advance needs at least 1 step; got {steps}")
        with self._wake:
            self._paused = True
            self._budget += steps
            self._wake.notify_all()

    def set_speed(self, steps_per_second: float | None) -> None:
        """Slow the training to at most ``steps_per_second`` (None or 0: full speed)."""
        with self._wake:
            self._min_step_s = 1.0 / steps_per_second if steps_per_second else 0.0

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def touch(self) -> None:
        """Heartbeat: someone is still watching this run."""
        self._seen = time.monotonic()

    def _should_stop(self) -> bool:
        if self.idle_timeout_s and time.monotonic() - self._seen > self.idle_timeout_s:
            self._stop.set()  # nobody polled: the tab was closed
        return self._stop.is_set()

    def _before_step(self, trainer: Trainer) -> bool:
        """Called by the training loop before every step: True stops it. Waits while the
        run is paused (evaluating once after steps taken by hand, giving the slot back
        after ``pause_release_s``) and keeps the speed limit."""
        paused_since = None
        while not self._should_stop():
            with self._wake:
                if not self._paused or self._budget > 0:
                    wait = self._last_step + self._min_step_s - time.monotonic()
                    if wait > 0:  # the speed limit
                        self._wake.wait(min(wait, 0.2))
                        continue
                    if self._paused:
                        self._budget -= 1
                        self._by_hand = True
                    break
            if self._by_hand:  # show what the steps taken by hand did
                self._by_hand = False
                if not self._evals or self._evals[-1].step != trainer.step_count:
                    self._record(trainer.evaluate(), trainer)
            paused_since = paused_since or time.monotonic()
            self._set_status("paused")
            if (self._holds_slot and self._gate is not None
                    and time.monotonic() - paused_since > self.pause_release_s):
                self._gate.release(self.run_id)  # let a queued run train meanwhile
                self._holds_slot = False
            with self._wake:
                if self._paused and self._budget == 0:
                    self._wake.wait(0.2)
        else:
            return True
        if not self._holds_slot and not self._wait_for_slot():
            return True
        self._set_status("running")
        self._last_step = time.monotonic()
        return False

    def _set_status(self, status: RunStatus) -> None:
        with self._lock:
            self._status = status

    def _wait_for_slot(self) -> bool:
        """Queue for a training slot; False (and status "stopped") if stopped meanwhile."""
        with self._lock:
            self._status = "queued"
        if not self._gate.acquire(self.run_id, self._should_stop):
            with self._lock:
                self._status = "stopped"
            return False
        self._holds_slot = True
        with self._lock:
            if self._status == "queued" and not self._started_once:
                self._started = time.perf_counter()
            self._status = "starting"
        return True

    def _run(self) -> None:
        if self._gate is not None and not self._wait_for_slot():
            with self._lock:
                self._ended = time.perf_counter()
            return
        try:
            spec = self.spec
            self._set_phase("data")
            task = make_task(spec.task, seed=spec.train.seed, **spec.task_options)
            self._set_phase("model")
            trainer = Trainer(new_model(task, spec.model, spec.train.seed), task, spec.train,
                              heldout_alignment_score)
            with self._lock:
                self._status, self._started_once, self._phase = "running", True, ""
            result = trainer.run(lambda event: self._record(event, trainer),
                                 lambda: self._before_step(trainer))
            with self._lock:
                self._latest = result  # after a fault: the last good weights
                if trainer.fault:
                    self._status, self._error = "error", trainer.fault
                else:
                    self._status = "stopped" if self._stop.is_set() else "done"
        except Exception as err:  # surfaced to the UI, never raised in a thread
            with self._lock:
                self._status, self._error = "error", f"{type(err).__name__}: {err}"
        finally:
            with self._lock:
                self._ended = time.perf_counter()
            if self._gate is not None and self._holds_slot:
                self._gate.release(self.run_id)

    def _set_phase(self, phase: Literal["", "data", "model"]) -> None:
        with self._lock:
            self._phase = phase

    def _record(self, event: TrainEvent, trainer: Trainer) -> None:
        if isinstance(event, EvalEvent):
            model = copy.deepcopy(trainer.model).eval()  # decodable copy, taken between steps
            info = {"task": self.spec.task, "steps": event.step,
                    "heldout_exact_match": event.exact_match,
                    "heldout_token_accuracy": event.token_accuracy}
            latest = TrainedModel(model, trainer.tm.src_vocab, trainer.tm.tgt_vocab,
                                  self.spec.task, info)
        with self._lock:
            if isinstance(event, StepEvent):
                self._step = event.step
                if event.step % self._stride == 0:
                    self._history.append(event)
                if len(self._history) > MAX_HISTORY:  # keep every other point
                    self._history = self._history[1::2]
                    self._stride *= 2
            else:
                self._evals.append(event)
                self._latest = latest
                self.replay.add(event.step, latest)

    def snapshot(self) -> RunSnapshot:
        with self._lock:
            speed = 1.0 / self._min_step_s if self._min_step_s else None
            return RunSnapshot(self._status, self._step, self.spec.train.steps,
                               tuple(self._history), tuple(self._evals), self._error,
                               (self._ended or time.perf_counter()) - self._started, speed,
                               self._phase if self._status == "starting" else "")

    def latest_model(self) -> TrainedModel | None:
        """The model at the last evaluation (or the final one), in eval mode; None before."""
        with self._lock:
            return self._latest
