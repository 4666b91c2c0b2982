"""Training runs as Ray actors: connect to the cluster, start runs, find them by id.

``RayBackend`` is what the registry asks when ``SEQ2SEQ_RAY_ADDRESS`` is set
(``backend.backend_from_env``). Each run becomes a detached actor named by its run id
in the app's namespace, asking for one CPU (one GPU when its device is ``cuda``), so
any app replica connected to the cluster finds it again by that id (``attach``); Ray
places it when the resources are free (meanwhile the run shows "queued"). When the
backend connects (``ray.init``), the core's code travels to the workers as the job's
``py_modules`` package (``job_runtime_env``), so every node trains with the app's own
version of it; its dependencies (``requirements.txt``) must be installed on every node.
A process that called ``ray.init`` itself passes ``job_runtime_env()`` to it (or relies
on Ray's own search path, which reaches workers on the same machine).

Connecting happens at the first start, not at import: an unreachable cluster raises
``ClusterUnreachable`` naming the address (and the next attempt waits
``RayConfig.retry_s``), which the registry turns into local threads when the operator
set ``SEQ2SEQ_RAY_FALLBACK=local``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
import weakref
from pathlib import Path
from typing import Any

import ray
from ray.exceptions import RayError

from seq2seq_core.server.errors import ClusterUnreachable
from seq2seq_core.server.limits import Limits
from seq2seq_core.server.ray_actor import RunActor
from seq2seq_core.server.ray_config import ADDRESS_VAR, FALLBACK_VAR, RayConfig
from seq2seq_core.server.ray_run import WAIT_S, RayRun
from seq2seq_core.server.worker import RunSpec

CORE = Path(__file__).resolve().parents[1]  # the seq2seq_core package, shipped to workers
SWEEP_S = 5.0  # how often (s) runs still waiting for the cluster are checked for heartbeats


def check_reachable(address: str, timeout_s: float) -> None:
    """Open and close a TCP connection to the head's port of a ``host:port`` or
    ``ray://host:port`` address (``auto`` and ``local`` are left to Ray).

    Raises:
        OSError: nothing answers there within ``timeout_s`` seconds.
        ValueError: the address has no port.
    """
    if address in ("auto", "local"):
        return
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError("expected auto, host:port or ray://host:port")
    socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()


def job_runtime_env() -> dict[str, Any]:
    """The Ray job's runtime environment: this ``seq2seq_core`` package shipped to the
    workers (a few hundred kB, uploaded once per version), one torch thread each."""
    return {"py_modules": [str(CORE)], "excludes": ["__pycache__/", "*.pyc"],
            "env_vars": {"OMP_NUM_THREADS": "1"}}


def unreachable_message(address: str, reason: str) -> str:
    token = ("" if address in ("auto", "local") or os.environ.get("RAY_AUTH_MODE") else
             " A cluster with token authentication (what `ray start` does when it finds a "
             "token) also needs RAY_AUTH_MODE=token here, and its token in RAY_AUTH_TOKEN "
             "or ~/.ray/auth_token.")
    return (f"The Ray cluster at {address!r} ({ADDRESS_VAR}) cannot be reached: {reason}. "
            "Start it (`ray start --head` on its head machine) or correct the address; to "
            f"train on this server instead, unset {ADDRESS_VAR}, or set {FALLBACK_VAR}=local "
            f"to do so whenever the cluster is out of reach.{token} Your settings are kept.")


class RayBackend:
    """Starts and finds runs on one Ray cluster; thread safe.

    Args:
        config: address, namespace, fallback and linger (``backend.RayConfig``).
    """

    name = "ray"

    def __init__(self, config: RayConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._connected = False
        self._failure = ""
        self._failed_at = float("-inf")
        self._remote = ray.remote(RunActor)
        self._runs: weakref.WeakSet[RayRun] = weakref.WeakSet()
        self._sweeper: threading.Thread | None = None

    def connect(self) -> None:
        """Join the cluster (once; a process already connected by ``ray.init`` is used
        as it is).

        Raises:
            ClusterUnreachable: the address does not answer or Ray refuses it; within
                ``retry_s`` of a failure, at once with the same message.
        """
        cfg = self.config
        with self._lock:
            if self._connected and ray.is_initialized():
                return
            if time.monotonic() - self._failed_at < cfg.retry_s:
                raise ClusterUnreachable(self._failure)
            try:
                if not ray.is_initialized():
                    check_reachable(cfg.address, cfg.connect_timeout_s)
                    ray.init(address=cfg.address, namespace=cfg.namespace,
                             runtime_env=job_runtime_env(), log_to_driver=False,
                             logging_level=logging.WARNING)
            except Exception as err:  # OSError, ConnectionError, ValueError, RayError...
                self._failed_at = time.monotonic()
                reason = f"{type(err).__name__}: {err}".strip().splitlines()[0][:300]
                self._failure = unreachable_message(cfg.address, reason)
                raise ClusterUnreachable(self._failure) from None
            self._connected = True

    def submit(self, spec: RunSpec, limits: Limits) -> RayRun:
        """Start ``spec`` as a named actor; Ray places it when a CPU (GPU) is free.

        Raises:
            ClusterUnreachable: no connection, or a ``cuda`` run on a cluster without GPU.
        """
        self.connect()
        gpus = 1 if spec.train.device == "cuda" else 0
        try:
            if gpus and ray.cluster_resources().get("GPU", 0) < 1:
                raise ClusterUnreachable(
                    f"The Ray cluster at {self.config.address!r} has no GPU: train on the "
                    "cpu device, or add a GPU machine (`ray start --address ... "
                    "--num-gpus 1`).")
            run_id = uuid.uuid4().hex
            actor = self._remote.options(
                name=run_id, namespace=self.config.namespace, lifetime="detached",
                max_restarts=0, num_cpus=1, num_gpus=gpus).remote(
                    spec, run_id, limits.heartbeat_timeout_s, limits.pause_release_s,
                    self.config.linger_s)
            run = RayRun(run_id, actor, spec, limits.heartbeat_timeout_s)
        except RayError as err:
            raise ClusterUnreachable(unreachable_message(self.config.address,
                                                         str(err).splitlines()[0])) from None
        self._track(run)
        return run

    def attach(self, run_id: str, limits: Limits | None = None) -> RayRun | None:
        """The run named ``run_id`` in this namespace, started by any app replica, or None
        (no such actor, no connection, or the run still waits for the cluster: it can be
        found once it trains)."""
        try:
            self.connect()
            actor = ray.get_actor(run_id, namespace=self.config.namespace)
            spec = ray.get(actor.spec.remote(), timeout=WAIT_S)
        except (ClusterUnreachable, ValueError, RayError):
            return None
        timeout = (limits or Limits()).heartbeat_timeout_s
        run = RayRun(run_id, actor, spec, timeout)
        self._track(run)
        return run

    def _track(self, run: RayRun) -> None:
        with self._lock:
            self._runs.add(run)
            if self._sweeper is None:
                self._sweeper = threading.Thread(target=self._sweep, daemon=True,
                                                 name="ray-run-sweeper")
                self._sweeper.start()

    def _sweep(self) -> None:
        """Cancel runs still waiting for the cluster whose tabs were closed."""
        while True:
            time.sleep(SWEEP_S)
            with self._lock:
                runs = list(self._runs)
            for run in runs:
                try:
                    run.expire_if_idle()
                except Exception:  # one run's trouble never stops the sweep
                    pass

    def describe(self) -> dict[str, Any]:
        """Address, namespace and the cluster's CPUs and GPUs (total and free)."""
        self.connect()
        total, free = ray.cluster_resources(), ray.available_resources()
        return {"address": self.config.address, "namespace": self.config.namespace,
                **{f"{k.lower()}s": total.get(k, 0.0) for k in ("CPU", "GPU")},
                **{f"free_{k.lower()}s": free.get(k, 0.0) for k in ("CPU", "GPU")}}
