"""Pause, resume, step by hand and slow motion: the worker's controls, as a UI, a CLI or a
notebook drives them."""

from __future__ import annotations

import time

import torch

from seq2seq_core import TrainConfig
from seq2seq_core.server.slots import SlotGate
from seq2seq_core.server.worker import RunSpec, TrainingRun

TINY = {"emb_dim": 8, "hidden_dim": 16, "dropout": 0.1}


def spec(steps: int, eval_every: int = 10) -> RunSpec:
    return RunSpec("reverse", {"n_train": 300, "n_heldout": 20, "min_len": 3, "max_len": 4},
                   TINY, TrainConfig(steps=steps, eval_every=eval_every, eval_size=20))


def wait_for(run: TrainingRun, check, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not check(run.snapshot()):
        assert time.monotonic() < end, run.snapshot()
        time.sleep(0.01)


def test_a_paused_run_holds_still_and_goes_on_when_resumed():
    run = TrainingRun(spec(100000))
    run.pause()  # paused before its first step
    run.start()
    wait_for(run, lambda s: s.status == "paused")
    time.sleep(0.3)
    assert run.snapshot().step == 0
    run.resume()
    wait_for(run, lambda s: s.step >= 5)
    run.pause()
    wait_for(run, lambda s: s.status == "paused")
    held = run.snapshot().step
    time.sleep(0.3)
    assert run.snapshot().step == held
    run.stop()
    run.join(60)
    assert run.snapshot().status == "stopped"
    assert run.latest_model().info["steps"] == held  # stop keeps the model so far


def test_advance_takes_exactly_its_steps_and_shows_them_evaluated():
    run = TrainingRun(spec(100000, eval_every=1000))
    run.pause()
    run.start()
    wait_for(run, lambda s: s.status == "paused")
    run.advance(3)
    wait_for(run, lambda s: s.status == "paused" and s.evals and s.evals[-1].step == 3)
    time.sleep(0.2)
    snap = run.snapshot()
    assert snap.step == 3 and [e.step for e in snap.evals] == [3]
    assert [s.step for s in run.replay.snapshots()] == [3]  # the replay shows that step
    run.advance(1)
    wait_for(run, lambda s: s.evals[-1].step == 4)
    assert run.latest_model().info["steps"] == 4  # the model you get is the one shown
    run.stop()
    run.join(60)


def test_steps_by_hand_train_the_same_model_as_an_uninterrupted_run():
    whole = TrainingRun(spec(12)).start()
    whole.join(60)
    stepped = TrainingRun(spec(12))
    stepped.pause()
    stepped.start()
    for target in (2, 7, 12):
        wait_for(stepped, lambda s: s.status in ("paused", "done"))
        stepped.advance(target - stepped.snapshot().step)
        wait_for(stepped, lambda s, t=target: s.step == t)
    stepped.resume()
    stepped.join(60)
    assert stepped.snapshot().status == "done"
    a = whole.latest_model().model.state_dict()
    b = stepped.latest_model().model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_a_long_pause_gives_the_slot_to_the_queue():
    gate = SlotGate(1)
    first = TrainingRun(spec(100000), gate=gate, pause_release_s=0.2).start()
    wait_for(first, lambda s: s.step >= 2)
    second = TrainingRun(spec(20), gate=gate).start()
    time.sleep(0.3)
    assert second.snapshot().status == "queued"
    first.pause()
    second.join(60)  # trains while the first is paused
    assert second.snapshot().status == "done"
    first.resume()
    wait_for(first, lambda s: s.status == "running")
    first.stop()
    first.join(60)


def test_the_speed_limit_caps_steps_per_second():
    run = TrainingRun(spec(100000))
    run.set_speed(10.0)
    run.start()
    wait_for(run, lambda s: s.step >= 1)
    start_step, start = run.snapshot().step, time.monotonic()
    time.sleep(1.0)
    steps = run.snapshot().step - start_step
    elapsed = time.monotonic() - start
    assert run.snapshot().steps_per_second == 10.0
    assert steps <= 10 * elapsed + 2  # never faster than asked (slower under load is fine)
    run.set_speed(None)
    wait_for(run, lambda s: s.steps_per_second is None)
    run.stop()
    run.join(60)
