"""Where trainings run: this process's threads (the default) or a Ray cluster.

With ``SEQ2SEQ_RAY_ADDRESS`` unset nothing here imports Ray: ``backend_from_env``
returns None and the registry trains in worker threads under its slot limit. Set, it
returns a ``RayBackend`` (``ray_backend``, imported only then) that the registry asks
to start and find runs; Ray schedules them, so the local slot limit does not apply.

Settings (environment variables):

* ``SEQ2SEQ_RAY_ADDRESS``: ``auto`` (the cluster this machine belongs to),
  ``host:port`` (a head node's GCS port, 6379 by default), ``ray://host:port`` (Ray
  Client, port 10001, needs ``ray[client]``) or ``local`` (a private cluster started
  inside this process).
* ``SEQ2SEQ_RAY_FALLBACK``: ``local`` trains in this process's threads when the
  cluster cannot be reached; unset (or ``none``), an unreachable cluster refuses the
  training with ``ClusterUnreachable``.
* ``SEQ2SEQ_RAY_NAMESPACE``: the Ray namespace of the app's named actors (replicas
  that share it find each other's runs); default ``seq2seq-explorer``.
* ``SEQ2SEQ_RAY_LINGER_S``: seconds a finished run's actor waits for a last poll
  before it exits and frees its CPU (default 60).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from seq2seq_core.server.ray_config import (
    ADDRESS_VAR,
    FALLBACK_VAR,
    LINGER_VAR,
    NAMESPACE_VAR,
    RayConfig,
)

__all__ = ["ADDRESS_VAR", "FALLBACK_VAR", "LINGER_VAR", "NAMESPACE_VAR", "RayConfig",
           "RemoteRun", "RunBackend", "backend_from_env"]

if TYPE_CHECKING:
    from seq2seq_core.server.limits import Limits
    from seq2seq_core.server.worker import RunSnapshot, RunSpec

class RemoteRun(Protocol):
    """What the app uses of a run, whichever backend trains it (``TrainingRun`` has it)."""

    run_id: str
    spec: RunSpec

    def start(self) -> RemoteRun: ...
    def stop(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def advance(self, steps: int = 1) -> None: ...
    def set_speed(self, steps_per_second: float | None) -> None: ...
    def touch(self) -> None: ...
    def join(self, timeout: float | None = None) -> None: ...
    def snapshot(self) -> RunSnapshot: ...


class RunBackend(Protocol):
    """A place to train that is not this process's threads."""

    name: str
    config: RayConfig

    def submit(self, spec: RunSpec, limits: Limits) -> RemoteRun:
        """Start ``spec``; raises ``ClusterUnreachable`` when it cannot."""

    def attach(self, run_id: str) -> RemoteRun | None:
        """The run with this id started by any app connected to the backend, or None."""


def backend_from_env(env: Mapping[str, str] | None = None) -> RunBackend | None:
    """A ``RayBackend`` when ``SEQ2SEQ_RAY_ADDRESS`` is set (not yet connected: that
    happens at the first start), else None. Ray is imported only in the first case.

    Raises:
        ValueError: a malformed variable.
        ImportError: the variable is set, Ray is not installed and there is no fallback.
    """
    config = RayConfig.from_env(env)
    if config is None:
        return None
    try:
        from seq2seq_core.server.ray_backend import RayBackend  # Ray only when asked for
    except ImportError as err:
        message = (f"{ADDRESS_VAR} is set but Ray cannot be imported ({err}): "
                   "pip install -r requirements-ray.txt")
        if not config.fallback_local:
            raise ImportError(message) from err
        logging.getLogger(__name__).warning("%s; training in this process's threads", message)
        return None
    return RayBackend(config)
