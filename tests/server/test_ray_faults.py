"""Faults on the Ray backend: an actor killed mid-run, a run nobody polls, a cluster that
cannot be reached (app path and CLI, with and without ``SEQ2SEQ_RAY_FALLBACK=local``),
and the CLI's ``train --ray`` saving the model a local ``train`` saves."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import torch
from server_helpers import NAMESPACE, ROOT, free_port, run_python, spec, wait_until

from seq2seq_core import DecodeConfig
from seq2seq_core.checkpoint import load
from seq2seq_core.search.decode import decode_text
from seq2seq_core.server import Limits, RayConfig, RunRegistry

pytestmark = pytest.mark.slow


def registry(linger_s: float = 60.0, **limits) -> RunRegistry:
    from seq2seq_core.server.ray_backend import RayBackend

    backend = RayBackend(RayConfig("auto", namespace=NAMESPACE, linger_s=linger_s))
    return RunRegistry(Limits(**limits), backend=backend)


def cpus_free(ray) -> bool:
    return ray.available_resources().get("CPU") == 2.0


def test_a_killed_actor_leaves_a_lost_run_with_its_last_snapshot(ray_cluster):
    ray = ray_cluster
    reg = registry()
    run = reg.submit(spec(eval_every=20))
    assert wait_until(lambda: len(run.snapshot().evals) >= 2, 120)
    seen = run.snapshot()
    ray.kill(ray.get_actor(run.run_id, namespace=NAMESPACE))  # the worker dies mid-run
    assert wait_until(lambda: run.snapshot().status == "lost", 30)
    snap = run.snapshot()
    assert not snap.active and "lost at step" in snap.error and "are kept" in snap.error
    assert snap.evals[:len(seen.evals)] == seen.evals and snap.step >= seen.step
    assert snap.history and snap.history[:len(seen.history)] == seen.history[:len(snap.history)]
    tm = run.latest_model()
    assert tm is not None and tm.info["steps"] == snap.evals[-1].step
    assert decode_text(tm, "abc", DecodeConfig(strategy="beam", beam_size=3)).hypotheses
    assert [s.step for s in run.replay.snapshots()] == [e.step for e in snap.evals]
    assert wait_until(lambda: cpus_free(ray), 30)  # its CPU is back
    run.stop()  # harmless on a lost run
    reg.touch(run.run_id)
    assert run.snapshot().status == "lost"
    assert registry().get(run.run_id) is None  # nobody can reattach a dead actor
    assert reg.get(run.run_id) is run  # its own registry keeps what it saw


def watched_until_running(reg: RunRegistry, *runs) -> bool:
    """Touch and poll ``runs``, as open tabs do, until they all train."""
    def training() -> bool:
        for run in runs:
            reg.touch(run.run_id)
        return all(run.snapshot().status == "running" and run.snapshot().step > 0
                   for run in runs)

    return wait_until(training, 120)


def test_a_run_nobody_touches_stops_after_the_heartbeat_timeout(ray_cluster):
    reg = registry(heartbeat_timeout_s=5.0)
    run = reg.submit(spec())
    assert watched_until_running(reg, run)
    left = time.monotonic()  # the tab closes; polls alone do not count as a heartbeat
    assert wait_until(lambda: run.snapshot().status == "stopped", 60)
    assert 3.0 < time.monotonic() - left < 30.0  # 5 s after the last heartbeat sent
    assert run.snapshot().step > 0 and run.latest_model() is not None
    assert wait_until(lambda: cpus_free(ray_cluster), 30)


def test_an_ended_run_nobody_polls_exits_after_its_linger(ray_cluster):
    ray = ray_cluster
    reg = registry(linger_s=1.0, heartbeat_timeout_s=3.0)
    run = reg.submit(spec())
    assert watched_until_running(reg, run)
    # from now on nobody polls: the run stops at its heartbeat timeout, the actor exits
    # a second later by itself

    def gone() -> bool:
        try:
            ray.get_actor(run.run_id, namespace=NAMESPACE)
        except ValueError:
            return True
        return False

    assert wait_until(gone, 60, every=0.5)
    assert wait_until(lambda: cpus_free(ray), 30)


def test_a_run_still_waiting_for_the_cluster_is_cancelled_when_its_tab_closes(ray_cluster):
    from seq2seq_core.server import ray_backend

    reg = registry(heartbeat_timeout_s=4.0)
    busy = [reg.submit(spec()), reg.submit(spec())]
    assert watched_until_running(reg, *busy)
    waiting = reg.submit(spec())  # no CPU left: Ray keeps it pending
    assert waiting.snapshot().status == "queued"

    def cancelled() -> bool:
        for run in busy:  # their tabs stay open
            reg.touch(run.run_id)
        return waiting.snapshot().status == "stopped"

    assert wait_until(cancelled, 4.0 + ray_backend.SWEEP_S + 10)  # nobody touched it
    assert all(run.snapshot().status == "running" for run in busy)
    assert waiting.snapshot().step == 0 and waiting.latest_model() is None
    for run in busy:
        run.stop()
        run.join(60)
    assert wait_until(lambda: cpus_free(ray_cluster), 30)


UNREACHABLE = """
import sys
from seq2seq_core import TrainConfig
from seq2seq_core.server import ClusterUnreachable, RunSpec, default_registry
spec = RunSpec("reverse", {"n_train": 50, "n_heldout": 5, "min_len": 3, "max_len": 4},
               dict(emb_dim=8, hidden_dim=8), TrainConfig(steps=5, batch_size=4, eval_size=5))
registry = default_registry()
try:
    run = registry.submit(spec)
except ClusterUnreachable as err:
    print("REFUSED", err)
    try:
        registry.submit(spec)
    except ClusterUnreachable as again:
        print("AGAIN", again == err or str(again) == str(err))
    sys.exit(0)
run.join(60)
print("TRAINED", type(run).__name__, run.snapshot().status, run.snapshot().step)
print("NOTICE", registry.notice)
print("RAY", "ray" in sys.modules)
"""


def test_an_unreachable_cluster_is_refused_with_its_address_or_falls_back():
    address = f"127.0.0.1:{free_port()}"
    done = run_python(UNREACHABLE, {"SEQ2SEQ_RAY_ADDRESS": address})
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"REFUSED The Ray cluster at '{address}' (SEQ2SEQ_RAY_ADDRESS) cannot be " \
           "reached" in done.stdout
    assert "SEQ2SEQ_RAY_FALLBACK=local" in done.stdout and "AGAIN True" in done.stdout
    done = run_python(UNREACHABLE, {"SEQ2SEQ_RAY_ADDRESS": address,
                                    "SEQ2SEQ_RAY_FALLBACK": "local"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "TRAINED TrainingRun done 5" in done.stdout
    assert f"NOTICE The Ray cluster at '{address}'" in done.stdout
    assert "Training on this server instead." in done.stdout


TRAIN = ["-m", "seq2seq_core", "train", "--task", "reverse", "--decoder", "attention",
         "--emb-dim", "8", "--hidden-dim", "16", "--steps", "30", "--batch-size", "8",
         "--eval-every", "10", "--seed", "3", "--min-len", "3", "--max-len", "5"]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=full, text=True,
                          capture_output=True, timeout=300)


def test_cli_train_on_ray_saves_the_model_a_local_train_saves(ray_cluster, tmp_path):
    gcs = ray_cluster.get_runtime_context().gcs_address
    assert gcs.startswith("127.0.0.1:")
    remote = cli(*TRAIN, "--ray", gcs, "--out", str(tmp_path / "ray"))
    assert remote.returncode == 0, remote.stderr[-3000:]
    assert "training on the Ray cluster at 127.0.0.1:" in remote.stdout
    assert remote.stdout.count("held-out exact match") >= 3
    local = cli(*TRAIN, "--out", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr[-3000:]
    a, b = load(tmp_path / "ray"), load(tmp_path / "local")
    sa, sb = a.model.state_dict(), b.model.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa) and a.info["steps"] == 30


def test_cli_train_on_an_unreachable_cluster_names_the_address(tmp_path):
    address = f"127.0.0.1:{free_port()}"
    done = cli(*TRAIN, "--ray", address, "--out", str(tmp_path / "x"))
    assert done.returncode == 2 and not (tmp_path / "x").exists()
    assert f"error: The Ray cluster at '{address}'" in done.stderr
    fell_back = cli(*TRAIN, "--steps", "5", "--ray", address, "--out", str(tmp_path / "y"),
                    env={"SEQ2SEQ_RAY_FALLBACK": "local"})
    assert fell_back.returncode == 0, fell_back.stderr[-3000:]
    assert "training on this machine" in fell_back.stdout and (tmp_path / "y").is_dir()
