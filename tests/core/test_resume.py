"""Training faults and exact resume: a NaN or exploding step is detected, reported, and
the last good weights kept; a saved run resumes bit for bit like an uninterrupted one."""

from __future__ import annotations

import copy
import math

import pytest
import torch

from seq2seq_core import CheckpointError, TrainConfig, Trainer, make_task, new_model
from seq2seq_core import train as train_module
from seq2seq_core.resume import resume, save_training
from seq2seq_core.server.worker import RunSpec, TrainingRun

OPTIONS = {"n_train": 200, "n_heldout": 10, "min_len": 3, "max_len": 6}
MODEL = {"emb_dim": 8, "hidden_dim": 16, "dropout": 0.2, "cell": "lstm"}  # dropout: RNG


def trainer(**cfg) -> Trainer:
    config = TrainConfig(**{"batch_size": 16, "teacher_forcing": 0.5, "seed": 3,
                            "eval_every": 0, "eval_size": 10, "steps": 1000, **cfg})
    task = make_task("reverse", seed=config.seed, **OPTIONS)
    return Trainer(new_model(task, MODEL, config.seed), task, config)


def weights(t: Trainer) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in t.model.state_dict().items()}


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_ten_plus_ten_resumed_steps_equal_twenty_uninterrupted(tmp_path):
    straight = trainer()
    losses = [straight.step().loss for _ in range(20)]
    first = trainer()
    resumed_losses = [first.step().loss for _ in range(10)]
    save_training(tmp_path / "run", first, OPTIONS)
    del first
    second = resume(tmp_path / "run")
    assert second.step_count == 10
    resumed_losses += [second.step().loss for _ in range(10)]
    assert resumed_losses == losses  # the same batches, coins and dropout masks
    assert same(weights(second), weights(straight))
    a, b = second.optimizer.state_dict()["state"], straight.optimizer.state_dict()["state"]
    assert all(same(a[i], b[i]) for i in b)


def test_without_the_saved_state_the_runs_differ(tmp_path):
    """The exactness above needs every saved piece: a fresh optimizer breaks it."""
    straight = trainer()
    for _ in range(20):
        straight.step()
    first = trainer()
    for _ in range(10):
        first.step()
    save_training(tmp_path / "run", first, OPTIONS)
    second = resume(tmp_path / "run")
    second.optimizer = torch.optim.Adam(second.model.parameters(), lr=second.cfg.learning_rate)
    for _ in range(10):
        second.step()
    assert not same(weights(second), weights(straight))


def test_a_folder_without_training_state_is_refused(tmp_path):
    with pytest.raises(CheckpointError, match="no resumable training state"):
        resume(tmp_path)


@pytest.mark.parametrize("scale", [float("nan"), float("inf"), 1e6],
                         ids=["nan", "inf", "exploding"])
def test_a_diverging_step_is_refused_and_the_last_good_weights_kept(monkeypatch, scale):
    t = trainer()
    for _ in range(4):
        t.step()
    good, good_adam = weights(t), copy.deepcopy(t.optimizer.state_dict())
    real = train_module.masked_cross_entropy
    monkeypatch.setattr(train_module, "masked_cross_entropy",
                        lambda logits, targets: real(logits, targets) * scale)
    with pytest.raises(train_module.Diverged, match="diverged at step 5.*from step 4 are kept"):
        t.step()
    assert t.step_count == 4 and same(weights(t), good)
    assert same(t.optimizer.state_dict()["state"][0], good_adam["state"][0])


def test_run_stops_at_a_fault_reports_it_and_returns_the_good_model(monkeypatch):
    t = trainer(steps=50)
    real, calls = train_module.masked_cross_entropy, []

    def nan_at_step_7(logits, targets):
        calls.append(1)
        return real(logits, targets) * (math.nan if len(calls) == 7 else 1.0)

    monkeypatch.setattr(train_module, "masked_cross_entropy", nan_at_step_7)
    events = []
    model = t.run(events.append)
    assert t.step_count == 6 and "diverged at step 7" in t.fault
    assert model.info["steps"] == 6 and model.info["fault"] == t.fault
    assert all(torch.isfinite(p).all() for p in model.model.parameters())
    assert [e.step for e in events if isinstance(e, train_module.StepEvent)] == list(range(1, 7))


def test_the_worker_reports_the_fault_and_keeps_the_model(monkeypatch):
    real, calls = train_module.masked_cross_entropy, []

    def nan_at_step_3(logits, targets):
        calls.append(1)
        return real(logits, targets) * (math.inf if len(calls) == 3 else 1.0)

    monkeypatch.setattr(train_module, "masked_cross_entropy", nan_at_step_3)
    run = TrainingRun(RunSpec("reverse", OPTIONS, {"emb_dim": 8, "hidden_dim": 16},
                              TrainConfig(steps=50, eval_every=0, eval_size=10))).start()
    run.join(60)
    snap = run.snapshot()
    assert snap.status == "error" and "diverged at step 3" in snap.error and snap.step == 2
    assert run.latest_model().info["steps"] == 2


def test_the_command_line_resumes_exactly(tmp_path):
    from seq2seq_core import cli, load
    common = ["train", "--task", "reverse", "--min-len", "3", "--max-len", "5", "--emb-dim",
              "8", "--hidden-dim", "16", "--batch-size", "16", "--teacher-forcing", "0.5",
              "--dropout", "0.2", "--eval-every", "0", "--seed", "2"]
    assert cli.main(common + ["--steps", "16", "--out", str(tmp_path / "straight")]) == 0
    assert cli.main(common + ["--steps", "8", "--out", str(tmp_path / "half")]) == 0
    assert cli.main(["train", "--resume", str(tmp_path / "half"), "--steps", "16",
                     "--out", str(tmp_path / "resumed")]) == 0
    straight, resumed = load(tmp_path / "straight"), load(tmp_path / "resumed")
    assert resumed.info["steps"] == 16
    assert same(straight.model.state_dict(), resumed.model.state_dict())
