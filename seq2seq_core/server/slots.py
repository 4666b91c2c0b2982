"""Training slots: at most N runs train at once; the others wait in arrival order."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable


class SlotGate:
    """At most ``slots`` holders at once; waiters are served first come, first served."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._cond = threading.Condition()
        self._holders: set[str] = set()
        self._waiting: deque[str] = deque()

    def acquire(self, key: str, should_stop: Callable[[], bool], poll_s: float = 0.2) -> bool:
        """Block until ``key`` holds a slot (True) or ``should_stop()`` says so (False)."""
        with self._cond:
            self._waiting.append(key)
            try:
                while len(self._holders) >= self.slots or self._waiting[0] != key:
                    if should_stop():
                        return False
                    self._cond.wait(poll_s)
                self._holders.add(key)
                return True
            finally:
                self._waiting.remove(key)
                self._cond.notify_all()

    def release(self, key: str) -> None:
        with self._cond:
            self._holders.discard(key)
            self._cond.notify_all()

    def position(self, key: str) -> int | None:
        """How many waiters are ahead of ``key`` (0 = next), or None if it is not waiting."""
        with self._cond:
            return self._waiting.index(key) if key in self._waiting else None

    def counts(self) -> tuple[int, int]:
        """(slots in use, runs waiting)."""
        with self._cond:
            return len(self._holders), len(self._waiting)
