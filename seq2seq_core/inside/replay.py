"""Training replay: a bounded store of model snapshots, and what a probe looks like in each.

A ``TrainingRun`` adds the decodable copy it makes at every evaluation, so snapshots
cost no extra copying, only the memory of keeping them. When the store is full it
drops every other snapshot (they stay evenly spaced over training) and keeps the
newest one regardless; a byte budget caps the count for large models.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from seq2seq_core.inside.projection import PCABasis, project
from seq2seq_core.inside.trace import StateSelection, Trace, trace
from seq2seq_core.trained import TrainedModel

MAX_SNAPSHOTS = 40
MAX_BYTES = 128 * 2**20  # 128 MiB per run


def model_bytes(tm: TrainedModel) -> int:
    """Bytes of a model's parameters and buffers (what a snapshot keeps alive)."""
    return sum(t.numel() * t.element_size() for t in tm.model.state_dict().values())


@dataclass(frozen=True)
class Snapshot:
    """The model after ``step`` training steps (a copy nobody trains), and its size."""

    step: int
    tm: TrainedModel
    nbytes: int


class SnapshotStore:
    """At most ``capacity`` snapshots, evenly spaced over the additions, newest always kept.

    Thread safe: the training thread adds, any UI thread reads.

    Example (capacity 4, adds at steps 1..6): after 4 adds [1, 2, 3, 4]; the 5th makes
    five, so every other one goes: [1, 3, 5]; the 6th is off the new stride of 2 and
    is kept only as the newest: [1, 3, 5, 6].
    """

    def __init__(self, max_snapshots: int = MAX_SNAPSHOTS, max_bytes: int = MAX_BYTES) -> None:
        if max_snapshots < 2:
            raise ValueError(f"max_snapshots must be at least 2; got {max_snapshots}")
        self.max_snapshots, self.max_bytes = max_snapshots, max_bytes
        self._lock = threading.Lock()
        self._kept: list[Snapshot] = []  # additions 0, stride, 2 * stride, ...
        self._newest: Snapshot | None = None
        self._stride = 1
        self._added = 0

    def capacity(self, snapshot_bytes: int) -> int:
        """How many snapshots of this size fit both budgets (at least 2)."""
        return max(2, min(self.max_snapshots, self.max_bytes // max(1, snapshot_bytes)))

    def add(self, step: int, tm: TrainedModel) -> None:
        """Keep ``tm`` (the caller must never train it again) as the snapshot at ``step``."""
        snap = Snapshot(step, tm, model_bytes(tm))
        with self._lock:
            cap = self.capacity(snap.nbytes)
            if self._added % self._stride == 0:
                self._kept.append(snap)
            self._newest = snap
            self._added += 1
            while len(self._kept) + (self._newest is not self._kept[-1]) > cap:
                self._kept = self._kept[::2]  # still evenly spaced, at twice the stride
                self._stride *= 2

    def snapshots(self) -> tuple[Snapshot, ...]:
        """The kept snapshots, oldest first, the newest last."""
        with self._lock:
            if self._newest is None:
                return ()
            extra = [] if self._kept and self._kept[-1] is self._newest else [self._newest]
            return tuple(self._kept + extra)

    @property
    def nbytes(self) -> int:
        """Bytes kept alive by the snapshots."""
        return sum(s.nbytes for s in self.snapshots())


@dataclass(frozen=True, eq=False)
class ReplayFrame:
    """A probe input seen through one snapshot.

    Attributes:
        step: training steps of the snapshot.
        trace: the probe's greedy decode, from inside.
        points: (N, k) the selected states projected on the shared basis.
    """

    step: int
    trace: Trace
    points: np.ndarray


def replay_frames(snapshots: tuple[Snapshot, ...], text: str, basis: PCABasis,
                  sel: StateSelection, max_len: int = 50) -> tuple[ReplayFrame, ...]:
    """Trace ``text`` with every snapshot and project its states on one ``basis``."""
    frames = []
    for snap in snapshots:
        tr = trace(snap.tm, text, max_len=max_len)
        frames.append(ReplayFrame(snap.step, tr, project(basis, tr.states(sel))))
    return tuple(frames)
