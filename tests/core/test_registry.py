"""The process-wide registry: bounded slots with a FIFO queue, refusal past the queue,
heartbeats that stop abandoned runs, unguessable ids, and forgetting old runs."""

from __future__ import annotations

import threading
import time

import pytest

from seq2seq_core import TrainConfig
from seq2seq_core.server.limits import Limits
from seq2seq_core.server.registry import RunRegistry, ServerBusy, SlotGate, default_registry
from seq2seq_core.server.worker import RunSpec

TINY = dict(emb_dim=8, hidden_dim=16)


def spec(steps: int = 100_000) -> RunSpec:
    return RunSpec("reverse", {"n_train": 200, "n_heldout": 10, "min_len": 3, "max_len": 4},
                   TINY, TrainConfig(steps=steps, batch_size=8, eval_every=0, eval_size=10))


def wait_until(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def status(run) -> str:
    return run.snapshot().status


@pytest.fixture
def registry():
    made = []

    def make(**limits) -> RunRegistry:
        made.append(RunRegistry(Limits(**limits)))
        return made[-1]

    yield make
    for reg in made:
        reg.stop_all(60)


def test_two_slots_train_and_the_rest_queue_first_come_first_served(registry):
    reg = registry(train_slots=2)
    runs = [reg.submit(spec()) for _ in range(4)]
    assert wait_until(lambda: [status(r) for r in runs] == ["running", "running", "queued",
                                                            "queued"])
    assert [reg.queue_position(r.run_id) for r in runs] == [None, None, 0, 1]
    assert reg.counts() == {"training": 2, "queued": 2, "runs": 4}
    assert runs[2].snapshot().step == 0 and runs[2].snapshot().active
    runs[1].stop()
    assert wait_until(lambda: status(runs[2]) == "running")  # the next in line, not run 4
    assert status(runs[3]) == "queued" and reg.queue_position(runs[3].run_id) == 0
    assert status(runs[0]) == "running"


def test_a_full_queue_refuses_with_a_clear_message(registry):
    reg = registry(train_slots=1, max_queued=1)
    reg.submit(spec())
    reg.submit(spec())
    with pytest.raises(ServerBusy, match="1 trainings are running and 1 are waiting"):
        reg.submit(spec())


def test_stopping_a_queued_run_ends_it_without_training(registry):
    reg = registry(train_slots=1)
    first, second = reg.submit(spec()), reg.submit(spec())
    assert wait_until(lambda: status(second) == "queued")
    second.stop()
    second.join(10)
    snap = second.snapshot()
    assert (snap.status, snap.step, second.latest_model()) == ("stopped", 0, None)
    assert status(first) == "running"


def test_a_run_nobody_polls_stops_itself_and_a_polled_one_does_not(registry):
    reg = registry(train_slots=2, heartbeat_timeout_s=0.5)
    watched, abandoned = reg.submit(spec()), reg.submit(spec())
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:  # the watched one's tab keeps polling
        assert reg.touch(watched.run_id)
        time.sleep(0.1)
    abandoned.join(30)
    assert status(abandoned) == "stopped" and abandoned.snapshot().step > 0
    assert status(watched) == "running"


def test_a_queued_run_nobody_polls_leaves_the_queue(registry):
    reg = registry(train_slots=1, heartbeat_timeout_s=0.5)
    reg.submit(spec())  # holds the only slot
    queued = reg.submit(spec())
    queued.join(10)
    assert status(queued) == "stopped" and queued.snapshot().step == 0
    assert reg.queue_position(queued.run_id) is None


def test_ids_are_unguessable_and_only_exact_ids_find_runs(registry):
    reg = registry()
    run = reg.submit(spec(steps=2))
    assert reg.get(run.run_id) is run and len(run.run_id) == 32
    for probe in ("", run.run_id.upper(), run.run_id[:-1], run.run_id + "0", "../" * 11,
                  "0" * 32, None, 7):
        assert reg.get(probe) is None
        assert reg.touch(probe) is False


def test_finished_runs_are_forgotten_past_max_runs_then_after_retention(registry):
    now = [0.0]
    reg = RunRegistry(Limits(max_runs=2, run_retention_s=100), clock=lambda: now[0])
    runs = [reg.submit(spec(steps=1)) for _ in range(2)]
    for run in runs:
        run.join(60)
    third = reg.submit(spec(steps=1))  # three remembered would be one too many
    assert reg.get(runs[0].run_id) is None and reg.get(runs[1].run_id) is runs[1]
    third.join(60)
    now[0] = 50.0
    reg.touch(third.run_id)
    now[0] = 120.0
    fourth = reg.submit(spec(steps=1))
    assert reg.get(runs[1].run_id) is None  # unwatched for 120 s > 100 s
    assert reg.get(third.run_id) is third  # touched 70 s ago
    fourth.join(60)


def test_the_gate_serves_waiters_in_order():
    gate, order = SlotGate(1), []
    assert gate.acquire("a", lambda: False)

    def wait_turn(key: str) -> None:
        assert gate.acquire(key, lambda: False)
        order.append(key)
        gate.release(key)

    threads = [threading.Thread(target=wait_turn, args=(k,)) for k in "bcd"]
    for n, thread in enumerate(threads, 1):
        thread.start()
        assert wait_until(lambda n=n: gate.counts() == (1, n))  # b, then c, then d queue
    assert [gate.position(k) for k in "abcd"] == [None, 0, 1, 2]
    gate.release("a")
    for thread in threads:
        thread.join(10)
    assert order == ["b", "c", "d"] and gate.counts() == (0, 0)


def test_the_default_registry_is_one_per_process():
    assert default_registry() is default_registry()
