"""Training: a small model learns `reverse`; runs are reproducible; events are typed."""

import pytest
import torch

from seq2seq_core import EvalEvent, StepEvent, TrainConfig, Trainer, make_task, new_model
from seq2seq_core.train import masked_cross_entropy

SMALL = dict(emb_dim=16, hidden_dim=48)


def _trainer(steps, seed=0, **model):
    task = make_task("reverse", n_train=3000, n_heldout=200, seed=seed, min_len=3, max_len=6)
    cfg = TrainConfig(steps=steps, eval_every=100, eval_size=200, seed=seed,
                      learning_rate=1e-2)
    return Trainer(new_model(task, {**SMALL, **model}, seed), task, cfg)


@pytest.mark.slow
def test_small_attention_model_learns_reverse():
    events = []
    tm = _trainer(400).run(events.append)
    evals = [e for e in events if isinstance(e, EvalEvent)]
    assert evals[-1].exact_match >= 0.9, [e.exact_match for e in evals]
    assert tm.info["heldout_exact_match"] == evals[-1].exact_match
    steps = [e for e in events if isinstance(e, StepEvent)]
    assert [e.step for e in steps] == list(range(1, 401))
    assert steps[-1].loss < steps[0].loss / 5
    assert all(e.elapsed_s >= 0 and e.grad_norm > 0 and e.tokens > 0 for e in steps)


def test_same_seed_same_run():
    first = _trainer(15, seed=3)
    second = _trainer(15, seed=3)
    for _ in range(15):
        x, y = first.step(), second.step()
        assert (x.loss, x.grad_norm, x.token_accuracy) == (y.loss, y.grad_norm, y.token_accuracy)
    for (name, p), q in zip(first.model.named_parameters(), second.model.parameters()):
        assert torch.equal(p, q), name


def test_concurrent_runs_with_dropout_match_a_run_alone():
    import threading
    alone = _trainer(20, seed=3, dropout=0.3, num_layers=2)
    for _ in range(20):
        alone.step()
    twin = _trainer(20, seed=3, dropout=0.3, num_layers=2)
    other = _trainer(20, seed=4, dropout=0.3, num_layers=2)  # a second user's run
    threads = [threading.Thread(target=lambda t=t: [t.step() for _ in range(20)])
               for t in (twin, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for (name, p), q in zip(alone.model.named_parameters(), twin.model.parameters()):
        assert torch.equal(p, q), name


def test_teacher_forcing_ratio_zero_trains_on_own_predictions():
    trainer = _trainer(5)
    trainer.cfg = TrainConfig(steps=5, teacher_forcing=0.0, eval_every=0)
    event = trainer.step()
    assert event.loss > 0


def test_stop_request_ends_the_run_early():
    calls = []
    tm = _trainer(1000).run(calls.append, should_stop=lambda: len(calls) >= 5)
    assert tm.info["steps"] == 5


def test_masked_cross_entropy_ignores_padding():
    logits = torch.randn(2, 3, 7)
    targets = torch.tensor([[4, 5, 2], [6, 2, 0]])
    manual = torch.nn.functional.cross_entropy(
        torch.cat([logits[0], logits[1, :2]]), torch.tensor([4, 5, 2, 6, 2]))
    torch.testing.assert_close(masked_cross_entropy(logits, targets), manual)
