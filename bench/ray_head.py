"""A Ray head on this machine for the load harness (``--backend ray``), and what it costs.

``start_head`` runs ``ray start --head --block`` on 127.0.0.1 only (Ray's
``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` keeps every port on loopback), in its own
session and temporary folder, with token authentication on a fresh token;
``stop_head`` ends the whole session. ``ray_rss`` sums the resident memory of every
process in that session (GCS, raylet, the actors' workers). ``probe`` connects this
process to the head as an app would and times a run's start (actor creation, then the
first step) and single polls (``RayRun.snapshot`` when its copy is stale).

Import it as ``bench.ray_head`` with the repository root on ``sys.path``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Head:
    """A running head: its ``ray start`` process, address and the environment an app
    (or the probe) needs to join it."""

    proc: subprocess.Popen
    address: str
    env: dict[str, str]
    temp: str


def start_head(cpus: int, port: int, timeout_s: float = 120.0) -> Head:
    """``ray start --head`` with ``cpus`` CPUs on 127.0.0.1:``port``, once it answers.

    Raises:
        RuntimeError: it exited or did not answer within ``timeout_s`` seconds.
    """
    env = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0",
           "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
    temp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")  # short: Ray puts sockets there
    proc = subprocess.Popen(
        [sys.executable, "-m", "ray.scripts.scripts", "start", "--head", "--port", str(port),
         "--node-ip-address", "127.0.0.1", "--num-cpus", str(cpus), "--include-dashboard",
         "false", "--disable-usage-stats", "--temp-dir", temp, "--block"],
        env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        cwd=temp, start_new_session=True)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return Head(proc, f"127.0.0.1:{port}", env, temp)
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop_head(Head(proc, "", env, temp))
                raise RuntimeError("ray start --head did not come up") from None
            time.sleep(0.2)


def stop_head(head: Head) -> None:
    """End every process of the head's session, then remove its folder."""
    for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 0.0)):
        try:
            os.killpg(head.proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            head.proc.wait(wait or None)
        except subprocess.TimeoutExpired:
            pass
    shutil.rmtree(head.temp, ignore_errors=True)


def session_pids(session: int) -> list[int]:
    """Processes whose session id is ``session`` (field 6 of /proc/PID/stat)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:
            pids.append(int(stat.parent.name))
    return pids


def ray_rss(head: Head) -> tuple[float, int]:
    """(resident MiB of all the head's processes, actor worker processes among them)."""
    total, workers = 0.0, 0
    for pid in session_pids(head.proc.pid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        rss = next((line.split()[1] for line in status.splitlines()
                    if line.startswith("VmRSS:")), "0")
        total += int(rss) / 1024
        workers += b"RunActor" in cmdline
    return total, workers


def probe(head: Head, runs: int = 3, polls: int = 200) -> dict:
    """Time ``runs`` run starts one after another and ``polls`` single polls of a running
    run, from this process joined to the head (the app's registry and backend).

    Returns:
        {"actor_ready_s": [...], "first_step_s": [...], "poll_ms": {"p50", "p95", "max"}}:
        seconds from submit until the actor answers, until the run's first step, and
        milliseconds of one forced poll.
    """
    os.environ.update(head.env)
    import ray

    from seq2seq_core import TrainConfig
    from seq2seq_core.server import Limits, RayConfig, RunRegistry, RunSpec
    from seq2seq_core.server import ray_run
    from seq2seq_core.server.ray_backend import RayBackend

    backend = RayBackend(RayConfig(head.address, namespace="seq2seq-bench"))
    registry = RunRegistry(Limits(), backend=backend)
    spec = RunSpec("dates", {}, {}, TrainConfig(steps=100_000, eval_every=100))
    ready, first, times = [], [], []
    try:
        for _ in range(runs):
            t0 = time.perf_counter()
            run = registry.submit(spec)
            ray.get(run._ready_ref, timeout=300)
            ready.append(time.perf_counter() - t0)
            while run.snapshot().step < 1:
                time.sleep(0.01)
            first.append(time.perf_counter() - t0)
            for _ in range(polls if not times else 0):
                run._polled = float("-inf")  # a stale copy: this snapshot asks the actor
                t1 = time.perf_counter()
                run.snapshot()
                times.append(1000 * (time.perf_counter() - t1))
                time.sleep(max(0.0, ray_run.POLL_EVERY_S / 10))
            run.stop()
            run.join(60)
    finally:
        registry.stop_all(60)
        ray.shutdown()
    qs = statistics.quantiles(times, n=100, method="inclusive")
    return {"actor_ready_s": ready, "first_step_s": first,
            "poll_ms": {"p50": statistics.median(times), "p95": qs[94], "max": max(times)}}
