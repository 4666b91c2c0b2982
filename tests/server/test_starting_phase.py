"""RunSnapshot.phase: a starting run says whether it is making the task's data or
building the model, and says nothing once it runs."""

from __future__ import annotations

import threading
import time

from seq2seq_core import TrainConfig
from seq2seq_core.server import worker
from seq2seq_core.server.worker import RunSpec, TrainingRun


def wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.02)
    return predicate()


def test_the_phase_follows_the_run_from_data_to_model_to_running(monkeypatch):
    data_gate, model_gate = threading.Event(), threading.Event()
    real_make_task, real_new_model = worker.make_task, worker.new_model

    def slow_make_task(*args, **kwargs):
        data_gate.wait(30)
        return real_make_task(*args, **kwargs)

    def slow_new_model(*args, **kwargs):
        model_gate.wait(30)
        return real_new_model(*args, **kwargs)

    monkeypatch.setattr(worker, "make_task", slow_make_task)
    monkeypatch.setattr(worker, "new_model", slow_new_model)
    spec = RunSpec("reverse", {"min_len": 3, "max_len": 5}, {"emb_dim": 4, "hidden_dim": 8},
                   TrainConfig(steps=3, eval_every=3, eval_size=5, batch_size=4))
    run = TrainingRun(spec).start()
    try:
        assert wait_for(lambda: run.snapshot().phase == "data")
        assert run.snapshot().status == "starting"
        data_gate.set()
        assert wait_for(lambda: run.snapshot().phase == "model")
        assert run.snapshot().status == "starting"
        model_gate.set()
        assert wait_for(lambda: not run.snapshot().active)
        assert run.snapshot().status == "done" and run.snapshot().phase == ""
    finally:
        data_gate.set()
        model_gate.set()
        run.stop()
        run.join(30)
