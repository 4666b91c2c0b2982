"""The linear learning-rate schedule: the rate each step used, and the config check."""

import pytest

from seq2seq_core import TrainConfig, Trainer, make_task, new_model


def trainer(schedule: str) -> Trainer:
    task = make_task("reverse", n_train=50, n_heldout=5, seed=0)
    tm = new_model(task, {"emb_dim": 4, "hidden_dim": 8}, seed=0)
    return Trainer(tm, task, TrainConfig(steps=4, batch_size=8, learning_rate=0.01,
                                         eval_every=0, lr_schedule=schedule))


def test_linear_schedule_decays_towards_zero():
    tr = trainer("linear")
    used = []
    for _ in range(4):
        tr.step()
        used.append(tr.optimizer.param_groups[0]["lr"])
    assert used == pytest.approx([0.01, 0.0075, 0.005, 0.0025])  # 0.01 * (1 - i/4)


def test_constant_is_the_default_and_unknown_schedules_are_refused():
    tr = trainer("constant")
    tr.step()
    tr.step()
    assert tr.optimizer.param_groups[0]["lr"] == 0.01
    assert TrainConfig().lr_schedule == "constant"
    with pytest.raises(ValueError, match="lr_schedule must be one of constant, linear"):
        TrainConfig(lr_schedule="cosine")
