"""The background training run: progress, stop, errors surfaced, copies handed out."""

import time

from seq2seq_core import TrainConfig
from seq2seq_core.server.worker import RunSpec, TrainingRun

TINY = dict(emb_dim=8, hidden_dim=16)


def _spec(steps, **task):
    return RunSpec("reverse", {"n_train": 300, "n_heldout": 20, "min_len": 3, "max_len": 4,
                               **task}, TINY, TrainConfig(steps=steps, eval_every=10,
                                                         eval_size=20))


def test_run_finishes_and_hands_out_a_model():
    run = TrainingRun(_spec(25)).start()
    run.join(60)
    snap = run.snapshot()
    assert snap.status == "done" and snap.step == 25 and not snap.active
    assert [e.step for e in snap.history] == list(range(1, 26))
    assert [e.step for e in snap.evals] == [10, 20, 25]
    model = run.latest_model()
    assert model is not None and not model.model.training
    assert model.info["steps"] == 25
    assert snap.elapsed_s == run.snapshot().elapsed_s  # the clock stops with the run


def test_stop_keeps_the_model_so_far():
    run = TrainingRun(_spec(100000)).start()
    while run.snapshot().step < 12:
        time.sleep(0.01)  # a busy loop would hold the GIL and starve the training thread
    run.stop()
    run.join(60)
    snap = run.snapshot()
    assert snap.status == "stopped" and snap.step < 100000
    assert run.latest_model().info["steps"] == snap.step


def test_errors_are_reported_not_raised():
    run = TrainingRun(_spec(5, min_len=0)).start()
    run.join(60)
    snap = run.snapshot()
    assert snap.status == "error" and "min_len" in snap.error
    assert run.latest_model() is None


def test_run_ids_are_unguessable_and_distinct():
    ids = {TrainingRun(_spec(1)).run_id for _ in range(20)}
    assert len(ids) == 20 and all(len(i) == 32 for i in ids)
