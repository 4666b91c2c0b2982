"""Two app replicas on one cluster: a head started by ``ray start --head`` (loopback
only, one CPU), replica A (``host:port``) starts a run through ``default_registry()`` as
the app does, replica B (Ray Client, ``ray://``) finds it by the run id A's URL would
carry, reads its evaluations and model, pauses, advances and stops it; A sees the stop.
Each replica is its own process."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import pytest
from server_helpers import ROOT, free_port

pytestmark = pytest.mark.slow

NAMESPACE = "seq2seq-replicas"
# Ray's token authentication, on as a room's cluster should have it: the head and every
# replica share one token (``ray start`` reads it from the environment as the app does)
AUTH = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}

REPLICA_A = """
import time
from seq2seq_core import TrainConfig
from seq2seq_core.server import RunSpec, default_registry
registry = default_registry()
spec = RunSpec("reverse", {"n_train": 200, "n_heldout": 10, "min_len": 3, "max_len": 4},
               dict(emb_dim=8, hidden_dim=16),
               TrainConfig(steps=100_000, batch_size=8, eval_every=25, eval_size=10))
run = registry.submit(spec)
deadline = time.monotonic() + 200
while len(run.snapshot().evals) < 2 and time.monotonic() < deadline:
    registry.touch(run.run_id)
    time.sleep(0.2)
print("RUN", run.run_id, flush=True)
while run.snapshot().active and time.monotonic() < deadline:
    registry.touch(run.run_id)
    time.sleep(0.2)
snap = run.snapshot()
print("END", snap.status, snap.step, len(snap.evals), run.latest_model() is not None, flush=True)
"""

REPLICA_B = """
import sys, time
from seq2seq_core import DecodeConfig
from seq2seq_core.search.decode import decode_text
from seq2seq_core.server import default_registry
registry = default_registry()
run = registry.get(sys.argv[1])
print("FOUND", type(run).__name__, run.spec.task, run.spec.train.eval_every, flush=True)
def until(predicate):
    deadline = time.monotonic() + 60
    while not predicate() and time.monotonic() < deadline:
        registry.touch(run.run_id)
        time.sleep(0.1)
    return predicate()
print("EVALS", until(lambda: len(run.snapshot().evals) >= 2), flush=True)
tm = run.latest_model()
print("DECODES", bool(decode_text(tm, "abc", DecodeConfig()).hypotheses), flush=True)
run.pause()
print("PAUSED", until(lambda: run.snapshot().status == "paused"), flush=True)
held = run.snapshot().step
run.advance(2)
print("ADVANCED", until(lambda: run.snapshot().step == held + 2), flush=True)
run.stop()
run.join(60)
print("STOPPED", run.snapshot().status, run.snapshot().step == held + 2, flush=True)
"""


@pytest.fixture(scope="module")
def head() -> Iterator[tuple[str, str]]:
    """``ray start --head`` on 127.0.0.1, in its own process group (ended at the end) and
    its own temporary folder (so nothing else on this machine finds it as ``auto``)."""
    port, client_port = free_port(), free_port()
    temp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")  # short: Ray puts sockets there
    env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
           "RAY_USAGE_STATS_ENABLED": "0", **AUTH}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ray.scripts.scripts", "start", "--head", "--port", str(port),
         "--ray-client-server-port", str(client_port),
         "--node-ip-address", "127.0.0.1", "--num-cpus", "1", "--include-dashboard",
         "false", "--disable-usage-stats", "--temp-dir", temp, "--block"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/tmp",
        start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        for waiting_for in (port, client_port):
            while True:
                try:
                    socket.create_connection(("127.0.0.1", waiting_for), 1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        pytest.fail("ray start --head did not come up")
                    time.sleep(0.2)
        yield f"127.0.0.1:{port}", f"ray://127.0.0.1:{client_port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(3)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever of the head is left
        except ProcessLookupError:
            pass
        shutil.rmtree(temp, ignore_errors=True)


def test_a_second_replica_reattaches_a_run_by_its_id(head):
    gcs, client = head
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SEQ2SEQ_RAY_ADDRESS": gcs,
           "SEQ2SEQ_RAY_NAMESPACE": NAMESPACE, **AUTH}
    a = subprocess.Popen([sys.executable, "-c", REPLICA_A], cwd=ROOT, env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = a.stdout.readline()
        assert line.startswith("RUN "), line + a.stderr.read()[-3000:] if a.poll() else line
        run_id = line.split()[1]
        b = subprocess.run([sys.executable, "-c", REPLICA_B, run_id], cwd=ROOT,
                           env={**env, "SEQ2SEQ_RAY_ADDRESS": client}, text=True,
                           capture_output=True, timeout=240)
        assert b.returncode == 0, b.stderr[-3000:]
        assert b.stdout.split("\n")[:6] == [
            "FOUND RayRun reverse 25", "EVALS True", "DECODES True", "PAUSED True",
            "ADVANCED True", "STOPPED stopped True"], b.stdout + b.stderr[-2000:]
        out, err = a.communicate(timeout=120)
        status, step, evals, has_model = out.split("END ")[1].split()
        assert (status, has_model) == ("stopped", "True"), out + err[-2000:]
        assert int(evals) >= 3 and int(step) > 0
    finally:
        if a.poll() is None:
            a.kill()
