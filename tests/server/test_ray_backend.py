"""Runs on a local Ray cluster through the registry calls the app makes: the same model
as a thread run with the same seed, the controls, Ray's own queue, and a run found again
by its id from a registry that did not start it."""

from __future__ import annotations

import pytest
import torch
from server_helpers import NAMESPACE, spec, wait_until

from seq2seq_core import DecodeConfig
from seq2seq_core.search.decode import decode_text
from seq2seq_core.server import Limits, RayConfig, RunRegistry

pytestmark = pytest.mark.slow


@pytest.fixture
def ray_registry(ray_cluster):
    """A factory of registries on the session's cluster; their runs stop at the end."""
    from seq2seq_core.server.ray_backend import RayBackend

    made = []

    def make(linger_s: float = 60.0, **limits) -> RunRegistry:
        backend = RayBackend(RayConfig("auto", namespace=NAMESPACE, linger_s=linger_s))
        made.append(RunRegistry(Limits(**limits), backend=backend))
        return made[-1]

    yield make
    for reg in made:
        reg.stop_all(60)
    assert wait_until(lambda: ray_cluster.available_resources().get("CPU") == 2.0, 60)


def same_weights(a, b) -> bool:
    sa, sb = a.model.state_dict(), b.model.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def test_a_ray_run_trains_the_model_a_thread_run_trains(ray_registry):
    remote, local = ray_registry(), RunRegistry(Limits())
    run = remote.submit(spec(steps=60, eval_every=20, seed=7))
    assert run.snapshot().status in ("queued", "starting", "running")
    assert remote.get(run.run_id) is run
    here = local.submit(spec(steps=60, eval_every=20, seed=7))
    run.join(120)
    here.join(120)
    snap, ref = run.snapshot(), here.snapshot()
    assert (snap.status, snap.step, snap.total_steps) == ("done", 60, 60)
    assert [e.step for e in snap.evals] == [e.step for e in ref.evals] == [20, 40, 60]
    assert [e.exact_match for e in snap.evals] == [e.exact_match for e in ref.evals]
    assert [e.loss for e in snap.history] == [e.loss for e in ref.history]
    assert same_weights(run.latest_model(), here.latest_model())
    assert [s.step for s in run.replay.snapshots()] == [s.step for s in
                                                        here.replay.snapshots()]
    for mine, theirs in zip(run.replay.snapshots(), here.replay.snapshots(), strict=True):
        assert same_weights(mine.tm, theirs.tm) and mine.nbytes == theirs.nbytes
    tm = run.latest_model()
    assert tm.info["steps"] == 60 and not tm.model.training
    assert decode_text(tm, "abc", DecodeConfig()).hypotheses  # usable in Decode as it is
    assert remote.counts() == {"training": 0, "queued": 0, "runs": 1}


def test_pause_advance_speed_and_stop_reach_the_actor(ray_registry):
    reg = ray_registry()
    run = reg.submit(spec(eval_every=0))
    assert wait_until(lambda: run.snapshot().status == "running" and run.snapshot().step > 0)
    run.pause()
    assert wait_until(lambda: run.snapshot().status == "paused")
    held = run.snapshot().step
    run.advance(3)
    assert wait_until(lambda: run.snapshot().step == held + 3 and run.snapshot().evals and
                      run.snapshot().evals[-1].step == held + 3)
    assert run.latest_model().info["steps"] == held + 3  # evaluated after steps by hand
    assert [s.step for s in run.replay.snapshots()][-1] == held + 3
    with pytest.raises(ValueError, match="at least 1 step"):
        run.advance(0)
    run.set_speed(5.0)
    run.resume()
    assert wait_until(lambda: run.snapshot().steps_per_second == 5.0 and
                      run.snapshot().status == "running")
    reg.touch(run.run_id)
    run.stop()
    run.join(60)
    snap = run.snapshot()
    assert snap.status == "stopped" and run.latest_model().info["steps"] == snap.step


def test_ray_schedules_a_third_run_when_a_cpu_frees_and_a_queued_stop_never_trains(
        ray_registry, ray_cluster):
    reg = ray_registry(train_slots=1)  # the local slot limit does not apply to Ray
    first, second = reg.submit(spec()), reg.submit(spec())
    assert wait_until(lambda: first.snapshot().status == second.snapshot().status ==
                      "running", 120)
    third, fourth = reg.submit(spec()), reg.submit(spec())
    assert third.snapshot().status == fourth.snapshot().status == "queued"
    assert reg.counts() == {"training": 2, "queued": 2, "runs": 4}
    fourth.stop()
    snap = fourth.snapshot()
    assert (snap.status, snap.step, fourth.latest_model()) == ("stopped", 0, None)
    first.stop()
    first.join(60)  # a poll that sees it ended collects it and frees its CPU at once
    assert first.snapshot().status == "stopped"
    assert wait_until(lambda: third.snapshot().status == "running", 120)
    assert second.snapshot().status == "running"


def test_another_registry_finds_the_run_by_its_id(ray_registry):
    a, b = ray_registry(), ray_registry()
    run = a.submit(spec(eval_every=25))
    assert wait_until(lambda: len(run.snapshot().evals) >= 2)
    assert b.get("0" * 32) is None and b.get("not an id") is None
    found = b.get(run.run_id)
    assert found is not None and found is not run and b.get(run.run_id) is found
    assert found.spec == run.spec
    assert b.touch(run.run_id)
    assert wait_until(lambda: len(found.snapshot().evals) >= len(run.snapshot().evals) >= 2)
    shared = min(len(found.snapshot().evals), len(run.snapshot().evals))
    assert found.snapshot().evals[:shared] == run.snapshot().evals[:shared]
    assert found.latest_model() is not None and found.replay.snapshots()
    found.stop()  # from the other replica
    assert wait_until(lambda: run.snapshot().status == "stopped")
